"""A consistent, read-only view of one commit of a local index.

A :class:`Snapshot` holds a Whoosh searcher and the phrase index opened
after it (so every passage Whoosh knows is in the phrase snapshot), the
arrays that map phrase-index keys to Whoosh documents, and the stored
articles. Searching (:mod:`indexer.search`) and the local backend read the
index only through it. One snapshot serves one thread at a time.
"""

from __future__ import annotations

import json

import numpy as np

from indexer.index.columns import NO_PID, column_array, live_pids
from indexer.index.phrases import PhraseIndex
from indexer.index.schema import KIND_BOOST, PASSAGE_KINDS
from indexer.index.store import Store
from indexer.model import Article

_KIND_BOOSTS = np.array([KIND_BOOST[k] for k in PASSAGE_KINDS])


def _block_arrays(matcher, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """Return a Whoosh posting list's ids (plus ``offset``) and weights, read a block at a time."""
    ids, weights = [], []
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        ids.append(np.asarray(matcher._ids, dtype=np.int64))
        w = matcher._weights
        weights.append(np.asarray(w, dtype=np.float64) if len(w) == len(matcher._ids)
                       else np.full(len(matcher._ids), float(w[0]) if len(w) else 1.0))
        if matcher._lastblock:
            break
        matcher._next_block()
    if not ids:
        return np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(ids) + offset, np.concatenate(weights)


class Snapshot:
    """One commit of the index in ``store``; use as a context manager or call :meth:`close`."""

    def __init__(self, store: Store):
        self.store = store
        self.ix = store.open()
        self.searcher = self.ix.searcher()
        self.phrases = PhraseIndex(store.phrases_dir)  # after Whoosh: it knows every pid Whoosh has
        self.generation: int = self.searcher.reader().generation()
        self._docs_of_pids: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._arthash: np.ndarray | None = None
        self._kinds: np.ndarray | None = None
        self._sections: tuple[np.ndarray, list[str]] | None = None
        self._lengths: tuple[np.ndarray, float] | None = None
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._cards: dict[str, dict | None] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        """Release the index files."""
        self.searcher.close()

    def up_to_date(self) -> bool:
        """Tell whether no indexer has committed since this snapshot was opened."""
        return self.searcher.up_to_date()

    # ------------------------------------------------------------ columns

    def pid_map(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (pids sorted, their docnums, score multiplier per docnum)."""
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

    def passage_mask(self) -> np.ndarray:
        """Return True for live passage documents (not article cards or data)."""
        mask = np.zeros(self.searcher.reader().doc_count_all(), dtype=bool)
        mask[self.pid_map()[1]] = True
        return mask

    def kinds(self) -> np.ndarray:
        """Return the passage kind number of every document (``len(PASSAGE_KINDS)`` for others)."""
        if self._kinds is None:
            self._kinds = column_array(self.searcher.reader(), "kindnum", np.int64, len(PASSAGE_KINDS))
        return self._kinds

    def sections(self) -> tuple[np.ndarray, list[str]]:
        """Return each document's section as an index into the returned names (-1: none)."""
        if self._sections is None:
            reader = self.searcher.reader()
            codes = np.full(reader.doc_count_all(), -1, dtype=np.int64)
            names: list[str] = []
            for raw in reader.lexicon("section"):
                name = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                for leaf, offset in reader.leaf_readers():
                    if leaf.doc_count_all() and ("section", name) in leaf:
                        codes[_block_arrays(leaf.postings("section", name), offset)[0]] = len(names)
                names.append(name)
            self._sections = codes, names
        return self._sections

    def arthash(self) -> np.ndarray:
        """Return the article key of every document."""
        if self._arthash is None:
            self._arthash = column_array(self.searcher.reader(), "arthash", np.uint64, 0)
        return self._arthash

    def phrase_docs(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """Return (docnums, occurrence counts, kind boosts, live passages) of passages holding ``text``."""
        pids, counts = self.phrases.find(text)
        sorted_pids, docnums, boosts = self.pid_map()
        idx = np.searchsorted(sorted_pids, pids)
        idx[idx >= len(sorted_pids)] = 0
        known = sorted_pids[idx] == pids if len(sorted_pids) else np.zeros(len(pids), bool)
        docs = docnums[idx[known]]
        return docs, counts[known], boosts[docs], len(sorted_pids)

    def lengths(self) -> tuple[np.ndarray, float]:
        """Return each document's length in compact characters (0 if not a live passage) and the mean.

        The one length every term is normalised by (BM25's ``dl``), whichever index found it.
        """
        if self._lengths is None:
            sorted_pids, docnums, _boosts = self.pid_map()
            out = np.zeros(self.searcher.reader().doc_count_all(), dtype=np.float64)
            for seg in self.phrases.segments:
                at = np.searchsorted(sorted_pids, seg.pids)
                at[at >= len(sorted_pids)] = 0
                live = sorted_pids[at] == seg.pids if len(sorted_pids) else np.zeros(len(seg.pids), bool)
                out[docnums[at[live]]] = (np.diff(seg.starts) - 1)[live]
            known = out[docnums] > 0
            mean = max(float(out[docnums][known].mean()) if known.any() else 1.0, 1.0)
            out[docnums[~known]] = mean  # a passage the phrase index lacks still has a length
            self._lengths = out, mean
        return self._lengths

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (ascending docnums, frequencies) of a folded, stemmed word of the ``body`` field.

        Read block by block into arrays, once per snapshot (the last 256 terms are kept).
        """
        found = self._postings.get(term)
        if found is None:
            ids, weights = [], []
            for leaf, offset in self.searcher.reader().leaf_readers():
                if leaf.doc_count_all() and ("body", term) in leaf:
                    ids.append(_block_arrays(leaf.postings("body", term), offset))
            if ids:
                docs = np.concatenate([d for d, _w in ids])
                weights = np.concatenate([w for _d, w in ids])
            else:
                docs, weights = np.zeros(0, np.int64), np.zeros(0)
            if len(self._postings) >= 256:
                self._postings.pop(next(iter(self._postings)))
            found = self._postings[term] = (docs, weights)
        return found

    def expand_prefix(self, prefix: str, limit: int) -> list[str]:
        """Return up to ``limit`` words of the ``body`` field starting with ``prefix``, most frequent first."""
        reader = self.searcher.reader()
        words = []
        for w in reader.expand_prefix("body", prefix):
            words.append(w.decode("utf-8") if isinstance(w, bytes) else w)
            if len(words) >= 10 * limit:
                break
        words.sort(key=lambda w: -reader.doc_frequency("body", w))
        return words[:limit]

    # ------------------------------------------------------------ articles

    def card(self, article_id: str) -> dict | None:
        """Return an article's card (title, authors, year, section titles, path)."""
        if article_id not in self._cards:
            self._cards[article_id] = self.searcher.document(id=article_id, kind="article")
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

    def passage_count(self) -> int:
        """Return the number of live passages."""
        return len(self.pid_map()[0])
