"""PDF input from the systems journals use: XeLaTeX and LibreOffice PDFs committed under tests/fixtures/pdf.

The PDFs were typeset by ``python -m tests.fixtures.pdf.make`` from the
manuscripts of :mod:`tests.fixtures.pdf.manuscripts`; the article each must
read back as is computed here from the same manuscript, so these tests need
neither TeX nor LibreOffice. Page numbers are checked against the pages
PDFium itself finds the text on, independently of the layout parser.
"""

from __future__ import annotations

import functools
import re

import pypdfium2 as pdfium
import pytest

from indexer.ingest.pdf import read_document
from indexer.model import Article
from indexer.parse import parse
from indexer.parse.headings import part_of
from tests.fixtures.pdf.make import FIXTURES, HERE, fixture
from tests.fixtures.pdf.manuscripts import truth
from tests.pdfs import squash


@functools.lru_cache(maxsize=None)
def parsed(name: str) -> Article:
    return parse(read_document((HERE / f"{name}.pdf").read_bytes(), f"{name}.pdf", name))


_ALIASES = str.maketrans("➀➁➂➃➄➅➆➇➈➉⋯", "①②③④⑤⑥⑦⑧⑨⑩…")  # glyph names the reader corrects


@functools.lru_cache(maxsize=None)
def page_texts(name: str) -> list[str]:
    """Each page's text as PDFium extracts it, white space removed."""
    doc = pdfium.PdfDocument((HERE / f"{name}.pdf").read_bytes())
    try:
        return [re.sub(r"\s+", "", doc[i].get_textpage().get_text_range()).translate(_ALIASES)
                for i in range(len(doc))]
    finally:
        doc.close()


def links(a: Article) -> list[list[tuple[int, int]]]:
    return [[(r.n, len(squash(p.text[: r.at]))) for r in p.notes] for p in a.paragraphs]


@pytest.mark.parametrize("name", FIXTURES)
def test_paragraphs_notes_links_and_headings_come_back_exactly(name):
    ms, _ = fixture(name)
    want, got = truth(ms), parsed(name)
    assert [squash(p.text) for p in got.paragraphs] == [squash(p.text) for p in want.paragraphs]
    assert [(f.n, squash(f.text)) for f in got.footnotes] == [(f.n, squash(f.text)) for f in want.footnotes]
    assert links(got) == links(want)
    assert [f.cited_in for f in got.footnotes] == [f.cited_in for f in want.footnotes]
    assert [(squash(s.title), s.level) for s in got.sections if not part_of(s.title)] == \
        [(squash(s.title), s.level) for s in want.sections]
    assert [squash(r.text) for r in got.references] == [squash(r) for r in ms.references]


@pytest.mark.parametrize("name", FIXTURES)
def test_title_page_in_both_languages(name):
    ms, _ = fixture(name)
    want, got = truth(ms), parsed(name)
    assert got.title == want.title
    assert got.keywords == want.keywords
    assert squash(got.abstract.zh or "") == squash(want.abstract.zh or "")
    assert squash(got.abstract.en or "") == squash(want.abstract.en or "")
    assert [a.name for a in got.authors] == [a.name for a in want.authors]


@pytest.mark.parametrize("name", FIXTURES)
def test_page_and_printed_page_number_of_every_passage(name):
    """Each paragraph, note and heading starts on the page PDFium finds its first words on."""
    _, style = fixture(name)
    got, texts = parsed(name), page_texts(name)
    items = [(p.text, p.page, p.page_label) for p in got.paragraphs] + \
        [(f.text, f.page, f.page_label) for f in got.footnotes if f.text] + \
        [(s.title, s.page, s.page_label) for s in got.sections]
    for text, page, label in items:
        head = re.sub(r"\s+", "", text)[:8]
        assert head in texts[page - 1], (head, page)
        assert label == str(style.first_page + page - 1)


@pytest.mark.parametrize("name", FIXTURES)
def test_no_running_head_or_page_number_reaches_the_text(name):
    ms, style = fixture(name)
    got = parsed(name)
    texts = [squash(p.text) for p in got.paragraphs] + [squash(f.text) for f in got.footnotes]
    for head in (style.journal, style.issue, ms.article.title.zh):  # (page numbers: the exact texts above)
        assert not [t for t in texts if squash(head) in t], head


def test_notes_numbered_on_each_page_keep_their_printed_numbers():
    for name in ("libreoffice-2col-circled", "xelatex-twocolumn-perpage"):
        got = parsed(name)
        assert [f.n for f in got.footnotes] == list(range(1, len(got.footnotes) + 1))
        printed = [int(f.label) for f in got.footnotes]
        assert printed[0] == 1 and printed.count(1) >= 2, name
        assert all(b in (a + 1, 1) for a, b in zip(printed, printed[1:])), (name, printed)


def test_a_note_split_across_pages_is_joined():
    """In the law review, note 1 runs from the foot of the first page onto the second."""
    name = "xelatex-loose-12pt"
    texts, note = page_texts(name), parsed(name).footnote(1)
    head, tail = squash(note.text)[:20], squash(note.text)[-12:]
    assert head in texts[0] and tail not in texts[0] and tail in texts[1]
    assert (note.page, note.page_label) == (1, "7")


def test_verse_stays_one_paragraph_and_english_hyphenation_is_undone():
    got = parsed("libreoffice-word-plain")
    verse = next(p for p in got.paragraphs if p.text.startswith("論畫以形似"))
    assert verse.text == "論畫以形似，見與兒童鄰。賦詩必此詩，定非知詩人。詩畫本一律，天工與清新。邊鸞雀寫生，趙昌花傳神。"
    assert [r.n for r in verse.notes] == [3]
    thesis = parsed("libreoffice-2col-circled")
    assert "仰止唯佛陀，完成在人格；人圓佛即成，是名真現實。" in [p.text for p in thesis.paragraphs]
    law = parsed("xelatex-loose-12pt")
    assert law.abstract.en.startswith("Based on the judgments of the Supreme Administrative Court")
    assert not re.search(r"[a-z]-[a-z]", law.abstract.en)  # TeX's hyphens taken out


def test_headings_set_like_the_text_keep_their_levels():
    """Levels 3 and 4 of the history article are set in the body's size and typeface."""
    got = parsed("libreoffice-word-plain")
    assert [(s.title, s.level) for s in got.sections][:3] == [
        ("上編\u3000題畫詩的興起", 1), ("第一章\u3000唐代的先聲", 2), ("第二章\u3000宋代的轉變", 2)]
