"""The app's index: one :class:`~indexer.backends.Backend` per app, shared by every request.

The backend is safe to share between threads (the local one lends each
request a pooled searcher); what pages compute over the whole collection is
cached on it until an indexer commits.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from flask import current_app

from indexer.backends import Backend, open_backend

T = TypeVar("T")
EXTENSION = "jiansuo"


def backend() -> Backend:
    """Return the index of the current app."""
    return current_app.extensions[EXTENSION]


def cached(key, build: Callable[[], T]) -> T:
    """Return a collection-wide value cached until the index changes."""
    return backend().cached(key, build)


def init_app(app) -> None:
    """Attach the backend given as ``BACKEND``, or the local index in ``INDEX_DIR``."""
    app.extensions[EXTENSION] = app.config.get("BACKEND") or open_backend(app.config["INDEX_DIR"])
