"""Cut an Article into the passages that are indexed and returned as hits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from indexer.model import Article


@dataclass
class Passage:
    """One unit of retrieval: linked as ``/articles/<article>#<id>``."""

    article: str
    id: str
    kind: str  # title | abstract | keywords | paragraph | footnote
    text: str
    position: int
    section: str | None = None
    section_title: str | None = None
    notes: list[int] = field(default_factory=list)
    source: str | None = None  # footnotes: own text plus the text a 同註 points to


def passages(article: Article) -> list[Passage]:
    """Return the passages of ``article`` in reading order (metadata first)."""
    aid = article.id
    out: list[Passage] = []

    def add(pid, kind, text, **kw):
        if text and text.strip():
            out.append(Passage(aid, pid, kind, text, len(out), **kw))

    add("title", "title", "\n".join(t for t in (article.title.zh, article.title.en) if t))
    add("abstract-zh", "abstract", article.abstract.zh)
    add("abstract-en", "abstract", article.abstract.en)
    kw = [k for k in ("、".join(article.keywords.zh), ", ".join(article.keywords.en)) if k]
    add("keywords", "keywords", "\n".join(kw))
    titles = {s.id: s.title for s in article.sections}
    for p in article.paragraphs:
        add(p.id, "paragraph", p.text, section=p.section,
            section_title=titles.get(p.section), notes=[r.n for r in p.notes])
    by_n = {f.n: f for f in article.footnotes}
    cited_section = {}
    for p in article.paragraphs:
        for r in p.notes:
            cited_section.setdefault(r.n, p.section)
    for f in article.footnotes:
        source = f.text
        target = by_n.get(f.same_as) if f.same_as and f.same_as != f.n else None
        if target is not None:
            source = f"{f.text}\n{target.text}"
        sid = cited_section.get(f.n)
        add(f"n{f.n}", "footnote", f.text, section=sid, section_title=titles.get(sid),
            notes=[f.n], source=source)
    return out


_YEAR = re.compile(r"(?<!\d)(19[0-9]{2}|20[0-9]{2})(?!\d)")


def article_year(article: Article) -> int | None:
    """Return the article's year: from its dates, else the latest year its notes cite.

    Notes' access dates ("June 15, 2021") make the latest cited year a close
    lower bound for undated articles.
    """
    for d in (article.dates.accepted, article.dates.submitted):
        if d:
            return int(d[:4])
    this_year = date.today().year
    years = [int(y) for f in article.footnotes for y in _YEAR.findall(f.text)]
    years = [y for y in years if y <= this_year]
    return max(years) if years else None
