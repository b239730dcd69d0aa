"""The app's view of one index: pooled searchers and caches keyed on the index version.

Opening a Searcher costs ~10 ms, so idle ones are kept in a small pool and
handed to one request at a time (a Whoosh searcher is not shared between
threads). Whatever is computed over the whole collection (sources, glossary,
article cards, concordance input) is cached until an indexer commits: the
version is the index generation plus the glossary file's mtime, both cheap to
read on every request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable, TypeVar

from flask import current_app, g

from indexer.build import GLOSSARY_FILE, load_glossary
from indexer.errors import IndexStateError
from indexer.search import Searcher

T = TypeVar("T")
Version = tuple[int, int]
EXTENSION = "jiansuo"


class IndexState:
    """Searchers and caches for the index in ``index_dir``, shared by every request of one app."""

    def __init__(self, index_dir: Path, pool_size: int = 8, cache_size: int = 64):
        self.index_dir = Path(index_dir)
        self.pool_size = pool_size
        self.cache_size = cache_size
        self._lock = threading.Lock()
        self._idle: list[Searcher] = []
        self._cache: OrderedDict = OrderedDict()
        self._cache_version: Version | None = None
        self._probe = None  # an open index, only to read the latest generation

    def version(self) -> Version:
        """Return (index generation, glossary mtime); it changes whenever an indexer commits."""
        if self._probe is None:
            with Searcher(self.index_dir) as s:  # raises IndexStateError if there is no index
                self._probe = s.ix
        try:
            glossary_mtime = (self.index_dir / GLOSSARY_FILE).stat().st_mtime_ns
        except OSError:
            glossary_mtime = 0
        try:
            return self._probe.latest_generation(), glossary_mtime
        except OSError as err:
            raise IndexStateError(f"{self.index_dir}: the index went away ({err}); run `jiansuo index`") from err

    def acquire(self) -> Searcher:
        """Return a searcher of the current version for the caller's sole use."""
        v = self.version()
        stale = []
        found = None
        with self._lock:
            while self._idle and found is None:
                s = self._idle.pop()
                if s.version == v:
                    found = s
                else:
                    stale.append(s)
        for s in stale:
            s.close()
        if found is not None:
            return found
        glossary = self.cached("glossary", lambda: load_glossary(self.index_dir), v)
        s = Searcher(self.index_dir, glossary=glossary)
        s.version = v
        return s

    def release(self, s: Searcher) -> None:
        """Give a searcher back to the pool (or close it if the pool is full)."""
        with self._lock:
            if len(self._idle) < self.pool_size:
                self._idle.append(s)
                return
        s.close()

    def cached(self, key, build: Callable[[], T], version: Version | None = None) -> T:
        """Return the value cached under ``key`` for the current index version, building it if needed."""
        v = version or self.version()
        with self._lock:
            if self._cache_version != v:
                self._cache.clear()
                self._cache_version = v
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = build()
        with self._lock:
            if self._cache_version == v:
                self._cache[key] = value
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return value

    def idle(self) -> int:
        """Return how many searchers wait in the pool."""
        return len(self._idle)

    def close(self) -> None:
        """Close every idle searcher."""
        with self._lock:
            idle, self._idle = self._idle, []
        for s in idle:
            s.close()


def state() -> IndexState:
    """Return the index state of the current app."""
    return current_app.extensions[EXTENSION]


def get_searcher() -> Searcher:
    """Return this request's searcher, taken from the pool on first use."""
    if "searcher" not in g:
        g.searcher = state().acquire()
    return g.searcher


def cached(key, build: Callable[[], T]) -> T:
    """Return a collection-wide value cached until the index changes."""
    return state().cached(key, build, get_searcher().version)


def release_searcher(exc: BaseException | None = None) -> None:
    """Return this request's searcher to the pool."""
    s = g.pop("searcher", None)
    if s is not None:
        state().release(s)


def init_app(app) -> None:
    """Attach an :class:`IndexState` for ``INDEX_DIR`` and release searchers after each request."""
    app.extensions[EXTENSION] = IndexState(Path(app.config["INDEX_DIR"]), app.config["SEARCHER_POOL"])
    app.teardown_appcontext(release_searcher)
