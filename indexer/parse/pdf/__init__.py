"""PDF layout → :class:`~indexer.model.Article`: the same article the text parser gives, from positions.

In: a Document of pages of spans (:mod:`indexer.ingest.pdf`). Out: an Article
whose paragraphs, sections and notes carry ``page`` (1-based) and
``page_label`` (the printed page number). The steps, one module each:

1. :mod:`.lines`: spans → lines by baseline; superscript markers by size and
   rise; one or two columns (:mod:`.columns` finds the gutter) in reading order.
2. :mod:`.furniture`: running heads and feet, page numbers out of the text;
   each page's printed number kept.
3. :mod:`.footnotes`: the note area at the foot of each column; notes by
   number, split notes joined, numbering per article or per page.
4. :mod:`.blocks`: paragraphs by indent, gap and short last line, joined
   across lines, columns and pages; block quotations; hyphenation undone.
5. here: title page (through :func:`indexer.parse.front.read_front`),
   headings by size, weight, typeface or numbering, the English title page
   at the end, dates, editor and labelled lines, notes linked to paragraphs,
   and the reference list (:mod:`.references`).
"""

from __future__ import annotations

import re
from collections import Counter

from indexer.model import Article, Author, Bilingual, Document, NoteRef, Paragraph, Section
from indexer.parse.dates import parse_dates
from indexer.parse.endmatter import labelled
from indexer.parse.front import COLUMNS, PLAIN_HEADINGS, editor_of, read_front
from indexer.parse.headings import Outline, heading_style, part_of
from indexer.parse.inline import FINAL, has_cjk
from indexer.parse.notes import build_footnotes
from indexer.parse.pdf.blocks import Block, build_blocks, vocabulary
from indexer.parse.pdf.footnotes import NOTE_SIZE, read_notes
from indexer.parse.pdf.furniture import mark_furniture
from indexer.parse.pdf.lines import SUP_SIZE, Line, body_size, document_lines, marker_numbers
from indexer.parse.pdf.references import references

_HEADING_MAX = 60  # characters
_GLUED_NUMBER = re.compile(r"\d{1,2}(?=[\u4e00-\u9fff])")


def parse_pdf(doc: Document) -> Article:
    """Build the Article of a PDF read by :mod:`indexer.ingest.pdf`."""
    size = body_size(doc.pages)
    pages = document_lines(doc.pages, size)
    labels = mark_furniture(pages, size, [p.height for p in doc.pages], _title_guess(pages, size),
                            [p.rules for p in doc.pages])
    _attach_stray_marks(pages, size)
    words = vocabulary([ln for lines in pages for ln in lines if ln.role != "furniture"])
    notes = read_notes(pages, [p.rules for p in doc.pages], size, words)
    body = [ln for lines in pages for ln in lines if not ln.role]
    if notes.per_page:
        for ln in body:
            ln.marks = [(at, n + notes.offsets.get(ln.page, 0)) for at, n in ln.marks]
    blocks = build_blocks(body, size, words)
    space_numbers(blocks)
    article = Article(id=doc.id)
    start = _front(article, blocks, size)
    _body(article, blocks[start:], size, labels, words)
    article.footnotes, warnings = build_footnotes(notes.defs, citing(article.paragraphs), notes.duplicates)
    for fn in article.footnotes:
        if fn.n in notes.pages:
            fn.page = notes.pages[fn.n] + 1
            fn.page_label = labels[notes.pages[fn.n]]
            if notes.per_page:
                fn.label = str(notes.printed[fn.n])
    article.warnings.extend(warnings)
    if not article.title.zh and not article.title.en:
        article.title.zh = doc.id
        article.warnings.append("no title: no line on the first page is set larger than the text")
    return article


def citing(paragraphs: list[Paragraph]) -> dict[int, list[str]]:
    """Return, for each note number, the ids of the paragraphs citing it, in order.

    >>> citing([Paragraph("p1", None, "甲", [NoteRef(1, 0), NoteRef(1, 1)]), Paragraph("p2", None, "乙", [NoteRef(1, 0)])])
    {1: ['p1', 'p2']}
    """
    out: dict[int, list[str]] = {}
    for p in paragraphs:
        for ref in p.notes:
            if p.id not in out.setdefault(ref.n, []):
                out[ref.n].append(p.id)
    return out


def _title_guess(pages: list[list[Line]], size: float) -> str | None:
    """Return the text of the largest line on the first page, if it is larger than the body."""
    if not pages or not pages[0]:
        return None
    top = max(pages[0], key=lambda ln: ln.size)
    return top.text if top.size > 1.15 * size else None


