"""Compile a parsed query tree for OpenSearch: the local compiler's decisions, with leaves that are DSL.

:class:`~indexer.search.compile.Run` decides everything a query means (which
words are clauses, which are left out, expansions, strict parts, what to
highlight); here its leaves are :class:`Q` objects, small query trees with the
same algebra as the local index's arrays (``|`` sums scores, ``&`` requires
both, ``-`` excludes, ``scaled`` weighs), rendered to DSL at the end.

Where the local compiler reads a count (a term found nowhere, a clause's idf,
a long word found only in parts), the count comes from :class:`Counts`: the
first pass records what it needs, one request answers it all (``filter``
aggregations), and the compiler runs again on the real numbers; a query the
index has seen under this version costs no extra request.

Leaves score as locally: a Han word or phrase is a ``match_phrase`` over
character pairs (``text.pairs``; one character: ``text``), boosted so that
its weight is BM25's idf of the *phrase* (Lucene sums its pairs' idfs); an
English word is its stem in ``words``; fields are constant. OpenSearch's
BM25 keeps the factor k1 + 1, as the local one does.

>>> from indexer.search.query import parse_query
>>> c = DslCompiler(None, Counts(None)).compile(parse_query('"史與發" -title:拜登'))
>>> render(c.required, scored=False), render(c.excluded, scored=False)
({'match_phrase': {'text.pairs': {'query': '史與發'}}}, {'match_phrase': {'article_title': {'query': '拜登'}}})
>>> c.phrases
['史與發']
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable

from indexer import settings
from indexer.analysis import compact
from indexer.search.compile import ARTICLE_FIELDS, Compiler, Run, check_filters
from indexer.search.query import Field, year_bounds
from indexer.search.rank import K1

ARTICLE_FIELD = {"title": "article_title", "author": "article_authors", "keyword": "article_keywords"}
PASSAGE_FIELD = {"section": "section_title", "source": "source"}
PREFIX_REWRITE = "top_terms_64"  # as many words per prefix as the local index (compile.PREFIX_WORDS)
NOTHING = {"match_none": {}}
ROUNDS = 4  # compile passes at most: the counts of a pass can open branches that need more
assert ARTICLE_FIELD.keys() == ARTICLE_FIELDS.keys()


class Q:
    """A query over passages: what it matches and how it scores.

    ``op`` is a leaf (``sub`` text, ``word`` stem, ``prefix``, ``const`` DSL
    scored 1, ``filter`` DSL scored 0, ``none``) or a combination (``or``,
    ``and``, ``minus``, ``scale``); ``len()`` is how many passages match.
    """

    __slots__ = ("op", "args", "counts", "_key", "_plain", "_scored")

    def __init__(self, op: str, args: tuple, counts: Counts):
        self.op, self.args, self.counts = op, args, counts
        self._key = self._plain = self._scored = None

    def __repr__(self) -> str:
        return f"Q({self.key()})"

    def key(self) -> str:
        """Return the canonical JSON of what this matches (the key its count is kept under)."""
        if self._key is None:
            self._key = json.dumps(render(self, scored=False), ensure_ascii=False, sort_keys=True)
        return self._key

    def __len__(self) -> int:
        return self.counts.count(self)

    def _new(self, op: str, args: tuple) -> Q:
        return Q(op, args, self.counts)

    def __or__(self, other: Q) -> Q:
        if other.op == "none":
            return self
        if self.op == "none":
            return other
        parts = (self.args if self.op == "or" else (self,)) + (other.args if other.op == "or" else (other,))
        return self._new("or", parts)

    def __and__(self, other: Q) -> Q:
        if "none" in (self.op, other.op):
            return self._new("none", ())
        return self._new("and", (self, other))

    def __sub__(self, other: Q) -> Q:
        if "none" in (self.op, other.op):
            return self
        return self._new("minus", (self, other))

    def scaled(self, factor: float) -> Q:
        if self.op == "none" or factor == 1.0:
            return self
        return self._new("scale", (factor, self))


class Counts:
    """Passage counts for one search: answered from the index version's cache, or recorded and fetched at once.

    :param search: runs a request body on the passages (None: nothing is ever fetched, counts are 0).
    :param cache: counts already known for this index version, by :meth:`Q.key`; ``"N"`` is every passage.
    """

    def __init__(self, search: Callable[[dict], dict] | None, cache: dict | None = None):
        self.search = search
        self.cache = {} if cache is None else cache
        self.missed: dict[str, dict] = {}  # counts the compiler asked for and did not have
        self.wanted: dict[str, dict] = {}  # counts only the scores need (pairs of long phrases)
        self.settled = False  # every count the query needs is known: rendered queries can be kept

    @property
    def n(self) -> int:
        n = self.cache.get("N")
        if n is None:
            self.missed.setdefault("N", {"match_all": {}})
        return n or 0

    def count(self, q: Q) -> int:
        if q.op == "none":
            return 0
        key = q.key()
        n = self.cache.get(key)  # the cache is shared by threads: one read
        if n is None:
            self.missed.setdefault(key, render(q, scored=False))
            return 0  # a guess: the branch for "found nowhere" records what it would need too
        return n

    def known(self, key: str, query: dict) -> int | None:
        """Return the count of ``query`` if known, else note that the scores want it."""
        n = self.cache.get(key)
        if n is None:
            self.wanted.setdefault(key, query)
        return n

    def fetch(self) -> bool:
        """Fetch every count missed or wanted in one request; return whether the compiler missed any."""
        missed, todo = bool(self.missed), {**self.wanted, **self.missed}
        self.missed, self.wanted = {}, {}
        if not todo or self.search is None:
            return False
        if len(self.cache) > 50_000:  # one version's cache stays bounded
            self.cache.clear()
        keys = list(todo)
        body = {"size": 0, "track_total_hits": True, "query": {"match_all": {}},
                "timeout": f"{settings.get_int('search_timeout_ms')}ms",
                "aggs": {f"q{i}": {"filter": todo[k]} for i, k in enumerate(keys) if k != "N"}}
        response = self.search(body)
        aggs = response.get("aggregations", {})
        for i, k in enumerate(keys):
            self.cache[k] = response["hits"]["total"]["value"] if k == "N" else aggs[f"q{i}"]["doc_count"]
        self.cache["N"] = response["hits"]["total"]["value"]
        return missed

    def idf(self, df: int) -> float:
        """Return BM25's idf over every passage, as :meth:`indexer.search.rank.Stats.idf`."""
        n = max(self.n, df, 1)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))


