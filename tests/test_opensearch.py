"""The OpenSearch backend on a real node: analysis equal to the local index's, same answers, writing, errors.

The node is the session's (``opensearch_node`` in conftest: OpenSearch 2.19
from Maven Central jars); every test writes under a prefix of its own.
The contract suite (``test_backend_contract.py``) runs on it too.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from indexer.analysis import compact, fold_table
from indexer.backends.opensearch import OpenSearchBackend
from indexer.backends.opensearch import search as osearch
from indexer.backends.opensearch.write import WriteLock, current_generation
from indexer.cli import main
from indexer.errors import IndexStateError
from tests.conftest import A000, A003, ROOT, SEED_000, SEEDS, free_port, opensearch_backend
from tests.test_backend_contract import all_hits

pytestmark = pytest.mark.opensearch


@pytest.fixture(scope="module")
def seeded(opensearch_node, request):
    """Return an OpenSearch backend holding both seeds (read-only for the tests)."""
    b = opensearch_backend([opensearch_node.url], request)
    assert sorted(b.index([SEEDS]).added) == [A000, A003]
    yield b
    b.close()


@pytest.fixture
def empty(opensearch_node, request):
    """Return an empty OpenSearch backend of this test's own."""
    b = opensearch_backend([opensearch_node.url], request)
    yield b
    b.close()


def passages_of(backend, article_id: str) -> list:
    from indexer.index.passages import passages

    return passages(backend.article(article_id))


def analyze(backend, analyzer: str, text: str) -> list[tuple[str, int, int]]:
    """Return (token, start, end) from OpenSearch's analyzer, offsets in code points."""
    tokens = backend.client.indices.analyze(index=backend.loc.alias("passages"),
                                            body={"analyzer": analyzer, "text": text})["tokens"]
    units = [i for i, ch in enumerate(text) for _ in range(2 if ord(ch) > 0xFFFF else 1)] + [len(text)]
    return [(t["token"], units[t["start_offset"]], units[t["end_offset"]]) for t in tokens]


# ---------------------------------------------------------------- analysis


def test_the_char_filter_folds_exactly_like_the_local_index(seeded):
    keys = "".join(chr(c) for c in sorted(fold_table()))  # every rule, non-BMP ones too
    text = f"臺灣 ＡＢＣ\u3000年\u00a0底，{keys}\t𠁞𠌥 end"
    chars, offsets = compact(text)
    got = analyze(seeded, "jiansuo_chars", text)
    assert [t for t, _s, _e in got] == list(chars)
    assert [s for _t, s, _e in got] == offsets and all(e == s + 1 for _t, s, e in got)


# ---------------------------------------------------------------- the same answers as the local index

SAME = ["俄罗斯", '"苏联解体"', "Putin", "title:拜登", "俄羅斯 -普京", "source:state.gov", "relations", "俄羅斯 外交",
        '"1991 年"', '"，特別是"', "year:2007 蒲亭", "year:-2010 外交", "section:前言", "author:連弘宜 普京",
        "diplom*", "NATO OR 北約", "abstract:俄羅斯", "keyword:外交", "(俄羅斯 OR 美國) -外交", "U.S.", "國", "Biden",
        "拜登 普京", "+拜登 俄羅斯", "美俄關係的未來", "拜登上任後第一次與普京在哪裡會晤？", "蘇聯解體後俄羅斯的外交政策如何變化",
        "Russia's relations with the U.S.", "北約組織", "普金", "Puttin", "russ*", '"蘇聯解體" 俄羅斯', "美 俄"]


@pytest.mark.parametrize("mode", ["best", "all"])
@pytest.mark.parametrize("q", SAME)
def test_same_hits_totals_facets_marks_and_missing_words_as_local(seeded, searcher, q, mode):
    local, remote = all_hits(searcher, q, mode=mode), all_hits(seeded, q, mode=mode)
    assert set(remote) == set(local)
    assert {k: (h.spans, h.missing) for k, h in remote.items()} == {k: (h.spans, h.missing) for k, h in local.items()}
    lr, rr = searcher.search(q, facets=True, mode=mode), seeded.search(q, facets=True, mode=mode)
    assert (rr.total, rr.total_all, rr.facets, rr.expanded, rr.ignored, rr.suggestions) == (
        lr.total, lr.total_all, lr.facets, lr.expanded, lr.ignored, lr.suggestions)


