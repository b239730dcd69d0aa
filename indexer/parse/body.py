"""The text parser: the text of an article extracted from a PDF → :class:`~indexer.model.Article`.

Two input flavours: plain text (Unicode superscript markers ``¹²``, or note
numbers without superscripts, note definitions as lines starting with the
number) and Markdown (``<sup>n</sup>`` or ``[^n]`` markers, ``#`` headings,
``---`` before page-bottom note blocks, ``>`` quotations). Lines that are
metadata wherever they stand (dates, editor, classification numbers) are
taken out first; the title page goes to :mod:`indexer.parse.front`, an
English (or Chinese) abstract printed at the end to :mod:`indexer.parse.endmatter`,
and the body to the :class:`~indexer.parse.walker.Walker`.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Callable

from indexer.errors import ParseError
from indexer.ingest.text import detect_format
from indexer.model import Article, Author, Bilingual, Reference
from indexer.parse.dates import parse_dates
from indexer.parse.endmatter import labelled, merge_front, split_tail
from indexer.parse.front import Line, editor_of, read_front
from indexer.parse.headings import heading_style
from indexer.parse.inline import clean_inline, has_cjk, inline_cleaner
from indexer.parse.markers import CIRCLED, NumberedNotes, scan
from indexer.parse.notes import DEF_START, build_footnotes, note_urls, number_notes
from indexer.parse.pages import Layout
from indexer.parse.walker import SEPARATOR_DEPTH, Walker

FORMATS = ("markdown", "text")

_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_SEPARATOR = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]?\s*\d{1,4}\s*[-–—]?|第\s*\d{1,4}\s*頁|(?:Page|p\.)\s*\d{1,4}|\d{1,4}\s*/\s*\d{1,4})$", re.I
)
_TOC = re.compile(r"(?:\.{4,}|…{2,}|．{3,}|·{4,}|‥{2,}|・{4,})\s*(?:\d{1,4}|[ivxlcIVXLC]{1,6})\s*$")
_TOC_TITLES = {"目次", "目錄", "目录", "Contents", "CONTENTS", "Table of Contents"}
_SPACE = re.compile(r"\s+")
_JOURNAL_HEAD = re.compile(r"第\s*[\d０-９一二三四五六七八九十]+\s*[卷期輯辑]|\d{4}\s*年\s*第|Vol\.|No\.")
_BACKREF = re.compile(r"^(?:同|前揭|前引|上揭|Ibid|Id\.|op\.)", re.I)
_SUPERSCRIPT_DEF = re.compile(r"^\s*[⁰¹²³⁴⁵⁶⁷⁸⁹]")


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


def furniture(titles: Bilingual, units: list[list[Line]]) -> Callable[[str], bool]:
    """Return the test for page furniture: page numbers, running titles and heads, table-of-contents lines.

    A running head is a short line that is not a sentence and comes back on
    three or more pages (page numbers ignored).
    """
    fixed = {_SPACE.sub("", t) for t in (titles.zh, titles.en) if t} | _TOC_TITLES
    # a running head stands at the edge of a block (the top or foot of a page), once per block:
    # twice as a block of its own, three times at the edge of a longer one
    counts = Counter(key for unit in units for key in {_head_key(t) for d, t in (unit[0], unit[-1]) if d >= 0})
    alone = Counter(_head_key(unit[0][1]) for unit in units if len(unit) == 1 and unit[0][0] >= 0)
    heads = {k for k, c in counts.items() if k and (c >= 3 or alone[k] >= 2)}
    # seen once: a journal's head (volume, issue) in a block of its own next to a page number
    for i, unit in enumerate(units):
        if len(unit) == 1 and unit[0][0] >= 0 and _JOURNAL_HEAD.search(unit[0][1]) and (key := _head_key(unit[0][1])):
            near = [units[k] for k in (i - 1, i + 1) if 0 <= k < len(units)]
            if any(len(u) == 1 and _PAGE_NUMBER.match(u[0][1].strip()) for u in near):
                heads.add(key)

    def is_furniture(line: str) -> bool:
        text = _SPACE.sub("", line).strip("-–—")
        if _PAGE_NUMBER.match(line.strip()) or text.strip("0123456789") in fixed or _TOC.search(line):
            return True
        return bool(heads) and _head_key(line) in heads

    return is_furniture


def _head_key(line: str) -> str:
    """Return a line without digits and spaces if it may be a running head, else ""."""
    text = _SPACE.sub("", line)
    if not 4 <= len(text) <= 40 or text[-1] in "。！？.!?；;，,：:" or _SUPERSCRIPT_DEF.match(line):
        return ""
    key = re.sub(r"[\d０-９]+", "", text)
    if len(key) < 4 or _BACKREF.match(key) or heading_style(line) or key[0] in "[［〔【(（①②③":
        return ""
    return key


def _contents_line(line: str) -> bool:
    """Tell whether a line belongs to a table of contents (目次, or a title with leader dots and a page)."""
    return bool(_TOC.search(line)) or _SPACE.sub("", line) in _TOC_TITLES


def _journal_head(article: Article, unit: list[Line]) -> bool:
    """Keep a block that is only the journal's volume and issue (問題與研究 第46卷第4期) as metadata."""
    if len(unit) != 1 or unit[0][0] < 0:
        return False
    line = unit[0][1].strip()
    if _PAGE_NUMBER.match(line):
        return not article.title.zh  # a page number above the title
    if _JOURNAL_HEAD.search(line) and _head_key(line):
        article.metadata.setdefault("刊期", line)
        return True
    return False


