"""The Whoosh schema: one document per passage, plus two per article.

Passage documents (kind ``title``, ``abstract``, ``keywords``, ``paragraph``,
``footnote``) are what a search returns. Each article also has an ``article``
document (small: path, hash, title, authors, keywords, year; used for
incremental indexing and article-level fields) and a ``data`` document holding
the parsed article as JSON (for the reader and the API).

Text is indexed three ways:

* ``body``  -- jieba words (positions = word ordinals), English stemmed: ranking;
* ``grams`` -- character bigrams with positions: exact phrases of 2+ characters;
* ``chars`` -- single characters (no positions): one-character phrases.

Short metadata fields (``title_c``, ``author_c``, ``keyword_c``, ``section_c``,
``source_c``) are single characters with positions, so a field value is matched
as an exact substring, script-insensitively.
"""

from __future__ import annotations

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import GramTokenizer, word_analyzer

PASSAGE_KINDS = ("title", "abstract", "keywords", "paragraph", "footnote")

# Score multipliers per passage kind: title > keywords > abstract > body > notes.
KIND_BOOST = {"title": 3.0, "keywords": 2.2, "abstract": 1.6, "paragraph": 1.0, "footnote": 0.7}

SCHEMA_VERSION = 1


def _chars_with_positions() -> TEXT:
    return TEXT(analyzer=GramTokenizer(1), phrase=True)


def make_schema() -> Schema:
    """Return the schema (pickled into the index, so it uses importable classes only)."""
    return Schema(
        id=ID(unique=True, stored=True),
        article=ID(stored=True),
        kind=ID(stored=True),
        passage=ID(stored=True),
        section=ID(stored=True),
        year=NUMERIC(int, stored=True, signed=False, bits=32),
        position=NUMERIC(int, stored=True, sortable=True),
        text=STORED,
        notes=STORED,
        section_title=STORED,
        body=TEXT(analyzer=word_analyzer(), phrase=True),
        grams=TEXT(analyzer=GramTokenizer(2), phrase=True),
        chars=TEXT(analyzer=GramTokenizer(1), phrase=False),
        section_c=_chars_with_positions(),
        source_c=_chars_with_positions(),
        title_c=_chars_with_positions(),
        author_c=_chars_with_positions(),
        keyword_c=_chars_with_positions(),
        path=ID(stored=True),
        sha=STORED,
        meta=STORED,
        data=STORED,
    )