@pytest.mark.parametrize("q", ["俄羅斯 外交", "拜登 普京", "美國 俄羅斯 關係 峰會 日內瓦", "蘇聯解體後俄羅斯的外交政策如何變化",
                               "拜登上任後第一次與普京在哪裡會晤？", "北約東擴 俄羅斯 安全", "Putin", "國"])
def test_ranking_follows_the_local_index(seeded, searcher, q):
    """Scores differ (Lucene's length norms, statistics); the best hit and most of the first page do not."""
    local, remote = searcher.search(q, limit=10).hits, seeded.search(q, limit=10).hits
    assert (remote[0].article, remote[0].passage) == (local[0].article, local[0].passage)
    assert len({(h.article, h.passage) for h in local} & {(h.article, h.passage) for h in remote}) >= 8


def test_highlights_land_on_non_bmp_originals(empty, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "ext.txt").write_text("擴展區漢字與地名\n\n壹、前言\n\n古地名「𠁞𠌥村」見於方志，𠁞字今作簡體。\n", "utf-8")
    assert empty.index([folder]).added == ["ext"]
    hits = empty.search("𠀾𠆿村").hits  # the Simplified forms of 𠁞𠌥
    assert [h.text[s:e] for h in hits for s, e in h.spans] == ["𠁞𠌥村"]
    hit = empty.search('"字今作"').hits[0]
    assert [hit.text[s:e] for s, e in hit.spans] == ["字今作"]


def test_every_occurrence_through_small_pages(seeded, searcher, monkeypatch):
    monkeypatch.setattr(osearch, "PAGE", 3)  # search_after over many pages
    remote, local = seeded.concordance("俄羅斯", sort="left"), searcher.concordance("俄羅斯", sort="left")
    assert remote.total == local.total > 50
    assert [(x.article, x.passage, x.start) for x in remote.lines] == [(x.article, x.passage, x.start)
                                                                        for x in local.lines]


# ---------------------------------------------------------------- writing


def test_unchanged_runs_write_nothing_and_a_repair_rebuilds_and_swaps_aliases(empty, seeds_copy):
    assert sorted(empty.index([seeds_copy]).added) == [A000, A003]
    generation, usable = current_generation(empty.client, empty.loc)
    version, total = empty.version(), empty.search("俄羅斯").total
    report = empty.index([seeds_copy])
    assert sorted(report.unchanged) == [A000, A003] and not report.changed and empty.version() == version
    (seeds_copy / SEED_000.name).unlink()
    report = empty.index([seeds_copy], repair=True)
    assert report.removed == [A000] and report.unchanged == [A003]
    new, _ = current_generation(empty.client, empty.loc)
    assert usable and new != generation and empty.article_ids() == [A003]
    assert not empty.client.indices.exists(index=empty.loc.concrete("passages", generation))
    assert 0 < empty.search("俄羅斯").total < total
    shards = empty.client.indices.segments(index=empty.loc.alias("passages"))["indices"]
    assert [len(copy["segments"]) for index in shards.values() for copies in index["shards"].values()
            for copy in copies] == [1]  # a rebuild is published merged


def test_an_index_from_another_version_is_refused_then_rebuilt(empty, seeds_copy):
    empty.index([seeds_copy])
    generation, _ = current_generation(empty.client, empty.loc)
    concrete = empty.loc.concrete("passages", generation)
    empty.client.indices.put_mapping(index=concrete, body={"_meta": {"jiansuo": {
        "fingerprint": "0-old", "generation": generation}}})
    fresh = OpenSearchBackend(str(empty.loc))  # closed by the fixture's cleanup of the prefix
    with pytest.raises(IndexStateError, match="built by another version of jiansuo; run `jiansuo index"):
        fresh.search("俄羅斯")
    report = fresh.index([seeds_copy])
    assert sorted(report.unchanged) == [A000, A003]
    assert current_generation(fresh.client, fresh.loc)[1] and fresh.search("俄羅斯").total > 0


