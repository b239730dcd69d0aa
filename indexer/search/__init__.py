"""Search: query string → :class:`~indexer.model.SearchResult` of highlighted :class:`~indexer.model.Hit`\\ s.

In: a query in the query language (:mod:`indexer.search.query`: words,
"phrases", +required, OR, NOT/-, fields) and an index snapshot. Out: one
page of hits ranked by best match (:mod:`indexer.search.rank`), with the
exact totals, the words each hit lacks, facets, expansions, suggestions
(:mod:`indexer.search.suggest`) and the spans each hit matched, rendered by
:mod:`indexer.search.highlight`. :mod:`indexer.search.concordance` lists
every occurrence of a phrase in context.

:class:`~indexer.search.searcher.Searcher` is the entry point.
"""

from indexer.search.searcher import Searcher

__all__ = ["Searcher"]
