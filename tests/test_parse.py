"""Parse the two real seed articles and small synthetic texts into Articles."""

from __future__ import annotations

import re
import time
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.errors import ParseError
from indexer.ingest.text import detect_format
from indexer.parse import parse_file, parse_text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
S000 = SEEDS / "000_850aca5cf1cb6a75.txt"
S003 = SEEDS / "003_4c4ea4f00cf2b8a1.txt"
RUNNING_TITLE = "俄羅斯強勢外交與美俄關係的未來發展"


@lru_cache(maxsize=None)
def seed(name: str):
    path = {"000": S000, "003": S003}[name]
    return parse_text(path.read_text("utf-8"), path.stem)


def paragraphs_with(article, fragment: str) -> list[str]:
    return [p.id for p in article.paragraphs if fragment in p.text]


# --- metadata -----------------------------------------------------------------

METADATA = [
    ("000", lambda a: a.id, "000_850aca5cf1cb6a75"),
    ("000", lambda a: a.title.zh, "俄羅斯強勢外交與美俄關係的未來發展"),
    ("000", lambda a: a.title.en, "The Future Development of Russia-U.S. Diplomatic Relations"),
    ("000", lambda a: [(x.name.zh, x.name.en) for x in a.authors], [("李亞明", "Yamin Lee")]),
    ("000", lambda a: [(x.affiliation.zh, x.affiliation.en) for x in a.authors], [("國防大學政戰學院政治系副教授", None)]),
    ("000", lambda a: a.keywords.zh, ["美俄外交關係", "歐洲安全", "美國外交政策", "俄羅斯外交政策"]),
    ("000", lambda a: a.keywords.en, ["Russia-U.S. relations", "Russia foreign policy", "American foreign policy"]),
    ("000", lambda a: (a.dates.submitted, a.dates.accepted), ("2007-08-15", "2007-11-21")),
    ("000", lambda a: (a.column, a.editor, a.warnings), (None, None, [])),
    ("003", lambda a: a.title.zh, "拜登新政下之俄美關係"),
    ("003", lambda a: a.title.en, "Russia-U.S. Relations Under New Biden's Administration"),
    ("003", lambda a: [(x.name.zh, x.name.en) for x in a.authors], [("連弘宜", "Hong-yi Lien")]),
    (
        "003",
        lambda a: [(x.affiliation.zh, x.affiliation.en) for x in a.authors],
        [("國立政治大學外交學系教授", "Professor of Department of Diplomacy, National Chengchi University")],
    ),
    ("003", lambda a: (a.abstract.zh, a.abstract.en), (None, None)),
    ("003", lambda a: (a.keywords.zh, a.keywords.en), ([], [])),
    ("003", lambda a: (a.dates.submitted, a.dates.accepted), (None, None)),
    ("003", lambda a: (a.column, a.editor, a.warnings), ("焦點評析", "李欣樺", [])),
]


@pytest.mark.parametrize("name,get,expected", METADATA)
def test_seed_metadata(name, get, expected):
    assert get(seed(name)) == expected


@pytest.mark.parametrize(
    "lang,start,end",
    [
        ("zh", "隨著俄羅斯國力的發展，尤其是戰略資源石油", "審視後冷戰時期後（post-post Cold War）的美俄關係未來的發展前景。"),
        ("en", "Along with the development of the increasing national capabilities", "since the Russia was broke down in 1991."),
    ],
)
def test_000_abstracts_are_exact_single_blocks(lang, start, end):
    text = getattr(seed("000").abstract, lang)
    assert text.startswith(start) and text.endswith(end)
    assert "\n" not in text and "關鍵詞" not in text and "Keywords" not in text


# --- sections -----------------------------------------------------------------

