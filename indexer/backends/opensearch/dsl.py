"""Compile a parsed query tree into OpenSearch query DSL, with the same meaning as the local compiler.

A word must match (AND): as the local index's words (jieba, English stems) in
``words``, or, when it holds Han characters, as the exact characters typed in
``text`` (a ``match_phrase`` of one token per character), whatever the
segmenter did. Phrases and field values are exact substrings; positive words
also match the glossary's other names at a lower weight; ``NOT`` is
``must_not``. Every AND is a ``bool`` whose parts are listed in ``must``:
best match turns them into ``should`` clauses with ``minimum_should_match``
without touching the leaves.

Beside the query, a highlight query is collected: what a hit must be marked
for, as phrases in ``text`` and stems in ``text.en``, so OpenSearch marks the
original text exactly where the local highlighter would.

>>> from indexer.search.query import parse_query
>>> c = DslCompiler().compile(parse_query('"史與發" -title:拜登'))
>>> c.query["bool"]["must"][0]
{'match_phrase': {'text.pairs': {'query': '史與發'}}}
>>> c.phrases
['史與發']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.analysis import compact, word_analyzer
from indexer.errors import QueryError
from indexer.search.compile import check_filters, other_names
from indexer.search.query import (And, Field, Not, Or, Phrase, Word, check_terms, positive_leaves, prefix_of,
                                  year_bounds)

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")  # a word typed with these also matches as characters
_HAN_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]")
ARTICLE_FIELDS = {"title": "article_title", "author": "article_authors", "keyword": "article_keywords"}
PASSAGE_FIELDS = {"section": "section_title", "source": "source"}
EXPANSION_BOOST = 0.8
NOTHING = {"match_none": {}}


@dataclass
class Compiled:
    """A query in DSL, the highlight query, and what it marks and was expanded to."""

    query: dict
    highlight: list[dict] = field(default_factory=list)
    words: frozenset[str] = frozenset()
    phrases: list[str] = field(default_factory=list)
    expanded: list[str] = field(default_factory=list)
    surfaces: frozenset[str] = frozenset()  # English words as typed (Lucene stems some otherwise)


def phrase(fieldname: str, text: str, boost: float | None = None) -> dict:
    """Match ``text`` as a substring of a one-token-per-character field (nothing if it is all space)."""
    if not compact(text)[0]:
        return NOTHING
    q: dict = {"query": text}
    if boost is not None:
        q["boost"] = boost
    return {"match_phrase": {fieldname: q}}


def exact(text: str, boost: float | None = None) -> dict:
    """Match the passages holding ``text`` exactly: from two characters on, as a chain of character pairs.

    >>> exact("美俄關係"), exact("美")
    ({'match_phrase': {'text.pairs': {'query': '美俄關係'}}}, {'match_phrase': {'text': {'query': '美'}}})
    """
    return phrase("text.pairs" if len(compact(text)[0]) > 1 else "text", text, boost)


def all_of(parts: list[dict]) -> dict:
    return parts[0] if len(parts) == 1 else {"bool": {"must": parts}}


def any_of(parts: list[dict]) -> dict:
    return parts[0] if len(parts) == 1 else {"bool": {"should": parts, "minimum_should_match": 1}}


def mark(words: frozenset[str], phrases: list[str], surfaces: frozenset[str] = frozenset()) -> list[dict]:
    """Return the highlight clauses marking ``words`` (indexed forms) and ``phrases`` in a passage's text.

    Han words are marked as characters, others as the indexed form in
    ``text.en``; English ``surfaces`` are also analyzed by OpenSearch, whose
    Porter stemmer differs from Whoosh's on a few words (modernized).

    >>> mark(frozenset({"relat"}), ["蘇聯"], frozenset({"relations"}))[1:]
    [{'term': {'text.en': 'relat'}}, {'match': {'text.en': 'relations'}}]
    """
    out = [phrase("text", p) for p in dict.fromkeys(phrases)]
    for w in sorted(words):
        out.append(phrase("text", w) if _HAN_TOKEN.search(w) else {"term": {"text.en": w}})
    out += [{"match": {"text.en": w}} for w in sorted(surfaces)]
    return [q for q in out if q is not NOTHING]


class DslCompiler:
    """Compile query trees to DSL, expanding positive words with ``glossary``."""

    def __init__(self, glossary=None):
        self.glossary = glossary

    def compile(self, node, expand: bool = True) -> Compiled:
        """Compile a parsed query tree (QueryError if it has too many terms or a bad year)."""
        words: set[str] = set()
        phrases: list[str] = []
        expanded: list[str] = []
        surfaces: set[str] = set()

        def expansions(text: str) -> list[str]:
            alts = other_names(self.glossary, text) if expand else []
            expanded.extend(a for a in alts if a not in expanded)
            phrases.extend(alts)
            return alts

        def walk(node, positive: bool = True) -> dict:
            if isinstance(node, And):
                return {"bool": {"must": [walk(n, positive) for n in node.items]}}
            if isinstance(node, Or):
                return {"bool": {"should": [walk(n, positive) for n in node.items], "minimum_should_match": 1}}
            if isinstance(node, Not):
                return {"bool": {"must_not": [walk(node.item, False)]}}
            if isinstance(node, Phrase):
                if positive:
                    phrases.append(node.text)
                return exact(node.text)  # never expanded
            if isinstance(node, Word):
                q = self._word(node.text, *((words, phrases, surfaces) if positive else (set(), [], set())))
                alts = expansions(node.text) if positive else []
                return any_of([q] + [exact(a, EXPANSION_BOOST) for a in alts])
            if isinstance(node, Field):
                return self._field(node, phrases if positive else [])
            raise QueryError(f"Cannot search for {node!r}")

        q = walk(node)
        check_terms(len(words) + len(phrases))
        if not any(_is_passage_leaf(leaf) for leaf in positive_leaves(node)):
            q = {"bool": {"must": [q], "filter": [{"term": {"kind": "title"}}]}}  # article fields: list articles
        frozen, typed = frozenset(words), frozenset(surfaces)
        return Compiled(q, mark(frozen, phrases, typed), frozen, phrases, expanded, typed)

    def _word(self, text: str, words: set[str], phrases: list[str], surfaces: set[str]) -> dict:
        prefix = prefix_of(text)
        if prefix is not None:
            words.add(prefix)
            return {"prefix": {"words": prefix}}
        text = text.strip("*?")
        analyzed = [(t.text, t.original) for t in word_analyzer()(text, keeporiginal=True)]
        tokens = list(dict.fromkeys(key for key, _ in analyzed))
        if not tokens:
            phrases.append(text)
            return exact(text)
        words.update(tokens)
        surfaces.update(o for key, o in analyzed if o.isascii() and o.isalpha() and key != o.lower())
        q = all_of([{"term": {"words": t}} for t in tokens])
        if _HAN.search(text):  # the characters as typed, whatever the segmenter did
            phrases.append(text)
            q = any_of([q, exact(text)])
        return q

    def _field(self, node: Field, phrases: list[str]) -> dict:
        if node.name == "year":
            rng = year_bounds(node.text)
            bounds = {k: v for k, v in (("gte", rng[0]), ("lte", rng[1])) if v is not None}
            return {"constant_score": {"filter": {"range": {"year": bounds}}}}
        if node.name in ARTICLE_FIELDS:
            return {"constant_score": {"filter": phrase(ARTICLE_FIELDS[node.name], node.text)}}
        phrases.append(node.text)
        if node.name == "abstract":
            return {"bool": {"must": [exact(node.text)], "filter": [{"term": {"kind": "abstract"}}]}}
        return phrase(PASSAGE_FIELDS[node.name], node.text)


def filter_clauses(filters: dict[str, str] | None) -> list[dict]:
    """Return the clauses a hit must also match to pass ``filters`` (facet values; QueryError if bad)."""
    return [{"term": {name: value}} for name, value in check_filters(filters or {})]


def _is_passage_leaf(leaf) -> bool:
    return not (isinstance(leaf, Field) and (leaf.name in ARTICLE_FIELDS or leaf.name == "year"))
