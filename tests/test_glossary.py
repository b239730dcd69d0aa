"""Glossary: mining inline glosses from the seeds, linking variants, expansion, storage."""

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.errors import IndexStateError, ReadError
from indexer.crosslang.glossary import Glossary, build_glossary, mine_article, mine_pairs
from indexer.crosslang.variants import default_variants, load_cedict, parse_variants, suggest, term_key

SEEDS = Path(__file__).parent.parent / "seeds"
SEED_000 = SEEDS / "000_850aca5cf1cb6a75.txt"
SEED_003 = SEEDS / "003_4c4ea4f00cf2b8a1.txt"


def mine_file(path: Path, article: str):
    """Mine a raw seed line by line (passage = line number)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [p for n, line in enumerate(lines, 1) for p in mine_pairs(line, article, f"L{n}")]


@pytest.fixture(scope="module")
def pairs_000():
    return mine_file(SEED_000, "000")


@pytest.fixture(scope="module")
def pairs_003():
    return mine_file(SEED_003, "003")


@pytest.fixture(scope="module")
def glossary(pairs_000, pairs_003):
    return build_glossary(pairs_000 + pairs_003)


# --- mining ---------------------------------------------------------------

MINED_003 = [
    ("拜登", ["Joe Biden"]),
    ("普京", ["Vladimir Putin", "Владимир Путин"]),
    ("2018 美國國防戰略摘要", ["Summary of the National Defense Strategy of the U.S.A."]),
    ("修正主義", ["revisionism"]),
    ("印太戰略", ["Indo-Pacific strategy"]),
    ("跨太平洋夥伴關係", ["Trans-Pacific Partnership", "TPP"]),
    ("標槍飛彈", ["FGM-148 Javelin"]),
    ("施托爾滕貝格", ["Jens Stoltenberg"]),
    ("布利德洛夫", ["Philip Breedlove"]),
    ("盧布林三角", ["Lublin Triangle"]),
    ("增強防衛合作協議", ["Enhanced Defense Cooperation Agreement"]),
    ("國家安全戰略暫行指南", ["Interim National Security Strategic Guidance"]),
    ("復甦的惡性行為者", ["revitalized malign actor"]),
    ("新削減戰略武器條約", ["New Strategic Arms Reduction Treaty"]),
    ("瑞布可夫", ["Sergei Ryabkov", "Сергей Рябков"]),
    ("彭博社", ["Bloomberg"]),
    ("切斯納科夫", ["Alexei Chesnakov", "Алексей Чеснаков"]),
    ("安托諾夫", ["Anatoly Antonov", "Анатолий Антонов"]),
    ("沙利文", ["Jake Sullivan"]),
]

MINED_000 = [
    ("蒲亭", ["Vladimir Putin"]),  # abstract, full-width parentheses
    ("後冷戰時期後", ["post-post Cold War"]),
    ("蒲亭", ["Vladimir Putin"]),  # introduction, half-width parentheses
    ("後冷戰時期後", ["post-post Cold War"]),
    ("美俄新關係聯合聲明", ["Joint Statement on New U.S.-Russian Relationship"]),
    ("國家導彈防禦體系", ["NMD"]),  # reversed: NMD（國家導彈防禦體系）
    ("反彈道導彈條約", ["ABM"]),  # reversed, with 《》 inside: ABM（《反彈道導彈條約》）
    ("俄羅斯聯邦外交政策調查", ["A Survey of Russian Federation Foreign Policy"]),
    ("2007 至 2012 財政年度國務院暨國際援助總署戰略計劃", ["USAID-State Strategic Plan 2007-2012"]),
    ("卡內基國際和平基金會", ["Carnegie Endowment for International Peace"]),
]


def test_exact_pairs_mined_from_003(pairs_003):
    assert [(p.zh, p.glosses) for p in pairs_003] == MINED_003


def test_exact_pairs_mined_from_000(pairs_000):
    assert [(p.zh, p.glosses) for p in pairs_000] == MINED_000


def test_offsets_point_at_the_term(pairs_000, pairs_003):
    for path, pairs in ((SEED_000, pairs_000), (SEED_003, pairs_003)):
        lines = path.read_text(encoding="utf-8").splitlines()
        for p in pairs:
            line = lines[int(p.passage[1:]) - 1]
            assert line[p.offset: p.offset + len(p.zh)] == p.zh


def test_people_are_marked_by_title_honorific_or_russian_name(pairs_003):
    people = {p.zh for p in pairs_003 if p.person}
    assert people == {"拜登", "普京", "施托爾滕貝格", "布利德洛夫", "瑞布可夫", "切斯納科夫", "安托諾夫", "沙利文"}


def test_javelin_attaches_to_the_missile_not_the_count(pairs_003):
    line = next(t for t in SEED_003.read_text(encoding="utf-8").splitlines() if "Javelin" in t)
    assert "210 枚標槍飛彈(FGM-148 Javelin)" in line
    (pair,) = [p for p in pairs_003 if "FGM-148 Javelin" in p.glosses]
    assert pair.zh == "標槍飛彈"
    assert line[pair.offset - 5: pair.offset] == "210 枚"
    assert "枚" not in pair.zh and "210" not in pair.zh


# Verbatim from the seeds: dates, volume parts, remarks, citations are not glosses.
NOT_GLOSSES = [
    (None, "「一邊倒」政策階段(1992年1月至1994年12月)"),  # the seed breaks this line after 1992
    (SEED_000, "柯林頓政府柔性對俄政策階段(1993年1月至1999年3月)"),
    (SEED_000, "蘇聯解體後的俄美關係（上）》（北京：世界知識出版社，2006年），頁94。"),
    (SEED_000, "其中美國承擔了 240 億美元（大部分是延緩債務）"),
    (SEED_000, "布希和蒲亭在斯洛伐尼亞（6月）與義大利熱那亞（7月）"),
    (SEED_000, "俄羅斯的全方位外交仍然以西方（美國）"),
    (SEED_000, "總參謀長（參謀長委員會主席）"),
    (SEED_000, "policy of the U.S. and European Union (EU)"),
    (SEED_000, "（投稿日期：96 年 8 月 15 日；採用日期：96 年 11 月 21 日）"),
    (SEED_003, "(revitalized malign actor) (根據 2019 年印太戰略報告)"),
    (SEED_003, "四、俄美關係之未來走向（代結論）"),
    (None, "見該書（頁 12-15）"),
    (None, "研究指出(p. 12)"),
    (None, "研究指出(Smith, 2004)"),
    (None, "會談於日內瓦舉行(June 16, 2021)"),
]


@pytest.mark.parametrize("seed,text", NOT_GLOSSES)
def test_nothing_mined_from_dates_pages_citations_remarks(seed, text):
    if seed is not None:
        assert text in seed.read_text(encoding="utf-8")
    assert mine_pairs(text) == []


@pytest.mark.parametrize(
    "text,zh,glosses",
    [
        ("美國「卡內基國際和平基金會」（the Carnegie Endowment for International Peace）邀請",
         "卡內基國際和平基金會", ["Carnegie Endowment for International Peace"]),
        ("退出原本建立的多邊體制—跨太平洋夥伴關係 (Trans-Pacific Partnership, TPP)",
         "跨太平洋夥伴關係", ["Trans-Pacific Partnership", "TPP"]),
        ("俄罗斯总统普京（Vladimir Putin）表示", "普京", ["Vladimir Putin"]),  # Simplified text
        ("美國國務院(U.S. Department of State)指出", "美國國務院", ["U.S. Department of State"]),
        ("在GDP（國內生產毛額）方面", "國內生產毛額", ["GDP"]),
        ("4月8日，據彭博社 (Bloomberg) 報導", "彭博社", ["Bloomberg"]),
    ],
)
def test_term_start_is_found(text, zh, glosses):
    assert [(p.zh, p.glosses) for p in mine_pairs(text)] == [(zh, glosses)]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="普京蒲亭總統的與在（）()「」《》，、 ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg-.,1920年月Путин", max_size=60))
def test_every_mined_pair_is_well_formed(text):
    for p in mine_pairs(text, "a", "p"):
        assert text[p.offset: p.offset + len(p.zh)] == p.zh
        assert p.glosses and all(g.strip() for g in p.glosses)
        assert sum("\u3400" <= c <= "\u9fff" for c in p.zh) >= 2


# --- linking and expansion --------------------------------------------------


def test_putin_is_linked_across_the_two_articles_by_mining_alone(pairs_000, pairs_003):
    g = build_glossary(pairs_000 + pairs_003, variants=[])
    (entry,) = g.find("蒲亭")
    assert entry.terms_zh == ["蒲亭", "普京"]
    assert entry.glosses == ["Vladimir Putin", "Владимир Путин"]
    assert {o.article for o in entry.occurrences} == {"000", "003"}
    assert entry.sources == ["mined"]
    why = {x.term: x.why for x in g.explain("蒲亭")}
    assert why["普京"] == "蒲亭 → Vladimir Putin [mined 000/L11, 000/L29] → 普京 [mined 003/L16]"
    assert "普丁" not in g.expand("蒲亭")  # only the variant table knows today's Taiwanese form


@pytest.mark.parametrize(
    "query,must,must_not",
    [
        ("Putin", ["蒲亭", "普京", "普丁", "Vladimir Putin"], ["Putin"]),
        ("putin", ["蒲亭", "普京", "普丁"], []),
        ("VLADIMIR PUTIN", ["蒲亭", "普京", "普丁", "Putin"], ["Vladimir Putin"]),
        ("蒲亭", ["普京", "普丁", "Vladimir Putin", "Владимир Путин"], ["蒲亭"]),
        ("普丁", ["蒲亭", "普京", "Vladimir Putin"], ["普丁"]),
        ("Владимир Путин", ["蒲亭", "普京"], []),
        ("Lublin Triangle", ["盧布林三角"], []),
        ("盧布林三角", ["Lublin Triangle"], []),
        ("卢布林三角", ["Lublin Triangle"], ["盧布林三角"]),  # script variant of the query is left out
        ("TPP", ["跨太平洋夥伴關係", "Trans-Pacific Partnership"], []),
        ("trans-pacific partnership", ["跨太平洋夥伴關係", "TPP"], []),
        ("跨太平洋伙伴关系", ["TPP", "Trans-Pacific Partnership"], ["跨太平洋夥伴關係"]),
        ("Breedlove", ["布利德洛夫", "Philip Breedlove"], []),
        ("Stoltenberg", ["施托爾滕貝格"], []),
        ("NMD", ["國家導彈防禦體系", "国家导弹防御系统"], []),
    ],
)
def test_expand(glossary, query, must, must_not):
    got = glossary.expand(query)
    assert all(m in got for m in must), got
    assert not any(m in got for m in must_not), got
    assert len({term_key(t) for t in got}) == len(got)  # one form per script-normalized term


@pytest.mark.parametrize("query", ["Triangle", "Lublin", "Joe", "Partnership", "strategy", "unknownterm", "不存在的詞", "", "  "])
def test_no_expansion(glossary, query):
    assert glossary.expand(query) == []


@pytest.mark.parametrize(
    "query,expected",
    [
        ("飛彈", ["导弹", "missile"]),
        ("导弹", ["飛彈", "missile"]),
        ("導彈", ["飛彈", "missile"]),  # Traditional form of the Mainland word
        ("missile", ["飛彈", "导弹"]),
        ("雷射", ["激光", "laser"]),
        ("紐西蘭", ["新西兰", "New Zealand"]),
        ("川普", ["特朗普", "Donald Trump", "Trump"]),
        ("叶利钦", ["葉爾辛", "Boris Yeltsin", "Yeltsin"]),
        ("克林顿", ["柯林頓", "Clinton"]),
        ("布什", ["布希", "Bush"]),
    ],
)
def test_variant_rows_expand(glossary, query, expected):
    assert glossary.expand(query) == expected


def test_variant_expansion_reaches_the_forms_the_2007_article_uses(glossary):
    text = SEED_000.read_text(encoding="utf-8")
    for mainland, taiwan in (("叶利钦", "葉爾辛"), ("克林顿", "柯林頓"), ("布什", "布希")):
        assert mainland not in text and taiwan in text
        assert taiwan in glossary.expand(mainland)
    assert [x.why for x in glossary.explain("叶利钦")][0].startswith("叶利钦 → 葉爾辛 [variants variants.tsv:")


def test_bundled_table_rows_are_solid():
    rows = default_variants()
    assert len(rows) >= 40
    for r in rows:
        assert len({term_key(c) for c in r.zh + r.en}) == len(r.zh + r.en) >= 2, r
    assert not any("信息" in c for r in rows for c in r.zh)  # ambiguous: message / information
    # No two rows share a cell, so no row silently merges with another.
    assert len(build_glossary([], rows).entries) == len(rows)


def test_user_variants_from_env_and_path(tmp_path, monkeypatch, pairs_003):
    user = tmp_path / "mine.tsv"
    user.write_text("# my rows\n標槍飛彈\t标枪导弹\tJavelin missile\n", encoding="utf-8")
    monkeypatch.setenv("JIANSUO_VARIANTS", str(user))
    g = build_glossary(pairs_003)
    assert g.expand("标枪导弹") == ["標槍飛彈", "FGM-148 Javelin", "Javelin missile"]
    (entry,) = g.find("标枪导弹")
    assert entry.sources == ["mined", "variants"]
    monkeypatch.delenv("JIANSUO_VARIANTS")
    assert build_glossary(pairs_003).expand("标枪导弹") == []
    assert build_glossary(pairs_003, default_variants(user)).expand("Javelin missile")[0] == "標槍飛彈"


@pytest.mark.parametrize(
    "content,message",
    [
        (b"\xb8\xea\xb0\x54", "bad.tsv: cannot read the variant table"),
        ("飛彈 导弹\n".encode(), "bad.tsv:1: a row needs a Chinese form"),
        ("missile\tguided missile\n".encode(), "bad.tsv:1: a row needs a Chinese form"),
    ],
)
def test_bad_variant_file_names_the_file(tmp_path, monkeypatch, content, message):
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(content)
    monkeypatch.setenv("JIANSUO_VARIANTS", str(bad))
    with pytest.raises(ReadError, match=message.replace(".", r"\.")):
        default_variants()


def test_parse_variants_keeps_line_numbers():
    rows = parse_variants("# x\n\n普丁\t普京\tVladimir Putin\n", "t.tsv")
    assert [(r.zh, r.en, r.where) for r in rows] == [(["普丁", "普京"], ["Vladimir Putin"], "t.tsv:3")]


# --- storage ---------------------------------------------------------------


def test_json_round_trip(glossary):
    again = Glossary.from_json(glossary.to_json())
    assert again.to_dict() == glossary.to_dict()
    for q in ("Putin", "TPP", "飛彈", "Lublin Triangle"):
        assert again.expand(q) == glossary.expand(q)
        assert [x.why for x in again.explain(q)] == [x.why for x in glossary.explain(q)]


@pytest.mark.parametrize("text", ["", "{", '{"entries": [{"id": 1}]}', "[]"])
def test_damaged_json_raises(text):
    with pytest.raises(IndexStateError, match="glossary.json: damaged glossary"):
        Glossary.from_json(text)


def test_csv_export(glossary):
    rows = list(csv.DictReader(io.StringIO(glossary.to_csv())))
    assert len(rows) == len(glossary.entries)
    putin = next(r for r in rows if "蒲亭" in r["terms_zh"])
    assert putin["terms_zh"] == "蒲亭 | 普京 | 普丁"
    assert putin["glosses"] == "Vladimir Putin | Владимир Путин | Putin"
    assert putin["sources"] == "mined variants"
    assert putin["occurrences"] == "000/L11; 000/L29; 003/L16"


# --- dictionary suggestions (opt-in) -----------------------------------------


def test_cedict_suggestions_are_opt_in():
    empty = build_glossary([], variants=[])
    assert empty.expand("missile") == []
    assert [s.term for s in suggest("missile")][:2] == ["飛彈", "導彈"]
    assert [s.term for s in suggest("飛彈")] == ["missile"]
    assert [s.term for s in suggest("Putin")] == ["普丁", "普京"]
    got = empty.expand("missile", dictionary=True)
    assert got[:2] == ["飛彈", "導彈"] and "反導導彈" not in got  # only whole-sense matches
    why = empty.explain("missile", dictionary=True)[1]
    assert (why.source, why.why) == ("cedict", "CC-CEDICT 導彈 [dao3 dan4] (guided) missile")
    assert load_cedict() is load_cedict() and 0 < load_cedict().load_seconds < 30


# --- parsed articles ------------------------------------------------------------


def test_mining_parsed_articles():
    parse = pytest.importorskip("indexer.parse")
    a000, a003 = parse.parse_file(SEED_000), parse.parse_file(SEED_003)
    pairs = mine_article(a000) + mine_article(a003)
    where = {(p.zh, p.passage) for p in pairs}
    assert {("蒲亭", "abstract-zh"), ("蒲亭", "p2"), ("標槍飛彈", "p4"), ("盧布林三角", "p6")} <= where
    assert [p.zh for p in mine_article(a003)] == [zh for zh, _ in MINED_003]
    texts = {(a.id, para.id): para.text for a in (a000, a003) for para in a.paragraphs}
    for p in pairs:
        if (p.article, p.passage) in texts:
            assert texts[p.article, p.passage][p.offset: p.offset + len(p.zh)] == p.zh
    g = build_glossary(pairs, variants=[])
    assert g.expand("Putin") == ["蒲亭", "普京", "Vladimir Putin", "Владимир Путин"]
    (entry,) = g.find("Putin")
    assert {o.article for o in entry.occurrences} == {a000.id, a003.id}