def test_a_foreign_index_is_a_mapping_conflict(empty, seeds_copy):
    empty.client.indices.create(index=empty.loc.alias("passages"))
    with pytest.raises(IndexStateError, match="mapping conflict: the index .* was not made by jiansuo"):
        empty.index([seeds_copy])


def test_one_writer_at_a_time(empty, seeds_copy):
    with WriteLock(empty.client, empty.loc):
        with pytest.raises(IndexStateError, match=r"another indexer \(.*\) is writing to this index; wait"):
            empty.index([seeds_copy])
    holder = WriteLock(empty.client, empty.loc).__enter__()
    threading.Timer(0.5, holder.__exit__).start()
    assert empty.index([seeds_copy], wait=30).ok  # waits for the lock


def test_a_dead_writers_lock_is_taken_over(empty, seeds_copy):
    old = int(time.time() * 1000) - 3_600_000
    WriteLock(empty.client, empty.loc).__enter__()  # never released, as if the process died ...
    empty.client.update(index=empty.loc.lock, id="writer", body={"doc": {"heartbeat": old}})  # ... an hour ago
    assert empty.index([seeds_copy]).ok


def test_a_stale_glossary_is_rebuilt_by_the_next_run(empty, seeds_copy):
    empty.index([seeds_copy])
    glossary = empty.loc.alias("glossary")
    empty.client.update(index=glossary, id="glossary", body={"doc": {"stale": True, "json": '{"entries": []}'}})
    before = empty.version()
    assert not empty.index([seeds_copy]).changed
    assert empty.version() != before and not empty.client.get(index=glossary, id="glossary")["_source"]["stale"]
    assert {"蒲亭", "普京"} <= set(empty.glossary().expand("Putin"))


def test_check_names_what_is_missing_and_repair_rebuilds_it(empty, seeds_copy):
    empty.index([seeds_copy])
    assert empty.check() == []
    empty.client.delete(index=empty.loc.alias("passages"), id=f"{A003}#p1", refresh=True)
    empty.client.update(index=empty.loc.alias("glossary"), id="glossary", body={"doc": {"stale": True}})
    problems = empty.check()
    assert [p.split(": ", 1)[1] for p in problems] == [
        f"the glossary is older than the articles (an indexer died); run `jiansuo index --backend {empty.loc} "
        "--repair`",
        f"article '{A003}' has {empty.stats().passages - len(passages_of(empty, A000))} of its "
        f"{len(passages_of(empty, A003))} passages; run `jiansuo index --backend {empty.loc} --repair`"]
    result = CliRunner().invoke(main, ["check", "--backend", empty.location])
    assert result.exit_code == 1 and "has" in result.output
    assert sorted(empty.index([seeds_copy], repair=True).unchanged) == [A000, A003]
    assert empty.check() == [] and (A003, "p1") in all_hits(empty, "普京")


# ---------------------------------------------------------------- errors


def test_an_unreachable_cluster_is_one_line():
    with OpenSearchBackend(f"opensearch+http://127.0.0.1:{free_port()}/jiansuo") as backend:
        with pytest.raises(IndexStateError, match=r"cannot reach OpenSearch at http://127.0.0.1:\d+ .*; start"):
            backend.search("俄羅斯")
    result = CliRunner().invoke(main, ["search", "俄羅斯", "--backend", backend.location])
    assert result.exit_code == 1 and result.output.count("\n") == 1 and "cannot reach OpenSearch" in result.output


