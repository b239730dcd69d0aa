"""Snippets: linear in the text and its matches, windowed for long passages."""

from __future__ import annotations

import re
import time

from indexer.search.highlight import BracketFormatter, Highlighter, best_window, match_spans, snippet

LINE = "俄羅斯與美國的關係在冷戰之後經歷了多次起伏，雙方在軍備控制與區域安全上時有合作也時有對抗。"


def test_best_window_is_linear_in_the_spans():
    spans = [(i * 10, i * 10 + 3) for i in range(200_000)]
    started = time.perf_counter()
    lo, hi = best_window("x" * 2_000_010, spans)
    assert time.perf_counter() - started < 2 and hi - lo == 160


def test_a_long_passage_is_marked_around_its_best_region_quickly():
    text = (LINE * 50_000) + "，蘇聯解體後俄羅斯" + LINE * 10  # 2.3 M characters, 50,000 matches
    hl = Highlighter(frozenset(), ["蘇聯解體", "俄羅斯"])
    started = time.perf_counter()
    spans = hl.window_spans(text)
    out = snippet(text, spans, formatter=BracketFormatter())
    assert time.perf_counter() - started < 2
    assert "【蘇聯解體】" in out and all(re.fullmatch("(蘇聯解體|俄羅斯)+", text[s:e]) for s, e in spans)


def test_english_words_and_prefixes_are_found_in_a_long_passage():
    text = "a" * 20_000 + " the Russian Federation and Russia " + "b" * 20_000
    hl = Highlighter(frozenset({"feder"}), [], frozenset({"russ"}))
    marked = [text[s:e] for s, e in hl.window_spans(text)]
    assert marked == ["Russian", "Federation", "Russia"]


def test_prefix_spans():
    text = "Russia, Russians and Prussia"
    assert [text[s:e] for s, e in match_spans(text, frozenset(), [], frozenset({"russ"}))] == ["Russia", "Russians"]


def test_search_on_a_multi_megabyte_single_line_article(tmp_path):
    from indexer.backends.local import LocalBackend

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "long.txt").write_text("長文\n\n" + LINE * 48_000 + "\n", "utf-8")  # 2.2 MB, one line
    with LocalBackend(tmp_path / "index") as backend:
        assert backend.index([folder]).ok
        started = time.perf_counter()
        r = backend.search("俄羅斯")
        took = time.perf_counter() - started
        assert r.total == 1 and took < 3, took
        marks = re.findall(r"<mark>(.*?)</mark>", r.hits[0].snippet)
        assert marks and set(marks) == {"俄羅斯"}


def test_a_snippet_never_cuts_a_mark_in_two():
    for gap in range(140, 170):  # the second match straddles the end of a 160-character window
        text = "乙" * 10 + "俄羅斯" + "甲" * gap + "俄羅斯" + "丙" * 200
        out = snippet(text, match_spans(text, frozenset(), ["俄羅斯"]), 160, BracketFormatter())
        assert set(re.findall("【(.*?)】", out)) == {"俄羅斯"}, gap
