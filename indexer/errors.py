"""The one exception family of the library.

Library code raises these; the CLI turns them into ``click.ClickException`` and
the web layer into JSON/HTML errors. Messages are one line and say how to fix it.
"""


class JiansuoError(Exception):
    """Base class for every error the user can cause."""


class ReadError(JiansuoError):
    """A file could not be read as text (binary, undecodable, missing)."""


class ParseError(JiansuoError):
    """A text could not be turned into an article."""


class QueryError(JiansuoError):
    """A query could not be understood."""


class IndexStateError(JiansuoError):
    """The index is missing, locked or damaged."""
