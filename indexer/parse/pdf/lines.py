"""Spans → lines in reading order: baselines, superscript markers, columns.

Spans on one baseline form a row; a smaller span raised above a row's
baseline (rise and size relative to the text beside it, never absolute) is a
superscript and, when it holds digits, a note marker. A page has two columns
when a vertical strip in its middle third is crossed by almost no text (the
gutter); rows are then cut at the gutter, and the page is read band by band:
a line crossing the gutter (a title, a full-width note) ends a band, each
band is read left column first.

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
SINGLE, LEFT, RIGHT = 0, 1, 2  # Line.col: full width (or one-column page), left, right column


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


def gutter(rows: list[list[Span]], width: float, size: float) -> tuple[float, float] | None:
    """Return the (left, right) of the empty strip between two columns, or None for one column.

    Rows set across the whole width (a title, a full-width abstract) are left
    out: the gutter is where most of the other rows have a gap in the middle third.
    """
    lo, hi = int(width * 0.3), int(width * 0.7)
    delta = [0] * (hi - lo + 2)
    rows = _bands(rows, size)
    for row in rows:
        xs = sorted((s.x0, s.x1) for s in row if s.size >= 0.6 * size)
        for (_, a), (b, _) in zip(xs, xs[1:]):
            a, b = max(a, lo), min(b, hi)
            if b - a >= 0.8 * size:
                delta[int(a) + 1 - lo] += 1
                delta[int(b) - lo] -= 1
    counts, run = [], 0
    for d in delta[:-1]:
        run += d
        counts.append(run)
    best = max(counts, default=0)
    if best < 5:
        return None
    need = 0.8 * best
    spans = []
    start = None
    for i, c in enumerate(counts + [0]):
        if c >= need and start is None:
            start = i
        elif c < need and start is not None:
            spans.append((start, i))
            start = None
    g0, g1 = max(spans, key=lambda r: r[1] - r[0])
    a, b = g0 + lo, g1 + lo
    left = sum(1 for row in rows if any(s.x1 <= a + 1 for s in row))
    right = sum(1 for row in rows if any(s.x0 >= b - 1 for s in row))
    if left < 5 or right < 5 or b - a < max(4, 0.8 * size) or not _columned(rows, a, b, size):
        return None
    return float(a), float(b)


def _bands(rows: list[list[Span]], size: float) -> list[list[Span]]:
    """Join rows less than a line apart: columns whose baselines do not line up (a heading in one shifts them)."""
    out: list[list[Span]] = []
    for row in rows:
        if out and row[0].y - out[-1][0].y < 0.9 * size:
            out[-1] = out[-1] + row
        else:
            out.append(list(row))
    return out


def _columned(rows: list[list[Span]], a: float, b: float, size: float) -> bool:
    """Tell whether at least five rows in a row (top to bottom) are split at [a, b] and none crosses it.

    Word spaces that happen to line up in one-column text are scattered, not
    consecutive; a full-width title page above the columns does not count.
    """
    marks = []
    for row in _bands(rows, size):
        body = [s for s in row if s.size >= 0.6 * size]
        if not body:
            continue
        inked = any(s.x0 < b and s.x1 > a for s in body)
        # text reaching the gutter from the left, or starting at it on the right
        near = any(a - 3 * size <= s.x1 <= a + 1 for s in body) or any(b - 1 <= s.x0 <= b + 3 * size for s in body)
        marks.append(False if inked else True if near else None)
    best = run = 0
    for m in marks:
        if m is False:
            run = 0
        elif m:
            run += 1
            best = max(best, run)
    return best >= 5


def document_lines(pages: list[Page], size: float) -> list[list[Line]]:
    """Return each page's lines in reading order.

    A page too short to show its own gutter (the last page, half a column)
    takes the gutter most other pages share (at the same distance from its
    text's left edge), unless its text runs across it.
    """
    rows = [_rows(p.spans) for p in pages]
    gutters = [gutter(r, p.width, size) for r, p in zip(rows, pages)]
    lefts = [_text_left(p, size) for p in pages]
    # the gutter measured from the text's left edge: left and right pages may be set at different margins
    found = Counter((round(g[0] - left), round(g[1] - left)) for g, left in zip(gutters, lefts) if g and left)
    common = found.most_common(1)[0][0] if found else None
    out = []
    for i, (page, page_rows, gut) in enumerate(zip(pages, rows, gutters)):
        if gut is None and common is not None and lefts[i] is not None:
            shifted = (common[0] + lefts[i], common[1] + lefts[i])
            if _clear(page_rows, shifted, size):
                gut = shifted
        out.append(page_lines(page, size, i, page_rows, gut))
    return out


def _text_left(page: Page, size: float) -> float | None:
    """Return the left edge of a page's text: where most lines set in the body size start."""
    starts = Counter(round(s.x0) for s in page.spans if abs(s.size - size) < 0.6)
    if not starts:
        return None
    most = starts.most_common(1)[0][1]
    return float(min(x for x, c in starts.items() if c >= max(2, most // 4))) if most >= 2 else None


def _clear(rows: list[list[Span]], gut: tuple[int, int], size: float) -> bool:
    """Tell whether at most a few rows of body text run across a gutter, or some rows are cut by it.

    Two columns may fill only the top of a page, a one-column title page or
    table following them.
    """
    bands = _bands(rows, size)
    body = [r for r in bands if any(abs(s.size - size) < 0.6 for s in r)]
    quarter = (gut[1] - gut[0]) / 4  # hyphens and punctuation may hang into the gutter
    crossing = sum(1 for r in body if any(s.x0 < gut[1] - quarter and s.x1 > gut[0] + quarter for s in r))
    cut = sum(1 for r in bands if not any(s.x0 < gut[1] - quarter and s.x1 > gut[0] + quarter for s in r)
              and any(gut[0] - 3 * size < s.x1 <= gut[0] + quarter for s in r)
              and any(gut[1] - quarter <= s.x0 < gut[1] + 3 * size for s in r))
    return crossing <= max(2, 0.2 * len(body)) or cut >= 2


def page_lines(page: Page, size: float, index: int, rows: list[list[Span]] | None = None,
               gut: tuple[float, float] | None | bool = False) -> list[Line]:
    """Return the page's lines in reading order (its gutter found here unless given)."""
    rows = _rows(page.spans) if rows is None else rows
    if gut is False:
        gut = gutter(rows, page.width, size)
    parts = [_split(row, gut) for row in rows]
    if gut is not None:
        edges = _column_edges(parts, gut)
        parts = [_rejoin(p, gut, edges, size) for p in parts]
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


def _split(row: list[Span], gut: tuple[float, float] | None) -> list[tuple[int, list[Span]]]:
    """Cut a row at the gutter unless a span runs across it (punctuation may hang into it)."""
    if gut is None:
        return [(SINGLE, row)]
    a, b = gut
    if any(s.x0 < a + 1 and s.x1 > b - 1 for s in row):
        return [(SINGLE, row)]
    mid = a + b
    left = [s for s in row if s.x0 + s.x1 < mid]
    right = [s for s in row if s.x0 + s.x1 >= mid]
    return [(c, part) for c, part in ((LEFT, left), (RIGHT, right)) if part]


def _column_edges(parts: list[list[tuple[int, list[Span]]]], gut: tuple[float, float]) -> tuple[float, float]:
    """Return where most left-column lines end and most right-column lines start (else the gutter's edges)."""
    ends = Counter(round(_ink_end(spans[-1])) for p in parts for c, spans in p if c == LEFT)
    starts = Counter(round(_ink_start(spans[0])) for p in parts for c, spans in p if c == RIGHT)

    end = ends.most_common(1)[0][0] if ends.total() >= 3 else gut[0]
    starts = Counter({x: c for x, c in starts.items() if x >= gut[1] - 4})  # not full-width lines cut at a space
    if starts.total() < 3:
        return end, gut[1]
    most = starts.most_common(1)[0][1]  # the leftmost start many lines share: not an indent or a quotation
    return end, min(x for x, c in starts.items() if c >= max(1, most // 4, min(2, most)))


def _rejoin(part: list[tuple[int, list[Span]]], gut: tuple[float, float],
            edges: tuple[float, float], size: float) -> list[tuple[int, list[Span]]]:
    """Make a row cut at the gutter whole again when the gap there is only a word space.

    A full-width line (a title, an abstract or notes set across the page)
    may have a word space where the gutter is (a wide one when justified).
    Lines of two columns reach into the gutter no further than hanging
    punctuation, and are half a gutter apart or more, or a quarter when one
    of them stands at its column's edge.
    """
    if len(part) < 2:
        return part
    left, right = part[0][1], part[1][1]
    if _face(left) != _face(right):
        return part  # set differently: two lines side by side, whatever the gap
    end, start = _ink_end(left[-1]), _ink_start(right[0])
    gap = start - end
    if end > edges[0] + 0.6 * size or start < edges[1] - 0.6 * size:
        return [(SINGLE, left + right)]  # further into the gutter than hanging punctuation goes
    width = gut[1] - gut[0]
    if gap >= 0.5 * width or (gap >= 0.25 * width and (abs(start - edges[1]) <= 0.15 * size
                                                        or abs(end - edges[0]) <= 0.15 * size)):
        return part
    return [(SINGLE, left + right)]


_HANG_END = set("，。、；：！？」』）》〉”’")
_HANG_START = set("「『（《〈“‘")


def _ink_end(s: Span) -> float:
    """Return where a span's ink ends: a full-width closing mark fills only the left half of its box."""
    return s.x1 - 0.5 * s.size if s.text[-1] in _HANG_END else s.x1


def _ink_start(s: Span) -> float:
    """Return where a span's ink starts: a full-width opening mark fills only the right half of its box."""
    return s.x0 + 0.5 * s.size if s.text[0] in _HANG_START else s.x0


def _face(spans: list[Span]) -> tuple | None:
    """Return the size and typeface of the CJK text of some spans (None when they have none)."""
    wide = Counter((round(s.size, 1), s.font) for s in spans if is_wide(s.text[0]))
    return wide.most_common(1)[0][0] if wide else None


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
