"""PDF input: journal PDFs typeset in the tests (Typst and reportlab) read back as the same articles."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from opencc import OpenCC

from indexer.backends.local import LocalBackend
from indexer.cli import main
from indexer.errors import ReadError
from indexer.ingest import read
from indexer.ingest.pdf import read_document
from indexer.model import Article, Bilingual, Footnote, NoteRef, Paragraph, Section
from indexer.parse import parse, parse_text
from tests.pdfs import (Layout, encrypted_pdf, expected, recovery, reportlab_pdf, scanned_pdf, squash,
                        typst_pdf, with_pages)

ROOT = Path(__file__).resolve().parent.parent
SEED_000 = ROOT / "seeds" / "000_850aca5cf1cb6a75.txt"
SEED_003 = ROOT / "seeds" / "003_4c4ea4f00cf2b8a1.txt"

LAYOUTS = {
    "typst-1col": ("typst", Layout()),
    "typst-2col-english-end": ("typst", Layout(columns=2, english_at="end")),
    "typst-number-in-head": ("typst", Layout(number_at="head")),
    "reportlab-ttf-1col": ("reportlab", Layout()),
    "reportlab-ttf-2col": ("reportlab", Layout(columns=2, english_at="end")),
    "reportlab-cid-1col-head": ("reportlab", Layout(font="cid", number_at="head")),
}


@functools.lru_cache(maxsize=None)
def seed(path: Path) -> Article:
    return parse_text(path.read_text("utf-8"), path.stem)


@functools.lru_cache(maxsize=None)
def typeset(path: Path, name: str) -> bytes:
    system, layout = LAYOUTS[name]
    return (typst_pdf if system == "typst" else reportlab_pdf)(seed(path), layout)


@functools.lru_cache(maxsize=None)
def parsed(path: Path, name: str) -> Article:
    return parse(read_document(typeset(path, name), f"{path.stem}.pdf", path.stem))


@pytest.mark.parametrize("name", LAYOUTS)
@pytest.mark.parametrize("path", [SEED_000, SEED_003], ids=["000", "003"])
def test_seeds_come_back_whole(path, name):
    """Every paragraph, note text, note link and heading of both seeds, in every layout."""
    want, got = expected(seed(path)), parsed(path, name)
    counts = recovery(want, got)
    assert counts == {k: (v[1], v[1]) for k, v in counts.items()}
    assert [(s.title, s.level) for s in got.sections] == [(squash(s.title), s.level) for s in want.sections] \
        or [squash(s.title) for s in got.sections] == [squash(s.title) for s in want.sections]
    assert len(got.paragraphs) == len(want.paragraphs)
    assert [f.n for f in got.footnotes] == [f.n for f in want.footnotes]
    assert got.title == want.title
    assert got.keywords == want.keywords
    assert squash(got.abstract.en or "") == squash(want.abstract.en or "")
    assert [a.name for a in got.authors] == [a.name for a in want.authors]


@pytest.mark.parametrize("name", LAYOUTS)
def test_no_running_head_or_page_number_reaches_the_text(name):
    got = parsed(SEED_000, name)
    texts = [p.text for p in got.paragraphs] + [f.text for f in got.footnotes]
    for furniture in ("國際關係學報", "第58卷", "— 4"):
        assert not [t for t in texts if furniture in t], furniture
    running_title = "俄羅斯強勢外交與美俄關係的未來發展"
    assert not [t for t in texts if running_title in t]
    assert got.paragraphs[-1].text.endswith("從而使美國面臨的國際環境更加複雜。") or got.paragraphs[-1].text[-1] == "。"


def test_exact_paragraphs_notes_and_links_typst():
    got = parsed(SEED_000, "typst-1col")
    p = next(p for p in got.paragraphs if p.text.startswith("蘇聯解體後新獨立的俄羅斯"))
    assert squash(p.text) == squash(
        "蘇聯解體後新獨立的俄羅斯，在實行經濟和政治轉型的同時，表示了「回歸歐洲」、「融入」西方世界的強烈願望，"
        "在其執政的前幾年內推行了一項向西方「一邊倒」的外交方針，期望能夠很快加入西方發達的民主國家行列。"
        "但美國和其他西方大國並沒有把俄羅斯視為西方社會的一員，不把其當作真正平等的「合作夥伴」，而是對其時時防範、"
        "戒備，處處擠壓其戰略空間。加上經濟轉型中，西方所倡導的「休克療法」失敗及其所允諾的經援口惠而實不至，"
        "更導致俄羅斯國內政治反對派勢力的迅速壯大，激起並強化了俄羅斯公眾中潛在的大國意識和反西方情緒。"
        "在這種情況下，俄羅斯政府決定將向西方「一邊倒」的對外戰略進行調整，逐步走向實現「全方位」外交的轉變。")
    assert p.notes == [NoteRef(2, p.text.index("但美國"))]
    assert p.page_label == "46" and p.page == 2
    note7 = got.footnote(7)
    assert note7.text == "同前註，頁198-235。" and note7.same_as == 6 and note7.locator == "頁198-235"
    assert got.footnote(1).urls == ["http://www.state.gov/r/pa/ei/bgn/3183.htm"]
    assert got.footnote(1).cited_in == ["p4"]
    assert [(s.title, s.level, s.page_label) for s in got.sections][:3] == [
        ("壹、前言", 1, "45"), ("貳、俄羅斯強勢外交政策的歷史背景", 1, "46"), ("參、美俄的外交關係演變", 1, "47")]
    assert got.authors[0].affiliation.zh == "國防大學政戰學院政治系副教授"
    assert got.abstract.zh.startswith("隨著俄羅斯國力的發展") and got.abstract.zh.endswith("美俄關係未來的發展前景。")


def test_page_labels_in_head_and_foot():
    for name in ("typst-1col", "typst-number-in-head", "reportlab-cid-1col-head", "reportlab-ttf-2col"):
        got = parsed(SEED_003, name)
        labels = [p.page_label for p in got.paragraphs]
        assert labels[0] == "45" and labels[-1] == "47", name
        assert labels == sorted(labels) and set(labels) == {"45", "46", "47"}, name
        assert [p.page for p in got.paragraphs] == [int(x) - 44 for x in labels]


def long_note_article(at: int) -> Article:
    """Seed 000's body with one long note, cited at the end of paragraph ``at``."""
    a = seed(SEED_000)
    paras = [Paragraph(p.id, "s1", p.text) for p in a.paragraphs[2:12]]
    long = "".join(f.text for f in a.footnotes[5:21])
    paras[at].notes = [NoteRef(1, len(paras[at].text))]
    return Article(id="long", title=Bilingual("一個長註釋的測試", None), sections=[Section("s1", "壹、前言", 1)],
                   paragraphs=paras, footnotes=[Footnote(1, long)])


