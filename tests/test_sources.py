"""Back-references, sentences and the grouping of citations into sources."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from indexer.model import Article, Footnote, NoteRef, Paragraph
from indexer.parse import parse_file
from indexer.sources import (
    citing_sentence,
    collect_sources,
    domains,
    find_source,
    fold,
    normalize_url,
    resolve,
    resolve_notes,
    search_sources,
)
from tests.test_citations import NOTES, SEED_000, SEED_003, seed_notes

A000, A003 = SEED_000.stem, SEED_003.stem
_MARK = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+|<sup>(\d+)</sup>\s?")
_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def para(pid: str, marked: str) -> Paragraph:
    """Build a paragraph from seed text, turning note markers into NoteRefs."""
    text, notes, last = "", [], 0
    for m in _MARK.finditer(marked):
        text += marked[last : m.start()]
        notes.append(NoteRef(int(m.group(1) or m.group().translate(_SUP)), len(text)))
        last = m.end()
    return Paragraph(pid, None, text + marked[last:], notes)


def seed_line(path: Path, needle: str) -> str:
    """Return the seed line containing ``needle`` (a paragraph as extracted)."""
    return next(line for line in path.read_text("utf-8").splitlines() if needle in line)


def hand_built() -> list[Article]:
    """Build the two seed articles by hand: all notes, the paragraphs that cite a few of them."""
    notes_003 = seed_notes(SEED_003)
    notes_003[1] = Footnote(2, NOTES[("003", 2)])
    return [
        Article(A000, footnotes=seed_notes(SEED_000), paragraphs=[
            para("p8", seed_line(SEED_000, "³使俄羅斯")),
            para("p12", seed_line(SEED_000, "，⁶謀求")),
            para("p44", seed_line(SEED_000, "理事會。」²¹")),
        ]),
        Article(A003, footnotes=notes_003, paragraphs=[
            para("p2", seed_line(SEED_003, "<sup>1</sup> 在此")),
            para("p8", seed_line(SEED_003, "<sup>2</sup> 僅表") + seed_line(SEED_003, "示俄國試圖")),
        ]),
    ]


def by_n(notes):
    return {cn.n: cn for cn in notes}


def test_seed_000_back_references():
    notes = by_n(resolve(Article("000", footnotes=seed_notes(SEED_000))))
    assert len(notes) == 22
    n7 = notes[7]
    assert (n7.same_as, n7.chain, n7.locator, n7.problems) == (6, [6], "頁198-235", [])
    assert [(c.authors, c.title, c.publisher, c.pages) for c in n7.citations] == [
        (["鄭羽"], "既非盟友，也非敵人——蘇聯解體後的俄美關係（上）", "世界知識出版社", "198-235")
    ]
    assert notes[6].citations[0].pages == "94"  # the target keeps its own page
    n4 = notes[4]
    assert (n4.same_as, [c.url for c in n4.citations]) == (1, ["http://www.state.gov/r/pa/ei/bgn/3183.htm"])
    n13 = notes[13]
    assert (n13.citations, n13.same_as) == ([], None)
    assert n13.problems == ["note 13 refers to itself (同註13); its source is unknown"]
    assert notes[5].problems == ["note 5 is empty"] and notes[5].citations == []
    assert notes[22].comment.startswith("例如") and notes[22].problems == []
    assert {n for n, cn in notes.items() if cn.problems} == {5, 13}
    assert {n for n, cn in notes.items() if cn.same_as} == {4, 7}


@pytest.mark.parametrize(
    "notes, n, same_as, chain, pages, problems",
    [
        ([(1, "鄭羽，《書》（北京：出版社，2006年），頁94。"), (2, "同前註。"), (3, "同上，頁5。")], 3, 1, [2, 1], "5", []),
        ([(1, "鄭羽，《書》（北京：出版社，2006年），頁94。"), (2, "同前註。")], 2, 1, [1], "94", []),
        ([(1, "鄭羽，《書》，頁9。"), (2, "李力，《書二》，頁3。"), (3, "鄭羽，前揭書，頁120。")], 3, 1, [1], "120", []),
        ([(1, "鄭羽，《書》，頁9。"), (2, "同註30，頁1。")], 2, None, [], None,
         ["note 2 refers to note 30, which does not exist"]),
        ([(5, ""), (6, "同註5。")], 6, None, [5], None, ["note 6 refers to note 5, which cites no source"]),
        ([(1, "同註2。"), (2, "同註1。")], 1, None, [2], None, ["note 1: circular back-reference (1 → 2 → 1); its source is unknown"]),
        ([(1, "同上，頁3。")], 1, None, [], None, ["note 1 refers to the previous note, but it is the first"]),
        ([(1, "《書》，頁9。"), (2, "李力，前揭書。")], 2, None, [], None,
         ["note 2 refers to an earlier work by 李力, but no earlier note cites one"]),
    ],
)
def test_back_reference_chains(notes, n, same_as, chain, pages, problems):
    cn = by_n(resolve_notes([Footnote(m, t) for m, t in notes], "x"))[n]
    assert (cn.same_as, cn.chain, cn.problems) == (same_as, chain, problems)
    assert [c.pages for c in cn.citations] == ([pages] if same_as else [])


def test_parser_same_as_and_locator_are_used_when_the_text_has_no_pointer():
    notes = [Footnote(6, "鄭羽，《書》，頁9。"), Footnote(7, "見前", same_as=6, locator="頁5")]
    cn = by_n(resolve_notes(notes))[7]
    assert (cn.same_as, cn.locator, cn.citations[0].pages) == (6, "頁5", "5")


def test_self_reference_flagged_from_parser_field_too():
    cn = resolve_notes([Footnote(3, "（缺）", same_as=3)])[0]
    assert cn.problems == ["note 3 refers to itself (same_as); its source is unknown"]