class DslRun(Run):
    """One compilation whose leaves are :class:`Q` objects."""

    def empty(self) -> Q:
        return Q("none", (), self.c.counts)

    def idf(self, df: int) -> float:
        return self.c.counts.idf(df)

    def substring(self, text: str) -> Q:
        return Q("sub", (text,), self.c.counts)

    def word(self, key: str) -> Q:
        return Q("word", (key,), self.c.counts)

    def prefix(self, prefix: str) -> Q:
        self.prefixes.add(prefix)
        return Q("prefix", (prefix,), self.c.counts)

    def kind(self, kind: str) -> Q:
        return Q("filter", ({"term": {"kind": kind}},), self.c.counts)

    def field_match(self, node: Field) -> Q:
        if node.name == "year":
            lo, hi = year_bounds(node.text)
            dsl = {"range": {"year": {k: v for k, v in (("gte", lo), ("lte", hi)) if v is not None}}}
        elif node.name in ARTICLE_FIELD:
            dsl = phrase(ARTICLE_FIELD[node.name], node.text)
        else:
            dsl = phrase(PASSAGE_FIELD[node.name], node.text)
        return Q("const", (dsl,), self.c.counts)


class DslCompiler(Compiler):
    """Compile query trees as the local index does, to :class:`Q` leaves counted through ``counts``."""

    def __init__(self, glossary, counts: Counts):
        super().__init__(None, glossary)
        self.counts = counts

    def new_run(self, expand, deadline, spare) -> DslRun:
        return DslRun(self, expand, deadline, spare)

    def compile(self, node, expand: bool = True, mode: str = "best", deadline=None):
        for _ in range(ROUNDS):
            compiled = super().compile(node, expand, mode, deadline)
            for q in _leaves(compiled):
                _want(q)
            if not self.counts.fetch():
                break
        self.counts.settled = True
        return compiled


def _leaves(compiled):
    parts = [compiled.required, compiled.restrict, compiled.excluded]
    parts += [m for c in compiled.clauses for m in (c.exact, c.expanded)]
    return [q for q in parts if q is not None]


# ---------------------------------------------------------------- rendering


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