def _metadata_line(article: Article, line: str, clean, title_page: bool = True) -> bool:
    """Move an editor, dates or labelled line (中图分类号, DOI …) into the article; tell whether it was one."""
    plain = clean(line)
    if "編輯" in line or "编辑" in line:
        if editor := editor_of(plain):
            article.editor = editor
            return True
    if "日期" in line or "Received" in line:
        if found := parse_dates(plain):
            dates, warnings = found
            for name in ("submitted", "revised", "accepted", "published"):
                if getattr(article.dates, name) is None:
                    setattr(article.dates, name, getattr(dates, name))
            article.warnings.extend(warnings)
            return True
    if items := labelled(plain, title_page):
        for label, value in items:
            article.metadata.setdefault(label, value)
        return True
    return False


def _superscript_notes(units: list[list[Line]], markdown: bool) -> bool:
    """Tell whether the body defines notes with superscripts, ``<sup>`` or ``[^n]``."""
    for unit in units:
        for d, t in unit:
            if d == 0 and (DEF_START.match(t) if markdown else _SUPERSCRIPT_DEF.match(t)):
                return True
    return False


def parse_text(text: str, article_id: str, fmt: str | None = None) -> Article:
    """Parse article text into an Article; never fails on unstructured prose (it warns instead).

    >>> a = parse_text("壹、前言\\n\\n本文討論¹美俄關\\n\\n¹ 同上。\\n\\n係。", "x")
    >>> [p.text for p in a.paragraphs], a.paragraphs[0].notes
    (['本文討論美俄關係。'], [NoteRef(n=1, at=4)])
    """
    fmt = fmt or detect_format(text)
    if fmt not in FORMATS:
        raise ParseError(f"{article_id}: unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    markdown = fmt == "markdown"
    clean = inline_cleaner(markdown)
    article = Article(id=article_id)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    units = []
    for unit in _units(text, markdown):
        near_top = len(units) < 30
        kept = [(d, t) for d, t in unit
                if d < 0 or not (_contents_line(t) or _metadata_line(article, t, clean, near_top))]
        if kept and not (len(units) < 3 and _journal_head(article, kept)):
            units.append(kept)
    front, i, j = read_front(units, markdown)
    body = ([units[i][j:]] if i < len(units) and j else []) + units[i + (1 if j else 0) :]
    body, tail = split_tail(body, front, markdown)
    if tail:
        merge_front(front, read_front(tail, markdown)[0])
    article.title, article.authors, article.abstract = front.title, front.authors, front.abstract
    article.keywords, article.column = front.keywords, front.column
    for label, value in front.metadata.items():
        article.metadata.setdefault(label, value)
    numbered = None if _superscript_notes(body, markdown) else scan(body)
    layout = Layout.measure([u[0][1] for u in body if u and not u[0][0]])
    walker = Walker(markdown, furniture(front.title, body), NumberedNotes(numbered) if numbered else None, layout)
    walker.walk(body)
    symbols = CIRCLED if numbered and numbered.form.name == "circled" else ""
    defs, duplicates, labels = number_notes(walker.definitions, walker.marks, symbols)
    for title in (front.title.zh, front.title.en):
        _strip_running_title(defs, title)
    article.sections = walker.sections
    article.paragraphs = walker.paragraphs
    article.references = [Reference(k, t, note_urls(t)) for k, t in enumerate(walker.references, 1)]
    cites: dict[int, list[str]] = {}
    for mark in walker.marks:
        if mark.where.startswith("p"):  # cited_in lists paragraphs; a heading's markers stay on its Section
            where = cites.setdefault(mark.ref.n, [])
            if mark.where not in where:
                where.append(mark.where)
    in_headings = {r.n for s in walker.sections for r in s.notes}
    article.footnotes, warnings = build_footnotes(defs, cites, duplicates, markdown)
    for fn in article.footnotes:
        fn.label = labels.get(fn.n)
        if fn.n in in_headings:
            fn.problems = [p for p in fn.problems if not p.startswith("no marker")]
    article.warnings.extend(warnings + walker.warnings)
    if numbered and (unmatched := [n for n in numbered.unmatched if n not in cites]):
        article.warnings.append(
            f"unmatched notes: lines starting like notes {', '.join(map(str, unmatched[:10]))} have no marker "
            "before them; they are kept as body text")
    _authors_from_metadata(article)
    _fallbacks(article, front.found_any(), text)
    return article


def _strip_running_title(defs: dict[int, str], title: str | None) -> None:
    """Drop a running title glued to the end of a note."""
    if not title:
        return
    for n, text in defs.items():
        body = text.rstrip()
        if body.endswith(title) and len(body) > len(title):
            defs[n] = body[: -len(title)].rstrip()


def _authors_from_metadata(article: Article) -> None:
    """A thesis names its author on a 研究生 line of the cover."""
    name = article.metadata.get("研究生") or article.metadata.get("作者")
    if not name:
        return
    name = re.sub(r"[\s\u3000]*撰$", "", name).strip()
    if not (2 <= len(name) <= 6 and has_cjk(name)):
        return
    if not article.authors:
        article.authors.append(Author(Bilingual(zh=name)))
    elif article.authors[0].name.zh is None:
        article.authors[0].name.zh = name


def _fallbacks(article: Article, front_found: bool, text: str) -> None:
    """Give an unstructured text a title and say what could not be recognised."""
    if not text.strip():
        article.warnings.append("empty: the text has no content")
    if article.title.zh is None and article.title.en is None:
        first = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
        short = 0 < len(first) <= 50 and not heading_style(first) and not front_found
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
