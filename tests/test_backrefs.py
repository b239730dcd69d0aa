"""Back-references resolve the same way everywhere: parser, sources, exports and ``source:`` search."""

from __future__ import annotations

import pytest

from indexer.backends.local import LocalBackend
from indexer.parse import parse_text
from indexer.parse.backrefs import find_backref, resolve
from indexer.sources.collect import collect_sources, resolve as resolve_sources

ARTICLE = """回指測試

壹、前言

鄭羽的研究指出美俄關係的起伏。¹ 其後的研究沿用其分期。² 法院的判決也有類似看法。³ 另有不同的看法。⁴

¹ 鄭羽，《既非盟友，也非敵人》（北京：世界知識出版社，2006 年），頁 94。

² 參註1，頁5。

³ Id. at 12.

⁴ Robert Kagan, *The Return of History* (New York: Knopf, 2008), p. 3.
"""


@pytest.mark.parametrize("text, target, previous, author, locator", [
    ("參註1，頁5。", 1, False, None, "頁5"),
    ("Id. at 12.", None, True, None, "at 12"),
    ("同註13，頁160-161。", 13, False, None, "頁160-161"),
    ("見註 2。", 2, False, None, None),
    ("See supra note 4, p. 9.", 4, False, None, "p. 9"),
    ("同上書，頁7。", None, True, None, "頁7"),
    ("鄭羽，前揭書，頁120。", None, False, "鄭羽", "頁120"),
    ("Kagan, op. cit., p. 5.", None, False, "Kagan", "p. 5"),
    ("同上海合作組織的立場。", None, None, None, None),  # 同 + 上海: not a pointer
    ("註冊資料見附表。", None, None, None, None),
])
def test_pointers_are_read(text, target, previous, author, locator):
    ref = find_backref(text)
    if previous is None:
        assert ref is None
        return
    assert (ref.target, ref.previous, ref.author, ref.locator) == (target, previous, author, locator)


def test_resolution_rules():
    notes = [(1, "鄭羽，《書》。"), (2, "同註1。"), (3, "同註3。"), (4, "同註9。"), (5, "同註6。"),
             (6, "李力，《書二》。"), (7, "王五，前揭書。")]
    got = {n: (r.target, r.problem) for n, r in resolve(notes).items()}
    assert got == {2: (1, None), 3: (3, "self"), 4: (9, "missing"), 5: (6, "later"), 7: (None, "no author")}
    assert resolve([(1, "同上。")])[1].problem == "first"


def test_the_same_targets_in_the_parser_the_sources_and_search(tmp_path):
    article = parse_text(ARTICLE, "backrefs")
    assert [(f.n, f.same_as, f.locator) for f in article.footnotes] == [
        (1, None, None), (2, 1, "頁5"), (3, 2, None), (4, None, None)]
    assert all(not f.problems for f in article.footnotes)

    cited = {c.n: c for c in resolve_sources(article)}
    assert (cited[2].same_as, cited[2].chain) == (1, [1])
    assert (cited[3].same_as, cited[3].chain) == (1, [2, 1])
    assert cited[3].citations[0].title == "既非盟友，也非敵人"
    zheng = next(s for s in collect_sources([article]) if s.citation.authors == ["鄭羽"])
    assert [c.n for c in zheng.citing] == [1, 2, 3]

    (tmp_path / "backrefs.txt").write_text(ARTICLE, "utf-8")
    with LocalBackend(tmp_path / "ix") as backend:
        assert backend.index([tmp_path / "backrefs.txt"]).ok
        hits = backend.search("source:鄭羽", limit=100)
        assert sorted(h.passage for h in hits.hits) == ["n1", "n2", "n3"]
