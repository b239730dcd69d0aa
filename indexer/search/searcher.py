"""Run queries against one index snapshot and return passages with highlighted snippets.

A query string is parsed by :mod:`indexer.search.query` into a tree,
compiled by :mod:`indexer.search.compile` into a Whoosh query, run with
BM25F (passage kinds boosted title > keywords > abstract > body > notes), and
every hit gets the spans it matched and a snippet cut around them.

    with Snapshot(Store(index_dir)) as snap:
        result = Searcher(snap).search("俄罗斯 外交", limit=10)
"""

from __future__ import annotations

import time

from whoosh import query as wq
from whoosh import sorting

from indexer import settings
from indexer.errors import QueryError
from indexer.index.reader import Snapshot
from indexer.model import Hit, SearchResult
from indexer.search.compile import Compiled, Compiler, phrase_query, restriction
from indexer.search.highlight import match_spans, snippet
from indexer.search.query import parse_query

_HIDDEN = wq.Or([wq.Term("kind", "article"), wq.Term("kind", "data")])
FACETS = ("article", "kind", "year", "section")


class Searcher:
    """Queries over one snapshot (one thread at a time), expanded with ``glossary``."""

    def __init__(self, snap: Snapshot, glossary=None):
        self.snap = snap
        self.compiler = Compiler(snap, glossary)

    def compile(self, q: str, expand: bool = True, max_query: int | None = None) -> Compiled:
        """Parse and compile query string ``q`` (QueryError if it cannot be searched)."""
        return self.compiler.compile(parse_query(q, max_query), expand=expand)

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

        def done() -> SearchResult:
            result.took_ms = round((time.perf_counter() - started) * 1000, 2)
            return result

        try:
            compiled = self.compile(q, expand, max_query)
            if filters:
                compiled.query = wq.And([compiled.query, restriction(filters)])
        except QueryError as err:
            result.error = str(err)
            return done()
        groupedby = {name: sorting.FieldFacet(name, allow_overlap=False) for name in FACETS} if facets else None
        try:
            # optimize=False: score every match once; the exact total then comes for free
            # (quality skipping made Whoosh count the matches a second time)
            results = self.snap.searcher.search(compiled.query, limit=page * limit, mask=_HIDDEN,
                                                optimize=False, groupedby=groupedby)
        except RecursionError:  # Whoosh nests one matcher per term: hundreds of words overflow
            result.error = "The query has too many different words; search for fewer words or a phrase."
            return done()
        result.total = len(results)
        result.expanded = compiled.expanded
        result.hits = [self._hit(r, compiled) for r in results[(page - 1) * limit: page * limit]]
        if facets:
            result.facets = _facets(results)
        return done()

    def passages_matching(self, phrase: str, limit: int | None = None) -> list[tuple[str, str, str]]:
        """Return ``(article, passage, text)`` for every passage containing ``phrase`` exactly.

        In reading order (article, then position): the input of a concordance.
        """
        results = self.snap.searcher.search(phrase_query(self.snap, phrase), limit=limit, mask=_HIDDEN,
                                            sortedby=["article", "position"])
        return [(r["article"], r["passage"], r["text"]) for r in results]

    def _hit(self, r, compiled: Compiled) -> Hit:
        fields = r.fields()
        meta = (self.snap.card(fields["article"]) or {}).get("meta", {})
        text = fields.get("text", "")
        spans = match_spans(text, compiled.words, compiled.phrases)
        return Hit(
            article=fields["article"], title=meta.get("title", fields["article"]),
            passage=fields["passage"], kind=fields["kind"],
            section=fields.get("section_title"), text=text, snippet=snippet(text, spans),
            score=round(float(r.score), 4), notes=list(fields.get("notes") or []),
            position=fields.get("position", 0), year=meta.get("year"), spans=spans,
            page=fields.get("page"), page_label=fields.get("page_label"),
        )


def _facets(results) -> dict[str, dict[str, int]]:
    out = {}
    for name in FACETS:
        try:
            groups = results.groups(name)
        except KeyError:
            continue
        out[name] = {str(k): len(v) for k, v in sorted(groups.items(), key=lambda kv: -len(kv[1]))
                     if k is not None}
    return out
