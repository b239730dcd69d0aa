"""Compile a parsed query tree into a Whoosh query over one index snapshot.

Words match the ``body`` field (jieba words, English stems) and, when they
hold Han characters, also the exact characters as typed (the phrase index),
whatever the segmenter did. Phrases and field values are exact substrings.
Positive words are expanded with the glossary's other names, at a lower
weight. Everything a hit must be marked for is collected on the way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from indexer.analysis import compact, word_analyzer
from indexer.errors import JiansuoError, QueryError
from indexer.index.reader import Snapshot
from indexer.search.docset import DocSet
from indexer.search.query import (And, Field, Not, Or, Phrase, Word, check_terms, positive_leaves, prefix_of,
                                  year_bounds)

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ARTICLE_FIELDS = {"title": "title_c", "author": "author_c", "keyword": "keyword_c"}
FILTERS = ("article", "kind", "year", "section")
EXPANSION_BOOST = 0.8


@dataclass
class Compiled:
    """A compiled query with what to highlight and what it was expanded to."""

    query: wq.Query
    words: frozenset[str]
    phrases: list[str]
    expanded: list[str]


def char_phrase(fieldname: str, text: str) -> wq.Query:
    """Match ``text`` as a substring of a single-character field."""
    c, _ = compact(text)
    if not c:
        return wq.NullQuery
    if len(c) == 1:
        return wq.Term(fieldname, c)
    return wq.Phrase(fieldname, list(c))


def phrase_query(snap: Snapshot, text: str) -> DocSet:
    """Match passages containing ``text`` exactly (any script, white space ignored).

    Scored like a term: idf of the phrase times saturated occurrence count,
    times the passage kind's boost.
    """
    docs, tf, boosts, n = snap.phrase_docs(text)
    n, df = max(n, 1), max(len(docs), 1)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    return DocSet(docs, idf * tf * 2.2 / (tf + 1.2) * boosts, label=text)


def other_names(glossary, text: str) -> list[str]:
    """Return what a search for the word ``text`` also looks for: the glossary's other names for it.

    Names that fold to the same characters as ``text`` (its other script) or to nothing are left out.
    """
    if glossary is None:
        return []
    try:
        alts = glossary.expand(text)
    except JiansuoError:
        return []
    own = compact(text)[0]
    return [a for a in alts if compact(a)[0] and compact(a)[0] != own]


class Compiler:
    """Compile query trees against one snapshot, with the glossary for expansions."""

    def __init__(self, snap: Snapshot, glossary=None):
        self.snap = snap
        self.glossary = glossary

    def compile(self, node, expand: bool = True) -> Compiled:
        """Compile a parsed query tree into a Whoosh query."""
        words: set[str] = set()
        phrases: list[str] = []
        expanded: list[str] = []

        def expansions(text: str) -> list[str]:
            alts = other_names(self.glossary, text) if expand else []
            expanded.extend(a for a in alts if a not in expanded)
            phrases.extend(alts)
            return alts

        def with_expansions(q: wq.Query, text: str, positive: bool) -> wq.Query:
            alts = expansions(text) if positive else []
            if not alts:
                return q
            return wq.Or([q] + [phrase_query(self.snap, a).with_boost(EXPANSION_BOOST) for a in alts])

        def walk(node, positive=True) -> wq.Query:
            if isinstance(node, And):
                return wq.And([walk(n, positive) for n in node.items])
            if isinstance(node, Or):
                return wq.Or([walk(n, positive) for n in node.items])
            if isinstance(node, Not):
                return wq.Not(walk(node.item, False))
            if isinstance(node, Phrase):
                if positive:
                    phrases.append(node.text)
                return phrase_query(self.snap, node.text)  # exact: never expanded
            if isinstance(node, Word):
                return with_expansions(self._word(node.text, words if positive else set(),
                                                  phrases if positive else []),
                                       node.text, positive)
            if isinstance(node, Field):
                return self._field(node, phrases if positive else [])
            raise QueryError(f"Cannot search for {node!r}")

        q = walk(node)
        check_terms(len(words) + len(phrases))
        if not any(_is_passage_leaf(leaf) for leaf in positive_leaves(node)):
            q = wq.And([q, wq.Term("kind", "title")])  # only article fields: list articles
        return Compiled(q, frozenset(words), phrases, expanded)

    def _word(self, text: str, words: set[str], phrases: list[str]) -> wq.Query:
        prefix = prefix_of(text)
        if prefix is not None:
            words.add(prefix)
            return wq.Prefix("body", prefix)
        text = text.strip("*?")
        tokens = list(dict.fromkeys(t.text for t in word_analyzer()(text)))  # 俄俄俄: one term
        if not tokens:
            phrases.append(text)
            return phrase_query(self.snap, text)
        words.update(tokens)
        q = wq.And([wq.Term("body", t) for t in tokens]) if len(tokens) > 1 else wq.Term("body", tokens[0])
        if _HAN.search(text):  # the characters as typed, whatever the segmenter did
            phrases.append(text)
            q = wq.Or([q, phrase_query(self.snap, text)])
        return q

    def _field(self, node: Field, phrases: list[str]) -> wq.Query:
        if node.name == "year":
            return year_query(self.snap.searcher.reader(), *year_bounds(node.text))
        if node.name in ARTICLE_FIELDS:
            searcher = self.snap.searcher
            cards = searcher.search(
                wq.And([wq.Term("kind", "article"), char_phrase(ARTICLE_FIELDS[node.name], node.text)]),
                limit=None,
            )
            arthash = self.snap.arthash()
            keys = arthash[np.fromiter(cards.docs(), dtype=np.int64)]
            docs = np.flatnonzero(np.isin(arthash, keys) & self.snap.passage_mask())
            return DocSet(docs, np.ones(len(docs)), label=f"{node.name}:{node.text}")
        phrases.append(node.text)
        if node.name == "abstract":
            return wq.And([phrase_query(self.snap, node.text), wq.Term("kind", "abstract")])
        return char_phrase(f"{node.name}_c", node.text)  # section, source


def year_query(reader, lo: int | None, hi: int | None) -> wq.Query:
    """Match the documents whose year is within ``lo``..``hi`` (None: open), scored 1.

    Whoosh's NumericRange on the unsigned ``year`` field matches years outside
    wide ranges (1000-2007 found 2021), so the index's own years are listed.
    """
    field = reader.schema["year"]
    years = [y for y in map(field.from_bytes, field.sortable_terms(reader, "year"))
             if (lo is None or y >= lo) and (hi is None or y <= hi)]
    if not years:
        return wq.NullQuery
    return wq.ConstantScoreQuery(wq.Or([wq.Term("year", y) for y in years]), 1.0)


def check_filters(filters: dict[str, str]) -> list[tuple[str, str | int]]:
    """Return ``filters`` (facet values) as (name, value) pairs, years as numbers.

    :raises QueryError: for an unknown filter or a year that is not a number.

    >>> check_filters({"kind": "footnote", "year": "2007"})
    [('kind', 'footnote'), ('year', 2007)]
    """
    out: list[tuple[str, str | int]] = []
    for name, value in filters.items():
        if name not in FILTERS:
            raise QueryError(f"Unknown filter {name!r}; use one of: {', '.join(FILTERS)}.",
                             code="bad_filter", name=name)
        if name == "year":
            if not str(value).isdigit():
                raise QueryError(f"year={value} is not a year; use e.g. year=2007.", code="bad_year", value=value)
            out.append((name, int(value)))
        else:
            out.append((name, str(value)))
    return out


def restriction(filters: dict[str, str]) -> wq.Query:
    """Return the query a hit must also match to pass ``filters`` (facet values).

    :raises QueryError: for an unknown filter or a year that is not a number.
    """
    parts = [wq.Term(name, value) for name, value in check_filters(filters)]
    return wq.And(parts) if parts else wq.Every()


def _is_passage_leaf(leaf) -> bool:
    return not (isinstance(leaf, Field) and (leaf.name in ARTICLE_FIELDS or leaf.name == "year"))
