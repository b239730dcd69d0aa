"""Columns: the gutter between two columns, and where a row of spans is cut at it.

A page has two columns when a vertical strip in its middle third is crossed
by almost no text (the gutter). A row is cut at the gutter unless a span
runs across it or its two sides are one line with a word space there: a
full-width title, an abstract above the columns, notes set across the page.
Hanging punctuation reaches into the gutter from either column; it is
measured by its ink (a full-width ，or 「 fills half of its box).
"""

from __future__ import annotations

from collections import Counter

from indexer.ingest.pdf import Page, Span
from indexer.parse.inline import is_wide

SINGLE, LEFT, RIGHT = 0, 1, 2  # a line's column: full width (or a one-column page), left, right


def gutter(rows: list[list[Span]], width: float, size: float) -> tuple[float, float] | None:
    """Return the (left, right) of the empty strip between two columns, or None for one column.

    Rows set across the whole width (a title, a full-width abstract) are left
    out: the gutter is where most of the other rows have a gap in the middle third.
    """
    lo, hi = int(width * 0.3), int(width * 0.7)
    delta = [0] * (hi - lo + 2)
    rows = bands(rows, size)
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


def bands(rows: list[list[Span]], size: float) -> list[list[Span]]:
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
    for row in bands(rows, size):
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


def text_left(page: Page, size: float) -> float | None:
    """Return the left edge of a page's text: where most lines set in the body size start."""
    starts = Counter(round(s.x0) for s in page.spans if abs(s.size - size) < 0.6)
    if not starts:
        return None
    most = starts.most_common(1)[0][1]
    return float(min(x for x, c in starts.items() if c >= max(2, most // 4))) if most >= 2 else None


def clear(rows: list[list[Span]], gut: tuple[int, int], size: float) -> bool:
    """Tell whether at most a few rows of body text run across a gutter, or some rows are cut by it.

    Two columns may fill only the top of a page, a one-column title page or
    table following them.
    """
    joined = bands(rows, size)
    body = [r for r in joined if any(abs(s.size - size) < 0.6 for s in r)]
    quarter = (gut[1] - gut[0]) / 4  # hyphens and punctuation may hang into the gutter
    crossing = sum(1 for r in body if any(s.x0 < gut[1] - quarter and s.x1 > gut[0] + quarter for s in r))
    cut = sum(1 for r in joined if not any(s.x0 < gut[1] - quarter and s.x1 > gut[0] + quarter for s in r)
              and any(gut[0] - 3 * size < s.x1 <= gut[0] + quarter for s in r)
              and any(gut[1] - quarter <= s.x0 < gut[1] + 3 * size for s in r))
    return crossing <= max(2, 0.2 * len(body)) or cut >= 2


def split_row(row: list[Span], gut: tuple[float, float] | None) -> list[tuple[int, list[Span]]]:
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


def column_edges(parts: list[list[tuple[int, list[Span]]]], gut: tuple[float, float]) -> tuple[float, float]:
    """Return where most left-column lines end and most right-column lines start (else the gutter's edges)."""
    ends = Counter(round(_ink_end(spans[-1])) for p in parts for c, spans in p if c == LEFT)
    starts = Counter(round(_ink_start(spans[0])) for p in parts for c, spans in p if c == RIGHT)

    end = ends.most_common(1)[0][0] if ends.total() >= 3 else gut[0]
    starts = Counter({x: c for x, c in starts.items() if x >= gut[1] - 4})  # not full-width lines cut at a space
    if starts.total() < 3:
        return end, gut[1]
    most = starts.most_common(1)[0][1]  # the leftmost start many lines share: not an indent or a quotation
    return end, min(x for x, c in starts.items() if c >= max(1, most // 4, min(2, most)))


def rejoin(part: list[tuple[int, list[Span]]], gut: tuple[float, float],
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
