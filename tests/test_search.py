"""Searching the seeds: scripts, phrases, English, fields, malformed input, highlights."""

from __future__ import annotations

import re

import pytest

from indexer.search.highlight import find_phrase
from indexer.index.passages import passages
from tests.conftest import A000, A003, all_hits




@pytest.fixture(scope="module")
def corpus(searcher):
    """Every passage of the seeds: {(article, passage id): text}."""
    return {(p.article, p.id): p.text for a in searcher.articles() for p in passages(a)}


def brute_force(corpus, phrase):
    return {key for key, text in corpus.items() if find_phrase(text, phrase)}


# ---------------------------------------------------------------- scripts


@pytest.mark.parametrize("query", ["俄罗斯", "俄羅斯"])
def test_either_script_finds_traditional_text(searcher, query):
    hits = all_hits(searcher, query)
    assert (A000, "title") in hits and (A003, "p1") in hits
    assert len(hits) >= 40
    assert all("俄羅斯" in h.text for h in hits.values())


def test_taiwan_variant_characters_match(searcher):
    # 臺 and 台 both fold to 台: 舞臺 in seed 000 is found by 舞台, and the reverse.
    assert (A000, "p4") in all_hits(searcher, '"舞台"')
    assert all_hits(searcher, '"舞台"').keys() == all_hits(searcher, '"舞臺"').keys()


def test_simplified_query_highlights_traditional_text(searcher):
    hit = all_hits(searcher, "苏联解体")[(A000, "p4")]
    marks = re.findall(r"<mark>(.*?)</mark>", hit.snippet)
    assert "蘇聯解體" in marks
    # the marks are offsets into the original text: each marked string occurs in it
    assert all(m in hit.text for m in marks)


# ---------------------------------------------------------------- phrases


@pytest.mark.parametrize(
    "phrase",
    [
        "俄關係",  # across words: inside 美俄關係 and 俄美關係... only 俄+關係
        "蘇聯解體",  # a whole word pair
        "聯解",  # part of two words
        "普",  # a single character
        "飛彈",  # a word
        "1991 年",  # white space as scattered by PDF extraction
        "（Vladimir Putin）",  # full-width punctuation and Latin
        "state.gov",
        "，特別是",  # punctuation inside a phrase
        "苏联解体",  # Simplified phrase on Traditional text
    ],
)
def test_phrase_finds_every_passage_containing_it_and_no_other(searcher, corpus, phrase):
    expected = brute_force(corpus, phrase)
    assert expected, f"{phrase} should occur in the seeds"
    assert set(all_hits(searcher, f'"{phrase}"')) == expected


def test_phrase_inside_a_word_is_found_where_the_segmenter_disagrees(searcher):
    hits = all_hits(searcher, '"俄關係"')
    texts = [h.text for h in hits.values()]
    assert any("美俄關係" in t for t in texts)
    assert not any("俄關係" not in t for t in texts)
    assert (A003, "title") not in hits  # 俄美關係 is not 俄關係


def test_phrase_that_does_not_occur_finds_nothing(searcher):
    assert searcher.search('"美俄聯盟"').total == 0
    assert searcher.search('"普京蒲亭"', expand=False).total == 0


def test_single_character_phrase(searcher, corpus):
    hits = all_hits(searcher, '"梁"')
    assert set(hits) == {(A000, "p32")} == brute_force(corpus, "梁")


# ---------------------------------------------------------------- English


@pytest.mark.parametrize(
    "query, passage",
    [
        ("diplomatic relation", (A000, "abstract-en")),  # relation → relations
        ("Relations", (A003, "title")),
        ("strategies", (A003, "n2")),  # Strategy in a note title
        ("Putin", (A000, "abstract-en")),
    ],
)
def test_english_words_are_stemmed(searcher, query, passage):
    assert passage in all_hits(searcher, query, expand=False)


def test_english_inside_chinese_text(searcher):
    hits = all_hits(searcher, "Vladimir Putin", expand=False)
    assert (A000, "p2") in hits  # 蒲亭(Vladimir Putin)總統 inside a Chinese paragraph
    assert (A003, "p1") in hits


def test_mixed_language_query(searcher):
    hits = all_hits(searcher, "普京 Putin", expand=False, mode="all")
    assert set(hits) == {(A003, "p1")}
    best = searcher.search("普京 Putin", expand=False)
    assert (best.hits[0].article, best.hits[0].passage, best.hits[0].missing) == (A003, "p1", [])
    assert best.total_all == 1 and all(h.missing for h in best.hits[1:])


# ---------------------------------------------------------------- operators


def test_words_are_anded_in_mode_all(searcher):
    both = set(all_hits(searcher, "拜登 普京", expand=False, mode="all"))
    assert both == set(all_hits(searcher, "拜登", expand=False)) & set(all_hits(searcher, "普京", expand=False))
    assert both