SECTIONS = {
    "000": [
        ("壹、前言", 1),
        ("貳、俄羅斯強勢外交政策的歷史背景", 1),
        ("參、美俄的外交關係演變", 1),
        ("一、短暫的和諧與俄羅斯的理念西歸", 2),
        ("二、美國的擠壓與俄羅斯的適度抗爭（1994 年初 - 2001 年 6 月）", 2),
        ("三、美國的反恐與俄羅斯的妥協（2001年6月至2003年）", 2),
        ("四、美國因應俄羅斯的強勢外交（2003年3月至2007年）", 2),
        ("肆、當前美俄關係的衝突與未來發展", 1),
        ("伍、結論", 1),
    ],
    "003": [
        ("一、前言", 2),
        ("二、拜登上台前之俄美關係：戰略競爭下的緊張關係", 2),
        ("三、拜登新政之對外政策與俄美關係變化", 2),
        ("四、俄美關係之未來走向（代結論）", 2),
    ],
}


@pytest.mark.parametrize("name", ["000", "003"])
def test_seed_sections_full_list(name):
    article = seed(name)
    assert [(s.title, s.level) for s in article.sections] == SECTIONS[name]
    assert [s.id for s in article.sections] == [f"s{i}" for i in range(1, len(SECTIONS[name]) + 1)]


@pytest.mark.parametrize(
    "name,fragment,section",
    [
        ("000", "第二次世界大戰後，世界格局", "s1"),
        ("000", "蘇聯解體後，俄美兩國對建立", "s4"),
        ("000", "「911」事件及伴隨而來", "s9"),
        ("003", "1. 烏克蘭內戰：", "s2"),
        ("003", "當前俄美關係雖進展有限", "s4"),
    ],
)
def test_paragraphs_belong_to_their_section(name, fragment, section):
    article = seed(name)
    (pid,) = paragraphs_with(article, fragment)
    assert next(p for p in article.paragraphs if p.id == pid).section == section


# --- paragraphs -----------------------------------------------------------------

@pytest.mark.parametrize(
    "name,count,last_start,last_end",
    [
        ("000", 45, "即使美俄建交 200 年了，但今後美俄間", "可以概括為：既是夥伴，又是對手。"),
        ("003", 12, "不可否認，俄美之間存在許多難解之矛盾", "美對俄之經濟制裁與戰略圍堵等。"),
    ],
)
def test_paragraph_count_and_last_paragraph(name, count, last_start, last_end):
    paras = seed(name).paragraphs
    assert len(paras) == count
    assert [p.id for p in paras] == [f"p{i}" for i in range(1, count + 1)]
    assert paras[-1].text.startswith(last_start) and paras[-1].text.endswith(last_end)


REJOINED = [
    ("000", "華沙公約組織解體，特別是蘇聯從世界政治舞臺上的消失"),
    ("000", "強調外交要量力而行，內部目標高於外部目標"),
    ("000", "「一邊倒」政策階段(1992年1月至1994年12月)；謀求建立"),
    ("000", "採取了一系列相關政策和措施。兩國關係也確實"),
    ("000", "美國若是不能審慎處理俄羅斯強勢外交作為的戰略意涵"),
    ("000", "第三，藉由強勢外交作為嚇阻獨立國協"),
    ("000", "迫使美英澳等國也必須撤離而改以非軍事佔領的方式解決"),
    ("000", "阻礙俄美關係發展的問題"),
    ("000", "（大部分是延緩債務）。1993 年 1 月 3 日"),
    ("003", "無法拋卻戰略矛盾與競爭，進行其他領域的合作"),
    ("003", "在東歐方面，自 2017 年起增設三個戰鬥旅"),
    ("003", "(根據 2019 年印太戰略報告)，僅表示俄國試圖加強"),
    ("003", "討論：核武、雙邊外交聯繫、軍備控制"),
    ("003", "之世界。在此認知前提下"),
]


@pytest.mark.parametrize("name,sentence", REJOINED)
def test_sentences_cut_by_page_breaks_are_rejoined_in_one_paragraph(name, sentence):
    assert len(paragraphs_with(seed(name), sentence)) == 1