def _attach_stray_marks(pages: list[list[Line]], size: float) -> None:
    """Give a marker the typesetter pushed onto a line of its own to the line before it.

    That line may end the page before: the marker then stands first on the next.
    """
    before: Line | None = None  # the last line of text on the page before
    for lines in pages:
        keep: list[Line] = []
        for i, ln in enumerate(lines):
            prev = next((k for k in reversed(keep) if not k.role), None)
            nxt = next((k for k in lines[i + 1:] if not k.role), None)
            numbers = [n for _, n in ln.marks] if not ln.text else marker_numbers(ln.text) if len(ln.text) <= 3 else None
            host = prev if prev is not None and ln.col == prev.col and 0 < ln.y - prev.y < 1.2 * prev.size + ln.size \
                else before if prev is None else None
            if (host is not None and not ln.role and ln.size <= SUP_SIZE * size and numbers
                    # in the note area a number alone starts a note; after a quotation set small, text follows
                    and (host.size > NOTE_SIZE * size or (nxt is not None and nxt.size > NOTE_SIZE * size
                                                          and nxt.page == ln.page and nxt.y > ln.y))
                    and not (nxt is not None and nxt.size <= NOTE_SIZE * size and 0 < nxt.y - ln.y < 2 * size)):
                host.marks.extend((len(host.text), n) for n in numbers)
                continue
            keep.append(ln)
        lines[:] = keep
        before = next((ln for ln in reversed(keep) if not ln.role and ln.size > NOTE_SIZE * size), before)


def _front(article: Article, blocks: list[Block], size: float) -> int:
    """Read the title page; return the index of the first body block."""
    first_page = [b for b in blocks if b.first.page == 0]
    title = max(first_page, key=lambda b: b.size, default=None)
    if title is None or title.size < 1.15 * size:
        title = None
    units = []
    seen_title = False
    labels: dict[int, list[tuple[str, str]]] = {}  # metadata lines of the title page (中图分类号, 基金项目 …)
    for k, b in enumerate(blocks):
        depth = 0
        if b is not title and ((found := labelled(b.text)) or parse_dates(b.text)):
            labels[k] = found or []  # a dates line has no labels to keep
            units.append([(0, "")])
            continue
        if b is title:
            depth, seen_title = 1, True
        elif not seen_title and title is not None and b.first.page == 0:
            depth = 2 if (b.text in COLUMNS or b.size > 1.05 * size) else 0
            if depth == 0:
                units.append([(0, "")])  # a masthead line above the title: not part of the article
                continue
        elif b.size >= 1.08 * size and not has_cjk(b.text):
            depth = 2
        units.append([(depth, b.text)])
    front, i, _ = read_front(units)
    while i > 0 and i - 1 in labels:
        i -= 1  # metadata after the title page is read with the body (dates, editor)
    article.title = front.title
    article.authors = front.authors
    article.abstract = front.abstract
    article.keywords = front.keywords
    article.column = front.column
    article.metadata.update(front.metadata)
    for k, items in labels.items():
        if k < i:
            for label, value in items:
                article.metadata.setdefault(label, value)
            _dates(article, blocks[k].text)
    return i


def _dates(article: Article, text: str) -> bool:
    """Take the submission and acceptance dates from a dates line; tell whether it was one."""
    found = parse_dates(text)
    if found:
        article.dates.submitted = article.dates.submitted or found[0].submitted
        article.dates.accepted = article.dates.accepted or found[0].accepted
        article.dates.revised = article.dates.revised or found[0].revised
        article.warnings.extend(found[1])
    return bool(found)


def _heading(b: Block, size: float, body_style: tuple) -> str | None:
    """Return the numbering style of a heading block ("" when unnumbered), else None."""
    text = b.text
    if not text or len(text) > _HEADING_MAX or len(b.lines) > 3 or text[-1] in (FINAL | set("，、,")) - set("）)」』”"):
        return None
    style = heading_style(text)
    styled = b.style() != body_style and (b.size >= 1.08 * size or (b.first.bold and not body_style[1])
                                          or (b.first.font != body_style[2] and abs(b.size - size) < 2))
    if style and (styled or len(b.lines) == 1):
        return style
    if styled or (text in PLAIN_HEADINGS and len(b.lines) == 1):
        return ""
    return None


