"""Best-match ranking over numpy arrays: BM25 per term, coverage tiers, phrase and proximity bonuses.

How a passage's score is made (the OpenSearch backend maps each step onto its DSL):

1. **Terms.** Each informative query word is one *clause*. A Han word matches
   every passage holding its characters (the exact-substring index), so a word
   jieba cut differently in the text still counts, with tf = occurrences and
   df = passages holding it: the segmenter's choice costs nothing. An English
   word matches its stem in the word index. Each clause scores BM25
   (k1 = 1.2, b = 0.75, length in characters) times the passage kind's boost
   (title 3, keywords 2.2, abstract 1.6, paragraph 1, footnote 0.7).
   OpenSearch: one ``match``/``match_phrase`` clause per term in a ``bool.should``.
2. **Expansions** (glossary names, variants) join a clause at 0.8 of the weight,
   and a passage that has a term only through an expansion ranks below every
   passage with the exact form (tier 1 below tier 2).
3. **Coverage.** Passages holding every clause in its exact form come first
   (tier 2), then every clause with some expanded (tier 1), then the rest
   (tier 0); within a tier the BM25 sum is multiplied by ``coverage``, the
   share of the query's squared idf the passage holds, so passages missing
   only the least informative terms come next. OpenSearch: a
   ``constant_score`` clause requiring every term, boosted far above the rest,
   and ``minimum_should_match: 1``.
4. **Bonuses** on the best ``RESCORE_WINDOW`` passages: for each pair of
   neighbouring query terms, ``PHRASE_BONUS`` × their mean idf when they occur
   side by side (an exact phrase), and ``PROXIMITY_BONUS`` × the smaller idf ×
   1 / (1 + gap / 20) for the nearest pair of occurrences otherwise.
   OpenSearch: a ``rescore`` with ``window_size`` of ``match_phrase`` clauses
   with and without ``slop``.

>>> a, b = Match.of([1, 3, 5], [1.0, 1.0, 1.0]), Match.of([3, 4], [2.0, 2.0])
>>> (a | b).docs.tolist(), (a | b).scores.tolist()
([1, 3, 4, 5], [1.0, 3.0, 2.0, 1.0])
>>> (a & b).docs.tolist(), (a - b).docs.tolist()
([3], [1, 5])
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import numpy as np

K1, B = 1.2, 0.75
EXPANSION_WEIGHT = 0.8
COVERAGE_POWER = 1.0
IDF_POWER = 2.0
RESCORE_WINDOW = 100
PHRASE_BONUS = 0.5
PROXIMITY_BONUS = 0.3
PROXIMITY_SCALE = 20.0
_EMPTY_I = np.zeros(0, dtype=np.int64)
_EMPTY_F = np.zeros(0, dtype=np.float64)


@dataclass
class Match:
    """Ascending document numbers, each with a score."""

    docs: np.ndarray
    scores: np.ndarray

    @classmethod
    def of(cls, docs, scores) -> Match:
        return cls(np.asarray(docs, dtype=np.int64), np.asarray(scores, dtype=np.float64))

    @classmethod
    def empty(cls) -> Match:
        return cls(_EMPTY_I, _EMPTY_F)

    def __len__(self) -> int:
        return len(self.docs)

    def __or__(self, other: Match) -> Match:
        if not len(other):
            return self
        if not len(self):
            return other
        docs, inverse = np.unique(np.concatenate([self.docs, other.docs]), return_inverse=True)
        scores = np.bincount(inverse, weights=np.concatenate([self.scores, other.scores]), minlength=len(docs))
        return Match(docs, scores)

    def __and__(self, other: Match) -> Match:
        docs, i, j = np.intersect1d(self.docs, other.docs, assume_unique=True, return_indices=True)
        return Match(docs, self.scores[i] + other.scores[j])

    def __sub__(self, other: Match) -> Match:
        if not len(other) or not len(self):
            return self
        keep = ~np.isin(self.docs, other.docs, assume_unique=True)
        return Match(self.docs[keep], self.scores[keep])

    def scaled(self, factor: float) -> Match:
        return Match(self.docs, self.scores * factor)

    def within(self, mask: np.ndarray) -> Match:
        """Keep the documents whose entry in the boolean ``mask`` is set."""
        keep = mask[self.docs]
        return Match(self.docs[keep], self.scores[keep])


@dataclass
class Stats:
    """What BM25 needs of the collection: passages, lengths, kind boosts."""

    n: int
    lengths: np.ndarray  # per document, 0 for documents that are not live passages
    mean_length: float
    boosts: np.ndarray  # per document

    def idf(self, df: int) -> float:
        """Return BM25's idf, never negative.

        >>> round(Stats(100, _EMPTY_F, 1.0, _EMPTY_F).idf(1), 2)
        4.21
        """
        return float(np.log(1 + (self.n - df + 0.5) / (df + 0.5)))

    def bm25(self, docs: np.ndarray, tf: np.ndarray) -> Match:
        """Score a term found ``tf`` times in each of ``docs`` (any order; dead documents dropped)."""
        docs = np.asarray(docs, dtype=np.int64)
        live = self.lengths[docs] > 0
        docs, tf = docs[live], np.asarray(tf, dtype=np.float64)[live]
        order = np.argsort(docs, kind="stable")
        docs, tf = docs[order], tf[order]
        norm = K1 * (1 - B + B * self.lengths[docs] / self.mean_length)
        scores = self.idf(len(docs)) * tf * (K1 + 1) / (tf + norm) * self.boosts[docs]
        return Match(docs, scores)


@dataclass
class Clause:
    """One optional query term: its exact matches, matches through expansions only, and its forms."""

    label: str  # as typed, for ``missing``
    exact: Match
    expanded: Match = field(default_factory=Match.empty)
    forms: list[str] = field(default_factory=list)  # folded, compact: what the bonuses look for
    idf: float = 0.0


@dataclass
class Ranked:
    """Every matching document in rank order, with what it matched."""

    docs: np.ndarray
    scores: np.ndarray
    tiers: np.ndarray
    exact_bits: np.ndarray  # bit c set: clause c matched in its exact form
    any_bits: np.ndarray  # bit c set: clause c matched, maybe through an expansion
    total_all: int

    def missing(self, i: int, clauses: list[Clause]) -> list[str]:
        """Return the labels of the clauses hit ``i`` lacks."""
        bits = int(self.any_bits[i])
        return [c.label for k, c in enumerate(clauses) if not bits >> k & 1]


def best_match(clauses: list[Clause], required: Match | None, excluded: Match | None,
               universe: np.ndarray, restrict: Match | None = None) -> Ranked:
    """Combine optional clauses, required, filtering and excluded matches into one ranked list.

    With required parts (phrases, ``+words``) the optional clauses only rank
    (OpenSearch ``must`` + ``should``); with filters alone (article fields) at
    least one clause must match (``filter`` + ``should``, ``minimum_should_match: 1``).
    """
    base = required
    if base is None and clauses:
        base = Match.empty()
        for c in clauses:
            base = base | c.exact | c.expanded
    if restrict is not None:
        base = restrict.scaled(0.0) if base is None else base & restrict.scaled(0.0)
    if excluded is not None:
        base = base - excluded
    base = base.within(universe)
    n = len(base.docs)
    exact_bits = np.zeros(n, dtype=np.uint64)
    any_bits = np.zeros(n, dtype=np.uint64)
    scores = np.zeros(n)
    weights = np.array([max(c.idf, 1e-6) for c in clauses]) ** IDF_POWER
    held = np.zeros(n)
    for k, c in enumerate(clauses):
        bit = np.uint64(1 << k)
        for m, exact in ((c.exact, True), (c.expanded, False)):
            if not len(m):
                continue
            at = np.searchsorted(base.docs, m.docs)
            at[at >= n] = 0
            ok = base.docs[at] == m.docs if n else np.zeros(len(m.docs), bool)
            at = at[ok]
            if exact:
                exact_bits[at] |= bit
            any_bits[at] |= bit
            scores[at] += m.scores[ok]
            held[at] += weights[k] * (1.0 if exact else EXPANSION_WEIGHT)
    if required is not None:
        scores += base.scores
    full = np.uint64((1 << len(clauses)) - 1)
    tiers = np.where(exact_bits == full, 2, np.where(any_bits == full, 1, 0)).astype(np.int8)
    if clauses:
        scores *= (held / weights.sum()) ** COVERAGE_POWER
    return Ranked(base.docs, scores, tiers, exact_bits, any_bits, int(np.count_nonzero(any_bits == full)))


def order(ranked: Ranked, top: int) -> np.ndarray:
    """Return the indexes of the ``top`` best documents, best first (tier, then score, then docnum)."""
    n = len(ranked.docs)
    if not n:
        return _EMPTY_I
    key = ranked.tiers * (float(ranked.scores.max(initial=0.0)) + 1.0) + ranked.scores
    if top < n:
        part = np.argpartition(-key, top - 1)[:top]
        # ties at the boundary: keep every document scoring like the last one, then cut
        cut = key[part].min()
        part = np.flatnonzero(key >= cut)
    else:
        part = np.arange(n)
    best = part[np.lexsort((ranked.docs[part], -key[part]))]
    return best[:top]


def rescore(ranked: Ranked, best: np.ndarray, clauses: list[Clause], runs: list[list[int]],
            text_of) -> np.ndarray:
    """Add phrase and proximity bonuses to the documents at ``best`` and return them re-sorted.

    :param runs: the clause indexes in query order, split where the query had
        anything but spaces between two terms (a phrase bonus needs neighbours).
    :param text_of: document number → passage text.
    """
    if len(clauses) < 2 or not len(best):
        return best
    pairs = neighbours(runs)
    bonus = np.zeros(len(best))
    for row, i in enumerate(best.tolist()):
        bits = int(ranked.exact_bits[i])
        wanted = [p for p in pairs if bits >> p[0] & 1 and bits >> p[1] & 1]
        if not wanted:
            continue
        text = _compact(text_of(int(ranked.docs[i])))
        at = {}
        for a, b, adjacent in wanted:
            for k in (a, b):
                if k not in at:
                    at[k] = _occurrences(text, clauses[k].forms)
            gap = _gap(at[a], at[b])
            if gap is None:
                continue
            w = min(clauses[a].idf, clauses[b].idf)
            if adjacent and gap == 0:
                bonus[row] += PHRASE_BONUS * (clauses[a].idf + clauses[b].idf) / 2
            bonus[row] += PROXIMITY_BONUS * w / (1 + gap / PROXIMITY_SCALE)
    ranked.scores[best] += bonus
    key = ranked.tiers[best] * (float(ranked.scores.max(initial=0.0)) + 1.0) + ranked.scores[best]
    return best[np.lexsort((ranked.docs[best], -key))]


def neighbours(runs: list[list[int]]) -> list[tuple[int, int, bool]]:
    """Return the clause pairs that earn bonuses: ``(a, b, True)`` when they stand side by side in a run
    (phrase and proximity), ``(a, b, False)`` for neighbours across runs (proximity only).

    >>> neighbours([[0, 1], [2]])
    [(0, 1, True), (1, 2, False)]
    """
    pairs = [(run[i], run[i + 1], True) for run in runs for i in range(len(run) - 1)]
    flat = [k for run in runs for k in run]
    pairs += [(a, b, False) for a, b in zip(flat, flat[1:]) if (a, b, True) not in pairs]
    return pairs


_SPACE = re.compile(r"\s+")


def _compact(text: str) -> str:
    from indexer.analysis import fold

    return _SPACE.sub("", fold(text))


def _occurrences(text: str, forms: list[str]) -> list[tuple[int, int]]:
    """Return the sorted (start, end) of every occurrence of any of ``forms`` in ``text``."""
    out = []
    for f in forms:
        if not f:
            continue
        i = text.find(f)
        while i >= 0 and len(out) < 1000:
            out.append((i, i + len(f)))
            i = text.find(f, i + 1)
    out.sort()
    return out


def _gap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int | None:
    """Return the fewest characters between an occurrence in ``a`` followed by one in ``b`` (or the reverse).

    >>> _gap([(0, 2)], [(2, 4)]), _gap([(5, 7)], [(0, 2)]), _gap([], [(0, 1)])
    (0, 4, None)
    """
    if not a or not b:
        return None
    best = None
    starts = [s for s, _e in b]
    for s, e in a:
        k = bisect.bisect_left(starts, e)
        if k < len(b):
            g = b[k][0] - e
            best = g if best is None or g < best else best
        k = bisect.bisect_right(starts, s) - 1
        while k >= 0 and b[k][1] > s:
            k -= 1
        if k >= 0:
            g = s - b[k][1] + 1  # the reverse order is one character worse than side by side
            best = g if best is None or g < best else best
    return best
