"""Citing an article itself: the record, the two reference styles, the command line and the reader."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from indexer.cli import main
from indexer.model import Article, Author, Bilingual, Dates, Paragraph
from indexer.sources.cite import article_citation, chinese_reference, english_reference, masthead
from indexer.sources.export import to_bibtex, to_csl, to_ris
from tests.conftest import A000, A003


def journal_article() -> Article:
    return Article(
        "x", title=Bilingual("美俄關係的未來", "The Future of Russia-U.S. Relations"),
        authors=[Author(Bilingual("李亞明", "Yamin Lee")), Author(Bilingual("單雄信"))],
        dates=Dates(published="2007-12"), metadata={"刊期": "《問題與研究》第46卷第4期"},
        paragraphs=[Paragraph("p1", None, "甲", page=1, page_label="127"),
                    Paragraph("p2", None, "乙", page=3, page_label="129")],
    )


@pytest.mark.parametrize("line, expected", [
    ("問題與研究 第46卷第4期", ("問題與研究", "46", "4")),
    ("Issues & Studies Vol. 43, No. 4", ("Issues & Studies", "43", "4")),
    ("東吳政治學報 2007年第２５卷第３期", ("東吳政治學報", "25", "3")),
    ("", (None, None, None)),
])
def test_masthead(line, expected):
    assert masthead(Article("x", metadata={"刊期": line} if line else {})) == expected


def test_references_in_both_styles():
    a = journal_article()
    assert chinese_reference(a) == "李亞明、單雄信，〈美俄關係的未來〉，《問題與研究》，第46卷第4期（2007年），頁127-129。"
    assert english_reference(a) == ("Lee, Yamin, and Shan Xiongxin. “The Future of Russia-U.S. Relations.” "
                                    "問題與研究 46, no. 4 (2007): 127–129.")


def test_the_record_exports_to_every_format():
    c = article_citation(journal_article())
    assert (c.kind, c.authors, c.container, c.volume, c.issue, c.year, c.pages) == (
        "article", ["李亞明", "單雄信"], "問題與研究", "46", "4", 2007, "127-129")
    bib = to_bibtex(c)
    assert bib.startswith("@article{liyaming2007,") and "titleaddon = {The Future of Russia-U.S. Relations}" in bib
    assert "journal = {問題與研究}" in bib and "pages = {127--129}" in bib
    assert "TT  - The Future of Russia-U.S. Relations" in to_ris(c)
    assert to_csl(c)[0]["original-title"] == "The Future of Russia-U.S. Relations"


def test_cite_from_the_command_line(tmp_path):
    from indexer.index import build_index
    from tests.conftest import SEEDS

    build_index([SEEDS], tmp_path / "ix")
    result = CliRunner().invoke(main, ["export", "ris", "--cite", A000, "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0
    assert result.output.splitlines()[:4] == ["TY  - JOUR", "ID  - liyaming2007", "AU  - 李亞明",
                                              "TI  - 俄羅斯強勢外交與美俄關係的未來發展"]
    missing = CliRunner().invoke(main, ["export", "ris", "--cite", "nope", "--index", str(tmp_path / "ix")])
    assert missing.exit_code == 1 and "no article 'nope'" in missing.output


def test_the_reader_offers_the_citation_and_author_links(client):
    text = client.get(f"/articles/{A000}").get_data(as_text=True)
    refs = re.findall(r'data-cite-text="(zh|en)">([^<]*)<', text)
    assert refs == [("zh", "李亞明，〈俄羅斯強勢外交與美俄關係的未來發展〉（2007年）。"),
                    ("en", "Lee, Yamin. “The Future Development of Russia-U.S. Diplomatic Relations.” (2007).")]
    assert 'href="/search?q=author:%E6%9D%8E%E4%BA%9E%E6%98%8E"' in text
    assert re.search(r'href="/search\?q=author:%22Yamin(\+|%20)Lee%22"', text)
    r = client.get(f"/articles/{A003}/cite.bib")
    assert r.status_code == 200 and r.get_data(as_text=True).startswith("@article{lianhongyi")
    assert client.get("/articles/nope/cite.bib").status_code == 404


def test_a_simplified_article_is_served_as_simplified(tmp_path):
    from indexer.index import build_index
    from web import create_app

    (tmp_path / "jian.txt").write_text("俄罗斯外交政策的新变化\n\n一、前言\n\n本文讨论俄罗斯与美国的关系。\n", "utf-8")
    build_index([tmp_path / "jian.txt"], tmp_path / "ix")
    client = create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True}).test_client()
    text = client.get("/articles/jian").get_data(as_text=True)
    assert '<article class="reader" data-article="jian" lang="zh-Hans">' in text
    assert client.get("/api/articles").get_json()["articles"][0]["lang"] == "zh-Hans"


def test_a_traditional_article_is_served_as_traditional(client):
    assert f'data-article="{A000}" lang="zh-Hant">' in client.get(f"/articles/{A000}").get_data(as_text=True)
