"""Turn one PDF-extracted justice's opinion into a jiansuo plain-text article.

The opinions come as one string per PDF: paragraph breaks are often lost, and
footnotes survive as plain digits, the marker glued to the sentence
(``參照）1。``) and the note text spliced in where the page ended
(``。1例如，釋字…``). This module restores our input format without
inventing text: it only moves note texts next to the paragraph that held
them, writes markers and note numbers as superscript digits, and puts
paragraph breaks back at enumerators and, in very long runs, at full stops.

>>> text = "本席贊同（本院釋字第六三九號參照）1。要之，應予補充。1例如，釋字第三八四號。二、其次說明如下。"
>>> print(to_article("某大法官提出之協同意見書", text))
某大法官提出之協同意見書
<BLANKLINE>
本席贊同（本院釋字第六三九號參照）¹。要之，應予補充。
<BLANKLINE>
¹ 例如，釋字第三八四號。
<BLANKLINE>
二、其次說明如下。
<BLANKLINE>
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUPERSCRIPTS = set("⁰¹²³⁴⁵⁶⁷⁸⁹")
HOLE = "\ue000"  # where a note text was cut out of the body

# A number glued to these is a count, a date or an article number, not a note.
_UNITS = set("年月日時分秒條項款目號次屆個人位名元萬億千百%％點歲倍成種件份章節頁週級類期則字之刷版庭審")
_NOT_BEFORE = set("第約逾近共計達滿前後至及或、.．‧,-/第")
_CLOSERS = set("。，、；：」』）》〉！？")
_OPENERS = set("《〈「『（(“\"")
_MAX_NOTE = 600  # longest note text accepted, in characters
_MAX_GAP = 4000  # a note text starts at most this far after its marker (about two pages)
_LONG_PARAGRAPH = 1200  # split runs longer than this at full stops
_ENUMERATOR = re.compile(
    r"(?:(?<=[。！？」』])|(?<=[。！？」』]\ue000))(?=(?:[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）"
    r"|[壹貳參肆伍陸柒捌玖拾]{1,2}、)[^\s，。、])"
)


@dataclass
class Note:
    n: int
    marker: int  # offset of the marker digits in the raw text
    start: int  # offset of the note text (its leading digits included)
    end: int


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _digits_at(text: str, i: int, digits: str) -> bool:
    """Tell whether ``digits`` stand alone at ``i`` (no digit on either side)."""
    j = i + len(digits)
    return (
        text.startswith(digits, i)
        and (i == 0 or not text[i - 1].isdigit())
        and (j >= len(text) or not text[j].isdigit())
    )


def _marker_ok(text: str, i: int, j: int) -> bool:
    prev = text[i - 1] if i else ""
    after = text[j] if j < len(text) else ""
    return (
        (_is_han(prev) or prev in _CLOSERS)
        and prev not in _NOT_BEFORE
        and after not in _UNITS
        and after not in "、.．‧,:"
    )


def _note_start_ok(text: str, i: int, j: int) -> bool:
    prev = text[i - 1] if i else ""
    after = text[j] if j < len(text) else ""
    return (
        prev not in _NOT_BEFORE
        and (_is_han(after) or after.isalpha() or after in _OPENERS)
        and after not in _UNITS
    )


def _find(text: str, digits: str, pos: int, ok) -> int:
    i = text.find(digits, pos)
    while i != -1:
        if _digits_at(text, i, digits) and ok(text, i, i + len(digits)):
            return i
        i = text.find(digits, i + 1)
    return -1


def _note_end(text: str, start: int, next_marker: int) -> int:
    stop = text.find("。", start, start + _MAX_NOTE)
    if stop != -1:
        return stop + 1
    if next_marker != -1 and next_marker - start <= _MAX_NOTE:
        return next_marker
    return -1


def find_notes(text: str, limit: int = 200) -> list[Note]:
    """Pair note markers 1, 2, 3… with the note texts that follow them.

    >>> [(n.n, n.marker, n.start, n.end) for n in find_notes("甲說1。乙3人。1見某書。")]
    [(1, 2, 8, 13)]
    """
    notes: list[Note] = []
    pos = 0
    for n in range(1, limit + 1):
        digits = str(n)
        marker = _find(text, digits, pos, _marker_ok)
        if marker == -1:
            break
        pos = marker + len(digits)
        start = _find(text, digits, pos, _note_start_ok)
        if start == -1 or start - pos > _MAX_GAP:
            continue  # note text lost in extraction: the marker stays a plain digit
        following = _find(text, str(n + 1), start + len(digits), _marker_ok)
        end = _note_end(text, start + len(digits), following)
        if end != -1 and not (notes and start < notes[-1].end):
            notes.append(Note(n, marker, start, end))
    return [n for n in notes if not any(_overlaps(n, m) for m in notes if m is not n)]


def _overlaps(a: Note, b: Note) -> bool:
    return b.start <= a.marker < b.end


def _split_long(paragraph: str) -> list[str]:
    out = []
    while len(paragraph) > _LONG_PARAGRAPH:
        cut = paragraph.find("。", _LONG_PARAGRAPH // 2)
        if cut == -1 or cut >= len(paragraph) - 1:
            break
        out.append(paragraph[: cut + 1])
        paragraph = paragraph[cut + 1 :]
    return out + [paragraph]


def paragraphs(body: str) -> list[str]:
    """Split a body into paragraphs: at line breaks, enumerators and long runs.

    >>> paragraphs("前言如下。一、本文\\n結論。")
    ['前言如下。', '一、本文', '結論。']
    """
    out: list[str] = []
    for line in body.split("\n"):
        for part in _ENUMERATOR.split(line):
            for p in _split_long(part):
                p = p.strip()
                if out and p[:1] in _SUPERSCRIPTS:  # a marker never opens a paragraph
                    out[-1] += p
                elif p:
                    out.append(p)
    return out


def to_article(title: str, text: str) -> str:
    """Return the article file text: title line, paragraphs, notes after their paragraph."""
    text = text.replace("\r", "").replace(HOLE, "")
    notes = find_notes(text)
    pieces, texts, pos = [], [], 0
    edits = sorted(
        [(n.marker, n.marker + len(str(n.n)), "marker", n) for n in notes]
        + [(n.start, n.end, "note", n) for n in notes]
    )
    for start, end, kind, note in edits:
        pieces.append(text[pos:start])
        if kind == "marker":
            pieces.append(str(note.n).translate(SUPERSCRIPT))
        else:
            body = text[start + len(str(note.n)) : end].strip().replace("\n", " ")
            texts.append(f"{str(note.n).translate(SUPERSCRIPT)} {body}")
            pieces.append(HOLE)
        pos = end
    pieces.append(text[pos:])
    blocks = [title.strip()]
    pending = iter(texts)
    for paragraph in paragraphs("".join(pieces)):
        holes = paragraph.count(HOLE)
        paragraph = paragraph.replace(HOLE, "").strip()
        if paragraph:
            blocks.append(paragraph)
        blocks.extend(next(pending) for _ in range(holes))
    return "\n\n".join(blocks) + "\n"
