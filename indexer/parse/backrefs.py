"""Back-references between notes: the one rule for what 同註N, 同前註, 前揭 and Ibid. point to.

A note may repeat an earlier one instead of citing a source again: by number
(同註5, 同注5, 前揭註5, 參註5, 見註5, supra note 5), as the previous note
(同前註, 同上, 同前揭, 前註, Ibid., Id.) or by the author of an earlier note
(鄭羽，前揭書 / Kramer, op. cit.). :func:`find_backref` reads such a pointer
at the start of a note, :func:`resolve` finds the note each pointer names.
The parser records the result as ``Footnote.same_as``; sources and exports
follow the same resolution.

>>> r = find_backref("同前註，頁198-235。")
>>> (r.previous, r.locator, r.pages)
(True, '頁198-235', '198-235')
>>> find_backref("參註1，頁5。").target, find_backref("Id. at 12.").previous
(1, True)
>>> {n: (x.target, x.problem) for n, x in resolve([(1, "鄭羽，《書》。"), (2, "李力，《書》。"),
...                                                (3, "鄭羽，前揭書，頁9。"), (4, "同註9。")]).items()}
{3: (1, None), 4: (9, 'missing')}
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PREFIX = re.compile(
    r"^\s*(?:另請參閱|請參閱|請參見|另參見|另見|參閱|參見|參照|請見|詳見|see also|see|cf\.)(?![A-Za-z])\s*[：:，,]?\s*", re.I
)
_NUMBERED = re.compile(
    r"^\s*(?:同前揭|同前引|前揭|前引|同|參見|參|見)\s*[註注]\s*(?P<n>\d{1,4})(?!\d)"
    r"|^\s*(?:supra\s+)?note\s+(?P<m>\d{1,4})(?!\d)",
    re.I,
)
_PREVIOUS = re.compile(
    r"^\s*(?:同前[註注揭引書文]|同上[註注書文揭引]?(?![\u4e00-\u9fff])|同上[註注書文揭引]"
    r"|同前(?![\u4e00-\u9fff])|前[註注](?!\s*\d)|ibid\.?|id\.)",
    re.I,
)
_BY_AUTHOR = re.compile(
    r"^\s*(?P<a>[^，,、：:。；;]{1,40}?)\s*[，,、]\s*(?:同前揭|前揭|前引|上揭|op\.\s*cit\.)(?:書|文|註|注)?", re.I
)
_SEGMENT_END = re.compile(r"[；;。]")
_TRIM = " \t\n,，.。:：;；、"
_TITLE_MARK = re.compile(r"[《〈「『“\"*]")
RANGE = r"\d+(?:\s*[-–—~～－]\s*\d+)?"
PAGES = re.compile(
    rf"頁\s*({RANGE}(?:\s*[、，,；;]\s*{RANGE})*)|第\s*({RANGE})\s*頁"
    rf"|\bpp?\.\s*({RANGE}(?:\s*[,;]\s*{RANGE})*)",
    re.I,
)
_ONE_RANGE = re.compile(r"(\d+)(?:\s*[-–—~～－]\s*(\d+))?")
_BARE_RANGE = re.compile(r"[,:]\s*(\d{1,4})\s*[-–—]\s*(\d{1,4})\.?\s*$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass
class BackRef:
    """A pointer at the start of a note to an earlier note."""

    target: int | None = None  # explicit note number
    previous: bool = False  # 同前註 / 同上 / Ibid.
    author: str | None = None  # 某某，前揭書
    locator: str | None = None  # what follows the pointer, e.g. "頁198-235"
    pages: str | None = None  # the pages in it, e.g. "198-235"
    text: str = ""  # the pointer as written, e.g. "同註13"


@dataclass
class Resolution:
    """Where a note's back-reference points: ``target``, or ``problem`` when it cannot."""

    ref: BackRef
    target: int | None = None
    problem: str | None = None  # "self" | "missing" | "later" | "first" | "no author"


def pages_in(s: str) -> str | None:
    """Return the pages cited in ``s`` as "94", "198-235" or "7-12, 30-45".

    >>> pages_in("頁 198-235。"), pages_in("pp. 7-12; 30-45."), pages_in("第3卷")
    ('198-235', '7-12, 30-45', None)
    """
    m = PAGES.search(s)
    if m:
        text = next(g for g in m.groups() if g)
        return ", ".join(f"{a}-{b}" if b else a for a, b in _ONE_RANGE.findall(text))
    if not _CJK.search(s) and (m := _BARE_RANGE.search(s)) and not 1500 <= int(m.group(1)) <= 2100:
        return f"{m.group(1)}-{m.group(2)}"
    return None


def find_backref(text: str) -> BackRef | None:
    """Return the back-reference a note starts with, or None."""
    body = _PREFIX.sub("", text, count=1)
    if m := _NUMBERED.match(body):
        ref = BackRef(target=int(m.group("n") or m.group("m")))
    elif m := _PREVIOUS.match(body):
        ref = BackRef(previous=True)
    elif m := _BY_AUTHOR.match(body):
        ref = BackRef(author=m.group("a").strip())
    else:
        return None
    ref.text = m.group(0).strip()
    rest = _SEGMENT_END.split(body[m.end():], maxsplit=1)[0].strip(_TRIM)
    if rest:
        ref.locator = rest
        ref.pages = pages_in(rest)
    return ref


def _head(text: str) -> str:
    """Return the part of a note that names its author: up to the first title mark."""
    m = _TITLE_MARK.search(text)
    return text[: m.start()] if m else text[:40]


def resolve(notes: list[tuple[int, str]]) -> dict[int, Resolution]:
    """Resolve the back-reference of every note (``(number, text)`` in reading order) that has one."""
    order = [n for n, _ in notes]
    defined = set(order)
    out: dict[int, Resolution] = {}
    for i, (n, text) in enumerate(notes):
        ref = find_backref(text)
        if ref is None:
            continue
        res = out[n] = Resolution(ref)
        if ref.target is not None:
            res.target = ref.target
            if ref.target == n:
                res.problem = "self"
            elif ref.target not in defined:
                res.problem = "missing"
            elif order.index(ref.target) > i:
                res.problem = "later"
        elif ref.previous:
            if i:
                res.target = order[i - 1]
            else:
                res.problem = "first"
        else:
            earlier = [m for m, t in notes[:i] if ref.author in _head(t)]
            if earlier:
                res.target = earlier[-1]
            else:
                res.problem = "no author"
    return out
