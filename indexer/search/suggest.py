"""Did you mean: the nearest indexed words to the words of a query that found little.

Distances are Levenshtein distances on folded text (Simplified, lower case), so
普金 → 普京 and Puttin → Putin are one edit away. Candidates come from a
deletion index over the word index's vocabulary (every word with one
character left out, built once per snapshot on first use), so a lookup
costs a few dictionary probes, not a scan. English candidates are words the
stemmer leaves unchanged (the index holds stems: ``relat`` is not offered).

>>> levenshtein("普金", "普京"), levenshtein("puttin", "putin"), levenshtein("abc", "abc")
(1, 1, 0)
"""

from __future__ import annotations

import re

from indexer.analysis import fold, stem_word

MAX_SUGGESTIONS = 3
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z][a-z'-]*")


def levenshtein(a: str, b: str) -> int:
    """Return the edit distance between ``a`` and ``b`` (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))} if len(word) > 1 else set()


class Suggester:
    """Suggest indexed words for unknown ones, over one snapshot."""

    def __init__(self, snap):
        self.snap = snap
        self._index: dict[str, list[str]] | None = None

    def _vocabulary(self) -> dict[str, list[str]]:
        """Map every word and every one-deletion of it to the words (built once)."""
        if self._index is None:
            index: dict[str, list[str]] = {}
            for raw in self.snap.searcher.reader().lexicon("body"):
                w = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                if not (_HAN.match(w) or (_LATIN_WORD.fullmatch(w) and stem_word(w) == w and len(w) > 2)):
                    continue
                for key in _deletes(w) | {w}:
                    index.setdefault(key, []).append(w)
            self._index = index
        return self._index

    def nearest(self, word: str) -> list[str]:
        """Return the indexed words one edit from ``word`` (two for English words of 7+ letters), most frequent first."""
        key = fold(word).strip()
        if not key or (not _HAN.search(key) and not _LATIN_WORD.fullmatch(key)):
            return []
        index = self._vocabulary()
        limit = 2 if not _HAN.search(key) and len(key) >= 7 else 1
        probes = _deletes(key) | {key}
        if limit == 2:
            probes |= {d2 for d in _deletes(key) for d2 in _deletes(d)}
        found = {w for p in probes for w in index.get(p, ())}
        found = [w for w in found if w != key and levenshtein(w, key) <= limit]
        reader = self.snap.searcher.reader()
        found.sort(key=lambda w: (levenshtein(w, key), -reader.doc_frequency("body", w), w))
        return found[:MAX_SUGGESTIONS]

    def suggest(self, query: str, compiled, deadline=None) -> list[str]:
        """Return ``query`` with its unknown words replaced by the nearest indexed ones (at most three)."""
        out: list[str] = []
        for label in compiled.unknown:
            if deadline is not None:
                deadline.check()
            for w in self.nearest(label):
                fixed = query.replace(label, _in_case_of(label, w), 1)
                if fixed != query and fixed not in out:
                    out.append(fixed)
        return out[:MAX_SUGGESTIONS]


def _in_case_of(typed: str, found: str) -> str:
    """Return ``found`` written like ``typed``: its characters where they fold the same, its capital.

    >>> _in_case_of("Puttin", "putin"), _in_case_of("蒲亭亭", "蒲亭")
    ('Putin', '蒲亭')
    """
    if _HAN.search(found) and len(typed) == len(found):
        return "".join(t if fold(t) == f else f for t, f in zip(typed, found))
    if typed[:1].isupper():
        return found[:1].upper() + found[1:]
    return found
