"""Analysis: folding keeps offsets, words get ordinal positions, jieba-rs equals jieba."""

from __future__ import annotations

import re

import pytest

from indexer.analysis import GramTokenizer, compact, fold, grams, load_userdict, segment, word_analyzer
from indexer.search.highlight import find_phrase, match_spans, snippet
from tests.conftest import SEED_000, SEED_003


@pytest.mark.parametrize(
    "text, folded",
    [
        ("俄羅斯與美國", "俄罗斯与美国"),
        ("臺灣與台灣", "台湾与台湾"),
        ("ＮＭＤ（國家導彈防禦體系）", "nmd(国家导弹防御体系)"),
        ("Vladimir Putin", "vladimir putin"),
        ("Владимир", "Владимир"),  # Cyrillic is left alone
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("seed", [SEED_000, SEED_003])
def test_fold_keeps_the_length_of_the_seeds(seed):
    text = seed.read_text("utf-8")
    assert len(fold(text)) == len(text)


def test_word_positions_are_ordinals_not_character_offsets():
    tokens = [(t.text, t.pos, t.startchar, t.endchar)
              for t in word_analyzer()("美俄關係的未來，發展", positions=True, chars=True)]
    # the comma is dropped before numbering: 发展 is word 4, not character 8
    assert tokens == [("美俄", 0, 0, 2), ("关系", 1, 2, 4), ("的", 2, 4, 5),
                      ("未来", 3, 5, 7), ("发展", 4, 8, 10)]


def test_subwords_share_the_position_of_their_word_at_index_time_only():
    index = [(w, pos) for w, pos, _s, _e in segment(fold("上海合作組織"), subwords=True)]
    query = [(w, pos) for w, pos, _s, _e in segment(fold("上海合作組織"), subwords=False)]
    assert query == [("上海", 0), ("合作", 1), ("组织", 2)]
    assert index == query  # no long word here: nothing extra
    assert ("共和", 0) in [(w, p) for w, p, _s, _e in segment("中华人民共和国")]


def test_english_is_split_lowercased_stemmed_and_stopped():
    words = [t.text for t in word_analyzer()("The Future Development of Russia-U.S. Diplomatic Relations")]
    assert words == ["futur", "develop", "russia", "u.s", "diplomat", "relat"]


def test_dotted_names_are_indexed_whole_and_in_parts():
    words = {w for w, *_ in segment(fold("www.state.gov"), subwords=True)}
    assert {"www.state.gov", "state", "gov"} <= words


def test_grams_skip_white_space_and_point_into_the_original():
    text = "1991 年底"
    assert [(g, s, e) for g, _p, s, e in grams(text, 2)] == [("19", 0, 2), ("99", 1, 3), ("91", 2, 4),
                                                              ("1年", 3, 6), ("年底", 5, 7)]
    assert [t.text for t in GramTokenizer(1)("a b")] == ["a", "b"]
    assert compact("俄 羅斯") == ("俄罗斯", [0, 2, 3])


@pytest.mark.parametrize("seed", [SEED_000, SEED_003])
def test_rjieba_segments_the_seeds_exactly_like_jieba(seed):
    import jieba
    import rjieba

    def words(tokens):
        # Latin runs are re-split by the analyzer, so compare what it keeps of them
        return [w for t in tokens for w in (re.findall(r"[a-z0-9]+", t) if t.isascii() else [t])]

    text = fold(seed.read_text("utf-8"))
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) > 20
    for line in lines:
        assert words(rjieba.cut(line)) == words(jieba.cut(line)), line


def test_user_dictionary_adds_domain_terms(tmp_path):
    before = [w for w, *_ in segment(fold("標槍飛彈系統"), subwords=False)]
    assert "标枪飞弹" not in before
    userdict = tmp_path / "terms.txt"
    userdict.write_text("# domain terms\n標槍飛彈 50000 n\n", "utf-8")
    assert load_userdict(userdict) == 1
    assert [w for w, *_ in segment(fold("標槍飛彈系統"), subwords=False)][0] == "标枪飞弹"


USERDICT_RUN = """
import sys
from pathlib import Path
from indexer.crosslang.glossary import mine_pairs
from indexer.index import Store, build_index

# The glossary miner cuts words before anything else in a run: the user's word applies already.
text = "美國與蘇聯解體後的新國家（Newly Independent States）建交。"
print(*[p.zh for p in mine_pairs(text)])
article = Path(sys.argv[1])
build_index([article], article.parent / "ix")
with Store(article.parent / "ix").open().searcher() as s:
    print(*sorted(t.decode() for t in s.lexicon("body") if t.decode().startswith("苏联")))
"""


def test_the_user_dictionary_applies_to_the_first_file_of_a_run(tmp_path):
    """One segmenter for indexing, queries and the glossary miner, loaded with the user's words first."""
    import os
    import subprocess
    import sys

    userdict = tmp_path / "terms.txt"
    userdict.write_text("蘇聯解體後的新國家 90000 n\n", "utf-8")
    article = tmp_path / "first.txt"
    article.write_text("壹、前言\n\n蘇聯解體後的新國家陸續獨立。\n", "utf-8")
    env = {**os.environ, "JIANSUO_USERDICT": str(userdict)}
    out = subprocess.run([sys.executable, "-c", USERDICT_RUN, str(article)], env=env, cwd=SEED_000.parent.parent,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == "蘇聯解體後的新國家"  # without the user's word the miner finds 新國家
    assert "苏联解体后的新国家" in out[1].split()


def test_highlights_of_a_simplified_query_land_on_traditional_characters():
    text = SEED_000.read_text("utf-8").splitlines()[2]  # the Chinese title
    spans = match_spans(text, frozenset({"俄罗斯", "关系"}), ["美俄"])
    assert [text[s:e] for s, e in spans] == ["俄羅斯", "美俄關係"]
    assert snippet(text, spans) == "<mark>俄羅斯</mark>強勢外交與<mark>美俄關係</mark>的未來發展"


def test_find_phrase_is_script_case_and_space_insensitive():
    text = "蒲亭（Vladimir Putin）與普京(vladimir putin)"
    assert [text[s:e] for s, e in find_phrase(text, "VLADIMIR PUTIN")] == ["Vladimir Putin", "vladimir putin"]
    assert find_phrase("1991 年底", "1991年") == [(0, 6)]


def test_snippet_escapes_html_and_cuts_around_the_best_match():
    text = "<b>x</b>" + "字" * 300 + "俄羅斯" + "字" * 300
    html = snippet(text, [(308, 311)], width=100)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>俄羅斯</mark>" in html and "<b>" not in html
    assert len(re.sub(r"<[^>]+>", "", html)) <= 102


@pytest.mark.parametrize("seed", [SEED_000, SEED_003])
@pytest.mark.parametrize("field", ["body", "title_c", "source_c"])
def test_fast_indexing_path_equals_the_analyzer(seed, field):
    from whoosh.fields import TEXT

    from indexer.index.schema import make_schema

    f = make_schema()[field]
    text = seed.read_text("utf-8")
    assert sorted(f.index(text)) == sorted(TEXT.index(f, text))
