"""The reference list of a PDF article: its blocks → one entry per reference.

After a 參考文獻 / 参考文献 / References heading, entries are set with a
hanging indent (the first line out, the rest in), or numbered ``[1]``, or
as paragraphs (the first line in): the list's first line tells which. Each
line is handed to the text parser's
:func:`~indexer.parse.endmatter.add_reference` with its indent, so both
parsers split and join entries by the same rule.
"""

from __future__ import annotations

from collections import Counter

from indexer.model import Reference
from indexer.parse.endmatter import add_reference
from indexer.parse.inline import ends_open
from indexer.parse.notes import note_urls
from indexer.parse.pdf.blocks import Block, join_hyphen


def references(blocks: list[Block], labels: list[str | None], words: Counter | None = None) -> list[Reference]:
    """Return the entries of the reference-list blocks, numbered from 1, with their pages.

    ``words``: the document's :func:`~indexer.parse.pdf.blocks.vocabulary`, to undo hyphenation.

    >>> from indexer.parse.pdf.lines import Line
    >>> ln = lambda x, y, t: Line(0, 0, x, 300, y, 9, "f", False, t)
    >>> blocks = [Block([ln(50, 100, "Bush, Susan. The Chinese Literati")], "Bush, Susan. The Chinese Literati"),
    ...           Block([ln(68, 112, "on Painting. Harvard, 1971.")], "on Painting. Harvard, 1971."),
    ...           Block([ln(50, 124, "孔凡禮，《蘇軾年譜》，1998年。")], "孔凡禮，《蘇軾年譜》，1998年。")]
    >>> [r.text for r in references(blocks, ["45"])]
    ['Bush, Susan. The Chinese Literati on Painting. Harvard, 1971.', '孔凡禮，《蘇軾年譜》，1998年。']
    """
    lines = [(ln, k == 0) for b in blocks for k, ln in enumerate(b.lines)]
    left: dict[tuple[int, int], float] = {}
    for ln, _ in lines:
        left[(ln.page, ln.col)] = min(left.get((ln.page, ln.col), ln.x0), ln.x0)

    def inset(ln) -> bool:
        return ln.x0 - left[(ln.page, ln.col)] > 0.8 * ln.size

    paragraphs = bool(lines) and inset(lines[0][0])  # the first entry starts in: entries set as paragraphs
    entries: list[str] = []
    pages: list[int] = []
    seen: set[tuple[int, int]] = set()
    for ln, first in lines:
        top = (ln.page, ln.col) not in seen  # the first line of the list in its column: its indent is unknown
        seen.add((ln.page, ln.col))
        hanging = (inset(ln) or (top and bool(entries) and ends_open(entries[-1]))) and not paragraphs
        before = len(entries)
        if hanging and entries and (joined := join_hyphen(entries[-1], ln.text, words or Counter())):
            entries[-1] = joined
            continue
        add_reference(entries, ln.text, "\u3000" + ln.text if hanging else ln.text,
                      inset(ln) if paragraphs else first and not hanging, False)
        if len(entries) > before:
            pages.append(ln.page)
    return [Reference(k, text, note_urls(text), pages[k - 1] + 1, labels[pages[k - 1]])
            for k, text in enumerate(entries, 1)]
