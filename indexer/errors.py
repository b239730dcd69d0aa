"""The one exception family of the library.

Library code raises these; the CLI turns them into ``click.ClickException`` and
the web layer into JSON/HTML errors. Messages are one line and say how to fix
it. An error may carry a ``code`` and its ``params`` so that a user interface
can say the same thing in its own language.
"""


class JiansuoError(Exception):
    """Base class for every error the user can cause."""

    def __init__(self, message: str, *, code: str | None = None, **params):
        super().__init__(message)
        self.code = code
        self.params = params


class ReadError(JiansuoError):
    """A file could not be read (binary, undecodable, missing, unsupported)."""


class ParseError(JiansuoError):
    """A text could not be turned into an article."""


class QueryError(JiansuoError):
    """A query could not be understood."""


class IndexStateError(JiansuoError):
    """The index is missing, locked or damaged."""


class IndexWriteError(IndexStateError, OSError):
    """The index could not be written (disk full, read-only, no permission); the index is unchanged."""
