"""Query words: how a query is cut, which words carry information, and the limits on a search.

:func:`tokens` cuts text as the index does (folded, English stemmed).

A pasted question (誰認為希臘語…的語言？) becomes a bag of its informative
words; the function words and question words around them (誰, 是, 的, what,
does) are left out, unless nothing else is left. Lists are folded
(Simplified, lower case), as queries are when they are compared.

>>> [w for w in ["谁", "认为", "希腊语", "的", "what", "putin", "吗", "，"] if is_informative(w)]
['认为', '希腊语', 'putin']
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from indexer import settings
from indexer.analysis import ENGLISH_STOP_WORDS, fold, segment, stem_word
from indexer.errors import QueryError
from indexer.search.query import And, Not, Or, Required, Word

QUESTION_WORDS = frozenset(
    "什么 什么样 哪 哪个 哪些 哪里 哪儿 哪一 哪一个 哪一年 哪一种 哪种 哪位 哪家 哪国 哪方 谁 何 何时 何处 何地 何者 何种 "
    "如何 为何 为什么 是否 是不是 有没有 能否 可否 吗 么 呢 吧 多少 几 几个 几年 怎么 怎样 怎么样 多久 多大 多长 "
    "请问 请 问".split()
)
CHINESE_STOP_WORDS = frozenset(
    "的 了 着 过 地 得 之 其 而 及 与 和 或 并 且 也 都 就 又 还 才 在 于 从 自 向 往 对 把 被 让 给 由 以 为 因 因为 所以 "
    "是 有 这 那 这个 那个 这些 那些 此 该 个 一个 一种 一 上 下 中 内 时 后 前 等 所 者 则 即 但 但是 却 若 如果 "
    "会 能 可以 可 要 将 已 已经 曾 曾经 被称为 称为 叫做 名为 位于 属于 成为 当 最 更 很 非常 之一 哪一 其中".split()
)
ENGLISH_QUESTION_WORDS = frozenset(
    "what which who whom whose when where why how does do did is are was were can could should would "
    "i me my we our you your he she they them their his her there been being not no about into than "
    "then so if but".split()
)
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]")
STOP_WORDS = QUESTION_WORDS | CHINESE_STOP_WORDS | ENGLISH_STOP_WORDS | ENGLISH_QUESTION_WORDS
_HAS_WORD_CHAR = re.compile(r"[^\W_]")


_ASKING = QUESTION_WORDS | frozenset("what which who whom whose when where why how".split())


def asks(words: list[str], text: str) -> bool:
    """Tell whether a query is a question: a question word among its folded ``words``, or a final ?.

    >>> asks(["谁", "发明"], "誰發明"), asks(["发明"], "發明？"), asks(["发明"], "發明")
    (True, True, False)
    """
    return text.rstrip().endswith(("?", "？")) or any(w in _ASKING for w in words)


def is_informative(word: str) -> bool:
    """Tell whether a folded query word carries information (not punctuation, stop or question word)."""
    return bool(_HAS_WORD_CHAR.search(word)) and word not in STOP_WORDS and not word.startswith("哪")


QUESTION_HEADS = frozenset("时候 时间 地方 样子 东西 人 原因 方式 方法".split())  # 什麼時候: "when"


def informative(toks: list[Token]) -> list[bool]:
    """Tell for each word whether it carries information, question phrases included.

    A question word asks through the word after it: 哪一座 is cut 哪 + 一座 and
    什麼時候 什么 + 时候; a counted word (一座, 几个) or a question head (时候,
    地方) right after a question word is part of the question.

    >>> toks = tokens("哪一座城市在什麼時候建立？")
    >>> [t.text for t, ok in zip(toks, informative(toks)) if ok]
    ['城市', '建立']
    """
    out, asking = [], False
    for t in toks:
        part_of_question = asking and (t.key in QUESTION_HEADS or (len(t.key) == 2 and t.key[0] in "一几"))
        out.append(is_informative(t.key) and not part_of_question)
        asking = t.key in _ASKING or t.key.startswith("哪")
    return out


@dataclass
class Token:
    text: str  # as typed
    key: str  # folded; stemmed if Latin
    han: bool


class Deadline:
    """A time budget for one search; :meth:`check` raises once it is spent."""

    def __init__(self, ms: int | None = None):
        ms = settings.get_int("search_timeout_ms") if ms is None else ms
        self.ms = ms
        self.end = time.monotonic() + ms / 1000

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise QueryError(f"The search took longer than {self.ms:,} ms and was stopped. "
                             "Search for fewer or rarer words, or a quoted phrase.", code="timeout", ms=self.ms)


def tokens(text: str) -> list[Token]:
    """Return the words of ``text`` as typed and as indexed (English stop words left out).

    >>> [(t.text, t.key) for t in tokens("俄羅斯的Relations")]
    [('俄羅斯', '俄罗斯'), ('的', '的'), ('Relations', 'relat')]
    """
    folded = fold(text)
    out = []
    for w, _pos, start, end in segment(folded, subwords=False):
        han = bool(_HAN.match(w))
        if not han and w in ENGLISH_STOP_WORDS:
            continue
        out.append(Token(text[start:end], w if han else stem_word(w), han))
    return out


def count_terms(node, strict: bool = False) -> int:
    """Count the words, phrases, fields and operators of a tree.

    Unquoted best-match words at the top level count nothing here: they are
    kept, most informative first, within what the limit leaves.

    >>> from indexer.search.query import parse_query
    >>> count_terms(parse_query("憲法 -丁 -丂 -七")), count_terms(parse_query("美俄關係 外交"), strict=True)
    (6, 3)
    """
    if isinstance(node, And):
        return sum(count_terms(n, strict) for n in node.items)
    if isinstance(node, (Or, Not, Required)):
        items = node.items if isinstance(node, Or) else [node.item]
        return 1 + sum(count_terms(n, True) for n in items)
    if isinstance(node, Word):
        return max(1, len(tokens(node.text))) if strict else 0
    return 1
