"""The footnote area at the foot of each column: note texts by number, joined across pages.

The area is what follows the lowest short rule in a column, or else the run
of lines at its foot set smaller than the body that contains a note start.
A note starts with its number: a superscript (``¹ 同上``), or at normal size
``1 ``, ``1.``, ``[1]``, ``註1：``. A number only counts when it is the next
note, the first of a page (numbering restarting on each page) or a number
cited on the page; anything else continues the note before it, also at the
top of the next page's area (a note split across pages).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from indexer.parse.headings import part_of
from indexer.parse.notes import join_note
from indexer.parse.pdf.blocks import join_hyphen
from indexer.parse.pdf.columns import SINGLE
from indexer.parse.pdf.lines import CIRCLED, Line

_START = re.compile(rf"^\s*(?:([{CIRCLED}])|\[(\d{{1,3}})\]|[（(](\d{{1,3}})[）)]|註\s*(\d{{1,3}})\s*[:：、.]?"
                    r"|(?!0)(\d{1,3})(?:[.．、)）:：](?![A-Za-z0-9])|(?=\s|[^\x00-\x7f\d\-–—~～/.,，、"
                    r"年月日頁页期卷號号冊册版條条款項项章節节屆届次輯辑集編编篇回萬万億亿元%％]|$)))\s*")
NOTE_SIZE = 0.95  # note text is set at most this much of the body size


@dataclass
class Notes:
    """Note texts by number, where each starts, and each page's marker numbers as printed."""

    defs: dict[int, str] = field(default_factory=dict)
    pages: dict[int, int] = field(default_factory=dict)  # note number → 0-based page of its start
    home: dict[int, int] = field(default_factory=dict)  # note number → page whose numbering it belongs to
    printed: dict[int, int] = field(default_factory=dict)  # note number → the number printed for it
    duplicates: set[int] = field(default_factory=set)
    per_page: bool = False  # numbering restarts on each page (numbers below are then renumbered)
    offsets: dict[int, int] = field(default_factory=dict)  # page → added to its printed numbers


_URL_END = re.compile(r"(?:https?|ftp)://\S+$|www\.\S+$")
_URL_MORE = re.compile(r"^[A-Za-z0-9/._\-~%?=&#+:]")


def join_lines(prev: str, cont: str, words: Counter | None = None) -> str:
    """Join a note's next line: a URL cut at the line end continues without a space, a word cut by
    the typesetter's hyphen is made whole (see :func:`~indexer.parse.pdf.blocks.join_hyphen`).

    >>> join_lines("見 https://dod.defense.gov/x.", "pdf, June 15.")
    '見 https://dod.defense.gov/x.pdf, June 15.'
    >>> join_lines("見 https://a.gov/story?id=78377019,", "June 20, 2021.")
    '見 https://a.gov/story?id=78377019, June 20, 2021.'
    >>> join_lines("鄭羽，《既非盟友", "》，頁94。")
    '鄭羽，《既非盟友》，頁94。'
    """
    if _URL_END.search(prev) and _URL_MORE.match(cont) and prev[-1] not in ",;" and not (
            prev[-1] == "." and cont[0].isupper()):
        return prev + cont
    return join_hyphen(prev, cont, words or Counter()) or join_note(prev, cont)


def note_start(ln: Line, expected: set[int]) -> tuple[int, str] | None:
    """Return (number, text) when a line of the note area starts a note, else None.

    >>> from indexer.parse.pdf.lines import CIRCLED, SINGLE, Line
    >>> ln = Line(0, 0, 0, 100, 700, 9, "f", False, "2 同上，頁5。")
    >>> note_start(ln, {2}), note_start(ln, {3})
    ((2, '同上，頁5。'), None)
    >>> ln.text = "1-27。"  # the end of a note: pages, not note 1
    >>> note_start(ln, {1})
    >>> ln.text = "3期），頁130。"  # nor an issue number
    >>> note_start(ln, {3})
    """
    if ln.lead_mark is not None:
        at = ln.marks[0][0]
        return ln.lead_mark, (ln.text[:at] + ln.text[at:].lstrip())
    m = _START.match(ln.text)
    if not m:
        return None
    g = next(g for g in m.groups() if g)
    n = CIRCLED.index(g) + 1 if g in CIRCLED else int(g)
    if n not in expected:
        return None
    return n, ln.text[m.end():]


def expected(cited: set[int], last: int, here: list[int]) -> set[int]:
    """Return the numbers the next note may have: the next one, or one cited on the page and not yet passed.

    ``here``: the numbers of the notes started on this page so far. Before
    the first, a number cited on the page may be lower than the last note's
    (numbering restarting on each page).

    >>> sorted(expected({5, 6, 7}, 6, [5, 6])), sorted(expected({1, 2}, 9, []))
    ([7], [1, 2, 10])
    """
    floor = here[-1] if here else 0
    return {last + 1} | {n for n in cited if n > floor and (n > last or not here)}


