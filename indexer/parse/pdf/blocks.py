"""Body lines → blocks (paragraphs and headings), joined across lines, columns and pages.

A new block starts where the style changes (size, weight, typeface), after a
vertical gap wider than the usual line pitch, at a first-line indent, or
after a line that stops short of its column's right edge. At the top of a
column or page, an unindented line in the body style continues the block
before it when that block's last line ran to the right edge.

Lines are joined without a space between CJK characters and with one between
Latin words; in English text a hyphen at a line end before a lower-case
letter is undone (in Chinese text it is the author's: post-post).
Note markers keep their offsets into the joined text.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from indexer.parse.endmatter import labelled
from indexer.parse.headings import heading_style
from indexer.parse.inline import is_wide, smart_join
from indexer.parse.pdf.lines import Line

_HYPHEN = re.compile(r"([A-Za-z]+)-$")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
# Title-page labels that start a block of their own, whatever the spacing.
_LABEL = re.compile(r"^[【\[]?\s*(?:摘\s*要|提\s*要|關\s*鍵\s*[詞字]|关\s*键\s*[词字]|Abstract\b|ABSTRACT\b|Key\s*words?\b)", re.I)


@dataclass
class Block:
    """Consecutive lines read as one unit: a paragraph, a heading or a title-page item."""

    lines: list[Line]
    text: str = ""
    marks: list[tuple[int, int]] = field(default_factory=list)

    @property
    def first(self) -> Line:
        return self.lines[0]

    @property
    def size(self) -> float:
        return self.lines[0].size

    def style(self) -> tuple:
        """Return what tells headings apart: size (half points), weight and typeface."""
        ln = self.first
        return round(ln.size * 2) / 2, ln.bold, ln.font


@dataclass
class Frame:
    """The text frame of one column of one page: left and right edges of its body lines.

    The lines of a block quotation (set in another size or typeface, inset on
    the left) are in ``quoted``, and have their own right edge, the furthest
    any of them reaches, in ``measures`` (by ``id`` of the line).
    """

    left: float
    right: float
    measures: dict[int, float] = field(default_factory=dict)
    quoted: set[int] = field(default_factory=set)  # ids of the lines of block quotations

    def right_of(self, ln: Line) -> float:
        """Return the right edge of the measure ``ln`` is set to."""
        return self.measures.get(id(ln), self.right)


def frames(lines: list[Line], size: float) -> dict[tuple[int, int], Frame]:
    """Return the frame of each (page, column), from the lines set in the body size."""
    xs: dict[tuple[int, int], list[Line]] = defaultdict(list)
    for ln in lines:
        xs[(ln.page, ln.col)].append(ln)
    out = {}
    for k, group in xs.items():
        body = [ln for ln in group if abs(ln.size - size) < 0.6] or group
        lefts = Counter(round(ln.x0) for ln in body)
        left = min(x for x, c in lefts.items() if c >= max(1, lefts.most_common(1)[0][1] // 4))
        rights = sorted(ln.x1 for ln in body)
        frame = out[k] = Frame(left, rights[int(0.9 * (len(rights) - 1))])
        face = Counter(ln.font for ln in body).most_common(1)[0][0]
        run: list[Line] = []
        for ln in group + [None]:
            quoted = ln is not None and ln.x0 - left > 0.8 * ln.size and (abs(ln.size - size) >= 0.6 or ln.font != face)
            if quoted and (not run or (abs(ln.size - run[0].size) < 0.3 and ln.font == run[0].font)):
                run.append(ln)
                continue
            right = max((r.x1 for r in run), default=frame.right)
            frame.quoted.update(id(r) for r in run)
            if len(run) > 1 and frame.right - right > 1.5 * size:  # one line: no measure to learn from it
                frame.measures.update((id(r), right) for r in run)
            run = [ln] if quoted else []
    return out


def pitch(lines: list[Line], size: float) -> float:
    """Return the usual distance between consecutive body lines.

    >>> from indexer.parse.pdf.lines import Line
    >>> pitch([Line(0, 0, 0, 9, y, 10, "f", False, "x") for y in (10.0, 25.0, 40.0, 70.0)], 10)
    15.0
    """
    gaps: Counter = Counter()
    for a, b in zip(lines, lines[1:]):
        if a.page == b.page and a.col == b.col and abs(a.size - size) < 0.6 and abs(b.size - size) < 0.6:
            d = round(b.y - a.y, 1)
            if 0 < d < 3 * size:
                gaps[d] += 1
    return gaps.most_common(1)[0][0] if gaps else 1.5 * size


def build_blocks(lines: list[Line], size: float, words: Counter | None = None) -> list[Block]:
    """Group body lines (in reading order) into blocks; ``words``: the document's :func:`vocabulary`."""
    frame = frames(lines, size)
    step = pitch(lines, size)
    blocks: list[Block] = []
    prev: Line | None = None
    for ln in lines:
        if prev is None or _breaks(prev, ln, frame, step, size):
            blocks.append(Block([ln]))
        else:
            blocks[-1].lines.append(ln)
        prev = ln
    for b in blocks:
        _join(b, words or Counter())
    return blocks


