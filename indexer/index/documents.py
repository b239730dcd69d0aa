"""An Article as Whoosh documents: one per passage, plus its card and its data.

Passage documents (kind ``title``, ``abstract``, ``keywords``, ``paragraph``,
``footnote``) are what a search returns. The ``article`` document (the card:
path, hash, titles, authors, keywords, year, mined term pairs) serves
incremental indexing and article-level fields; the ``data`` document holds
the parsed article as JSON for the reader and the API.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from indexer.analysis import article_language
from indexer.index.columns import article_key
from indexer.index.passages import article_year, passages
from indexer.index.schema import KIND_BOOST, PASSAGE_KINDS
from indexer.model import Article


def article_documents(article: Article, path: str, sha: str) -> list[dict]:
    """Return the Whoosh documents of one article: its passages, its card, its data.

    Passage documents get their ``pid`` (phrase index key) when they are written.
    """
    from indexer.crosslang.glossary import mine_article

    aid = article.id
    year = article_year(article)
    docs = []
    for p in passages(article):
        doc = dict(
            id=f"{aid}#{p.id}", article=aid, kind=p.kind, passage=p.id,
            position=p.position, text=p.text, notes=p.notes, body=p.text,
            kindnum=PASSAGE_KINDS.index(p.kind), arthash=article_key(aid),
            _boost=KIND_BOOST[p.kind],
        )
        if year:
            doc["year"] = year
        if p.section:
            doc["section"] = p.section
            doc["section_title"] = p.section_title
            doc["section_c"] = p.section_title or ""
        if p.source:
            doc["source_c"] = p.source
        if p.page is not None:
            doc["page"] = p.page
            doc["page_label"] = p.page_label
        docs.append(doc)
    names = [n for a in article.authors for n in (a.name.zh, a.name.en) if n]
    card = dict(
        id=aid, article=aid, kind="article", path=path, sha=sha, arthash=article_key(aid),
        title_c="\n".join(t for t in (article.title.zh, article.title.en) if t),
        author_c="\n".join(names),
        keyword_c="\n".join(article.keywords.zh + article.keywords.en),
        meta={
            "title": article.title.zh or article.title.en or aid,
            "title_en": article.title.en,
            "lang": article_language(article),
            "authors": names,
            "people": [a.name.zh or a.name.en for a in article.authors if a.name.zh or a.name.en],
            "year": year,
            "date": article.dates.published or article.dates.accepted or article.dates.submitted,
            "sections": {s.id: s.title for s in article.sections},
            "pairs": [asdict(p) for p in mine_article(article)],
        },
    )
    if year:
        card["year"] = year
    docs.append(card)
    docs.append(dict(id=f"{aid}#data", article=aid, kind="data",
                     data=json.dumps(article.to_dict(), ensure_ascii=False)))
    return docs
