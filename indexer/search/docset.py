"""A Whoosh query over documents found outside Whoosh.

Exact phrases are looked up in :mod:`indexer.index.phrases`; this query lets those
matches take part in Whoosh's boolean queries (AND, OR, NOT, filters, facets)
like any term query.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher


class DocSet(wq.Query):
    """Match the given global document numbers, each with a precomputed score."""

    def __init__(self, docnums: np.ndarray, scores: np.ndarray, label: str = "", boost: float = 1.0):
        order = np.argsort(docnums, kind="stable")
        self.docnums = np.asarray(docnums, dtype=np.int64)[order]
        self.scores = np.asarray(scores, dtype=np.float64)[order]
        self.label = label
        self.boost = boost

    def __repr__(self):
        return f"DocSet({self.label!r}, {len(self.docnums)} docs)"

    def __eq__(self, other):
        return (type(other) is type(self) and self.label == other.label
                and self.boost == other.boost and np.array_equal(self.docnums, other.docnums))

    def __hash__(self):
        return hash((self.label, self.boost, len(self.docnums)))

    def estimate_size(self, ixreader):
        return len(self.docnums)

    def estimate_min_size(self, ixreader):
        return len(self.docnums)

    def matcher(self, searcher, context=None):
        """Return a list matcher over this leaf's share of the documents."""
        parent = searcher.parent() if searcher.parent else None
        offset = parent._offset_for_subsearcher(searcher) if parent is not None else 0
        lo, hi = np.searchsorted(self.docnums, [offset, offset + searcher.doc_count_all()])
        if lo == hi:
            return NullMatcher()
        ids = (self.docnums[lo:hi] - offset).tolist()
        weights = (self.scores[lo:hi] * self.boost).tolist()
        return _Matcher(ids, weights=weights)


class _Matcher(ListMatcher):
    """A list matcher whose quality bound is computed once.

    Whoosh's ListMatcher recomputes ``max(weights)`` on every call, which made
    a 10,000-document phrase take a second to rank.
    """

    def __init__(self, ids, weights, position=0, top=None):
        super().__init__(ids, weights=weights, position=position)
        self._top = max(weights) if top is None else top

    def copy(self):
        return _Matcher(self._ids, self._weights, self._i, self._top)

    def max_quality(self):
        return self._top

    def block_quality(self):
        return self._top

    def block_max_weight(self):
        return self._top

    def supports_block_quality(self):
        return True
