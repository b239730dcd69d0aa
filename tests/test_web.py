"""The web site on the seeds, through Flask's test client: pages, JSON twins, headers, errors, escaping."""

from __future__ import annotations

import doctest
import html
import json
import re
import statistics
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import A000, A003, SEED_000, SEEDS
from web.hooks import CSP

WEB = Path(__file__).resolve().parent.parent / "web"
T000 = "俄羅斯強勢外交與美俄關係的未來發展"
T003 = "拜登新政下之俄美關係"


def page(client, url: str, status: int = 200) -> str:
    """GET ``url``, check the status, return the body as text."""
    with client.get(url) as r:  # closing: static files are streamed
        assert r.status_code == status, (url, r.status_code, r.get_data(as_text=True)[:500])
        return r.get_data(as_text=True)


def assert_json_error(response, status: int) -> dict:
    """Check the one error shape of the API: {"ok": false, "error": str, "status": int}."""
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"ok", "error", "status"}
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    return body


def attrs(text: str, name: str) -> list[str]:
    """Return the values of every ``name="…"`` attribute, in document order."""
    return [html.unescape(v) for v in re.findall(rf'\b{name}="([^"]*)"', text)]


def element(text: str, tag: str, id_: str) -> str:
    """Return the HTML of the element ``<tag id="id_">`` up to its closing tag (not nested)."""
    m = re.search(rf'<{tag} id="{re.escape(id_)}"[^>]*>(.*?)</{tag}>', text, re.S)
    assert m, f"no <{tag} id={id_}>"
    return m.group(0)


