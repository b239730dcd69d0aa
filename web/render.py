"""Render an article's text as escaped HTML with query marks, note markers and links.

The spans to mark come from :class:`indexer.search.highlight.Highlighter`;
this module only renders them. Everything is escaped here; the only tags are the ones built in this module
(``<mark>``, note markers, note links), so templates may output the result
with ``|safe`` -- no other value of a page is ever marked safe.

>>> str(marked("美俄關係<b>", [(1, 3)], inserts={4: [Markup("<sup>1</sup>")]}))
'美<mark>俄關</mark>係<sup>1</sup>&lt;b&gt;'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from markupsafe import Markup, escape

from indexer.model import Article, Footnote
from indexer.search.highlight import Highlighter

_HTTP = re.compile(r"^https?://", re.I)
LINK_REL = "noopener noreferrer nofollow"


def marked(text: str, spans: Iterable[tuple[int, int]] = (),
           links: Iterable[tuple[int, int, str]] = (),
           inserts: dict[int, list[Markup]] | None = None) -> Markup:
    """Escape ``text``, wrap ``spans`` in ``<mark>``, ``links`` in ``<a>``; put ``inserts`` at offsets.

    Links must not overlap each other; marks may cross links (they are split).

    >>> str(marked("see http://x.org now", [(0, 7)], [(4, 16, "http://x.org")]))
    '<mark>see </mark><a href="http://x.org" rel="noopener noreferrer nofollow"><mark>htt</mark>p://x.org</a> now'
    """
    n = len(text)
    spans = sorted((max(0, s), min(n, e)) for s, e in spans if e > s)
    links = sorted((max(0, s), min(n, e), href) for s, e, href in links if e > s)
    inserts = {min(max(0, k), n): v for k, v in (inserts or {}).items()}
    link_at = {s: (e, href) for s, e, href in links}
    link_ends = {e for _s, e, _h in links}
    points = sorted({0, n, *inserts, *link_at, *link_ends, *(p for sp in spans for p in sp)})
    out: list[str] = []
    mark_open = link_end = None
    for i, p in enumerate(points):
        nxt = points[i + 1] if i + 1 < len(points) else n
        inside = any(s <= p < e for s, e in spans) and nxt > p
        if mark_open and (not inside or p in link_ends or p in link_at or p in inserts):
            out.append("</mark>")
            mark_open = False
        if link_end == p:
            out.append("</a>")
            link_end = None
        out.extend(str(m) for m in inserts.get(p, ()))
        if p in link_at and p < n:
            link_end, href = link_at[p]
            out.append(f'<a href="{escape(href)}" rel="{LINK_REL}">')
        if inside and not mark_open:
            out.append("<mark>")
            mark_open = True
        out.append(str(escape(text[p:nxt])))
    if mark_open:
        out.append("</mark>")
    if link_end is not None:
        out.append("</a>")
    return Markup("".join(out))


def url_links(text: str, urls: Iterable[str]) -> list[tuple[int, int, str]]:
    """Locate each of ``urls`` in ``text`` as a link span; only http(s) and www. addresses link.

    >>> url_links("見 www.a.org 與 javascript:x", ["www.a.org", "javascript:x"])
    [(2, 11, 'http://www.a.org')]
    """
    out: list[tuple[int, int, str]] = []
    taken = 0
    for url in urls:
        href = url if _HTTP.match(url) else f"http://{url}" if url.lower().startswith("www.") else None
        at = text.find(url, taken)
        if href is None or at < 0:
            continue
        out.append((at, at + len(url), href))
        taken = at + len(url)
    return out


def note_marker(n: int, ref_id: str, label: str) -> Markup:
    """Return the superscript link from a paragraph to note ``n``."""
    return Markup('<sup class="noteref"><a href="#n{n}" id="{rid}" data-note-ref="{n}" '
                  'aria-label="{label}">{n}</a></sup>').format(n=n, rid=ref_id, label=label)


@dataclass
class Block:
    """One passage of the reader: a heading or a paragraph, with its HTML."""

    kind: str  # heading | paragraph
    id: str
    html: Markup
    level: int = 0
    marked: bool = False
    page: int | None = None  # PDF articles: set on the first block of each page
    page_label: str | None = None


@dataclass
class NoteView:
    n: int
    html: Markup
    note: Footnote
    backrefs: list[str] = field(default_factory=list)  # ids of the markers citing it
    target: Footnote | None = None  # the note a 同註 points to
    marked: bool = False


def body_blocks(article: Article, hl: Highlighter, note_label) -> tuple[list[Block], dict[int, list[str]]]:
    """Return headings and paragraphs in reading order, and the marker ids of each note."""
    blocks: list[Block] = []
    refs: dict[int, list[str]] = {}
    order = {s.id: i for i, s in enumerate(article.sections)}
    shown = -1
    page = None
    for p in article.paragraphs:
        k = order.get(p.section, -1)
        for s in article.sections[shown + 1 : k + 1]:
            blocks.append(Block("heading", s.id, Markup(escape(s.title)), s.level))
        shown = max(shown, k)
        inserts: dict[int, list[Markup]] = {}
        seen: dict[int, int] = {}
        for ref in p.notes:
            seen[ref.n] = seen.get(ref.n, 0) + 1
            rid = f"ref-{p.id}-{ref.n}" + (f"-{seen[ref.n]}" if seen[ref.n] > 1 else "")
            refs.setdefault(ref.n, []).append(rid)
            inserts.setdefault(ref.at, []).append(note_marker(ref.n, rid, note_label(ref.n)))
        spans = hl.spans(p.id, p.text)
        block = Block("paragraph", p.id, marked(p.text, spans, inserts=inserts), marked=bool(spans))
        if p.page is not None and p.page != page:
            block.page, block.page_label, page = p.page, p.page_label or str(p.page), p.page
        blocks.append(block)
    for s in article.sections[shown + 1 :]:
        blocks.append(Block("heading", s.id, Markup(escape(s.title)), s.level))
    return blocks, refs


@dataclass
class ReferenceView:
    n: int
    html: Markup
    marked: bool = False


def reference_views(article: Article, hl: Highlighter) -> list[ReferenceView]:
    """Return the reference-list entries with their links and query marks."""
    out = []
    for r in article.references:
        spans = hl.spans(f"r{r.n}", r.text)
        out.append(ReferenceView(r.n, marked(r.text, spans, url_links(r.text, r.urls)), bool(spans)))
    return out


def note_views(article: Article, hl: Highlighter, refs: dict[int, list[str]]) -> list[NoteView]:
    """Return every note with its links, its 同註 target and the markers that cite it."""
    out = []
    for fn in article.footnotes:
        pid = f"n{fn.n}"
        spans = hl.spans(pid, fn.text)
        html = marked(fn.text, spans, url_links(fn.text, fn.urls))
        backrefs = refs.get(fn.n) or list(fn.cited_in)
        target = article.footnote(fn.same_as) if fn.same_as and fn.same_as != fn.n else None
        out.append(NoteView(fn.n, html, fn, backrefs, target, bool(spans)))
    return out
