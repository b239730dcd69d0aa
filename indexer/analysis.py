"""Text analysis: fold scripts, segment words, cut character n-grams.

Everything a field indexes goes through :func:`fold` first, a context-free,
length-preserving mapping (OpenCC ``t2s`` per character, full-width ASCII to
ASCII, lower case). Because it keeps the length, every offset computed on the
folded text is also an offset into the original, so highlights always point
into the article's own script.

Three token streams are built on top of it, each a Whoosh tokenizer so that
they compose with Whoosh filters (``ChineseTokenizer() | EnglishStemFilter()``):

* :class:`ChineseTokenizer` -- words from jieba's dictionary (via ``rjieba``,
  jieba-rs), positions are word ordinals so phrase queries work;
* :class:`GramTokenizer` -- overlapping character n-grams, positions are
  character ordinals with white space skipped, for exact phrases that never
  depend on the segmenter.

>>> fold("臺灣 ＡＢＣ")
'台湾 abc'
>>> [t.text for t in word_analyzer()("俄羅斯的外交關係 Diplomatic Relations")]
['俄罗斯', '的', '外交关系', 'diplomat', 'relat']
>>> [t.text for t in word_analyzer()("外交關係", mode="index")]
['外交关系', '外交', '交关', '关系']
>>> [(t.text, t.pos) for t in GramTokenizer(2)("美俄 關係", positions=True)]
[('美俄', 0), ('俄关', 1), ('关系', 2)]
"""

from __future__ import annotations

import os
import re
import threading
from functools import lru_cache
from pathlib import Path

from whoosh.analysis import Filter, StopFilter, Token, Tokenizer
from whoosh.lang.porter import stem

# --------------------------------------------------------------------------
# Folding
# --------------------------------------------------------------------------

_CJK_RANGES = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF)]
_fold_table: dict[int, int] | None = None
_fold_lock = threading.Lock()


