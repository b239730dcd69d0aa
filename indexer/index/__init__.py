"""Index (local): Article → passages → Whoosh documents and an exact-phrase index on disk.

In: article files (read by :mod:`indexer.ingest`, parsed by
:mod:`indexer.parse`) to add, replace or remove. Out: an index directory
whose layout :mod:`indexer.index.store` owns, read back through a
:class:`~indexer.index.reader.Snapshot`. Runs are incremental (content
hashes) and atomic (a crash leaves the previous commit readable).

:func:`build_index` is the entry point; :func:`remove_articles` takes
articles out by id.
"""

from indexer.index.build import build_index, remove_articles
from indexer.index.store import Store

__all__ = ["Store", "build_index", "remove_articles"]
