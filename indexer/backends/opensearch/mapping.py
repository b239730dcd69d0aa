"""The indices of a jiansuo index in OpenSearch: analysis, mappings, and the fingerprint that ties them to the code.

Analysis is generated at index-creation time from the very table the local
index folds with (:func:`indexer.analysis.fold_table`: OpenCC ``t2s`` per
character, full-width ASCII, A-Z), as a ``mapping`` char_filter. Every rule
maps one code point to one, so offsets land on the original characters
(non-BMP ones too) and highlights mark the article's own script.

Passage text is indexed three ways:

* ``text`` -- one token per non-space character, folded: exact phrases of any
  length with ``match_phrase`` (slop 0), across scripts and white space, as the
  local phrase index matches (``1991 年`` = ``1991年``); span queries over it
  give the proximity bonuses;
* ``text.pairs`` -- the same characters two by two (``美俄`` ``俄关`` ``关系``):
  a phrase of two or more characters is the chain of its pairs at consecutive
  positions, the same match over far shorter posting lists;
* ``words`` -- the local index's own words (jieba, subwords, English stems),
  computed in Python and sent as ``word|count`` (a ``delimited_term_freq``
  filter), with a filler word making the field as long as the passage has
  characters: BM25 over the same terms and the same lengths.

Short fields (``section_title``, ``source``, ``article_title`` …) use the
character analyzer, so a field value matches as an exact substring.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from indexer.analysis import fold_table

SCHEMA = 2  # bump when the mappings or the documents change shape
FILLER = "\ue000"  # a word no text holds: pads the words field to the passage's length
MAX_WORD = 8000  # longest word indexed (Lucene refuses terms over 32,766 UTF-8 bytes)
MAX_RESULT_WINDOW = 100_000  # deepest hit a page may reach (from + size)


def _escape(text: str) -> str:
    r"""Spell ``text`` as Java ``\uXXXX`` escapes (UTF-16 units), safe in mapping rules and patterns.

    >>> _escape("臺𠁞")
    '\\u81fa\\ud840\\udc5e'
    """
    raw = text.encode("utf-16-be")
    return "".join(f"\\u{int.from_bytes(raw[i:i + 2], 'big'):04x}" for i in range(0, len(raw), 2))


@lru_cache(maxsize=1)
def fold_rules() -> tuple[str, ...]:
    """Return the ``mapping`` char_filter rules: every character ``fold`` changes, one to one."""
    return tuple(f"{_escape(chr(a))}=>{_escape(chr(b))}" for a, b in sorted(fold_table().items()))


@lru_cache(maxsize=1)
def _whitespace() -> str:
    """Return every character Python counts as white space (what phrase matching skips)."""
    return "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def analysis() -> dict:
    """Return the analysis settings shared by the indices."""
    return {
        "char_filter": {"jiansuo_fold": {"type": "mapping", "mappings": list(fold_rules())}},
        "tokenizer": {
            "jiansuo_char": {"type": "pattern", "pattern": f"[^{_escape(_whitespace())}]", "group": 0},
            "jiansuo_words": {"type": "whitespace", "max_token_length": MAX_WORD},
        },
        "filter": {"jiansuo_pairs": {"type": "shingle", "min_shingle_size": 2, "max_shingle_size": 2,
                                     "output_unigrams": False, "token_separator": ""},
                   "jiansuo_counts": {"type": "delimited_term_freq", "delimiter": "|"}},
        "analyzer": {
            "jiansuo_chars": {"type": "custom", "tokenizer": "jiansuo_char", "char_filter": ["jiansuo_fold"]},
            "jiansuo_pairs": {"type": "custom", "tokenizer": "jiansuo_char", "char_filter": ["jiansuo_fold"],
                              "filter": ["jiansuo_pairs"]},
            "jiansuo_words": {"type": "custom", "tokenizer": "jiansuo_words", "filter": ["jiansuo_counts"]},
        },
    }


_CHARS = {"type": "text", "analyzer": "jiansuo_chars"}
_KEYWORD = {"type": "keyword"}
_STORED = {"type": "keyword", "index": False, "doc_values": False}  # returned, never searched
_OPAQUE = {"type": "object", "enabled": False}  # kept in _source as it is


def passages_mapping() -> dict:
    """Return the mapping of the passages index: one document per passage."""
    return {
        "dynamic": "strict",
        "_source": {"excludes": ["words", "source", "article_title", "article_authors", "article_keywords"]},
        "properties": {
            "article": _KEYWORD, "passage": _KEYWORD, "kind": _KEYWORD, "section": _KEYWORD,
            "position": {"type": "integer"}, "year": {"type": "integer"},
            "notes": {"type": "integer", "index": False}, "boost": {"type": "float", "index": False},
            "title": _STORED, "page": {"type": "integer", "index": False}, "page_label": _STORED,
            "date": _KEYWORD, "people": _KEYWORD, "authors": _KEYWORD,  # sort by date; author facet and filter
            "text": {**_CHARS, "fields": {"pairs": {"type": "text", "analyzer": "jiansuo_pairs"}}},
            "words": {"type": "text", "analyzer": "jiansuo_words", "index_options": "freqs"},  # no phrases: no positions
            "section_title": _CHARS, "source": _CHARS,
            "article_title": _CHARS, "article_authors": _CHARS, "article_keywords": _CHARS,
        },
    }


def articles_mapping() -> dict:
    """Return the mapping of the articles index: the card, the file record and the parsed article."""
    return {
        "dynamic": "strict",
        "properties": {"article": _KEYWORD, "path": _KEYWORD, "sha": _KEYWORD, "passages": {"type": "integer"},
                       "meta": _OPAQUE, "data": _OPAQUE},
    }


def glossary_mapping() -> dict:
    """Return the mapping of the glossary index: one document, the glossary as JSON."""
    return {"dynamic": "strict",
            "properties": {"json": {"type": "text", "index": False}, "stale": {"type": "boolean"}}}


def lock_mapping() -> dict:
    """Return the mapping of the lock index: who is writing, and when they were last alive."""
    return {"dynamic": "strict",
            "properties": {"owner": _KEYWORD, "since": {"type": "date"}, "heartbeat": {"type": "date"}}}


def index_body(mapping: dict, shards: int, replicas: int, generation: str = "") -> dict:
    """Return the body that creates an index: settings, analysis if it needs it, ``mapping`` signed.

    The signature (``_meta.jiansuo``) is the fingerprint and the generation the index belongs to.
    """
    settings: dict = {"index": {"number_of_shards": shards, "number_of_replicas": replicas,
                                "max_result_window": MAX_RESULT_WINDOW}}
    if "jiansuo_chars" in json.dumps(mapping):
        settings["analysis"] = analysis()
    meta = {"jiansuo": {"fingerprint": fingerprint(), "generation": generation}}
    return {"settings": settings, "mappings": {**mapping, "_meta": meta}}


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Return what must match between an index and this code: schema, analysis (the fold table) and mappings.

    A new OpenCC with other conversions changes it, and an index built with the
    old table is rebuilt, since queries are folded with the new one.
    """
    shape = [SCHEMA, analysis(), passages_mapping(), articles_mapping(), glossary_mapping()]
    return f"{SCHEMA}-{hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:16]}"