def inset(ln: Line, frame: dict[tuple[int, int], Frame]) -> float:
    """Return how far right of its column's left edge a line starts."""
    return ln.x0 - frame[(ln.page, ln.col)].left


def indented(ln: Line, frame: dict[tuple[int, int], Frame]) -> bool:
    """Tell whether a line starts right of its column's left edge (a first-line indent)."""
    return inset(ln, frame) > 0.8 * ln.size


def quoted(ln: Line, frame: dict[tuple[int, int], Frame]) -> bool:
    """Tell whether a line belongs to a block quotation (inset, in a style of its own)."""
    return id(ln) in frame[(ln.page, ln.col)].quoted


def short(ln: Line, frame: dict[tuple[int, int], Frame]) -> bool:
    """Tell whether a line stops well before the right edge of its column (or of its block quotation)."""
    return frame[(ln.page, ln.col)].right_of(ln) - ln.x1 > 1.5 * ln.size


_FIRST_WORD = re.compile(r"[!-~\u00c0-\u024f]+")


def _wrapped(prev: Line, ln: Line, frame: dict) -> bool:
    """Tell whether ``prev`` stopped short only because the next line's first word did not fit."""
    m = _FIRST_WORD.match(ln.text)
    width = len(m.group()) * 0.5 * ln.size if m else ln.size
    right = frame[(prev.page, prev.col)].right_of(prev)
    return ln.y > prev.y and prev.x1 + width > right - 0.5 * ln.size and prev.text[-1:] not in "。！？!?"


def _centred(ln: Line, frame: dict, clear: bool = True) -> bool:
    """Tell whether a line stands in the middle of its column (``clear``: away from both edges)."""
    f = frame[(ln.page, ln.col)]
    left, right = ln.x0 - f.left, f.right - ln.x1
    return abs(left - right) < 2 * ln.size and (not clear or min(left, right) > ln.size)


def _same_style(a: Line, b: Line) -> bool:
    """Tell whether two lines share size, weight and typeface (of CJK text when only one has Latin)."""
    return abs(a.size - b.size) < 0.6 and a.bold == b.bold and (a.font == b.font or a.cjk != b.cjk)


