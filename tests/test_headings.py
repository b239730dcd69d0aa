"""Headings of theses, law reviews and journals: styles, nested levels, and lines that only look like headings."""

from __future__ import annotations

import pytest

from indexer.parse import parse_text
from indexer.parse.headings import Outline, heading_style, plain_heading

STYLES = [
    ("上編　題畫詩的興起", "part"), ("下篇 文人畫論", "part"), ("第三編 結論", "part"),
    ("第一章　緒論", "chapter"), ("第十二章 結語", "chapter"), ("第一節　佛法甚深", "section"),
    ("第二項 學說", "item"), ("第三款 實務", "clause"), ("壹、前言", "formal"), ("拾壹、結論", "formal"),
    ("二十一、問題", "cn"), ("（一）歷史", "cn_paren"), ("(二) 現況", "cn_paren"), ("1. 研究動機", "arabic"),
    ("2、方法", "arabic"), ("3 研究設計", "arabic"), ("1.1 研究背景", "decimal2"), ("2.3.1 資料", "decimal3"),
    ("(1) 侵害之強度", "arabic_paren"), ("（2）範圍", "arabic_paren"), ("① 對特定人之處分", "circled"),
    # not headings: sentences, counts and dates, numbered paragraphs
    ("一、本文認為此說可採。", None), ("20 世紀 80 年代末、90 年代初", None), ("3 月 12 日", None),
    ("一、「佛法之序曲」：從「部派佛教」而進入「大乘佛教」的過程中，印", None),
    ("1. 烏克蘭內戰：首先，美國自 2017 年開始加強對於烏克蘭政府軍的支持，其中包括提供防禦武器", None),
    ("上編者按", None), ("1 台北市 35 40", None), ("2 新北市 12.5%", None),
]


@pytest.mark.parametrize("text,style", STYLES)
def test_heading_style(text, style):
    assert heading_style(text) == style


@pytest.mark.parametrize("text,expected", [("前言", True), ("參考文獻", True), ("注释：", True), ("References", True),
                                           ("附錄二　訪談大綱", True), ("附錄中的資料顯示，", False), ("結論是", False)])
def test_unnumbered_headings(text, expected):
    assert plain_heading(text) == expected


@pytest.mark.parametrize(
    "styles,levels",
    [
        (["chapter", "section", "item", "cn", "cn_paren", "section", "chapter"], [1, 2, 3, 4, 5, 2, 1]),
        (["formal", "cn", "cn_paren", "arabic", "arabic_paren", "circled", "cn", "formal"], [1, 2, 3, 4, 5, 6, 2, 1]),
        (["part", "chapter", "section", "chapter", "part"], [1, 2, 3, 2, 1]),
        (["cn", "cn_paren", "arabic", "cn"], [2, 3, 4, 2]),  # 一、 stands at level 2 even with no 壹、 above it
        (["arabic", "decimal2", "decimal3", "decimal2", "arabic"], [1, 2, 3, 2, 1]),
        (["chapter", None, "chapter"], [1, 1, 1]),  # an unnumbered heading (結論) takes the top level
    ],
)
def test_outline_levels_nest_each_style_under_the_ones_open_above_it(styles, levels):
    outline = Outline()
    assert [outline.level(s) for s in styles] == levels


THESIS = """論文題目

第一章　緒論
第一節　佛法甚深¹
佛法甚深，難以言詮。本文試圖說明其義理。
第二節　研究方法
本文採用文獻分析法。
一、「佛法之序曲」：從「部派佛教」而進入「大乘佛教」的過程中，印順法師特別重視菩薩行的人間性格，認為大乘佛法的興起並非憑空而來。
第一項　文獻
文獻的範圍。

¹ 本節改寫自作者的碩士論文。
"""


def test_thesis_headings_glued_to_their_paragraphs_and_long_numbered_paragraphs():
    a = parse_text(THESIS, "t")
    assert [(s.title, s.level) for s in a.sections] == [
        ("第一章　緒論", 1), ("第一節　佛法甚深", 2), ("第二節　研究方法", 2), ("第一項　文獻", 3)]
    assert [p.text[:12] for p in a.paragraphs] == ["佛法甚深，難以言詮。本文", "本文採用文獻分析法。", "一、「佛法之序曲」：從「",
                                                   "文獻的範圍。"]
    assert [(r.n, r.at) for r in a.sections[1].notes] == [(1, 8)]  # the marker on the heading stays on it
    assert a.footnote(1).problems == [] and a.footnote(1).cited_in == []


def test_numbered_lists_are_paragraphs_and_numbered_headings_are_headings():
    text = ("壹、前言\n\n討論以下三點：\n\n1. 政治\n\n2. 經濟\n\n3. 社會\n\n"
            "貳、分析\n\n1. 研究動機\n\n本研究的動機如下。\n\n2. 研究方法\n\n本研究採用訪談法。\n")
    a = parse_text(text, "t")
    assert [(s.title, s.level) for s in a.sections] == [
        ("壹、前言", 1), ("貳、分析", 1), ("1. 研究動機", 2), ("2. 研究方法", 2)]
    assert [p.text for p in a.paragraphs[:4]] == ["討論以下三點：", "1. 政治", "2. 經濟", "3. 社會"]


def test_table_of_contents_lines_are_not_headings():
    text = ("論文題目\n\n目　次\n\n第一章　緒論 .......... 1\n\n第二章　方法 …… 5\n\n"
            "第一章　緒論\n\n本章說明研究動機。\n")
    a = parse_text(text, "t")
    assert [s.title for s in a.sections] == ["第一章　緒論"] and [p.text for p in a.paragraphs] == ["本章說明研究動機。"]
