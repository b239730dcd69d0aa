"""The fixed latency query set, the random phrase sample and its brute-force truth.

The truth of a phrase is every unit whose normalised text contains the
normalised phrase: OpenCC ``t2s`` (length preserving) and lower case on both
sides, character by character (OpenCC's phrase rules would make the truth of
a phrase depend on its neighbours), so a query in either script has one and
the same answer.

>>> normalize("臺灣 ＡＢＣ 關係")
'台湾 ａｂｃ 关系'
>>> truth = Truth([(("a", "p1"), "美俄關係"), (("a", "p2"), "美國"), (("b", "p1"), "关系")])
>>> sorted(truth.find("關係"))
[('a', 'p1'), ('b', 'p1')]
>>> sorted(truth.find("美"))
[('a', 'p1'), ('a', 'p2')]
"""

from __future__ import annotations

import bisect
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_SEP = "\x00"
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


class _CharTable(dict):
    """Map each character to its own ``t2s`` form, context-free, filled on first sight."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = _t2s().convert(ch)
        self[code] = out if len(out) == 1 else ch
        return self[code]


_TABLE = _CharTable()


def normalize(text: str) -> str:
    """Fold ``text`` to Simplified lower case character by character, keeping its length."""
    return text.translate(_TABLE).lower()


def to_simplified(text: str) -> str:
    """Return the Simplified-script form of a query."""
    return text.translate(_TABLE)


@dataclass(frozen=True)
class Query:
    kind: str  # word-trad | word-simp | phrase | char | english | field
    text: str
    field: str | None = None


# Words and phrases of the opinions' own vocabulary, in both scripts.
QUERY_SET: tuple[Query, ...] = (
    *(Query("word-trad", w) for w in ("憲法", "人身自由", "比例原則", "財產權", "平等原則",
                                       "釋憲聲請", "司法院", "立法者", "審查標準", "婚姻")),
    *(Query("word-simp", w) for w in ("宪法", "人身自由", "比例原则", "财产权", "平等原则",
                                       "释宪声请", "司法院", "立法者", "审查标准", "婚姻")),
    *(Query("phrase", w) for w in ("正當法律程序", "法律明確性原則", "基本權", "暫時收容期間",
                                   "违反比例原则", "信賴保護原則")),
    *(Query("char", w) for w in ("憲", "法", "罰", "礙", "乙")),
    *(Query("english", w) for w in ("Convention", "due process", "human rights",
                                     "Court", "proportionality")),
    *(Query("field", w, "title") for w in ("協同意見書", "不同意见书", "部分")),
)


def sample_phrases(texts: Iterable[str], n: int, seed: int = 7, max_len: int = 8) -> list[str]:
    """Draw ``n`` random runs of 1..max_len Han characters from ``texts``, uniformly by position.

    >>> sample_phrases(["美俄關係 abc", "憲法"], 4, seed=1)
    ['美俄關係', '憲法', '憲', '美俄關係']
    """
    runs = [r for text in texts for r in _HAN_RUN.findall(text)]
    weights = [len(r) for r in runs]
    rng = random.Random(seed)
    out = []
    for run in rng.choices(runs, weights=weights, k=n):
        length = rng.randint(1, min(max_len, len(run)))
        start = rng.randint(0, len(run) - length)
        out.append(run[start : start + length])
    return out


class Truth:
    """A brute-force phrase oracle over one engine's units."""

    def __init__(self, units: Iterable[tuple[tuple[str, str], str]]):
        ids, parts, starts, pos = [], [], [], 0
        for uid, text in units:
            ids.append(uid)
            starts.append(pos)
            norm = normalize(text.replace(_SEP, " "))
            parts.append(norm)
            pos += len(norm) + 1
        self.ids = ids
        self.starts = starts
        self.text = _SEP.join(parts)
        self.texts = [(uid, t) for uid, t in zip(ids, parts)]

    def find(self, phrase: str) -> set[tuple[str, str]]:
        """Return the units whose normalised text contains ``phrase``."""
        needle = normalize(phrase)
        found: set[tuple[str, str]] = set()
        i = self.text.find(needle)
        while i != -1:
            k = bisect.bisect_right(self.starts, i) - 1
            found.add(self.ids[k])
            nxt = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.text)
            i = self.text.find(needle, nxt)
        return found


def score(returned: set, truth: set) -> tuple[int, int, int]:
    """Return (true positives, returned, relevant) for one phrase.

    >>> score({1, 2, 3}, {2, 3, 4})
    (2, 3, 3)
    """
    return len(returned & truth), len(returned), len(truth)
