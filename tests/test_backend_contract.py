"""The behaviour every index backend must have, on the seeds.

Each test takes ``backend``, parametrized over the implementations; a new
backend joins by adding a factory to ``BACKENDS``. The expectations are
exact (titles, passage ids, totals checked against a brute-force scan of
the stored passages) so two backends that pass agree with each other.
"""

from __future__ import annotations

import re
import shutil

import pytest

from indexer.backends import Backend
from indexer.index.passages import passages
from indexer.parse import parse_text
from indexer.search.highlight import find_phrase
from tests.conftest import A000, A003, all_hits, ROOT, SEED_000, SEED_003, SEEDS

T000 = "俄羅斯強勢外交與美俄關係的未來發展"
T003 = "拜登新政下之俄美關係"


def local(tmp_path, request) -> Backend:
    from indexer.backends.local import LocalBackend

    return LocalBackend(tmp_path / "local-index")


def opensearch(tmp_path, request) -> Backend:
    from tests.conftest import opensearch_backend

    return opensearch_backend([request.getfixturevalue("opensearch_node").url], request)


BACKENDS = {"local": local, "opensearch": opensearch}


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def backend(request, tmp_path_factory):
    """Return a backend of each kind holding both seeds (read-only for the tests)."""
    b = BACKENDS[request.param](tmp_path_factory.mktemp(request.param), request)
    report = b.index([SEEDS])
    assert report.ok and sorted(report.added) == [A000, A003]
    yield b
    b.close()


@pytest.fixture(params=sorted(BACKENDS))
def fresh(request, tmp_path):
    """Return an empty backend of each kind, for tests that write."""
    b = BACKENDS[request.param](tmp_path, request)
    yield b
    b.close()


@pytest.fixture(scope="module")
def corpus(backend):
    """Every stored passage: {(article, passage id): text}."""
    return {(p.article, p.id): p.text for a in backend.articles() for p in passages(a)}




# ---------------------------------------------------------------- articles


def test_cards_and_articles(backend):
    cards = backend.cards()
    assert list(cards) == [A000, A003] == backend.article_ids()
    assert cards[A000]["title"] == T000 and cards[A003]["title"] == T003
    assert cards[A000]["year"] == 2007 and cards[A003]["authors"][0] == "連弘宜"
    a = backend.article(A000)
    assert a.title.zh == T000 and len(a.paragraphs) == 45 and len(a.footnotes) == 22
    assert a.footnote(7).same_as == 6
    assert backend.article("nope") is None
    assert sorted(x.id for x in backend.articles()) == [A000, A003]


def test_stats(backend, corpus):
    stats = backend.stats()
    assert (stats.articles, stats.passages) == (2, len(corpus)) and stats.bytes > 0


def test_version_is_stable_while_nothing_changes(backend):
    assert backend.version() == backend.version()


# ---------------------------------------------------------------- search


@pytest.mark.parametrize("phrase", ["蘇聯解體", "苏联解体", "聯解", "1991 年", "state.gov", "，特別是"])
def test_phrase_totals_match_brute_force(backend, corpus, phrase):
    expected = {key for key, text in corpus.items() if find_phrase(text, phrase)}
    assert set(all_hits(backend, f'"{phrase}"')) == expected and expected


@pytest.mark.parametrize("q", ["俄罗斯", "俄羅斯"])
def test_either_script_finds_either_script(backend, q):
    hits = all_hits(backend, q)
    assert (A000, "title") in hits and (A003, "p1") in hits
    assert all("俄羅斯" in h.text for h in hits.values())


def test_snippets_mark_the_original_script(backend):
    hit = all_hits(backend, "苏联解体")[(A000, "p4")]
    marks = re.findall(r"<mark>(.*?)</mark>", hit.snippet)
    assert "蘇聯解體" in marks and all(m in hit.text for m in marks)
    assert all(hit.text[s:e] for s, e in hit.spans)


def test_title_ranks_first(backend):
    assert backend.search("俄羅斯 外交").hits[0].passage == "title"


@pytest.mark.parametrize("q, article, passage", [
    ("title:拜登", A003, "title"), ("source:state.gov", A000, "n1"), ("year:2007 蒲亭", A000, "abstract-zh"),
    ("section:前言", A003, "p1"), ("author:連弘宜 普京", A003, "p1"),
])
def test_fields(backend, q, article, passage):
    assert (article, passage) in all_hits(backend, q)


