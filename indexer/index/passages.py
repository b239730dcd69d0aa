"""Cut an Article into the passages that are indexed and returned as hits."""

from __future__ import annotations

from indexer.model import Article, Passage


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
        add(p.id, "paragraph", p.text, section=p.section, section_title=titles.get(p.section),
            notes=[r.n for r in p.notes], page=p.page, page_label=p.page_label)
    by_n = {f.n: f for f in article.footnotes}
    cited_section = {}
    for p in article.paragraphs:
        for r in p.notes:
            cited_section.setdefault(r.n, p.section)
    for f in article.footnotes:
        source = "\n".join(by_n[n].text for n in same_as_chain(f, by_n))
        sid = cited_section.get(f.n)
        add(f"n{f.n}", "footnote", f.text, section=sid, section_title=titles.get(sid),
            notes=[f.n], source=source, page=f.page, page_label=f.page_label)
    for r in article.references:
        add(f"r{r.n}", "reference", r.text, source=r.text)
    return out


def same_as_chain(note, by_n: dict) -> list[int]:
    """Return ``note``'s number and those its back-reference leads to (同註2 → 同前註 → 1).

    >>> from indexer.model import Footnote
    >>> notes = {1: Footnote(1, "甲書"), 2: Footnote(2, "同註1", same_as=1), 3: Footnote(3, "同上", same_as=2)}
    >>> same_as_chain(notes[3], notes)
    [3, 2, 1]
    """
    chain = [note.n]
    while note.same_as in by_n and note.same_as not in chain:
        note = by_n[note.same_as]
        chain.append(note.n)
    return chain


def article_year(article: Article) -> int | None:
    """Return the article's year from its own dates (accepted, submitted, published, revised), else None.

    A year is never guessed from the notes: the latest year an article cites
    is often years before it was written, and a wrong year is worse than none.

    >>> from indexer.model import Dates
    >>> article_year(Article("a", dates=Dates(submitted="2007-08-15"))), article_year(Article("b"))
    (2007, None)
    """
    d = article.dates
    for value in (d.accepted, d.submitted, d.published, d.revised):
        if value:
            return int(value[:4])
    return None
