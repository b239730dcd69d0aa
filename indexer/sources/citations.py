"""Turn footnote text into structured citations.

A note may hold several sources (split at top-level ；/;/。) and commentary.
Chinese conventions: author(s)，《書名》 / 〈篇名〉《期刊》 / 「篇名」，期刊，
（地點：出版社，年）, 民國 years, 第N卷第N期, 頁. English ones: Author,
“Title,” *Publication*, URL, access date, p./pp. A leading back-reference
(同註N, 同前註, 同上, 前揭, Ibid.) is read by :mod:`indexer.parse.backrefs`
and followed by :func:`indexer.sources.collect.resolve`.

>>> c, = parse_citation("鄭羽，《俄美關係》（北京：世界知識出版社，2006年），頁94。")
>>> (c.kind, c.authors, c.title, c.place, c.publisher, c.year, c.pages)
('book', ['鄭羽'], '俄美關係', '北京', '世界知識出版社', 2006, '94')
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from indexer.parse.backrefs import PAGES as _PAGES
from indexer.parse.backrefs import RANGE as _RANGE
from indexer.parse.backrefs import BackRef, find_backref, pages_in
from indexer.parse.dates import western_year


@dataclass
class Citation:
    """One source named in a note."""

    kind: str = "other"  # book | article | chapter | web | report | other
    authors: list[str] = field(default_factory=list)
    title: str | None = None
    container: str | None = None  # journal, book of a chapter, publication, site
    place: str | None = None
    publisher: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None  # "94", "198-235"
    url: str | None = None
    domain: str | None = None  # host without www.
    accessed: str | None = None  # ISO date
    raw: str = ""
    issued: str | None = None  # ISO date of publication, possibly partial ("2006-07")
    editors: list[str] = field(default_factory=list)
    et_al: bool = False  # 等著 / et al.
    note: str | None = None  # commentary kept with this source
    lang: str | None = None  # "zh", "en", or None for a bare URL
    translated_title: str | None = None  # the title in another language (an article's English title)

    def to_dict(self) -> dict:
        """Return the JSON-ready dict."""
        return asdict(self)


@dataclass
class ParsedNote:
    """A note split into its sources, a leading back-reference and commentary."""

    citations: list[Citation] = field(default_factory=list)
    back_ref: BackRef | None = None
    comment: str | None = None  # text that names no source


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_URL = re.compile(r"<((?:https?://|www\.)[^>\s]+)>|((?:https?://|www\.)[^\s<>\"“”「」《》〈〉，。；、（）()]+)", re.I)
_TOKEN = re.compile("\ue000(\\d+)\ue001")
_OPEN = {"《": "》", "〈": "〉", "「": "」", "『": "』", "“": "”", '"': '"', "*": "*"}
_SPAN_KIND = {"《": "book", "〈": "art", "「": "quote", "『": "quote", "“": "quote", '"': "quote", "*": "italic"}
_BRACKETS = {"《": "》", "〈": "〉", "「": "」", "『": "』", "（": "）", "(": ")", "“": "”", "[": "]"}
_MASK = "\ufffc"
_PREFIX = re.compile(
    r"^\s*(?:另請參閱|請參閱|請參見|另參見|另見|參閱|參見|參考|詳見|轉引自|引自|見|cf\.|see also|see)\s*[：:，,]?\s*",
    re.I,
)
_MORE_PAGES = re.compile(rf"\s*(?:pp?\.|頁)?\s*{_RANGE}(?:\s*[,;、，；]\s*{_RANGE})*\s*[.。]?\s*$", re.I)
_VOLUME = re.compile(r"第\s*(\d+)\s*卷|(\d+)\s*卷(?=\s*第?\s*\d+\s*期)|\bvol(?:ume)?\.?\s*(\d+)", re.I)
_ISSUE = re.compile(r"第\s*(\d+)\s*期|卷\s*(\d+)\s*期|\b(?:no|issue)\.?\s*(\d+)", re.I)
_YEAR_ISSUE = re.compile(r"(\d{4})\s*年\s*第?\s*(\d{1,2})\s*期")
_MONTHS = "january february march april may june july august september october november december".split()
_EN_DATE = re.compile(
    r"\b(?:(?P<m1>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?P<d1>\d{1,2}),?\s+(?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2})\s+(?P<m2>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,?\s+(?P<y2>\d{4})"
    r"|(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d))\b"
)
_ZH_DATE = re.compile(
    r"(?<!\d)(?:民國)?\s*(?P<y>\d{2,4})\s*年\s*(?P<m>\d{1,2})(?:\s*[、,，-]\s*\d{1,2})?\s*月(?:\s*(?P<d>\d{1,2})\s*日)?"
)
_ACCESS_ZH = re.compile(r"(?:檢索|瀏覽|查閱|上網|下載|擷取|造訪|引用)(?:檢視)?(?:日期|時間|於)\s*[：:]?\s*")
_ACCESS_EN = re.compile(r"\b(?:accessed|retrieved|visited)(?:\s+on)?\s*[:,]?\s*$", re.I)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)|(?<!\d)(?:民國)?\s*(\d{2,3})\s*年")
_PAREN = re.compile(r"[（(]([^（）()]*)[）)]")
_ROLE = re.compile(r"\s*(等)?\s*(主編|編著|編譯|合著|編|著|譯|撰)?\s*$")
_EN_SPLIT = re.compile(r"\s*,\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*")
_EN_EDITORS = re.compile(r",?\s+\(?eds?\.?\)?\s*$", re.I)
_CHAPTER_IN = re.compile(
    r"(?:收於|收錄於|收入|載於|刊於|\bin\b)\s*[：:]?\s*(?P<eds>[^，,《]*?)\s*(?:主編|編|eds?\.)?\s*[，,]?\s*$", re.I
)
_REPORT = re.compile(r"研究報告|研究計畫|working paper|technical report|report no\.", re.I)
_WWW = re.compile(r"^www\d*\.")
_ZH_NAME_SEP = re.compile(r"[、，,／/]")
_ET_AL = re.compile(r",?\s+et al\.?$")
_DIGIT = re.compile(r"\d")
_LATIN = re.compile("[A-Za-z]")
_COMMA = re.compile(r"[，,]")
_PLACE = re.compile(r"\s*([^：:，,]+?)\s*[：:]\s*")
_TRIM = " \t\n,，.。:：;；、"


def parse_note(text: str) -> ParsedNote:
    """Split a note into its sources, a leading back-reference and commentary."""
    urls: list[str] = []
    written: list[str] = []

    def keep(m: re.Match) -> str:
        url = m.group(1) or m.group(2).rstrip(".,;:!?'")
        tail = "" if m.group(1) else m.group(2)[len(url) :]
        urls.append("http://" + url if url.lower().startswith("www.") else url)
        written.append(m.group(0)[: len(m.group(0)) - len(tail)])
        return f"\ue000{len(urls) - 1}\ue001{tail}"

    masked = _URL.sub(keep, text.strip())
    out = ParsedNote()
    comments: list[str] = []
    for i, seg in enumerate(_split_top(masked)):
        if i == 0 and (ref := find_backref(seg)):
            out.back_ref = ref
            continue
        cit = _parse_segment(seg, urls, written)
        if cit is None:
            comments.append(_restore(seg, written).strip())
        else:
            out.citations.append(cit)
    out.comment = "".join(comments).strip() or None
    return out


def parse_citation(text: str) -> list[Citation]:
    """Return the sources named in one note (back-references and commentary left out).

    >>> [c.domain for c in parse_citation("全文可從下述網址獲得 http://www.usaid.gov/a.pdf")]
    ['usaid.gov']
    """
    return parse_note(text).citations


def url_domain(url: str) -> str | None:
    """Return the host of ``url`` without ``www.`` (``whitehouse.gov``)."""
    host = urlsplit(url if "://" in url else "http://" + url).hostname or ""
    return _WWW.sub("", host.lower()) or None


def _restore(seg: str, urls: list[str]) -> str:
    return _TOKEN.sub(lambda m: urls[int(m.group(1))], seg)


def _split_top(s: str) -> list[str]:
    """Split at ；;。 outside brackets and quotes, keeping the separator."""
    out, stack, start = [], [], 0
    for i, ch in enumerate(s):
        if stack and ch == stack[-1]:
            stack.pop()
        elif ch in _BRACKETS or ch == '"':
            stack.append(_BRACKETS.get(ch, '"'))
        elif not stack and ch in "；;。" and s[i + 1 :].strip() and not _MORE_PAGES.match(s, i + 1):
            out.append(s[start : i + 1])
            start = i + 1
    out.append(s[start:])
    return [seg for seg in out if seg.strip(_TRIM)]


def _spans(s: str) -> list[tuple[int, int, str, str]]:
    """Find top-level title spans: (start, end, kind, inner text)."""
    out, i = [], 0
    while i < len(s):
        ch = s[i]
        if ch in _OPEN:
            close, depth, j = _OPEN[ch], 0, i + 1
            while j < len(s):
                if s[j] == close and depth == 0:
                    break
                if s[j] == ch and ch != close:
                    depth += 1
                elif s[j] == close:
                    depth -= 1
                j += 1
            inner = s[i + 1 : j].strip(_TRIM)
            if j < len(s) and inner and "\ue000" not in inner:
                out.append((i, j + 1, _SPAN_KIND[ch], inner))
                i = j + 1
                continue
        i += 1
    return out


def _mask(s: str, spans) -> str:
    for a, b, _, _ in spans:
        s = s[:a] + _MASK * (b - a) + s[b:]
    return s


def _iso(y: int, m: int | None = None, d: int | None = None) -> str:
    return f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if m and d else "")


def _en_date(m: re.Match) -> str:
    mon = m.group("m1") or m.group("m2")
    if mon:
        month = next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(mon.lower()[:3]))
        return _iso(int(m.group("y1") or m.group("y2")), month, int(m.group("d1") or m.group("d2")))
    return _iso(int(m.group("y3")), int(m.group("m3")), int(m.group("d3")))


def _dates(c: Citation, m: str) -> str:
    """Fill accessed/issued dates from masked text ``m``; return it with the dates blanked."""
    first_url = m.find("\ue000")
    for rx in (_EN_DATE, _ZH_DATE):
        for d in list(rx.finditer(m)):
            if rx is _EN_DATE:
                iso = _en_date(d)
                accessed = (first_url >= 0 and d.start() > first_url) or _ACCESS_EN.search(m[: d.start()])
            else:
                iso = _iso(western_year(d.group("y")), int(d.group("m")), int(d.group("d")) if d.group("d") else None)
                accessed = bool(_ACCESS_ZH.search(m[max(0, d.start() - 12) : d.start()]))
            if accessed and c.accessed is None:
                c.accessed = iso
            elif not accessed and c.issued is None:
                c.issued = iso
            else:
                continue
            m = m[: d.start()] + _MASK * (d.end() - d.start()) + m[d.end() :]
    return m


def _names(pre: str) -> tuple[list[str], bool, bool]:
    """Split the text before a title into (names, are_editors, et_al)."""
    pre = pre.strip(" \t\n,，:：;；、")
    if _CJK.search(pre):
        role = _ROLE.search(pre)
        names = _ZH_NAME_SEP.split(pre[: role.start()])
        editors, et_al = role.group(2) in ("主編", "編"), bool(role.group(1))
    else:
        ed = _EN_EDITORS.search(pre)
        pre = pre[: ed.start()] if ed else pre
        et_al = bool(_ET_AL.search(pre))
        pre = _ET_AL.sub("", pre)
        tokens = [t for t in _EN_SPLIT.split(pre) if t]
        if len(tokens) > 1 and len(tokens) % 2 == 0 and not any(" " in t for t in tokens):
            names = [f"{tokens[i]}, {tokens[i + 1]}" for i in range(0, len(tokens), 2)]
        else:
            names = tokens if all(" " in t for t in tokens) else [pre]
        editors = bool(ed)
    return [n for n in (x.strip(" ,，、;；") for x in names) if n], editors, et_al


def _looks_like_name(s: str) -> bool:
    words = s.split()
    return 1 < len(words) <= 5 and len(s) < 40 and all(w[0].isupper() for w in words) and not _DIGIT.search(s)


def _parse_segment(seg: str, urls: list[str], written: list[str]) -> Citation | None:
    """Parse one source; return None when the text names no source."""
    seg = _PREFIX.sub("", seg)
    c = Citation(raw=_restore(seg, written).strip())
    words = _TOKEN.sub("", seg)
    c.lang = "zh" if _CJK.search(words) else "en" if _LATIN.search(words) else None
    tokens = [int(t) for t in _TOKEN.findall(seg)]
    if tokens:
        c.url = urls[tokens[0]]
        c.domain = url_domain(c.url)
    spans = _spans(seg)
    m = _dates(c, _mask(seg, spans))
    head = spans[0][0] if spans else (seg.find("\ue000") if tokens else len(seg))
    arts = [sp for sp in spans if sp[2] in ("art", "quote")]
    books = [sp for sp in spans if sp[2] in ("book", "italic")]
    art = arts[0] if arts else None
    book = next((b for b in books if art is None or b[0] > art[0]), books[0] if books else None)
    if art:
        c.title, c.kind = art[3], "article"
        if book and book[0] > art[0]:
            c.container = book[3]
            between = seg[art[1] : book[0]]
            if ch := _CHAPTER_IN.search(between):
                c.kind, c.editors = "chapter", _names(ch.group("eds"))[0]
        else:
            c.container = _bare_container(m, art[1])
    elif book:
        c.title = book[3]
        c.kind = "web" if book[2] == "italic" and c.url else "book"
    elif c.url:
        c.kind = "web"
        _untitled(seg[:head], m[:head], c)
    elif not _PAGES.search(m) and "出版" not in m and "Press" not in m:
        return None
    _numbers(c, m, spans[0][1] if spans else 0)
    found = c.url or c.pages or c.volume or c.issue or c.publisher or (c.container and c.year)
    if art and art[2] == "quote" and not (book or found):
        return None  # 「」 and “” also quote words: without publication details it is commentary
    if spans or not c.url:
        pre = seg[:head]
        names, editors, et_al = _names(pre)
        if all(len(n) <= (12 if c.lang == "zh" else 60) and not _DIGIT.search(n) for n in names) and "。" not in pre:
            c.et_al = et_al
            if editors:
                c.editors = names
            else:
                c.authors = names
        elif c.url or c.publisher or c.place:
            c.note = pre.strip(_TRIM)
        else:
            return None  # commentary that mentions a title, e.g. 布希宣佈退出《反導條約》
    if c.kind == "article" and c.url and not (c.volume or c.issue) and (book is None or book[2] == "italic"):
        c.kind = "web"
    if _REPORT.search(c.raw):
        c.kind = "report"
    return c


def _untitled(pre: str, masked_pre: str, c: Citation) -> None:
    """Read an untitled web note: English "Name, Role, Title, Date." or Chinese commentary."""
    text = masked_pre.replace(_MASK, "").strip(_TRIM)
    if not text:
        return
    if c.lang == "zh":
        c.note = pre.strip(_TRIM)
        return
    parts = [p.strip(_TRIM) for p in text.split(", ") if p.strip(_TRIM)]
    if len(parts) >= 2 and _looks_like_name(parts[0]):
        c.authors, c.title = [parts[0]], parts[-1]
        c.note = ", ".join(parts[1:-1]) or None
    else:
        c.title = ", ".join(parts)


def _bare_container(m: str, after: int) -> str | None:
    """Return the first plain field after a quoted title (期刊名 in 「篇名」，期刊，第N卷)."""
    for f in _COMMA.split(m[after:]):
        f = f.strip(_TRIM + _MASK)
        if not f or "\ue000" in f or _MASK in f or _DIGIT.search(f) or _PAGES.search(f):
            if f:
                return None
            continue
        return f
    return None


def _numbers(c: Citation, m: str, after: int) -> None:
    """Fill place/publisher/year/volume/issue/pages from the masked text."""
    for p in _PAREN.finditer(m, after):
        body = p.group(1)
        if not (_YEAR.search(body) or "：" in body or ":" in body):
            continue
        if _MASK in body:
            continue
        if mc := _PLACE.match(body):
            c.place = mc.group(1)
            body = body[mc.end() :]
        first = _COMMA.split(body)[0].strip(_TRIM)
        if first and not _DIGIT.search(first):
            c.publisher = first
        break
    if yi := _YEAR_ISSUE.search(m):
        c.year, c.issue = int(yi.group(1)), str(int(yi.group(2)))
    if v := _VOLUME.search(m):
        c.volume = str(int(next(g for g in v.groups() if g)))
    if c.issue is None and (i := _ISSUE.search(m)):
        c.issue = str(int(next(g for g in i.groups() if g)))
    c.pages = pages_in(m)
    if c.year is None and c.issued:
        c.year = int(c.issued[:4])
    if c.year is None:
        clean = _PAGES.sub("", m)
        if y := _YEAR.search(clean):
            c.year = int(y.group(1)) if y.group(1) else western_year(y.group(2))