def _breaks(prev: Line, ln: Line, frame: dict, step: float, size: float) -> bool:
    """Tell whether ``ln`` starts a new block after ``prev``."""
    if not _same_style(prev, ln) or _LABEL.match(ln.text) or labelled(ln.text, title_page=False):
        return True
    if ln.size >= 1.25 * size and 0 < ln.y - prev.y < 2.1 * ln.size and prev.page == ln.page:
        return False  # a title set large continues on its next line, centred or not
    if (ln.size >= 1.05 * size or ln.bold) and 0 < ln.y - prev.y < 2.1 * ln.size and prev.page == ln.page \
            and _centred(prev, frame, clear=False) and _centred(ln, frame):
        return False  # so does a title set bold or a little larger, centred
    alone = quoted(prev, frame) and id(prev) not in frame[(prev.page, prev.col)].measures
    if short(prev, frame) and not _wrapped(prev, ln, frame) and not (alone and quoted(ln, frame)):
        return True  # (the last line of a quotation on its page has no measure to be short of)
    if indented(ln, frame) and not (indented(prev, frame) and quoted(prev, frame)):
        # a first-line indent, unless a block quotation goes on inset as it was
        return not indented(prev, frame) or prev.page != ln.page or abs(ln.x0 - prev.x0) < 0.3 * ln.size
    if prev.text[-1:] in "。！？!?" and short(ln, frame) and heading_style(ln.text):
        return True  # a numbered heading set like the text, after a sentence
    if prev.page != ln.page or (prev.col != ln.col and ln.y < prev.y):  # the next column or page
        return indented(ln, frame) and not (quoted(prev, frame) and inset(ln, frame) <= inset(prev, frame) + 0.5 * ln.size)
    return ln.y - prev.y > 1.35 * max(step, prev.size)


def _mostly_cjk(text: str) -> bool:
    """Tell whether CJK is most of a text: there a hyphen at a line end is the author's (post-post)."""
    tail = text[-200:]
    return sum(is_wide(c) for c in tail) > 0.3 * len(tail)


def vocabulary(lines: list[Line]) -> Counter:
    """Count the Latin words of a document in lower case, hyphenated compounds whole (for :func:`join_hyphen`)."""
    words: Counter = Counter()
    for ln in lines:
        words.update(w.lower() for w in _LATIN_WORD.findall(ln.text.removesuffix("-")))
    return words


def join_hyphen(text: str, piece: str, words: Counter) -> str | None:
    """Join a line ending in a hyphen to the next one: without the hyphen if it was the typesetter's.

    The word whole elsewhere in the document (or with an -s) says the
    typesetter broke it; the compound with its hyphen elsewhere, or a hyphen
    already in the word (``wait-and-see``: typesetters never break those),
    says the author wrote it. Else English text drops the hyphen, and
    Chinese text keeps it when the rest is a word seen elsewhere
    (``post-post``): TeX breaks English words in Chinese paragraphs too
    (``Na-tional``). None when the line does not end in a hyphen before a
    lower-case letter.

    >>> join_hyphen("The Depart-", "ment of Defense", Counter())
    'The Department of Defense'
    >>> join_hyphen("美波(Enhanced Defen-", "se Cooperation)", Counter({"defenses": 1}))
    '美波(Enhanced Defense Cooperation)'
    >>> join_hyphen("後現代的post-", "post論述", Counter({"post": 2})), join_hyphen("the wait-and-", "see", Counter())
    ('後現代的post-post論述', 'the wait-and-see')
    >>> join_hyphen("(Summary of the Na-", "tional)，川普", Counter({"tional": 1}))
    '(Summary of the National)，川普'
    """
    m = _HYPHEN.search(text)
    tail = re.match(r"[a-z]+", piece)
    if not m or not tail:
        return None
    head, rest = m.group(1), tail.group()
    whole = (head + rest).lower()
    if words[whole] or words[whole + "s"] or (whole[-1] == "s" and words[whole[:-1]]):
        return text[:-1] + piece
    if words[f"{head}-{rest}".lower()] or text[-len(head) - 2:-len(head) - 1] == "-" or (
            _mostly_cjk(text) and words[rest.lower()] > 1):
        return text + piece
    return text[:-1] + piece


def _join(block: Block, words: Counter) -> None:
    """Join a block's lines into its text, keeping marker offsets."""
    text = ""
    marks: list[tuple[int, int]] = []
    for ln in block.lines:
        piece = ln.text
        joined = join_hyphen(text, piece, words) or smart_join(text, piece)
        shift = len(joined) - len(piece)
        marks.extend((at + shift, n) for at, n in ln.marks)
        text = joined
    block.text = text
    block.marks = marks
