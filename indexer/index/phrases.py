"""Find exact phrases with a compact bigram-position index kept in numpy files.

A passage contains a phrase when the compact form of the phrase (folded by
:func:`indexer.analysis.fold`, white space dropped) is a substring of the
compact form of the passage, exactly as :func:`indexer.search.highlight.find_phrase`
matches. A *segment* concatenates many compact passages, each followed by a
sentinel code beyond Unicode, and lists for every character bigram the
ascending positions where it starts. A phrase is found by chaining its bigrams
at consecutive positions, which *is* the substring: nothing is verified against
the text, and no match crosses the sentinel between two passages.

The directory holds ``manifest.json`` (segments, deleted pids, next pid,
version), replaced atomically on commit, and eight ``.npy`` files per segment,
memory-mapped when opened.

>>> import tempfile
>>> directory = Path(tempfile.mkdtemp()) / "phrases"
>>> w = PhraseIndex(directory).writer()
>>> [w.add(t) for t in ["美俄關係的未來", "哈哈哈 Ha", "美國"]]
[0, 1, 2]
>>> w.commit()
>>> index = PhraseIndex(directory)
>>> pids, counts = index.find("俄关系")
>>> pids.tolist(), counts.tolist()
([0], [1])
>>> index.find("哈哈")[1].tolist()  # overlapping occurrences count
[2]
>>> index.find("美")[0].tolist()
[0, 2]
>>> import shutil; shutil.rmtree(directory.parent)
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer.analysis import fold
from indexer.errors import IndexStateError
from indexer.index.durable import fsync_dir

SENTINEL = 0x110000  # one past the last code point: ends every passage
SHIFT = 22  # a bigram key is first << SHIFT | second
MAX_SEGMENT_CHARS = 8_000_000
MAX_SEGMENTS = 8  # beyond this, small segments are merged on commit
COMPACT_DEAD = 0.15  # once this share of the passages is deleted, segments holding them are rewritten
ROW_MIN = 1 << 15  # characters this frequent get per-passage counts (see _common_rows)
FORMAT = 1
MANIFEST = "manifest.json"
PARTS = ("keys", "offsets", "lo", "hi", "starts", "pids", "common", "rows")
_OURS = re.compile(r"seg-[0-9a-f]+\.\w+\.npy|\.manifest-[0-9a-f]+\.tmp")
_EMPTY = np.zeros(0, dtype=np.int64)
_END = SENTINEL.to_bytes(4, "little")
_WORD = 64  # bits of a packed (bigram, position) sort key
_CHUNK = 1 << 20  # elementwise work runs in cache-sized chunks
_BUCKET = 6  # positions map to passages through 64-character buckets

_table: np.ndarray | None = None
_table_lock = threading.Lock()
_SPACE = np.uint32(0xFFFFFFFF)  # what white space folds to in the table


def _fold_table() -> np.ndarray:
    """Tabulate ``fold`` over every code point, white space as _SPACE, once (~40 ms)."""
    global _table
    if _table is None:
        with _table_lock:
            if _table is None:
                every = np.arange(SENTINEL, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
                folded = fold(every)
                if len(folded) != SENTINEL:
                    raise RuntimeError("fold must keep the length of the text")
                table = np.append(_utf32(folded), np.uint32(SENTINEL))
                table[[m.start() for m in re.finditer(r"\s", folded)]] = _SPACE
                _table = table
    return _table


def _utf32(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _compact(codes: np.ndarray) -> np.ndarray:
    folded = _fold_table()[codes]
    return folded[folded != _SPACE]


def compact_text(text: str) -> str:
    """Return ``text`` folded and without white space, the form phrases are matched in.

    >>> compact_text("美 俄\u3000關係 ＡＢ")
    '美俄关系ab'
    """
    return _compact(_utf32(text)).tobytes().decode("utf-32-le", "surrogatepass")


def passage_codes(texts: list[str]) -> np.ndarray:
    """Return the compact code points of ``texts``, each passage followed by SENTINEL.

    >>> passage_codes(["A b", ""]).tolist() == [ord("a"), ord("b"), SENTINEL, SENTINEL]
    True
    """
    raw = _END.join([t.encode("utf-32-le", "surrogatepass") for t in texts] + [b""])
    return _compact(np.frombuffer(raw, dtype="<u4"))


def build_arrays(codes: np.ndarray, pids: np.ndarray) -> dict[str, np.ndarray]:
    """Sort the bigram positions of ``codes`` (passages ended by SENTINEL) into segment arrays.

    Codes are ranked densely (keeping their order) so that a bigram and its
    position pack into one uint64 and a plain sort groups positions by bigram,
    ascending. SENTINEL ranks last, so the bigrams it starts sort to the end
    and are cut off: every other position starts exactly one kept bigram.
    """
    n = len(codes)
    present = np.zeros(SENTINEL + 1, dtype=bool)
    present[codes] = True
    alphabet = np.flatnonzero(present).astype(np.uint64)
    size = np.uint64(len(alphabet))
    rank = np.cumsum(present, dtype=np.uint64) - np.uint64(1)
    starts = np.append(0, np.flatnonzero(codes == SENTINEL) + 1).astype(np.int64)
    real = n - (len(starts) - 1)  # positions that start a bigram
    pbits = np.uint64(n.bit_length())
    packs = (len(alphabet) ** 2).bit_length() + n.bit_length() <= _WORD
    dense = np.empty(n - 1, dtype=np.uint64)
    for a in range(0, n - 1, _CHUNK):
        b = min(a + _CHUNK, n - 1)
        r = rank[codes[a:b + 1]]
        d = dense[a:b]
        np.multiply(r[:-1], size, out=d)
        d += r[1:]
        if packs:  # (bigram, position) in one word
            d <<= pbits
            d |= np.arange(a, b, dtype=np.uint64)
    ptype = np.uint32 if n < 2**32 else np.uint64
    if packs:
        dense.sort()
        dense = dense[:real]
        pos = np.empty(real, dtype=ptype)
        mask = np.uint64((1 << n.bit_length()) - 1)
        for a in range(0, real, _CHUNK):
            d = dense[a:a + _CHUNK]
            pos[a:a + _CHUNK] = d & mask
            d >>= pbits
    else:
        pos = np.argsort(dense, kind="stable")[:real].astype(ptype)
        dense = dense[pos]
    change = np.ones(real, dtype=bool)
    np.not_equal(dense[1:], dense[:-1], out=change[1:])
    first = np.flatnonzero(change)
    unique = dense[first]
    keys = (alphabet[unique // size] << np.uint64(SHIFT)) | alphabet[unique % size]
    offsets = np.append(first, real).astype(ptype)
    return {"keys": keys, "offsets": offsets, "lo": pos.astype(np.uint16),
            "hi": (pos >> 16).astype(np.uint8 if n <= 2**24 else np.uint16),
            "starts": starts, "pids": np.asarray(pids, dtype=np.int64),
            **_common_rows(keys, offsets, pos, starts)}


def _common_rows(keys: np.ndarray, offsets: np.ndarray, pos: np.ndarray, starts: np.ndarray) -> dict:
    """Count per passage the characters so frequent that mapping their positions is slow.

    Only characters occurring ``max(ROW_MIN, 2 * passages)`` times get a row,
    so rows take at most a byte per character (two if a count passes 65535).
    """
    passages = len(starts) - 1
    chars = keys >> np.uint64(SHIFT)
    run = np.flatnonzero(np.concatenate(([True], chars[1:] != chars[:-1])))
    bound = offsets[np.append(run, len(keys))].astype(np.int64)
    common = np.flatnonzero(np.diff(bound) >= max(ROW_MIN, 2 * passages))
    rows = np.zeros((len(common), passages), dtype=np.uint32)
    if len(common):
        passage = np.repeat(np.arange(passages, dtype=np.int32), np.diff(starts))
        for r, i in enumerate(common.tolist()):
            rows[r] = np.bincount(passage[pos[bound[i]:bound[i + 1]]], minlength=passages)
    small = rows.size == 0 or rows.max() < 2**16
    return {"common": chars[run[common]], "rows": rows.astype(np.uint16) if small else rows}


@dataclass
class Segment:
    """One immutable, memory-mapped part of the index."""

    name: str
    keys: np.ndarray  # sorted unique bigram keys (uint64)
    offsets: np.ndarray  # the positions of keys[i] are [offsets[i], offsets[i + 1])
    lo: np.ndarray  # low 16 bits of each position
    hi: np.ndarray  # the bits above
    starts: np.ndarray  # passage i is codes[starts[i]:starts[i + 1] - 1], then SENTINEL
    pids: np.ndarray  # pid of each passage
    common: np.ndarray  # frequent characters (ascending codes) ...
    rows: np.ndarray  # ... and how often each occurs in each passage
    _buckets: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @classmethod
    def load(cls, directory: Path, name: str) -> Segment:
        """Map the files of segment ``name`` (FileNotFoundError if they were removed)."""
        return cls(name, *[np.asarray(np.load(directory / f"{name}.{part}.npy", mmap_mode="r"))
                           for part in PARTS])

    def positions(self, a: int, b: int) -> np.ndarray:
        """Return entries ``a:b`` of the positions as int64."""
        out = self.hi[a:b].astype(np.int64) << 16
        out |= self.lo[a:b]
        return out

    def codes(self) -> np.ndarray:
        """Rebuild the segment's codes (every position starts exactly one bigram)."""
        codes = np.full(int(self.starts[-1]), SENTINEL, dtype=np.uint32)
        first = (self.keys >> np.uint64(SHIFT)).astype(np.uint32)
        codes[self.positions(0, len(self.lo))] = np.repeat(first, np.diff(self.offsets))
        return codes

    def starts_of(self, q: np.ndarray) -> np.ndarray:
        """Return the ascending positions where the compact codes ``q`` start."""
        if len(q) == 1:  # the bigrams beginning with q[0] are one run of keys
            c = np.uint64(int(q[0]) << SHIFT)
            a, b = np.searchsorted(self.keys, [c, c + np.uint64(1 << SHIFT)])
            return np.sort(self.positions(int(self.offsets[a]), int(self.offsets[b])))
        want = (q[:-1].astype(np.uint64) << np.uint64(SHIFT)) | q[1:]
        at = np.searchsorted(self.keys, want)
        if at.max() >= len(self.keys) or (self.keys[at] != want).any():
            return _EMPTY
        lo, hi = self.offsets[at].astype(np.int64), self.offsets[at + 1].astype(np.int64)
        covered = np.zeros(len(q), dtype=bool)
        cand = _EMPTY
        for j in np.argsort(hi - lo, kind="stable").tolist():  # rarest bigram first
            if covered[j] and covered[j + 1]:
                continue  # both its characters are checked already
            p = self.positions(int(lo[j]), int(hi[j]))
            if not covered.any():
                cand = p - j
            else:
                at = np.minimum(np.searchsorted(p, cand + j), len(p) - 1)
                cand = cand[p[at] == cand + j]
            covered[j] = covered[j + 1] = True
            if not cand.size or covered.all():
                break
        return cand

    def passage_of(self, pos: np.ndarray) -> np.ndarray:
        """Return the passage index of each position, through a table of 64-character buckets."""
        if self._buckets is None:  # the passage at each bucket start, and where the next begins
            grid = np.arange(0, int(self.starts[-1]), 1 << _BUCKET)
            first = np.searchsorted(self.starts, grid, side="right") - 1
            self._buckets = first, self.starts[first + 1]
        first, following = self._buckets
        bucket = pos >> _BUCKET
        idx = first[bucket]
        over = np.flatnonzero(pos >= following[bucket])
        while over.size:  # buckets holding several passage starts
            idx[over] += 1
            over = over[pos[over] >= self.starts[idx[over] + 1]]
        return idx

    def count(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (ascending passage indexes, occurrence counts) of the compact codes ``q``."""
        if len(q) == 1:
            r = int(np.searchsorted(self.common, q[0]))
            if r < len(self.common) and self.common[r] == q[0]:
                idx = np.flatnonzero(self.rows[r])
                return idx, self.rows[r][idx]
        idx = self.passage_of(self.starts_of(q))
        first = np.flatnonzero(np.diff(idx, prepend=-1))
        return idx[first], np.diff(np.append(first, len(idx)))


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Return a mask of the ``values`` found in the ascending array ``sorted_set``."""
    if not sorted_set.size or not values.size:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


def _save_segment(directory: Path, arrays: dict[str, np.ndarray]) -> dict:
    """Write one segment's files durably and return its manifest entry."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"seg-{secrets.token_hex(8)}"
    for part in PARTS:
        with open(directory / f"{name}.{part}.npy", "wb") as f:
            np.save(f, arrays[part], allow_pickle=False)
            f.flush()
            os.fsync(f.fileno())
    return {"name": name, "passages": len(arrays["pids"]), "chars": int(arrays["starts"][-1])}


def _read_manifest(directory: Path) -> dict:
    """Return the committed manifest, or that of an empty index."""
    path = directory / MANIFEST
    try:
        manifest = json.loads(path.read_text("utf-8"))
        if manifest["format"] != FORMAT:
            raise ValueError(manifest["format"])
        manifest["version"], manifest["segments"], manifest["deleted"], manifest["next_pid"]
    except FileNotFoundError:
        return {"format": FORMAT, "version": 0, "next_pid": 0, "segments": [], "deleted": []}
    except (ValueError, KeyError, TypeError) as err:
        raise IndexStateError(f"{path}: damaged or incompatible phrase index "
                              f"({err.__class__.__name__}); rebuild the index") from None
    return manifest


def _write_manifest(directory: Path, manifest: dict) -> None:
    """Replace the manifest atomically: write a temp file, fsync, rename, fsync the folder."""
    directory.mkdir(parents=True, exist_ok=True)
    fsync_dir(directory)  # segment files are durable before anything references them
    tmp = directory / f".manifest-{secrets.token_hex(8)}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(manifest, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, directory / MANIFEST)
    fsync_dir(directory)


def _remove_unreferenced(directory: Path, manifest: dict) -> None:
    """Delete our files the manifest does not reference (merged away, or left by a crash)."""
    keep = {f"{s['name']}.{part}.npy" for s in manifest["segments"] for part in PARTS}
    for path in directory.iterdir():
        if path.name not in keep and _OURS.fullmatch(path.name):
            try:
                path.unlink(missing_ok=True)
            except OSError:  # still mapped by a reader on some systems: retried next commit
                pass


class PhraseIndex:
    """A read-only snapshot of a phrase index directory (a missing directory is empty)."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        for attempt in range(10):
            manifest = _read_manifest(self.directory)
            try:
                self.segments = [Segment.load(self.directory, s["name"]) for s in manifest["segments"]]
                self.segments.sort(key=lambda seg: int(seg.pids[0]))
                break
            except FileNotFoundError:  # a commit removed them after we read the manifest
                if attempt == 9:
                    raise IndexStateError(f"{self.directory}: phrase index files are missing; "
                                          "rebuild the index") from None
        self.version: int = manifest["version"]
        self.deleted = np.array(sorted(manifest["deleted"]), dtype=np.int64)
        self._size = sum(s["passages"] for s in manifest["segments"]) - len(self.deleted)

    def find(self, phrase: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (ascending pids, occurrence counts) of the live passages containing ``phrase``."""
        q = _compact(_utf32(phrase))
        if not q.size or not self.segments:
            return _EMPTY, _EMPTY
        found = [seg.count(q) for seg in self.segments]
        pids = np.concatenate([seg.pids[idx] for seg, (idx, _n) in zip(self.segments, found)])
        counts = np.concatenate([n for _idx, n in found]).astype(np.int64)
        if self.deleted.size:
            live = ~_member(pids, self.deleted)
            pids, counts = pids[live], counts[live]
        if (pids[1:] < pids[:-1]).any():  # segments are in pid order, but merges interleave
            order = np.argsort(pids, kind="stable")
            pids, counts = pids[order], counts[order]
        return pids, counts

    def pids(self) -> np.ndarray:
        """Return all live pids, ascending."""
        pids = np.concatenate([_EMPTY, *[s.pids for s in self.segments]])
        return np.sort(pids[~_member(pids, self.deleted)])

    def __len__(self) -> int:
        return self._size

    def writer(self, max_segment_chars: int = MAX_SEGMENT_CHARS) -> PhraseWriter:
        """Return a writer on the latest committed state (one writer at a time)."""
        return PhraseWriter(self.directory, max_segment_chars)


class PhraseWriter:
    """Buffer added passages into segments; make additions and deletions visible on commit."""

    def __init__(self, directory: Path, max_segment_chars: int = MAX_SEGMENT_CHARS):
        self.directory = Path(directory)
        self.max_segment_chars = max_segment_chars
        self._base = _read_manifest(self.directory)
        self._next_pid: int = self._base["next_pid"]
        self._texts: list[str] = []
        self._pids: list[int] = []
        self._chars = 0
        self._new: list[dict] = []  # segments written but not yet in the manifest
        self._deleted: set[int] = set()
        self._closed = False
        self._committed: dict | None = None

    @property
    def next_pid(self) -> int:
        """Return the pid the next added passage gets."""
        return self._next_pid

    def add(self, text: str, pid: int | None = None) -> int:
        """Buffer ``text`` as a new passage and return its pid (the next one unless ``pid`` is given)."""
        self._check_open()
        if self._texts and self._chars + len(text) > self.max_segment_chars:
            self._flush()
        pid = self._next_pid if pid is None else int(pid)
        self._texts.append(text)
        self._pids.append(pid)
        self._chars += len(text)
        self._next_pid = max(self._next_pid, pid + 1)
        return pid

    def delete(self, pids) -> None:
        """Mark ``pids`` deleted (unknown pids are ignored)."""
        self._check_open()
        self._deleted.update(int(p) for p in pids)

    def commit(self) -> None:
        """Make every change visible at once; a crash leaves the previous commit intact."""
        self._check_open()
        self._flush()
        if _read_manifest(self.directory)["version"] != self._base["version"]:
            raise IndexStateError(f"{self.directory}: the phrase index changed since this writer "
                                  "opened; cancel it and redo the changes in a new writer")
        entries = self._base["segments"] + self._new
        segs = {e["name"]: Segment.load(self.directory, e["name"]) for e in entries}
        deleted = np.array(sorted(self._deleted.union(self._base["deleted"])), dtype=np.int64)
        dead = {name: _member(seg.pids, deleted) for name, seg in segs.items()}
        entries = [e for e in entries if not dead[e["name"]].all()]
        n_dead = sum(int(dead[e["name"]].sum()) for e in entries)
        if n_dead > COMPACT_DEAD * sum(len(dead[e["name"]]) for e in entries):
            entries = [self._compact(e, segs, dead) if dead[e["name"]].any() else e for e in entries]
        if len(entries) > MAX_SEGMENTS:
            entries = self._merge_small(entries, segs, dead)
        kept = np.sort(np.concatenate([_EMPTY, *[segs[e["name"]].pids for e in entries]]))
        manifest = {"format": FORMAT, "version": self._base["version"] + 1,
                    "next_pid": self._next_pid, "segments": entries,
                    "deleted": deleted[_member(deleted, kept)].tolist()}
        _write_manifest(self.directory, manifest)
        self._closed = True
        self._committed = manifest
        _remove_unreferenced(self.directory, manifest)

    def undo(self) -> None:
        """Take back a commit whose companion commit failed: the previous state returns, new files go."""
        if self._committed is None:
            return
        manifest = {**self._base, "format": FORMAT, "version": self._committed["version"] + 1}
        try:
            _write_manifest(self.directory, manifest)
        except OSError:  # the disk may still be full: the newer state is consistent too, keep it
            return
        self._committed = None
        _remove_unreferenced(self.directory, manifest)

    def cancel(self) -> None:
        """Drop the changes and remove the files this writer wrote (never committed ones)."""
        try:
            committed = {s["name"] for s in _read_manifest(self.directory)["segments"]}
        except IndexStateError:
            committed = set()
        for name in {e["name"] for e in self._new} - committed:
            for part in PARTS:
                (self.directory / f"{name}.{part}.npy").unlink(missing_ok=True)
        self._new, self._texts, self._pids, self._chars = [], [], [], 0
        self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise IndexStateError(f"{self.directory}: this phrase writer was committed or "
                                  "cancelled; open a new writer")

    def _flush(self) -> None:
        """Write the buffered passages as one segment, not yet referenced."""
        if self._texts:
            arrays = build_arrays(passage_codes(self._texts), np.array(self._pids, dtype=np.int64))
            self._texts, self._pids, self._chars = [], [], 0
            self._new.append(_save_segment(self.directory, arrays))

    def _rewrite(self, names: list[str], segs: dict, dead: dict) -> dict:
        """Write the live passages of segments ``names`` as one new segment; return its entry."""
        codes = [segs[s].codes()[np.repeat(~dead[s], np.diff(segs[s].starts))] for s in names]
        pids = [segs[s].pids[~dead[s]] for s in names]
        entry = _save_segment(self.directory, build_arrays(np.concatenate(codes), np.concatenate(pids)))
        self._new.append(entry)
        segs[entry["name"]] = seg = Segment.load(self.directory, entry["name"])
        dead[entry["name"]] = np.zeros(len(seg.pids), dtype=bool)
        return entry

    def _compact(self, entry: dict, segs: dict, dead: dict) -> dict:
        """Rewrite one segment without its deleted passages, so updates do not grow the index."""
        return self._rewrite([entry["name"]], segs, dead)

    def _merge_small(self, entries: list[dict], segs: dict, dead: dict) -> list[dict]:
        """Rewrite the smallest segments, live passages only, as one of at most max_segment_chars."""
        live = {e["name"]: int(np.diff(segs[e["name"]].starts)[~dead[e["name"]]].sum()) for e in entries}
        small, total = [], 0
        for e in sorted(entries, key=lambda e: live[e["name"]]):
            if total + live[e["name"]] > self.max_segment_chars:
                break
            small.append(e["name"])
            total += live[e["name"]]
        if len(small) < 2:
            return entries
        entry = self._rewrite(small, segs, dead)
        return [e for e in entries if e["name"] not in small] + [entry]
