"""Run queries against the index and return passages with highlighted snippets.

A query string is parsed by :mod:`indexer.query` into a tree, compiled here
into a Whoosh query, run with BM25F (passage kinds boosted title > keywords >
abstract > body > notes), and every hit gets a snippet cut from the passage's
original text.

    with Searcher(index_dir) as s:
        result = s.search("俄罗斯 外交", limit=10)
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import sorting

from indexer import settings
from indexer.build import NO_PID, PHRASES_DIR, column_array, index_exists, live_pids
from indexer.docset import DocSet
from indexer.phrases import PhraseIndex
from indexer.schema import KIND_BOOST, PASSAGE_KINDS
from indexer.analysis import compact, word_analyzer
from indexer.errors import IndexStateError, JiansuoError, QueryError
from indexer.highlight import match_spans, snippet
from indexer.model import Article
from indexer.query import And, Field, Not, Or, Phrase, Word, parse_query, positive_leaves, year_range

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KIND_BOOSTS = np.array([KIND_BOOST[k] for k in PASSAGE_KINDS])
_HIDDEN = wq.Or([wq.Term("kind", "article"), wq.Term("kind", "data")])
ARTICLE_FIELDS = {"title": "title_c", "author": "author_c", "keyword": "keyword_c"}
EXPANSION_BOOST = 0.8
MAX_TERMS = 64  # Whoosh's nested matchers slow down sharply beyond this
_SOURCES_CACHE: dict[tuple, list] = {}


@dataclass
class Hit:
    """One matching passage; ``text`` is the whole passage in its original script."""

    article: str
    title: str
    passage: str
    kind: str
    section: str | None
    text: str
    snippet: str
    score: float
    notes: list[int] = field(default_factory=list)
    position: int = 0
    year: int | None = None


@dataclass
class SearchResult:
    query: str
    total: int = 0
    took_ms: float = 0.0
    expanded: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    error: str | None = None
    page: int = 1
    limit: int = 10
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Return the JSON shape of ``jiansuo search --json`` and ``/api/search``."""
        d = asdict(self)
        if self.error is None:
            del d["error"]
        return d

    def groups(self) -> list[dict]:
        """Group the hits by article, in the order of each article's best hit."""
        out: dict[str, dict] = {}
        for h in self.hits:
            g = out.setdefault(h.article, {"article": h.article, "title": h.title,
                                           "year": h.year, "hits": []})
            g["hits"].append(h)
        return list(out.values())


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


