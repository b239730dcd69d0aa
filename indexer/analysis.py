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

import re
import threading
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np
from whoosh.analysis import Filter, StopFilter, Token, Tokenizer
from whoosh.lang.porter import stem

from indexer import settings

# --------------------------------------------------------------------------
# Folding
# --------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_NON_SPACE = re.compile(r"\S")
_CJK_RANGES = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF)]
_fold_table: dict[int, int] | None = None
_fold_array = None
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


def _tables():
    """Return the fold table as a dict (for str.translate) and a numpy array (for long texts)."""
    global _fold_table, _fold_array
    if _fold_table is None:
        with _fold_lock:
            if _fold_table is None:
                table = _build_fold_table()
                array = np.arange(0x110000, dtype=np.uint32)
                array[np.fromiter(table.keys(), dtype=np.uint32)] = np.fromiter(table.values(), dtype=np.uint32)
                _fold_array = array
                _fold_table = table
    return _fold_table, _fold_array


def fold_table() -> dict[int, int]:
    """Return every character :func:`fold` changes and what it becomes (one code point each).

    The single source of folding: an OpenSearch index turns it into its
    ``mapping`` char_filter, so both backends fold exactly alike.

    >>> chr(fold_table()[ord("臺")]), chr(fold_table()[ord("Ａ")])
    ('台', 'a')
    """
    return dict(_tables()[0])


def fold(text: str) -> str:
    """Return ``text`` in Simplified characters, half-width, lower case, same length."""
    table, array = _tables()
    if len(text) < 256:
        return text.translate(table)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return array[codes].tobytes().decode("utf-32-le", "surrogatepass")  # ~10x str.translate


@lru_cache(maxsize=1)
def _script_sets() -> tuple[frozenset[str], frozenset[str]]:
    """Return (characters only Traditional text uses, characters only Simplified text uses)."""
    table, _ = _tables()
    def han(code: int) -> bool:
        return any(lo <= code <= hi for lo, hi in _CJK_RANGES)

    cjk = {k: v for k, v in table.items() if han(k) and han(v)}
    traditional = frozenset(map(chr, cjk))
    return traditional, frozenset(map(chr, set(cjk.values()) - set(cjk)))


def chinese_script(text: str, sample: int = 20_000) -> str | None:
    """Return "Hant" or "Hans", whichever script the text's characters show, or None if neither.

    >>> chinese_script("俄羅斯與美國的關係"), chinese_script("俄罗斯与美国的关系"), chinese_script("Putin")
    ('Hant', 'Hans', None)
    """
    traditional, simplified = _script_sets()
    head = text[:sample]
    hant = sum(ch in traditional for ch in head)
    hans = sum(ch in simplified for ch in head)
    if not hant and not hans:
        return None
    return "Hant" if hant >= hans else "Hans"


def article_language(article) -> str:
    """Return an article's language tag: zh-Hant or zh-Hans by its characters, en when it has no Chinese."""
    text = "".join([article.title.zh or "", article.abstract.zh or "", *(p.text for p in article.paragraphs[:20])])
    script = chinese_script(text)
    return f"zh-{script}" if script else ("en" if text.strip() else "zh-Hant")


@lru_cache(maxsize=512)
def compact(text: str) -> tuple[str, list[int]]:
    """Return the folded text without white space and each kept char's offset in ``text``.

    Cached: highlighting looks up every phrase of a query in the same passage.

    >>> compact("美 俄A")
    ('美俄a', [0, 2, 3])
    """
    folded = fold(text)
    if not _SPACE.search(folded):
        return folded, list(range(len(folded)))
    offsets = [m.start() for m in _NON_SPACE.finditer(folded)]
    return _SPACE.sub("", folded), offsets


# --------------------------------------------------------------------------
# Word segmentation
# --------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:[.'][^\W_]+)*")


@lru_cache(maxsize=1)
def _segmenter():
    """Load jieba-rs once, with the ``userdict`` setting's words added before any text is cut."""
    import rjieba

    userdict = settings.get("userdict")
    if userdict:
        load_userdict(Path(userdict))
    return rjieba


