"""Section headings: numbering styles, their levels, and lines that only look like headings.

Articles, theses and law reviews number their headings in a few nested
styles: 上編 / 第一章 / 第一節 / 第一項 / 第一款, 壹、 一、 （一） 1. (1) ①, and
decimal outlines (1 / 1.1 / 1.1.1). :func:`heading_style` names the style
of a line; :class:`Outline` gives each heading its level from the styles
open above it, so 一、 is level 2 under 壹、 and level 3 under 第一節.
Unnumbered headings (前言, 結論, 參考文獻, 附錄 …) take the top level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Words a count or date is followed by: 3 月, 20 世紀, 5% are never note markers nor heading numbers.
COUNTED = re.compile(r"[\s\u3000]*(?:[年月日時时秒%％]|世紀|世纪|年代|小時|小时|週年|周年|[.．]\d)")

_CN = "一二三四五六七八九十百零〇○兩"
_FORMAL = "壹貳參叁肆伍陸柒捌玖拾"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# (style, pattern, level when no style encloses it); order = outer to inner.
STYLES: list[tuple[str, re.Pattern, int]] = [
    ("part", re.compile(rf"^(?:第[{_CN}\d]+[編篇部]|[上中下][編篇](?=[\s\u3000：:、．]|$))"), 1),
    ("chapter", re.compile(rf"^第[{_CN}\d]+章"), 1),
    ("section", re.compile(rf"^第[{_CN}\d]+節"), 2),
    ("item", re.compile(rf"^第[{_CN}\d]+項"), 3),
    ("clause", re.compile(rf"^第[{_CN}\d]+款"), 4),
    ("formal", re.compile(rf"^[{_FORMAL}]+[、．.]"), 1),
    ("cn", re.compile(rf"^[{_CN}]+[、．]"), 2),
    ("cn_paren", re.compile(rf"^[（(][{_CN}]+[）)]"), 3),
    ("arabic", re.compile(r"^\d{1,2}(?:[、．]|[.](?!\d))|^\d{1,2}(?=[\s\u3000]+[^\d\s])"), 1),
    ("decimal2", re.compile(r"^\d{1,2}[.．]\d{1,2}[.．]?(?=[\s\u3000]*[^\d\s.．])"), 2),
    ("decimal3", re.compile(r"^\d{1,2}(?:[.．]\d{1,2}){2}[.．]?(?=[\s\u3000]*[^\d\s.．])"), 3),
    ("decimal4", re.compile(r"^\d{1,2}(?:[.．]\d{1,2}){3}[.．]?(?=[\s\u3000]*[^\d\s.．])"), 4),
    ("arabic_paren", re.compile(r"^[（(]\d{1,2}[）)]"), 5),
    ("circled", re.compile(rf"^[{_CIRCLED}]"), 6),
]
_RANK = {name: i for i, (name, _, _) in enumerate(STYLES)}
_USUAL = {"arabic": 4}  # "1." under （一）; alone (1 引言, 2 方法) an outline's top level
_MATCH_ORDER = [s for s in STYLES if s[0].startswith("decimal")][::-1] + [
    s for s in STYLES if not s[0].startswith("decimal")]
_BASE = {name: base for name, _, base in STYLES}
# Styles that lists use too: a run of them with nothing between is a list, not headings.
LIST_STYLES = {"arabic", "arabic_paren", "circled"}

PLAIN_HEADINGS = {
    "前言", "緒論", "绪论", "導論", "导论", "引言", "序論", "結論", "结论", "結語", "结语", "餘論", "余论",
    "參考文獻", "参考文献", "參考書目", "参考书目", "引用文獻", "附錄", "附录", "註釋", "注釋", "注释",
    "謝辭", "致謝", "致谢", "後記", "后记", "References", "Bibliography", "Notes", "Introduction",
    "Conclusion", "Conclusions", "Acknowledgements", "Appendix",
}
NOTE_HEADINGS = {"註釋", "注釋", "注释", "註", "注", "附註", "附注", "尾註", "尾注", "Notes", "NOTES", "Endnotes"}
REFERENCE_HEADINGS = {
    "參考文獻", "参考文献", "參考書目", "参考书目", "引用文獻", "引用文献", "徵引書目", "征引书目",
    "References", "REFERENCES", "Bibliography", "BIBLIOGRAPHY", "Works Cited",
}
_APPENDIX = re.compile(rf"^(?:附錄|附录)[{_CN}\d]*(?:[、：:\s\u3000]|$)|^Appendix\b")
_TABLE_ROW = re.compile(r"[\s\u3000]\d[\d.,%]*(?:[\s\u3000]|$)")
_NOT_HEADING_END = set("。！？；，、,;")
_SENTENCE = re.compile(r"[。！？；]|，.{0,3}$|^.{26,}，|，(?=.{20})")
_MAX = 60


def heading_style(text: str) -> str | None:
    """Return the numbering style of a heading line, or None if it is not a heading.

    A heading is short, has no sentence inside and does not end like one; a
    numbered line with sentences (``一、本文認為……。``) is a numbered paragraph.

    >>> [heading_style(t) for t in ("第一節　佛法甚深", "（二）現況", "1.1 研究背景", "2. 方法", "一、本文。")]
    ['section', 'cn_paren', 'decimal2', 'arabic', None]
    """
    text = text.strip()
    if not text or len(text) > _MAX or text[-1] in _NOT_HEADING_END or _SENTENCE.search(text):
        return None
    for name, pattern, _ in _MATCH_ORDER:
        if m := pattern.match(text):
            if name in ("arabic", "arabic_paren") and COUNTED.match(text, m.end()):
                return None  # 20 世紀…, 3 月…: a count or a date, not a number of a heading
            if name == "arabic" and _TABLE_ROW.search(text, m.end()):
                return None  # "1 台北市 35 40": a row of a table
            return name
    return None


def heading_level(text: str) -> int | None:
    """Return the usual level of a numbered heading, read on its own, else None.

    壹、 and 第一章 are 1, 一、 and 第一節 2, （一） 3, 1、 4, (1) 5, ① 6. Within an
    article, :class:`Outline` gives the level from the headings open above it
    (``Outline().level(heading_style(text))`` for each heading in order).

    >>> [heading_level(t) for t in ("壹、前言", "二、拜登上台前之俄美關係", "（一）背景", "1、細項", "一、本文。")]
    [1, 2, 3, 4, None]
    """
    style = heading_style(text)
    return _USUAL.get(style, _BASE.get(style)) if style else None


def plain_heading(text: str) -> bool:
    """Tell whether ``text`` is an unnumbered heading word such as 前言, 參考文獻 or 附錄一.

    >>> plain_heading("結論"), plain_heading("参考文献："), plain_heading("附錄一：訪談大綱"), plain_heading("結論是")
    (True, True, True, False)
    >>> plain_heading("附錄　蘇軾題畫詩編年簡表"), plain_heading("附錄中的表格顯示了結果。")
    (True, False)
    """
    spaced = text.strip()
    text = re.sub(r"[\s\u3000]+", "", text).rstrip(":：")
    return text in PLAIN_HEADINGS or text in NOTE_HEADINGS or text in REFERENCE_HEADINGS or bool(
        _APPENDIX.match(spaced) and len(text) <= 30 and not _SENTENCE.search(text)
    )


def part_of(text: str) -> str | None:
    """Return "notes" or "references" when a heading opens the end-notes or the reference list.

    >>> part_of("注释："), part_of("參考文獻"), part_of("References"), part_of("結論")
    ('notes', 'references', 'references', None)
    """
    text = re.sub(r"[\s\u3000]+", "", text).rstrip(":：")
    if text in NOTE_HEADINGS:
        return "notes"
    if text in REFERENCE_HEADINGS:
        return "references"
    return None


def number_of(text: str, style: str) -> int | None:
    """Return the Arabic or Chinese number a heading of ``style`` starts with, if it can be read.

    >>> number_of("（十二）甲", "cn_paren"), number_of("3. 乙", "arabic"), number_of("③ 丙", "circled")
    (12, 3, 3)
    """
    if style == "circled":
        first = text.strip()[:1]
        return _CIRCLED.index(first) + 1 if first and first in _CIRCLED else None
    m = re.search(rf"[\d{_CN}{_FORMAL}]+", text)
    if not m:
        return None
    digits = m.group()
    if digits.isdigit():
        return int(digits[:4])
    return chinese_number(digits)


_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0, "兩": 2}
_DIGIT |= {c: i + 1 for i, c in enumerate("壹貳參肆伍陸柒捌玖")} | {"叁": 3}


def chinese_number(text: str) -> int | None:
    """Read a Chinese numeral: 十二 = 12, 二十一 = 21, 一百零八 = 108, 一〇八 = 108.

    >>> [chinese_number(t) for t in ("十二", "二十一", "一百零八", "一〇八", "拾")]
    [12, 21, 108, 108, 10]
    """
    if not text:
        return None
    if not any(c in "十拾百" for c in text):
        if not all(c in _DIGIT for c in text):
            return None
        return int("".join(str(_DIGIT[c]) for c in text))
    total, current = 0, 0
    for c in text:
        if c in _DIGIT:
            current = _DIGIT[c]
        elif c in "十拾":
            total += (current or 1) * 10
            current = 0
        elif c == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


@dataclass
class Outline:
    """The heading styles open at the current point of an article, outer first, with their levels.

    >>> o = Outline()
    >>> [o.level(s) for s in ("chapter", "section", "cn", "cn_paren", "section", "chapter")]
    [1, 2, 3, 4, 2, 1]
    >>> o = Outline()
    >>> [o.level(s) for s in ("cn", "cn_paren", "cn")], o.level(None)
    ([2, 3, 2], 2)
    """

    open: list[tuple[str, int]] = field(default_factory=list)

    def level(self, style: str | None) -> int:
        """Return the level of a heading of ``style`` (None: unnumbered) and make it the current one."""
        if style is None:
            if not self.open:
                return 1
            del self.open[1:]
            return self.open[0][1]
        for i, (name, level) in enumerate(self.open):
            if name == style:
                del self.open[i + 1 :]
                return level
        while self.open and _RANK[self.open[-1][0]] > _RANK[style]:
            self.open.pop()
        level = self.open[-1][1] + 1 if self.open else _BASE[style]
        self.open.append((style, level))
        return level