FORBIDDEN = [
    "¹", "²", "³", "⁰", "⁵", "<sup>", "</sup>", "[^", "http", "頁198", "頁130", "王振華", "同註",
    "DO-PACIFIC", "Sharpening the American", "*", "<", ">", "投稿日期", "責任編輯", "李欣樺",
    "焦點評析", "Keywords", "關鍵詞", "\n",
]


@pytest.mark.parametrize("name", ["000", "003"])
def test_paragraphs_hold_no_markers_notes_or_furniture(name):
    article = seed(name)
    for p in article.paragraphs:
        assert not [f for f in FORBIDDEN if f in p.text], p.id
        assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", p.text), p.id
        assert p.text == p.text.strip() and p.text
        assert p.text != RUNNING_TITLE
        assert p.text not in (article.title.zh, article.title.en)


@pytest.mark.parametrize(
    "name,n,before,after",
    [
        ("000", 1, "和其外國資產與債務。", "俄羅斯作為前蘇聯的主要繼承國"),
        ("000", 3, "反恐行動大力的支持和合作，", "使俄羅斯在國際反恐聯盟中"),
        ("000", 4, "再次連任俄羅斯總統。", ""),
        ("000", 8, "（大部分是延緩債務）。", "1993 年 1 月 3 日"),
        ("000", 18, "戰略部署，", "，即使美國利用反恐戰爭"),
        ("000", 20, "提出經驗教訓：", ""),
        ("000", 22, "俄羅斯回來了，", "但雙方仍將尋求"),
        ("003", 1, "一集權模式之世界。", "在此認知前提下"),
        ("003", 2, "(根據 2019 年印太戰略報告)，", "僅表示俄國"),
        ("003", 4, "但並非友好關係。", "至少拜登執政至今"),
    ],
)
def test_marker_offsets_point_into_clean_text(name, n, before, after):
    article = seed(name)
    (pid,) = article.footnote(n).cited_in
    para = next(p for p in article.paragraphs if p.id == pid)
    (at,) = [r.at for r in para.notes if r.n == n]
    assert para.text[:at].endswith(before)
    assert para.text[at:].startswith(after)
    if not after:
        assert at == len(para.text)


# --- footnotes -----------------------------------------------------------------

@pytest.mark.parametrize("name,count", [("000", 22), ("003", 4)])
def test_notes_numbered_and_each_cited_once(name, count):
    article = seed(name)
    assert [f.n for f in article.footnotes] == list(range(1, count + 1))
    for fn in article.footnotes:
        assert len(fn.cited_in) == 1, fn.n
    cited = sorted(r.n for p in article.paragraphs for r in p.notes)
    assert cited == list(range(1, count + 1))


@pytest.mark.parametrize(
    "n,cited_in",
    [(1, "p4"), (3, "p8"), (4, "p8"), (5, "p11"), (11, "p24"), (12, "p24"), (13, "p24"), (14, "p24"), (22, "p45")],
)
def test_000_cited_in(n, cited_in):
    assert seed("000").footnote(n).cited_in == [cited_in]


@pytest.mark.parametrize(
    "n,same_as,locator",
    [(4, 1, None), (7, 6, "頁198-235"), (13, None, "頁160-161"), (6, None, None), (11, None, None)],
)
def test_000_back_references(n, same_as, locator):
    fn = seed("000").footnote(n)
    assert (fn.same_as, fn.locator) == (same_as, locator)


def problem_codes(fn) -> list[str]:
    return [p.split(":")[0] for p in fn.problems]


@pytest.mark.parametrize("name", ["000", "003"])
def test_flagged_problems(name):
    expected = {"000": {5: ["empty"], 13: ["self-reference"], 22: ["truncated"]}, "003": {}}[name]
    found = {fn.n: problem_codes(fn) for fn in seed(name).footnotes if fn.problems}
    assert found == expected


def test_000_truncated_note_stops_before_running_title():
    fn = seed("000").footnote(22)
    assert fn.text == "例如美國軍方雜誌就出現探討俄羅斯在世界各地的"
    assert RUNNING_TITLE not in "".join(f.text for f in seed("000").footnotes)