def _want(q: Q) -> None:
    """Note the counts the scores of ``q`` need: of each long phrase and of its character pairs."""
    if q.op in ("or", "and", "minus"):
        for part in q.args:
            _want(part)
    elif q.op == "scale":
        _want(q.args[1])
    elif q.op == "sub":
        weight(q)


def weight(q: Q) -> float | None:
    """Return the boost that makes a ``sub`` leaf score like the local phrase (None: none needed).

    Lucene weighs a phrase by the sum of its pairs' idfs; the local index by
    the idf of the phrase itself. Both counts come from :class:`Counts`.
    """
    chars = compact(q.args[0])[0]
    counts = q.counts
    if len(chars) < 3:  # one character or one pair: Lucene's idf is the phrase's
        return None
    df = counts.known(q.key(), render(q, scored=False))
    pairs = [counts.known(f"pair:{chars[i:i + 2]}", {"term": {"text.pairs": chars[i:i + 2]}})
             for i in range(len(chars) - 1)]
    if df is None or None in pairs:
        return 1 / (len(chars) - 1)
    return counts.idf(df) / max(sum(counts.idf(p) for p in pairs), 1e-9)


def render(q: Q, scored: bool = True) -> dict:
    """Return ``q`` as DSL; ``scored=False`` drops the boosts (for counting and filters).

    Kept on ``q`` once made (scored ones once every count is known): a clause
    appears in several places of one request.
    """
    done = q._scored if scored else q._plain
    if done is None:
        done = _render(q, scored)
        if not scored:
            q._plain = done
        elif q.counts.settled:
            q._scored = done
    return done


def _render(q: Q, scored: bool) -> dict:
    op, args = q.op, q.args
    if op == "none":
        return NOTHING
    if op == "sub":
        return exact(args[0], weight(q) if scored else None)
    if op == "word":
        return {"term": {"words": args[0]}}
    if op == "prefix":
        return {"prefix": {"words": {"value": args[0], "rewrite": PREFIX_REWRITE}}}
    if op == "const":
        return {"constant_score": {"filter": args[0]}} if scored else args[0]
    if op == "filter":
        return {"bool": {"filter": [args[0]]}} if scored else args[0]
    if op == "or":
        return {"bool": {"should": [render(a, scored) for a in args], "minimum_should_match": 1}}
    if op == "and":  # cheap parts first: a word missing from a segment spares building the phrases
        parts = sorted(_conjuncts(q), key=lambda a: a.op in ("sub", "prefix", "or", "minus", "scale"))
        return {"bool": {"must": [render(a, scored) for a in parts]}}
    if op == "minus":
        return {"bool": {"must": [render(args[0], scored)], "must_not": [render(args[1], False)]}}
    factor, inner = args
    if not scored:
        return render(inner, False)
    if factor <= 0:
        return {"bool": {"filter": [render(inner, False)]}}
    return {"bool": {"must": [render(inner)], "boost": factor}}


def _conjuncts(q: Q) -> list[Q]:
    return [c for a in q.args for c in (_conjuncts(a) if a.op == "and" else [a])]


def bound(q: Q) -> float:
    """Return more than the highest score ``q`` can give a passage (before kind boosts)."""
    op, args = q.op, q.args
    if op in ("none", "filter"):
        return 0.0
    if op == "const":
        return 1.0
    if op in ("or", "and"):
        return sum(bound(a) for a in args)
    if op == "minus":
        return bound(args[0])
    if op == "scale":
        return max(args[0], 0.0) * bound(args[1])
    df = q.counts.cache.get(q.key()) if op == "sub" else None
    top = (K1 + 1) * q.counts.idf(max(df or 1, 1)) * 1.5 + 1  # room for Lucene's own statistics
    return top * (64 if op == "prefix" else 1)


def filter_clauses(filters: dict[str, str] | None) -> list[dict]:
    """Return the clauses a hit must also match to pass ``filters`` (facet values; QueryError if bad).

    >>> filter_clauses({"kind": "footnote", "author": "連弘宜"})
    [{'term': {'kind': 'footnote'}}, {'term': {'authors': '連弘宜'}}]
    """
    out = [{"term": {name: value}} for name, value in check_filters(filters or {})]
    if filters and "author" in filters:
        out.append({"term": {"authors": str(filters["author"])}})
    return out