@pytest.mark.parametrize("q, test", [
    ("俄羅斯 OR 美國", lambda has: has("俄羅斯") or has("美國")),
    ("拜登 普京", lambda has: has("拜登") or has("普京")),
    ("俄羅斯 -普京", lambda has: has("俄羅斯") and not has("普京")),
    ('+拜登 俄羅斯', lambda has: has("拜登")),
])
def test_best_match_totals_match_brute_force(backend, corpus, q, test):
    expected = {key for key, text in corpus.items() if test(lambda t: bool(find_phrase(text, t)))}
    assert set(all_hits(backend, q, expand=False)) == expected and expected
    assert backend.search(q, expand=False, limit=7, page=2).total == len(expected)


def test_best_match_puts_every_word_first_and_says_what_is_missing(backend, corpus):
    both = {k for k, t in corpus.items() if find_phrase(t, "拜登") and find_phrase(t, "普京")}
    r = backend.search("拜登 普京", expand=False, limit=100)
    assert r.total_all == len(both) and {(h.article, h.passage) for h in r.hits[:len(both)]} == both
    assert all(h.missing == [] for h in r.hits[:len(both)])
    assert all(h.missing in (["拜登"], ["普京"]) for h in r.hits[len(both):])
    strict = backend.search("拜登 普京", expand=False, limit=100, mode="all")
    assert {(h.article, h.passage) for h in strict.hits} == both and strict.total == len(both)


def test_a_pasted_question_finds_its_passage(backend):
    hit = backend.search("拜登上任後第一次與普京在哪裡會晤？").hits[0]
    assert (hit.article, hit.passage) == (A003, "p10")


def test_expansions_rank_below_exact_forms(backend, corpus):
    exact = {k for k, t in corpus.items() if find_phrase(t, "普京")}
    r = backend.search("普京", limit=100)
    assert {(h.article, h.passage) for h in r.hits[:len(exact)]} == exact and r.total > len(exact)


def test_did_you_mean(backend):
    assert backend.search("普金").suggestions[0] == "普京"


def test_not_excludes(backend):
    with_putin = all_hits(backend, "俄羅斯")
    without = all_hits(backend, "俄羅斯 -普京", expand=False)
    assert without and set(without) < set(with_putin)
    assert not any("普京" in h.text for h in without.values())


def test_expansions(backend):
    r = backend.search("Putin")
    assert {"蒲亭", "普京"} <= set(r.expanded)
    assert {h.article for h in r.hits} == {A000, A003}
    assert backend.search("Putin", expand=False).expanded == []


def test_facets_count_every_hit(backend):
    r = backend.search("俄羅斯", facets=True)
    assert sum(r.facets["article"].values()) == r.total == sum(r.facets["kind"].values())
    assert set(r.facets["article"]) == {A000, A003}


def test_filters(backend):
    r = backend.search("俄羅斯", limit=100, filters={"article": A003, "kind": "paragraph"})
    assert r.total and all(h.article == A003 and h.kind == "paragraph" for h in r.hits)


def test_a_rejected_query_is_answered(backend):
    assert "Nothing to search for" in backend.search("title:").error
    assert "the limit is 1,000" in backend.search("俄" * 1001).error


def test_highlighter_marks_what_search_matches(backend):
    hl = backend.highlighter("苏联解体")
    text = backend.article(A000).paragraphs[3].text
    marked = [text[s:e] for s, e in hl.spans("p4", text)]
    assert "蘇聯解體" in marked and set(marked) <= {"蘇聯", "解體", "蘇聯解體"} and hl.marked == ["p4"]
    assert hl.spans("p5", "美俄關係") == []


# ---------------------------------------------------------------- concordance, sources, glossary


def test_concordance(backend):
    kwic = backend.concordance("苏联解体", sort="position", width=10)
    assert kwic.total == 12 and kwic.counts == {A000: 12}
    assert all(line.match == "蘇聯解體" for line in kwic.lines)
    order = [p.id for p in passages(backend.article(A000))]
    assert [x.passage for x in kwic.lines] == sorted((x.passage for x in kwic.lines), key=order.index)
    capped = backend.concordance("苏联解体", max_lines=5)
    assert (capped.total, len(capped.lines), capped.truncated) == (12, 5, True)


def test_sources(backend):
    whitehouse = [s for s in backend.sources() if s.citation.domain == "whitehouse.gov"]
    assert sum(s.n_notes for s in whitehouse) == 3 and {c.article_id for s in whitehouse for c in s.citing} == {A000, A003}


def test_glossary(backend):
    assert {"蒲亭", "普京", "Vladimir Putin"} <= set(backend.glossary().expand("普丁"))


def test_check_finds_nothing_wrong_with_a_whole_index(backend):
    assert backend.check() == []


# ---------------------------------------------------------------- writing


