"""Ingest: files on disk → :class:`~indexer.model.Document`.

In: paths to files or folders. Out: one Document per file, holding decoded
text (plain text, Markdown) or page layout (PDF: positioned spans), with
warnings about what had to be repaired. Bad files raise
:class:`~indexer.errors.ReadError` with a one-line message saying how to fix
them; :func:`discover` lists what a folder holds and reports every file no
format claims.

Formats register themselves in :mod:`indexer.ingest.registry`; importing
this package registers the built-in ones.
"""

from indexer.ingest import pdf as _pdf
from indexer.ingest import text as _text
from indexer.ingest.registry import Discovered, FileError, Format, discover, read, register

register(Format("text", (".txt", ".text"), _text.read_document))
register(Format("markdown", (".md", ".markdown"),
                lambda data, name, aid: _text.read_document(data, name, aid, markdown=True)))
register(Format("pdf", (".pdf",), _pdf.read_document, (b"%PDF-",)))

__all__ = ["Discovered", "FileError", "Format", "discover", "read", "register"]
