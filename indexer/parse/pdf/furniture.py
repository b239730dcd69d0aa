"""Running heads and feet, page numbers, and each page's printed page number.

A line is page furniture when it stands in a page's head or foot band (the
rows above the first wide gap near the top, or below the last one near the
bottom, or in the outer 6 % of the page) and either is a page number alone
(``12``, ``- 12 -``, ``第12頁``, ``xii``), or repeats on another page once
digits are ignored (journal name and issue line, running title), or, after
the first page, is a head set smaller than the body (a foot set small is
more likely the last footnote). On the first page a
small masthead line in the head band (volume, issue, pages) is dropped too.

The printed page number is the number in a page's furniture that advances
with the page: of all numbers found there, the offset to the page index
shared by most pages wins, so a volume or year in the running head is never
taken for it. Pages without one get the number the offset gives.
"""

from __future__ import annotations

import re
from collections import Counter

from indexer.parse.pdf.lines import Line

PAGE_NUMBER = re.compile(
    r"^[-–—~(\[（【]?\s*(?:第\s*|p\.\s*|page\s+)?(\d{1,4}|[ivxlcdm]{1,7})\s*(?:頁)?\s*"
    r"(?:/\s*\d{1,4}|of\s+\d{1,4})?\s*[-–—~)\]）】]?$",
    re.I,
)
_EDGE = 0.06  # the outer share of the page height that is always head or foot
_BAND = 0.2  # a head or foot band lies within this share of the page height
_GAP = 1.9  # ... and is separated from the text by this many body sizes
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_MASTHEAD = re.compile(r"\d|卷|期|Vol|No\.|pp?\.", re.I)


def key(text: str) -> str:
    """Return the text with white space removed and digits collapsed, to compare running heads.

    >>> key("問題與研究 第46卷 第3期 123") == key("問題與研究 第46卷第3期 124")
    True
    """
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def roman(text: str) -> int | None:
    """Return the value of a lower- or upper-case Roman numeral, else None.

    >>> roman("xii"), roman("IV"), roman("abc")
    (12, 4, None)
    """
    t = text.lower()
    if not t or any(c not in _ROMAN for c in t):
        return None
    total = 0
    for a, b in zip(t, t[1:] + " "):
        v = _ROMAN[a]
        total += -v if b in _ROMAN and _ROMAN[b] > v else v
    return total


def _rows(lines: list[Line], size: float) -> list[list[Line]]:
    rows: list[list[Line]] = []
    for ln in sorted(lines, key=lambda ln: ln.y):
        if rows and ln.y - rows[-1][0].y < 0.5 * size:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    return rows


def bands(lines: list[Line], size: float, height: float) -> list[Line]:
    """Return the lines in the page's head and foot bands."""
    rows = _rows(lines, size)
    out: list[Line] = []
    for k in range(min(3, len(rows) - 1)):
        if rows[k][0].y > _BAND * height:
            break
        if rows[k + 1][0].y - rows[k][0].y >= _GAP * size:
            for r in rows[: k + 1]:
                out.extend(r)
            break
    for k in range(min(3, len(rows) - 1)):
        row, above = rows[-1 - k], rows[-2 - k]
        if row[0].y < (1 - _BAND) * height:
            break
        if row[0].y - above[0].y >= _GAP * size:
            for r in rows[len(rows) - 1 - k:]:
                out.extend(r)
            break
    for r in rows:
        if r[0].y < _EDGE * height or r[0].y > (1 - _EDGE) * height:
            out.extend(ln for ln in r if ln not in out)
    return out


