"""Note markers without superscripts: recognised only where a definition with that number exists."""

from __future__ import annotations

import pytest

from indexer.parse import parse_text


def notes_of(a) -> dict[int, str]:
    return {f.n: f.text for f in a.footnotes}


def links(a) -> list[tuple[str, int, int]]:
    return [(p.id, r.n, r.at) for p in a.paragraphs for r in p.notes]


BODY = ("壹、前言\n\n1993 年 4 月，西方 7 國通過了一項總額為 434 億美元的援俄計畫（大部分是延緩債務）。{1} "
        "1993 年 1 月 3 日，雙方依行政程序法第 7 條{2}簽署了第二階段削減進攻性戰略武器條約。\n\n"
        "{d1}\n\n{d2}\n\n其後兩國關係進入 20 世紀 90 年代的新階段，共有 3 國參加。\n")


@pytest.mark.parametrize(
    "form,m1,m2,d1,d2",
    [
        ("digits", "8", "9", "8 楊洁勉等著，《國際恐怖主義》，頁 147。", "9 同前註，頁 150。"),
        ("bracket", "[1]", "[2]", "[1] 楊洁勉等著，《國際恐怖主義》，頁 147。", "[2] 同前註，頁 150。"),
        ("tortoise", "〔1〕", "〔2〕", "〔1〕楊洁勉等著，《國際恐怖主義》，頁 147。", "〔2〕同前註，頁 150。"),
        ("paren", "(1)", "(2)", "(1) 楊洁勉等著，《國際恐怖主義》，頁 147。", "(2) 同前註，頁 150。"),
        ("circled", "①", "②", "① 楊洁勉等著，《國際恐怖主義》，頁 147。", "② 同前註，頁 150。"),
        ("note word", "1", "2", "註1：楊洁勉等著，《國際恐怖主義》，頁 147。", "註2：同前註，頁 150。"),
    ],
)
def test_each_form_is_a_marker_only_where_its_note_is_defined_and_dates_and_counts_stay_text(form, m1, m2, d1, d2):
    first = 8 if form == "digits" else 1
    text = BODY.replace("{1}", m1).replace("{2}", m2).replace("{d1}", d1).replace("{d2}", d2)
    a = parse_text(text, "t")
    assert [p.text for p in a.paragraphs] == [
        "1993 年 4 月，西方 7 國通過了一項總額為 434 億美元的援俄計畫（大部分是延緩債務）。"
        "1993 年 1 月 3 日，雙方依行政程序法第 7 條簽署了第二階段削減進攻性戰略武器條約。",
        "其後兩國關係進入 20 世紀 90 年代的新階段，共有 3 國參加。",
    ]
    p1 = a.paragraphs[0].text
    assert links(a) == [("p1", first, p1.index("1993", 5)), ("p1", first + 1, p1.index("簽署"))]
    assert notes_of(a) == {first: "楊洁勉等著，《國際恐怖主義》，頁 147。", first + 1: "同前註，頁 150。"}
    assert a.footnote(first + 1).same_as == first
    assert a.warnings == ([] if first == 1 else ["note numbering has gaps: 1, 2, 3, 4, 5, 6, 7"])  # an excerpt


@pytest.mark.parametrize("text", [
    "壹、前言\n\n依第 8 條規定，自 2001 年 9 月起共 12 國加入，占 35%。\n\n8 這一行不是註釋，而是正文。\n",
    "壹、前言\n\n共 3 國參加[1]。\n\n本文認為[2]仍待觀察。\n",
    "壹、前言\n\n本案涉及第(1)款與第(2)款。\n\n(1) 之規定與 (2) 之規定不同。\n",
])
def test_numbers_without_a_matching_definition_are_never_markers(text):
    a = parse_text(text, "t")
    assert a.footnotes == [] and links(a) == []
    assert "".join(p.text for p in a.paragraphs) == "".join(
        ln for ln in text.split("\n")[1:] if ln)  # every character kept


def test_notes_numbered_again_on_each_page_link_each_marker_to_its_own_page():
    text = ("一、前言\n\n甲說①，乙說②。\n\n① 甲書。\n\n② 乙書。\n\n3\n\n丙說①，丁說②。\n\n"
            "① 丙書。\n\n② 丁書。\n\n4\n\n戊說¹。\n")
    a = parse_text(text, "t")
    assert links(a) == [("p1", 1, 2), ("p1", 2, 5), ("p2", 3, 2), ("p2", 4, 5)]
    assert [(f.n, f.label, f.text) for f in a.footnotes] == [
        (1, "①", "甲書。"), (2, "②", "乙書。"), (3, "①", "丙書。"), (4, "②", "丁書。")]
    assert a.paragraphs[2].text == "戊說¹。"  # a superscript with no note anywhere stays text


def test_superscripts_numbered_per_page():
    text = "一、前言\n\n甲說¹，乙說²。\n\n¹ 甲書。\n\n² 乙書。\n\n丙說¹。\n\n¹ 同前註。\n"
    a = parse_text(text, "t")
    assert links(a) == [("p1", 1, 2), ("p1", 2, 5), ("p2", 3, 2)]
    assert [(f.n, f.label, f.same_as) for f in a.footnotes] == [(1, "1", None), (2, "2", None), (3, "1", 2)]