@pytest.mark.parametrize(
    "name,n,urls",
    [
        ("000", 1, ["http://www.state.gov/r/pa/ei/bgn/3183.htm"]),
        ("000", 16, ["http://www.norway.mid.ru/news_fp/news_fp_15_eng.html"]),
        ("000", 20, ["http://www.iht.com/articles/2007/09/24/news/edambass.php?page=1"]),
        ("000", 21, ["http://www.state.gov/p/eur/rls/rm/75949.htm"]),
        ("000", 2, []),
        ("003", 2, ["https://media.defense.gov/2019/Jul/01/2002152311/-1/-1/1/DEPARTMENT-OF-DEFENSE-INDO-PACIFIC-STRATEGY-REPORT-2019.PDF"]),
        ("003", 3, ["https://www.whitehouse.gov/wp-content/uploads/2021/03/NSC-1v2.pdf"]),
        ("003", 4, ["https://abcnews.go.com/Politics/national-security-adviser-defends-bidens-wait-approach-putin/story?id=78377019"]),
    ],
)
def test_note_urls(name, n, urls):
    assert seed(name).footnote(n).urls == urls


@pytest.mark.parametrize(
    "name,n,text",
    [
        ("000", 7, "同前註，頁198-235。"),
        ("000", 20, "“Relations for a New Century,” International Herald Tribune, http://www.iht.com/articles/2007/09/24/news/edambass.php?page=1"),
        ("003", 2, "“Indo-Pacific Strategic Report: Preparedness, Partnerships, and Promoting a Networked Region,” "
                   "The Department of Defense, https://media.defense.gov/2019/Jul/01/2002152311/-1/-1/1/"
                   "DEPARTMENT-OF-DEFENSE-INDO-PACIFIC-STRATEGY-REPORT-2019.PDF, June 15, 2021, pp. 7-12; 30-45."),
    ],
)
def test_note_text_is_clean_and_joined_across_pages(name, n, text):
    assert seed(name).footnote(n).text == text


def test_note_text_never_holds_body_text():
    notes = " ".join(f.text for f in seed("003").footnotes)
    for body in ("示俄國試圖", "邊外交聯繫", "方面，自 2017", "至少拜登", "責任編輯"):
        assert body not in notes


def test_to_dict_has_the_documented_shape():
    d = seed("003").to_dict()
    assert d["paragraphs"][1]["notes"] == [{"n": 1, "at": 201}]
    assert set(d["footnotes"][0]) == {"n", "text", "urls", "same_as", "cited_in", "problems", "locator",
                                      "page", "page_label", "label"}
    assert d["footnotes"][0]["label"] is None  # set only when notes are numbered again on each page
    assert (d["references"], d["metadata"]) == ([], {})
    assert set(d["paragraphs"][0]) == {"id", "section", "text", "notes", "page", "page_label"}
    assert d["paragraphs"][0]["page"] is None  # text input has no pages; PDF input fills them
    assert d["authors"][0]["name"] == {"zh": "連弘宜", "en": "Hong-yi Lien"}


def test_parse_file_uses_the_stem_as_id_and_matches_parse_text():
    article = parse_file(S000)
    assert article.id == "000_850aca5cf1cb6a75"
    assert article.to_dict() == seed("000").to_dict()


def test_parsing_is_fast():
    texts = [S000.read_text("utf-8"), S003.read_text("utf-8")]
    start = time.perf_counter()
    for _ in range(20):
        for text in texts:
            parse_text(text, "x")
    assert time.perf_counter() - start < 3.0  # about 0.15 s on a 2-core machine


# --- synthetic texts ---------------------------------------------------------------

FOOTNOTE_MD = """# 標題

## 一、前言

本文[^1]討論美國[^2] 與俄國的關係，並指出[^3]

其中的問題。

[^1]: 甲書，頁 3。
[^2]: 同註1，頁 5。
[^3]: 見 *乙文*，<https://example.org/a-b>。
"""