def mark_furniture(pages: list[list[Line]], size: float, heights: list[float], title: str | None,
                   rules: list[list[tuple[float, float, float]]] | None = None) -> list[str | None]:
    """Set ``role = "furniture"`` on running heads, feet and page numbers; return each page's printed number."""
    band = [bands(lines, size, h) for lines, h in zip(pages, heights)]
    rules = rules or [[] for _ in pages]
    seen: dict[str, set[int]] = {}
    for i, lines in enumerate(band):
        for ln in lines:
            seen.setdefault(key(ln.text), set()).add(i)
    heads = _recurring_heads(band, heights)
    ruled = {y for y, c in Counter(round(r[1]) + d for page in rules for r in page for d in (-1, 0, 1)).items() if c >= 2}
    title_key = key(title or "")
    numbers: list[list[int]] = []
    for i, lines in enumerate(band):
        found: list[int] = []
        for ln in lines:
            if ln.size > 1.1 * size or not ln.text:
                continue  # a title, never a running head; a note number alone (an empty note)
            k = key(ln.text)
            alone = PAGE_NUMBER.match(ln.text.strip())
            if alone or len(seen[k]) > 1 or _names_title(ln, k, title_key, size) or _repeats(k, i, seen) or (
                    i > 0 and ln.y < 0.5 * heights[i] and (ln.size < 0.9 * size or (
                        ln.size < 0.97 * size and round(ln.y) in heads))) or (
                    i == 0 and ln.size < 0.95 * size and ln.y < 0.5 * heights[0] and _MASTHEAD.search(ln.text)) or (
                    _ruled_off(ln, pages[i], rules[i], size, ruled)):
                ln.role = "furniture"
                if alone:
                    value = int(alone.group(1)) if alone.group(1).isdigit() else roman(alone.group(1))
                    found.append(value or 0)
                else:
                    found.extend(int(n) for n in re.findall(r"(?<!\d)\d{1,4}(?!\d)", ln.text))
        numbers.append(found)
    return _labels(numbers)


def _recurring_heads(band: list[list[Line]], heights: list[float]) -> set[int]:
    """Return the baselines (rounded) of head-band lines that stand at the same height on two pages or more."""
    count: Counter = Counter()
    for lines in band:
        count.update({round(ln.y) + d for ln in lines if ln.y < 0.5 * heights[0] for d in (-1, 0, 1)})
    return {y for y, c in count.items() if c >= 2}


def _repeats(k: str, page: int, seen: dict[str, set[int]]) -> bool:
    """Tell whether a band line is part of, or holds, a band line of another page (journal and issue lines).

    The masthead of the first page (``國際關係學報第58卷第2期 頁45-65``)
    holds the running head of the others (``國際關係學報第58卷第2期``).
    """
    if len(k) < 6:
        return False
    return any(other != k and len(other) >= 6 and (k in other or other in k) and pages - {page}
               for other, pages in seen.items())


def _ruled_off(ln: Line, lines: list[Line], rules: list[tuple[float, float, float]], size: float,
               recurring: set[int]) -> bool:
    """Tell whether a rule as wide as the text runs under a line at the top of the page (a head rule).

    The rule stands at the same height on other pages too (``recurring``), or the line is set small.
    """
    if not rules or len(lines) < 3 or ln.y > min(o.y for o in lines) + 0.5 * size:
        return False
    x0, x1 = min(o.x0 for o in lines), max(o.x1 for o in lines)
    below = min((o.y for o in lines if o.y > ln.y + 0.5 * size), default=None)
    return below is not None and any(
        rx1 - rx0 >= 0.6 * (x1 - x0) and ln.y < ry < min(ln.y + 1.2 * size, below - 0.8 * size)
        and (round(ry) in recurring or ln.size < 0.97 * size)  # not a table's rule under its caption
        for rx0, ry, rx1 in rules)


def _names_title(ln: Line, k: str, title_key: str, size: float) -> bool:
    """Tell whether a band line is a (shortened) running title."""
    if len(title_key) < 4 or len(k) < 4 or ln.size > size * 1.05:
        return False
    return k in title_key or title_key in k


def _labels(numbers: list[list[int]]) -> list[str | None]:
    """Pick the number that advances with the page; fill the pages without one."""
    votes: Counter = Counter()
    for i, found in enumerate(numbers):
        for offset in {n - (i + 1) for n in found}:
            votes[offset] += 1
    if not votes:
        return [None] * len(numbers)
    offset, count = max(votes.items(), key=lambda kv: (kv[1], -abs(kv[0])))
    if count < max(1, len([f for f in numbers if f]) // 3):
        return [None] * len(numbers)
    return [str(i + 1 + offset) if i + 1 + offset > 0 else None for i in range(len(numbers))]