def test_best_match_ranks_passages_with_every_word_first_then_the_rest(searcher):
    biden, putin = set(all_hits(searcher, "拜登", expand=False)), set(all_hits(searcher, "普京", expand=False))
    r = searcher.search("拜登 普京", expand=False, limit=100)
    keys = [(h.article, h.passage) for h in r.hits]
    assert set(keys) == biden | putin and r.total == len(biden | putin)
    assert r.total_all == len(biden & putin)
    assert set(keys[:r.total_all]) == biden & putin  # every word first
    for h in r.hits[r.total_all:]:
        assert h.missing == (["普京"] if (h.article, h.passage) in biden else ["拜登"])
    assert all(h.missing == [] for h in r.hits[:r.total_all])


def test_or_not_and_parentheses(searcher):
    a = set(all_hits(searcher, "蒲亭", expand=False))
    b = set(all_hits(searcher, "普京", expand=False))
    assert set(all_hits(searcher, "蒲亭 OR 普京", expand=False)) == a | b
    without = set(all_hits(searcher, "俄羅斯 -蒲亭", expand=False))
    assert without and not without & a
    assert set(all_hits(searcher, "俄羅斯 NOT 蒲亭", expand=False)) == without
    grouped = set(all_hits(searcher, "(蒲亭 OR 普京) 美國", expand=False, mode="all"))
    assert grouped and grouped <= a | b
    assert set(all_hits(searcher, "+(蒲亭 OR 普京) 美國", expand=False)) == a | b
    assert set(all_hits(searcher, "(蒲亭 OR 普京) AND 美國", expand=False)) == grouped


# ---------------------------------------------------------------- fields


def test_title_field(searcher):
    hits = all_hits(searcher, "title:拜登")
    assert set(hits) == {(A003, "title")}
    assert set(all_hits(searcher, "title:拜登 俄羅斯")) <= {k for k in all_hits(searcher, "俄羅斯") if k[0] == A003}
    assert set(all_hits(searcher, 'title:"Biden\'s Administration"')) == {(A003, "title")}


def test_author_field_in_either_script_and_language(searcher):
    assert set(all_hits(searcher, "author:李亚明")) == {(A000, "title")}
    assert set(all_hits(searcher, "author:Lien")) == {(A003, "title")}


def test_keyword_field(searcher):
    assert set(all_hits(searcher, "keyword:歐洲安全")) == {(A000, "title")}
    assert searcher.search("keyword:拜登").total == 0


def test_abstract_field(searcher):
    assert set(all_hits(searcher, "abstract:上海合作組織")) == {(A000, "abstract-zh")}
    assert set(all_hits(searcher, "abstract:Shanghai")) == {(A000, "abstract-en")}


def test_section_field(searcher):
    hits = all_hits(searcher, "section:前言")
    assert {h.section for h in hits.values()} == {"壹、前言", "一、前言"}
    assert all(h.kind in ("paragraph", "footnote") for h in hits.values())


def test_source_field_with_a_bare_domain(searcher):
    hits = all_hits(searcher, "source:state.gov")
    # notes 1 and 21 cite state.gov; note 4 says 同註1 and inherits its source
    assert set(hits) == {(A000, "n1"), (A000, "n21"), (A000, "n4")}
    assert set(all_hits(searcher, "source:whitehouse.gov")) == {(A000, "n3"), (A000, "n15"), (A003, "n3")}


def test_source_field_matches_cited_authors_and_back_references(searcher):
    hits = all_hits(searcher, "source:鄭羽")
    assert set(hits) == {(A000, "n6"), (A000, "n7")}  # note 7: 同前註，頁198-235


def test_year_field(searcher):
    assert {k[0] for k in all_hits(searcher, "year:2007 俄羅斯")} == {A000}
    # 003 prints no date: its year is unknown, never guessed from the years its notes cite (2021)
    assert {k[0] for k in all_hits(searcher, "year:2020-2022 俄羅斯")} == set()
    assert set(all_hits(searcher, "year:2021")) == set()
    assert {k[0] for k in all_hits(searcher, "year:2000-2030 蒲亭")} == {A000}


# ---------------------------------------------------------------- malformed


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "俄羅斯 (", "俄羅斯)", "title:", "*", "? *", "OR", "AND NOT", "-",
     "\x00\x07俄羅斯\x1b", "x" * 1000, ":::", "title:title:", '""', "year:abc", "((((", "source:"],
)
def test_malformed_queries_are_answered(searcher, query):
    r = searcher.search(query)
    assert r.error is None or (isinstance(r.error, str) and "\n" not in r.error)
    d = r.to_dict()
    assert {"query", "total", "took_ms", "expanded", "hits"} <= d.keys()


@pytest.mark.parametrize(
    "query, message",
    [
        ("title:", "Nothing to search for"),
        ("*", "Nothing to search for"),
        ("AND NOT", "Nothing to search for"),
        ("-俄羅斯", "Every term is negated"),
        ("俄" * 10_000, "the limit is 1,000"),
        ("year:abc", "not a year"),
    ],
)
def test_rejected_queries_say_why(searcher, query, message):
    r = searcher.search(query)
    assert r.total == 0 and message in r.error
    assert "error" in r.to_dict()