@pytest.mark.parametrize("version, message", [
    ({"number": "8.13.0", "build_flavor": "default"}, "the server is Elasticsearch 8.13.0, not OpenSearch"),
    ({"number": "1.3.19", "distribution": "opensearch"}, "OpenSearch 1.3.19 is too old; jiansuo needs OpenSearch 2"),
])
def test_a_server_of_another_kind_or_version_is_refused(version, message):
    class Answer(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({"version": version, "tagline": "You Know, for Search"}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(IndexStateError, match=message):
            with OpenSearchBackend(f"opensearch+http://127.0.0.1:{server.server_port}/jiansuo") as backend:
                backend.search("x")
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("url, message", [
    ("opensearch+http://h:9200/Bad Prefix", "must be lower-case letters"),
    ("opensearch+ftp://h:9200/x", "write opensearch\\+http://HOST:9200/PREFIX"),
])
def test_a_bad_location_is_one_line(url, message):
    with pytest.raises(IndexStateError, match=message):
        OpenSearchBackend(url)


def test_a_missing_index_says_how_to_build_it(empty):
    assert not empty.exists()
    with pytest.raises(IndexStateError, match=r"no index there yet; run `jiansuo index --backend opensearch\+http"):
        empty.search("俄羅斯")


# ---------------------------------------------------------------- command line and web


def test_the_command_line_takes_a_backend(empty, seeds_copy, monkeypatch):
    run = CliRunner().invoke
    result = run(main, ["index", str(seeds_copy), "--backend", empty.location])
    assert result.exit_code == 0 and "2 added" in result.output and empty.location in result.output
    monkeypatch.setenv("JIANSUO_BACKEND", empty.location)  # the setting stands in for --backend
    found = json.loads(run(main, ["search", "苏联解体", "--json", "-n", "3"]).output)
    assert (found["total"], found["total_all"]) == (14, 11) and "<mark>蘇聯解體</mark>" in found["hits"][0]["snippet"]
    assert run(main, ["remove", A003]).exit_code == 0 and empty.article_ids() == [A000]
    kwic = json.loads(run(main, ["concordance", "苏联解体", "--json"]).output)
    assert kwic["counts"] == {A000: 12}
    assert "蒲亭" in run(main, ["glossary", "Putin"]).output
    assert "Joint Statement on New U.S.-Russian Relationship" in run(main, ["sources", "whitehouse"]).output


def test_the_web_site_runs_on_opensearch(seeded, searcher):
    from web import create_app

    client = create_app({"BACKEND": seeded, "TESTING": True}).test_client()
    page = client.get("/search?q=苏联解体")
    assert page.status_code == 200 and "<mark>蘇聯解體</mark>" in page.get_data(as_text=True)
    api = client.get("/api/search?q=俄罗斯&facets=1").get_json()
    assert api["total"] == searcher.search("俄罗斯").total and set(api["facets"]["article"]) == {A000, A003}
    reader = client.get(f"/articles/{A000}?q=苏联解体").get_data(as_text=True)
    assert "<mark>蘇聯解體</mark>" in reader
    assert client.get("/articles/nope").status_code == 404
    assert client.get("/api/concordance?q=苏联解体").get_json()["total"] == 12
    assert "普京" in client.get("/glossary?q=Putin").get_data(as_text=True)


def test_errors_of_the_cluster_are_translated(seeded):
    from web.i18n import text

    r = seeded.search("俄羅斯", limit=100, page=1001)  # past max_result_window (the web stops at page 1,000)
    assert r.error_code == "too_deep" and text("qerr_too_deep", "en", **r.error_params) == r.error
    assert text("qerr_too_deep", "zh", **r.error_params).startswith("第 1,001 頁超出前 100,000 筆結果")


def test_serve_takes_a_backend(seeded, tmp_path):
    port = free_port()
    with open(tmp_path / "serve.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "indexer", "serve", "--backend", seeded.location,
                                 "--port", str(port), "--threads", "2"], cwd=ROOT, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                url = f"http://127.0.0.1:{port}/api/search?q={urllib.parse.quote('苏联解体')}"
                with urllib.request.urlopen(url, timeout=5) as r:
                    assert json.loads(r.read())["total_all"] == 11
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_the_scale_out_benchmark_measures_both_backends(opensearch_node, tmp_path):
    from benchmarks.scaleout import render, run_scaleout
    from tests.opensearch_node import delete

    try:
        r = run_scaleout("seeds", repeats=1, shards=1, replicas=0, folder=tmp_path,
                         files=sorted(SEEDS.glob("*.txt")), urls=[opensearch_node.url])
    finally:
        delete(opensearch_node.url, "opinions-*")
    local, remote = r["backends"]["local"], r["backends"]["opensearch"]
    assert remote["passages"] == local["passages"] > 80 and remote["articles"] == 2
    assert r["same_totals"] == r["queries"] == 35
    assert local["counts"] == remote["counts"] == r["truth"] and r["truth"]["法"][0] > 5
    table = "\n".join(render(tmp_path))
    assert "| `seeds` | opensearch |" in table and "local 35/35, opensearch 35/35" in table
