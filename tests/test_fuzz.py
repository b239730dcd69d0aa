"""Fuzzing: no input makes the parser, the searcher, the API or the article parser blow up.

Queries are random Unicode (CJK included) mixed with the query language's
operators, fields and quotes; article texts are seed fragments mixed with
random bytes decoded in various encodings. Every snippet is escaped HTML whose
only tags are ``<mark>`` and ``</mark>``. Examples are derandomized so CI is
repeatable; set JIANSUO_FUZZ_RANDOM=1 (and JIANSUO_FUZZ_EXAMPLES) to explore.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.index.build import build_index
from indexer.index.documents import article_documents
from indexer.errors import ParseError, QueryError, ReadError
from indexer.model import Article
from indexer.parse import parse_text
from indexer.search.query import FIELDS, And, Field, Not, Or, Phrase, Required, Word, parse_query, positive_leaves
from indexer.ingest.text import decode
from indexer.backends import open_backend
from tests.conftest import SEED_000, SEED_003

SCALE = int(os.environ.get("JIANSUO_FUZZ_EXAMPLES", "1"))
RANDOM = bool(os.environ.get("JIANSUO_FUZZ_RANDOM"))


def fuzz(n: int):
    """Return the settings of a fuzz test running ``n`` examples (times JIANSUO_FUZZ_EXAMPLES)."""
    return settings(max_examples=n * SCALE, deadline=None, database=None, derandomize=not RANDOM,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


HOSTILE = """<script>alert('x')</script> 測試標題

壹、前言

俄羅斯<<戰爭與和平>>與<俄羅斯>、 1 < 2 > 0 & &amp; &lt;b&gt; "引號" 'single' <!-- 註解 --> x<y <mark>假標記</mark>。¹