def test_unbalanced_quote_is_a_phrase_to_the_end(searcher):
    assert set(all_hits(searcher, '"俄關係')) == set(all_hits(searcher, '"俄關係"'))


def test_control_characters_are_dropped(searcher):
    assert searcher.search("\x00俄\x07羅斯\x1b").total == searcher.search("俄羅斯").total


def test_snippets_escape_everything_but_marks(searcher):
    r = searcher.search('"Biden\'s"')
    assert r.total
    for h in r.hits:
        assert "'" not in h.snippet.replace("<mark>", "").replace("</mark>", "")
        assert "&#39;" in h.snippet
    r = searcher.search('<script>alert(1)</script>')
    assert all("<script>" not in h.snippet for h in r.hits)


# ---------------------------------------------------------------- results


def test_json_shape(searcher):
    d = searcher.search("俄羅斯", limit=3).to_dict()
    assert {"query", "total", "took_ms", "expanded", "hits"} <= d.keys()
    assert "error" not in d
    hit = d["hits"][0]
    assert {"article", "title", "passage", "kind", "section", "text", "snippet", "score", "notes"} <= hit.keys()
    assert hit["kind"] in ("title", "abstract", "keywords", "paragraph", "footnote")


def test_title_ranks_above_body(searcher):
    hits = searcher.search("拜登新政", limit=3, expand=False).hits
    assert (hits[0].article, hits[0].passage) == (A003, "title")


def test_paragraph_hits_carry_section_and_notes(searcher):
    hit = all_hits(searcher, '"華沙公約組織解體，特別是蘇聯"')[(A000, "p4")]
    assert hit.section == "貳、俄羅斯強勢外交政策的歷史背景"
    assert hit.notes == [1]


def test_grouping_by_article(searcher):
    r = searcher.search("俄羅斯", limit=50)
    groups = r.groups()
    assert [g["article"] for g in groups] == list(dict.fromkeys(h.article for h in r.hits))
    assert sum(len(g["hits"]) for g in groups) == len(r.hits)


def test_facets_count_all_matches(searcher):
    r = searcher.search("俄羅斯", limit=5, facets=True)
    assert sum(r.facets["article"].values()) == r.total
    assert set(r.facets["kind"]) >= {"paragraph", "title"}


def test_paging(searcher):
    first = searcher.search("俄羅斯", limit=10, page=1).hits
    second = searcher.search("俄羅斯", limit=10, page=2).hits
    assert len(first) == len(second) == 10
    assert not {(h.article, h.passage) for h in first} & {(h.article, h.passage) for h in second}


def test_filters_restrict_hits_to_facet_values(searcher):
    only_003 = all_hits(searcher, "俄羅斯", filters={"article": A003})
    assert only_003 and {k[0] for k in only_003} == {A003}
    notes = all_hits(searcher, "俄羅斯", filters={"kind": "footnote", "year": "2007"})
    assert notes and all(h.kind == "footnote" and h.article == A000 for h in notes.values())
    assert searcher.search("俄羅斯", filters={"color": "red"}).error.startswith("Unknown filter")
    assert "not a year" in searcher.search("俄羅斯", filters={"year": "x"}).error


def test_too_many_terms_is_refused_quickly_and_a_quoted_passage_is_not(searcher):
    import time

    sentence = "俄羅斯作為前蘇聯的主要繼承國，隨著社會制度的轉型陷入了空前嚴重的國內政治、經濟和民族危機"
    paragraph = searcher.article(A000).paragraphs[3].text  # about 90 distinct words
    started = time.perf_counter()
    r = searcher.search(paragraph, mode="all")
    assert "the limit is 64" in r.error and time.perf_counter() - started < 2
    assert set(all_hits(searcher, f'"{sentence}"')) == {(A000, "p4")}
    # best match: a pasted paragraph is a bag of its most informative words, never refused
    r = searcher.search(paragraph)
    assert r.error is None and (r.hits[0].article, r.hits[0].passage) == (A000, "p4") and not r.ignored


def test_a_long_pasted_text_keeps_its_longest_words_within_the_term_limit(searcher, monkeypatch):
    monkeypatch.setenv("JIANSUO_MAX_TERMS", "6")
    paragraph = searcher.article(A000).paragraphs[3].text
    r = searcher.search(paragraph)
    assert r.error is None and (r.hits[0].article, r.hits[0].passage) == (A000, "p4")
    assert len(r.ignored) > 20 and "聯合國安理會" not in r.ignored and "俄羅斯聯邦" not in r.ignored
    assert max(len(w) for w in r.ignored) <= 4  # the longest words are kept
    assert "the limit is 6" in searcher.search(paragraph, mode="all").error