def test_markdown_caret_footnotes():
    a = parse_text(FOOTNOTE_MD, "md")
    assert [p.text for p in a.paragraphs] == ["本文討論美國與俄國的關係，並指出其中的問題。"]
    assert [(r.n, r.at) for r in a.paragraphs[0].notes] == [(1, 2), (2, 6), (3, 16)]
    assert [(f.n, f.text, f.same_as, f.locator, f.cited_in) for f in a.footnotes] == [
        (1, "甲書，頁 3。", None, None, ["p1"]),
        (2, "同註1，頁 5。", 1, "頁 5", ["p1"]),
        (3, "見 乙文，https://example.org/a-b。", None, None, ["p1"]),
    ]
    assert a.footnotes[2].urls == ["https://example.org/a-b"]
    assert [(s.title, s.level) for s in a.sections] == [("一、前言", 2)]


PROBLEMS = [
    ("壹、前言\n\n本文¹討論³。\n\n¹ 甲書，頁1。\n\n² 乙書。\n", {2: ["no marker"], 3: ["missing definition"]}),
    ("壹、前言\n\n本文¹。\n\n¹ 同前註。\n", {1: ["bad reference"]}),
    ("壹、前言\n\n甲¹乙²。\n\n¹ 王五，《書》。\n\n² 王五，前揭書，頁9。\n", {}),
    ("壹、前言\n\n甲¹乙¹。\n\n¹ 書一。\n\n¹ 書二。\n", {1: ["duplicate definition"]}),
    ("壹、前言\n\n甲¹。\n\n¹\n", {1: ["empty"]}),
    ("壹、前言\n\n甲¹。\n\n¹ 作者，「未完的標題，\n", {1: ["truncated"]}),
]


@pytest.mark.parametrize("text,expected", PROBLEMS)
def test_note_problems_are_flagged(text, expected):
    a = parse_text(text, "t")
    assert {f.n: problem_codes(f) for f in a.footnotes if f.problems} == expected


def test_missing_definition_keeps_the_citation():
    a = parse_text(PROBLEMS[0][0], "t")
    assert a.footnote(3).cited_in == ["p1"] and a.footnote(3).text == ""
    assert a.footnote(2).cited_in == [] and a.footnote(2).text == "乙書。"
    assert a.warnings == []


def test_former_reference_resolves_to_the_authors_earlier_note():
    fn = parse_text(PROBLEMS[2][0], "t").footnote(2)
    assert (fn.same_as, fn.locator) == (1, "頁9")


LEVELS = "壹、研究\n\n一、背景\n\n（一）歷史\n\n內容。\n\n(二) 現況\n\n更多內容。\n\n1、細項\n\n第一，這是段落。"


def test_heading_levels():
    a = parse_text(LEVELS, "t")
    assert [(s.title, s.level) for s in a.sections] == [
        ("壹、研究", 1), ("一、背景", 2), ("（一）歷史", 3), ("(二) 現況", 3), ("1、細項", 4),
    ]
    assert [(p.text, p.section) for p in a.paragraphs] == [
        ("內容。", "s3"), ("更多內容。", "s4"), ("第一，這是段落。", "s5"),
    ]


def test_markdown_unnumbered_heading_takes_the_level_of_its_depth():
    a = parse_text("# 題目\n\n## 一、甲\n\n文。\n\n## 結語\n\n文。\n\n### 細節\n\n文。", "t")
    assert [(s.title, s.level) for s in a.sections] == [("一、甲", 2), ("結語", 2), ("細節", 3)]


@pytest.mark.parametrize(
    "line,submitted,accepted",
    [
        ("（投稿日期：96 年 8 月 15 日；採用日期：96 年 11 月 21 日）", "2007-08-15", "2007-11-21"),
        ("收稿日期：民國110年6月1日，接受日期：110年7月30日", "2021-06-01", "2021-07-30"),
        ("（收稿日期：2021年6月20日；接受日期：2021/07/01）", "2021-06-20", "2021-07-01"),
        ("投稿日期：89 年 1 月 1 日", "2000-01-01", None),
    ],
)
def test_roc_dates_become_iso_and_leave_the_body(line, submitted, accepted):
    a = parse_text(f"壹、前言\n\n內容。\n\n{line}\n", "t")
    assert (a.dates.submitted, a.dates.accepted) == (submitted, accepted)
    assert [p.text for p in a.paragraphs] == ["內容。"]


