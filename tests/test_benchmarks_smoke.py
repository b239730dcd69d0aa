"""Keep the benchmark scripts working: a 5-document run on the seeds, no network."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.engines import SqliteTrigram, blocks, trigram_like_bug
from benchmarks.opinions import find_notes, to_article
from benchmarks.queries import Query, Truth, normalize
from benchmarks.report import render, summary_lines, write_plot
from benchmarks.run import run

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Real opinion text (CC0, Constitutional Court of Taiwan), as the PDF extraction gives it.
OPINION_710 = (
    "綜合判斷而為認定（本院釋字第六三九號、第六九０號解釋參照）1。要之，凡法律上有此規定，"
    "即足以合理保障人民憲法上之權利。1例如，釋字第三八四號解釋，所指在刑事實體法上，"
    "須遵守罪刑法定主義。（二）組成適當之審查會審查受強制出境者"
)
OPINION_800 = "交易金額1至3倍所定之罰鍰規定顯然過苛，於第5年期限內，約4成。"


@pytest.mark.parametrize("text, expected", [
    (OPINION_710, [(1, "參照）1", "1例如，釋字第三八四號解釋，所指在刑事實體法上，須遵守罪刑法定主義。")]),
    (OPINION_800, []),  # counts and ranges are not notes
    ("甲說1。1見某書。乙說2。", [(1, "甲說1", "1見某書。")]),  # note 2 has no text: left alone
])
def test_find_notes_pairs_markers_with_texts(text, expected):
    got = [(n.n, text[max(0, n.marker - 3) : n.marker + 1], text[n.start : n.end]) for n in find_notes(text)]
    assert got == expected


def test_to_article_moves_the_note_after_its_paragraph_and_keeps_every_character():
    out = to_article("蔡大法官清遊提出之部分協同意見書", OPINION_710)
    blocks_ = out.split("\n\n")
    assert blocks_[0] == "蔡大法官清遊提出之部分協同意見書"
    assert blocks_[1].endswith("解釋參照）¹。要之，凡法律上有此規定，即足以合理保障人民憲法上之權利。")
    assert blocks_[2] == "¹ 例如，釋字第三八四號解釋，所指在刑事實體法上，須遵守罪刑法定主義。"
    assert blocks_[3] == "（二）組成適當之審查會審查受強制出境者\n"
    def plain(s: str) -> list[str]:
        return sorted(ch for ch in s if ch not in "¹ \n")

    assert plain(OPINION_710.replace("1", "")) == plain("".join(blocks_[1:]))


def test_truth_is_script_blind_and_passage_level():
    truth = Truth([(("a", "p1"), "美俄關係"), (("a", "p2"), "关系"), (("b", "t"), "臺灣")])
    assert truth.find("關係") == truth.find("关系") == {("a", "p1"), ("a", "p2")}
    assert truth.find("台湾") == {("b", "t")}
    assert truth.find("俄关系") == {("a", "p1")}
    assert truth.find("係臺") == set()  # never across two passages
    assert normalize("憲法") == "宪法"


def test_sqlite_fallback_finds_one_and_two_characters(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("美俄關係\n\n俄羅斯\n", encoding="utf-8")
    engine = SqliteTrigram()
    engine.build([f], tmp_path / "ix")
    with engine.open(tmp_path / "ix"):
        assert engine.phrase("俄") == {("x", "b0"), ("x", "b1")}
        assert engine.phrase("關係") == {("x", "b0")}
        assert engine.phrase("俄羅斯") == {("x", "b1")}
        assert engine.phrase("俄罗斯") == set()  # no script folding in the stock trigram table
    assert isinstance(trigram_like_bug(), bool)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    """Two seeds plus three files made from them: Simplified, run-on opinion style, a half."""
    folder = tmp_path_factory.mktemp("corpus")
    seeds = sorted(SEEDS.glob("*.txt"))
    files = []
    for seed in seeds:
        dst = folder / seed.name
        dst.write_bytes(seed.read_bytes())
        files.append(dst)
    text = seeds[0].read_text(encoding="utf-8")
    simp = folder / "gen-simplified.txt"
    simp.write_text(normalize(text), encoding="utf-8")
    parts = blocks(seeds[1])
    runon = folder / "gen-runon.txt"
    runon.write_text(to_article(parts[1], "".join(parts[2:20])), encoding="utf-8")
    half = folder / "gen-half.txt"
    half.write_text("\n\n".join(blocks(seeds[0])[:40]) + "\n", encoding="utf-8")
    return files + [simp, runon, half]


@pytest.fixture(scope="module")
def result(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    queries = (Query("word-trad", "俄羅斯"), Query("word-simp", "俄罗斯"), Query("char", "俄"),
               Query("english", "Russia"), Query("field", "美俄", "title"))
    res = run("smoke", ["jiansuo", "sqlite-fts5-trigram"], n_phrases=12, repeats=1, cold_repeats=1,
              cache=tmp_path_factory.mktemp("cache"), results_dir=out, files=corpus, queries=queries)
    assert (out / "smoke.json").exists()
    return res


def test_run_measures_both_engines(result):
    assert result["corpus"]["documents"] == 5
    assert set(result["engines"]) == {"jiansuo", "sqlite-fts5-trigram"}
    for e in result["engines"].values():
        assert "error" not in e, e.get("traceback")
        assert e["build"]["peak_rss_mib"] > 0 and e["index_ratio"] > 0
        assert e["latency"]["queries"] == 5 and e["latency"]["p95_ms"] >= e["latency"]["p50_ms"]
        for script in ("traditional", "simplified"):
            ph = e["phrases"][script]
            assert ph["phrases"] == 12
            assert 0.0 <= ph["recall"] <= 1.0 and 0.0 <= ph["precision"] <= 1.0
            assert ph["relevant"] > 0


def test_sqlite_is_exact_but_blind_to_simplified(result):
    ph = result["engines"]["sqlite-fts5-trigram"]["phrases"]
    assert ph["traditional"]["precision"] == 1.0
    assert ph["simplified"]["precision"] == 1.0
    assert ph["simplified"]["recall"] < ph["traditional"]["recall"]


def test_report_renders(result):
    md = render([result], plot=None)
    assert "## Size `smoke`: 5 documents" in md
    assert "| jiansuo | passage |" in md and "| sqlite-fts5-trigram | passage |" in md
    assert "Ratios, peer / jiansuo" in md
    assert "![" not in md
    lines = summary_lines(result)
    assert lines[0].startswith("size smoke: 5 documents")


def test_plot_is_written(result, tmp_path):
    pytest.importorskip("matplotlib")
    path = write_plot([result], tmp_path / "plot.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_tantivy_phrase_crosses_punctuation(tmp_path):
    pytest.importorskip("tantivy")
    from benchmarks.engines import TantivyHan

    f = tmp_path / "t.txt"
    f.write_text("標題\n\n美國，俄羅斯\n", encoding="utf-8")
    engine = TantivyHan()
    engine.build([f], tmp_path / "ix")
    with engine.open(tmp_path / "ix"):
        assert engine.phrase("俄羅斯") == {("t", "b1")}
        assert engine.phrase("國俄") == {("t", "b1")}  # a false hit: punctuation is not a token


def test_pdf_benchmark_runs_on_four_articles():
    from benchmarks import pdf

    result = pdf.run(4, 1)
    assert result["articles"] == 4 and result["pages"] >= 4
    assert {k: (v["found"], v["total"]) for k, v in result["recovery"].items()} == {
        k: (v["total"], v["total"]) for k, v in result["recovery"].items()}
    assert [c["case"].split("-", 1)[1] for c in result["cases"]] == [
        "typst-1col", "reportlab-1col", "typst-2col", "reportlab-2col"]


def test_pdf_systems_benchmark_measures_leaks_and_page_labels():
    """The XeLaTeX/LibreOffice benchmark's own measures, on a committed fixture (no TeX needed)."""
    import dataclasses

    from benchmarks import pdf_systems
    from tests.fixtures.pdf.manuscripts import truth
    from tests.test_pdf_systems import fixture, parsed

    assert set(pdf_systems.styles()) == {"xelatex", "libreoffice"}
    ms, style = fixture("xelatex-loose-12pt")
    got, want = parsed("xelatex-loose-12pt"), truth(ms)
    assert pdf_systems.leaks(got, want, style) == 0 and pdf_systems.wrong_labels(got, style) == 0
    assert pdf_systems.wrong_labels(got, dataclasses.replace(style, first_page=8)) == len(got.paragraphs)
    leaked = dataclasses.replace(got, paragraphs=got.paragraphs[:1])
    leaked.paragraphs[0] = dataclasses.replace(got.paragraphs[0], text=got.paragraphs[0].text + style.journal)
    assert pdf_systems.leaks(leaked, want, style) == 1


