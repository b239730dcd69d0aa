"""The text parser: the text of an article extracted from a PDF → :class:`~indexer.model.Article`.

Two input flavours: plain text (Unicode superscript markers ``¹²``, note
definitions as lines starting with a superscript) and Markdown (``<sup>n</sup>``
or ``[^n]`` markers, ``#`` headings, ``---`` before page-bottom note blocks).
Body text cut by page breaks or note blocks is stitched back together; the
title page goes to :mod:`indexer.parse.front`, notes to :mod:`indexer.parse.notes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.errors import ParseError
from indexer.ingest.text import detect_format
from indexer.model import Article, Bilingual, NoteRef, Paragraph, Section
from indexer.parse.dates import parse_dates
from indexer.parse.front import PLAIN_HEADINGS, Line, editor_of, heading_level, read_front
from indexer.parse.inline import clean_inline, ends_open, has_cjk, smart_join
from indexer.parse.notes import build_footnotes, extract_markers, join_note, note_start

FORMATS = ("markdown", "text")

_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_SEPARATOR = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
_PAGE_NUMBER = re.compile(r"^[-–—]?\s*\d{1,4}\s*[-–—]?$")
_LIST_ITEM = re.compile(r"^(?:\d{1,3}[.)]|[-+•*])\s+")
_SPACE = re.compile(r"\s+")
SEPARATOR_DEPTH = -1


def _units(text: str, markdown: bool) -> list[list[Line]]:
    """Split text into blank-line separated blocks of (heading depth, raw line)."""
    units: list[list[Line]] = []
    current: list[Line] = []
    for raw in text.replace("\f", "\n\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            if current:
                units.append(current)
                current = []
            continue
        depth = 0
        if markdown:
            if _SEPARATOR.match(line.strip()):
                if current:
                    units.append(current)
                units.append([(SEPARATOR_DEPTH, "---")])
                current = []
                continue
            if m := _MD_HEADING.match(line):
                depth, line = len(m.group(1)), m.group(2)
        current.append((depth, line))
    if current:
        units.append(current)
    return units


@dataclass
class _Walker:
    """Walk the body blocks in reading order, stitching paragraphs and collecting notes."""

    markdown: bool
    furniture: set[str]
    paragraphs: list[Paragraph] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    defs: dict[int, str] = field(default_factory=dict)
    duplicates: set[int] = field(default_factory=set)
    cited: set[int] = field(default_factory=set)
    depth_levels: dict[int, int] = field(default_factory=dict)
    current: Paragraph | None = None
    last_def: int | None = None
    after_separator: bool = False
    previous: str = ""
    top_depth: int = 0

    def unit(self, lines: list[Line]) -> None:
        """Consume one blank-line separated block."""
        lines = [(d, t) for d, t in lines if not self._is_furniture(t)]
        into: int | None = None  # note that the following lines continue
        kind = ""
        width = max((len(t) for d, t in lines if not d), default=0) if len(lines) > 2 else 0
        for k, (depth, raw) in enumerate(lines):
            if kind == "body" and _short_final(lines[k - 1][1], width):
                kind = "break"  # a short line ending a sentence ends a hard-wrapped paragraph
            if depth == SEPARATOR_DEPTH:
                self.after_separator, into, kind = True, None, "sep"
            elif depth:
                self._heading(raw, depth)
                into, kind = None, "heading"
            elif start := note_start(raw, self.cited):
                into, kind = self._define(*start), "def"
            elif into is not None:
                self._continue_note(into, raw)
            elif k == 0 and self._continues_note(raw):
                into = self.last_def
                self._continue_note(into, raw)
            else:
                kind = self._body(raw, k == 0, kind)
        self.previous = kind

    def _is_furniture(self, line: str) -> bool:
        text = _SPACE.sub("", line).strip("-–—")
        return bool(_PAGE_NUMBER.match(line.strip())) or text.strip("0123456789") in self.furniture

    def _continues_note(self, raw: str) -> bool:
        if self.last_def is None:
            return False
        if self.markdown and self.after_separator:
            return True
        return self.previous == "def" and raw.startswith(("    ", "\t"))

    def _continue_note(self, n: int, raw: str) -> None:
        if n > 0:
            self.defs[n] = join_note(self.defs[n], raw)

    def _define(self, n: int, rest: str) -> int:
        self.after_separator = False
        if n in self.defs:
            self.duplicates.add(n)
            return -n
        self.defs[n] = rest.strip()
        self.last_def = n
        return n

    def _heading(self, raw: str, depth: int) -> None:
        text, refs = extract_markers(clean_inline(raw))
        self.cited.update(r.n for r in refs)
        level = heading_level(text)
        if depth > 0:
            self.top_depth = min(self.top_depth or depth, depth)
            if level:
                self.depth_levels.setdefault(depth, level)
            else:
                level = self._level_of_depth(depth)
        self.sections.append(Section(f"s{len(self.sections) + 1}", text, level or 1))
        self.current = None
        self.after_separator = False

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

    def _body(self, raw: str, unit_start: bool, kind: str) -> str:
        text, refs = extract_markers(clean_inline(raw))
        if not text and not refs:
            return kind
        if self._may_be_heading(text, unit_start, kind, refs):
            if heading_level(text) or (not self.markdown and text in PLAIN_HEADINGS):
                self._heading(text, 0)
                return "heading"
        self.cited.update(r.n for r in refs)
        self.after_separator = False
        cur = self.current
        joins = cur is not None and not _LIST_ITEM.match(text) and (
            (unit_start and ends_open(cur.text)) or (not unit_start and kind == "body")
        )
        if joins:
            joined = smart_join(cur.text, text)
            shift = len(joined) - len(text)
            cur.notes.extend(NoteRef(r.n, r.at + shift) for r in refs)
            cur.text = joined
        else:
            section = self.sections[-1].id if self.sections else None
            self.current = Paragraph(f"p{len(self.paragraphs) + 1}", section, text, list(refs))
            self.paragraphs.append(self.current)
        return "body"

    def _may_be_heading(self, text: str, unit_start: bool, kind: str, refs: list[NoteRef]) -> bool:
        """Tell whether a line may be a heading, not the rest of an unfinished sentence."""
        if refs or _LIST_ITEM.match(text):
            return False
        cur = self.current
        return unit_start or kind != "body" or cur is None or not ends_open(cur.text)


def _short_final(line: str, width: int) -> bool:
    return bool(width) and len(line) < 0.8 * width and not ends_open(extract_markers(line)[0])


def _furniture(title: Bilingual) -> set[str]:
    return {_SPACE.sub("", t) for t in (title.zh, title.en) if t}


def _strip_running_title(defs: dict[int, str], title: str | None) -> None:
    """Drop a running title glued to the end of a note."""
    if not title:
        return
    for n, text in defs.items():
        body = text.rstrip()
        if body.endswith(title) and len(body) > len(title):
            defs[n] = body[: -len(title)].rstrip()


def parse_text(text: str, article_id: str, fmt: str | None = None) -> Article:
    """Parse article text into an Article; never fails on unstructured prose (it warns instead).

    >>> a = parse_text("壹、前言\\n\\n本文討論¹美俄關\\n\\n¹ 同上。\\n\\n係。", "x")
    >>> [p.text for p in a.paragraphs], a.paragraphs[0].notes
    (['本文討論美俄關係。'], [NoteRef(n=1, at=4)])
    """
    fmt = fmt or detect_format(text)
    if fmt not in FORMATS:
        raise ParseError(f"{article_id}: unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    article = Article(id=article_id)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    units = []
    for unit in _units(text, fmt == "markdown"):
        kept = [(d, t) for d, t in unit if not _metadata_line(article, t)]
        if kept:
            units.append(kept)
    front, i, j = read_front(units)
    body = ([units[i][j:]] if i < len(units) and j else []) + units[i + (1 if j else 0) :]
    article.title = front.title
    article.authors = front.authors
    article.abstract = front.abstract
    article.keywords = front.keywords
    article.column = front.column
    walker = _Walker(fmt == "markdown", _furniture(front.title))
    for unit in body:
        walker.unit(unit)
    for title in (front.title.zh, front.title.en):
        _strip_running_title(walker.defs, title)
    article.sections = walker.sections
    article.paragraphs = walker.paragraphs
    cites: dict[int, list[str]] = {}
    for p in walker.paragraphs:
        for ref in p.notes:
            where = cites.setdefault(ref.n, [])
            if p.id not in where:
                where.append(p.id)
    article.footnotes, warnings = build_footnotes(walker.defs, cites, walker.duplicates)
    article.warnings.extend(warnings)
    _fallbacks(article, front.found_any(), text)
    return article


def _metadata_line(article: Article, line: str) -> bool:
    """Move an editor or dates line into the article; tell whether it was one."""
    if "編輯" not in line and "日期" not in line:
        return False
    plain = clean_inline(line)
    if editor := editor_of(plain):
        article.editor = editor
        return True
    if found := parse_dates(plain):
        dates, warnings = found
        article.dates.submitted = article.dates.submitted or dates.submitted
        article.dates.accepted = article.dates.accepted or dates.accepted
        article.warnings.extend(warnings)
        return True
    return False


def _fallbacks(article: Article, front_found: bool, text: str) -> None:
    """Give an unstructured text a title and say what could not be recognised."""
    if not text.strip():
        article.warnings.append("empty: the text has no content")
    if article.title.zh is None and article.title.en is None:
        first = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
        short = 0 < len(first) <= 50 and not heading_level(first) and not front_found
        title = clean_inline(first) if short else article.id
        if has_cjk(text):
            article.title.zh = title
        else:
            article.title.en = title
    if article.sections:
        return
    if front_found or article.footnotes:
        article.warnings.append("no sections: no headings such as 壹、 一、 （一） or # were found")
    elif text.strip():
        article.warnings.append(
            "no structure: no headings, authors, abstract, keywords or notes were recognised; "
            "the text is kept as plain paragraphs"
        )
