"""An Article as OpenSearch documents: one per passage, and one for the article.

Ids are stable (``<article>#<passage>``, ``<article>``), so writing an article
twice leaves one copy. Passage documents carry what a hit shows (the article's
title and year) and the article-level field values, so a search needs no
second request; the article document keeps the file record (path, content
hash), the card and the parsed article for the reader, sources and glossary.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.analysis import word_counts
from indexer.errors import JiansuoError
from indexer.index.documents import article_fields, card_meta
from indexer.index.passages import passages
from indexer.index.schema import KIND_BOOST
from indexer.model import Article

from indexer.backends.opensearch.mapping import FILLER, MAX_WORD

MAX_ID_BYTES = 512  # OpenSearch's limit on a document id


@dataclass
class ArticleDocs:
    """What one article writes: passage documents by id, and the article document."""

    article: str
    passages: dict[str, dict]
    card: dict


def words_value(text: str) -> str:
    """Return the indexed words of ``text`` (as the local index counts them) as ``word|count``, space-separated.

    A filler word takes up the rest of the passage's length in characters, so
    that BM25 normalises by the same length as locally (Lucene counts a
    field's length in term frequencies).

    >>> words_value("美俄關係 relations, Relations")
    '美俄|1 关系|1 relat|2 \ue000|19'
    """
    counts = [(w, n) for w, n in word_counts(text).items() if len(w) <= MAX_WORD and "|" not in w]
    rest = sum(not ch.isspace() for ch in text) - sum(n for _w, n in counts)
    return " ".join([f"{w}|{n}" for w, n in counts] + ([f"{FILLER}|{rest}"] if rest > 0 else []))


def passage_id(article: str, passage: str) -> str:
    return f"{article}#{passage}"


def article_docs(article: Article, path: str, sha: str) -> ArticleDocs:
    """Return the documents of ``article`` read from ``path`` (content hash ``sha``)."""
    aid = article.id
    if len(passage_id(aid, "abstract-zh").encode()) > MAX_ID_BYTES - 16:
        raise JiansuoError(f"{path}: the article id is too long for OpenSearch ({len(aid.encode())} bytes); "
                           "rename the file")
    meta = card_meta(article)
    fields = article_fields(article)
    out: dict[str, dict] = {}
    for p in passages(article):
        doc = {
            "article": aid, "passage": p.id, "kind": p.kind, "position": p.position, "title": meta["title"],
            "text": p.text, "words": words_value(p.text), "boost": KIND_BOOST[p.kind], "notes": p.notes,
            "article_title": fields["title"], "article_authors": fields["author"],
            "article_keywords": fields["keyword"],
        }
        if meta["year"]:
            doc["year"] = meta["year"]
        if meta["date"]:
            doc["date"] = meta["date"]
        if meta["authors"]:
            doc["people"], doc["authors"] = meta["people"], meta["authors"]
        if p.section:
            doc["section"] = p.section
            if p.section_title is not None:
                doc["section_title"] = p.section_title
        if p.source:
            doc["source"] = p.source
        if p.page is not None:  # PDF articles: the page, and the number printed on it
            doc["page"] = p.page
            doc["page_label"] = p.page_label
        out[passage_id(aid, p.id)] = doc
    card = {"article": aid, "path": path, "sha": sha, "passages": len(out), "meta": meta, "data": article.to_dict()}
    return ArticleDocs(aid, out, card)