def visible(text: str) -> str:
    """Return the text of an HTML fragment without tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


# ---------------------------------------------------------------- every page

PAGES = [
    ("/", ["查詢語法", T000, T003, 'href="/search?q=source:state.gov"', 'href="/search?q=section:%E5%89%8D%E8%A8%80"']),
    ("/articles", [T000, T003, "Yamin Lee", "Hong-yi Lien"]),
    ("/search?q=俄罗斯", [T000, T003, "<mark>俄羅斯</mark>"]),
    (f"/articles/{A000}", [T000, "The Future Development of Russia-U.S. Diplomatic Relations", "國防大學政戰學院政治系副教授"]),
    (f"/articles/{A003}", [T003, "焦點評析", "李欣樺", "National Chengchi University"]),
    ("/sources", ["state.gov"]),
    ("/sources?q=whitehouse.gov", ["Joint Statement on New U.S.-Russian Relationship"]),
    ("/concordance", ["蘇聯解體"]),
    ("/concordance?q=蘇聯解體", ["<mark>蘇聯解體</mark>"]),
    ("/glossary", ["蒲亭", "Vladimir Putin", "盧布林三角"]),
]


@pytest.mark.parametrize("url, needles", PAGES)
def test_page_shows(client, url, needles):
    text = page(client, url)
    assert text.startswith("<!doctype html>") and '<html lang="zh-Hant">' in text
    for needle in needles:
        assert needle in text, needle


@pytest.mark.parametrize("url", [u for u, _ in PAGES] + ["/api/search?q=Putin", f"/api/articles/{A000}",
                                                       "/opensearch.xml", "/static/style.css", "/nope"])
def test_every_response_has_security_headers(client, url):
    with client.get(url) as r:
        pass
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert re.search(r"\bapp;dur=\d+\.\d", r.headers["Server-Timing"])


@pytest.mark.parametrize("url", [u for u, _ in PAGES])
def test_pages_need_nothing_inline_or_external(client, url):
    text = page(client, url)
    assert not re.search(r"<script(?![^>]*\bsrc=)", text), "inline script"
    assert not re.search(r"\sstyle=|\son[a-z]+=", text), "inline style or handler"
    for ref in attrs(text, "src") + re.findall(r'<link[^>]*href="([^"]*)"', text):
        assert ref.startswith("/"), ref


def test_only_the_library_snippet_is_marked_safe():
    uses = [(p.name, line.strip()) for p in (WEB / "templates").glob("*") for line in p.read_text().splitlines()
            if "|safe" in line]
    assert len(uses) == 1 and "hit.snippet|safe" in uses[0][1], uses


def test_static_assets_are_served(client):
    assert "Noto Sans CJK TC" in page(client, "/static/style.css")
    assert "data-glossary-filter" in page(client, "/static/app.js")
    with client.get("/favicon.ico") as r:
        assert r.mimetype == "image/svg+xml"


# ---------------------------------------------------------------- search


def test_search_groups_hits_by_article_with_traditional_marks(client):
    text = page(client, "/search?q=俄罗斯")
    api = client.get("/api/search?q=俄罗斯").get_json()
    assert attrs(text, "data-total") == [str(api["total"])] and api["total"] >= 40
    assert attrs(text, "data-article") == [A000]  # the ten best passages are all in 000
    assert attrs(page(client, "/search?q=俄罗斯&n=100"), "data-article") == [A000, A003]
    hits = attrs(text, "data-hit")
    assert hits == [f"{h['article']}#{h['passage']}" for h in api["hits"]]
    assert f"/articles/{A000}?q=%E4%BF%84%E7%BD%97%E6%96%AF#p19" in text  # a hit opens its passage
    assert "<mark>俄罗斯</mark>" not in text  # the text is Traditional: the Simplified query is not echoed in marks
    assert "Yamin Lee" in text and "2007" in text


def test_search_facets_filter_and_unfilter(client):
    text = page(client, "/search?q=俄罗斯")
    facet = re.search(r'data-facet="article">(.*?)</section>', text, re.S).group(1)
    assert T000 in facet and T003 in facet
    assert 'data-facet="section"' not in text  # section ids only make sense within one article
    only = page(client, f"/search?q=俄罗斯&article={A003}")
    assert set(attrs(only, "data-article")) == {A003}
    assert attrs(only, "data-remove-filter") == ["article"]
    section = re.search(r'data-facet="section">(.*?)</section>', only, re.S).group(1)
    assert "一、前言" in section
    notes = page(client, "/search?q=俄罗斯&kind=footnote")
    assert notes.count('class="kind kind-footnote"') == len(attrs(notes, "data-hit")) > 0
    year = client.get("/api/search?q=俄罗斯&year=2007&n=100").get_json()
    assert {h["article"] for h in year["hits"]} == {A000} and year["total"] == len(year["hits"])
    assert client.get("/api/search?q=俄罗斯&year=2021").get_json()["total"] == 0  # 003 has no date


@pytest.mark.parametrize("junk", ["article=../../etc", "kind=script", "year=20x7", "section=<b>"])
def test_bad_filters_are_ignored(client, junk):
    total = client.get("/api/search?q=俄罗斯").get_json()["total"]
    assert client.get(f"/api/search?q=俄罗斯&{junk}").get_json()["total"] == total


def test_expansions_are_shown_with_a_way_out(client):
    text = page(client, "/search?q=Putin")
    expanded = re.search(r"data-expanded>(.*?)</p>", text, re.S).group(1)
    assert "同時搜尋" in expanded and "蒲亭" in expanded and "普京" in expanded
    assert 'href="/search?q=Putin&amp;expand=0"' in text
    plain = page(client, "/search?q=Putin&expand=0")
    assert "data-expanded" not in plain and "<mark>蒲亭</mark>" not in plain
    assert int(attrs(plain, "data-total")[0]) < int(attrs(text, "data-total")[0])


def test_pages_of_results(client):
    one = page(client, "/search?q=俄罗斯&n=5")
    two = page(client, "/search?q=俄罗斯&n=5&page=2")
    assert len(attrs(one, "data-hit")) == len(attrs(two, "data-hit")) == 5
    assert not set(attrs(one, "data-hit")) & set(attrs(two, "data-hit"))
    assert 'rel="next" href="/search?q=%E4%BF%84%E7%BD%97%E6%96%AF&amp;n=5&amp;page=2"' in one
    assert "第 2 頁" in two


def test_page_size_is_capped(client):
    assert client.get("/api/search?q=俄罗斯&n=100000").get_json()["limit"] == 100
    assert client.get("/api/search?q=俄罗斯&n=-3").get_json()["limit"] == 1


def test_api_search_is_the_cli_json(client, seed_index):
    from click.testing import CliRunner

    from indexer.cli import main

    d = client.get("/api/search?q=俄罗斯 外交").get_json()
    assert list(d) == ["query", "total", "took_ms", "expanded", "hits", "page", "limit", "facets",
                       "total_all", "mode", "suggestions", "ignored", "sort"]
    assert d["query"] == "俄罗斯 外交" and d["total"] > d["limit"] == len(d["hits"]) == 10
    assert set(d["hits"][0]) == {"article", "title", "passage", "kind", "section", "text", "snippet",
                                 "score", "notes", "position", "year", "page", "page_label", "missing"}
    assert {(h["page"], h["page_label"]) for h in d["hits"]} == {(None, None)}  # text articles have no pages
    cli = json.loads(CliRunner().invoke(main, ["search", "俄罗斯 外交", "--json", "--index", str(seed_index)]).output)
    assert {**cli, "took_ms": 0} == {**d, "took_ms": 0}
    faceted = client.get("/api/search?q=俄罗斯 外交&facets=1").get_json()["facets"]
    assert set(faceted) == {"article", "kind", "year", "section", "author"}
    assert sum(faceted["article"].values()) == d["total"]


@pytest.mark.parametrize("q, article, passage", [
    ('"俄關係"', A000, "title"), ("source:state.gov", A000, "n1"), ("title:拜登", A003, "title"),
    ("year:2007 蒲亭", A000, "abstract-zh"), ("section:前言", A003, "p1"),
])
def test_home_examples_find_something(client, q, article, passage):
    hits = client.get("/api/search", query_string={"q": q, "n": 100}).get_json()["hits"]
    assert (article, passage) in {(h["article"], h["passage"]) for h in hits}


NASTY = ['"unbalanced', "title:", "*", "x" * 10_000, "\x00\x01\x1b[31m", "<script>alert(1)</script>",
         "(((", ")))", "OR", "NOT", "-", "year:abc", "year:99999999999999999999", "“", "「俄羅斯",
         "source:", "%00", "../../etc/passwd", "a" * 999 + "\u200b", "title:*", "俄 OR OR 美"]


@pytest.mark.parametrize("q", NASTY)
def test_nasty_queries_never_fail(client, q):
    for url in ("/search", "/concordance", "/sources", "/glossary", f"/articles/{A000}"):
        r = client.get(url, query_string={"q": q})
        assert r.status_code == 200, (url, r.status_code)
        body = r.get_data(as_text=True)
        assert "<script>alert" not in body
    r = client.get("/api/search", query_string={"q": q})
    assert r.status_code in (200, 400)
    if r.status_code == 400:
        assert_json_error(r, 400)
    for url in ("/api/concordance", "/api/sources", "/api/glossary"):
        assert client.get(url, query_string={"q": q}).status_code in (200, 400)


@pytest.mark.parametrize("url", ["/search?q=%ED%A0%80%FF", "/api/search?q=%FF%FE", "/concordance?q=%C0%AF",
                                 "/articles/%FF", "/search?q=%E4%BF%84&page=%FF&n=1e9&year=%00"])
def test_undecodable_urls_never_fail(client, url):
    assert client.get(url).status_code in (200, 400, 404)


@pytest.mark.parametrize("q, message, zh", [
    ("", "Nothing to search for", "沒有可搜尋的內容"), ("title:", "Nothing to search for", "沒有可搜尋的內容"),
    ("*", "Nothing to search for", "沒有可搜尋的內容"),
    ("x" * 10_000, "The query is 10,000 characters long; the limit is 1,000", "查詢有 10,000 個字，上限是 1,000 個字"),
])
def test_rejected_queries_show_the_error_in_the_pages_language(client, q, message, zh):
    for lang, expected in (("zh", zh), ("en", message)):
        text = page(client, f"/search?lang={lang}&q={q}")
        shown = visible(re.search(r'data-error="query">(.*?)</p>', text, re.S).group(1))
        assert expected in shown and ("Nothing" in shown or "query is" in shown) is (lang == "en")
        assert "data-hit" not in text
    assert message in assert_json_error(client.get("/api/search", query_string={"q": q}), 400)["error"]


TOO_LONG = "The query is 1,001 characters long; the limit is 1,000"
TOO_LONG_ZH = "查詢有 1,001 個字，上限是 1,000 個字"


@pytest.mark.parametrize("url", ["/search", "/sources", "/concordance", "/glossary", f"/articles/{A000}"])
def test_every_page_rejects_a_long_query_with_the_same_message(client, url):
    text = page(client, url + "?q=" + "俄" * 1001)
    assert TOO_LONG_ZH in visible(text) and "data-hit" not in text and "<mark>" not in text
    assert TOO_LONG in visible(page(client, url + "?lang=en&q=" + "俄" * 1001))


@pytest.mark.parametrize("url", ["/api/search", "/api/sources", "/api/concordance", "/api/glossary", "/export"])
def test_every_api_rejects_a_long_query_with_the_same_message(client, url):
    r = client.get(url, query_string={"q": "俄" * 1001})
    if url.startswith("/api/"):
        assert TOO_LONG in assert_json_error(r, 400)["error"]
    else:  # an HTML page: in the page's language
        assert r.status_code == 400 and TOO_LONG_ZH in visible(r.get_data(as_text=True))


def test_user_text_is_escaped_everywhere(client):
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    for url in ("/search", "/concordance", "/sources", "/glossary", f"/articles/{A000}"):
        body = page(client, f"{url}?q={evil}")
        assert "<script>alert(1)" not in body and "<img src=x" not in body, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, url
    body = page(client, "/articles/<img src=x onerror=alert(2)>", 404)
    assert "<img src=x" not in body and "&lt;img src=x onerror=alert(2)&gt;" in body


# ---------------------------------------------------------------- reader


def test_reader_anchors_every_passage(client, searcher):
    text = page(client, f"/articles/{A000}")
    article = searcher.article(A000)
    ids = attrs(text, "data-passage")
    assert ids[:2] == ["title", "keywords"] and "abstract-zh" in ids and "abstract-en" in ids
    assert [i for i in ids if i.startswith("p")] == [p.id for p in article.paragraphs]
    assert [i for i in ids if i.startswith("n")] == [f"n{n}" for n in range(1, 23)]
    for s in article.sections:
        assert f'<a href="#{s.id}">{s.title}</a>' in text  # table of contents
        assert re.search(rf'<h[23] id="{s.id}" class="section-title">', text)
    assert "收稿日期" in text and "2007-08-15" in text and "2007-11-21" in text
    assert "美俄外交關係" in text and "Russia-U.S. relations" in text


def test_reader_has_22_notes_linked_both_ways(client):
    text = page(client, f"/articles/{A000}")
    assert attrs(text, "data-note") == [str(n) for n in range(1, 23)]
    assert '<sup class="noteref"><a href="#n6" id="ref-p12-6" data-note-ref="6"' in text
    note6 = element(text, "li", "n6")
    assert 'href="#ref-p12-6"' in note6 and "蘇聯解體後的俄美關係" in note6
    refs = [r for r in attrs(text, "data-note-ref")]
    assert refs == [str(n) for n in range(1, 23)]  # one marker per note, in order
    p12 = element(text, "p", "p12")
    assert visible(p12).index("6謀求恢復") > 0  # the marker sits where the note was cited


def test_reader_note_7_points_to_note_6(client):
    note7 = element(page(client, f"/articles/{A000}"), "li", "n7")
    assert 'data-same-as="6"' in note7 and 'href="#n6"' in note7
    assert "→ 註 6" in note7 and "頁198-235" in note7
    assert 'title="鄭羽，《既非盟友' in note7  # the target's text on hover


def test_reader_links_urls_safely_and_flags_problems(client):
    text = page(client, f"/articles/{A000}")
    assert ('<a href="http://www.state.gov/r/pa/ei/bgn/3183.htm" rel="noopener noreferrer nofollow">'
            "http://www.state.gov/r/pa/ei/bgn/3183.htm</a>") in element(text, "li", "n1")
    assert "⚠ 空白：這個註釋沒有內容" in element(text, "li", "n5")  # in the page's language
    assert "⚠ 自我指涉：同註13 指向第 13 註本身" in element(text, "li", "n13")
    assert "data-problem" not in element(text, "li", "n6")
    english = page(client, f"/articles/{A000}?lang=en")
    assert "⚠ empty: the note has no text" in element(english, "li", "n5")
    assert "⚠ self-reference: 同註13 refers to note 13 itself" in element(english, "li", "n13")


def test_reader_marks_the_query_in_traditional_text(client):
    text = page(client, f'/articles/{A000}?q="四个阶段"')
    assert '<p id="p12" data-passage="p12" class="has-marks">' in text
    assert "<mark>四個階段</mark>" in element(text, "p", "p12")
    assert attrs(text, "data-jump") == ["p12", "p14"]
    assert "<mark>" not in element(text, "p", "p13")
    plain = page(client, f"/articles/{A000}")
    assert "<mark>" not in plain and "data-highlight" not in plain


def test_reader_marks_expansions_unless_told_not_to(client):
    assert "<mark>蒲亭</mark>" in page(client, f"/articles/{A000}?q=Putin")
    assert "<mark>蒲亭</mark>" not in page(client, f"/articles/{A000}?q=Putin&expand=0")


@pytest.mark.parametrize("url", [
    "/articles/nope", "/articles/..%2f..%2fetc%2fpasswd", "/articles/../../etc/passwd",
    "/articles/%2e%2e", f"/articles/{A000}%00", "/articles/seeds", "/no/such/page",
])
def test_unknown_articles_and_pages_are_404(client, url):
    body = page(client, url, 404)
    assert 'data-error="404"' in body and "root:" not in body


def test_api_articles(client):
    d = client.get(f"/api/articles/{A000}").get_json()
    assert d["id"] == A000 and len(d["footnotes"]) == 22 and d["footnotes"][6]["same_as"] == 6
    listing = client.get("/api/articles").get_json()
    assert listing["total"] == 2 and [a["id"] for a in listing["articles"]] == [A000, A003]
    assert_json_error(client.get("/api/articles/nope"), 404)
    assert_json_error(client.get("/api/no-such-route"), 404)


# ---------------------------------------------------------------- sources and exports


def test_sources_whitehouse_lists_3_documents_from_2_articles(client):
    text = page(client, "/sources?q=whitehouse.gov")
    assert len(attrs(text, "data-source")) == 3 and attrs(text, "data-total") == ["3"]
    assert "3 筆來源，引用於 2 篇文章" in text
    for title in ("Joint Statement on New U.S.-Russian Relationship",
                  "President Bush Meets President Putin of Russian Federation",
                  "Interim National Security Strategic Guidance"):
        assert f"<cite>{title}</cite>" in text
    assert sorted(attrs(text, "data-citing")) == [f"{A000}#n15", f"{A000}#n3", f"{A003}#n3"]
    assert "美俄新關係聯合聲明" in text  # the citing sentence
    assert f'href="/articles/{A000}#n3"' in text and f'href="/articles/{A000}#p8"' in text
    assert "state.gov/r/pa" not in text
    d = client.get("/api/sources?q=whitehouse.gov").get_json()
    assert (d["total"], d["n_articles"], len(d["sources"])) == (3, 2, 3)


def test_sources_match_either_script(client):
    assert attrs(page(client, "/sources?q=鄭羽"), "data-total") == ["1"]
    assert attrs(page(client, "/sources?q=郑羽"), "data-total") == ["1"]
    assert attrs(page(client, "/sources?q=nothing-cites-this"), "data-total") == ["0"]


def test_exports(client):
    key = client.get("/api/sources?q=20011113-4").get_json()["sources"][0]["key"]
    bib = client.get(f"/export?source={key}&format=bibtex")
    assert bib.mimetype == "application/x-bibtex"
    assert "attachment" in bib.headers["Content-Disposition"]
    assert bib.get_data(as_text=True).startswith("@online{") and "20011113-4.html" in bib.get_data(as_text=True)
    ris = client.get(f"/export?article={A003}&format=ris").get_data(as_text=True)
    assert ris.count("TY  - ") == 4 and "NSC-1v2.pdf" in ris
    csl = json.loads(client.get("/export?q=whitehouse.gov&format=csl").get_data(as_text=True))
    assert len(csl) == 3 and {c["type"] for c in csl} == {"webpage"}
    assert client.get("/export?format=exe&q=x").status_code == 400
    assert client.get("/export?format=ris").status_code == 400
    assert client.get("/export?format=ris&source=nope").status_code == 404
    assert client.get("/export?format=ris&article=nope").status_code == 404
    assert client.get("/export?format=ris&source=蒲亭").status_code == 404
    by_path = client.get(f"/articles/{A003}/references.ris")
    assert by_path.get_data(as_text=True) == ris
    assert f'filename="{A003}-references.ris"' in by_path.headers["Content-Disposition"]
    assert client.get(f"/articles/{A003}/references.exe").status_code == 404
    assert client.get("/articles/nope/references.bib").status_code == 404


def test_export_links_are_on_the_pages(client):
    assert f'href="/articles/{A000}/references.bib"' in page(client, f"/articles/{A000}")
    text = page(client, "/sources?q=whitehouse.gov")
    assert 'href="/export?q=whitehouse.gov&amp;format=ris"' in text
    assert re.search(r'href="/export\?source=[0-9a-f]{10}&amp;format=csl"', text)


# ---------------------------------------------------------------- concordance

KWIC_POSITION = ["abstract-zh", "p2", "p2", "p4", "p5", "p13", "p14", "p14", "p15", "p16", "p30", "n6"]


def kwic_rows(text: str) -> list[tuple[str, str, str, str]]:
    rows = re.findall(r'<tr data-kwic="([^"]+)">\s*<td class="left">(.*?)</td>\s*<td class="match">(.*?)</td>'
                      r'\s*<td class="right">(.*?)</td>', text, re.S)
    return [(where, html.unescape(left), visible(match), html.unescape(right)) for where, left, match, right in rows]


def test_concordance_lines_and_counts(client):
    text = page(client, "/concordance?q=蘇聯解體")
    rows = kwic_rows(text)
    assert [w.split("#")[1] for w, *_ in rows] == KWIC_POSITION
    assert {w.split("#")[0] for w, *_ in rows} == {A000}
    assert all(m == "蘇聯解體" for _, _, m, _ in rows)
    assert rows[0][1].endswith("本文從回顧 1991 年底") and rows[0][3].startswith("後，美俄兩國")
    assert attrs(text, "data-kwic-count") == [A000] and f"{T000}</a> <span class=\"count\">12</span>" in text
    assert f'href="/articles/{A000}?q=%22%E8%98%87%E8%81%AF%E8%A7%A3%E9%AB%94%22#p30"' in text


def test_concordance_finds_simplified_and_sorts(client, searcher):
    from indexer.search.concordance import kwic, sort_lines

    by_right = kwic_rows(page(client, "/concordance?q=苏联解体&sort=right"))
    by_left = kwic_rows(page(client, "/concordance?q=苏联解体&sort=left"))
    assert len(by_right) == len(by_left) == 12
    assert [r[0] for r in by_right] != [r[0] for r in by_left]
    lines = kwic(searcher.passages_matching("苏联解体"), "苏联解体", 20)
    for rows, key in ((by_right, "right"), (by_left, "left")):
        assert [r[0] for r in rows] == [f"{x.article}#{x.passage}" for x in sort_lines(lines, key)]
    assert by_left[0][1] == ""  # a passage starting with the phrase has nothing on the left
    assert by_right[0][3].startswith("以來")
    d = client.get("/api/concordance?q=苏联解体&sort=left").get_json()
    assert [x["passage"] for x in d["lines"]] == [w.split("#")[1] for w, *_ in by_left]
    assert d["counts"] == {A000: 12} and d["total"] == 12


def test_concordance_errors(client):
    assert "data-kwic" not in page(client, "/concordance?q=")
    assert_json_error(client.get("/api/concordance?q="), 400)
    assert_json_error(client.get("/api/concordance?q=蘇聯&sort=sideways"), 400)
    assert "沒有出現" in page(client, "/concordance?q=沒有這個詞組啊")


# ---------------------------------------------------------------- glossary


def glossary_rows(text: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-entry="(\d+)"[^>]*>(.*?)</tr>', text, re.S))


def test_glossary_links_putin_names_in_one_entry(client):
    rows = glossary_rows(page(client, "/glossary"))
    putin = [row for row in rows.values() if "蒲亭" in row]
    assert len(putin) == 1
    assert "普京" in putin[0] and "Vladimir Putin" in putin[0] and "Владимир Путин" in putin[0]
    assert f'href="/articles/{A003}?q=%22%E6%99%AE%E4%BA%AC%22#p1"' in putin[0]
    assert not any("普京" in row for key, row in rows.items() if row is not putin[0])


def test_glossary_filter_and_downloads(client):
    assert len(glossary_rows(page(client, "/glossary?q=普京"))) == 1
    assert len(glossary_rows(page(client, "/glossary?q=putin"))) == 1
    assert len(glossary_rows(page(client, "/glossary?q=导弹"))) >= 2  # Simplified finds 導彈 / 飛彈 entries
    assert not glossary_rows(page(client, "/glossary?q=沒有這個詞"))
    found = glossary_rows(page(client, "/glossary?found=1"))
    assert found and all("class=\"short-title\"" in row for row in found.values())
    csv_text = page(client, "/glossary.csv")
    assert csv_text.startswith("id,terms_zh,glosses,sources,occurrences\n") and "蒲亭 | 普京" in csv_text
    assert client.get("/glossary.csv").mimetype == "text/csv"
    full = json.loads(page(client, "/glossary.json"))
    assert full["version"] == 1 and any("蒲亭" in e["terms_zh"] for e in full["entries"])
    api = client.get("/api/glossary?q=普京").get_json()
    assert [e["terms_zh"][:2] for e in api["entries"]] == [["蒲亭", "普京"]]


# ---------------------------------------------------------------- language, opensearch, timing


def test_language_switch_is_remembered(client):
    zh = page(client, "/search?q=Putin")
    assert 'href="/search?q=Putin&amp;lang=en"' in zh and "同時搜尋" in zh
    r = client.get("/search?q=Putin&lang=en")
    en = r.get_data(as_text=True)
    assert '<html lang="en">' in en and "Also searched" in en and ">Search</button>" in en
    assert "lang=en" in r.headers["Set-Cookie"]
    assert '<html lang="en">' in page(client, "/glossary")  # the cookie keeps English
    assert '<html lang="zh-Hant">' in page(client, "/glossary?lang=zh")
    assert '<html lang="zh-Hant">' in page(client, "/glossary?lang=xx")


def test_every_ui_string_has_both_languages():
    from web.i18n import STRINGS

    for key, (zh, en) in STRINGS.items():
        assert zh.strip() and en.strip(), key
        assert re.findall(r"{\w+}", zh) == re.findall(r"{\w+}", en), key
    used = set()
    for p in (WEB / "templates").glob("*"):
        used |= set(re.findall(r"\bt\('(\w+)'[,)]", p.read_text()))
    for p in WEB.glob("*.py"):
        used |= set(re.findall(r'\bt\("(\w+)"[,)]', p.read_text()))
    assert len(used) > 50
    assert used - set(STRINGS) == set()


def test_opensearch_description(client):
    r = client.get("/opensearch.xml")
    assert r.mimetype == "application/opensearchdescription+xml"
    root = ET.fromstring(r.data)
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    assert root.find("os:ShortName", ns).text == "檢索 jiansuo"
    templates = [u.get("template") for u in root.findall("os:Url", ns)]
    assert templates[0] == "http://localhost/search?q={searchTerms}"
    assert 'rel="search" type="application/opensearchdescription+xml"' in page(client, "/")


@pytest.mark.parametrize("url", ["/", "/search?q=俄罗斯", f"/articles/{A000}?q=俄罗斯", "/sources?q=state",
                                 "/concordance?q=蘇聯解體", "/glossary", "/api/search?q=Putin"])
def test_pages_are_fast(client, url):
    client.get(url)  # warm the caches
    times = []
    for _ in range(3):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    assert statistics.median(times) < 400, times  # ~10-60 ms on an idle machine


def test_web_doctests():
    import web.i18n
    import web.pages
    import web.render

    for module in (web.render, web.i18n, web.pages):
        failed, tried = doctest.testmod(module)
        assert tried > 0 and failed == 0, module.__name__


# ---------------------------------------------------------------- index state


def test_a_new_index_version_is_picked_up(tmp_path):
    from indexer.index.build import build_index
    from web import create_app

    build_index([SEED_000], tmp_path)
    app = create_app({"INDEX_DIR": str(tmp_path), "WARM_UP": False})
    client = app.test_client()
    try:
        assert attrs(page(client, "/articles"), "data-article") == [A000]
        assert attrs(page(client, "/sources?q=whitehouse.gov"), "data-total") == ["2"]
        build_index([SEEDS], tmp_path)
        assert attrs(page(client, "/articles"), "data-article") == [A000, A003]
        assert attrs(page(client, "/sources?q=whitehouse.gov"), "data-total") == ["3"]
        assert "拜登" in page(client, "/glossary?q=Biden")
    finally:
        app.extensions["jiansuo"].close()


def test_concurrent_requests_share_the_searcher_pool(app):
    from concurrent.futures import ThreadPoolExecutor

    urls = ["/api/search?q=俄罗斯", "/api/search?q=Putin&year=2021", f"/api/articles/{A003}",
            "/api/concordance?q=蘇聯解體", "/api/sources?q=state.gov"] * 8
    expected = {u: app.test_client().get(u).get_json() for u in set(urls)}

    def fetch(url):
        d = app.test_client().get(url).get_json()
        return url, {k: v for k, v in d.items() if k != "took_ms"}

    with ThreadPoolExecutor(8) as pool:
        for url, got in pool.map(fetch, urls):
            assert got == {k: v for k, v in expected[url].items() if k != "took_ms"}, url
    assert 1 <= app.extensions["jiansuo"].idle() <= 8  # reused, never more than the pool holds


def test_a_missing_index_says_how_to_build_one(tmp_path):
    from web import create_app

    client = create_app({"INDEX_DIR": str(tmp_path / "none")}).test_client()
    body = page(client, "/search?q=x", 503)
    assert "jiansuo index" in body
    assert "jiansuo index" in assert_json_error(client.get("/api/search?q=x"), 503)["error"]


# ---------------------------------------------------------------- hostile requests


@pytest.mark.parametrize("url", ["/?endpoint=1", "/search?q=俄羅斯&endpoint=x&values=1", f"/articles/{A000}?endpoint=1",
                                 "/sources?_external=1&_scheme=javascript", "/nope?endpoint=1"])
def test_unknown_arguments_never_break_a_page(client, url):
    r = client.get(url)
    assert r.status_code in (200, 404) and r.headers["Content-Security-Policy"] == CSP
    switch = re.search(r'href="([^"]*lang=en[^"]*)"', r.get_data(as_text=True)).group(1)
    assert "endpoint" not in switch and "_external" not in switch and "values" not in switch


def test_ten_thousand_arguments_do_not_inflate_the_page(client):
    small = len(client.get("/search?q=俄羅斯").data)
    big = client.get("/search?q=俄羅斯&" + "&".join(f"p{i}=1" for i in range(10_000)))
    assert big.status_code == 200 and len(big.data) < small + 500


def test_the_host_header_is_never_reflected(app):
    from web import serve_hosts

    client = app.test_client()
    app.config["SERVE_HOSTS"] = serve_hosts("127.0.0.1", 5000)
    try:
        forged = client.get("/opensearch.xml", headers={"Host": "evil.example"}).get_data(as_text=True)
        assert "evil.example" not in forged and "http://127.0.0.1:5000/api/search?q={searchTerms}" in forged
        ok = client.get("/opensearch.xml", headers={"Host": "localhost:5000"}).get_data(as_text=True)
        assert "http://localhost:5000/search?q={searchTerms}" in ok
        app.config["BASE_URL"] = "https://search.example.org/jiansuo"
        configured = client.get("/opensearch.xml", headers={"Host": "evil.example"}).get_data(as_text=True)
        assert "https://search.example.org/jiansuo/search?q={searchTerms}" in configured
    finally:
        app.config["SERVE_HOSTS"], app.config["BASE_URL"] = None, ""


@pytest.mark.parametrize("rng, status, length", [
    ("bytes=0-9", 206, 10), ("bytes=abc", 200, None), ("bytes=999999999-", 200, None), ("bytes=5-2", 200, None),
    ("chars=1-2", 200, None),
])
def test_bad_ranges_are_ignored(client, rng, status, length):
    with client.get("/static/style.css") as whole:
        full = len(whole.data)
    with client.get("/static/style.css", headers={"Range": rng}) as r:
        assert r.status_code == status and len(r.data) == (length or full)


def test_article_json_does_not_show_server_paths(tmp_path):
    from indexer.index import build_index
    from web import create_app

    folder = tmp_path / "secret-folder"
    folder.mkdir()
    (folder / "cut.txt").write_bytes(SEED_000.read_bytes()[:-1] + "樺".encode()[:2])
    build_index([folder], tmp_path / "ix")
    d = create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True}).test_client().get("/api/articles/cut").get_json()
    assert d["warnings"] and "secret-folder" not in json.dumps(d, ensure_ascii=False)


@pytest.mark.parametrize("message", [
    "empty: the note has no text", "self-reference: 同註13 refers to note 13 itself",
    "unresolved reference: no earlier note by 王五", "bad reference: 同前註 refers to the previous note, not an earlier note",
    "bad reference: 同註9 refers to note 9, not an earlier note", "truncated: the text stops mid-sentence at “羅斯在世界各地的”",
    "duplicate definition: note 3 is defined more than once; the first is kept", "no marker: no paragraph cites note 2",
    "missing definition: note 4 is cited in p1, p2 but never defined",
])
def test_every_note_problem_reads_in_both_languages(app, message):
    from indexer.parse.problems import read_problem
    from web.i18n import problem_text

    kind, _ = read_problem(message)
    for lang, has_han in (("en", False), ("zh", True)):
        with app.test_request_context(f"/?lang={lang}"):
            text = problem_text(message)
        assert text != "" and "{" not in text
        assert (text == message) is (lang == "en"), text
        assert bool(re.search(r"[\u4e00-\u9fff]{2}", text.split(":")[0].split("：")[0])) is has_han, text


def test_the_api_index_lists_every_route_with_a_working_example(client, app):
    d = client.get("/api/").get_json()
    api_rules = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/") and r.rule != "/api/"}
    listed = {r["path"].replace("<id>", "<article_id>") for r in d["routes"]}
    assert listed == api_rules
    for route in d["routes"]:
        example = route["example"].replace("<id>", A000)
        assert client.get(example).status_code == 200, example


def test_an_empty_index_says_how_to_add_articles(tmp_path):
    from indexer.index import build_index
    from web import create_app

    (tmp_path / "empty").mkdir()
    build_index([tmp_path / "empty"], tmp_path / "ix")
    text = create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True}).test_client().get("/").get_data(as_text=True)
    assert "索引裡還沒有文章" in text and f"jiansuo index ~/articles --index {tmp_path / 'ix'}" in text


def test_search_page_shows_missing_words_suggestions_and_mode_all(client):
    text = page(client, "/search?q=拜登 普京&expand=0&n=100")
    total, total_all = int(attrs(text, "data-total")[0]), int(attrs(text, "data-total-all")[0])
    assert 0 < total_all < total
    missing = re.findall(r"data-missing>(.*?)</span>", text, re.S)
    assert len(missing) == total - total_all
    assert all(m in ("缺少：<s>拜登</s>", "缺少：<s>普京</s>") for m in missing)
    strict = page(client, "/search?q=拜登 普京&expand=0&n=100&mode=all")
    assert attrs(strict, "data-total") == [str(total_all)] and "data-missing" not in strict
    assert 'data-mode="best"' in strict and 'data-mode="all"' in text
    api = client.get("/api/search?q=拜登 普京&expand=0&mode=all").get_json()
    assert (api["total"], api["mode"]) == (total_all, "all")
    fixed = page(client, "/search?q=普金&lang=en")
    assert "Did you mean: " in fixed and 'data-suggestion="普京"' in fixed
    assert client.get("/api/search?q=Puttin").get_json()["suggestions"][0] == "Putin"
    quoted = page(client, '/search?q=誰是蒲亭 "<i>普丁</i>"&expand=0')  # a quotation found nowhere
    assert "<s>&lt;i&gt;普丁&lt;/i&gt;</s>" in quoted and "<i>普丁" not in quoted


# ---------------------------------------------------------------- search page: order, filters, advice


def test_sort_links_and_the_api_sort(client):
    text = page(client, "/search?q=俄羅斯")
    assert attrs(text, "data-sort-key") == ["newest", "oldest"]
    newest = client.get("/api/search?q=俄羅斯&sort=newest&n=100").get_json()
    assert newest["sort"] == "newest" and newest["hits"][0]["article"] == A000 and newest["hits"][-1]["article"] == A003


def test_filter_chips_speak_the_pages_language(client):
    text = page(client, f"/search?q=俄羅斯&kind=paragraph&article={A003}&author=連弘宜")
    chips = [visible(c) for c in re.findall(r'data-remove-filter="\w+">(.*?)</a>', text)]
    assert chips == [f"文章: {T003} ×", "段落類型: 正文 ×", "作者: 連弘宜 ×"]
    facet = re.search(r'data-facet="kind">(.*?)</section>', text, re.S).group(1)
    assert "正文" in visible(facet) and "paragraph" not in visible(facet)


def test_years_are_listed_newest_first(client, tmp_path):
    from indexer.index import build_index
    from web import create_app

    folder = tmp_path / "a"
    folder.mkdir()
    for i, year in enumerate((2001, 2019, 2007)):
        (folder / f"a{i}.txt").write_text(f"標題{i}\n\n（投稿日期：{year} 年 1 月 2 日）\n\n壹、前言\n\n外交政策的研究。\n",
                                          "utf-8")
    build_index([folder], tmp_path / "ix")
    d = create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True}).test_client().get(
        "/api/search?q=外交&facets=1").get_json()
    assert list(d["facets"]["year"]) == ["2019", "2007", "2001"]


def test_advice_when_nothing_matches(client):
    text = page(client, '/search?q="俄羅斯的強勢石油" 蘇聯&mode=all&kind=footnote')
    links = dict(zip(attrs(text, "data-advice-link"), re.findall(r'data-advice-link="\w+">([^<]*)<', text)))
    assert set(links) >= {"unquote", "best", "unfilter"}
    assert links["unquote"] == "拿掉引號：俄羅斯的強勢石油 蘇聯"
    assert "改用簡體" not in text


def test_each_article_says_how_many_passages_it_has(client):
    text = page(client, "/search?q=俄羅斯")
    counts = {int(n) for n in attrs(text, "data-in-article")}
    assert counts and max(counts) > 10
    assert re.search(rf'href="/search\?q=%E4%BF%84%E7%BE%85%E6%96%AF&amp;article={A000}"', text)


def test_every_message_renders_in_both_languages():
    """Each key formats with its own placeholders in zh-Hant and en; the zh side is Chinese."""
    import string

    from web.i18n import LANGS, STRINGS, text

    # the link to the other language speaks that language; JSON and CC-CEDICT are names
    not_chinese = {"switch_lang", "switch_lang_label", "json", "source_cedict"}
    for key, pair in STRINGS.items():
        names = {f for s in pair for _lit, f, _spec, _conv in string.Formatter().parse(s) if f}
        for lang in LANGS:
            rendered = text(key, lang, **{n: 1234 for n in names}) if names else text(key, lang)
            assert "{" not in rendered, (key, lang)
            if lang == "zh" and key not in not_chinese:
                assert re.search(r"[\u4e00-\u9fff]", rendered), (key, rendered)
