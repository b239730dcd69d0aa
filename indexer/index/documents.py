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


def card_meta(article: Article) -> dict:
    """Return what an article's card keeps: titles, authors, year, section titles, mined term pairs."""
    from indexer.crosslang.glossary import mine_article

    return {
        "title": article.title.zh or article.title.en or article.id,
        "title_en": article.title.en,
        "lang": article_language(article),
        "authors": [n for a in article.authors for n in (a.name.zh, a.name.en) if n],
        "people": [a.name.zh or a.name.en for a in article.authors if a.name.zh or a.name.en],
        "year": article_year(article),
        "date": article.dates.published or article.dates.accepted or article.dates.submitted,
        "sections": {s.id: s.title for s in article.sections},
        "pairs": [asdict(p) for p in mine_article(article)],
    }


def article_fields(article: Article) -> dict[str, str]:
    """Return the values the article-level fields ``title:``, ``author:`` and ``keyword:`` match."""
    return {
        "title": "\n".join(t for t in (article.title.zh, article.title.en) if t),
        "author": "\n".join(n for a in article.authors for n in (a.name.zh, a.name.en) if n),
        "keyword": "\n".join(article.keywords.zh + article.keywords.en),
    }


def article_documents(article: Article, path: str, sha: str) -> list[dict]:
    """Return the Whoosh documents of one article: its passages, its card, its data.

    Passage documents get their ``pid`` (phrase index key) when they are written.
    """
    aid = article.id
    meta = card_meta(article)
    year = meta["year"]
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
    fields = article_fields(article)
    card = dict(
        id=aid, article=aid, kind="article", path=path, sha=sha, arthash=article_key(aid),
        title_c=fields["title"], author_c=fields["author"], keyword_c=fields["keyword"], meta=meta,
    )
    if year:
        card["year"] = year
    docs.append(card)
    docs.append(dict(id=f"{aid}#data", article=aid, kind="data",
                     data=json.dumps(article.to_dict(), ensure_ascii=False)))
    return docs
