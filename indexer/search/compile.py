"""Compile a parsed query tree into numpy matches over one index snapshot.

Best match (the default): each informative word of the unquoted text is an
optional clause (:class:`~indexer.search.rank.Clause`), ranked by
:func:`~indexer.search.rank.best_match`; quoted phrases, fields, ``+term``,
``AND`` and ``NOT`` stay strict. ``mode="all"`` makes every word required.

A Han word matches its exact characters (the phrase index), whatever the
segmenter did; an English word its stem in the word index; ``russ*`` every
indexed word starting with ``russ``. Words are expanded with the glossary's
other names (Han names as characters, English ones as whole words). The term
limit counts every word, phrase, field and operator before anything is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as wq

from indexer import settings
from indexer.analysis import compact
from indexer.errors import JiansuoError, QueryError
from indexer.index.reader import Snapshot
from indexer.search.highlight import Highlighter
from indexer.search.query import And, Field, Not, Or, Phrase, Required, Word, positive_leaves, year_bounds
from indexer.search.rank import EXPANSION_WEIGHT, Clause, Match, Stats
from indexer.search.terms import Deadline, Token, asks, count_terms, informative, tokens

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]")
ARTICLE_FIELDS = {"title": "title_c", "author": "author_c", "keyword": "keyword_c"}
FILTERS = ("article", "kind", "year", "section", "author")
MODES = ("best", "all")
PREFIX_WORDS = 64  # most indexed words one prefix stands for


@dataclass
class Compiled:
    """A compiled query: clauses and strict parts, and what to highlight."""

    clauses: list[Clause] = field(default_factory=list)
    runs: list[list[int]] = field(default_factory=list)
    required: Match | None = None  # passages must match: optional words then only rank
    restrict: Match | None = None  # article-level filters: optional words still must match
    excluded: Match | None = None
    words: frozenset[str] = frozenset()
    phrases: list[str] = field(default_factory=list)
    prefixes: frozenset[str] = frozenset()
    expanded: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # terms found nowhere (for suggestions)

    def highlighter(self) -> Highlighter:
        """Return what this query marks in a passage."""
        return Highlighter(self.words, self.phrases, self.prefixes)


class Compiler:
    """Compile query trees against one snapshot, with the glossary for expansions."""

    def __init__(self, snap: Snapshot, glossary=None):
        self.snap = snap
        self.glossary = glossary
        self._stats: Stats | None = None

    @property
    def stats(self) -> Stats:
        if self._stats is None:
            lengths, mean = self.snap.lengths()
            boosts = self.snap.pid_map()[2]
            self._stats = Stats(self.snap.passage_count(), lengths, mean, boosts)
        return self._stats

    def new_run(self, expand: bool, deadline: Deadline, spare: int) -> Run:
        """Start compiling one query (a backend with other leaves returns its own :class:`Run`)."""
        return Run(self, expand, deadline, spare)

    def compile(self, node, expand: bool = True, mode: str = "best", deadline: Deadline | None = None) -> Compiled:
        """Compile a parsed query tree (QueryError if it has too many terms or runs out of time)."""
        if mode not in MODES:
            raise QueryError(f"Unknown mode {mode!r}; use one of: {', '.join(MODES)}.", code="bad_mode", mode=mode)
        limit = settings.get_int("max_terms")
        n = count_terms(node, strict=(mode == "all"))
        if n > limit:
            raise QueryError(
                f"The query has {n} terms; the limit is {limit}. "
                'Put a long passage in quotes to search for it as one "phrase".',
                code="too_many_terms", n=n, limit=limit,
            )
        run = self.new_run(expand, deadline or Deadline(), limit - n)
        items = node.items if isinstance(node, And) else [node]
        words = [t.key for item in items if isinstance(item, Word) for t in tokens(item.text)]
        question = mode == "best" and asks(words, " ".join(_label(i) for i in items))
        bag: list[list[Token]] = [[]]
        for item in items:
            if isinstance(item, Phrase) and question:  # a quotation in a pasted question
                found = run.strict(item)
                if len(found):
                    run.require(found)
                else:  # ... that occurs nowhere: its words, never a dead end
                    run.clause(item.text, found, [])
                    bag[-1].extend(tokens(item.text))
                    continue
            elif isinstance(item, Not):
                m = run.strict(item.item, positive=False)
                run.out.excluded = m if run.out.excluded is None else run.out.excluded | m
            elif isinstance(item, Word) and mode == "best" and not _is_prefix(item.text):
                toks = tokens(item.text.strip("*?"))
                if toks:
                    bag[-1].extend(toks)
                    continue
                run.clause(item.text, run.strict(item), [compact(item.text)[0]])
            elif isinstance(item, Word) and mode == "best":
                run.clause(item.text, run.strict(item), [compact(item.text[:-1])[0]])
            elif isinstance(item, Field) and not _is_passage_leaf(item):
                run.restrict(run.strict(item))  # an article-level filter: words still must match
            elif isinstance(item, (Required, Phrase, Field)) or mode == "all":
                run.require(run.strict(item.item if isinstance(item, Required) else item))
            else:  # an OR or a parenthesised group: one optional clause, matched strictly
                run.clause(_label(item), run.strict(item), [])
            bag.append([])
        run.bag(bag)
        if not any(_is_passage_leaf(leaf) for leaf in positive_leaves(node)):
            run.restrict(run.kind("title"))  # only article fields: list the articles
        return run.finish()


def _is_prefix(text: str) -> bool:
    """Tell whether a word is an English prefix query such as ``russ*``."""
    return text.endswith("*") and text[:-1].isascii() and text[:-1].isalnum()


def _label(node) -> str:
    if isinstance(node, (Word, Phrase)):
        return node.text
    if isinstance(node, Field):
        return f"{node.name}:{node.text}"
    if isinstance(node, Or):
        return " OR ".join(_label(n) for n in node.items)
    if isinstance(node, And):
        return "(" + " ".join(_label(n) for n in node.items) + ")"
    if isinstance(node, Required):
        return _label(node.item)
    return "-" + _label(node.item)


class Run:
    """The state of compiling one query: matches read so far, what to highlight, the budget.

    The leaves (:meth:`substring`, :meth:`word`, :meth:`prefix`, :meth:`kind`,
    :meth:`field_match`, :meth:`empty`, :meth:`idf`) read this index; another
    backend subclasses them and keeps everything else: the same words, clauses
    and strict parts for the same query.
    """

    def __init__(self, compiler: Compiler, expand: bool, deadline: Deadline, spare: int):
        self.c = compiler
        self.snap = compiler.snap
        self.expand = expand
        self.deadline = deadline
        self.spare = spare  # terms the limit still allows (best-match words, expansions)
        self.out = Compiled()
        self.words: set[str] = set()
        self.prefixes: set[str] = set()

    # ------------------------------------------------------------ leaves

    def empty(self) -> Match:
        return Match.empty()

    def idf(self, df: int) -> float:
        return self.c.stats.idf(df)

    def substring(self, text: str) -> Match:
        """Passages holding ``text`` exactly (any script, white space ignored): tf = occurrences."""
        self.deadline.check()
        docs, counts, _boosts, _n = self.snap.phrase_docs(text)
        return self.c.stats.bm25(docs, counts)

    def word(self, key: str) -> Match:
        """Passages holding the indexed word ``key`` (folded and stemmed)."""
        self.deadline.check()
        docs, weights = self.snap.postings(key)
        stats = self.c.stats
        return stats.bm25(docs, np.rint(weights / np.maximum(stats.boosts[docs], 1e-9)))

    def prefix(self, prefix: str) -> Match:
        """Passages holding a word starting with ``prefix``; tf summed over those words."""
        self.prefixes.add(prefix)
        docs, tf = [np.zeros(0, np.int64)], [np.zeros(0)]
        stats = self.c.stats
        for w in self.snap.expand_prefix(prefix, PREFIX_WORDS):
            self.deadline.check()
            d, weights = self.snap.postings(w)
            docs.append(d)
            tf.append(np.rint(weights / np.maximum(stats.boosts[d], 1e-9)))
        alld, inverse = np.unique(np.concatenate(docs), return_inverse=True)
        return stats.bm25(alld, np.bincount(inverse, weights=np.concatenate(tf), minlength=len(alld)))

    def token(self, t: Token) -> Match:
        if t.han:
            self.out.phrases.append(t.text)
            return self.substring(t.key)
        self.words.add(t.key)
        return self.word(t.key)

    def alternative(self, alt: str) -> Match:
        """An expansion: Han names as characters, others as whole words side by side."""
        if _HAN.search(alt):
            self.out.phrases.append(alt)
            return self.substring(alt)
        toks = [t for t in tokens(alt) if not t.han]
        if not toks:
            return self.empty()
        found = self.substring(alt)
        for t in toks:
            self.words.add(t.key)
            found = found & self.word(t.key).scaled(0.0)
        return found

    def expansions(self, text: str) -> Match:
        """Return the passages found through ``text``'s other names (down-weighted), noting them."""
        if not self.expand or self.c.glossary is None or self.spare <= 0:
            return self.empty()
        try:
            alts = self.c.glossary.expand(text)
        except JiansuoError:
            return self.empty()
        own = compact(text)[0]
        found = self.empty()
        for a in alts:
            if not compact(a)[0] or compact(a)[0] == own or self.spare <= 0:
                continue
            self.spare -= 1
            if a not in self.out.expanded:
                self.out.expanded.append(a)
            found = found | self.alternative(a)
        return found.scaled(EXPANSION_WEIGHT)

    def kind(self, kind: str) -> Match:
        docs = np.fromiter(self.snap.searcher.docs_for_query(wq.Term("kind", kind)), dtype=np.int64)
        return Match(np.sort(docs), np.zeros(len(docs)))

    # ------------------------------------------------------------ strict parts

    def strict(self, node, positive: bool = True) -> Match:
        """Evaluate ``node`` with every word required (phrases, fields, OR, AND, NOT as written)."""
        if isinstance(node, And):
            found = None
            for n in node.items:
                if isinstance(n, Not):
                    continue
                m = self.strict(n, positive)
                found = m if found is None else found & m
            found = self.empty() if found is None else found
            for n in node.items:
                if isinstance(n, Not):
                    found = found - self.strict(n.item, False)
            return found
        if isinstance(node, Or):
            found = self.empty()
            for n in node.items:
                found = found | self.strict(n, positive)
            return found
        if isinstance(node, Not):  # NOT alone inside OR: nothing positive to add
            return self.empty()
        if isinstance(node, Required):
            return self.strict(node.item, positive)
        if isinstance(node, Phrase):
            if positive:
                self.out.phrases.append(node.text)
            return self.substring(node.text)  # exact: never expanded
        if isinstance(node, Field):
            return self.field(node, positive)
        if isinstance(node, Word):
            return self.strict_word(node.text, positive)
        raise QueryError(f"Cannot search for {node!r}")

    def strict_word(self, text: str, positive: bool) -> Match:
        saved = (self.out.phrases[:], set(self.words), set(self.prefixes))
        if _is_prefix(text):
            found = self.prefix(compact(text[:-1])[0])
        else:
            text = text.strip("*?")
            toks = list({t.key: t for t in tokens(text)}.values())
            if not toks:
                self.out.phrases.append(text)
                found = self.substring(text)
            else:
                found = None
                for t in toks:
                    m = self.token(t)
                    found = m if found is None else found & m
            if positive:
                if not len(found):
                    self.out.unknown.append(text)
                found = found | (self.expansions(text) - found)
        if not positive:  # what a negated word matched is not marked
            self.out.phrases, self.words, self.prefixes = saved
        return found

    def field(self, node: Field, positive: bool) -> Match:
        self.deadline.check()
        if node.name != "year" and node.name not in ARTICLE_FIELDS:
            if positive:
                self.out.phrases.append(node.text)
            if node.name == "abstract":
                return self.substring(node.text) & self.kind("abstract")
        return self.field_match(node)

    def field_match(self, node: Field) -> Match:
        """Passages matching a year, article or passage field (not ``abstract:``), each scored 1."""
        searcher = self.snap.searcher
        if node.name == "year":
            docs = np.fromiter(searcher.docs_for_query(year_query(searcher.reader(), *year_bounds(node.text))),
                               dtype=np.int64)
        elif node.name in ARTICLE_FIELDS:
            cards = searcher.docs_for_query(
                wq.And([wq.Term("kind", "article"), char_phrase(ARTICLE_FIELDS[node.name], node.text)]))
            arthash = self.snap.arthash()
            keys = arthash[np.fromiter(cards, dtype=np.int64)]
            docs = np.flatnonzero(np.isin(arthash, keys) & self.snap.passage_mask())
        else:
            docs = np.fromiter(searcher.docs_for_query(char_phrase(f"{node.name}_c", node.text)), dtype=np.int64)
        docs = np.sort(docs)
        return Match(docs, np.ones(len(docs)))

    def require(self, m: Match) -> None:
        self.out.required = m if self.out.required is None else self.out.required & m

    def restrict(self, m: Match) -> None:
        self.out.restrict = m if self.out.restrict is None else self.out.restrict & m

    # ------------------------------------------------------------ best match

    def clause(self, label: str, exact: Match, forms: list[str], expanded: Match | None = None) -> None:
        expanded = self.empty() if expanded is None else expanded - exact
        df = len(exact | expanded)
        if not df:
            self.out.unknown.append(label)
        self.out.clauses.append(Clause(label, exact, expanded, forms, self.idf(df)))

    def bag(self, runs: list[list[Token]]) -> None:
        """Turn the words of the unquoted text into clauses, the most informative within the budget.

        Stop and question words are left out unless nothing else is left; a
        run of terms (for the phrase bonus) breaks where one was left out.
        """
        every = [t for r in runs for t in r]
        useful = {t.key for t, ok in zip(every, informative(every)) if ok}
        if not useful:
            useful = {t.key for t in every if any(ch.isalnum() for ch in t.key)}
        unique = list({t.key: t for t in every if t.key in useful}.values())
        keep = {t.key for t in sorted(unique, key=lambda t: -len(t.key))[:max(self.spare, 0)]}
        self.out.ignored = [t.text for t in unique if t.key not in keep]
        self.spare -= len(keep)
        index: dict[str, int] = {}
        for r in runs:
            chain: list[int] = []
            for t in r + [None]:
                if t is None or t.key not in keep:
                    if len(chain) > 0:
                        self.out.runs.append(chain)
                    chain = []
                    continue
                if t.key not in index:
                    index[t.key] = len(self.out.clauses)
                    exact = self.token(t)
                    expanded = self.expansions(t.text)
                    if t.han and len(t.key) > 2 and not len(exact):
                        expanded = expanded | self.parts(t.key)
                    self.clause(t.text, exact, [t.key], expanded)
                chain.append(index[t.key])

    def parts(self, key: str) -> Match:
        """Passages holding parts of a long Han word found nowhere whole: its character pairs, averaged.

        The segmenter sometimes glues a function character to a name (由威廉);
        the pairs (由威, 威廉) still find the name, at the weight of an expansion.
        """
        pairs = list(dict.fromkeys(key[i:i + 2] for i in range(len(key) - 1)))
        found = self.empty()
        for p in pairs:
            m = self.substring(p)
            if len(m):
                self.out.phrases.append(p)
            found = found | m
        return found.scaled(EXPANSION_WEIGHT / len(pairs))

    def finish(self) -> Compiled:
        self.out.words = frozenset(self.words)
        self.out.prefixes = frozenset(self.prefixes)
        return self.out


