"""Keyword in context: every occurrence of a phrase, with its left and right context.

An occurrence is exactly what phrase search matches (:func:`indexer.search.highlight.find_phrase`):
script-, case- and white-space-insensitive, found through the length-preserving
:func:`indexer.analysis.fold`, so contexts are cut from the original text.

>>> lines = kwic([("a1", "p1", "自從蘇聯解體後，美俄關係總是由美國強勢領導")], "苏联解体", width=4)
>>> [(x.left, x.match, x.right, x.start) for x in lines]
[('自從', '蘇聯解體', '後，美俄', 2)]
>>> print(format_line(lines[0], width=4))
    自從 [蘇聯解體] 後，美俄
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Iterable, Iterator

from indexer.analysis import fold
from indexer.errors import QueryError
from indexer.search.highlight import find_phrase
from indexer.model import Article

SORT_KEYS = ("right", "left", "position")


@dataclass
class KwicLine:
    """One occurrence: ``match`` at offset ``start`` of passage ``passage`` of ``article``.

    ``seq`` numbers the passages in the order they were given (reading order).
    """

    article: str
    passage: str
    left: str
    match: str
    right: str
    start: int
    seq: int = 0


def find_occurrences(text: str, phrase: str) -> list[int]:
    """Return the offset of every occurrence of ``phrase`` in ``text``, overlapping ones too.

    >>> find_occurrences("aaa", "aa")
    [0, 1]
    >>> find_occurrences("俄羅斯 Putin、普京", "PUTIN"), find_occurrences("蘇聯 解體", "苏联解体")
    ([4], [0])
    """
    return [start for start, _end in find_phrase(text, phrase)]


def kwic(passages: Iterable[tuple[str, str, str]], phrase: str, width: int = 20) -> list[KwicLine]:
    """List every occurrence of ``phrase`` in (article id, passage id, text) triples, in order.

    ``width`` is the number of characters of context on each side.
    """
    needle = phrase.strip()
    if not needle:
        raise QueryError("empty phrase; give a word or phrase to look up, e.g. 蘇聯解體", code="empty_phrase")
    if width < 0:
        raise QueryError(f"context width {width} is negative; give 0 or more characters")
    lines = []
    for seq, (article, passage, text) in enumerate(passages):
        for start, end in find_phrase(text, needle):
            lines.append(
                KwicLine(
                    article,
                    passage,
                    text[max(0, start - width):start],
                    text[start:end],
                    text[end:end + width],
                    start,
                    seq,
                )
            )
    return lines


def sort_lines(lines: Iterable[KwicLine], key: str = "right") -> list[KwicLine]:
    """Sort by right context, by left context read backwards from the match, or by position.

    Contexts compare folded (t2s, lower case); ties keep the order of position.

    >>> rows = [KwicLine("a", "p1", "xb", "K", "2", 0), KwicLine("a", "p2", "ya", "K", "1", 0)]
    >>> [x.passage for x in sort_lines(rows, "right")], [x.passage for x in sort_lines(rows, "left")]
    (['p2', 'p1'], ['p2', 'p1'])
    """
    if key not in SORT_KEYS:
        raise QueryError(f"unknown sort order {key!r}; use one of: {', '.join(SORT_KEYS)}")
    if key == "right":
        return sorted(lines, key=lambda x: (fold(x.right), _position(x)))
    if key == "left":
        return sorted(lines, key=lambda x: (fold(x.left)[::-1], _position(x)))
    return sorted(lines, key=_position)


def counts(lines: Iterable[KwicLine]) -> dict[str, int]:
    """Count the occurrences per article, articles in the order they first occur.

    >>> counts([KwicLine("b", "p1", "", "K", "", 0), KwicLine("a", "p1", "", "K", "", 0),
    ...         KwicLine("b", "p2", "", "K", "", 3)])
    {'b': 2, 'a': 1}
    """
    return dict(Counter(line.article for line in lines))


@dataclass
class Concordance:
    """Every occurrence of a phrase, sorted, with counts per article (``lines`` may be capped)."""

    phrase: str
    sort: str
    width: int
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    lines: list[KwicLine] = field(default_factory=list)
    truncated: bool = False

    def to_dict(self) -> dict:
        """Return the JSON shape of ``jiansuo concordance --json`` and ``/api/concordance``."""
        return {"query": self.phrase, "sort": self.sort, "width": self.width, "total": self.total,
                "counts": self.counts, "lines": [asdict(x) for x in self.lines]}


def concordance(passages: Iterable[tuple[str, str, str]], phrase: str, sort: str = "position",
                width: int = 20, max_lines: int | None = None) -> Concordance:
    """Return the sorted concordance of ``phrase`` over (article, passage, text) triples in reading order."""
    lines = sort_lines(kwic(passages, phrase, width), sort)
    shown = lines if max_lines is None else lines[:max_lines]
    return Concordance(phrase, sort, width, len(lines), counts(lines), shown, len(shown) < len(lines))


def passages_of(articles: Iterable[Article]) -> Iterator[tuple[str, str, str]]:
    """Yield (article id, paragraph id, text) for every paragraph: the input of :func:`kwic`."""
    for article in articles:
        for paragraph in article.paragraphs:
            yield article.id, paragraph.id, paragraph.text


def format_line(line: KwicLine, width: int = 20) -> str:
    """Render a line for a terminal: left context right-aligned to ``width`` columns, match in brackets.

    Wide (CJK) characters count as two columns; newlines show as spaces.
    """
    left = line.left.replace("\n", " ")
    pad = max(0, 2 * width - _columns(left))
    return f"{' ' * pad}{left} [{line.match}] {line.right.replace(chr(10), ' ')}"


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _position(line: KwicLine) -> tuple:
    return line.seq, line.start