def cut(text: str) -> list[str]:
    """Cut ``text`` (folded) into jieba's words, the user dictionary applied.

    Everything that segments goes through here or :func:`segment`, so the user
    dictionary applies however early a word is cut.

    >>> cut("美俄关系")
    ['美俄', '关系']
    """
    return _segmenter().cut(text)


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
    before numbering, so ordinals are consecutive word positions. Runs of other
    scripts are split into words (``u.s`` and dotted domains stay whole, and
    with ``subwords`` their parts are added too). With ``subwords`` (index
    time), dictionary words inside a long word are emitted at the same ordinal,
    as jieba's search mode does, so 共和 finds 共和国.

    >>> segment("中华人民共和国")
    [('中华人民共和国', 0, 0, 7), ('中华', 0, 0, 2), ('华人', 0, 1, 3), ('人民', 0, 2, 4), ('共和', 0, 4, 6), ('共和国', 0, 4, 7)]
    >>> [w for w, *_ in segment("蒲亭(vladimir putin, владимир путин)")]
    ['蒲亭', 'vladimir', 'putin', 'владимир', 'путин']
    """
    jieba = _segmenter()
    has_word = jieba.has_word
    out: list[tuple[str, int, int, int]] = []
    append = out.append
    pos = 0
    end = 0
    run = -1  # start of a pending run of non-Han text

    def flush(run_start: int, run_end: int, pos: int) -> int:
        for m in _WORD.finditer(text, run_start, run_end):
            w, s = m.group(), m.start()
            append((w, pos, s, m.end()))
            if subwords and "." in w:
                for part in _WORD.finditer(w.replace(".", " ")):
                    append((part.group(), pos, s + part.start(), s + part.end()))
            pos += 1
        return pos

    for word in jieba.cut(text):
        start = end
        end = start + len(word)
        first = word[0]
        if "\u3400" <= first <= "\u9fff" or "\uf900" <= first <= "\ufaff" or first >= "\U00020000":
            if run >= 0:
                pos = flush(run, start, pos)
                run = -1
            append((word, pos, start, end))
            n = end - start
            if subwords and n > 2:
                for k in (2, 3):
                    for i in range(n - k + 1):
                        sub = word[i : i + k]
                        if sub != word and has_word(sub):
                            append((sub, pos, start + i, start + i + k))
            pos += 1
        elif run < 0:
            run = start
    if run >= 0:
        flush(run, end, pos)
    return out


_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]+")
_NON_HAN_WORD = re.compile(
    r"[^\W_\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]+"
    r"(?:[.'][^\W_\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]+)*"
)


def word_counts(text: str) -> Counter:
    """Count the indexed words of ``text`` (folded, subwords added, English stemmed).

    The same terms as :func:`segment` with ``subwords`` plus the stop and stem
    filters, counted without per-token Python work: the index-time fast path.

    >>> sorted(word_counts("美俄關係 Diplomatic Relations").items())
    [('diplomat', 1), ('relat', 1), ('关系', 1), ('美俄', 1)]
    """
    folded = fold(text)
    counts = Counter(_segmenter().cut_for_search("\n".join(_HAN_RUN.findall(folded))))
    counts.pop("\n", None)
    for w in _NON_HAN_WORD.findall(folded):
        parts = [w] + (w.replace(".", " ").split() if "." in w else [])
        for part in parts:
            if part in ENGLISH_STOP_WORDS:
                continue
            counts[stem_word(part)] += 1
    return counts


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
def stem_word(word: str) -> str:
    """Return the indexed form of a folded word: Latin words Porter-stemmed, others as they are.

    >>> stem_word("relations"), stem_word("关系")
    ('relat', '关系')
    """
    if word and word[0] < "\u0250" and word.isalpha():
        return stem(word)
    return word


class EnglishStemFilter(Filter):
    """Porter-stem Latin words; leave Chinese words alone."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = stem_word(t.text)
            yield t


ENGLISH_STOP_WORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the "
    "this to was were will with".split()
)


def word_analyzer():
    """Return the analyzer of word fields: segment, drop English stop words, stem English."""
    stop = StopFilter(stoplist=ENGLISH_STOP_WORDS, minsize=1, renumber=False)
    return ChineseTokenizer() | stop | EnglishStemFilter()
