"""Articles from any journal: the paginated fixtures of tests/fixtures/journals, recovered exactly and wholly.

Each fixture is a hand-written article laid out the way PDF extractions of
journals come out (both seed page styles and their variants: superscripts,
``<sup>``, bare digits in Big5, ①, [1], 〔1〕, (1); notes per page or at the
end; hard-wrapped lines; theses, law reviews, Simplified-Chinese journals).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from benchmarks.parsing import MEASURES, fixture_paths, recovery
from indexer.ingest import read
from indexer.parse import parse, parse_text
from indexer.parse.dates import parse_dates
from indexer.parse.endmatter import LABELS
from tests.fixtures.journals import paginate

FIXTURES = fixture_paths()
IDS = [p.name for p in FIXTURES]


@lru_cache(maxsize=None)
def parsed(path: Path):
    return parse(read(path))


def truth_of(path: Path) -> dict:
    return json.loads(path.with_name(path.stem + ".truth.json").read_text("utf-8"))


def test_every_source_is_rendered_in_several_styles_and_the_files_are_current(tmp_path, monkeypatch):
    names = {p.name.split(".")[0] for p in FIXTURES}
    assert len(names) >= 5 and len(FIXTURES) >= 25
    monkeypatch.setattr(paginate, "RENDERED", tmp_path)
    for written in paginate.write_all():
        assert written.read_bytes() == (paginate.HERE / "rendered" / written.name).read_bytes(), written.name


@pytest.mark.parametrize("path", FIXTURES, ids=IDS)
def test_fixture_is_recovered_exactly(path):
    article, truth = parsed(path), truth_of(path)
    found = recovery(article, truth)
    assert {m: found[m] for m in MEASURES} == {m: (found[m][1], found[m][1]) for m in MEASURES}
    assert [(s.title, s.level) for s in article.sections if s.title not in ("註釋", "注释", "參考文獻", "参考文献")] \
        == [tuple(h) for h in truth["sections"]]
    assert [p.text for p in article.paragraphs] == [p["text"] for p in truth["paragraphs"]]


@pytest.mark.parametrize("path", FIXTURES, ids=IDS)
def test_fixture_title_page_and_dates(path):
    article, truth = parsed(path), truth_of(path)
    assert (article.title.zh, article.title.en) == (truth["title"]["zh"], truth["title"]["en"])
    assert (article.abstract.zh, article.abstract.en) == (truth["abstract"]["zh"], truth["abstract"]["en"])
    assert (article.keywords.zh, article.keywords.en) == (truth["keywords"]["zh"], truth["keywords"]["en"])
    dates = {k: v for k, v in article.to_dict()["dates"].items() if v}
    assert dates == truth["dates"]
    assert article.warnings == []


@pytest.mark.parametrize("path", FIXTURES, ids=IDS)
def test_notes_are_linked_to_the_paragraph_citing_them(path):
    article = parsed(path)
    for fn in article.footnotes:
        assert len(fn.cited_in) == 1, fn.n
        assert not [p for p in fn.problems if not p.startswith("unresolved reference")], (fn.n, fn.problems)


# ---------------------------------------------------------------- nothing lost, nothing doubled

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z]")
_LABELS = re.compile(
    r"^[\s#*>]*(?:摘\s*要|關\s*鍵\s*詞|关\s*键\s*词|Abstract|Keywords|目\s*次|責任編輯)\s*[:：]?"
    r"|(?:" + "|".join(map(re.escape, LABELS)) + r")\s*[:：]"
)


def _letters(text: str) -> str:
    return "".join(_HAN.findall(text))


def _everything(article) -> str:
    """Every piece of text the parser kept, in one string of Han characters and letters."""
    parts = [article.title.zh, article.title.en, article.abstract.zh, article.abstract.en,
             article.column, article.editor, "".join(article.keywords.zh), "".join(article.keywords.en),
             "".join(article.metadata.values())]
    labelled = "".join(article.metadata.values())
    for a in article.authors:  # a thesis's author comes from its 研究生 line, already counted
        parts += [a.name.zh if a.name.zh and a.name.zh not in labelled else None,
                  a.name.en, a.affiliation.zh, a.affiliation.en]
    parts += [s.title for s in article.sections] + [p.text for p in article.paragraphs]
    parts += [f.text for f in article.footnotes] + [r.text for r in article.references]
    return "\u0000".join(_letters(p) for p in parts if p)


@pytest.mark.parametrize("path", FIXTURES, ids=IDS)
def test_paragraphs_headings_notes_front_and_references_account_for_all_the_text(path):
    article = parsed(path)
    kept = _everything(article)
    text = read(path).text
    heads = {fx.build_style().head for fx in paginate.fixtures() if path.name.startswith(fx.name + ".")}
    dropped = []
    for line in text.split("\n"):
        if parse_dates(line.strip()) or line.strip() in heads:
            continue  # kept as ISO dates; the journal's running head is page furniture
        letters = _letters(_LABELS.sub("", re.sub(r"</?sup>", "", line.strip())))
        if letters and letters not in kept:
            dropped.append(line)
    assert dropped == []
    extra = Counter(_letters(kept)) - Counter(_letters(text))
    assert not extra  # nothing was counted twice


# ---------------------------------------------------------------- seeds in other encodings


@pytest.mark.parametrize("seed", ["000_850aca5cf1cb6a75", "003_4c4ea4f00cf2b8a1"])
def test_a_big5_copy_of_a_seed_parses_like_the_seed(tmp_path, seed):
    """Big5 cannot hold ¹²³: its markers are bare digits, its notes lines starting with a number."""
    original = (Path(__file__).parent.parent / "seeds" / f"{seed}.txt").read_text("utf-8")
    source = "".join(c for c in original if c in "⁰¹²³⁴⁵⁶⁷⁸⁹" or c.encode("cp950", "ignore"))
    copy = source.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))
    path = tmp_path / f"{seed}.txt"
    path.write_bytes(copy.encode("cp950"))
    doc = read(path)
    assert doc.encoding == "cp950"
    a, b = parse_text(source, seed), parse(doc)
    assert [(p.text, [(r.n, r.at) for r in p.notes]) for p in b.paragraphs] == \
        [(p.text, [(r.n, r.at) for r in p.notes]) for p in a.paragraphs]
    assert [(f.n, f.text, f.cited_in) for f in b.footnotes] == [(f.n, f.text, f.cited_in) for f in a.footnotes]
    assert [(s.title, s.level) for s in b.sections] == [(s.title, s.level) for s in a.sections]


# ---------------------------------------------------------------- indexed, searched, read


@pytest.fixture(scope="module")
def journal_index(tmp_path_factory):
    """An index of two fixtures: end notes with a reference list, and per-page notes in GB18030."""
    from indexer.index.build import build_index

    folder = tmp_path_factory.mktemp("journals")
    for name in ("simplified_community.endnotes.txt", "history_poetry.plain.txt"):
        (folder / name).write_bytes((FIXTURES[0].parent / name).read_bytes())
    index_dir = tmp_path_factory.mktemp("journal-index")
    report = build_index([folder], index_dir)
    assert report.ok and len(report.added) == 2, report
    return index_dir


def test_reference_entries_are_passages_found_by_search_and_shown_by_the_reader(journal_index):
    from indexer.backends import open_backend
    from web import create_app

    with open_backend(journal_index) as b:
        hits = b.search("Putnam", limit=10).hits
        assert [(h.article, h.passage, h.kind) for h in hits] == [
            ("simplified_community.endnotes", "r3", "reference")]
        assert b.search("year:2019 社区").total > 0 and b.search("year:2020 題畫詩").total > 0
    client = create_app({"INDEX_DIR": str(journal_index), "WARM_UP": False}).test_client()
    page = client.get("/articles/simplified_community.endnotes?q=Putnam").get_data(as_text=True)
    assert 'id="r3"' in page and 'href="#references"' in page and "<mark>Putnam</mark>" in page
    facets = client.get("/search?q=Putnam&kind=reference").get_data(as_text=True)
    assert 'data-hit="simplified_community.endnotes#r3"' in facets


# ---------------------------------------------------------------- seed 000 laid out as other journals do

SUPER = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SEED_000 = Path(__file__).parent.parent / "seeds" / "000_850aca5cf1cb6a75.txt"


def _blocks_of_notes(text: str):
    """Yield (body blocks, note blocks) page by page for a text laid out as seed 000."""
    body, notes = [], []
    for block in text.split("\n\n"):
        is_note = bool(block.strip()) and block.strip()[0] in SUPER
        if body and notes and not is_note:
            yield body, notes
            body, notes = [], []
        (notes if is_note else body).append(block)
    yield body, notes


def _same(a, b) -> None:
    assert [(p.text, [(r.n, r.at) for r in p.notes]) for p in b.paragraphs] == \
        [(p.text, [(r.n, r.at) for r in p.notes]) for p in a.paragraphs]
    assert [(f.n, f.text, f.cited_in) for f in b.footnotes] == [(f.n, f.text, f.cited_in) for f in a.footnotes]
    assert [(s.title, s.level) for s in b.sections] == [(s.title, s.level) for s in a.sections]


def test_seed_with_journal_heads_and_page_numbers_on_every_page_parses_like_the_seed():
    seed = SEED_000.read_text("utf-8")
    pages = []
    for k, (body, notes) in enumerate(_blocks_of_notes(seed), 31):
        head = "問題與研究　第 46 卷　第 4 期" if k % 2 == 0 or k == 31 else "俄羅斯強勢外交與美俄關係的未來發展"
        pages.append("\n\n".join([str(k), head, *body, *notes]))
    a, b = parse_text(seed, "s"), parse_text("\n\n".join(pages), "s")
    _same(a, b)
    assert (b.title.zh, b.title.en, b.metadata) == (a.title.zh, a.title.en, {"刊期": "問題與研究　第 46 卷　第 4 期"})


def test_seed_with_notes_numbered_again_on_each_page_links_every_marker_to_the_same_note():
    seed = SEED_000.read_text("utf-8")
    to_digit = str.maketrans(SUPER, "0123456789")
    pages = []
    for body, notes in _blocks_of_notes(seed):
        printed = {int(re.match(rf"\s*([{SUPER}]+)", n).group(1).translate(to_digit)): i
                   for i, n in enumerate(notes, 1)}

        def local(m):
            n = int(m.group().translate(to_digit))
            return str(printed.get(n, n)).translate(str.maketrans("0123456789", SUPER))

        pages += [re.sub(f"[{SUPER}]+", local, b) for b in body]
        pages += [re.sub(f"^\\s*[{SUPER}]+", local, n) for n in notes]
    renumbered = "\n\n".join(pages)
    assert renumbered.count("¹ ") > 5  # every page's notes start at 1
    a, b = parse_text(seed, "s"), parse_text(renumbered, "s")
    _same(a, b)
    assert {f.label for f in b.footnotes} >= {"1", "2"}
