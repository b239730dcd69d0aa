"""Parse: :class:`~indexer.model.Document` → :class:`~indexer.model.Article`.

In: a Document from :mod:`indexer.ingest` (text, Markdown, or a registered
layout format). Out: an Article with bilingual titles, authors, abstracts,
keywords, dates, metadata, sections with nested levels, paragraphs stitched
across page breaks, foot- or end-notes linked both ways (back-references
resolved by :mod:`indexer.parse.backrefs`) and the reference list. What could
not be recognised is kept as text and named in ``Article.warnings``; nothing
is dropped silently.

Layout parsers build on the same pieces: :func:`~indexer.parse.headings.heading_style`
and :class:`~indexer.parse.headings.Outline` for heading levels,
:func:`~indexer.parse.front.read_front`, :func:`~indexer.parse.notes.build_footnotes`,
:func:`~indexer.parse.notes.extract_markers`, :func:`~indexer.parse.dates.parse_dates`.

Each Document format has a parser registered in :data:`PARSERS`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from indexer.errors import ParseError
from indexer.model import Article, Document
from indexer.parse.body import parse_text

Parser = Callable[[Document], Article]
PARSERS: dict[str, Parser] = {
    "text": lambda doc: parse_text(doc.text, doc.id, "text"),
    "markdown": lambda doc: parse_text(doc.text, doc.id, "markdown"),
}


def register_parser(fmt: str, parser: Parser) -> None:
    """Parse Documents of format ``fmt`` with ``parser``."""
    PARSERS[fmt] = parser


def _register_layout_parsers() -> None:
    from indexer.parse.pdf import parse_pdf

    register_parser("pdf", parse_pdf)


_register_layout_parsers()


def parse(doc: Document) -> Article:
    """Turn a Document into an Article; reading warnings come first in ``warnings``."""
    parser = PARSERS.get(doc.format)
    if parser is None:
        raise ParseError(f"{doc.path or doc.id}: no parser for format {doc.format!r}; "
                         f"known formats: {', '.join(PARSERS)}")
    article = parser(doc)
    article.warnings = doc.warnings + article.warnings
    return article


def parse_file(path: Path) -> Article:
    """Read and parse one file; its name without the suffix is the article id."""
    from indexer.ingest import read

    return parse(read(Path(path)))


__all__ = ["PARSERS", "parse", "parse_file", "parse_text", "register_parser"]
