"""Keyword in context on the seeds: script- and case-insensitive, contexts from the original."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from indexer.search.concordance import (
    KwicLine,
    counts,
    find_occurrences,
    format_line,
    kwic,
    passages_of,
    sort_lines,
)
from indexer.errors import QueryError
from indexer.model import Article, Paragraph

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))


def seed_passages() -> list[tuple[str, str, str]]:
    """Every non-empty line of each seed is a passage "L<line number>" of article "000"/"003"."""
    out = []
    for path in SEEDS:
        lines = path.read_text(encoding="utf-8").split("\n")
        out += [(path.name[:3], f"L{n}", line) for n, line in enumerate(lines, 1) if line.strip()]
    return out


PASSAGES = seed_passages()

# Every 蘇聯解體 of seed 000, eight characters of context each side.
SOVIET_COLLAPSE = [
    ("L11", " 1991 年底", "後，美俄兩國之間"),
    ("L29", "險峻的一年。自從", "後，美俄關係總是"),
    ("L29", " 1991 年底", "後，美俄兩國之間"),
    ("L37", "的力量對比格局。", "後，俄羅斯聯邦變"),
    ("L39", "", "後新獨立的俄羅斯"),
    ("L71", "圍和滲透。尤其於", "後，美國就更重視"),
    ("L73", "", "對世界格局產生巨"),
    ("L73", "世界格局的結束。", "以來，美國一直試"),
    ("L75", "從1991年底", "後至2007年間"),
    ("L79", "", "後，俄美兩國對建"),
    ("L81", "友，也非敵人——", "後的俄美關係（上"),
    ("L147", "", "後，中亞地區就成"),
]


def test_seed_passages():
    assert Counter(article for article, _, _ in PASSAGES) == {"000": 97, "003": 37}


@pytest.mark.parametrize("phrase", ["蘇聯解體", "苏联解体", "蘇联解体", " 蘇聯解體 "])
def test_soviet_collapse_in_either_script(phrase):
    lines = kwic(PASSAGES, phrase, width=8)
    assert [(x.passage, x.left, x.right) for x in lines] == SOVIET_COLLAPSE
    assert {x.article for x in lines} == {"000"}
    assert {x.match for x in lines} == {"蘇聯解體"}  # the article's own script
    assert counts(lines) == {"000": 12}


def test_start_is_the_offset_in_the_passage():
    text = dict(((a, p), t) for a, p, t in PASSAGES)
    for x in kwic(PASSAGES, "苏联解体", width=20):
        passage = text[(x.article, x.passage)]
        assert passage[x.start:x.start + 4] == "蘇聯解體"
        assert passage[max(0, x.start - 20):x.start] == x.left
    first = kwic(PASSAGES, "苏联解体", width=20)[0]
    assert (first.left, first.start) == ("治情勢的改變，本文從回顧 1991 年底", 267)


def test_russia_relations_is_inside_us_russia_relations_only():
    """俄關係 is a substring of 美俄關係, never of 俄美關係 (003's order): 000 only."""
    lines = kwic(PASSAGES, "俄關係", width=3)
    assert counts(lines) == {"000": 21}
    assert {x.left[-1] for x in lines} == {"美"}
    assert lines[0].left + lines[0].match + lines[0].right == "交與美俄關係的未來"


def test_us_relations_is_inside_russia_us_relations():
    lines = kwic(PASSAGES, "美关系", width=3)  # Simplified query
    assert counts(lines) == {"000": 5, "003": 16}
    assert Counter(x.left[-1:] for x in lines) == {"俄": 20, "": 1}
    assert {x.match for x in lines} == {"美關係"}
    assert lines[-1].left + lines[-1].match + lines[-1].right == "未來俄美關係的發展"


def test_putin_as_pujing_only_in_003():
    lines = kwic(PASSAGES, "普京", width=10)
    assert [(x.article, x.passage, x.left, x.right) for x in lines] == [
        ("003", "L16", "den)與俄羅斯總統", "(Vladimir "),
        ("003", "L50", "為拜登上任後第一次與", "會晤，成為各界關注焦"),
    ]
    assert counts(kwic(PASSAGES, "蒲亭")) == {"000": 23}  # 000's Taiwanese transliteration


@pytest.mark.parametrize("phrase", ["putin", "PUTIN", "Putin", "ＰＵＴＩＮ"])
def test_latin_is_case_insensitive(phrase):
    lines = kwic(PASSAGES, phrase, width=10)
    assert counts(lines) == {"000": 4, "003": 3}
    assert Counter(x.match for x in lines) == {"Putin": 6, "putin": 1}
    assert (lines[-1].left, lines[-1].right) == ("-approach-", "/story?id=")


def test_characters_match_across_scripts_exactly_as_phrase_search_does():
    """Each character folds on its own (劃 → 划, 畫 → 画): 计划 is 計劃, not the Taiwan word 計畫.

    Vocabulary variants such as 計畫/计划 are the glossary's job, not the concordance's.
    """
    assert Counter(x.match for x in kwic(PASSAGES, "计划")) == {"計劃": 4}
    assert Counter(x.match for x in kwic(PASSAGES, "計畫")) == {"計畫": 2}
    assert Counter(x.match for x in kwic(PASSAGES, "计画")) == {"計畫": 2}
    assert [x.left[-1] + x.match for x in kwic(PASSAGES, "畫", width=1)] == ["計畫", "計畫"]


@pytest.mark.parametrize("phrase", ["北約東擴的終結", "Gorbachev", "普丁", "苏联解體後至1992"])
def test_absent_phrases_give_nothing(phrase):
    assert kwic(PASSAGES, phrase) == []
    assert all(find_occurrences(text, phrase) == [] for _, _, text in PASSAGES)


OCCURRENCES = [
    ("aaa", "aa", [0, 1]),
    ("哈哈哈哈", "哈哈", [0, 1, 2]),
    ("abcabc", "ABC", [0, 3]),
    ("美國與美国", "美國", [0, 3]),
    ("臺灣、台灣、台湾", "台灣", [0, 3, 6]),
    ("abc", "", []),
    ("", "a", []),
    ("İstanbul istanbul", "istanbul", [9]),  # İ has no one-character lower case
]


@pytest.mark.parametrize("text, phrase, offsets", OCCURRENCES)
def test_find_occurrences(text, phrase, offsets):
    assert find_occurrences(text, phrase) == offsets


def test_overlapping_matches_make_one_line_each():
    lines = kwic([("a", "p", "哈哈哈")], "哈哈", width=1)
    assert [(x.left, x.match, x.right, x.start) for x in lines] == [("", "哈哈", "哈", 0), ("哈", "哈哈", "", 1)]


# A hand-made concordance; seq is the reading order of the passages (p2 before p10).
TABLE = [
    KwicLine("b", "p10", "xyz", "K", "ba", 5, seq=4),
    KwicLine("a", "p2", "zb", "K", "ab", 0, seq=1),
    KwicLine("a", "p10", "ya", "K", "bb", 3, seq=2),
    KwicLine("a", "p2", "zb", "K", "ab", 9, seq=1),
    KwicLine("a", "p1", "XA", "K", "AC", 7, seq=0),
]


def ids(lines):
    return [(x.article, x.passage, x.start) for x in lines]


def test_sort_by_right_context_reading_forward():
    # ab, ab (tie: by position), AC (folded: ac), ba, bb
    assert ids(sort_lines(TABLE, "right")) == [
        ("a", "p2", 0), ("a", "p2", 9), ("a", "p1", 7), ("b", "p10", 5), ("a", "p10", 3)
    ]
    assert ids(sort_lines(TABLE)) == ids(sort_lines(TABLE, "right"))


def test_sort_by_left_context_reading_backward():
    # left contexts read backwards: zyx, bz, ay, bz, ax (folded) → ax, ay, bz, bz, zyx
    assert ids(sort_lines(TABLE, "left")) == [
        ("a", "p1", 7), ("a", "p10", 3), ("a", "p2", 0), ("a", "p2", 9), ("b", "p10", 5)
    ]


def test_sort_by_position_is_reading_order():
    assert ids(sort_lines(TABLE, "position")) == [
        ("a", "p1", 7), ("a", "p2", 0), ("a", "p2", 9), ("a", "p10", 3), ("b", "p10", 5)
    ]
    assert sort_lines([], "left") == []


def test_kwic_numbers_passages_in_the_order_given():
    lines = kwic([("a", "abstract-zh", "K1"), ("a", "p2", "K2"), ("a", "n1", "K3")], "k")
    assert [x.passage for x in sort_lines(lines, "position")] == ["abstract-zh", "p2", "n1"]


def test_left_sort_folds_the_script():
    """國 and 国 are one character for sorting: the next one back (中 < 俄) decides."""
    lines = [KwicLine("a", "p1", "俄国", "K", "", 0), KwicLine("a", "p2", "中國", "K", "", 0)]
    assert [x.left for x in sort_lines(lines, "left")] == ["中國", "俄国"]


def test_sort_right_on_the_seed():
    """以 < 後 (后) < 對 (对); after 後 the full-width comma (folded to ",") comes first."""
    lines = sort_lines(kwic(PASSAGES, "蘇聯解體", width=3), "right")
    assert [(x.passage, x.right) for x in lines] == [
        ("L73", "以來，"),
        ("L147", "後，中"),
        ("L37", "後，俄"),
        ("L79", "後，俄"),
        ("L11", "後，美"),
        ("L29", "後，美"),
        ("L29", "後，美"),
        ("L71", "後，美"),
        ("L39", "後新獨"),
        ("L81", "後的俄"),
        ("L75", "後至2"),
        ("L73", "對世界"),
    ]
    backwards = sort_lines(kwic(PASSAGES, "蘇聯解體", width=3), "left")
    assert [x.left for x in backwards][:5] == ["", "", "", "", "人——"]


def test_counts_keep_first_appearance_order():
    assert counts(TABLE) == {"b": 1, "a": 4}
    assert counts([]) == {}


ERRORS = [
    (lambda: kwic(PASSAGES, "  "), "empty phrase; give a word or phrase to look up, e.g. 蘇聯解體"),
    (lambda: kwic(PASSAGES, "美", width=-1), "context width -1 is negative; give 0 or more characters"),
    (lambda: sort_lines(TABLE, "middle"), "unknown sort order 'middle'; use one of: right, left, position"),
]


@pytest.mark.parametrize("call, message", ERRORS)
def test_user_errors(call, message):
    with pytest.raises(QueryError) as err:
        call()
    assert str(err.value) == message


def test_passages_of_articles():
    article = Article("x1", paragraphs=[Paragraph("p1", None, "蘇聯解體後"), Paragraph("p2", "s1", "美俄")])
    assert list(passages_of([article])) == [("x1", "p1", "蘇聯解體後"), ("x1", "p2", "美俄")]
    assert [(x.article, x.passage) for x in kwic(passages_of([article]), "苏联")] == [("x1", "p1")]


def test_format_line_aligns_the_match():
    lines = kwic(PASSAGES, "蘇聯解體", width=10)
    rendered = [format_line(x, width=10) for x in lines]

    def columns(s):
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)

    assert {columns(r[: r.index("[")]) for r in rendered} == {21}
    assert rendered[:2] == [
        "      回顧 1991 年底 [蘇聯解體] 後，美俄兩國之間的外",
        "關係險峻的一年。自從 [蘇聯解體] 後，美俄關係總是由美",
    ]