def _area(seg: list[Line], rules: list[tuple[float, float, float]], size: float, open_note: bool,
          allowed: set[int]) -> int:
    """Return the index in a column's lines where its footnote area starts (len(seg) if none)."""
    x0, x1 = min(ln.x0 for ln in seg), max(ln.x1 for ln in seg)
    for rx0, ry, rx1 in sorted(rules, key=lambda r: -r[1]):
        if min(rx1, x1) - max(rx0, x0) < 0.5 * (rx1 - rx0) or rx1 - rx0 > 1.2 * (x1 - x0) + 10:
            continue  # not this column's rule: most of it lies outside the column
        below = [k for k, ln in enumerate(seg) if ln.y - 0.6 * ln.size > ry]
        above = [ln for ln in seg if ln.y < ry]
        if below and above and all(seg[k].size <= size * 1.02 for k in below):
            return below[0]
    k = len(seg)
    while k > 0 and seg[k - 1].size <= NOTE_SIZE * size:
        k -= 1
    if k > 0 and part_of(seg[k - 1].text) == "references":
        return len(seg)  # a reference list set small, not notes
    for j in range(k, len(seg)):
        if note_start(seg[j], allowed):
            return k if (j == k or open_note) else j
    return len(seg)


def segments(lines: list[Line]) -> list[list[Line]]:
    """Cut a page's lines (in reading order) into runs of one column."""
    out: list[list[Line]] = []
    for ln in lines:
        if out and out[-1][-1].col == ln.col and ln.y >= out[-1][-1].y:
            out[-1].append(ln)
        else:
            out.append([ln])
    return out


def read_notes(pages: list[list[Line]], rules: list[list[tuple[float, float, float]]], size: float,
               words: Counter | None = None) -> Notes:
    """Find each page's footnote area, mark its lines ``role = "note"``, and collect the notes.

    ``words``: the document's :func:`~indexer.parse.pdf.blocks.vocabulary`, to undo hyphenation.
    """
    notes = Notes()
    current: int | None = None
    last = 0
    printed: dict[int, list[int]] = {}  # page → note numbers as printed, in order
    behind: set[int] = set()  # numbers cited on the page before whose notes did not fit there
    for p, lines in enumerate(pages):
        body = [ln for ln in lines if ln.role != "furniture"]
        cited = {n for ln in body for _, n in ln.marks if ln.lead_mark is None}
        below: float | None = None  # the top of a note area set across the page: all below it is notes
        for seg in segments(body):
            if below is not None and seg[0].y > below:
                start = 0
            else:
                start = _area(seg, rules[p], size, current is not None, expected(cited, last, printed.get(p, [])))
                if start < len(seg) and seg[start].col == SINGLE:
                    below = seg[start].y - 0.5 * size
            for ln in seg[start:]:
                ln.role = "note"
                page = p
                found = note_start(ln, expected(cited, last, printed.get(p, [])) | behind)
                if found and found[0] in behind and (found[0] not in cited or found[0] > min(cited)) \
                        and not printed.get(p):
                    page = p - 1  # a note pushed to the page after its marker's
                if found and not (found[0] == last != 1 and found[0] in notes.defs):
                    n, text = found
                    key = _key(notes, printed, page, n)
                    if key in notes.defs:
                        notes.duplicates.add(key)
                        current = None
                        continue
                    notes.defs[key] = text.strip()
                    notes.pages[key] = p
                    notes.home[key] = page
                    notes.printed[key] = n
                    current, last = key, n
                elif current is not None:
                    notes.defs[current] = join_lines(notes.defs[current], ln.text, words)
        behind = cited - set(printed.get(p, []))
    return notes


def _key(notes: Notes, printed: dict[int, list[int]], page: int, n: int) -> int:
    """Return the article-wide number of printed note ``n`` on ``page``, noticing per-page numbering."""
    mine = printed.setdefault(page, [])
    if not notes.per_page and n == 1 and notes.defs and not mine:
        notes.per_page = True  # numbering starts again on a new page
        shift = 0
        for p in sorted(printed):
            notes.offsets[p] = shift
            shift += len(printed[p])
        _renumber(notes)
    if notes.per_page and page not in notes.offsets:
        notes.offsets[page] = sum(len(v) for q, v in printed.items() if q != page)
    mine.append(n)
    return n + notes.offsets.get(page, 0) if notes.per_page else n


def _renumber(notes: Notes) -> None:
    """Give the notes read so far their article-wide numbers once per-page numbering is noticed."""
    defs, pages, home, printed = {}, {}, {}, {}
    for n, text in notes.defs.items():
        key = n + notes.offsets[notes.home[n]]
        defs[key], pages[key], home[key], printed[key] = text, notes.pages[n], notes.home[n], notes.printed[n]
    notes.defs, notes.pages, notes.home, notes.printed = defs, pages, home, printed
