"""Keyword in context: every occurrence of a phrase, with its left and right context.

Matching ignores the script (Traditional/Simplified) and Latin case. Text and
phrase are folded with OpenCC ``t2s``, full-width to ASCII and lower case, all
length-preserving, so an offset found in the folded text is an offset in the
original and contexts are cut from the original. Two foldings are searched
and their matches merged: OpenCC's phrase-aware one (計畫 → 计划, so 计划
finds 計畫) and a per-character one (畫 → 画 everywhere, so 畫 also finds the
畫 of 計畫, which the phrase-aware folding turned into 划).

>>> lines = kwic([("a1", "p1", "自從蘇聯解體後，美俄關係總是由美國強勢領導")], "苏联解体", width=4)
>>> [(x.left, x.match, x.right, x.start) for x in lines]
[('自從', '蘇聯解體', '後，美俄', 2)]
>>> print(format_line(lines[0], width=4))
    自從 [蘇聯解體] 後，美俄
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

from indexer.errors import QueryError
from indexer.model import Article

SORT_KEYS = ("right", "left", "position")
_WIDE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_DIGITS = re.compile(r"(\d+)")
_char_t2s: dict[int, int] = {}  # per-character t2s, filled as characters are met
_seen: set[str] = set()
_lock = threading.Lock()


@dataclass
class KwicLine:
    """One occurrence: ``match`` at offset ``start`` of passage ``passage`` of ``article``."""

    article: str
    passage: str
    left: str
    match: str
    right: str
    start: int


def find_occurrences(text: str, phrase: str) -> list[int]:
    """Return the offset of every occurrence of ``phrase`` in ``text``, overlapping ones too.

    >>> find_occurrences("aaa", "aa")
    [0, 1]
    >>> find_occurrences("俄羅斯 Putin、普京", "PUTIN"), find_occurrences("計畫", "计划")
    ([4], [0])
    """
    if not phrase:
        return []
    found: set[int] = set()
    for folded_text, folded_phrase in zip(_folds(text), _folds(phrase)):
        at = folded_text.find(folded_phrase)
        while at >= 0:
            found.add(at)
            at = folded_text.find(folded_phrase, at + 1)
    return sorted(found)


def kwic(passages: Iterable[tuple[str, str, str]], phrase: str, width: int = 20) -> list[KwicLine]:
    """List every occurrence of ``phrase`` in (article id, passage id, text) triples, in order.

    ``width`` is the number of characters of context on each side.
    """
    needle = phrase.strip()
    if not needle:
        raise QueryError("empty phrase; give a word or phrase to look up, e.g. 蘇聯解體")
    if width < 0:
        raise QueryError(f"context width {width} is negative; give 0 or more characters")
    lines = []
    for article, passage, text in passages:
        for start in find_occurrences(text, needle):
            end = start + len(needle)
            lines.append(
                KwicLine(
                    article,
                    passage,
                    text[max(0, start - width):start],
                    text[start:end],
                    text[end:end + width],
                    start,
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
        return sorted(lines, key=lambda x: (_fold_chars(x.right), _position(x)))
    if key == "left":
        return sorted(lines, key=lambda x: (_fold_chars(x.left)[::-1], _position(x)))
    return sorted(lines, key=_position)


def counts(lines: Iterable[KwicLine]) -> dict[str, int]:
    """Count the occurrences per article, articles in the order they first occur.

    >>> counts([KwicLine("b", "p1", "", "K", "", 0), KwicLine("a", "p1", "", "K", "", 0),
    ...         KwicLine("b", "p2", "", "K", "", 3)])
    {'b': 2, 'a': 1}
    """
    return dict(Counter(line.article for line in lines))


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
    return _natural(line.article), _natural(line.passage), line.start


def _natural(ident: str) -> list:
    """Split an id so that p2 sorts before p10."""
    parts: list = _DIGITS.split(ident)
    parts[1::2] = [int(part) for part in parts[1::2]]
    return parts


@lru_cache(maxsize=4096)
def _folds(text: str) -> tuple[str, str]:
    """Return the phrase-aware and the per-character folding of ``text``."""
    per_char = _fold_chars(text)
    whole = _t2s().convert(text)
    if len(whole) != len(text):  # OpenCC t2s keeps the length; never trust it blindly
        return per_char, per_char
    return _fold_case(whole), per_char


def _fold_chars(text: str) -> str:
    new = {ch for ch in text if ch >= "\u2e80"} - _seen
    if new:
        with _lock:
            chars = sorted(new)
            out = _t2s().convert("\n".join(chars)).split("\n")
            if len(out) != len(chars):
                out = [_t2s().convert(ch) for ch in chars]
            for ch, simple in zip(chars, out):
                if len(simple) == 1 and simple != ch:
                    _char_t2s[ord(ch)] = ord(simple)
            _seen.update(chars)
    return _fold_case(text.translate(_char_t2s))


def _fold_case(text: str) -> str:
    text = text.translate(_WIDE)
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)  # İ → i̇


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")
