"""Back-references, sentences and the grouping of citations into sources."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from indexer.model import Article, Footnote, NoteRef, Paragraph
from indexer.parse import parse_file
from indexer.sources.collect import (
    citing_sentence,
    collect_sources,
    domains,
    find_source,
    fold,
    normalize_url,
    resolve,
    resolve_notes,
    search_sources,
)
from tests.test_citations import NOTES, SEED_000, SEED_003, seed_notes

A000, A003 = SEED_000.stem, SEED_003.stem
_MARK = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+|<sup>(\d+)</sup>\s?")
_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def para(pid: str, marked: str) -> Paragraph:
    """Build a paragraph from seed text, turning note markers into NoteRefs."""
    text, notes, last = "", [], 0
    for m in _MARK.finditer(marked):
        text += marked[last : m.start()]
        notes.append(NoteRef(int(m.group(1) or m.group().translate(_SUP)), len(text)))
        last = m.end()
    return Paragraph(pid, None, text + marked[last:], notes)


def seed_line(path: Path, needle: str) -> str:
    """Return the seed line containing ``needle`` (a paragraph as extracted)."""
    return next(line for line in path.read_text("utf-8").splitlines() if needle in line)


def hand_built() -> list[Article]:
    """Build the two seed articles by hand: all notes, the paragraphs that cite a few of them."""
    notes_003 = seed_notes(SEED_003)
    notes_003[1] = Footnote(2, NOTES[("003", 2)])
    return [
        Article(
            A000,
            footnotes=seed_notes(SEED_000),
            paragraphs=[
                para("p8", seed_line(SEED_000, "³使俄羅斯")),
                para("p12", seed_line(SEED_000, "，⁶謀求")),
                para("p44", seed_line(SEED_000, "理事會。」²¹")),
            ],
        ),
        Article(
            A003,
            footnotes=notes_003,
            paragraphs=[
                para("p2", seed_line(SEED_003, "<sup>1</sup> 在此")),
                para("p8", seed_line(SEED_003, "<sup>2</sup> 僅表") + seed_line(SEED_003, "示俄國試圖")),
            ],
        ),
    ]


def by_n(notes):
    return {cn.n: cn for cn in notes}


def test_seed_000_back_references():
    notes = by_n(resolve(Article("000", footnotes=seed_notes(SEED_000))))
    assert len(notes) == 22
    n7 = notes[7]
    assert (n7.same_as, n7.chain, n7.locator, n7.problems) == (6, [6], "頁198-235", [])
    assert [(c.authors, c.title, c.publisher, c.pages) for c in n7.citations] == [
        (["鄭羽"], "既非盟友，也非敵人——蘇聯解體後的俄美關係（上）", "世界知識出版社", "198-235")
    ]
    assert notes[6].citations[0].pages == "94"  # the target keeps its own page
    n4 = notes[4]
    assert (n4.same_as, [c.url for c in n4.citations]) == (1, ["http://www.state.gov/r/pa/ei/bgn/3183.htm"])
    n13 = notes[13]
    assert (n13.citations, n13.same_as) == ([], None)
    assert n13.problems == ["note 13 refers to itself (同註13); its source is unknown"]
    assert notes[5].problems == ["note 5 is empty"] and notes[5].citations == []
    assert notes[22].comment.startswith("例如") and notes[22].problems == []
    assert {n for n, cn in notes.items() if cn.problems} == {5, 13}
    assert {n for n, cn in notes.items() if cn.same_as} == {4, 7}


@pytest.mark.parametrize(
    "notes, n, same_as, chain, pages, problems",
    [
        (
            [(1, "鄭羽，《書》（北京：出版社，2006年），頁94。"), (2, "同前註。"), (3, "同上，頁5。")],
            3,
            1,
            [2, 1],
            "5",
            [],
        ),
        ([(1, "鄭羽，《書》（北京：出版社，2006年），頁94。"), (2, "同前註。")], 2, 1, [1], "94", []),
        (
            [(1, "鄭羽，《書》，頁9。"), (2, "李力，《書二》，頁3。"), (3, "鄭羽，前揭書，頁120。")],
            3,
            1,
            [1],
            "120",
            [],
        ),
        (
            [(1, "鄭羽，《書》，頁9。"), (2, "同註30，頁1。")],
            2,
            None,
            [],
            None,
            ["note 2 refers to note 30, which does not exist"],
        ),
        ([(5, ""), (6, "同註5。")], 6, None, [5], None, ["note 6 refers to note 5, which cites no source"]),
        (
            [(1, "同註2。"), (2, "同註1。")],
            1,
            None,
            [2],
            None,
            ["note 1: circular back-reference (1 → 2 → 1); its source is unknown"],
        ),
        ([(1, "同上，頁3。")], 1, None, [], None, ["note 1 refers to the previous note, but it is the first"]),
        (
            [(1, "《書》，頁9。"), (2, "李力，前揭書。")],
            2,
            None,
            [],
            None,
            ["note 2 refers to an earlier work by 李力, but no earlier note cites one"],
        ),
    ],
)
def test_back_reference_chains(notes, n, same_as, chain, pages, problems):
    cn = by_n(resolve_notes([Footnote(m, t) for m, t in notes], "x"))[n]
    assert (cn.same_as, cn.chain, cn.problems) == (same_as, chain, problems)
    assert [c.pages for c in cn.citations] == ([pages] if same_as else [])


def test_parser_same_as_and_locator_are_used_when_the_text_has_no_pointer():
    notes = [Footnote(6, "鄭羽，《書》，頁9。"), Footnote(7, "見前", same_as=6, locator="頁5")]
    cn = by_n(resolve_notes(notes))[7]
    assert (cn.same_as, cn.locator, cn.citations[0].pages) == (6, "頁5", "5")


def test_self_reference_flagged_from_parser_field_too():
    cn = resolve_notes([Footnote(3, "（缺）", same_as=3)])[0]
    assert cn.problems == ["note 3 refers to itself (same_as); its source is unknown"]


S3 = (
    "2001年9月11日的恐怖攻擊之後，蒲亭利用大國之間在反恐問題上出現的戰略利益契合點，在11月13日，美俄兩國總統簽署"
    "「美俄新關係聯合聲明」(Joint Statement on New U.S.-Russian Relationship)，"
    "盡其所能給予美國的反恐行動大力的支持和合作，"
    "使俄羅斯在國際反恐聯盟中成了除英國以外的美國最重要的盟國。"
)
S6 = "謀求建立反恐夥伴關係的政策階段(2001年9月至2003年3月)，謀求恢復外交大國的強勢外交階段(2003年3月至現在)。"
S7 = (
    "小布希政府調整對俄政策階段(2001年4月至2003年3月)，以及小布希政府第二任期適應俄羅斯強勢外交政策的階段"
    "(2003年3月至今)。"
)
S21 = (
    "另外，我們必須與俄羅斯努力致力於解決和平的最危急挑戰--北韓、伊朗和其他地區--以及我們必須透過不同的制度完成，"
    "例如北韓六方會談、北約—俄羅斯理事會。」"
)
S003_1 = (
    "就美方的因素觀察，可歸納如下：首先，根據「2018 美國國防戰略摘要」(Summary of the National Defense Strategy of the "
    "U.S.A.)，川普政府將國家間的戰略競爭視為主要威脅，並將俄中定位為修正主義 (revisionism) 國家，"
    "認為兩國正企圖形塑一集權模式之世界。"
)
S003_2 = (
    "首先，對於俄美關係而言，此次「暫行指南」採取較為溫和的措辭與態度，不同於川普時期將俄國稱之為「復甦的惡性行為者」"
    "(revitalized malign actor) (根據 2019 年印太戰略報告)，僅表示俄國試圖加強自身在世界舞台之影響力，"
    "並扮演一個引起混亂的角色。"
)


@pytest.mark.parametrize(
    "text, at, sentence",
    [
        ("甲說。乙也說。丙", 7, "乙也說。"),  # marker right after 。: the sentence ending there
        ("甲說。 乙也說。 丙", 9, "乙也說。"),  # a space before the marker
        ("甲說。乙，丙也說。", 5, "乙，丙也說。"),  # marker after ，: the sentence it interrupts
        ("甲說：「乙。」丙說。", 7, "甲說：「乙。」"),  # closing quote after 。
        ("甲；乙說。", 5, "乙說。"),  # ； ends a clause
        ("First one. Then U.S.A. policy changed. Next", 38, "Then U.S.A. policy changed."),
        ("沒有句號的段落", 7, "沒有句號的段落"),
        ("", 0, ""),
    ],
)
def test_citing_sentence(text, at, sentence):
    assert citing_sentence(text, at) == sentence


def test_citing_sentence_never_takes_the_next_sentence():
    text = para("p", seed_line(SEED_003, "<sup>1</sup> 在此")).text
    at = text.index("世界。") + 3
    assert citing_sentence(text, at) == S003_1
    assert "在此認知前提下" not in citing_sentence(text, at)


def citing(sources, article, n):
    """Return (source, citing note) for note ``n`` of ``article``."""
    return next((s, c) for s in sources for c in s.citing if (c.article_id, c.n) == (article, n))


def test_hand_built_sources_group_and_count():
    sources = collect_sources(hand_built())
    assert len(sources) == 20
    book, c6 = citing(sources, A000, 6)
    assert (book.citation.authors, book.citation.title, book.citation.publisher, book.citation.year) == (
        ["鄭羽"],
        "既非盟友，也非敵人——蘇聯解體後的俄美關係（上）",
        "世界知識出版社",
        2006,
    )
    assert book.citation.pages is None  # 94 and 198-235 are the notes' pages, not the book's
    assert [(c.n, c.locator, c.via) for c in book.citing] == [(6, "94", None), (7, "198-235", 6)]
    assert (book.n_articles, book.n_notes) == (1, 2)
    assert (c6.paragraph_id, c6.sentence, c6.marker_at) == ("p12", S6, S6.index("謀求恢復"))
    assert c6.raw == NOTES[(A000[:3], 6)]
    yang, _ = citing(sources, A000, 8)
    assert [c.n for c in yang.citing] == [8, 11]  # —— and — titles are one book; 13 (同註13) is not guessed
    state, c4 = citing(sources, A000, 4)
    assert [c.n for c in state.citing] == [1, 4] and (c4.sentence, c4.via) == (
        "蒲亭並於2004年3月14日再次連任俄羅斯總統。",
        1,
    )
    assert citing(sources, A000, 3)[1].sentence == S3
    assert citing(sources, A000, 21)[1].sentence == S21
    assert citing(sources, A003, 1)[1].sentence == S003_1
    assert citing(sources, A003, 2)[1].sentence == citing(sources, A003, 3)[1].sentence == S003_2
    assert citing(sources, A003, 2)[1].locator == "7-12, 30-45"
    cited = {(c.article_id, c.n) for s in sources for c in s.citing}
    assert not cited & {(A000, 5), (A000, 13), (A000, 22)}
    assert len(cited) == 26 - 3
    assert len({s.key for s in sources}) == 20 and all(re.fullmatch("[0-9a-f]{10}", s.key) for s in sources)
    assert [s.key for s in collect_sources(hand_built())] == [s.key for s in sources]  # stable
    assert find_source(sources, book.key) is book and find_source(sources, "nope") is None


def test_notes_without_paragraphs_still_count():
    art = Article("x", footnotes=[Footnote(1, "鄭羽，《書》，頁9。", cited_in=["p3"]), Footnote(2, "同前註，頁10。")])
    (src,) = collect_sources([art])
    assert [(c.n, c.paragraph_id, c.sentence, c.locator) for c in src.citing] == [
        (1, "p3", None, "9"),
        (2, None, None, "10"),
    ]


def test_whitehouse_is_one_domain_with_three_documents():
    by_domain = domains(collect_sources(hand_built()))
    wh = by_domain["whitehouse.gov"]
    assert len(wh) == 3 and len({s.key for s in wh}) == 3
    assert sorted((c.article_id[:3], c.n) for s in wh for c in s.citing) == [("000", 3), ("000", 15), ("003", 3)]
    assert [len(by_domain[d]) for d in ("state.gov", "usaid.gov", "media.defense.gov")] == [2, 1, 1]
    assert "www.whitehouse.gov" not in by_domain and list(by_domain) == sorted(by_domain)


@pytest.mark.parametrize(
    "query, notes",
    [
        ("state.gov", {("000", 1), ("000", 4), ("000", 21)}),
        ("STATE.GOV", {("000", 1), ("000", 4), ("000", 21)}),
        ("郑羽", {("000", 6), ("000", 7)}),  # simplified finds traditional
        ("国际恐怖主义", {("000", 8), ("000", 11)}),
        ("问题与研究", {("000", 18), ("000", 19)}),  # container
        ("世界知識出版社", {("000", 6), ("000", 7)}),  # publisher
        ("white house", {("000", 3), ("000", 15), ("003", 3)}),
        ("abcnews", {("003", 4)}),
        ("Kramer", {("000", 21)}),
        ("Department of Defense", {("003", 1), ("003", 2)}),
        ("蘇聯解體", {("000", 6), ("000", 7)}),
        ("普京", set()),
        ("whitehouse.gov/news/releases/2007", {("000", 15)}),
    ],
)
def test_search_sources(query, notes):
    found = search_sources(collect_sources(hand_built()), query)
    assert {(c.article_id[:3], c.n) for s in found for c in s.citing} == notes


def test_empty_query_lists_all_sources():
    sources = collect_sources(hand_built())
    assert search_sources(sources, "  ") == sources


@pytest.mark.parametrize(
    "texts, groups",
    [
        (["http://www.state.gov/x/", "https://state.gov/x", "<http://WWW.STATE.GOV/x#top>"], 1),
        (["http://state.gov/x", "http://state.gov/y"], 2),
        (["鄭羽，《既非盟友》，頁1。", "郑羽，《既非盟友》，頁2。", "鄭羽， 《既非盟友。》"], 1),
        (["鄭羽，《既非盟友》，頁1。", "李力，《既非盟友》，頁2。"], 2),
        (['The White House, "Joint Statement," http://a.gov/1', "Joint Statement, http://a.gov/1/"], 1),
    ],
)
def test_grouping_keys(texts, groups):
    art = Article("x", footnotes=[Footnote(i, t) for i, t in enumerate(texts, 1)])
    assert len(collect_sources([art])) == groups


@pytest.mark.parametrize(
    "url, norm",
    [
        ("http://www.whitehouse.gov/news/", "whitehouse.gov/news"),
        ("https://Abcnews.go.com/a?id=7#x", "abcnews.go.com/a?id=7"),
        ("www.state.gov", "state.gov"),
        ("http://a.org:8080/p", "a.org:8080/p"),
    ],
)
def test_normalize_url(url, norm):
    assert normalize_url(url) == norm


def test_fold_is_script_and_punctuation_insensitive():
    assert fold("國際恐怖主義與當代國際關係——「911」事件") == fold("国际恐怖主义与当代国际关系—911事件")
    assert fold("The White House") == "thewhitehouse"
    assert fold("鄭羽") != fold("李力")


def test_source_json_shape():
    src = collect_sources(hand_built())[0]
    d = json.loads(json.dumps(src.to_dict(), ensure_ascii=False))
    assert set(d) == {"key", "citation", "citing", "n_articles", "n_notes"}
    assert {"kind", "authors", "title", "url", "domain", "pages", "accessed", "raw"} <= set(d["citation"])
    assert set(d["citing"][0]) == {"article_id", "n", "locator", "paragraph_id", "sentence", "marker_at", "via", "raw",
                                    "reference"}


@pytest.fixture(scope="module")
def parsed_sources():
    return collect_sources([parse_file(SEED_000), parse_file(SEED_003)])


def test_parsed_seeds_give_the_same_sources(parsed_sources):
    hand = collect_sources(hand_built())
    assert [s.key for s in parsed_sources] == [s.key for s in hand]
    assert [s.citation.title for s in parsed_sources] == [s.citation.title for s in hand]


@pytest.mark.parametrize(
    "article, n, sentence, locator",
    [
        (A000, 3, S3, None),
        (A000, 4, "蒲亭並於2004年3月14日再次連任俄羅斯總統。", None),
        (A000, 6, S6, "94"),
        (A000, 7, S7, "198-235"),
        (A000, 21, S21, None),
        (A003, 1, S003_1, "2"),
        (A003, 2, S003_2, "7-12, 30-45"),
    ],
)
def test_parsed_seed_citing_sentences(parsed_sources, article, n, sentence, locator):
    _, c = citing(parsed_sources, article, n)
    assert (c.sentence, c.locator) == (sentence, locator)
    art = parse_file(SEED_000 if article == A000 else SEED_003)
    assert c.paragraph_id == art.footnote(n).cited_in[0]


def test_parsed_seed_counts(parsed_sources):
    book, _ = citing(parsed_sources, A000, 7)
    assert (book.citation.authors, book.n_articles, book.n_notes) == (["鄭羽"], 1, 2)
    assert len(domains(parsed_sources)["whitehouse.gov"]) == 3
    assert len(search_sources(parsed_sources, "state.gov")) == 2
    cited = {(c.article_id, c.n) for s in parsed_sources for c in s.citing}
    assert (A000, 13) not in cited and (A000, 5) not in cited and (A000, 22) not in cited


def test_reference_list_entries_are_sources_of_the_article():
    from indexer.parse import parse_text

    text = ("一、前言\n\n本文討論¹。\n\n¹ 桂勇：《邻里空间》，上海：上海世纪出版集团，2008年，第15页。\n\n参考文献\n\n"
            "[1] 桂勇. 邻里空间[M]. 上海：上海世纪出版集团，2008.\n\n"
            "[2] Bush, Susan. The Chinese Literati on Painting. Cambridge, Mass.: Harvard University Press, 1971.\n")
    article = parse_text(text, "refs")
    assert [r.text[:6] for r in article.references] == ["[1] 桂勇", "[2] Bu"]
    sources = collect_sources([article])
    by_title = {s.citation.title: s for s in sources}
    assert set(by_title) == {"邻里空间", "The Chinese Literati on Painting"}
    gui = by_title["邻里空间"]  # the note and the reference-list entry are one source
    assert sorted((c.n, c.reference) for c in gui.citing) == [(0, 1), (1, None)] and gui.n_notes == 1
    bush = by_title["The Chinese Literati on Painting"].citation
    assert (bush.authors, bush.publisher, bush.year) == (["Susan Bush"], "Harvard University Press", 1971)
