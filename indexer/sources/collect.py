"""Sources: follow back-references between notes and group citations into one record per source.

:func:`resolve` gives each note its sources: 同註N / 同前註 / 同上 / 前揭 notes
inherit the source of the note they point to (chains followed) with their own
pages; broken pointers are flagged, never guessed. Two citations are the same
source when they share a normalised URL (scheme, ``www.`` and a trailing slash
ignored) or the same title and authors once
Traditional/Simplified script, case, punctuation and spacing are ignored.
Each source lists the notes that cite it with the sentence carrying the marker,
and the reference-list entries naming it (``reference`` set, ``n`` 0).

>>> from indexer.model import Article, Footnote
>>> a = Article("a", footnotes=[Footnote(1, "http://www.state.gov/x/"), Footnote(2, "同註1。")])
>>> s, = collect_sources([a])
>>> (s.citation.domain, s.n_articles, s.n_notes)
('state.gov', 1, 2)
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from functools import lru_cache
from urllib.parse import urlsplit

from indexer.analysis import fold as fold_script
from indexer.model import Article, Footnote
from indexer.parse.backrefs import pages_in
from indexer.parse.backrefs import resolve as resolve_backrefs
from indexer.sources.citations import Citation, parse_note
from indexer.sources.references import parse_reference

# An English full stop ends a sentence before a space, not inside "U.S.A. " or "3.5".
_END = re.compile(r"[。！？!?；;]|(?<=[a-z])\.(?= )")
_NON_WORD = re.compile(r"[\W_]+")
_WWW = re.compile(r"^www\d*\.")
_CLOSERS = "」』”’）)"
_MERGED = [f.name for f in fields(Citation) if f.name not in ("raw", "pages", "authors", "editors")]


@dataclass
class CitedNote:
    """A note with its own and inherited sources, ready for display or export."""

    article_id: str
    n: int
    text: str
    citations: list[Citation] = field(default_factory=list)
    same_as: int | None = None  # note whose source is inherited (end of the chain)
    chain: list[int] = field(default_factory=list)  # notes followed to get there
    locator: str | None = None
    comment: str | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class CitingNote:
    """One place where an article cites a source."""

    article_id: str
    n: int  # note number
    locator: str | None = None  # pages cited by this note, e.g. "198-235"
    paragraph_id: str | None = None
    sentence: str | None = None  # the sentence carrying the note marker
    marker_at: int | None = None  # where the marker stands in ``sentence``
    via: int | None = None  # the note this one repeats (同前註, 同註N)
    raw: str = ""  # the note text as written
    reference: int | None = None  # set (and n is 0) when the citation is entry N of the reference list


@dataclass
class Source:
    """One cited work with every note citing it."""

    key: str  # stable short id, usable in URLs
    citation: Citation  # fields merged from every citation
    citing: list[CitingNote] = field(default_factory=list)
    n_articles: int = 0
    n_notes: int = 0
    search_text: str = field(default="", repr=False, compare=False)

    def to_dict(self) -> dict:
        """Return the JSON shape of ``jiansuo sources --json``."""
        d = asdict(self)
        del d["search_text"]
        return d


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Fold script, width, case, punctuation and spacing away, for matching.

    >>> fold("《國際恐怖主義—「911」》") == fold("国际恐怖主义——911")
    True
    """
    return _NON_WORD.sub("", fold_script(unicodedata.normalize("NFKC", text)).casefold())


def normalize_url(url: str) -> str:
    """Return ``url`` without scheme, ``www.``, fragment or trailing slash, host lowercased.

    >>> normalize_url("https://WWW.State.gov/r/pa/#top")
    'state.gov/r/pa'
    """
    parts = urlsplit(url if "://" in url else "http://" + url)
    host = _WWW.sub("", (parts.hostname or "").lower())
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = parts.path.rstrip("/")
    return host + port + path + (f"?{parts.query}" if parts.query else "")


def citing_sentence(text: str, at: int) -> str:
    """Return the sentence of ``text`` carrying a note marker at offset ``at``.

    A marker right after 。 belongs to the sentence that ends there; one after ，
    belongs to the sentence it interrupts.

    >>> citing_sentence("甲說。乙也說。丙", 7)
    '乙也說。'
    >>> citing_sentence("甲說。乙，丙也說。", 5)
    '乙，丙也說。'
    """
    start, end = sentence_bounds(text, at)
    return text[start:end]


