"""Spans → lines in reading order: baselines, superscript markers, columns.

Spans on one baseline form a row; a small number raised above a row's
baseline (rise and size relative to the text beside it, never absolute) is a
note marker. When the page has two columns (:mod:`.columns` finds the
gutter), rows are cut at the gutter and the page is read band by band: a
line crossing the gutter (a title, a full-width note) ends a band, each band
is read left column first.

Spaces: a space drawn in the PDF or a gap of an eighth of the font size becomes
one space between Latin words and digits; there is never a space between two
CJK characters (but a drawn ideographic space, ``第一章　緒論``), and only a
drawn one between CJK and Latin text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from indexer.ingest.pdf import GAP, Page, Span
from indexer.parse.pdf.columns import SINGLE, clear, column_edges, gutter, rejoin, split_row, text_left
from indexer.parse.inline import is_wide

SUP_SIZE = 0.8  # a superscript is at most this much of the text beside it (notes are set larger)
_SUP_RISE = (0.12, 1.05)  # ... and its baseline this many sizes above that text's
_ALONE = 0.6  # a note number this small (of the body size) is raised even on a line of its own
_ROW_TOL = 0.25  # spans whose baselines differ by less than this (in sizes) share a row
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_NUM = rf"(?:\d{{1,3}}|[{CIRCLED}])"
_MARK = re.compile(rf"^[\[(（]?({_NUM}(?:\s*[,，、\-–]\s*{_NUM})*)[\])）]?$")

_OPENING = set("“‘’([{「『（《〈")  # no space guessed after these
_CLOSING = set("”’)]}」』），。、；：！？》〉,.;:!?")


@dataclass(slots=True)
class Line:
    """One line of text on a page, with note markers taken out of ``text``."""

    page: int  # 0-based page index
    col: int  # SINGLE, LEFT or RIGHT
    x0: float
    x1: float
    y: float  # baseline from the top of the page
    size: float  # size of most of its characters
    font: str  # the typeface of its CJK characters, or of all of them when it has none
    bold: bool  # ... and whether that typeface is bold
    text: str
    marks: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, note number)
    lead_mark: int | None = None  # the line starts with a superscript number (also in marks): a note's own
    role: str = ""  # set later: "head", "note", "body", ...
    cjk: bool = True  # ``font`` is the typeface of CJK characters (Latin ones may be set in another)


def body_size(pages: list[Page]) -> float:
    """Return the font size most characters are set in.

    >>> body_size([Page(1, 100, 100, [Span("正文正文", 0, 4, 10, 10.5, "f", False),
    ...                               Span("註", 0, 1, 20, 9, "f", False)])])
    10.5
    """
    count: Counter = Counter()
    for p in pages:
        for s in p.spans:
            count[round(s.size * 4) / 4] += len(s.text)
    return count.most_common(1)[0][0] if count else 10.0


def document_lines(pages: list[Page], size: float) -> list[list[Line]]:
    """Return each page's lines in reading order.

    A page too short to show its own gutter (the last page, half a column)
    takes the gutter most other pages share (at the same distance from its
    text's left edge), unless its text runs across it.
    """
    rows = [_rows(p.spans) for p in pages]
    gutters = [gutter(r, p.width, size) for r, p in zip(rows, pages)]
    lefts = [text_left(p, size) for p in pages]
    # the gutter measured from the text's left edge: left and right pages may be set at different margins
    found = Counter((round(g[0] - left), round(g[1] - left)) for g, left in zip(gutters, lefts) if g and left)
    common = found.most_common(1)[0][0] if found else None
    out = []
    for i, (page, page_rows, gut) in enumerate(zip(pages, rows, gutters)):
        if gut is None and common is not None and lefts[i] is not None:
            shifted = (common[0] + lefts[i], common[1] + lefts[i])
            if clear(page_rows, shifted, size):
                gut = shifted
        out.append(page_lines(page, size, i, page_rows, gut))
    return out


def page_lines(page: Page, size: float, index: int, rows: list[list[Span]] | None = None,
               gut: tuple[float, float] | None | bool = False) -> list[Line]:
    """Return the page's lines in reading order (its gutter found here unless given)."""
    rows = _rows(page.spans) if rows is None else rows
    if gut is False:
        gut = gutter(rows, page.width, size)
    parts = [split_row(row, gut) for row in rows]
    if gut is not None:
        edges = column_edges(parts, gut)
        parts = [rejoin(p, gut, edges, size) for p in parts]
    lines = [_line(spans, index, col, size) for p in parts for col, spans in p]
    return _reading_order(lines, gut is not None)


def _rows(spans: list[Span]) -> list[list[Span]]:
    """Group spans by baseline, then move raised small spans onto the row they belong to."""
    ordered = sorted(spans, key=lambda s: s.y)
    rows: list[list[Span]] = []
    ys: list[float] = []
    for s in ordered:
        if rows and s.y - ys[-1] <= _ROW_TOL * s.size and _fits(rows[-1], s):
            rows[-1].append(s)
        else:
            rows.append([s])
            ys.append(s.y)
    placed: set[int] = set()  # spans already moved down onto their row
    for k in range(len(rows) - 1):
        keep = []
        for s in rows[k]:
            target = None if id(s) in placed else _host(rows, k, s, placed)
            if target is None:
                keep.append(s)
            else:
                rows[target].append(s)
                placed.add(id(s))
        rows[k] = keep
    return [sorted(r, key=lambda s: s.x0 + s.x1) for r in rows if r]


def _fits(row: list[Span], s: Span) -> bool:
    """Tell whether ``s`` may share a row: not overlapping a span already there."""
    return all(s.x0 >= t.x1 - 0.6 * t.size or s.x1 <= t.x0 + 0.6 * t.size for t in row)


def _host(rows: list[list[Span]], k: int, s: Span, placed: set[int]) -> int | None:
    """Return the index of a lower row on which ``s`` is a superscript (a short raised span), if any.

    Of the rows close enough below, the one with text nearest to ``s`` on
    either side wins: in two columns the other column's line may be nearer
    in height. Rows may already hold superscripts moved onto them
    (``placed``): those are not measured against.
    """
    if len(s.text) > 8 or not any(c.isdigit() or c in CIRCLED for c in s.text):
        return None  # only numbers are worth moving: note markers
    best, best_gap = None, None
    for j in range(k + 1, min(k + 4, len(rows))):
        own = [t for t in rows[j] if id(t) not in placed]
        if not own:
            continue
        if min(t.y for t in own) - s.y > _SUP_RISE[1] * max(t.size for t in own):
            break
        for t in own:
            rise = t.y - s.y
            if not (_SUP_RISE[0] * t.size <= rise <= _SUP_RISE[1] * t.size) or s.size > SUP_SIZE * t.size:
                continue
            gap = 0.0 if t.x0 <= s.x0 <= t.x1 else min(abs(s.x0 - t.x1), abs(t.x0 - s.x1))
            if gap < 1.5 * t.size and (best_gap is None or gap < best_gap):
                best, best_gap = j, gap
    return best


def _line(spans: list[Span], index: int, col: int, body: float) -> Line:
    """Make a line of a row's spans; a note number raised alone (an empty note) is a marker, not text."""
    weights: Counter = Counter()
    faces: Counter = Counter()  # (wide, font, bold): a CJK and a Latin typeface often share a line
    for s in spans:
        weights[(s.size, s.y)] += len(s.text)
        faces[(is_wide(s.text[0]), s.font, s.bold)] += len(s.text)
    size, y = max(weights, key=lambda k: (weights[k], k[0]))
    wide, font, bold = max(faces, key=lambda k: (k[0], faces[k]))
    text = ""
    marks: list[tuple[int, int]] = []
    lead = None
    prev: Span | None = None
    after_mark = False
    for s in spans:
        if ((s.size <= SUP_SIZE * size and y - s.y >= _SUP_RISE[0] * size) or s.size <= _ALONE * body) \
                and (numbers := marker_numbers(s.text)):
            if lead is None and not marks and len(text) <= 1 and not text.isalnum():
                lead = numbers[0]
            marks.extend((len(text), n) for n in numbers)
            after_mark = True
        else:
            if text and (space := _space(text[-1], s, prev)) and not (after_mark and is_wide(text[-1])):
                text += space
            text += s.text
            after_mark = False
        prev = s
    return Line(index, col, spans[0].x0, max(s.x1 for s in spans), y, size, font, bold, text, marks, lead,
                cjk=wide)


def marker_numbers(text: str) -> list[int] | None:
    """Return the note numbers a marker names (``3``, ``[3]``, ``3,4``, ``③``), else None.

    >>> marker_numbers("3"), marker_numbers("[2, 5]"), marker_numbers("⑫"), marker_numbers("②③"), marker_numbers("x")
    ([3], [2, 5], [12], None, None)
    """
    m = _MARK.match(text)
    if not m:
        return None
    return [CIRCLED.index(n) + 1 if n in CIRCLED else int(n) for n in re.findall(rf"\d+|[{CIRCLED}]", m.group(1))]


def _space(last: str, s: Span, prev: Span | None) -> str:
    """Return the space that goes between text ending in ``last`` and span ``s`` ("" for none).

    Between CJK characters only a drawn ideographic space (U+3000) is kept
    (``第一章　緒論``), never a gap of justified text; between CJK and Latin
    text only a drawn space (typesetters add a gap there of their own).
    """
    first = s.text[0]
    if is_wide(last) and is_wide(first):
        return "\u3000" if s.space_before == "\u3000" else ""
    if s.space_before:
        return " "
    if is_wide(last) or is_wide(first) or prev is None or last in _OPENING or first in _CLOSING:
        return ""
    return " " if s.x0 - prev.x1 >= GAP * s.size else ""


def _reading_order(lines: list[Line], columns: bool) -> list[Line]:
    """Order lines top to bottom; on a two-column page band by band, left column first."""
    lines.sort(key=lambda ln: (ln.y, ln.x0))
    if not columns:
        return lines
    out: list[Line] = []
    band: list[Line] = []
    for ln in lines:
        if ln.col == SINGLE:
            out.extend(sorted(band, key=lambda b: (b.col, b.y)))
            band = []
            out.append(ln)
        else:
            band.append(ln)
    out.extend(sorted(band, key=lambda b: (b.col, b.y)))
    return out