def test_relevance_benchmark_on_a_tiny_drcd_file(tmp_path):
    """Our own three articles in the DRCD format: every style finds its paragraph, peers run too."""
    import json

    from benchmarks import relevance

    data = {"version": "test", "data": [
        {"title": "美俄關係", "paragraphs": [
            {"context": "2021年6月16日，美國總統拜登與俄羅斯總統普京在瑞士日內瓦舉行高峰會談，討論核武管制。",
             "qas": [{"id": "1", "question": "拜登與普京在哪一座城市舉行高峰會談？"}]},
            {"context": "北大西洋公約組織東擴使俄羅斯感到威脅，莫斯科因此加強與中國的戰略合作。",
             "qas": [{"id": "2", "question": "北大西洋公約組織東擴讓哪一個國家感到威脅？"}]}]},
        {"title": "臺灣河川", "paragraphs": [
            {"context": "淡水河是臺灣北部的主要河流，清代曾有帆船航運，貨物從艋舺運往各地。",
             "qas": [{"id": "3", "question": "臺灣哪一條河流在清代曾經有航運？"}]},
            {"context": "濁水溪是臺灣最長的河流，發源於合歡山，流經彰化與雲林兩縣之間。",
             "qas": [{"id": "4", "question": "臺灣最長的河流發源於哪座山？"}]}]},
    ]}
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    result = relevance.run(path, results=tmp_path / "out.json")
    ours = result["engines"]["jiansuo"]
    assert set(ours) == set(relevance.STYLES) and result["questions"] == 4
    for style, m in ours.items():
        assert m["recall@10"] == 1.0 and m["no_hit"] == 0.0, (style, m)
    assert ours["pasted"]["mrr@10"] == 1.0
    assert json.loads((tmp_path / "out.json").read_text("utf-8"))["paragraphs"] == 4
    lines = relevance.section(result)
    assert lines[0] == "## Relevance" and any(line.startswith("| pasted | jiansuo |") for line in lines)


def test_typed_terms_are_the_rarest_content_words_in_question_order():
    from benchmarks.relevance import TermPicker

    picker = TermPicker(["梵語是古印度的語言。", "印度的首都是新德里。", "語言學研究語言。"])
    assert picker.pick("誰研究了古印度的梵語？") == "研究 古印度 梵語"