@pytest.mark.parametrize("make", [typst_pdf, reportlab_pdf])
def test_note_split_across_pages_is_joined(make):
    """The note is cited low on the first page, so its end runs onto the second."""
    for at in range(2, 8):
        article = long_note_article(at)
        doc = read_document(make(article, Layout()), "long.pdf", "long")
        note = article.footnotes[0].text
        first = squash("".join(s.text for s in doc.pages[0].spans))
        if squash(note)[:30] in first and squash(note)[-30:] not in first:
            break  # really split
    else:
        pytest.fail("no citing paragraph gives a note split across pages")
    got = parse(doc)
    assert [(f.n, squash(f.text), f.page_label) for f in got.footnotes] == [(1, squash(note), "45")]
    assert recovery(expected(article), got)["paragraphs"] == (10, 10)


def test_two_columns_read_left_column_first():
    got = parsed(SEED_000, "reportlab-ttf-2col")
    want = expected(seed(SEED_000))
    assert [squash(p.text) for p in got.paragraphs] == [squash(p.text) for p in want.paragraphs]


def test_simplified_chinese_article():
    t2s = OpenCC("t2s")
    text = t2s.convert(SEED_003.read_text("utf-8"))
    article = parse_text(text, "simplified")
    assert article.title.zh == "拜登新政下之俄美关系"
    for make in (typst_pdf, reportlab_pdf):
        got = parse(read_document(make(article, Layout(simplified=True)), "s.pdf", "s"))
        counts = recovery(expected(article), got)
        assert counts == {k: (v[1], v[1]) for k, v in counts.items()} and counts["notes"] == (4, 4)
        assert got.title.zh == "拜登新政下之俄美关系"
    got = parse(read_document(reportlab_pdf(article, Layout(simplified=True, font="cid")), "s.pdf", "s"))
    assert recovery(expected(article), got)["paragraphs"] == (len(article.paragraphs),) * 2


def small_article(text: str) -> Article:
    return Article(
        id="x", title=Bilingual("測試文章的題目", "A Test Title"),
        sections=[Section("s1", "壹、前言", 1)],
        paragraphs=[Paragraph("p1", "s1", text, [NoteRef(1, len(text))])],
        footnotes=[Footnote(1, "同上。")])


def test_ligatures_and_characters_outside_the_bmp():
    """Typst draws ﬁ from a fallback font and 𠀡 (U+20021) from UMing's supplementary plane."""
    text = "本文討論 ﬁnancial 與 ﬂow 的問題，人名𠀡𠂆為例。"
    got = parse(read_document(typst_pdf(small_article(text), Layout()), "l.pdf", "l"))
    assert [p.text for p in got.paragraphs] == ["本文討論 financial 與 flow 的問題，人名𠀡𠂆為例。"]
    assert got.paragraphs[0].notes == [NoteRef(1, len(got.paragraphs[0].text))]


