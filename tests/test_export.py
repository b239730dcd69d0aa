"""BibTeX, RIS and CSL-JSON exports parse back with the exact field values."""

from __future__ import annotations

import json

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts

from indexer.sources.citations import Citation, parse_citation
from indexer.sources.export import bib_escape, citations_of, cite_keys, is_literal_name, to_bibtex, to_csl, to_csl_json, to_ris
from indexer.model import Article, Footnote
from indexer.sources.collect import collect_sources, resolve
from tests.test_citations import NOTES
from tests.test_sources import hand_built

ZHENG = parse_citation(NOTES[("000", 6)])[0]
INTERIM = parse_citation(NOTES[("003", 3)])[0]
JOINT = parse_citation(NOTES[("000", 3)])[0]
ZHENG_TITLE = "既非盟友，也非敵人——蘇聯解體後的俄美關係（上）"
INTERIM_URL = "https://www.whitehouse.gov/wp-content/uploads/2021/03/NSC-1v2.pdf"


def bib_entries(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    lib = bibtexparser.parse_string(text)
    assert lib.failed_blocks == []
    return {e.key: (e.entry_type, {f.key: f.value for f in e.fields}) for e in lib.entries}


def test_bibtex_round_trip_book_and_web_page():
    entries = bib_entries(to_bibtex([ZHENG, INTERIM, JOINT]))
    assert entries == {
        "zhengyu2006": (
            "book",
            {
                "author": "{鄭羽}",
                "title": ZHENG_TITLE,
                "address": "北京",
                "publisher": "世界知識出版社",
                "year": "2006",
                "pages": "94",
                "language": "zh",
            },
        ),
        "interimnationalsecuritynd": (
            "online",
            {
                "title": "Interim National Security Strategic Guidance",
                "organization": "White House",
                "url": INTERIM_URL,
                "urldate": "2021-06-15",
                "language": "en",
            },
        ),
        "whitehousend": (
            "online",
            {
                "author": "{The White House}",
                "title": "Joint Statement on New U.S.-Russian Relationship",
                "url": "http://www.whitehouse.gov/news/releases/2001/11/20011113-4.html",
                "language": "en",
            },
        ),
    }


def test_bibtex_names_stay_whole():
    two = parse_citation(NOTES[("000", 8)])[0]
    lib = bibtexparser.parse_string(to_bibtex([two, JOINT]), append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    names = [[(n.first, n.last) for n in e["author"]] for e in lib.entries]
    assert names == [[([], ["{楊洁勉}"]), ([], ["{趙念渝}"])], [([], ["{The White House}"])]]


def test_ris_round_trip_book_and_web_page():
    records = rispy.loads(to_ris([ZHENG, INTERIM]))
    assert records == [
        {
            "type_of_reference": "BOOK",
            "id": "zhengyu2006",
            "authors": ["鄭羽"],
            "title": ZHENG_TITLE,
            "year": "2006",
            "place_published": "北京",
            "publisher": "世界知識出版社",
            "start_page": "94",
            "language": "zh",
        },
        {
            "type_of_reference": "ELEC",
            "id": "interimnationalsecuritynd",
            "title": "Interim National Security Strategic Guidance",
            "secondary_title": "White House",
            "urls": [INTERIM_URL],
            "access_date": "2021/06/15/",
            "language": "en",
        },
    ]
    assert to_ris(ZHENG).encode("utf-8").decode("utf-8") == to_ris(ZHENG)


def test_csl_json_round_trip_book_and_web_page():
    items = json.loads(to_csl_json([ZHENG, INTERIM]))
    assert items == [
        {
            "id": "zhengyu2006",
            "type": "book",
            "title": ZHENG_TITLE,
            "author": [{"literal": "鄭羽"}],
            "publisher": "世界知識出版社",
            "publisher-place": "北京",
            "issued": {"date-parts": [[2006]]},
            "page": "94",
            "language": "zh",
        },
        {
            "id": "interimnationalsecuritynd",
            "type": "webpage",
            "title": "Interim National Security Strategic Guidance",
            "container-title": "White House",
            "URL": INTERIM_URL,
            "accessed": {"date-parts": [[2021, 6, 15]]},
            "language": "en",
        },
    ]


@pytest.mark.parametrize(
    "key, bib, ris, csl",
    [
        (("000", 2), "article", "JOUR", "article-journal"),
        (("000", 6), "book", "BOOK", "book"),
        (("000", 16), "online", "ELEC", "webpage"),
        (("000", 18), "article", "JOUR", "article-journal"),
        (("003", 1), "online", "ELEC", "webpage"),
    ],
)
def test_entry_types(key, bib, ris, csl):
    c = parse_citation(NOTES[key])[0]
    assert list(bib_entries(to_bibtex(c)).values())[0][0] == bib
    assert rispy.loads(to_ris(c))[0]["type_of_reference"] == ris
    assert to_csl(c)[0]["type"] == csl


def test_other_kinds():
    chapter = Citation(
        "chapter", ["張三"], "台灣的民主", container="民主論文集", editors=["李四"], year=2006, pages="1-27"
    )
    report = Citation("report", ["行政院"], "施政報告", publisher="行政院研考會", year=2010)
    other = Citation("other", title="無題")
    assert [e[0] for e in bib_entries(to_bibtex([chapter, report, other])).values()] == [
        "incollection",
        "techreport",
        "misc",
    ]
    entry = bib_entries(to_bibtex(chapter))["zhangsan2006"][1]
    assert (entry["booktitle"], entry["editor"], entry["pages"]) == ("民主論文集", "{李四}", "1--27")
    assert [r["type_of_reference"] for r in rispy.loads(to_ris([chapter, report, other]))] == ["CHAP", "RPRT", "GEN"]
    assert [i["type"] for i in to_csl([chapter, report, other])] == ["chapter", "report", "document"]
    assert to_csl(chapter)[0]["editor"] == [{"literal": "李四"}]


def test_journal_fields():
    c = parse_citation(NOTES[("000", 18)])[0]
    _, f = bib_entries(to_bibtex(c))["wudongye2006"]
    assert (f["journal"], f["volume"], f["number"], f["pages"], f["year"], f["date"]) == (
        "問題與研究",
        "45",
        "4",
        "1--27",
        "2006",
        "2006-07",
    )
    (r,) = rispy.loads(to_ris(c))
    assert (r["secondary_title"], r["volume"], r["number"], r["start_page"], r["end_page"], r["date"]) == (
        "問題與研究",
        "45",
        "4",
        "1",
        "27",
        "2006/07//",
    )
    item = to_csl(c)[0]
    assert (item["container-title"], item["volume"], item["issue"], item["page"], item["issued"]) == (
        "問題與研究",
        "45",
        "4",
        "1-27",
        {"date-parts": [[2006, 7]]},
    )


def test_person_names_are_split_and_organisations_are_not():
    kramer = parse_citation(NOTES[("000", 21)])[0]
    assert to_csl(kramer)[0]["author"] == [{"family": "Kramer", "given": "David"}]
    assert rispy.loads(to_ris(kramer))[0]["authors"] == ["Kramer, David"]
    assert to_csl(JOINT)[0]["author"] == [{"literal": "The White House"}]
    assert [is_literal_name(n) for n in ("鄭羽", "The White House", "U.S. Department of State", "David Kramer")] == [
        True,
        True,
        True,
        False,
    ]


def test_bibtex_special_characters_are_escaped():
    c = Citation("book", ["Smith & Sons"], "100% of #1_{x}~^\\", publisher="A&B", year=2001)
    _, f = bib_entries(to_bibtex(c))["smithsons2001"]
    assert f["title"] == r"100\% of \#1\_\{x\}\textasciitilde{}\textasciicircum{}\textbackslash{}"
    assert f["author"] == r"{Smith \& Sons}" and f["publisher"] == r"A\&B"
    assert bib_escape("鄭羽") == "鄭羽"


def test_keys_are_ascii_and_unique_across_an_export():
    cits = [c for cn in resolve(Article("000", footnotes=[*map(_note, range(1, 23))])) for c in cn.citations]
    keys = cite_keys(cits)
    assert len(cits) == 19 and len(set(keys)) == 19
    assert all(k.isascii() and k.isalnum() for k in keys)
    assert keys[:5] == ["stategovnd", "wangzhenhua2004", "whitehousend", "stategovndb", "zhengyu2006"]
    assert "zhengyu2006b" in keys and "yangjiemian2002" in keys and "kramer2006" in keys
    assert bib_entries(to_bibtex(cits)).keys() == set(keys)


def _note(n: int) -> Footnote:
    return Footnote(n, NOTES[("000", n)])


def test_article_exports_its_bibliography():
    art = hand_built()[0]
    cits = citations_of(art)
    assert len(cits) == 16 == len(collect_sources([art]))
    zheng = next(c for c in cits if c.authors == ["鄭羽"])
    assert zheng.pages is None  # pages 94 and 198-235 belong to notes, not to the book
    pages = {c.title: c.pages for c in cits}
    assert pages["美國問題研究第五輯"] is None and pages["後冷戰時期歐盟對中亞地區之戰略作為：強權政治的意涵"] == "1-27"
    assert len(rispy.loads(to_ris(art))) == 16 and len(json.loads(to_csl_json(art))) == 16
    assert len(bib_entries(to_bibtex(art))) == 16


def test_sources_and_cited_notes_export():
    sources = collect_sources(hand_built())
    assert len(to_csl(sources)) == 20
    notes = resolve(Article("000", footnotes=[_note(6), _note(7)]))
    assert [i["page"] for i in to_csl(notes)] == ["94", "198-235"]
    assert [i["id"] for i in to_csl(notes)] == ["zhengyu2006", "zhengyu2006b"]


def test_csl_required_fields_everywhere():
    for item in to_csl(collect_sources(hand_built())):
        assert item["id"].isascii() and item["type"] in {"book", "article-journal", "webpage", "chapter", "report"}
        assert "title" in item or "URL" in item
        for name in item.get("author", []):
            assert set(name) in ({"literal"}, {"family", "given"})


def test_unknown_object_is_refused():
    with pytest.raises(TypeError, match="cannot export str"):
        to_bibtex(["鄭羽"])


@pytest.mark.parametrize("author, key", [
    ("林大同", "lindatong2022"), ("單雄信", "shanxiongxin2022"), ("曾國藩", "zengguofan2022"),
    ("歐陽修", "ouyangxiu2022"), ("Ørsted, Hans Christian", "orsted2022"), ("Dvořák, Antonín", "dvorak2022"),
    ("Hans Christian Ørsted", "orsted2022"),
])
def test_keys_romanize_names_properly(author, key):
    assert cite_keys([Citation("book", [author], "書", year=2022)]) == [key]


def test_keys_stay_unique_and_stable():
    cits = [Citation("book", ["林大同"], f"書{i}", year=2022) for i in range(3)]
    assert cite_keys(cits) == ["lindatong2022", "lindatong2022b", "lindatong2022c"] == cite_keys(cits)
