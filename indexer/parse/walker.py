"""Walk the body blocks of an article in reading order: paragraphs, headings, notes, references.

A PDF extraction interleaves the body with what each page puts below it:
note definitions, page numbers, running titles. :class:`Walker` takes the
blank-line separated blocks one at a time and decides for each line whether
it is a heading, a note definition, the continuation of a note cut by a page
break, a reference entry or body text, and stitches body text cut by page
breaks back together. Decisions that need judgement are in :mod:`indexer.parse.pages`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from indexer.model import NoteRef, Paragraph, Section
from indexer.parse.headings import LIST_STYLES, Outline, heading_style, number_of, part_of, plain_heading
from indexer.parse.inline import ends_open, inline_cleaner, joint
from indexer.parse.markers import NumberedNotes
from indexer.parse.endmatter import add_reference
from indexer.parse.notes import DEF_START, extract_markers, join_note, note_start, superscript_note_start
from indexer.parse.pages import Layout, continues_late, continues_note, indent_of, looks_like_citation

Line = tuple[int, str]
SEPARATOR_DEPTH = -1
_LIST_ITEM = re.compile(r"^(?:\d{1,3}[.)]|[-+•*])\s+")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_LISTED_NOTE = re.compile(r"^\s{0,3}(\d{1,3})[.)．、]\s+(.*)$")
_LONE_SUPERSCRIPT = re.compile(r"^\s*[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4}\s*$")
LONG_NOTE = 3000  # characters: a note this long has probably taken in body text


@dataclass
class Mark:
    """A note marker as printed, where it stands, and the block of notes it belongs to."""

    ref: NoteRef
    block: int
    where: str  # paragraph or section id


@dataclass
class Definition:
    """A note definition as printed: its number, its block of notes, its raw text."""

    n: int
    block: int
    text: str


@dataclass
class Walker:
    """Walk the body blocks, stitching paragraphs and collecting notes, headings and references."""

    markdown: bool
    is_furniture: Callable[[str], bool]
    numbered: NumberedNotes | None = None
    layout: Layout = field(default_factory=Layout)
    paragraphs: list[Paragraph] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cited: set[int] = field(default_factory=set)
    depth_levels: dict[int, int] = field(default_factory=dict)
    outline: Outline = field(default_factory=Outline)
    current: Paragraph | None = None
    pieces: list[str] = field(default_factory=list)  # the current paragraph's text, joined when it ends
    length: int = 0  # of the current paragraph's text
    current_quote: bool = False
    last_def: Definition | None = None
    continued: set[int] = field(default_factory=set)  # ids of definitions continued across a page
    after_separator: bool = False
    page_break: bool = False  # notes, a rule or page furniture since the last body line
    in_notes: bool = False  # inside the block of notes of the current page
    block: int = 0
    mode: str = "body"  # body | notes (end notes) | references
    previous: str = ""
    line_text: str = ""  # the last body line, without its markers
    last_item: tuple[str, int | None] | None = None  # style and number of the last numbered list item
    top_depth: int = 0

    def __post_init__(self) -> None:
        self.clean = inline_cleaner(self.markdown)

    # -- blocks -------------------------------------------------------------------

    def walk(self, units: list[list[Line]]) -> None:
        """Consume the body blocks in order."""
        self.units = units
        for i, unit in enumerate(units):
            self.i = i
            self.unit(unit)
        self._close()

    def _close(self) -> None:
        """Give the current paragraph its text (pieces are joined once: long paragraphs stay linear)."""
        if self.current is not None:
            self.current.text = "".join(self.pieces)
        self.current, self.pieces, self.length = None, [], 0

    def _open(self, paragraph: Paragraph) -> None:
        self._close()
        self.current, self.pieces, self.length = paragraph, [paragraph.text], len(paragraph.text)
        self.paragraphs.append(paragraph)

    def _cut_open(self) -> bool:
        """Tell whether the current paragraph stops mid-sentence."""
        last = next((p for p in reversed(self.pieces) if p.strip()), "")
        return self.current is not None and ends_open(last)

    def unit(self, lines: list[Line]) -> None:
        """Consume one blank-line separated block."""
        kept = [(j, d, t) for j, (d, t) in enumerate(lines) if d or not self.is_furniture(t) or (
            self.numbered and (self.numbered.definition(self.i, j) or j and self.numbered.may_be_lone_marker(t)))]
        if len(kept) < len(lines):
            self.page_break = True
        quote = self._quote_unit([(d, t) for _, d, t in kept])
        into: Definition | None = None  # the note that the following lines continue
        kind = ""
        width = max((len(t.strip()) for _, d, t in kept if not d), default=0) if len(kept) > 2 else 0
        lone = False  # the line before was a marker on its own: the text goes on after it
        for k, (j, depth, raw) in enumerate(kept):
            if kind == "body" and not quote and not lone and _short_final(self.line_text, width):
                kind = "break"  # a short line ending a sentence ends a hard-wrapped paragraph
            lone = False
            if depth == SEPARATOR_DEPTH:
                self.after_separator, self.page_break, into, kind = True, True, None, "sep"
            elif depth:
                self._heading(raw, depth)
                into, kind = None, "heading"
            elif k and kind in ("body", "break") and _LONE_SUPERSCRIPT.match(raw) and self.current:
                self._attach(extract_markers(raw.strip(), self.markdown)[1])  # a raised marker on its own line
                kind, lone = "body", True
            elif start := self._definition_start(j, raw, kind):
                into, kind = self._define(*start), "def"
            elif into is not None:
                self._continue_note(into, raw)
            elif k == 0 and self._continues_note(raw):
                into, kind = self.last_def, "cont"
                self._continue_note(into, raw)
                self.after_separator, self.in_notes, self.page_break = False, True, True
            else:
                nxt = kept[k + 1][2] if k + 1 < len(kept) else None
                kind = self._body(raw, k == 0, kind, quote, nxt, width)
                lone = kind == "lone"
                kind = "body" if lone else kind
        self.previous = kind

    def _quote_unit(self, lines: list[Line]) -> bool:
        body = [t for d, t in lines if not d]
        if not body or len(body) < len(lines):
            return False
        if self.markdown:
            return all(_QUOTE.match(t) for t in body)
        return all(indent_of(t) >= self.layout.quote_indent for t in body) and len(body[0].strip()) > 1

    # -- notes --------------------------------------------------------------------

    def _definition_start(self, j: int, raw: str, kind: str = "") -> tuple[int, str] | None:
        if self.numbered is not None:
            return self.numbered.definition(self.i, j)
        if not self.markdown:
            return superscript_note_start(raw, self.cited)
        if start := note_start(raw, self.cited):
            return start
        m = _LISTED_NOTE.match(raw)  # below a page's rule: "1. 王某，…" for a <sup>1</sup> above
        in_notes = self.after_separator or kind == "def" or (not kind and self.previous in ("def", "cont"))
        if m and int(m.group(1)) in self.cited and in_notes:
            return int(m.group(1)), m.group(2)
        return None

    def _define(self, n: int, rest: str) -> Definition:
        self.in_notes = self.page_break = True
        self.after_separator = False
        d = Definition(n, self.block, rest.strip())
        self.definitions.append(d)
        self.last_def = d
        return d

    def _continue_note(self, d: Definition, raw: str) -> None:
        if self.markdown and _QUOTE.match(raw):
            raw = _QUOTE.sub("", raw, count=1)
        d.text = join_note(d.text, raw, self.markdown)
        if len(d.text) > LONG_NOTE and len(d.text) - len(raw) <= LONG_NOTE:
            self.warnings.append(
                f"long note: note {d.n} has grown past {LONG_NOTE:,} characters; "
                "check that body text after it was not taken for note text"
            )

    def _continues_note(self, raw: str) -> bool:
        """Tell whether a block that follows notes continues the last note rather than the body."""
        d = self.last_def
        if d is None:
            return False
        text = self.clean(raw)
        if self.mode == "notes" and self.previous in ("def", "cont"):
            return not plain_heading(text) and not heading_style(text)
        if self._markers(text, peek=True)[1] or heading_style(text) or plain_heading(text):
            return False
        body_open = self._cut_open()
        if self.previous in ("def", "cont", "sep") or (self.markdown and self.after_separator):
            if self.current_quote and self._quote_unit([(0, raw)]):
                return False  # a quotation resumes after the notes
            indented = not self.markdown and self.previous == "def" and raw.startswith(("    ", "\t"))
            return indented or continues_note(
                d.text, text, body_open, self.markdown and self.after_separator
            )
        if self.markdown or d.block == self.block or id(d) in self.continued or not self._notes_follow():
            return False
        return continues_late(d.text, text, body_open)

    def _notes_follow(self) -> bool:
        """Tell whether the next block that is not page furniture starts with a note definition."""
        for i in range(self.i + 1, min(self.i + 4, len(self.units))):
            lines = [(j, t) for j, (d, t) in enumerate(self.units[i]) if not d and not self.is_furniture(t)]
            if not lines:
                continue
            j, raw = lines[0]
            if self.numbered is not None:
                return self.numbered.definition(i, j) is not None
            return bool(DEF_START.match(raw))
        return False

    # -- markers ------------------------------------------------------------------

    def _markers(self, text: str, peek: bool = False) -> tuple[str, list[NoteRef]]:
        if self.numbered is None:
            return extract_markers(text, self.markdown)
        if peek:
            saved = (self.numbered.expected, self.numbered.page_start)
            out = self.numbered.extract(text)
            self.numbered.expected, self.numbered.page_start = saved
            return out
        return self.numbered.extract(text)

    def _cite(self, refs: list[NoteRef], where: str) -> None:
        for r in refs:
            self.cited.add(r.n)
            self.marks.append(Mark(r, self.block, where))

    def _resume_body(self) -> None:
        """Body text after a block of notes: markers now belong to the next block."""
        if self.in_notes:
            self.in_notes = False
            self.block += 1
            if self.numbered is not None:
                self.numbered.new_page()
            if self.last_def is not None and self.last_def.block < self.block - 1:
                self.continued.add(id(self.last_def))

    # -- headings -----------------------------------------------------------------

    def _heading(self, raw: str, depth: int) -> None:
        text, refs = self._markers(self.clean(raw))
        style = heading_style(text)
        if depth > 0:
            self.top_depth = min(self.top_depth or depth, depth)
            if style:
                level = self.outline.level(style)
                self.depth_levels.setdefault(depth, level)
            else:
                level = self._level_of_depth(depth)
        else:
            level = self.outline.level(style)
        sid = f"s{len(self.sections) + 1}"
        self.sections.append(Section(sid, text, level))
        self._cite(refs, sid)
        self.sections[-1].notes = list(refs)
        self._close()
        self.current_quote = False
        self.after_separator = False
        self.mode = part_of(text) or "body"
        if self.in_notes and self.mode == "body":
            self._resume_body()

    def _level_of_depth(self, depth: int) -> int:
        """Level an unnumbered Markdown heading like the numbered ones around its depth."""
        known = self.depth_levels
        if depth in known:
            return known[depth]
        if shallower := [d for d in known if d < depth]:
            return known[max(shallower)] + depth - max(shallower)
        if deeper := [d for d in known if d > depth]:
            return max(1, known[min(deeper)] - (min(deeper) - depth))
        return depth - self.top_depth + 1

    def _is_heading(self, text: str, unit_start: bool, kind: str, nxt: str | None, width: int) -> bool:
        """Tell whether a body line is a heading, not a numbered paragraph, list item or wrapped line."""
        if not (unit_start or kind != "body" or not self._cut_open()):
            return False
        style = heading_style(text)
        if style is None:
            return not self.markdown and plain_heading(text)
        if nxt is not None and width >= 20 and len(text) >= 0.85 * width and ends_open(text):
            return False  # the first line of a hard-wrapped paragraph
        if style in LIST_STYLES:
            n = number_of(text, style)
            listed = self.last_item is not None and self.last_item == (style, (n or 0) - 1)
            if listed or (_LIST_ITEM.match(text) and (len(text) > 30 or "：" in text)) or self._list_follows(
                    text, style, nxt):
                self.last_item = (style, n)
                return False
        return True

    def _list_follows(self, text: str, style: str, nxt: str | None) -> bool:
        """Tell whether the next line is the next item of the same style: a list, not headings."""
        if nxt is None and self.i + 1 < len(self.units):
            lines = [t for d, t in self.units[self.i + 1] if not d]
            nxt = lines[0] if lines else None
        if nxt is None:
            return False
        nxt = self.clean(nxt)
        if heading_style(nxt) != style:
            return False
        n, m = number_of(text, style), number_of(nxt, style)
        return n is not None and m == n + 1

    # -- body ---------------------------------------------------------------------

    def _body(self, raw: str, unit_start: bool, kind: str, quote: bool, nxt: str | None, width: int) -> str:
        if quote and self.markdown:
            raw = _QUOTE.sub("", raw, count=1)
        cleaned = self.clean(raw)
        if not cleaned:
            return kind
        self._resume_body()  # markers from here on belong to the next block of notes
        if self.numbered is not None and (n := self.numbered.lone_marker(cleaned)) is not None:
            return self._lone_marker(n)
        if self.numbered is not None and self.numbered.may_be_lone_marker(cleaned):
            return kind  # a page number after all
        text, refs = self._markers(cleaned)
        self.line_text = text
        if not text and not refs:
            return kind
        if all(r.at == len(text) for r in refs) and self._is_heading(text, unit_start, kind, nxt, width):
            self._heading(raw, 0)  # a heading may carry a note marker at its end
            return "heading"
        if self.mode == "references" and not refs:
            add_reference(self.references, text, raw, unit_start, self.markdown)
            return "reference"
        cur = self.current
        open_join = unit_start and cur is not None and quote == self.current_quote and (
            self._cut_open() or self._unindented_after_break(raw))
        quote_join = unit_start and quote and self.current_quote and self.page_break
        joins = cur is not None and not _LIST_ITEM.match(text) and (
            open_join or quote_join or (not unit_start and kind == "body")
        )
        if joins and not text:
            self._attach(refs)
        elif joins:
            last = next((p for p in reversed(self.pieces) if p), "")
            glue = joint(last[-1], text[0]) if last else ""
            for r in refs:
                r.at += self.length + len(glue)
            self.pieces += [glue, text]
            self.length += len(glue) + len(text)
            cur.notes.extend(refs)
            self._cite(refs, cur.id)
        else:
            section = self.sections[-1].id if self.sections else None
            self._open(Paragraph(f"p{len(self.paragraphs) + 1}", section, text, list(refs)))
            self.current_quote = quote
            self._cite(refs, self.current.id)
        self.after_separator = self.page_break = False
        return "body"

    def _unindented_after_break(self, raw: str) -> bool:
        """In an article whose paragraphs start indented, text at the top of a page without the indent goes on."""
        indent = self.layout.para_indent
        return self.page_break and indent >= 2 and indent_of(raw) < indent and not self.current_quote

    def _attach(self, refs: list[NoteRef]) -> None:
        cur = self.current
        for r in refs:
            r.at = self.length
        cur.notes.extend(refs)
        self._cite(refs, cur.id)

    def _lone_marker(self, n: int) -> str:
        """A marker extracted onto a line of its own: it belongs at the end of the text so far."""
        ref = NoteRef(n, 0)
        if self.current is None:
            section = self.sections[-1].id if self.sections else None
            self._open(Paragraph(f"p{len(self.paragraphs) + 1}", section, "", []))
        self._attach([ref])
        return "lone"


def _short_final(line: str, width: int) -> bool:
    return bool(width) and len(line) < 0.8 * width and not ends_open(line)


__all__ = ["Walker", "Definition", "Mark", "LONG_NOTE", "SEPARATOR_DEPTH", "looks_like_citation"]
