"""Run queries against one index snapshot and return passages with highlighted snippets.

A query string is parsed by :mod:`indexer.search.query` into a tree,
compiled by :mod:`indexer.search.compile` into numpy matches, ranked by
:mod:`indexer.search.rank` (best match, BM25 with kind boosts, phrase and
proximity bonuses), and only the hits of the page asked for get their stored
text, the spans they matched and a snippet. Every match is counted, so
``total`` is exact for any query, page and page size.

    with Snapshot(Store(index_dir)) as snap:
        result = Searcher(snap).search("俄罗斯 外交", limit=10)
"""

from __future__ import annotations

import time

import numpy as np

from indexer import settings
from indexer.errors import QueryError
from indexer.index.columns import article_key
from indexer.index.reader import Snapshot
from indexer.index.schema import PASSAGE_KINDS
from indexer.model import Hit, SearchResult
from indexer.search.compile import Compiled, Compiler, restriction
from indexer.search.highlight import Highlighter, snippet
from indexer.search.query import parse_query
from indexer.search.rank import RESCORE_WINDOW, best_match, order, rescore
from indexer.search.suggest import Suggester
from indexer.search.terms import Deadline

FACETS = ("article", "kind", "year", "section", "author")
SORTS = ("relevance", "newest", "oldest")
SUGGEST_BELOW = 3  # suggest other spellings when fewer passages than this hold every term