def sentence_bounds(text: str, at: int, ends: list[int] | None = None) -> tuple[int, int]:
    """Return (start, end) offsets of the citing sentence, surrounding spaces excluded.

    ``ends`` (from :func:`sentence_ends`) saves rescanning a paragraph with several markers.
    """
    ends = sentence_ends(text) if ends is None else ends
    at = max(0, min(at, len(text)))
    j = at
    while j > 0 and text[j - 1].isspace():
        j -= 1
    k = j
    while k > 0 and text[k - 1] in _CLOSERS:
        k -= 1
    i = bisect_left(ends, k - 1)
    if k > 0 and i < len(ends) and ends[i] == k - 1:
        end = j
    else:
        i = bisect_left(ends, at)
        end = ends[i] + 1 if i < len(ends) else len(text)
        while end < len(text) and text[end] in _CLOSERS:
            end += 1
    start = ends[i - 1] + 1 if i > 0 else 0
    while start < end and (text[start] in _CLOSERS or text[start].isspace()):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_ends(text: str) -> list[int]:
    """Return the offsets of sentence-final characters (。！？；; and an English full stop)."""
    return [m.start() for m in _END.finditer(text)]


def _keys(c: Citation) -> list[str]:
    keys = []
    if c.url:
        keys.append("u:" + normalize_url(c.url))
    if c.title:
        keys.append("t:" + fold(c.title) + "|" + "|".join(sorted(fold(a) for a in c.authors)))
    return keys


def _merge(cits: list[Citation]) -> Citation:
    """Return one record: for each field the most frequent non-empty value (first seen on ties)."""
    out = replace(cits[0])
    for name in _MERGED:
        values = [getattr(c, name) for c in cits if getattr(c, name) not in (None, "", False)]
        setattr(out, name, Counter(values).most_common(1)[0][0] if values else getattr(cits[0], name))
    for name in ("authors", "editors"):
        lists = [tuple(getattr(c, name)) for c in cits if getattr(c, name)]
        setattr(out, name, list(Counter(lists).most_common(1)[0][0]) if lists else [])
    # A book's or web page's pages are the notes' locators; an article's agreed range is its extent.
    pages = {c.pages for c in cits}
    out.pages = pages.pop() if len(pages) == 1 and out.kind in ("article", "chapter") else None
    return out


def resolve(article: Article) -> list[CitedNote]:
    """Return every note of ``article`` with its sources, back-references followed."""
    return resolve_notes(article.footnotes, article.id)


def resolve_notes(notes: list[Footnote], article_id: str = "") -> list[CitedNote]:
    """Resolve back-references among ``notes``; flag broken ones instead of guessing.

    >>> from indexer.model import Footnote
    >>> a, b = resolve_notes([Footnote(6, "鄭羽，《書》（北京：出版社，2006年），頁94。"),
    ...                       Footnote(7, "同前註，頁198-235。")])
    >>> (b.same_as, b.citations[0].authors, b.citations[0].pages)
    (6, ['鄭羽'], '198-235')
    """
    by_n = {f.n: f for f in notes}
    parsed = {f.n: parse_note(f.text) for f in notes}
    links = resolve_backrefs([(f.n, f.text) for f in notes])

    def target(n: int) -> tuple[int | None, str | None]:
        """Return the note that note ``n`` points to, or a problem."""
        link = links.get(n)
        if link is None:
            return by_n[n].same_as, None
        if link.problem == "first":
            return None, f"note {n} refers to the previous note, but it is the first"
        if link.problem == "no author":
            if by_n[n].same_as is not None:
                return by_n[n].same_as, None
            return None, f"note {n} refers to an earlier work by {link.ref.author}, but no earlier note cites one"
        return link.target, None

    out = []
    for f in notes:
        pn = parsed[f.n]
        cn = CitedNote(article_id, f.n, f.text, list(pn.citations), comment=pn.comment)
        ref = pn.back_ref
        cn.locator = ref.locator if ref and ref.locator else f.locator
        pages = ref.pages if ref and ref.pages else (pages_in(f.locator) if f.locator else None)
        if not f.text.strip():
            cn.problems.append(f"note {f.n} is empty")
        t, problem = target(f.n)
        if problem:
            cn.problems.append(problem)
        seen = {f.n}
        while t is not None:
            if t == f.n and not cn.chain:
                cn.problems.append(
                    f"note {f.n} refers to itself ({ref.text if ref else 'same_as'}); its source is unknown"
                )
                break
            if t in seen:
                loop = " → ".join(map(str, [f.n, *cn.chain, t]))
                cn.problems.append(f"note {f.n}: circular back-reference ({loop}); its source is unknown")
                break
            if t not in by_n:
                cn.problems.append(f"note {f.n} refers to note {t}, which does not exist")
                break
            cn.chain.append(t)
            seen.add(t)
            if parsed[t].citations:
                cn.same_as = t
                cn.citations = [replace(c, pages=pages or c.pages) for c in parsed[t].citations] + cn.citations
                break
            t, problem = target(t)
            if problem or t is None:
                cn.problems.append(problem or f"note {f.n} refers to note {cn.chain[-1]}, which cites no source")
                break
        out.append(cn)
    return out