def test_impossible_date_is_a_warning_not_an_error():
    a = parse_text("壹、前言\n\n內容。\n\n（投稿日期：96 年 2 月 30 日）\n", "t")
    assert a.dates.submitted is None
    assert [w.split(":")[0] for w in a.warnings] == ["bad date"]


@pytest.mark.parametrize(
    "text,title,paragraphs",
    [
        ("今天天氣很好，我們去公園散步。\n\n公園裡有很多人。", "今天天氣很好，我們去公園散步。", 2),
        ("Just some prose here.\nIt wraps.\n\nAnd more.", "Just some prose here.", 2),
    ],
)
def test_plain_prose_still_gives_an_article_with_a_warning(text, title, paragraphs):
    a = parse_text(text, "prose")
    assert (a.title.zh or a.title.en) == title
    assert len(a.paragraphs) == paragraphs and a.sections == [] and a.footnotes == []
    assert [w.split(":")[0] for w in a.warnings] == ["no structure"]


def test_empty_text_warns_and_uses_the_id_as_title():
    a = parse_text("", "empty_file")
    assert a.title.en == "empty_file" and a.paragraphs == []
    assert a.warnings == ["empty: the text has no content"]


def test_markdown_note_continued_after_page_separator():
    text = (
        "## 一、前言\n\n甲說<sup>1</sup> 乙\n\n---\n\n<sup>1</sup> 見 <https://x.org/LONG-NA>\n\n"
        "丙方面<sup>2</sup>。\n\n---\n\n*ME-2020.PDF*, p. 3.\n\n<sup>2</sup> 同上。\n"
    )
    a = parse_text(text, "t")
    assert [p.text for p in a.paragraphs] == ["甲說乙丙方面。"]
    assert a.footnote(1).urls == ["https://x.org/LONG-NAME-2020.PDF"]
    assert a.footnote(1).text == "見 https://x.org/LONG-NAME-2020.PDF, p. 3."
    assert a.footnote(2).same_as == 1


def test_hard_wrapped_lines_are_joined_and_short_final_lines_end_paragraphs():
    text = (
        "壹、前言\n\n第一行很長的文字第一行很長的文字第一行很長的文字第一行很長的\n文字結束了。\n"
        "第二段開始第二段開始第二段開始第二段開始第二段開始第二段開\n始 in English\nwords。\n"
    )
    assert [p.text for p in parse_text(text, "t").paragraphs] == [
        "第一行很長的文字第一行很長的文字第一行很長的文字第一行很長的文字結束了。",
        "第二段開始第二段開始第二段開始第二段開始第二段開始第二段開始 in English words。",
    ]


@pytest.mark.parametrize(
    "text,fmt",
    [("正文<sup>1</sup>。", "markdown"), ("正文[^1]。", "markdown"), ("# 標題", "markdown"),
     ("甲\n---\n乙", "markdown"), ("正文。¹", "text"), ("#1 不是標題", "text")],
)
def test_detect_format(text, fmt):
    assert detect_format(text) == fmt


def test_unknown_format_is_a_parse_error():
    with pytest.raises(ParseError, match="unknown format 'pdf'"):
        parse_text("x", "a", fmt="pdf")


