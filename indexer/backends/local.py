"""The local backend: a Whoosh index and an exact-phrase index in one folder.

Writing goes through :mod:`indexer.index.build`; reading through pooled
:class:`~indexer.index.reader.Snapshot`\\ s, each searched by one thread at a
time (opening one costs ~10 ms). A snapshot older than the latest commit is
closed instead of reused, so a long-running server sees every re-index.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from contextlib import contextmanager
from pathlib import Path

from indexer import settings
from indexer.backends import Backend, Stats
from indexer.errors import IndexStateError
from indexer.index.build import build_index, remove_articles
from indexer.index.reader import Snapshot
from indexer.index.store import Store
from indexer.model import BuildReport, SearchResult
from indexer.search.highlight import Highlighter
from indexer.search.searcher import Searcher


class LocalBackend(Backend):
    """The index in folder ``index_dir``."""

    def __init__(self, index_dir: Path | str, pool_size: int | None = None):
        super().__init__()
        self.store = Store(index_dir)
        self.location = str(index_dir)
        self.pool_size = settings.get_int("searcher_pool") if pool_size is None else pool_size
        self._idle: list[tuple[Hashable, Searcher]] = []
        self._lock = threading.Lock()
        self._probe = None  # an open Whoosh index, only to read the latest generation
        self._verified: Hashable | None = None

    # ------------------------------------------------------------ writing

    def index(self, paths, progress=None, wait: float = 0.0, repair: bool = False, notify=None) -> BuildReport:
        return build_index(paths, self.store.path, progress=progress, wait=wait, repair=repair, notify=notify)

    def remove(self, article_ids, wait: float = 0.0) -> list[str]:
        return remove_articles(self.store.path, article_ids, wait=wait)

    # ------------------------------------------------------------ state

    def exists(self) -> bool:
        return self.store.exists()

    def version(self) -> Hashable:
        """Return (index generation, glossary mtime); both change when an indexer commits.

        Each new version is verified once (sizes and small files' checksums) before it is served.
        """
        if self._probe is None:
            self._probe = self.store.open()
        try:
            version = self._probe.latest_generation(), self.store.glossary_mtime()
        except OSError as err:
            raise IndexStateError(f"{self.location}: the index went away ({err}); run `jiansuo index`") from err
        if version != self._verified:
            self.store.check()
            self._verified = version
        return version

    def check(self) -> list[str]:
        if not self.store.exists():
            return [f"{self.location}: no index here yet; build one with `jiansuo index FOLDER --index {self.location}`"]
        return [f"{self.location}: {p}" for p in self.store.problems(full=True)]

    def stats(self) -> Stats:
        with self._searcher() as s:
            return Stats(self.location, len(s.snap.article_ids()), s.snap.passage_count(), self.store.size())

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for _v, s in idle:
            s.snap.close()

    # ------------------------------------------------------------ searching

    @contextmanager
    def _searcher(self):
        """Lend a searcher on the latest commit to the caller alone."""
        version = self.version()
        found, stale = None, []
        with self._lock:
            while self._idle and found is None:
                v, s = self._idle.pop()
                if v == version:
                    found = s
                else:
                    stale.append(s)
        for s in stale:
            s.snap.close()
        if found is None:
            found = Searcher(Snapshot(self.store), self.glossary())
        try:
            yield found
        finally:
            with self._lock:
                if len(self._idle) < self.pool_size:
                    self._idle.append((version, found))
                    found = None
            if found is not None:
                found.snap.close()

    def search(self, q: str, limit: int = 10, page: int = 1, expand: bool = True,
               facets: bool = False, filters: dict[str, str] | None = None,
               max_query: int | None = None, mode: str = "best", sort: str = "relevance") -> SearchResult:
        with self._searcher() as s:
            return s.search(q, limit=limit, page=page, expand=expand, facets=facets,
                            filters=filters, max_query=max_query, mode=mode, sort=sort)

    def highlighter(self, q: str, expand: bool = True, max_query: int | None = None) -> Highlighter:
        with self._searcher() as s:
            return s.compile(q, expand, max_query).highlighter()

    def passages_matching(self, phrase: str) -> list[tuple[str, str, str]]:
        with self._searcher() as s:
            return s.passages_matching(phrase)

    # ------------------------------------------------------------ articles

    def cards(self) -> dict[str, dict]:
        def build():
            with self._searcher() as s:
                return {a: (s.snap.card(a) or {}).get("meta", {}) for a in s.snap.article_ids()}

        return self.cached("cards", build)

    def article(self, article_id: str):
        with self._searcher() as s:
            return s.snap.article(article_id)

    def source_file(self, article_id: str) -> Path | None:
        with self._searcher() as s:
            card = s.snap.card(article_id)
        path = Path(card["path"]) if card and card.get("path") else None
        return path if path is not None and path.is_file() else None

    def articles(self):
        with self._searcher() as s:
            yield from s.snap.articles()

    def glossary(self):
        return self.cached("glossary", self.store.load_glossary)

    def idle(self) -> int:
        """Return how many searchers wait in the pool."""
        return len(self._idle)