def _build_fold_table() -> dict[int, int]:
    """Map every character whose ``t2s`` form is a single other character."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    chars = [chr(c) for lo, hi in _CJK_RANGES for c in range(lo, hi + 1)]
    converted = t2s.convert("\n".join(chars)).split("\n")
    table: dict[int, int] = {}
    if len(converted) == len(chars):
        for src, dst in zip(chars, converted):
            if len(dst) == 1 and dst != src:
                table[ord(src)] = ord(dst)
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII
        table[code] = code - 0xFEE0
    table[0x3000] = 0x20  # ideographic space
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = code + 32
    for code in range(0xFF21, 0xFF3B):  # full-width A-Z → a-z
        table[code] = code - 0xFEE0 + 32
    return table


def fold(text: str) -> str:
    """Return ``text`` in Simplified characters, half-width, lower case, same length."""
    global _fold_table
    if _fold_table is None:
        with _fold_lock:
            if _fold_table is None:
                _fold_table = _build_fold_table()
    return text.translate(_fold_table)


def compact(text: str) -> tuple[str, list[int]]:
    """Return the folded text without white space and each kept char's offset in ``text``.

    >>> compact("美 俄A")
    ('美俄a', [0, 2, 3])
    """
    folded = fold(text)
    offsets = [i for i, ch in enumerate(folded) if not ch.isspace()]
    return "".join(folded[i] for i in offsets), offsets


# --------------------------------------------------------------------------
# Word segmentation
# --------------------------------------------------------------------------

_LATIN = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]")


@lru_cache(maxsize=1)
def _segmenter():
    """Load jieba-rs once; honour ``JIANSUO_USERDICT`` (jieba's user dictionary format)."""
    import rjieba

    userdict = os.environ.get("JIANSUO_USERDICT")
    if userdict:
        load_userdict(Path(userdict))
    return rjieba


def load_userdict(path: Path) -> int:
    """Add the words of a jieba-format user dictionary (``word [freq] [tag]`` per line).

    Entries are folded first, because segmentation runs on folded text.
    Returns the number of words added.
    """
    import rjieba

    count = 0
    for line in path.read_text("utf-8").splitlines():
        parts = line.strip().split()
        if not parts or parts[0].startswith("#"):
            continue
        word = fold(parts[0])
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        rjieba.add_word(word, freq, parts[2] if len(parts) > 2 else None)
        count += 1
    return count


def segment(text: str, subwords: bool = True) -> list[tuple[str, int, int, int]]:
    """Return ``(word, ordinal, start, end)`` for the words of ``text``.

    ``text`` must already be folded. Punctuation and white space are dropped
    before numbering, so ordinals are consecutive word positions. Latin runs are
    split on non-alphanumerics (``u.s`` and dotted domains stay whole). With
    ``subwords`` (index time), dictionary words inside a long word are emitted at
    the same ordinal, as jieba's search mode does, so 共和 finds 共和国.

    >>> segment("中华人民共和国")
    [('中华人民共和国', 0, 0, 7), ('中华', 0, 0, 2), ('华人', 0, 1, 3), ('人民', 0, 2, 4), ('共和', 0, 4, 6), ('共和国', 0, 4, 7)]
    """
    jieba = _segmenter()
    out: list[tuple[str, int, int, int]] = []
    pos = 0
    for word, start, end in jieba.tokenize(text):
        first = word[0]
        if first.isspace():
            continue
        if first < "\u3400" or not _HAN.match(first):
            for m in _LATIN.finditer(word):
                w = m.group()
                s = start + m.start()
                out.append((w, pos, s, s + len(w)))
                if "." in w and subwords:
                    for part in _LATIN.finditer(w.replace(".", " ")):
                        out.append((part.group(), pos, s + part.start(), s + part.end()))
                pos += 1
            continue
        out.append((word, pos, start, end))
        n = len(word)
        if subwords and n > 2:
            for k in (2, 3):
                for i in range(n - k + 1):
                    sub = word[i : i + k]
                    if sub != word and jieba.has_word(sub):
                        out.append((sub, pos, start + i, start + i + k))
        pos += 1
    return out


def grams(text: str, n: int) -> list[tuple[str, int, int, int]]:
    """Return ``(gram, ordinal, start, end)`` for the character n-grams of ``text``.

    White space is skipped (PDF extraction scatters it: ``1991 年`` = ``1991年``);
    every other character, punctuation included, counts. A text shorter than
    ``n`` characters yields no n-gram.
    """
    chars, offsets = compact(text)
    return [
        (chars[i : i + n], i, offsets[i], offsets[i + n - 1] + 1)
        for i in range(len(chars) - n + 1)
    ]


# --------------------------------------------------------------------------
# Whoosh tokenizers and filters
# --------------------------------------------------------------------------


class _ListTokenizer(Tokenizer):
    """Turn a list of ``(text, pos, start, end)`` into Whoosh's reused Token."""

    def _items(self, value: str, mode: str) -> list[tuple[str, int, int, int]]:
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for text, pos, start, end in self._items(value, mode):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


class ChineseTokenizer(_ListTokenizer):
    """Segment folded text into words; subwords are added at index time only."""

    def _items(self, value, mode):
        return segment(fold(value), subwords=(mode == "index"))

    def __eq__(self, other):
        return type(other) is type(self)


class GramTokenizer(_ListTokenizer):
    """Cut folded text into overlapping character ``n``-grams (white space skipped)."""

    def __init__(self, n: int = 2):
        self.n = n

    def _items(self, value, mode):
        return grams(value, self.n)

    def __eq__(self, other):
        return type(other) is type(self) and other.n == self.n


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    return stem(word)


class EnglishStemFilter(Filter):
    """Porter-stem Latin words; leave Chinese words alone."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if text and text[0] < "\u0250" and text.isalpha():
                t.text = _stem(text)
            yield t


ENGLISH_STOP_WORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the "
    "this to was were will with".split()
)


def word_analyzer():
    """Return the analyzer of word fields: segment, drop English stop words, stem English."""
    stop = StopFilter(stoplist=ENGLISH_STOP_WORDS, minsize=1, renumber=False)
    return ChineseTokenizer() | stop | EnglishStemFilter()