¹ <script>連結</script>，同上。
"""  # plain text is stored as written, so the stored text holds <script> and <mark>
ATOMS = [
    "俄羅斯", "俄罗斯", "外交", "美俄關係", "拜登", "普京", "蒲亭", "蘇聯解體", "Putin", "Biden", "Cold War",
    "script", "alert", "mark", "img", "b", "<", ">", "&", "&amp;", "<mark>", "</mark>", "<script>",
    "OR", "AND", "NOT", "or", "-", "|", "&", "(", ")", "（", "）", '"', "“", "”", "「", "」", "『", "』",
    "*", "?", "俄*", "Put*", "title:", "author:", "keyword:", "abstract:", "section:", "source:", "year:",
    "notes:", "TITLE:", "title：", "year:2021", "year:2000-2010", "year:-2010", "year:abc", "year:99999",
    "state.gov", "http://", "\u200b", "\ufeff", "\u3000", "\x00", "\n", "\t", "　", "ー", "🙂", "𠀀",
]
query_text = st.lists(
    st.one_of(st.sampled_from(ATOMS), st.text(max_size=6),
              st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=5)),
    max_size=14,
).flatmap(lambda parts: st.sampled_from(["", " ", "  "]).map(lambda sep: sep.join(parts)))
huge_text = st.one_of(
    st.text(min_size=900, max_size=1100),
    st.sampled_from(ATOMS).map(lambda a: (a + " ") * (1000 // max(len(a) + 1, 1))),
    st.integers(990, 1010).map(lambda n: "俄" * n),
)
no_surrogates = st.characters(blacklist_categories=("Cs",))


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory):
    """Return an index of both seeds and an article full of HTML."""
    root = tmp_path_factory.mktemp("fuzz")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_000, corpus)
    shutil.copy(SEED_003, corpus)
    (corpus / "hostile.txt").write_text(HOSTILE, "utf-8")
    assert build_index([corpus], root / "ix").ok
    return root / "ix"


@pytest.fixture(scope="module")
def hostile_searcher(hostile_index):
    with open_backend(hostile_index) as s:
        yield s


@pytest.fixture(scope="module")
def client(hostile_index):
    from web import create_app

    return create_app({"INDEX_DIR": str(hostile_index), "TESTING": True}).test_client()


# ---------------------------------------------------------------- checks

_SNIPPET = re.compile(r"(?:[^<>]|<mark>[^<>]+</mark>)*")


def check_snippet(snippet: str, text: str) -> None:
    """Assert ``snippet`` is escaped text with balanced, unnested marks cut from ``text``."""
    assert _SNIPPET.fullmatch(snippet), snippet
    plain = html.unescape(snippet.replace("<mark>", "").replace("</mark>", ""))
    for piece in plain.split("…"):
        assert piece in text, (piece, text)


def check_tree(node) -> None:
    if isinstance(node, (And, Or)):
        assert len(node.items) >= 2
        for item in node.items:
            check_tree(item)
    elif isinstance(node, Not):
        check_tree(node.item)
    elif isinstance(node, Required):  # +word, or either side of AND
        assert not isinstance(node.item, (Required, Not, Phrase, Field))
        check_tree(node.item)
    elif isinstance(node, Field):
        assert node.name in FIELDS and node.text.strip() == node.text and node.text
    else:
        assert isinstance(node, (Word, Phrase)) and node.text.strip()


def check_result(result, limit: int = 10) -> None:
    d = result.to_dict()
    json.dumps(d, ensure_ascii=False)
    if result.error is not None:
        assert result.hits == [] and result.error.strip() and "\n" not in result.error
        return
    assert len(result.hits) <= limit and result.total >= len(result.hits)
    for h in result.hits:
        check_snippet(h.snippet, h.text)


# ---------------------------------------------------------------- the query parser


@fuzz(1000)
@given(q=st.one_of(query_text, st.text(max_size=40)))
def test_parse_query_returns_a_tree_or_a_query_error(q):
    try:
        tree = parse_query(q)
    except QueryError as err:
        assert str(err) and "\n" not in str(err)
        return
    check_tree(tree)
    assert positive_leaves(tree)
    assert eval(repr(tree), {"And": lambda x: And(x), "Or": lambda x: Or(x), "Not": Not, "Required": Required,
                             "Word": Word, "Phrase": Phrase, "Field": Field}) == tree


@pytest.fixture
def one_second():
    """Fail a test that runs for over a second instead of hanging the suite."""
    def timeout(*_):
        raise TimeoutError("over one second: the parser loops")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(1)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("q, tree", [
    ("俄羅斯」外交", And([Word("俄羅斯"), Word("外交")])),  # a stray closing quote once looped forever
    ("『美俄』」", Phrase("美俄")),
    ("」title：拜登』", Field("title", "拜登")),
    ("「俄羅斯」 」」 『外交』", And([Phrase("俄羅斯"), Phrase("外交")])),
])
def test_stray_closing_quotes_are_ignored(one_second, q, tree):
    assert parse_query(q) == tree


@pytest.mark.parametrize("q", ["」", "』』", " 」 ", "（」）"])
def test_only_stray_quotes_is_nothing_to_search_for(one_second, q):
    with pytest.raises(QueryError, match="Nothing to search for"):
        parse_query(q)


@fuzz(30)
@given(q=huge_text)
def test_huge_queries_parse_or_are_refused(q):
    try:
        check_tree(parse_query(q))
    except QueryError as err:
        assert len(q) > 1000 or "Nothing to search for" in str(err) or "negated" in str(err)


# ---------------------------------------------------------------- the searcher


@fuzz(400)
@given(q=query_text, page=st.integers(-3, 5), limit=st.integers(-5, 200))
def test_search_never_raises_and_snippets_are_escaped(hostile_searcher, q, page, limit):
    result = hostile_searcher.search(q, limit=limit, page=page)
    check_result(result, limit=max(1, min(limit, 100)))


@fuzz(15)
@given(q=huge_text)
def test_huge_queries_never_raise(hostile_searcher, q):
    check_result(hostile_searcher.search(q))


@pytest.mark.parametrize("q", ["script", "alert", "mark", "假標記", "戰爭與和平", '"<<戰爭"', "amp",
                               '"&lt;b&gt;"', "引號", "single", "註解", "連結", '"x<y"', '"1 < 2 > 0"'])
def test_html_in_articles_comes_back_escaped(hostile_searcher, q):
    hits = [h for h in hostile_searcher.search(q, limit=100).hits if h.article == "hostile"]
    assert hits, q
    for h in hits:
        check_snippet(h.snippet, h.text)
        assert "<script" not in h.snippet and "<<" not in h.snippet and "<!--" not in h.snippet


def test_stored_markup_is_escaped_entity_by_entity(hostile_searcher):
    [title] = [h for h in hostile_searcher.search("alert").hits if h.kind == "title"]
    assert title.text == "<script>alert('x')</script> 測試標題"
    assert title.snippet == "&lt;script&gt;<mark>alert</mark>(&#39;x&#39;)&lt;/script&gt; 測試標題"
    [para] = [h for h in hostile_searcher.search('"假標記"').hits if h.article == "hostile"]
    assert "&lt;mark&gt;<mark>假標記</mark>&lt;/mark&gt;" in para.snippet  # a literal tag is no highlight
    assert "&amp;amp; &amp;lt;b&amp;gt;" in para.snippet


# ---------------------------------------------------------------- the web API


@fuzz(300)
@given(q=st.one_of(query_text, st.text(alphabet=no_surrogates, max_size=30)).filter(
           lambda s: not any("\ud800" <= c <= "\udfff" for c in s)),
       page=st.one_of(st.none(), st.integers(-5, 2000).map(str), st.text(max_size=4)),
       n=st.one_of(st.none(), st.integers(-5, 500).map(str), st.sampled_from(["", "x", "1e3", "٣"])),
       expand=st.sampled_from([None, "0", "1", "no"]),
       extra=st.dictionaries(st.sampled_from(["kind", "year", "section", "article"]),
                             st.sampled_from(["title", "body", "notes", "2021", "s1", "x<y", "", "hostile"]),
                             max_size=2))
def test_api_search_always_answers_well_formed_json(client, q, page, n, expand, extra):
    args = {"q": q, **extra}
    for name, value in (("page", page), ("n", n), ("expand", expand)):
        if value is not None:
            args[name] = value
    resp = client.get("/api/search", query_string=args)
    assert resp.status_code in (200, 400), (args, resp.status_code, resp.get_data(as_text=True)[:300])
    assert resp.mimetype == "application/json"
    d = resp.get_json()
    if resp.status_code == 400:
        assert set(d) == {"ok", "error", "status"} and d["ok"] is False and d["status"] == 400
        assert d["error"].strip() and "\n" not in d["error"]
        return
    assert {"query", "total", "took_ms", "expanded", "hits", "page", "limit", "facets"} <= set(d)
    assert d["query"] == q and d["total"] >= len(d["hits"]) and len(d["hits"]) <= d["limit"] <= 100
    for h in d["hits"]:
        check_snippet(h["snippet"], h["text"])


@pytest.mark.parametrize("q", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
                               "俄羅斯 <b>x</b>", "title:<i>拜登</i>", "&lt;mark&gt;", "'\"<mark>"])
def test_the_html_page_never_echoes_markup(client, q):
    resp = client.get("/search", query_string={"q": q})
    assert resp.status_code in (200, 400)
    body = resp.get_data(as_text=True)
    assert q not in body or not re.search(r"[<>\"']", q)
    assert "<script>alert" not in body and "<img src=x" not in body and "<b>x</b>" not in body


def test_the_html_page_escapes_the_articles_html(client):
    body = client.get("/search", query_string={"q": "alert"}).get_data(as_text=True)
    assert "alert" in body
    assert "<script>alert" not in body and "<img src=x" not in body and 'href="javascript' not in body


# ---------------------------------------------------------------- the article parser

SEED_LINES = [ln for p in (SEED_000, SEED_003) for ln in p.read_text("utf-8").splitlines() if ln.strip()]
MARKUP = ["\n", "\n\n", "---", "# ", "## ", "### ", "<sup>1</sup>", "<sup>12</sup>", "[^2]", "[^2]: ",
          "¹", "²³", "壹、", "一、", "（一）", "1. ", "摘 要", "關鍵詞：", "Abstract", "Keywords:", "\f",
          "\r\n", "\r", "\ufeff", "　", "*", "_", "註", "同上。", "同前註", "http://www.state.gov/x",
          "編輯", "日期：2021年6月16日", "收件日期", "     ", "\t"]
random_bytes = st.tuples(st.binary(max_size=48),
                         st.sampled_from(["utf-8", "gb18030", "cp950", "latin-1", "utf-16-le", "shift_jis"])
                         ).map(lambda t: t[0].decode(t[1], "replace"))
article_text = st.lists(st.one_of(st.sampled_from(SEED_LINES), st.sampled_from(MARKUP), random_bytes,
                                  st.text(max_size=20)), max_size=60).map("".join)


@fuzz(300)
@given(text=article_text, fmt=st.sampled_from([None, "text", "markdown"]))
def test_parse_text_returns_an_article_or_a_parse_error(text, fmt):
    try:
        article = parse_text(text, "fuzz", fmt)
    except ParseError as err:
        assert str(err) and "\n" not in str(err)
        return
    d = article.to_dict()
    assert Article.from_dict(json.loads(json.dumps(d, ensure_ascii=False))).to_dict() == d
    docs = article_documents(article, "fuzz.txt", "0" * 64)
    assert docs[-2]["kind"] == "article" and docs[-1]["kind"] == "data"
    assert all(w.strip() and "\n" not in w for w in article.warnings)


@fuzz(150)
@given(data=st.one_of(
    st.binary(max_size=200),
    st.lists(st.one_of(st.sampled_from(SEED_LINES).map(lambda s: s.encode("utf-8")), st.binary(max_size=8)),
             max_size=12).map(b"\n".join),
    st.sampled_from(SEED_LINES).map(lambda s: s.encode("gb18030", "replace") + b"\xff\xfe\x00"),
))
def test_decode_returns_text_or_a_read_error(data):
    try:
        decoded = decode(data, "fuzz.txt")
    except ReadError as err:
        assert str(err).startswith("fuzz.txt: ") and "\n" not in str(err)
        return
    assert decoded.text.strip() and "\r" not in decoded.text
