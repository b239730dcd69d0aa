"""Index backends: one interface for the command line and the web, whatever holds the index.

:class:`Backend` states what every backend does: add, replace and remove
articles; search (hits with snippets, exact totals, facets, expansions);
list every occurrence of a phrase; serve articles, sources, the glossary and
statistics. :func:`open_backend` picks the implementation from a location:
a folder is the local index (:mod:`indexer.backends.local`),
``opensearch+http://HOST:9200/PREFIX`` an index in an OpenSearch cluster
(:mod:`indexer.backends.opensearch`). Every
implementation passes the same contract tests (``tests/test_backend_contract.py``).
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from indexer import settings
from indexer.model import Article, BuildReport, SearchResult
from indexer.search.concordance import Concordance, concordance
from indexer.search.highlight import Highlighter


@dataclass
class Stats:
    """How much an index holds."""

    location: str
    articles: int
    passages: int
    bytes: int

    def to_dict(self) -> dict:
        return asdict(self)


class Backend(ABC):
    """An index the command line and the web can write to and search; safe to share between threads."""

    location: str

    def __init__(self) -> None:
        self._cache: dict = {}
        self._cache_version: Hashable | None = None
        self._cache_lock = threading.Lock()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ writing

    @abstractmethod
    def index(self, paths: Iterable[Path], progress: Callable[[Path], None] | None = None,
              wait: float = 0.0, repair: bool = False, notify: Callable[[str], None] | None = None) -> BuildReport:
        """Add new files, replace changed ones, remove deleted ones under indexed folders.

        A damaged index is repaired first; ``repair`` also verifies every checksum.
        ``notify`` shows the user a line while the run waits.
        """

    @abstractmethod
    def remove(self, article_ids: Iterable[str], wait: float = 0.0) -> list[str]:
        """Remove articles by id; return those that were indexed."""

    # ------------------------------------------------------------ state

    @abstractmethod
    def exists(self) -> bool:
        """Tell whether an index is there (possibly empty)."""

    @abstractmethod
    def version(self) -> Hashable:
        """Return a cheap token that changes whenever the index changes (IndexStateError if none)."""

    @abstractmethod
    def check(self) -> list[str]:
        """Verify the whole index; return one line per problem (none if it is whole)."""

    @abstractmethod
    def stats(self) -> Stats:
        """Return how many articles and passages the index holds, and its size."""

    def close(self) -> None:
        """Release what the backend holds open."""

    # ------------------------------------------------------------ searching

    @abstractmethod
    def search(self, q: str, limit: int = 10, page: int = 1, expand: bool = True,
               facets: bool = False, filters: dict[str, str] | None = None,
               max_query: int | None = None, mode: str = "best", sort: str = "relevance") -> SearchResult:
        """Run one query; a rejected query comes back with ``error`` set.

        ``mode="best"`` ranks passages holding only some of the words after those
        holding all; ``mode="all"`` returns only passages holding every word.
        ``sort`` is ``relevance``, ``newest`` or ``oldest`` (by the article's date).
        ``filters`` may name an ``article``, ``kind``, ``year``, ``section`` or ``author``.
        """

    @abstractmethod
    def highlighter(self, q: str, expand: bool = True, max_query: int | None = None) -> Highlighter:
        """Return what query ``q`` marks in a passage (QueryError if it cannot be searched)."""

    @abstractmethod
    def passages_matching(self, phrase: str) -> list[tuple[str, str, str]]:
        """Return ``(article, passage, text)`` of every passage holding ``phrase``, in reading order."""

    def concordance(self, phrase: str, sort: str = "position", width: int = 20,
                    max_lines: int | None = None) -> Concordance:
        """Return every occurrence of ``phrase`` with ``width`` characters of context, sorted.

        :param max_lines: most lines to return (all if None); ``total`` counts them all.
        """
        passages = self.cached(("kwic", phrase.strip()), lambda: self.passages_matching(phrase.strip()))
        return concordance(passages, phrase, sort, width, max_lines)

    # ------------------------------------------------------------ articles

    @abstractmethod
    def cards(self) -> dict[str, dict]:
        """Return every article's card (title, title_en, authors, year, sections), by id, sorted."""

    def article_ids(self) -> list[str]:
        """Return the ids of every indexed article, sorted."""
        return list(self.cards())

    @abstractmethod
    def article(self, article_id: str) -> Article | None:
        """Return the parsed article ``article_id`` or None."""

    @abstractmethod
    def articles(self) -> Iterator[Article]:
        """Yield every indexed article."""

    def source_file(self, article_id: str) -> Path | None:
        """Return the file an indexed article was read from, if this backend keeps it and it is there."""
        return None

    def sources(self) -> list:
        """Return every source cited across the collection, most cited first."""
        from indexer.sources import collect_sources

        return self.cached("sources", lambda: collect_sources(self.articles()))

    @abstractmethod
    def glossary(self):
        """Return the glossary built from the indexed articles and the variant table."""

    # ------------------------------------------------------------ caching

    def cached(self, key: Hashable, build: Callable[[], object]):
        """Return the value of ``build()`` cached under ``key`` until the index changes."""
        version = self.version()
        with self._cache_lock:
            if self._cache_version != version:
                self._cache.clear()
                self._cache_version = version
            if key in self._cache:
                return self._cache[key]
        value = build()
        with self._cache_lock:
            if self._cache_version == version:
                if len(self._cache) >= 64:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[key] = value
        return value


def open_backend(location: str | Path | None = None) -> Backend:
    """Open the backend at ``location`` (default: the ``backend`` setting, else the ``index`` folder).

    ``opensearch+http://HOST:9200/PREFIX`` is an index in an OpenSearch cluster
    (:mod:`indexer.backends.opensearch`); anything else is a folder holding a local index.
    """
    location = location or settings.get("backend") or settings.index_dir()
    if str(location).startswith("opensearch+"):
        from indexer.backends.opensearch import OpenSearchBackend

        return OpenSearchBackend(str(location))
    from indexer.backends.local import LocalBackend

    return LocalBackend(Path(location))
