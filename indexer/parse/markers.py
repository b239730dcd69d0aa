"""Notes marked without superscripts: ``[1]``, ``〔1〕``, ``(1)``, ``①``, and bare digits.

Big5 text cannot hold ¹²³, and many extractions lose the raise of a
superscript, so a marker becomes a plain number glued to the text
(``…債務。8 1993 年``) and a note definition a line starting with one
(``8 楊洁勉、趙念渝等著，…``). Numbers are also dates, counts and article
numbers, so a number is taken for a marker only where it is the next note
in sequence and a definition with that number exists.

:func:`scan` reads the body once: a line starting with a number is a
definition when an earlier marker candidate carries that number and the
numbers rise (or restart at 1 at the top of a new note block, for notes
numbered per page). It tries each form and keeps the one with most
confirmed definitions. The body walker then asks :class:`NumberedNotes`
whether a line is one of those definitions, and lets it take the markers
out of each body line in sequence.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from indexer.model import NoteRef
from indexer.parse.backrefs import find_backref
from indexer.parse.headings import COUNTED, heading_style, number_of, part_of
from indexer.parse.inline import is_wide
from indexer.parse.pages import looks_like_citation

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟㊱㊲㊳㊴㊵㊶㊷㊸㊹㊺㊻㊼㊽㊾㊿"
_NOTE_WORD = r"(?:[註注]\s*)?"
_DIGITS = r"([1-9]\d{0,2})"


@dataclass(frozen=True)
class Form:
    """One way of writing note numbers: how a definition starts and how a marker looks."""

    name: str
    definition: re.Pattern  # groups: number, rest
    marker: re.Pattern  # group 1: number


FORMS = [
    Form("bracket", re.compile(rf"^\s*{_NOTE_WORD}[\[［]{_DIGITS}[\]］]\s*(.*)$"),
         re.compile(rf"(?<![\^!A-Za-z0-9_])[\[［]{_DIGITS}[\]］](?![\(:])")),
    Form("tortoise", re.compile(rf"^\s*{_NOTE_WORD}[〔【]{_DIGITS}[〕】]\s*(.*)$"),
         re.compile(rf"[〔【]{_DIGITS}[〕】]")),
    Form("circled", re.compile(rf"^\s*{_NOTE_WORD}([{CIRCLED}])\s*(.*)$"), re.compile(rf"([{CIRCLED}])")),
    Form("paren", re.compile(rf"^\s*{_NOTE_WORD}[（(]{_DIGITS}[）)]\s*(.*)$"),
         re.compile(rf"(?<=[\u3400-\u9fff。，、；：！？」』）》〉”’\"])[（(]{_DIGITS}[）)]")),
    Form("digits", re.compile(rf"^\s*{_NOTE_WORD}{_DIGITS}(?:[\s\u3000]+|[.．、:：](?!\d)\s*|$|(?=[^\d\s.,，。、%％]))(.*)$"),
         re.compile(r"(?<![\d.,A-Za-z_/\-])([1-9]\d{0,2})(?![\d%％])")),
]

# Counting words: 7 國, 3 個; a marker may stand before them only at the end of a sentence (。3國家…).
_COUNTING = re.compile(
    r"[\s\u3000]*[號号分歲岁個个位名人次條条項项款章節节頁页卷期冊册屆届週周倍萬万億亿千百元度噸吨件家國国"
    r"種种類类點点席票架艘輛辆枚部本篇份成折天多餘余層层級级版輯辑集碼码樓楼路段巷弄]"
)
# What follows the number of a line that is a date or count, not a note: "20 世紀…", "3 月 12 日…"
_DATE_REST = re.compile(r"^(?:世紀|世纪|年代|週年|周年|[%％]|[年月日時时][\s\u3000]*[\d０-９（(，,、至到~～\-]|[年月日]$)")
_SENTENCE_BREAK = set("。！？；」』）)】〕》〉”’")
_BEFORE = set("。，、；：！？」』）)】〕》〉”’\"'…—")
_NOT_BEFORE = set("第約约共計计每逾近達达僅仅約第前後后至到和與与及或兆")


def _number(form: Form, token: str) -> int:
    return CIRCLED.index(token) + 1 if form.name == "circled" else int(token)


def _plausible(form: Form, text: str, start: int, end: int) -> bool:
    """Tell whether the number at text[start:end] stands where a note marker can."""
    if form.name != "digits":
        return True
    if not text[:start].strip() and re.match(r"[\s\u3000]+[^\d\s]", text[end:]):
        return False  # "1 前言", "3 研究方法": the number of a heading or list item
    before = text[start - 1] if start else ""
    if before.isspace():
        k = start - 1
        while k > 0 and text[k - 1].isspace():
            k -= 1
        before = text[k - 1] if k else ""
        if before and before not in _BEFORE:
            return False
    if before and (before in _NOT_BEFORE or not (before in _BEFORE or is_wide(before))):
        return False
    if COUNTED.match(text, end):
        return False
    return before in _SENTENCE_BREAK or not _COUNTING.match(text, end)


def candidates(form: Form, text: str) -> list[tuple[int, int, int]]:
    """Return (number, start, end) of every place in ``text`` where a marker of ``form`` may stand.

    >>> f = FORMS[-1]
    >>> [n for n, _, _ in candidates(f, "（大部分是延緩債務）。8 1993 年 1 月 3 日，西方 7 國，第 9 條")]
    [8]
    """
    out = []
    for m in form.marker.finditer(text):
        if _plausible(form, text, m.start(), m.end()):
            out.append((_number(form, m.group(1)), m.start(), m.end()))
    return out


@dataclass
class Scan:
    """What :func:`scan` found for one form."""

    form: Form
    definitions: dict[tuple[int, int], tuple[int, str]] = field(default_factory=dict)  # (unit, line) → (n, rest)
    numbers: list[int] = field(default_factory=list)  # confirmed definitions in reading order
    block_starts: list[int] = field(default_factory=list)  # first number of each block of definitions
    unmatched: list[int] = field(default_factory=list)  # lines that start like a note but have no marker

    @property
    def restarts(self) -> bool:
        """Tell whether numbering starts again at 1 (per page or per chapter) after the first block."""
        return 1 in self.block_starts[1:]


def _heading_not_note(form: Form, units, i: int, j: int, raw: str, rest: str, headings: Counter) -> bool:
    """Tell whether a numbered line is a heading (``1. 兴趣类组织`` before its paragraph), not a note.

    Headings of a style are numbered from 1, so "22 例如…" is no heading unless 21 came before.
    """
    style = heading_style(raw)
    if not style or looks_like_citation(rest) or find_backref(rest):
        return False
    number = number_of(raw, style)
    if number is None or number > headings[style] + 1:
        return False
    unit = units[i]
    nxt = unit[j + 1][1] if j + 1 < len(unit) else (units[i + 1][0][1] if i + 1 < len(units) else "")
    if form.definition.match(nxt):
        return False
    headings[style] += 1
    return True


def _scan_form(units: list[list[tuple[int, str]]], form: Form) -> Scan:
    found = Scan(form)
    pending: Counter[int] = Counter()
    headings: Counter[str] = Counter()
    last = 0
    in_block = in_references = False
    for i, unit in enumerate(units):
        prev_def = False
        part = part_of(unit[0][1]) if unit[0][0] >= 0 else None
        if part or heading_style(unit[0][1]) or unit[0][0] > 0:
            in_references = part == "references"  # its numbered entries are not notes
        if in_references:
            continue
        for j, (depth, raw) in enumerate(unit):
            if depth < 0:
                continue
            m = form.definition.match(raw)
            if m and (form.name == "digits" and _DATE_REST.match(m.group(2))
                      or _heading_not_note(form, units, i, j, raw, m.group(2), headings)):
                m = None
            if m and depth == 0:
                n = _number(form, m.group(1))
                fresh = not in_block
                bare = not m.group(2).strip()  # an empty note, or a page number
                if bare and (fresh or n != last + 1):
                    pass
                elif pending[n] > 0 and (n > last or (fresh and n == 1 and last >= 1)):
                    pending[n] -= 1
                    found.definitions[(i, j)] = (n, m.group(2))
                    found.numbers.append(n)
                    if fresh:
                        found.block_starts.append(n)
                    last, in_block, prev_def = n, True, True
                    continue
                if not bare and j == 0 and len(m.group(2)) > 8:
                    found.unmatched.append(n)
            if prev_def and j:
                continue  # a definition's wrapped lines
            if j == 0 and in_block and not _body_like(raw):
                continue
            in_block = in_block and j == 0 and not _body_like(raw)
            for n, _, _ in candidates(form, raw):
                pending[n] += 1
    return found


def _body_like(raw: str) -> bool:
    return len(raw.strip()) > 0 and not raw.startswith((" ", "\t", "\u3000"))


def scan(units: list[list[tuple[int, str]]]) -> Scan | None:
    """Return the marker form with the most confirmed definitions in the body, or None.

    Bare digits need two confirmed definitions; the bracketed forms one.
    """
    best: Scan | None = None
    for form in FORMS:
        found = _scan_form(units, form)
        need = 2 if form.name in ("digits", "paren") else 1
        if len(found.numbers) >= need and (best is None or len(found.numbers) > len(best.numbers)):
            best = found
    return best


@dataclass
class NumberedNotes:
    """Markers and definitions of one numbered form, taken out of the body in sequence."""

    scan: Scan
    expected: int = 1
    defined: set[int] = field(default_factory=set)
    page_start: bool = False

    def __post_init__(self) -> None:
        self.defined = set(self.scan.numbers)
        if self.defined and self.expected == 1:
            self.expected = min(self.defined)  # an excerpt may start at note 8

    def definition(self, unit: int, line: int) -> tuple[int, str] | None:
        """Return (number, rest) if line ``line`` of body unit ``unit`` is a confirmed definition."""
        return self.scan.definitions.get((unit, line))

    def new_page(self) -> None:
        """Allow counting to start at 1 again after a block of notes, when numbering restarts."""
        self.page_start = self.scan.restarts

    def _due(self, n: int) -> bool:
        return n in self.defined and (self.expected <= n <= self.expected + 2 or (self.page_start and n == 1))

    def _take(self, n: int) -> None:
        self.expected, self.page_start = n + 1, False

    def extract(self, text: str) -> tuple[str, list[NoteRef]]:
        """Take the markers that are due out of ``text``; return the text and where each stood.

        >>> s = Scan(FORMS[-1], numbers=[7, 8])
        >>> notes = NumberedNotes(s, expected=7)
        >>> notes.extract("共 7 國參加。7其後（延緩債務）。8 1993 年")
        ('共 7 國參加。其後（延緩債務）。1993 年', [NoteRef(n=7, at=8), NoteRef(n=8, at=17)])
        """
        found = candidates(self.scan.form, text)
        if not found:
            return text, []
        clean, refs, pos = "", [], 0
        for n, start, end in found:
            if not self._due(n):
                continue
            clean += text[pos:start]
            pos = end
            prev = clean[-1:]
            if text[pos : pos + 1].isspace() and (not prev or prev.isspace() or is_wide(prev)):
                while pos < len(text) and text[pos].isspace():
                    pos += 1
            elif prev.isspace() and (pos >= len(text) or is_wide(text[pos])):
                clean = clean.rstrip()
            refs.append(NoteRef(n, len(clean)))
            self._take(n)
        clean = (clean + text[pos:]).rstrip()
        for ref in refs:
            ref.at = min(ref.at, len(clean))
        return clean, refs

    def may_be_lone_marker(self, text: str) -> bool:
        """Tell whether a line (that could be a page number) may be a marker on its own line."""
        stripped = text.strip()
        if self.scan.form.name == "circled":
            return stripped in CIRCLED and _number(self.scan.form, stripped) in self.defined
        return stripped.isdigit() and len(stripped) <= 3 and int(stripped) in self.defined

    def lone_marker(self, text: str) -> int | None:
        """Return the number of a line that is only a due marker (a superscript extracted onto its own line)."""
        stripped = text.strip()
        circled = self.scan.form.name == "circled"
        if (stripped in CIRCLED if circled else stripped.isdigit() and len(stripped) <= 3) and stripped:
            n = _number(self.scan.form, stripped)
            if self._due(n):
                self._take(n)
                return n
        return None