def test_scanned_pdf_names_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf(2))
    with pytest.raises(ReadError) as err:
        read(path)
    assert str(err.value) == (f"{path}: has no text layer (scanned pages); run OCR first, "
                              f"e.g. ocrmypdf -l chi_tra+eng {path} ocr.pdf")


def test_one_scanned_page_is_a_warning():
    data = with_pages(typeset(SEED_003, "typst-1col"), scanned_pdf(1), 1)
    doc = read_document(data, "mixed.pdf", "mixed")
    assert doc.warnings == ["mixed.pdf: page 2 has no text layer (scanned); its text is missing; "
                            "run OCR first, e.g. ocrmypdf -l chi_tra+eng mixed.pdf ocr.pdf"]
    got = parse(doc)
    assert got.title.zh == "拜登新政下之俄美關係" and got.warnings[0] == doc.warnings[0]


def test_encrypted_and_damaged(tmp_path):
    enc = tmp_path / "locked.pdf"
    enc.write_bytes(encrypted_pdf())
    with pytest.raises(ReadError) as err:
        read(enc)
    assert str(err.value) == f"{enc}: encrypted PDF (needs a password); save an unprotected copy and index that"
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(typeset(SEED_003, "typst-1col")[:3000])
    with pytest.raises(ReadError) as err:
        read(cut)
    assert str(err.value) == f"{cut}: damaged PDF, it cannot be read; re-export or re-download it"


def test_index_folder_of_pdfs_and_search_by_page(tmp_path):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    (folder / "a000.pdf").write_bytes(typeset(SEED_000, "typst-2col-english-end"))
    (folder / "a003.pdf").write_bytes(typeset(SEED_003, "reportlab-cid-1col-head"))
    (folder / "scan.pdf").write_bytes(scanned_pdf(1))
    (folder / "locked.pdf").write_bytes(encrypted_pdf())
    ix = tmp_path / "ix"
    result = CliRunner().invoke(main, ["index", str(folder), "--index", str(ix)], catch_exceptions=False)
    assert result.exit_code == 1
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert sorted(errors) == [
        f"error: {folder / 'locked.pdf'}: encrypted PDF (needs a password); save an unprotected copy and index that",
        f"error: {folder / 'scan.pdf'}: has no text layer (scanned pages); run OCR first, "
        f"e.g. ocrmypdf -l chi_tra+eng {folder / 'scan.pdf'} ocr.pdf"]
    assert "2 added" in result.output + result.stderr and "2 failed" in result.output + result.stderr
    with LocalBackend(ix) as b:
        res = b.search('"量力而行"')
        assert [(h.article, h.kind, h.page_label) for h in res.hits] == [("a000", "paragraph", "46")]
        hit = json.loads(json.dumps(res.hits[0].to_dict()))
        assert hit["page_label"] == "46" and hit["page"] == 2
        note = b.search('"NSC-1v2.pdf"').hits[0]
        assert (note.article, note.passage, note.page_label) == ("a003", "n3", "46")
        assert b.source_file("a000") == folder / "a000.pdf"


def test_reader_shows_page_numbers_and_serves_the_pdf(tmp_path, client):
    from web import create_app

    folder = tmp_path / "pdfs"
    folder.mkdir()
    (folder / "a003.pdf").write_bytes(typeset(SEED_003, "typst-1col"))
    ix = tmp_path / "ix"
    assert CliRunner().invoke(main, ["index", str(folder), "--index", str(ix)]).exit_code == 0
    app = create_app({"INDEX_DIR": str(ix), "TESTING": True})
    try:
        web = app.test_client()
        html = web.get("/articles/a003?lang=en").get_data(as_text=True)
        assert html.count('class="page-number"') == 3
        assert ('<a class="page-number" data-page="2" href="/articles/a003/pdf#page=2" '
                'title="Open the PDF at page 46">p. 46</a>') in html
        with web.get("/articles/a003/pdf") as pdf:
            assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
            assert pdf.data == (folder / "a003.pdf").read_bytes()
        assert web.get("/articles/nope/pdf").status_code == 404
        hits = web.get("/api/search?q=%22NSC-1v2.pdf%22").get_json()["hits"]
        assert [(h["passage"], h["page_label"], h["page"]) for h in hits] == [("n3", "46", 2)]
        page = web.get("/search?q=%22NSC-1v2.pdf%22&lang=en").get_data(as_text=True)
        assert '<span class="page" data-page-label="46">p. 46</span>' in page
    finally:
        app.extensions["jiansuo"].close()
    # a text article has no PDF to serve
    assert client.get("/articles/003_4c4ea4f00cf2b8a1/pdf").status_code == 404
    assert 'class="page-number"' not in client.get("/articles/003_4c4ea4f00cf2b8a1").get_data(as_text=True)