class Searcher:
    """Queries over one snapshot (one thread at a time), expanded with ``glossary``."""

    def __init__(self, snap: Snapshot, glossary=None):
        self.snap = snap
        self.compiler = Compiler(snap, glossary)
        self.suggester = Suggester(snap)
        self._articles: tuple[np.ndarray, list[str]] | None = None

    def compile(self, q: str, expand: bool = True, max_query: int | None = None, mode: str = "best",
                deadline: Deadline | None = None) -> Compiled:
        """Parse and compile query string ``q`` (QueryError if it cannot be searched)."""
        return self.compiler.compile(parse_query(q, max_query), expand=expand, mode=mode, deadline=deadline)

    def search(self, q: str, limit: int = 10, page: int = 1, expand: bool = True,
               facets: bool = False, filters: dict[str, str] | None = None,
               max_query: int | None = None, mode: str = "best", sort: str = "relevance") -> SearchResult:
        """Run query string ``q``; a rejected query comes back with ``error`` set.

        :param filters: restrict hits to an ``article``, ``kind``, ``year``, ``section`` or
            ``author`` (the facet values), e.g. ``{"article": "000_850aca5cf1cb6a75", "kind": "footnote"}``.
        :param max_query: longest query accepted (default: the ``max_query`` setting).
        :param mode: ``best`` (words optional, ranked by how many a passage holds) or ``all``.
        :param sort: ``relevance``, or ``newest`` / ``oldest`` by the article's date
            (relevance within an article; undated articles last).
        """
        started = time.perf_counter()
        limit = max(1, min(int(limit), settings.get_int("max_page_size")))
        page = max(1, int(page))
        result = SearchResult(query=q, page=page, limit=limit, mode=mode, sort=sort)

        def done() -> SearchResult:
            result.took_ms = round((time.perf_counter() - started) * 1000, 2)
            return result

        deadline = Deadline()
        try:
            if sort not in SORTS:
                raise QueryError(f"Unknown sort {sort!r}; use one of: {', '.join(SORTS)}.", code="bad_sort", sort=sort)
            compiled = self.compile(q, expand, max_query, mode, deadline)
            universe = self._universe(filters or {})
            ranked = best_match(compiled.clauses, compiled.required, compiled.excluded, universe, compiled.restrict)
            deadline.check()
            top = order(ranked, max(RESCORE_WINDOW, page * limit))
            texts: dict[int, dict] = {}

            def stored(doc: int) -> dict:
                if doc not in texts:
                    texts[doc] = self.snap.searcher.stored_fields(doc)
                return texts[doc]

            head = rescore(ranked, top[:RESCORE_WINDOW], compiled.clauses, compiled.runs,
                           lambda d: stored(d).get("text", ""))
            top = np.concatenate([head, top[RESCORE_WINDOW:]])
            if sort != "relevance":
                top = self._by_date(ranked, top, newest=sort == "newest")
            deadline.check()
        except QueryError as err:
            result.error, result.error_code, result.error_params = str(err), err.code, err.params
            return done()
        result.total = len(ranked.docs)
        result.total_all = ranked.total_all
        result.expanded = compiled.expanded
        result.ignored = compiled.ignored
        hl = compiled.highlighter()
        for i in top[(page - 1) * limit: page * limit].tolist():
            doc = int(ranked.docs[i])
            result.hits.append(self._hit(stored(doc), float(ranked.scores[i]), hl,
                                         ranked.missing(i, compiled.clauses)))
        if facets:
            result.facets = self._facets(ranked.docs)
        if compiled.unknown or ranked.total_all < SUGGEST_BELOW:
            try:
                result.suggestions = self.suggester.suggest(q, compiled, deadline)
            except QueryError:  # out of time: the hits are still right
                pass
        return done()

    def passages_matching(self, phrase: str, limit: int | None = None) -> list[tuple[str, str, str]]:
        """Return ``(article, passage, text)`` for every passage containing ``phrase`` exactly.

        In reading order (article, then position): the input of a concordance.
        """
        docs = self.snap.phrase_docs(phrase)[0]
        rows = [self.snap.searcher.stored_fields(int(d)) for d in docs]
        rows.sort(key=lambda f: (f["article"], f.get("position", 0)))
        return [(f["article"], f["passage"], f["text"]) for f in rows[:limit]]

    # ------------------------------------------------------------ parts

    def _universe(self, filters: dict[str, str]) -> np.ndarray:
        """Return the documents a hit may be: live passages passing ``filters``."""
        mask = self.snap.lengths()[0] > 0
        if set(filters) - {"author"}:
            docs = np.fromiter(self.snap.searcher.docs_for_query(restriction(filters)), dtype=np.int64)
            allowed = np.zeros(len(mask), dtype=bool)
            allowed[docs] = True
            mask &= allowed
        if "author" in filters:
            wanted = [article_key(a) for a in self.snap.article_ids()
                      if filters["author"] in self._meta(a).get("authors", [])]
            mask &= np.isin(self.snap.arthash(), np.array(wanted, dtype=np.uint64))
        return mask

    def _meta(self, article_id: str) -> dict:
        return (self.snap.card(article_id) or {}).get("meta", {})

    def _article_of(self, docs: np.ndarray) -> np.ndarray:
        """Return, for each document, the index of its article in ``_article_keys()``."""
        keys, _ids = self._article_keys()
        at = np.searchsorted(keys, self.snap.arthash()[docs])
        at[at >= len(keys)] = 0
        return at

    def _by_date(self, ranked, top: np.ndarray, newest: bool) -> np.ndarray:
        """Reorder every match by its article's date (undated last), best first within an article."""
        _keys, ids = self._article_keys()
        dates = [self._meta(a).get("date") or "" for a in ids]
        rank = np.argsort(np.argsort(np.array(dates, dtype=object), kind="stable"), kind="stable")
        article = self._article_of(ranked.docs)
        key = rank[article].astype(np.float64)
        if newest:
            key = -key
        dated = np.array([bool(d) for d in dates])[article]
        position = np.full(len(ranked.docs), len(ranked.docs), dtype=np.int64)
        position[top] = np.arange(len(top))
        everything = np.lexsort((position, key, ~dated))
        return everything

    def _hit(self, fields: dict, score: float, hl: Highlighter, missing: list[str]) -> Hit:
        meta = (self.snap.card(fields["article"]) or {}).get("meta", {})
        text = fields.get("text", "")
        spans = hl.window_spans(text)
        return Hit(
            article=fields["article"], title=meta.get("title", fields["article"]),
            passage=fields["passage"], kind=fields["kind"],
            section=fields.get("section_title"), text=text, snippet=snippet(text, spans),
            score=round(score, 4), notes=list(fields.get("notes") or []),
            position=fields.get("position", 0), year=meta.get("year"), spans=spans, missing=missing,
            page=fields.get("page"), page_label=fields.get("page_label"),
        )

    def _article_keys(self) -> tuple[np.ndarray, list[str]]:
        """Return the article keys, sorted, and the article id of each."""
        if self._articles is None:
            ids = self.snap.article_ids()
            keys = np.array([article_key(a) for a in ids], dtype=np.uint64)
            order_ = np.argsort(keys)
            self._articles = keys[order_], [ids[i] for i in order_]
        return self._articles

    def _facets(self, docs: np.ndarray) -> dict[str, dict[str, int]]:
        """Count every match by article, kind, year and section."""
        out: dict[str, dict[str, int]] = {}
        kinds = self.snap.kinds()[docs]
        counts = np.bincount(kinds, minlength=len(PASSAGE_KINDS) + 1)
        out["kind"] = _sorted({PASSAGE_KINDS[k]: int(n) for k, n in enumerate(counts[:len(PASSAGE_KINDS)]) if n})
        _keys, ids = self._article_keys()
        at = self._article_of(docs)
        per = np.bincount(at, minlength=len(ids)) if len(docs) else np.zeros(len(ids), int)
        out["article"] = _sorted({ids[k]: int(n) for k, n in enumerate(per) if n})
        years: dict[str, int] = {}
        authors: dict[str, int] = {}
        for aid, n in out["article"].items():
            meta = self._meta(aid)
            if meta.get("year") is not None:
                years[str(meta["year"])] = years.get(str(meta["year"]), 0) + n
            for name in meta.get("people", []):  # one value per author, the Chinese name where there is one
                authors[name] = authors.get(name, 0) + n
        out["year"] = dict(sorted(years.items(), reverse=True))  # newest first, like a timeline
        out["author"] = _sorted(authors)
        codes, names = self.snap.sections()
        per = np.bincount(codes[docs] + 1, minlength=len(names) + 1)[1:] if len(docs) else []
        out["section"] = _sorted({names[k]: int(n) for k, n in enumerate(per) if n})
        return out


def _sorted(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))
