"""Entries of a reference list (參考文獻 / 参考文献 / References) → :class:`~indexer.sources.citations.Citation`.

Bibliographies follow styles notes do not: GB/T 7714 (``桂勇. 邻里空间[M]. 上海：
上海世纪出版集团，2008.``), author–year (``王振華（2004）。〈篇名〉。《期刊》…`` and
APA ``Putnam, R. D. (2000). Title. Place: Publisher.``) and Chicago
(``Bush, Susan. Title. Cambridge, Mass.: Harvard University Press, 1971.``).
Each is read here; anything else goes to the note parser.

>>> c, = parse_reference("[1] 桂勇. 邻里空间：城市基层的行动、组织与互动[M]. 上海：上海世纪出版集团，2008.")
>>> (c.kind, c.authors, c.title, c.place, c.publisher, c.year)
('book', ['桂勇'], '邻里空间：城市基层的行动、组织与互动', '上海', '上海世纪出版集团', 2008)
"""

from __future__ import annotations

import re

from indexer.sources.citations import Citation, parse_note, url_domain

_NUMBER = re.compile(r"^\s*(?:[\[［]\d{1,4}[\]］]|\d{1,4}[.．、](?!\d))\s*")
_GBT = re.compile(r"^(?P<authors>[^\[\]]+?)[.．]\s*(?P<title>[^\[\]]+?)\s*\[(?P<type>[A-Z]{1,2})(?:/OL)?\][.．]?\s*(?P<rest>.*)$")
_GBT_KIND = {"M": "book", "J": "article", "C": "chapter", "D": "book", "N": "article", "R": "report", "EB": "web"}
_PLACE_PUB = re.compile(r"^(?P<place>[^：:，,]{1,30})[：:]\s*(?P<pub>[^，,]+?)[，,]\s*(?P<year>\d{4})")
_JOURNAL = re.compile(
    r"^(?P<journal>[^，,]+?)[，,]\s*(?P<year>\d{4})\s*(?:[，,]\s*(?P<vol>\d+))?\s*"
    r"(?:[（(](?P<issue>\d+)[）)])?\s*(?:[：:]\s*(?P<pages>\d+(?:\s*[-–—]\s*\d+)?))?"
)
_AUTHOR_YEAR = re.compile(r"^(?P<authors>[^（(。.]{2,40}?)\s*[（(](?P<year>\d{4})[a-z]?[）)][。.]?\s*(?P<rest>.+)$")
_CHICAGO = re.compile(
    r"^(?P<authors>[A-Z][\w'\-]+,\s+[^.]+?)\.\s+(?P<title>.+?)\.\s+(?P<place>[A-Z][\w .]*?(?:,\s*[A-Z][a-z]+\.?)?):\s*"
    r"(?P<pub>[^:]+?),\s*(?P<year>\d{4})\.?$"
)
_NAMES = re.compile(r"\s*[，,、;；]\s*|\s+and\s+|\s*&\s*")
_URL = re.compile(r"https?://\S+|www\.\S+")


def parse_reference(text: str) -> list[Citation]:
    """Return the sources a reference-list entry names (usually one)."""
    entry = _NUMBER.sub("", text, count=1).strip()
    c = _gbt(entry) or _chicago(entry) or _author_year(entry)
    if c is None:
        return parse_note(entry).citations
    c.raw = text
    if m := _URL.search(entry):
        c.url = m.group().rstrip(".,;。，；>")
        c.domain = url_domain(c.url)
    return [c]


def _lang(text: str) -> str:
    return "zh" if re.search(r"[\u3400-\u9fff]", text) else "en"


def _authors(text: str) -> list[str]:
    names = [n.strip(" .．") for n in _NAMES.split(text.strip()) if n.strip(" .．")]
    return [n for n in names if n not in ("等", "et al")]


def _gbt(entry: str) -> Citation | None:
    m = _GBT.match(entry)
    if not m:
        return None
    c = Citation(kind=_GBT_KIND.get(m.group("type"), "other"), authors=_authors(m.group("authors")),
                 title=m.group("title").strip(), lang=_lang(entry))
    rest = m.group("rest").strip()
    if p := _PLACE_PUB.match(rest):
        c.place, c.publisher, c.year = p.group("place").strip(), p.group("pub").strip(), int(p.group("year"))
    elif j := _JOURNAL.match(rest):
        c.container, c.year = j.group("journal").strip(), int(j.group("year"))
        c.volume, c.issue, c.pages = j.group("vol"), j.group("issue"), j.group("pages")
    return c


def _chicago(entry: str) -> Citation | None:
    m = _CHICAGO.match(entry)
    if not m or _lang(entry) != "en":
        return None
    last, _, first = m.group("authors").partition(",")
    return Citation(kind="book", authors=[f"{first.strip()} {last.strip()}"], title=m.group("title").strip(),
                    place=m.group("place").strip(), publisher=m.group("pub").strip(), year=int(m.group("year")),
                    lang="en")


def _author_year(entry: str) -> Citation | None:
    m = _AUTHOR_YEAR.match(entry)
    if not m:
        return None
    found = parse_note(m.group("rest")).citations
    if not found:
        return None
    c = found[0]
    c.authors = c.authors or _authors(m.group("authors"))
    c.year = c.year or int(m.group("year"))
    return c