class Searcher:
    """An open index; use as a context manager or call :meth:`close`."""

    def __init__(self, index_dir: Path, glossary=None):
        self.index_dir = Path(index_dir)
        if not index_exists(self.index_dir):
            raise IndexStateError(
                f"{self.index_dir}: no index here yet; run `jiansuo index` first"
            )
        try:
            self.ix = whoosh_index.open_dir(str(self.index_dir))
        except Exception as err:  # whoosh raises bare Exceptions on damage
            raise IndexStateError(f"{self.index_dir}: the index cannot be opened ({err}); "
                                  "delete the folder and run `jiansuo index` again") from err
        self.searcher = self.ix.searcher()
        self._open_phrases()  # after Whoosh: every pid it knows is in this snapshot
        self._cards: dict[str, dict] = {}
        self._glossary = glossary

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        """Release the index files."""
        self.searcher.close()

    def refresh(self) -> None:
        """Pick up a newer version of the index (and its glossary) if an indexer committed one."""
        if not self.searcher.up_to_date():
            self.searcher = self.searcher.refresh()
            self._open_phrases()
            self._cards.clear()
            self._glossary = None

    def _open_phrases(self) -> None:
        self.phrases = PhraseIndex(self.index_dir / PHRASES_DIR)
        self._docs_of_pids: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._arthash: np.ndarray | None = None

    def _pid_map(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (pids sorted, their docnums, score multiplier per docnum) for this reader."""
        if self._docs_of_pids is None:
            reader = self.searcher.reader()
            pids = live_pids(reader)
            order = np.argsort(pids, kind="stable")
            n_live = int(np.count_nonzero(pids != NO_PID))
            kinds = column_array(reader, "kindnum", np.int64, len(PASSAGE_KINDS))
            boosts = np.ones(len(pids))
            known = kinds < len(PASSAGE_KINDS)
            boosts[known] = _KIND_BOOSTS[kinds[known]]
            self._docs_of_pids = (pids[order][:n_live].astype(np.int64), order[:n_live], boosts)
        return self._docs_of_pids

    def _passage_mask(self) -> np.ndarray:
        """Return True for live passage documents (not article cards or data)."""
        mask = np.zeros(self.searcher.reader().doc_count_all(), dtype=bool)
        mask[self._pid_map()[1]] = True
        return mask

    def phrase(self, text: str) -> wq.Query:
        """Match passages containing ``text`` exactly (any script, white space ignored).

        Scored like a term: idf of the phrase times saturated occurrence count,
        times the passage kind's boost.
        """
        pids, counts = self.phrases.find(text)
        sorted_pids, docnums, boosts = self._pid_map()
        idx = np.searchsorted(sorted_pids, pids)
        idx[idx >= len(sorted_pids)] = 0
        known = sorted_pids[idx] == pids if len(sorted_pids) else np.zeros(len(pids), bool)
        docs, tf = docnums[idx[known]], counts[known]
        n, df = max(len(sorted_pids), 1), max(len(docs), 1)
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        scores = idf * tf * 2.2 / (tf + 1.2) * boosts[docs]
        return DocSet(docs, scores, label=text)

    # ------------------------------------------------------------ articles

    def card(self, article_id: str) -> dict | None:
        """Return an article's card (title, authors, year, section titles, path)."""
        if article_id not in self._cards:
            doc = self.searcher.document(id=article_id, kind="article")
            self._cards[article_id] = doc
        return self._cards[article_id]

    def article_ids(self) -> list[str]:
        """Return the ids of every indexed article, sorted."""
        return sorted(d["article"] for d in self.searcher.documents(kind="article"))

    def article(self, article_id: str) -> Article | None:
        """Return the parsed article ``article_id`` or None if it is not indexed."""
        doc = self.searcher.document(id=f"{article_id}#data")
        return Article.from_dict(json.loads(doc["data"])) if doc else None

    def articles(self):
        """Yield every indexed article (for sources, glossary and exports)."""
        for doc in self.searcher.documents(kind="data"):
            yield Article.from_dict(json.loads(doc["data"]))

    def sources(self):
        """Return every source cited across the collection (cached per index version)."""
        from indexer.sources import collect_sources

        key = (str(self.index_dir.resolve()), self.searcher.reader().generation())
        if key not in _SOURCES_CACHE:
            _SOURCES_CACHE.clear()
            _SOURCES_CACHE[key] = collect_sources(self.articles())
        return _SOURCES_CACHE[key]

    @property
    def glossary(self):
        """Return the glossary mined at indexing time (loaded on first use)."""
        if self._glossary is None:
            from indexer.build import load_glossary

            self._glossary = load_glossary(self.index_dir)
        return self._glossary

    # ------------------------------------------------------------ queries

    def compile(self, node, expand: bool = True) -> Compiled:
        """Compile a parsed query tree into a Whoosh query."""
        words: set[str] = set()
        phrases: list[str] = []
        expanded: list[str] = []

        def expansions(text: str) -> list[str]:
            if not expand:
                return []
            try:
                alts = self.glossary.expand(text) if self.glossary is not None else []
            except JiansuoError:
                return []
            alts = [a for a in alts if compact(a)[0] and compact(a)[0] != compact(text)[0]]
            for a in alts:
                if a not in expanded:
                    expanded.append(a)
            phrases.extend(alts)
            return alts

        def with_expansions(q: wq.Query, text: str, positive: bool) -> wq.Query:
            alts = expansions(text) if positive else []
            if not alts:
                return q
            return wq.Or([q] + [self.phrase(a).with_boost(EXPANSION_BOOST) for a in alts])

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
                return self.phrase(node.text)  # exact: never expanded
            if isinstance(node, Word):
                return with_expansions(self._word(node.text, words if positive else set(),
                                                  phrases if positive else []),
                                       node.text, positive)
            if isinstance(node, Field):
                return self._field(node, phrases if positive else [])
            raise QueryError(f"Cannot search for {node!r}")

        q = walk(node)
        terms = len(words) + len(phrases)
        if terms > MAX_TERMS:
            raise QueryError(
                f"The query has {terms} terms; the limit is {MAX_TERMS}. "
                'Put a long passage in quotes to search for it as one "phrase".'
            )
        if not any(_is_passage_leaf(leaf) for leaf in positive_leaves(node)):
            q = wq.And([q, wq.Term("kind", "title")])  # only article fields: list articles
        return Compiled(q, frozenset(words), phrases, expanded)

    def _word(self, text: str, words: set[str], phrases: list[str]) -> wq.Query:
        if text.endswith("*") and text[:-1].isascii() and text[:-1].isalnum():
            stemless = compact(text[:-1])[0]
            words.add(stemless)
            return wq.Prefix("body", stemless)
        text = text.strip("*?")
        tokens = list(dict.fromkeys(t.text for t in word_analyzer()(text)))  # 俄俄俄: one term
        if not tokens:
            phrases.append(text)
            return self.phrase(text)
        words.update(tokens)
        q = wq.And([wq.Term("body", t) for t in tokens]) if len(tokens) > 1 else wq.Term("body", tokens[0])
        if _HAN.search(text):  # the characters as typed, whatever the segmenter did
            phrases.append(text)
            q = wq.Or([q, self.phrase(text)])
        return q

    def _field(self, node: Field, phrases: list[str]) -> wq.Query:
        if node.name == "year":
            rng = year_range(node.text)
            if rng is None:
                raise QueryError(
                    f"year:{node.text} is not a year; use year:2007 or a range such as year:2000-2010."
                )
            return wq.NumericRange("year", rng[0], rng[1])
        if node.name in ARTICLE_FIELDS:
            cards = self.searcher.search(
                wq.And([wq.Term("kind", "article"), char_phrase(ARTICLE_FIELDS[node.name], node.text)]),
                limit=None,
            )
            if self._arthash is None:
                self._arthash = column_array(self.searcher.reader(), "arthash", np.uint64, 0)
            keys = self._arthash[np.fromiter(cards.docs(), dtype=np.int64)]
            docs = np.flatnonzero(np.isin(self._arthash, keys) & self._passage_mask())
            return DocSet(docs, np.ones(len(docs)), label=f"{node.name}:{node.text}")
        phrases.append(node.text)
        if node.name == "abstract":
            return wq.And([self.phrase(node.text), wq.Term("kind", "abstract")])
        return char_phrase(f"{node.name}_c", node.text)  # section, source

    def search(self, q: str, limit: int = 10, page: int = 1, expand: bool = True,
               facets: bool = False, filters: dict[str, str] | None = None,
               max_query: int | None = None) -> SearchResult:
        """Run query string ``q``; a rejected query comes back with ``error`` set.

        :param filters: restrict hits to an ``article``, ``kind``, ``year`` or ``section``
            (the facet values), e.g. ``{"article": "000_850aca5cf1cb6a75", "kind": "footnote"}``.
        :param max_query: longest query accepted (default: the ``max_query`` setting).
        """
        started = time.perf_counter()
        limit = max(1, min(int(limit), settings.get_int("max_page_size")))
        page = max(1, int(page))
        result = SearchResult(query=q, page=page, limit=limit)
        try:
            compiled = self.compile(parse_query(q, max_query), expand=expand)
            if filters:
                compiled.query = wq.And([compiled.query, restriction(filters)])
        except QueryError as err:
            result.error = str(err)
            result.took_ms = round((time.perf_counter() - started) * 1000, 2)
            return result
        groupedby = None
        if facets:
            groupedby = {name: sorting.FieldFacet(name, allow_overlap=False)
                         for name in ("article", "kind", "year", "section")}
        try:
            # optimize=False: score every match once; the exact total then comes for free
            # (quality skipping made Whoosh count the matches a second time)
            results = self.searcher.search(compiled.query, limit=page * limit, mask=_HIDDEN,
                                           optimize=False,
                                           groupedby=groupedby)
        except RecursionError:  # Whoosh nests one matcher per term: hundreds of words overflow
            result.error = "The query has too many different words; search for fewer words or a phrase."
            result.took_ms = round((time.perf_counter() - started) * 1000, 2)
            return result
        result.total = len(results)
        result.expanded = compiled.expanded
        for r in results[(page - 1) * limit : page * limit]:
            result.hits.append(self._hit(r, compiled))
        if facets:
            result.facets = self._facets(results)
        result.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return result

    def passages_matching(self, phrase: str, limit: int | None = None) -> list[tuple[str, str, str]]:
        """Return ``(article, passage, text)`` for every passage containing ``phrase`` exactly.

        In reading order (article, then position): the input of a concordance.
        """
        q = self.phrase(phrase)
        results = self.searcher.search(q, limit=limit, mask=_HIDDEN,
                                       sortedby=["article", "position"])
        return [(r["article"], r["passage"], r["text"]) for r in results]

    def _hit(self, r, compiled: Compiled) -> Hit:
        fields = r.fields()
        card = self.card(fields["article"]) or {}
        meta = card.get("meta", {})
        text = fields.get("text", "")
        spans = match_spans(text, compiled.words, compiled.phrases)
        return Hit(
            article=fields["article"], title=meta.get("title", fields["article"]),
            passage=fields["passage"], kind=fields["kind"],
            section=fields.get("section_title"), text=text, snippet=snippet(text, spans),
            score=round(float(r.score), 4), notes=list(fields.get("notes") or []),
            position=fields.get("position", 0), year=meta.get("year"),
        )

    def _facets(self, results) -> dict[str, dict[str, int]]:
        out = {}
        for name in ("article", "kind", "year", "section"):
            try:
                groups = results.groups(name)
            except KeyError:
                continue
            out[name] = {str(k): len(v) for k, v in sorted(groups.items(), key=lambda kv: -len(kv[1]))
                         if k is not None}
        return out


FILTERS = ("article", "kind", "year", "section")


def restriction(filters: dict[str, str]) -> wq.Query:
    """Return the query a hit must also match to pass ``filters`` (facet values).

    :raises QueryError: for an unknown filter or a year that is not a number.
    """
    parts = []
    for name, value in filters.items():
        if name not in FILTERS:
            raise QueryError(f"Unknown filter {name!r}; use one of: {', '.join(FILTERS)}.")
        if name == "year":
            if not str(value).isdigit():
                raise QueryError(f"year={value} is not a year; use e.g. year=2007.")
            parts.append(wq.NumericRange("year", int(value), int(value)))
        else:
            parts.append(wq.Term(name, str(value)))
    return wq.And(parts) if parts else wq.Every()


def _is_passage_leaf(leaf) -> bool:
    return not (isinstance(leaf, Field) and (leaf.name in ARTICLE_FIELDS or leaf.name == "year"))


def search(index_dir: Path, q: str, **kw) -> SearchResult:
    """Open the index, run one query, close it."""
    with Searcher(index_dir) as s:
        return s.search(q, **kw)


__all__ = ["Hit", "SearchResult", "Searcher", "search"]