def test_year_ranges_hold_exactly_the_years_inside(fresh, tmp_path):
    folder = tmp_path / "dated"
    folder.mkdir()
    for roc, west in ((84, 1995), (96, 2007), (110, 2021)):
        (folder / f"y{west}.txt").write_text(
            f"兩岸關係的發展與展望（{west}）\n（投稿日期：{roc} 年 3 月 1 日；採用日期：{roc} 年 6 月 1 日）\n\n"
            "壹、前言\n\n本文討論兩岸關係的發展，以及區域安全的變化。\n", "utf-8")
    assert sorted(fresh.index([folder]).added) == ["y1995", "y2007", "y2021"]
    for q, years in [("year:1000-2007", {1995, 2007}), ("year:-2000 兩岸", {1995}), ("year:2010-", {2021}),
                     ("year:2007", {2007}), ("year:1996-2006", set())]:
        hits = fresh.search(q, limit=100).hits
        assert {h.year for h in hits} == years, q
    assert {h.year for h in fresh.search("兩岸", limit=100, filters={"year": "2021"}).hits} == {2021}


def test_add_replace_remove(fresh, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SEED_000, folder)
    assert not fresh.exists() or fresh.article_ids() == []
    assert fresh.index([folder]).added == [A000]
    before = fresh.version()
    shutil.copy(SEED_003, folder)
    report = fresh.index([folder])
    assert (report.added, report.unchanged) == ([A003], [A000])
    assert fresh.version() != before
    (folder / SEED_000.name).write_text(SEED_000.read_text("utf-8").replace("蒲亭", "普亭"), "utf-8")
    assert fresh.index([folder]).updated == [A000]
    assert fresh.search('"普亭"').total > 0
    assert fresh.remove([A003, "nope"]) == [A003]
    assert fresh.article_ids() == [A000]
    assert all(h.article == A000 for h in fresh.search("拜登", limit=100).hits)
    (folder / SEED_003.name).unlink()
    (folder / SEED_000.name).unlink()
    assert fresh.index([folder]).removed == [A000]
    assert fresh.article_ids() == []


def test_reference_lists_and_pdf_pages_reach_the_hits(fresh, tmp_path):
    from tests.pdfs import Layout, reportlab_pdf

    folder = tmp_path / "journal"
    folder.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "journals" / "rendered" / "simplified_community.endnotes.txt", folder)
    article = parse_text(SEED_003.read_text("utf-8"), "a003")
    (folder / "a003.pdf").write_bytes(reportlab_pdf(article, Layout(font="cid", number_at="head")))
    assert sorted(fresh.index([folder]).added) == ["a003", "simplified_community.endnotes"]
    hits = fresh.search("Putnam", limit=10, facets=True)
    assert [(h.article, h.passage, h.kind) for h in hits.hits] == [("simplified_community.endnotes", "r3", "reference")]
    assert hits.facets["kind"] == {"reference": 1}
    note = fresh.search('"NSC-1v2.pdf"').hits
    assert [(h.article, h.passage, h.page_label, h.page) for h in note] == [("a003", "n3", "46", 2)]
    assert {h.page_label for h in fresh.search("普京", limit=100, filters={"article": "a003"}).hits} > {"46"}


# ---------------------------------------------------------------- order and authors


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_sort_by_date_puts_dated_articles_first_and_keeps_every_hit(backend, sort):
    relevance = backend.search("俄羅斯", limit=100)
    by_date = backend.search("俄羅斯", limit=100, sort=sort)
    assert by_date.total == relevance.total and by_date.sort == sort
    assert {(h.article, h.passage) for h in by_date.hits} == {(h.article, h.passage) for h in relevance.hits}
    articles = [h.article for h in by_date.hits]
    assert articles == sorted(articles, key=lambda a: a != A000)  # 000 is dated (2007), 003 prints no date
    best = [h.passage for h in relevance.hits if h.article == A000]
    assert [h.passage for h in by_date.hits if h.article == A000] == best  # relevance within an article


def test_author_facet_and_filter(backend):
    r = backend.search("俄羅斯", facets=True)
    assert r.facets["author"] == {"李亞明": sum(1 for _ in all_hits(backend, "俄羅斯") if _[0] == A000),
                                  "連弘宜": sum(1 for _ in all_hits(backend, "俄羅斯") if _[0] == A003)}
    for name in ("連弘宜", "Hong-yi Lien"):
        only = all_hits(backend, "俄羅斯", filters={"author": name})
        assert only and {a for a, _ in only} == {A003}


def test_an_unknown_sort_is_answered(backend):
    assert "Unknown sort 'title'" in backend.search("俄羅斯", sort="title").error