def _body(article: Article, blocks: list[Block], size: float, labels: list[str | None], words: Counter) -> None:
    """Turn body blocks into sections and paragraphs; pick out dates, editor and English title page."""
    body_style = _body_style(blocks, size)
    start, stop = _english_back_matter(article, blocks, size)
    styles: dict[tuple, int] = {}
    pending: list[tuple[Section, tuple]] = []
    outline = Outline()
    listed: list[Block] = []  # the blocks of the reference list
    mode = "body"
    for b in blocks[:start] + blocks[stop:]:
        page = b.first.page
        if editor := editor_of(b.text):
            article.editor = editor
            continue
        if _dates(article, b.text):
            continue
        if items := labelled(b.text, title_page=False):
            for label, value in items:
                article.metadata.setdefault(label, value)
            continue
        numbering = _heading(b, size, body_style)
        if mode == "references" and numbering is not None and not (
                b.size >= 1.08 * size or b.first.bold or part_of(b.text)):
            numbering = None  # an entry in another typeface, not a heading
        if numbering is not None:
            mode = "references" if part_of(b.text) == "references" else "body"
            level = outline.level(numbering) if numbering else 0
            sec = Section(f"s{len(article.sections) + 1}", b.text, level or 1, page + 1, labels[page])
            article.sections.append(sec)
            if level:
                styles.setdefault(b.style(), level)
            else:
                pending.append((sec, b.style()))
            continue
        if mode == "references":
            listed.append(b)
            continue
        section = article.sections[-1].id if article.sections else None
        article.paragraphs.append(Paragraph(f"p{len(article.paragraphs) + 1}", section, b.text,
                            [NoteRef(n, at) for at, n in b.marks], page + 1, labels[page]))
    _level_unnumbered(pending, styles)
    article.references = references(listed, labels, words)


def space_numbers(blocks: list[Block]) -> None:
    """Put back the space after a heading's number that TeX does not draw (``1前言`` → ``1 前言``).

    >>> b = Block([], "1前言", [(3, 1)]); space_numbers([b, Block([], "20世紀的外交")]); b.text, b.marks
    ('1 前言', [(4, 1)])
    """
    for b in blocks:
        if len(b.text) <= _HEADING_MAX and (m := _GLUED_NUMBER.match(b.text)) and heading_style(b.text) is None:
            spaced = f"{m.group()} {b.text[m.end():]}"
            if heading_style(spaced):
                b.text = spaced
                b.marks = [(at + (at >= m.end()), n) for at, n in b.marks]


def _body_style(blocks: list[Block], size: float) -> tuple:
    weights: dict[tuple, int] = {}
    for b in blocks:
        if abs(b.size - size) < 0.6:
            weights[b.style()] = weights.get(b.style(), 0) + len(b.text)
    return max(weights, key=weights.get) if weights else (size, False, "")


def _level_unnumbered(pending: list[tuple[Section, tuple]], styles: dict[tuple, int]) -> None:
    """Level unnumbered headings like numbered ones in the same style, else by size."""
    sizes = sorted({s[0] for _, s in pending} | {s[0] for s in styles}, reverse=True)
    for sec, style in pending:
        if style in styles:
            sec.level = styles[style]
        else:
            same = [lv for st, lv in styles.items() if st[0] == style[0]]
            sec.level = min(same) if same else sizes.index(style[0]) + 1


def _english_back_matter(article: Article, blocks: list[Block], size: float) -> tuple[int, int]:
    """Read an English title page placed after the body; return the range of blocks it takes.

    It starts at an "Abstract" head, or is a run of English blocks at the very
    end whose first one is set larger than the body (a title without abstract).
    """
    at = next((k for k, b in enumerate(blocks) if k and _is_abstract_head(b.text)), None)
    if at is None:
        k = len(blocks)
        while k > 1 and len(blocks) - k < 4 and not has_cjk(blocks[k - 1].text) and len(blocks[k - 1].text) < 300:
            k -= 1
        if k == len(blocks) or blocks[k].size < 1.08 * size:
            return len(blocks), len(blocks)
        at = k
    start = at
    while start > 0 and not has_cjk(blocks[start - 1].text) and len(blocks[start - 1].text) < 300 \
            and blocks[start - 1].text[-1:] not in "。.":
        start -= 1
    stop = at + 1
    while stop < len(blocks) and not has_cjk(blocks[stop].text):
        stop += 1
    units = [[(0, b.text)] for b in blocks[start:stop]]
    front, _, _ = read_front(units)
    if front.title.en and not article.title.en:
        article.title.en = front.title.en
    article.abstract.en = article.abstract.en or front.abstract.en
    article.keywords.en = article.keywords.en or front.keywords.en
    for k, author in enumerate(front.authors):
        if k < len(article.authors):
            mine = article.authors[k]
            mine.name.en = mine.name.en or author.name.en
            mine.affiliation.en = mine.affiliation.en or author.affiliation.en
        else:
            article.authors.append(Author(Bilingual(en=author.name.en), Bilingual(en=author.affiliation.en)))
    return start, stop


def _is_abstract_head(text: str) -> bool:
    """Tell whether a block opens an English abstract.

    >>> _is_abstract_head("Abstract"), _is_abstract_head("Abstract: Along with"), _is_abstract_head("Abstracts of")
    (True, True, False)
    """
    head = text.split(":")[0].split("：")[0].strip()
    return head in ("Abstract", "ABSTRACT") or text.startswith(("Abstract ", "ABSTRACT "))
