"""Did you mean: the nearest indexed words to the words of a query that found little.

Distances are Levenshtein distances on folded text (Simplified, lower case), so
普金 → 普京 and Puttin → Putin are one edit away. Candidates come from the
word index's vocabulary: English words through a deletion index (every word
with one letter left out), Chinese words through the index's prefix search
plus a table of words without their first character; both tables are built
on first use once per index version and shared by every searcher (0.4 s and
about 35 MB on 1,541 opinions), so a lookup costs a few probes, not a scan. The index holds English stems, so an
English word is compared by its stem and shown with its own ending again
(propotionality → stem propotion → proportion → proportionality).

>>> levenshtein("普金", "普京"), levenshtein("puttin", "putin"), levenshtein("abc", "abc")
(1, 1, 0)
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

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


_shared: dict[tuple, tuple[dict[str, list[str]], dict[str, list[str]]]] = {}
_shared_lock = threading.Lock()
_MAX_PREFIXED = 5000  # words read per prefix when looking for neighbours


def vocabulary(reader, key: tuple) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Return (English word or one-deletion → words, Chinese word without its first character → words).

    Built once per index version (``key``) and shared. Chinese neighbours that
    keep the first character are found through the word index's own prefix
    search, so only the first character needs a table.
    """
    with _shared_lock:
        found = _shared.get(key)
        if found is None:
            latin: dict[str, list[str]] = {}
            tails: dict[str, list[str]] = {}
            for raw in reader.lexicon("body"):
                w = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                if _HAN.match(w):
                    if len(w) > 1:
                        tails.setdefault(w[1:], []).append(w)
                elif _LATIN_WORD.fullmatch(w) and len(w) > 2:
                    for d in _deletes(w) | {w}:
                        latin.setdefault(d, []).append(w)
            while len(_shared) >= 2:
                _shared.pop(next(iter(_shared)))
            found = _shared[key] = (latin, tails)
        return found


class Suggester:
    """Suggest indexed words for unknown ones, over one snapshot."""

    def __init__(self, snap):
        self.snap = snap

    def _vocabulary(self):
        return vocabulary(self.snap.searcher.reader(), (str(self.snap.store.path), self.snap.generation))

    def _han_neighbours(self, key: str, tails: dict[str, list[str]]) -> set[str]:
        """Return indexed Chinese words one edit from ``key`` (candidates; distances checked later)."""
        reader = self.snap.searcher.reader()
        found = set(tails.get(key[1:], ())) | set(tails.get(key, ()))  # first character changed or added
        for i in range(1, len(key)):  # the others: words sharing the first i characters
            for n, w in enumerate(reader.expand_prefix("body", key[:i])):
                w = w.decode("utf-8") if isinstance(w, bytes) else w
                if abs(len(w) - len(key)) <= 1:
                    found.add(w)
                if n >= _MAX_PREFIXED:
                    break
        found |= {d for d in _deletes(key) if reader.doc_frequency("body", d)}
        return {w for w in found if len(w) > 1}

    @staticmethod
    def probe(word: str) -> tuple[str, bool, int, str] | None:
        """Return how ``word`` is compared: (folded key, Han?, most edits, English ending); None if it is not a word.

        >>> Suggester.probe("Propotionality"), Suggester.probe("普金"), Suggester.probe("1991")
        (('propotion', False, 2, 'ality'), ('普金', True, 1, ''), None)
        """
        typed = fold(word).strip()
        han = bool(_HAN.search(typed))
        if not typed or (not han and not _LATIN_WORD.fullmatch(typed)):
            return None
        key = typed if han else stem_word(typed)
        ending = typed[len(key):] if not han and typed.startswith(key) else ""
        return key, han, 2 if not han and len(key) >= 7 else 1, ending

    def candidates(self, key: str, han: bool, limit: int) -> set[str]:
        """Return indexed words that may be within ``limit`` edits of ``key`` (checked by the caller)."""
        latin, tails = self._vocabulary()
        if han:
            return self._han_neighbours(key, tails)
        probes = _deletes(key) | {key}
        if limit == 2:
            probes |= {d2 for d in _deletes(key) for d2 in _deletes(d)}
        return {w for p in probes for w in latin.get(p, ())}

    def frequency(self, word: str) -> int:
        """Return how many passages hold the indexed word ``word``."""
        return self.snap.searcher.reader().doc_frequency("body", word)

    def nearest(self, word: str) -> list[str]:
        """Return the indexed words one edit from ``word`` (two for English words of 7+ letters), most frequent first."""
        probe = self.probe(word)
        if probe is None:
            return []
        key, han, limit, ending = probe
        found = [w for w in self.candidates(key, han, limit) if w != key and levenshtein(w, key) <= limit]
        found.sort(key=lambda w: (levenshtein(w, key), -self.frequency(w), w))
        return [_in_case_of(word, w + ending) for w in found[:MAX_SUGGESTIONS]]

    def suggest(self, query: str, compiled, deadline=None) -> list[str]:
        """Return ``query`` with its unknown words replaced by the nearest indexed ones (at most three)."""
        out: list[str] = []
        for label in compiled.unknown:
            if deadline is not None:
                deadline.check()
            for w in self.nearest(label):
                fixed = query.replace(label, w, 1)
                if fixed != query and fixed not in out:
                    out.append(fixed)
        return out[:MAX_SUGGESTIONS]


def _in_case_of(typed: str, found: str) -> str:
    """Return ``found`` written like ``typed``: its script, its own characters where they fold the same, its capital.

    >>> _in_case_of("Puttin", "putin"), _in_case_of("蒲停", "蒲亭"), _in_case_of("憲發", "宪法")
    ('Putin', '蒲亭', '憲法')
    """
    if _HAN.search(found):
        if fold(typed) != typed:  # typed in Traditional: answer in Traditional
            found = _s2t(found)
        if len(typed) == len(found):
            return "".join(t if fold(t) == fold(f) else f for t, f in zip(typed, found))
        return found
    if typed[:1].isupper():
        return found[:1].upper() + found[1:]
    return found


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("s2twp")


def _s2t(text: str) -> str:
    """Convert Simplified to Traditional (Taiwan), keeping the length, else leave it."""
    out = _converter().convert(text)
    return out if len(out) == len(text) else text
