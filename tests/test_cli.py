"""The `jiansuo` command line, driven through click's runner on the real seeds."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from click.testing import CliRunner

from indexer import settings
from indexer.cli import main
from tests.conftest import A000, A003, ROOT, SEED_000, SEED_003

PARSE_KEYS = {"id", "title", "authors", "abstract", "keywords", "dates", "sections", "paragraphs", "footnotes"}
HIT_KEYS = {"article", "title", "passage", "kind", "section", "text", "snippet", "score", "notes"}


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert main.commands[command].help.strip().splitlines()[0] in result.output


def test_parse_json_has_the_documented_keys():
    result = run("parse", SEED_000, "--json")
    assert result.exit_code == 0
    article = json.loads(result.output)
    assert PARSE_KEYS <= article.keys()
    assert article["id"] == A000
    assert article["title"] == {"zh": "俄羅斯強勢外交與美俄關係的未來發展",
                                "en": "The Future Development of Russia-U.S. Diplomatic Relations"}
    assert article["dates"] == {"submitted": "2007-08-15", "accepted": "2007-11-21", "revised": None, "published": None}
    assert [f["n"] for f in article["footnotes"]] == list(range(1, 23))


def test_parse_summary_lists_problems():
    result = run("parse", SEED_000)
    assert "22 notes" in result.output
    assert "note 13: self-reference" in result.output


def test_parse_a_missing_file_is_one_line_and_exit_1(tmp_path):
    result = run("parse", tmp_path / "nope.txt")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "nope.txt" in result.output


def test_index_then_search(tmp_path):
    ix = tmp_path / "ix"
    result = run("index", SEED_000, SEED_003, "--index", ix)
    assert result.exit_code == 0
    assert "2 added" in result.output
    again = run("index", SEED_000, SEED_003, "--index", ix)
    assert "0 added, 0 updated, 0 removed, 2 unchanged, 0 failed" in again.output

    result = run("search", "俄罗斯", "--index", ix, "--json", "--limit", "3")
    d = json.loads(result.output)
    assert {"query", "total", "took_ms", "expanded", "hits"} <= d.keys()
    assert d["total"] >= 40 and len(d["hits"]) == 3
    assert HIT_KEYS <= d["hits"][0].keys()

    text = run("search", '"俄關係"', "--index", ix, "-n", "2").output
    assert "【俄關係】" in text and "passages" in text

    best = run("search", "拜登 普京", "--index", ix, "--no-expand", "-n", "100").output
    strict = run("search", "拜登 普京", "--index", ix, "--no-expand", "-n", "100", "--all").output
    n_all = int(strict.split(" passages")[0])
    assert best.startswith(f"{best.split(' passages')[0]} passages, {n_all} with every word")
    assert "(missing: 普京)" in best and "missing" not in strict
    assert json.loads(run("search", "拜登 普京", "--index", ix, "--all", "--json").output)["mode"] == "all"
    assert "did you mean: 普京" in run("search", "普金", "--index", ix).output


def test_search_reads_queries_from_stdin_as_json_lines(tmp_path):
    ix = tmp_path / "ix"
    run("index", SEED_003, "--index", ix)
    result = run("search", "-", "--index", ix, input='普京\n\ntitle:\n"盧布林三角"\n')
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [d["query"] for d in lines] == ["普京", "title:", '"盧布林三角"']
    assert lines[0]["total"] > 0 and "error" not in lines[0]
    assert "Nothing to search for" in lines[1]["error"]
    assert lines[2]["hits"][0]["passage"] == "p6"


def test_rejected_query_exits_2(tmp_path):
    ix = tmp_path / "ix"
    run("index", SEED_003, "--index", ix)
    result = CliRunner().invoke(main, ["search", "*", "--index", str(ix)])
    assert result.exit_code == 2 and "Nothing to search for" in result.output


def test_search_without_an_index_says_what_to_do(tmp_path):
    result = CliRunner().invoke(main, ["search", "俄羅斯", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1  # the command builds the index this search looks in, not the default one
    assert f"no index here yet; build one with `jiansuo index FOLDER --index {tmp_path / 'none'}`" in result.output


def test_show_query():
    assert run("search", '俄羅斯 OR "美俄" -title:普京', "--show-query").output.strip() == (
        "And([Or([Word('俄羅斯'), Phrase('美俄')]), Not(Field('title', '普京'))])"
    )


def test_index_reports_bad_files_and_exits_1(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_003, folder)
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    result = CliRunner().invoke(main, ["index", str(folder), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "broken.txt" in errors[0]
    assert "1 added" in result.output


def test_index_defaults_to_the_seeds(tmp_path, monkeypatch):
    monkeypatch.setenv("JIANSUO_INDEX", str(tmp_path / "ix"))
    monkeypatch.chdir(tmp_path)  # no ./seeds here: the checkout's seeds are used
    result = run("index", "--json")
    assert sorted(json.loads(result.stdout)["added"]) == [A000, A003]


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    ix = tmp_path_factory.mktemp("cli") / "ix"
    run("index", ROOT / "seeds", "--index", ix)
    return ix


def test_sources(ix):
    result = run("sources", "state.gov", "--index", ix, "--json")
    found = json.loads(result.output)
    notes = sorted((c["article_id"], c["n"]) for s in found for c in s["citing"])
    assert notes == [(A000, 1), (A000, 4), (A000, 21)]


def test_export_bibtex_of_one_source(ix):
    key = next(s["key"] for s in json.loads(run("sources", "鄭羽", "--index", ix, "--json").output))
    bib = run("export", "bibtex", "--source", key, "--index", ix).output
    assert bib.startswith("@book{") and "publisher = {世界知識出版社}" in bib and "year = {2006}" in bib


def test_export_an_articles_references_as_ris(ix, tmp_path):
    out = tmp_path / "refs.ris"
    run("export", "ris", "--article", A003, "--index", ix, "-o", out)
    ris = out.read_text("utf-8")
    assert ris.count("TY  - ") == 4 and "whitehouse.gov" in ris


def test_export_unknown_article(ix):
    result = CliRunner().invoke(main, ["export", "csl", "--article", "../etc/passwd", "--index", str(ix)])
    assert result.exit_code == 1 and "no article" in result.output


def test_glossary_explains_an_expansion(ix):
    out = run("glossary", "蒲亭", "--index", ix).output
    assert "普京" in out and "Vladimir Putin" in out


def test_glossary_csv(ix):
    csv = run("glossary", "--csv", "--index", ix).output
    assert "蒲亭" in csv and "普京" in csv


def test_concordance(ix):
    d = json.loads(run("concordance", "苏联解体", "--index", ix, "--json", "--width", "5").stdout)
    from indexer.parse import parse_file
    from indexer.index.passages import passages

    texts = [p.text for p in passages(parse_file(SEED_000))]  # abstract, paragraphs, notes
    assert d["counts"] == {A000: sum(t.count("蘇聯解體") for t in texts)} == {A000: 12}
    assert all(line["match"] == "蘇聯解體" for line in d["lines"])
    assert {"left", "match", "right", "article", "passage", "start"} <= d["lines"][0].keys()


def test_readme_settings_table_matches_the_code():
    readme = (ROOT / "README.md").read_text("utf-8")
    rows = re.findall(r"^\| (\w+) \| `(JIANSUO_\w+)` \|\s*`?([^|`]*?)`?\s*\| (.+) \|$", readme, re.M)
    documented = {name: (env, default.strip(), help_.strip()) for name, env, default, help_ in rows}
    assert documented == {s.name: (s.env, s.default, s.help) for s in settings.SETTINGS}


def test_readme_documents_every_command():
    readme = (ROOT / "README.md").read_text("utf-8")
    for command in main.commands:
        assert f"jiansuo {command}" in readme, command


@pytest.mark.parametrize("args", [
    ["search", "俄" * 1001], ["sources", "俄" * 1001], ["concordance", "俄" * 1001], ["glossary", "俄" * 1001],
    ["export", "bibtex", "--query", "俄" * 1001],
])
def test_every_command_rejects_a_long_query_with_the_same_message(ix, args):
    result = CliRunner().invoke(main, [*args, "--index", ix])
    assert result.exit_code != 0
    assert "The query is 1,001 characters long; the limit is 1,000" in result.output


def test_index_with_its_own_folder_and_no_path_says_so(tmp_path):
    result = CliRunner().invoke(main, ["index", "--index", str(tmp_path / "mine")])
    assert result.exit_code == 2 and not (tmp_path / "mine").exists()
    assert "no files or folders given; say what to index, e.g. `jiansuo index ~/articles --index" in result.output


def test_glossary_says_when_there_is_no_entry(ix):
    result = CliRunner().invoke(main, ["glossary", "不存在的詞", "--index", ix])
    assert result.exit_code == 0 and "no glossary entry for 不存在的詞; the glossary holds" in result.output


def test_export_of_an_article_without_references_says_so(tmp_path):
    article = tmp_path / "plain.txt"
    article.write_text("無註文章\n\n壹、前言\n\n沒有任何註釋的段落。\n", "utf-8")
    run("index", article, "--index", tmp_path / "ix")
    out = tmp_path / "refs.bib"
    result = CliRunner().invoke(main, ["export", "bibtex", "--article", "plain", "--index", str(tmp_path / "ix"),
                                       "-o", str(out)])
    assert result.exit_code == 1 and "nothing to export: article plain cites no sources" in result.output
    assert not out.exists()


def test_a_query_may_start_with_a_minus(ix):
    result = CliRunner().invoke(main, ["search", "-蒲亭", "俄羅斯", "--index", ix, "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)["hits"]
    assert hits and not any("蒲亭" in h["text"] for h in hits)


def test_pages_past_the_end_and_page_sizes_are_explained(ix):
    past = CliRunner().invoke(main, ["search", "俄羅斯", "--page", "99", "--index", ix])
    assert past.exit_code == 0 and "note: page 99 is past the last page (5) of 41 passages" in past.output
    zero = CliRunner().invoke(main, ["search", "俄羅斯", "-n", "0", "--index", ix])
    assert zero.exit_code == 2 and "0 is not in the range x>=1" in zero.output
    big = CliRunner().invoke(main, ["search", "俄羅斯", "-n", "500", "--index", ix])
    assert "note: showing 100 hits per page, the most one page holds (max_page_size)" in big.output


def test_sort_from_the_command_line(ix):
    d = json.loads(run("search", "俄羅斯", "--sort", "oldest", "-n", "100", "--index", ix, "--json").output)
    assert d["sort"] == "oldest" and d["hits"][0]["article"] == A000 and d["hits"][-1]["article"] == A003
