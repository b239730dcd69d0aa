"""Best match, exact totals, bounded work: ranking on the seeds checked against brute force."""

from __future__ import annotations

import re
import time

import pytest

from indexer.analysis import fold
from indexer.index.passages import passages
from indexer.search.highlight import find_phrase
from tests.conftest import A000, A003


@pytest.fixture(scope="module")
def corpus(searcher):
    """Every stored passage: {(article, passage id): text}."""
    return {(p.article, p.id): p.text for a in searcher.articles() for p in passages(a)}


def has(text: str, term: str) -> bool:
    """Brute force: a Han term as characters (any script), an English one as a whole word."""
    if re.search(r"[\u4e00-\u9fff]", term):
        return bool(find_phrase(text, term))
    return re.search(rf"(?<![a-z]){re.escape(term.lower())}(?![a-z])", fold(text)) is not None


def pages(searcher, q, size, **kw):
    """Page through every hit of ``q`` with ``size`` hits a page; check each page's total."""
    seen, page, totals = [], 1, set()
    while True:
        r = searcher.search(q, limit=size, page=page, expand=False, **kw)
        assert r.error is None, r.error
        totals.add(r.total)
        seen += [(h.article, h.passage) for h in r.hits]
        if not r.hits:
            break
        page += 1
    assert len(totals) == 1 and len(seen) == len(set(seen)), "a passage came back twice across pages"
    return totals.pop(), seen


# query -> brute force over the stored passages
EXPECTED = {
    "俄羅斯 OR 美國": lambda t: has(t, "俄羅斯") or has(t, "美國"),
    "自由 OR 平等": lambda t: has(t, "自由") or has(t, "平等"),
    "普京 外交": lambda t: has(t, "普京") or has(t, "外交"),
    "俄羅斯 -普京": lambda t: has(t, "俄羅斯") and not has(t, "普京"),
    "+拜登 俄羅斯": lambda t: has(t, "拜登"),
    '"蘇聯解體" 美國': lambda t: has(t, "蘇聯解體"),
    "(蒲亭 OR 普京) 美國": lambda t: has(t, "蒲亭") or has(t, "普京") or has(t, "美國"),
    "putin OR nato": lambda t: has(t, "putin") or has(t, "nato"),
    "飛彈 防禦 體系": lambda t: has(t, "飛彈") or has(t, "防禦") or has(t, "體系"),
    "俄": lambda t: has(t, "俄"),
}


@pytest.mark.parametrize("q", sorted(EXPECTED))
def test_total_is_exact_for_every_page_size_and_page(searcher, corpus, q):
    expected = {k for k, text in corpus.items() if EXPECTED[q](text)}
    assert expected
    for size in (1, 7, 10, 100):
        total, seen = pages(searcher, q, size)
        assert total == len(expected) and set(seen) == expected, (q, size)


def test_all_words_total_is_exact(searcher, corpus):
    r = searcher.search("俄羅斯 美國 外交", expand=False)
    both = {k for k, t in corpus.items() if has(t, "俄羅斯") and has(t, "美國") and has(t, "外交")}
    some = {k for k, t in corpus.items() if has(t, "俄羅斯") or has(t, "美國") or has(t, "外交")}
    assert (r.total_all, r.total) == (len(both), len(some)) and 0 < len(both) < len(some)
    strict = searcher.search("俄羅斯 美國 外交", expand=False, mode="all", limit=100)
    assert strict.total == strict.total_all == len(both) == len(strict.hits)
    assert {(h.article, h.passage) for h in strict.hits} == both


def test_paging_by_total_loses_nothing_through_the_api(client, corpus):
    expected = {k for k, t in corpus.items() if has(t, "俄羅斯") or has(t, "美國")}
    got, page = [], 1
    while True:
        d = client.get("/api/search", query_string={"q": "俄羅斯 OR 美國", "page": page, "n": 10}).get_json()
        assert d["total"] == len(expected)
        got += [(h["article"], h["passage"]) for h in d["hits"]]
        if page * 10 >= d["total"]:
            break
        page += 1
    assert set(got) == expected and len(got) == len(expected)


# ---------------------------------------------------------------- ranking


def test_passages_missing_the_least_informative_word_come_next(searcher, corpus):
    r = searcher.search("拜登 俄羅斯 外交", expand=False, limit=100)
    tiers = [len(h.missing) for h in r.hits]
    assert tiers[: r.total_all] == [0] * r.total_all
    rest = r.hits[r.total_all:]
    # a passage lacking only the common 外交 ranks above any lacking the rarer 拜登
    lacking_diplomacy = [i for i, h in enumerate(rest) if h.missing == ["外交"]]
    lacking_biden = [i for i, h in enumerate(rest) if h.missing == ["拜登"]]
    assert lacking_diplomacy and lacking_biden and max(lacking_diplomacy) < min(lacking_biden)