def test_a_marker_extracted_onto_its_own_line_stays_in_its_sentence():
    text = ("壹、前言\n\n兩國關係也確實因此出現了短暫的和諧，雙方的關係定位從「友誼和伙伴」\n發展為「民主和夥伴關係」。\n"
            "8\n1993 年 1 月 3 日，雙方簽署了條約。9\n\n8 楊洁勉等著，《國際恐怖主義》，頁 147。\n\n9 同前註。\n")
    a = parse_text(text, "t")
    assert [p.text for p in a.paragraphs] == [
        "兩國關係也確實因此出現了短暫的和諧，雙方的關係定位從「友誼和伙伴」發展為「民主和夥伴關係」。"
        "1993 年 1 月 3 日，雙方簽署了條約。"]
    assert links(a) == [("p1", 8, a.paragraphs[0].text.index("1993")), ("p1", 9, len(a.paragraphs[0].text))]


@pytest.mark.parametrize("marker", ["¹" * 10_000, "⁵" * 5, "<sup>" + "9" * 10_000 + "</sup>"])
def test_an_absurdly_long_marker_is_text(marker):
    a = parse_text(f"壹、前言\n\n甲說{marker}乙。\n\n{marker} 註。\n", "t")
    assert a.footnotes == [] and marker in a.paragraphs[0].text


def test_end_notes_after_a_notes_heading_with_a_reference_list():
    text = ("一、前言\n\n本文討論[1]兩個問題[2]。\n\n二、結論\n\n問題仍在[3]。\n\n注释\n\n"
            "[1] 王某：《甲书》，北京：人民出版社，2017年，第3页。\n\n[2] 同注1，第5页。\n\n"
            "[3] 参见李某：《乙文》，\n《丙刊》2009年第6期。\n\n参考文献\n\n[1] 王某. 甲书[M]. 北京：人民出版社，2017.\n\n"
            "[2] Putnam R D. Bowling Alone[M]. New York: Simon & Schuster,\n2000.\n")
    a = parse_text(text, "t")
    assert [s.title for s in a.sections] == ["一、前言", "二、結論", "注释", "参考文献"]
    assert [p.text for p in a.paragraphs] == ["本文討論兩個問題。", "問題仍在。"]
    assert notes_of(a) == {1: "王某：《甲书》，北京：人民出版社，2017年，第3页。", 2: "同注1，第5页。",
                           3: "参见李某：《乙文》，《丙刊》2009年第6期。"}
    assert a.footnote(2).same_as == 1
    assert [r.text for r in a.references] == ["[1] 王某. 甲书[M]. 北京：人民出版社，2017.",
                                              "[2] Putnam R D. Bowling Alone[M]. New York: Simon & Schuster, 2000."]


def test_numbered_reference_citations_do_not_take_over_circled_notes():
    """GB/T 7714: [1] in the body cites the reference list; the notes are ①②."""
    text = ("一、引言\n\n研究表明[1]，社区参与有其限度①。另有学者[2]持不同看法②。\n\n① 参见访谈记录。\n\n② 同前注。\n\n"
            "参考文献\n\n[1] 桂勇. 邻里空间[M]. 上海：上海世纪出版集团，2008.\n\n[2] 陈捷. 社会资本[J]. 社会学研究，2009（6）：87-104.\n")
    a = parse_text(text, "t")
    assert notes_of(a) == {1: "参见访谈记录。", 2: "同前注。"}
    assert [p.text for p in a.paragraphs] == ["研究表明[1]，社区参与有其限度。另有学者[2]持不同看法。"]
    assert len(a.references) == 2 and a.warnings == []


def test_a_line_that_starts_like_a_note_without_a_marker_is_kept_and_flagged():
    text = ("壹、前言\n\n甲說[1]，乙說[2]。\n\n[1] 甲書，頁 3。\n\n[2] 乙書，頁 5。\n\n"
            "[3] 這一行像是註釋，但正文中沒有第三個註號。\n")
    a = parse_text(text, "t")
    assert list(notes_of(a)) == [1, 2]
    assert a.paragraphs[-1].text == "[3] 這一行像是註釋，但正文中沒有第三個註號。"
    assert [w.split(":")[0] for w in a.warnings] == ["unmatched notes"]


def test_markdown_notes_listed_below_the_rule_as_a_numbered_list():
    text = ("## 一、前言\n\n甲說<sup>1</sup>，乙說<sup>2</sup>，丙\n\n---\n\n1. 王某，《甲書》，頁 3。\n"
            "2. 同前註，頁 5。\n\n說明了一切。\n\n1. 這是正文中的清單，不是註釋。\n")
    a = parse_text(text, "t")
    assert notes_of(a) == {1: "王某，《甲書》，頁 3。", 2: "同前註，頁 5。"}
    assert [p.text for p in a.paragraphs] == ["甲說，乙說，丙說明了一切。", "1. 這是正文中的清單，不是註釋。"]