def char_phrase(fieldname: str, text: str) -> wq.Query:
    """Match ``text`` as a substring of a single-character field."""
    c, _ = compact(text)
    if not c:
        return wq.NullQuery
    if len(c) == 1:
        return wq.Term(fieldname, c)
    return wq.Phrase(fieldname, list(c))


def year_query(reader, lo: int | None, hi: int | None) -> wq.Query:
    """Match the documents whose year is within ``lo``..``hi`` (None: open).

    Whoosh's NumericRange on the unsigned ``year`` field matches years outside
    wide ranges (1000-2007 found 2021), so the index's own years are listed.
    """
    field = reader.schema["year"]
    years = [y for y in map(field.from_bytes, field.sortable_terms(reader, "year"))
             if (lo is None or y >= lo) and (hi is None or y <= hi)]
    if not years:
        return wq.NullQuery
    return wq.Or([wq.Term("year", y) for y in years])


def check_filters(filters: dict[str, str]) -> list[tuple[str, str | int]]:
    """Return the passage-level ``filters`` (facet values) as (name, value) pairs, years as numbers.

    ``author`` is left out: it is an article-level filter (see Searcher._universe).

    :raises QueryError: for an unknown filter or a year that is not a number.

    >>> check_filters({"kind": "footnote", "year": "2007", "author": "王"})
    [('kind', 'footnote'), ('year', 2007)]
    """
    out: list[tuple[str, str | int]] = []
    for name, value in filters.items():
        if name not in FILTERS:
            raise QueryError(f"Unknown filter {name!r}; use one of: {', '.join(FILTERS)}.",
                             code="bad_filter", name=name)
        if name == "author":
            continue
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