def test_a_word_cut_differently_in_the_text_is_found_and_not_punished(searcher, corpus):
    # 獨立國 is one word to jieba, but in the text (獨立國協) it is cut otherwise: no word posting
    with searcher._searcher() as s:
        assert len(s.snap.postings("独立国")[0]) == 0
    r = searcher.search("獨立國 俄羅斯", expand=False, limit=100)
    found = [(h.article, h.passage) for h in r.hits if not h.missing]
    assert set(found) == {k for k, t in corpus.items() if has(t, "獨立國") and has(t, "俄羅斯")} and found
    assert [(h.article, h.passage) for h in r.hits[: len(found)]] == found  # ranked first
    alone = searcher.search("獨立國", expand=False, limit=100)
    assert alone.total == len({k for k, t in corpus.items() if has(t, "獨立國")}) and alone.hits[0].score > 1


def test_expansions_rank_below_every_exact_form(searcher, corpus):
    exact = {k for k, t in corpus.items() if has(t, "普京")}
    r = searcher.search("普京", limit=100)
    assert {"蒲亭", "Putin"} <= set(r.expanded) and r.total > len(exact)
    assert {(h.article, h.passage) for h in r.hits[: len(exact)]} == exact
    assert (A000, "abstract-zh") in {(h.article, h.passage) for h in r.hits[len(exact):]}  # 蒲亭: found, below


def test_english_expansions_match_whole_words_only(searcher, corpus):
    assert any("Anatoly" in t for t in corpus.values())
    r = searcher.search("北約", limit=100)
    assert "NATO" in r.expanded
    assert not [h for h in r.hits if "Anatoly" in h.text and not has(h.text, "北約") and not has(h.text, "nato")]
    assert all("nato" not in m.lower() or m.lower() == "nato"
               for h in r.hits for m in re.findall(r"<mark>(.*?)</mark>", h.snippet))


@pytest.mark.parametrize("q, word", [("russ*", "Russia"), ("diplom*", "Diplomatic"), ("polic*", "Policy")])
def test_prefix_queries_mark_the_words_they_match(searcher, q, word):
    r = searcher.search(q, limit=100)
    assert r.total and all("<mark>" in h.snippet for h in r.hits)
    marks = {m for h in r.hits for m in re.findall(r"<mark>(.*?)</mark>", h.snippet)}
    assert any(m.lower().startswith(word.lower()[:4]) for m in marks)
    assert all(m.lower().startswith(q[:-1]) for m in marks)


def test_pasted_question_finds_its_passage(searcher):
    r = searcher.search("拜登上任後第一次與普京在哪裡會晤？")
    assert (r.hits[0].article, r.hits[0].passage) == (A003, "p10")


def test_simplified_typed_terms_find_traditional_text(searcher):
    r = searcher.search("拜登 普京 会晤", expand=False)
    assert (r.hits[0].article, r.hits[0].passage) == (A003, "p10") and r.hits[0].missing == []


def test_only_stop_words_still_search(searcher):
    r = searcher.search("什麼是")
    assert r.error is None and r.total > 0


def test_missing_is_in_the_json(searcher):
    hit = searcher.search("拜登 蒲亭", expand=False, limit=100).to_dict()["hits"][-1]
    assert hit["missing"] in (["拜登"], ["蒲亭"])


# ---------------------------------------------------------------- did you mean


@pytest.mark.parametrize("q, fixed", [("普金", "普京"), ("Puttin", "Putin"), ("蒲停 外交", "蒲亭 外交")])
def test_did_you_mean(searcher, q, fixed):
    r = searcher.search(q, expand=False)
    assert r.suggestions and r.suggestions[0] == fixed


def test_no_suggestions_when_every_word_is_found(searcher):
    assert searcher.search("俄羅斯 外交").suggestions == []


# ---------------------------------------------------------------- bounded work


def test_negations_count_against_the_term_limit(searcher):
    q = "憲法 " + " ".join(f"-{chr(0x4E01 + i)}" for i in range(330))
    started = time.perf_counter()
    r = searcher.search(q)
    assert "the limit is 64" in r.error and time.perf_counter() - started < 1
    assert "the limit is 64" in searcher.search("俄羅斯 " + " OR ".join("美國" + str(i) for i in range(40))).error


def test_a_search_out_of_time_stops_with_a_message(searcher, monkeypatch):
    monkeypatch.setenv("JIANSUO_SEARCH_TIMEOUT_MS", "0")
    r = searcher.search("俄羅斯 外交")
    assert r.hits == [] and "took longer than 0 ms" in r.error and "\n" not in r.error


def test_mode_must_be_known(searcher):
    assert "Unknown mode" in searcher.search("俄羅斯", mode="some").error
