"""Phrase index: exact substring matches on the seeds, segments, deletes, merges, crashes."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import tempfile
import time
import warnings
from itertools import pairwise
from pathlib import Path
from unittest import mock

import numpy as np
import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.index import phrases
from indexer.analysis import compact, fold
from indexer.errors import IndexStateError
from indexer.search.highlight import find_phrase
from indexer.parse import parse_file
from indexer.index.passages import passages
from indexer.index.phrases import PhraseIndex, compact_text
from tests.conftest import SEED_000, SEED_003

SEED_PASSAGES = [p for seed in (SEED_000, SEED_003) for p in passages(parse_file(seed))]
TEXTS = [p.text for p in SEED_PASSAGES]
LABELS = [f"{p.article[:3]}:{p.id}" for p in SEED_PASSAGES]


_compacted: dict[str, str] = {}


def brute(model: dict[int, str], phrase: str) -> tuple[list[int], list[int]]:
    """Return (pids, counts) by scanning every compact text, overlaps included."""
    needle = compact(phrase)[0]
    if not needle:
        return [], []
    pattern = re.compile(f"(?={re.escape(needle)})")
    for text in model.values():
        if text not in _compacted:
            _compacted[text] = compact(text)[0]
    hits = [(pid, len(pattern.findall(_compacted[text]))) for pid, text in sorted(model.items())]
    hits = [(pid, n) for pid, n in hits if n]
    return [pid for pid, _ in hits], [n for _, n in hits]


def found(index: PhraseIndex, phrase: str) -> tuple[list[int], list[int]]:
    pids, counts = index.find(phrase)
    assert pids.dtype == np.int64 and counts.dtype == np.int64
    return pids.tolist(), counts.tolist()


def build(directory: Path, texts: list[str], **kw) -> PhraseIndex:
    w = PhraseIndex(directory).writer(**kw)
    assert [w.add(t) for t in texts] == list(range(len(texts)))
    w.commit()
    return PhraseIndex(directory)


def files_on_disk(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir()}


def referenced(directory: Path) -> set[str]:
    manifest = json.loads((directory / "manifest.json").read_text())
    return {"manifest.json"} | {f"{s['name']}.{part}.npy"
                                for s in manifest["segments"] for part in phrases.PARTS}


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory) -> PhraseIndex:
    """Index the seed passages in one segment (pid = position in TEXTS)."""
    return build(tmp_path_factory.mktemp("phrases") / "p", TEXTS)


@pytest.fixture(scope="module")
def split_index(tmp_path_factory) -> PhraseIndex:
    """Index the seed passages in many small segments."""
    return build(tmp_path_factory.mktemp("phrases") / "p", TEXTS, max_segment_chars=1500)


# --------------------------------------------------------------------------
# Compact text
# --------------------------------------------------------------------------


def test_compact_text_equals_analysis_compact_on_the_seeds():
    for text in TEXTS + [SEED_000.read_text("utf-8"), SEED_003.read_text("utf-8")]:
        assert compact_text(text) == compact(text)[0] == re.sub(r"\s+", "", fold(text))


def test_compact_text_drops_every_unicode_white_space_and_folds_every_code_point():
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    assert len(spaces) == 29 and "\u3000" in spaces and "\x1c" in spaces
    assert compact_text("美" + "".join(spaces) + "俄") == "美俄"
    everything = "".join(map(chr, range(0x110000)))
    assert compact_text(everything) == compact(everything)[0]


@pytest.mark.parametrize("text, expected", [
    ("美 俄\u3000關係", "美俄关系"),
    ("ＧＤＰ 2%", "gdp2%"),
    ("Владимир Путин", "ВладимирПутин"),  # fold lower-cases Latin only
    ("𠀀 \ud800x", "𠀀\ud800x"),  # astral and lone surrogate code points survive
    (" \n\t", ""),
])
def test_compact_text(text, expected):
    assert compact_text(text) == expected


# --------------------------------------------------------------------------
# Lookups on the seeds
# --------------------------------------------------------------------------


@pytest.mark.parametrize("phrase, expected", [
    ("美俄關係", {"000:title": 1, "000:abstract-zh": 1, "000:p1": 1, "000:p2": 2}),
    ("普京", {"003:p1": 1, "003:p10": 1}),
    ("普 京", {"003:p1": 1, "003:p10": 1}),  # white space never matters
    ("GDP 2%", {"003:p5": 1}),
    ("ＧＤＰ", {"003:p5": 1}),  # full width folds to ASCII
    ("2018 美國", {"003:p2": 1}),
    ("Владимир", {"003:p1": 1}),
    ("russia-u.s.relations", {"000:keywords": 1, "003:title": 1}),
    ("的未來", {"000:title": 1, "000:p26": 1}),
    ("同註", {"000:n4": 1, "000:n13": 1}),
])
def test_find_on_the_seeds(seed_index, phrase, expected):
    pids, counts = found(seed_index, phrase)
    got = {LABELS[p]: n for p, n in zip(pids, counts)}
    assert {k: got[k] for k in expected} == expected
    assert found(seed_index, phrase) == brute(dict(enumerate(TEXTS)), phrase)


@pytest.mark.parametrize("phrase, total, passages_", [
    ("美俄關係", 19, 14), ("美俄关系", 19, 14), ("俄關係", 19, 14), ("蒲亭", 23, 13),
    ("Putin", 7, 6), ("PUTIN", 7, 6), ("1991 年", 5, 5), ("1991年", 5, 5),
    ("（", 55, 30), ("(", 55, 30), ("俄", 274, 61),
    ("普亭", 0, 0), ("量子電腦", 0, 0), ("美俄關係X", 0, 0),
])
def test_scripts_case_and_width_are_folded(seed_index, phrase, total, passages_):
    pids, counts = found(seed_index, phrase)
    assert (sum(counts), len(pids)) == (total, passages_)


def random_phrases(seed: int, count: int) -> list[str]:
    """Return 1-8-character substrings of the seed passages at random positions."""
    rng = random.Random(seed)
    text = "\n\n".join(TEXTS)
    out = []
    while len(out) < count:
        n = rng.randint(1, 8)
        i = rng.randrange(len(text) - n)
        if "\n\n" not in text[i:i + n]:
            out.append(text[i:i + n])
    return out


@pytest.mark.parametrize("script", ["original", "simplified"])
@pytest.mark.parametrize("index_name", ["seed_index", "split_index"])
def test_find_equals_brute_force_on_random_seed_substrings(request, script, index_name):
    index = request.getfixturevalue(index_name)
    model = dict(enumerate(TEXTS))
    t2s = opencc.OpenCC("t2s")
    queries = [q if script == "original" else t2s.convert(q)
               for q in random_phrases(7, 300 * 8)]
    hits = 0
    for q in queries:
        expected = brute(model, q)
        assert found(index, q) == expected, q
        hits += bool(expected[0])
    assert hits > 2000  # nearly every substring of the corpus is found in it
    if script == "simplified":
        assert sum(q != o for q, o in zip(queries, random_phrases(7, 300 * 8))) > 500


def test_find_counts_equal_find_phrase(seed_index):
    for q in random_phrases(11, 120) + ["美俄關係", "1991 年", "俄"]:
        pids, counts = found(seed_index, q)
        assert counts == [len(find_phrase(TEXTS[p], q)) for p in pids]
        assert set(pids) == {i for i, t in enumerate(TEXTS) if find_phrase(t, q)}


def test_phrases_spanning_two_passages_are_not_found(seed_index):
    joined = "\n".join(compact_text(t) for t in TEXTS)
    across = 0
    for a, b in pairwise(TEXTS):
        phrase = compact_text(a)[-3:] + compact_text(b)[:3]
        expected = brute(dict(enumerate(TEXTS)), phrase)
        assert found(seed_index, phrase) == expected
        if not expected[0]:
            across += 1
            assert phrase in joined.replace("\n", "")  # only the passage boundary separates it
    assert across >= 80


@pytest.mark.parametrize("texts, phrase, expected", [
    (["哈哈哈"], "哈哈", ([0], [2])),
    (["aaaa", "a a"], "aa", ([0, 1], [3, 1])),
    (["AbAb", "ab"], "aBa", ([0], [1])),
    (["臺灣台灣"], "台湾", ([0], [2])),
    (["ab", "cd"], "bc", ([], [])),
    (["", "   ", "x"], "x", ([2], [1])),
    (["𠀀𠀀 𠀁"], "𠀀𠀁", ([0], [1])),
    (["a\ud800b"], "\ud800", ([0], [1])),
    (["abc"], "", ([], [])),
    (["abc"], " \n", ([], [])),
])
def test_overlaps_and_edge_cases(tmp_path, texts, phrase, expected):
    assert found(build(tmp_path / "p", texts), phrase) == expected


def test_frequent_characters_use_rows_and_agree_with_positions(tmp_path, monkeypatch):
    monkeypatch.setattr(phrases, "ROW_MIN", 1)
    index = build(tmp_path / "p", TEXTS)
    common = "".join(map(chr, index.segments[0].common.tolist()))
    assert "，" not in common and "," in common and "的" in common  # ， folds to ,
    model = dict(enumerate(TEXTS))
    for ch in common + "美俄":
        assert found(index, ch) == brute(model, ch)


def test_counts_above_65535_are_kept(tmp_path, monkeypatch):
    index = build(tmp_path / "p", ["a" * 70_000, "ab"])
    assert index.segments[0].rows.dtype == np.uint32
    assert found(index, "a") == ([0, 1], [70_000, 1])
    assert found(index, "aa") == ([0], [69_999])


def test_the_unpacked_sort_builds_the_same_arrays(monkeypatch):
    codes = phrases.passage_codes(TEXTS)
    packed = phrases.build_arrays(codes, np.arange(len(TEXTS)))
    monkeypatch.setattr(phrases, "_WORD", 0)
    unpacked = phrases.build_arrays(codes, np.arange(len(TEXTS)))
    for part in phrases.PARTS:
        assert np.array_equal(packed[part], unpacked[part]), part


# --------------------------------------------------------------------------
# Empty index, writer rules
# --------------------------------------------------------------------------


def test_an_empty_index(tmp_path):
    index = PhraseIndex(tmp_path / "missing")
    assert (len(index), index.version, index.pids().tolist()) == (0, 0, [])
    assert found(index, "俄") == ([], [])
    index.writer().commit()
    index = PhraseIndex(tmp_path / "missing")
    assert (len(index), index.version, found(index, "俄")) == (0, 1, ([], []))


def test_a_writer_cannot_be_reused_and_two_writers_do_not_overwrite(tmp_path):
    d = tmp_path / "p"
    first, second = PhraseIndex(d).writer(), PhraseIndex(d).writer()
    first.add("甲")
    first.commit()
    with pytest.raises(IndexStateError, match="open a new writer"):
        first.add("乙")
    second.add("丙")
    with pytest.raises(IndexStateError, match="changed since this writer opened"):
        second.commit()
    second.cancel()
    assert files_on_disk(d) == referenced(d)
    assert found(PhraseIndex(d), "甲") == ([0], [1])


def test_a_damaged_manifest_says_to_rebuild(tmp_path):
    build(tmp_path / "p", ["x"])
    (tmp_path / "p" / "manifest.json").write_text("{not json")
    with pytest.raises(IndexStateError, match=r"manifest\.json: damaged .* rebuild the index"):
        PhraseIndex(tmp_path / "p")


# --------------------------------------------------------------------------
# Segments, deletes, merges
# --------------------------------------------------------------------------

PROBES = random_phrases(3, 60) + ["美俄關係", "普京", "俄", "，", "Putin"]


def check(index: PhraseIndex, model: dict[int, str]) -> None:
    assert index.pids().tolist() == sorted(model) and len(index) == len(model)
    for q in PROBES:
        assert found(index, q) == brute(model, q), q


def test_commits_deletes_and_merges_follow_a_model(tmp_path):
    d, model, rng = tmp_path / "p", {}, random.Random(5)
    counts = []
    for round_ in range(14):
        w = PhraseIndex(d).writer(max_segment_chars=2500)
        for text in TEXTS[round_ * 7:(round_ + 1) * 7] or rng.sample(TEXTS, 5):
            pid = w.add(text)
            assert pid not in model and all(pid > p for p in model)  # pids are never reused
            model[pid] = text
        if round_ % 3 == 2:
            victims = rng.sample(sorted(model), 6)
            w.delete(victims + [10**9])  # unknown pids are ignored
            for v in victims:
                del model[v]
        w.commit()
        index = PhraseIndex(d)
        counts.append(len(index.segments))
        assert index.version == round_ + 1
        check(index, model)
        assert files_on_disk(d) == referenced(d)
        stored = set(np.concatenate([s.pids for s in index.segments]).tolist())
        assert set(index.deleted.tolist()) == stored - set(model)  # no stale deletions kept
    assert counts == [1, 2, 3, 4, 5, 6, 7, 8, 5, 6, 7, 8, 7, 8]  # merged instead of a 9th


def test_a_segment_whose_passages_are_all_deleted_is_dropped(tmp_path):
    d = tmp_path / "p"
    build(d, ["美國", "俄國"])
    w = PhraseIndex(d).writer()
    w.add("中國")
    w.delete([0, 1, 2])
    w.commit()
    index = PhraseIndex(d)
    assert (len(index), index.segments, index.deleted.tolist()) == (0, [], [])
    assert files_on_disk(d) == {"manifest.json"}


def test_a_long_commit_is_split_into_segments_and_one_long_passage_stays_whole(tmp_path):
    index = build(tmp_path / "p", TEXTS + ["長" * 5000], max_segment_chars=3000)
    sizes = [int(s.starts[-1]) for s in index.segments]
    assert len(sizes) >= 6 and max(sizes) == 5001 and all(n <= 3000 + 87 for n in sorted(sizes)[:-1])
    assert found(index, "長長") == ([len(TEXTS)], [4999])
    check(index, dict(enumerate(TEXTS + ["長" * 5000])))


def test_an_open_index_keeps_its_snapshot_after_a_merge_removes_files(tmp_path):
    d = tmp_path / "p"
    for i in range(phrases.MAX_SEGMENTS):
        w = PhraseIndex(d).writer()
        w.add(TEXTS[i])
        w.commit()
    old = PhraseIndex(d)
    w = PhraseIndex(d).writer()
    w.add("普京")
    w.commit()  # the ninth segment: all are merged into one
    assert len(PhraseIndex(d).segments) == 1
    assert not any(f"{s.name}.keys.npy" in files_on_disk(d) for s in old.segments)
    assert found(old, TEXTS[0][:6]) == brute(dict(enumerate(TEXTS[:8])), TEXTS[0][:6])
    assert found(PhraseIndex(d), "普京")[0] == [8]


# --------------------------------------------------------------------------
# Crash safety
# --------------------------------------------------------------------------


def base_state(d: Path) -> dict[int, str]:
    """Commit MAX_SEGMENTS one-segment commits, so that the next commit merges."""
    model = {}
    for i in range(phrases.MAX_SEGMENTS):
        w = PhraseIndex(d).writer()
        for text in TEXTS[i * 5:(i + 1) * 5]:
            model[w.add(text)] = text
        w.commit()
    return model


def fail_on_call(n: int, real):
    calls = []

    def fake(*args, **kw):
        calls.append(1)
        if len(calls) == n:
            raise OSError("disk full")
        return real(*args, **kw)
    return fake


@pytest.mark.parametrize("target, call, committed", [
    ("_save_segment", 1, False),  # writing the new segment
    ("build_arrays", 2, False),  # the merge, after the new segment is written
    ("_save_segment", 2, False),  # writing the merged segment
    ("replace", 1, False),  # the new manifest is written but not renamed
    ("_remove_unreferenced", 1, True),  # after the rename
    ("fsync_dir", 2, True),  # after the rename, while making it durable
])
def test_a_failing_commit_leaves_a_readable_index(tmp_path, monkeypatch, target, call, committed):
    d = tmp_path / "p"
    old = base_state(d)
    new = dict(old)
    w = PhraseIndex(d).writer()
    for text in TEXTS[40:50]:
        new[w.add(text)] = text
    w.delete([0, 1])
    del new[0], new[1]
    owner = phrases.os if target == "replace" else phrases
    monkeypatch.setattr(owner, target, fail_on_call(call, getattr(owner, target)))
    with pytest.raises(OSError, match="disk full"):
        w.commit()
    monkeypatch.undo()
    check(PhraseIndex(d), new if committed else old)
    w.cancel()  # never removes committed files
    check(PhraseIndex(d), new if committed else old)
    w = PhraseIndex(d).writer()
    new_pid = w.add("普京普京")
    w.commit()
    assert files_on_disk(d) == referenced(d)  # leftovers are gone
    assert found(PhraseIndex(d), "普京")[0][-1] == new_pid


def test_a_writer_killed_mid_commit_leaves_the_old_or_the_new_index(tmp_path):
    base = tmp_path / "base"
    old = base_state(base)
    extra = TEXTS * 12

    def run(d: Path, delay: float | None) -> float:
        """Commit ``extra`` in a forked child; SIGKILL it ``delay`` s after it starts."""
        r, wfd = os.pipe()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # child
            try:
                os.close(r)
                w = PhraseIndex(d).writer()
                for text in extra:
                    w.add(text)
                w.delete([3])
                os.write(wfd, b"r")
                w.commit()
                os.write(wfd, b"d")
            finally:
                os._exit(0)
        os.close(wfd)
        assert os.read(r, 1) == b"r"
        start = time.perf_counter()
        if delay is not None:
            time.sleep(delay)
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(r)
        return time.perf_counter() - start

    shutil.copytree(base, tmp_path / "timed")
    duration = run(tmp_path / "timed", None)
    new = dict(old)
    new.update({len(old) + i: t for i, t in enumerate(extra)})
    del new[3]
    check(PhraseIndex(tmp_path / "timed"), new)
    outcomes = []
    for k, fraction in enumerate([0, 0.2, 0.4, 0.6, 0.8, 0.95, 1.5]):
        d = tmp_path / f"trial{k}"
        shutil.copytree(base, d)
        run(d, duration * fraction)
        index = PhraseIndex(d)
        outcomes.append(index.version)
        check(index, old if index.version == phrases.MAX_SEGMENTS else new)
        w = index.writer()
        w.add("普京")
        w.commit()
        assert files_on_disk(d) == referenced(d)
    assert set(outcomes) <= {phrases.MAX_SEGMENTS, phrases.MAX_SEGMENTS + 1}
    assert outcomes[0] == phrases.MAX_SEGMENTS  # killed as the commit began


# --------------------------------------------------------------------------
# Property
# --------------------------------------------------------------------------

ALPHABET = list("ab哈臺台 \u3000\tＡA.𠀀") + ["\ud800"]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_find_equals_brute_force_on_random_texts(data):
    texts = data.draw(st.lists(st.text(ALPHABET, max_size=40), min_size=1, max_size=10))
    cut = data.draw(st.integers(0, len(texts)))
    limit = data.draw(st.integers(1, 60))
    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(phrases.os, "fsync"):  # speed
        d = Path(tmp) / "p"
        model = {}
        for chunk in (texts[:cut], texts[cut:]):
            w = PhraseIndex(d).writer(max_segment_chars=limit)
            for text in chunk:
                model[w.add(text)] = text
            gone = data.draw(st.lists(st.sampled_from(sorted(model) or [0]), max_size=2))
            w.delete(gone)
            for pid in gone:
                model.pop(pid, None)
            w.commit()
        index = PhraseIndex(d)
        for _ in range(6):
            source = data.draw(st.sampled_from(texts))
            i = data.draw(st.integers(0, len(source)))
            phrase = source[i:data.draw(st.integers(i, min(len(source), i + 10)))]
            assert found(index, phrase) == brute(model, phrase)
        phrase = data.draw(st.text(ALPHABET, max_size=5))
        assert found(index, phrase) == brute(model, phrase)
        assert index.pids().tolist() == sorted(model)