PIECES = ["壹、前言", "一、背景", "（一）", "# ", "## ", "---", "\n", "\n\n", "¹", "²²", "<sup>3</sup>", "[^1]", "[^2]: ",
          "。", "，", "：", "美俄", "關係", "Russia ", "http://a.b/c-", "*x*", "<", ">", "摘要", "Keywords: a, b",
          "責任編輯：某", "（投稿日期：96 年 8 月 15 日）", "1. ", " ", "同註1", "同前註，頁3。", "\t", "2", "m²"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_any_text_parses_into_a_consistent_article(text):
    a = parse_text(text, "h")
    ids = [p.id for p in a.paragraphs]
    assert ids == [f"p{i}" for i in range(1, len(ids) + 1)]
    notes = {f.n: f for f in a.footnotes}
    for p in a.paragraphs:
        for ref in p.notes:
            assert 0 <= ref.at <= len(p.text)
            assert p.id in notes[ref.n].cited_in
    for f in a.footnotes:
        assert set(f.cited_in) <= set(ids)
        assert f.same_as is None or f.same_as in notes


# --- text kept as written -----------------------------------------------------------

REPORTED = "若 a<b 且 c>d，參見 <Foreign Affairs>，x**2 + y**2，[1](2)。"


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_that_only_looks_like_markup_is_kept_as_written(fmt):
    a = parse_text(f"壹、前言\n\n{REPORTED}\n", "t", fmt)
    assert [p.text for p in a.paragraphs] == [REPORTED]


@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("where", ["body", "note", "heading"])
def test_every_printable_ascii_character_is_found_again(fmt, where):
    for ch in map(chr, range(0x21, 0x7F)):
        line = f"美俄{ch}關係"
        if where == "body":
            a = parse_text(f"壹、前言\n\n{line}。\n", "t", fmt)
            found = a.paragraphs[0].text
        elif where == "note":
            a = parse_text(f"壹、前言\n\n正文。¹\n\n¹ {line}。\n", "t", fmt)
            found = a.footnote(1).text
        else:
            a = parse_text(f"壹、{line}\n\n正文。\n", "t", fmt)
            found = a.sections[0].title
        assert line in found, (ch, found)


ASCII = "".join(map(chr, range(0x21, 0x7F)))


@pytest.mark.parametrize("fmt,run", [("text", ASCII), ("markdown", ASCII.replace("\\", ""))])
def test_all_printable_ascii_at_once_is_kept(fmt, run):
    """Together they hold pairs that look like markup (``<=>``, ``[\\]``, ``*+``); only real markup is removed."""
    for text in (f"壹、前言\n\n美俄{run}關係。\n", f"壹、前言\n\n正文。¹\n\n¹ 美俄{run}關係。\n"):
        a = parse_text(text, "t", fmt)
        assert f"美俄{run}關係。" in (a.paragraphs[0].text, a.footnotes[0].text if a.footnotes else "")


def test_real_markdown_markup_is_still_removed():
    a = parse_text("# 題目\n\n## 一、前言\n\n本文**重點**在*外交*，見 [白宮](https://whitehouse.gov/x) 與 <https://a.b/c>。\n", "t")
    assert a.paragraphs[0].text == "本文重點在外交，見 白宮 與 https://a.b/c。"


@pytest.mark.parametrize("line,fmt,metadata", [
    ("＊本文為科技部專題研究計畫之部分成果。", "text", {"作者註": "本文為科技部專題研究計畫之部分成果。"}),
    ("*本文曾發表於研討會。", "text", {"作者註": "本文曾發表於研討會。"}),
    ("中图分类号：D815 文献标识码：A", "text", {"中图分类号": "D815", "文献标识码": "A"}),
    ("* 第一點是條列的項目。", "markdown", {}),
])
def test_labelled_lines_go_to_metadata_and_list_items_stay(line, fmt, metadata):
    a = parse_text(f"題目\n\n壹、前言\n\n{line}\n\n正文。\n", "t", fmt)
    assert a.metadata == metadata
    assert len(a.paragraphs) == (2 if not metadata else 1)


def test_a_date_alone_in_the_body_stays_text():
    body = "\n\n".join(f"第{k}段正文。" for k in range(40))
    a = parse_text(f"題目\n\n壹、前言\n\n{body}\n\n1991年12月26日\n", "t")
    assert a.paragraphs[-1].text == "1991年12月26日" and a.metadata == {}