def collect_sources(articles: Iterable[Article]) -> list[Source]:
    """Return one record per cited source across ``articles``, most cited first."""
    items: list[tuple[Citation, CitingNote]] = []
    for article in articles:
        where: dict[int, list[tuple[str, int, str, list[int]]]] = {}
        for p in article.paragraphs:
            ends = sentence_ends(p.text) if p.notes else []
            for ref in p.notes:
                where.setdefault(ref.n, []).append((p.id, ref.at, p.text, ends))
        for note in resolve(article):
            places = where.get(note.n) or [(pid, -1, "", []) for pid in _cited_in(article, note.n)]
            places = places or [(None, -1, "", [])]
            for c in note.citations:
                if not (c.url or c.title):
                    continue
                for pid, at, text, ends in places:
                    cn = CitingNote(article.id, note.n, c.pages, pid, via=note.same_as, raw=note.text)
                    if at >= 0:
                        start, end = sentence_bounds(text, at, ends)
                        cn.sentence, cn.marker_at = text[start:end], min(max(at - start, 0), end - start)
                    items.append((c, cn))
        for ref in article.references:
            for c in parse_reference(ref.text):
                if c.url or c.title:
                    items.append((c, CitingNote(article.id, 0, c.pages, raw=ref.text, reference=ref.n)))
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, (c, _) in enumerate(items):
        for k in _keys(c):
            parent[find(i)] = find(first.setdefault(k, i))
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(find(i), []).append(i)
    sources = []
    for idx in groups.values():
        cits = [items[i][0] for i in idx]
        keys = sorted({k for c in cits for k in _keys(c)})
        canonical = next((k for k in keys if k.startswith("u:")), keys[0])
        citing = [items[i][1] for i in idx]
        src = Source(
            key=hashlib.sha1(canonical.encode()).hexdigest()[:10],
            citation=_merge(cits),
            citing=citing,
            n_articles=len({c.article_id for c in citing}),
            n_notes=len({(c.article_id, c.n) for c in citing if c.reference is None}),
        )
        m = src.citation
        src.search_text = "\n".join(
            fold(v)
            for v in [*m.authors, *m.editors, m.title, m.container, m.publisher, m.domain, *{c.url for c in cits}]
            if v
        )
        sources.append(src)
    sources.sort(key=lambda s: (-s.n_articles, -s.n_notes, s.citation.title or s.citation.url or "", s.key))
    return sources


def _cited_in(article: Article, n: int) -> list[str]:
    fn = article.footnote(n)
    return list(fn.cited_in) if fn else []


def domains(sources: Iterable[Source]) -> dict[str, list[Source]]:
    """Group sources by web domain (``whitehouse.gov``), domains sorted by name."""
    out: dict[str, list[Source]] = {}
    for s in sources:
        if s.citation.domain:
            out.setdefault(s.citation.domain, []).append(s)
    return dict(sorted(out.items()))


def search_sources(sources: Iterable[Source], query: str) -> list[Source]:
    """Return the sources whose authors, titles, container, publisher or URL contain ``query``.

    Matching ignores case, script (繁/简), punctuation and spacing; an empty query matches all.
    """
    q = fold(query)
    return [s for s in sources if not q or q in s.search_text]


def find_source(sources: Iterable[Source], key: str) -> Source | None:
    """Return the source with ``key`` or None."""
    return next((s for s in sources if s.key == key), None)
