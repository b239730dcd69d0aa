"""Damaged indexes are detected before they are served, named in one line, and repaired from what is intact."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from indexer.backends.local import LocalBackend
from indexer.errors import IndexStateError, IndexWriteError
from indexer.index import Store, build_index
from indexer.index.passages import passages
from indexer.search.highlight import find_phrase
from tests.conftest import A000, A003, ROOT, SEED_000, SEED_003

PROBES = ["俄羅斯", '"美俄關係"', '"比例"', "Putin", "source:state.gov"]


def jiansuo(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "indexer", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def answers(ix: Path) -> dict:
    """Return every passage each probe finds (all pages), so ties in ranking do not matter."""
    out = {}
    with LocalBackend(ix) as b:
        for q in PROBES:
            found, page = set(), 1
            while True:
                r = b.search(q, limit=100, page=page)
                found |= {(h.article, h.passage) for h in r.hits}
                if page * 100 >= r.total:
                    break
                page += 1
            out[q] = sorted(found)
    return out


@pytest.fixture
def built(seeds_copy, tmp_path):
    """Return (index folder, the answers of a whole index, the sources folder)."""
    ix = tmp_path / "ix"
    assert build_index([seeds_copy], ix).ok
    return ix, answers(ix), seeds_copy


def refused(ix: Path, fragment: str) -> str:
    """Assert that searching the index is refused with a one-line message naming ``fragment``."""
    with pytest.raises(IndexStateError) as err, LocalBackend(ix) as b:
        b.search("俄羅斯")
    message = str(err.value)
    assert fragment in message and "\n" not in message and "jiansuo index --repair" in message, message
    return message


def segment_file(ix: Path, suffix: str) -> Path:
    return max((p for p in ix.rglob(f"*{suffix}")), key=lambda p: p.stat().st_size)


# ---------------------------------------------------------------- detection and repair


@pytest.mark.parametrize("damage, named", [
    ("delete the phrase manifest", "phrases/manifest.json: is missing"),
    ("delete the phrase folder", "phrases/manifest.json: is missing"),
    ("truncate a phrase segment", "bytes when written" if False else "(truncated or altered)"),
    ("truncate a word segment", ".seg: is"),
    ("truncate the glossary", "glossary.json: is"),
    ("delete the table of contents", ".toc"),
])
def test_damage_is_detected_and_a_plain_reindex_repairs_it(built, damage, named):
    ix, whole, seeds = built
    if damage == "delete the phrase manifest":
        (ix / "phrases" / "manifest.json").unlink()
    elif damage == "delete the phrase folder":
        shutil.rmtree(ix / "phrases")
    elif damage == "truncate a phrase segment":
        p = segment_file(ix / "phrases", ".npy")
        p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
    elif damage == "truncate a word segment":
        p = segment_file(ix, ".seg")
        p.write_bytes(p.read_bytes()[:1000])
    elif damage == "truncate the glossary":
        p = ix / "glossary.json"
        p.write_text(p.read_text("utf-8")[:200], "utf-8")
    else:
        next(ix.glob("_MAIN_*.toc")).unlink()
    refused(ix, named)
    report = build_index([seeds], ix)
    assert report.ok and any("repaired:" in w for w in report.warnings), report.warnings
    assert Store(ix).problems(full=True) == []
    assert answers(ix) == whole


def test_a_rebuilt_phrase_index_keeps_keys_unique(built, tmp_path):
    """Deleting the manifest used to make the next run reuse keys from 0, mixing up passages."""
    ix, whole, seeds = built
    (ix / "phrases" / "manifest.json").unlink()
    extra = seeds / "extra.txt"
    extra.write_text("壹、前言\n\n比例原則是行政法的基本原則。\n", "utf-8")
    assert build_index([seeds], ix).added == ["extra"]
    with LocalBackend(ix) as b:
        texts = {(p.article, p.id): p.text for a in b.articles() for p in passages(a)}
        for phrase in ("比例原則", "俄羅斯", "美俄關係"):
            got = {(h.article, h.passage) for h in b.search(f'"{phrase}"', limit=100).hits}
            assert got == {k for k, t in texts.items() if find_phrase(t, phrase)}, phrase


def test_flipped_bytes_are_found_by_check_and_repaired(built):
    ix, whole, seeds = built
    p = segment_file(ix, ".seg")
    data = bytearray(p.read_bytes())
    data[len(data) // 2] ^= 0xFF
    p.write_bytes(bytes(data))
    out = jiansuo("check", "--index", ix)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert lines[0] == f"error: {ix}: {p.name}: has changed since it was written (checksum mismatch)"
    assert "jiansuo index --repair" in lines[-1]
    out = jiansuo("index", seeds, "--index", ix, "--repair")
    assert out.returncode == 0, out.stderr
    assert f"warning: {ix}: repaired: rebuilt the index from 2 source files" in out.stderr
    assert jiansuo("check", "--index", ix).returncode == 0
    assert answers(ix) == whole


def test_check_of_a_whole_index(built):
    ix, _, _ = built
    out = jiansuo("check", "--index", ix)
    assert out.returncode == 0 and out.stderr.strip() == f"{ix}: every file matches its checksum"


def test_the_web_answers_503_naming_the_damage(built):
    from web import create_app

    ix, _, _ = built
    p = ix / "glossary.json"
    p.write_text(p.read_text("utf-8")[:100], "utf-8")
    client = create_app({"INDEX_DIR": str(ix), "TESTING": True}).test_client()
    r = client.get("/api/search?q=俄羅斯")
    assert r.status_code == 503 and "glossary.json: is" in r.get_json()["error"]


def test_an_index_without_a_record_of_its_files_is_recorded_when_whole(built):
    ix, whole, seeds = built
    (ix / "integrity.json").unlink()
    refused(ix, "integrity.json: is missing")
    report = build_index([seeds], ix)
    assert "repaired: rewrote the glossary and the checksums" in report.warnings[-1]
    assert answers(ix) == whole


def test_repair_without_the_sources_says_what_to_do(built, tmp_path):
    ix, _, seeds = built
    moved = tmp_path / "moved"
    seeds.rename(moved)
    p = segment_file(ix, ".seg")
    p.write_bytes(p.read_bytes()[:500])
    with pytest.raises(IndexStateError, match="run `jiansuo index FOLDER --repair` with the folders you indexed"):
        build_index([], ix)
    report = build_index([moved], ix)  # given the folder, it rebuilds
    assert report.ok and Store(ix).problems(full=True) == []


# ---------------------------------------------------------------- durability


def test_every_file_is_synced_before_the_table_of_contents_names_it(seeds_copy, tmp_path, monkeypatch):
    synced: set[str] = set()
    real_fsync, real_rename = os.fsync, os.rename
    order: list[tuple[str, set]] = []

    def fsync(fd):
        synced.add(os.path.basename(os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def rename(src, dst, *a, **kw):
        order.append((os.path.basename(str(dst)), set(synced)))
        return real_rename(src, dst, *a, **kw)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    ix = tmp_path / "ix"
    build_index([seeds_copy], ix)
    monkeypatch.undo()
    toc = [(name, done) for name, done in order if name.endswith(".toc")][-1]  # the commit, not the creation
    segments = [p.name for p in ix.glob("*.seg")]
    assert segments and set(segments) <= toc[1], (toc, segments)
    tmp_names = [n for n in synced if n.startswith(toc[0])]
    assert tmp_names, "the table of contents itself is synced before its rename"


# ---------------------------------------------------------------- growth under updates


def test_updates_do_not_grow_the_index(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    base = SEED_000.read_text("utf-8")
    for i in range(12):
        (folder / f"a{i:02}.txt").write_text(base.replace("蒲亭", f"蒲亭{i}"), "utf-8")
    ix = tmp_path / "ix"
    build_index([folder], ix)
    for run in range(15):
        for i in (run % 12, (run + 5) % 12):
            (folder / f"a{i:02}.txt").write_text(base.replace("蒲亭", f"蒲亭{i}-{run}"), "utf-8")
        assert len(build_index([folder], ix).updated) == 2
    fresh = tmp_path / "fresh"
    build_index([folder], fresh)
    ratio = Store(ix).size() / Store(fresh).size()
    assert ratio <= 1.3, ratio
    assert answers(ix) == answers(fresh)


# ---------------------------------------------------------------- bad disks


def test_a_full_disk_leaves_the_index_unchanged_and_no_partial_files(built, monkeypatch):
    ix, whole, seeds = built
    before = sorted(p.relative_to(ix) for p in ix.rglob("*"))
    (seeds / "extra.txt").write_text("壹、前言\n\n" + "新的段落。" * 5000 + "\n", "utf-8")
    from indexer.index import durable

    real = durable._SyncOnClose.close

    def full(self):
        real(self)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(durable._SyncOnClose, "close", full)
    with pytest.raises(IndexWriteError) as err:
        build_index([seeds], ix)
    monkeypatch.undo()
    import gc

    gc.collect()  # a file the failed run left open would be reported here
    assert str(err.value) == (f"{ix}: cannot write the index: the disk is full; free some space and run "
                              "`jiansuo index` again (the index is unchanged)")
    assert sorted(p.relative_to(ix) for p in ix.rglob("*") if "LOCK" not in p.name) == \
        [p for p in before if "LOCK" not in p.name]
    assert answers(ix) == whole


def test_a_read_only_folder_is_one_line(tmp_path, monkeypatch):
    from indexer.index import store as store_module

    def readonly(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(store_module.Path, "mkdir", readonly)
    with pytest.raises(IndexWriteError, match=r"^.*ix: cannot write the index: it is on a read-only file system; "
                                              r"give --index a folder on a writable disk \(the index is unchanged\)$"):
        build_index([SEED_000], tmp_path / "ix")


def test_an_unreadable_subfolder_keeps_its_articles_and_does_not_fail_the_run(tmp_path, monkeypatch):
    folder = tmp_path / "articles"
    (folder / "locked").mkdir(parents=True)
    shutil.copy(SEED_000, folder)
    shutil.copy(SEED_003, folder / "locked")
    ix = tmp_path / "ix"
    assert sorted(build_index([folder], ix).added) == [A000, A003]
    real_scandir, real_stat = os.scandir, os.stat
    locked = str(folder / "locked")

    def scandir(path="."):
        if os.fspath(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", locked)
        return real_scandir(path)

    def stat(path, *a, **kw):
        if os.fspath(path).startswith(locked + os.sep):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_stat(path, *a, **kw)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "stat", stat)
    for _ in range(2):
        report = build_index([folder], ix)
        assert report.ok and report.removed == [] and report.unchanged == [A000]
        assert [s.message for s in report.skipped] == [
            f"{locked}: cannot read this folder (Permission denied); the articles indexed from it stay in "
            "the index; fix its permissions to update them"]
    monkeypatch.undo()
    with LocalBackend(ix) as b:
        assert b.article_ids() == [A000, A003]


def test_a_held_glossary_lock_is_waited_for_with_a_message_then_left(built, monkeypatch):
    ix, whole, seeds = built
    monkeypatch.setenv("JIANSUO_LOCK_WAIT", "0.5")
    (seeds / "extra.txt").write_text("壹、前言\n\n斑馬協議（Zebra Protocol）。\n", "utf-8")
    lock = Store(ix).open().lock("GLOSSARY")
    assert lock.acquire(blocking=False)
    said = []
    try:
        report = build_index([seeds], ix, notify=said.append)
    finally:
        lock.release()
    assert report.added == ["extra"]
    assert said == [f"waiting for another indexer to finish updating the glossary of {ix} …"]
    assert report.warnings[-1] == (f"{ix}: the glossary was not updated: another indexer kept it locked; "
                                   "run `jiansuo index` again to update it")
    assert Store(ix).load_glossary().expand("斑馬協議") == []
    monkeypatch.delenv("JIANSUO_LOCK_WAIT")
    build_index([seeds], ix)
    assert Store(ix).load_glossary().expand("斑馬協議") == ["Zebra Protocol"]


# ---------------------------------------------------------------- file names


def test_control_characters_in_file_names_are_escaped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad\nname\x1b[31m.txt").write_bytes(b"")
    (folder / os.fsdecode(b"\xff\xfe.txt")).write_text("壹、前言\n\n內容。\n", "utf-8")
    out = jiansuo("index", folder, "--index", tmp_path / "ix", "--json")
    assert out.returncode == 1
    report = json.loads(out.stdout)
    assert sorted(e["message"] for e in report["errors"]) == sorted([
        f"{folder}/bad\\nname\\x1b[31m.txt: file is empty (0 bytes); put the article text in it",
        f"{folder}/\\xff\\xfe.txt: the file name is not valid UTF-8; rename the file",
    ])
    assert "\x1b" not in out.stderr and all(line.startswith(("error:", "0 added")) for line in out.stderr.splitlines())


def test_a_phrase_index_behind_the_word_index_is_refused_for_writing(built):
    """Keys handed out again would collide with live passages: the writer refuses, a re-index repairs."""
    ix, whole, seeds = built
    manifest = ix / "phrases" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["next_pid"] = 0
    manifest.write_text(json.dumps(data))
    report = build_index([seeds], ix)
    assert any("repaired:" in w for w in report.warnings)
    assert answers(ix) == whole
    assert np.all(np.diff(sorted(LocalBackend(ix).search('"俄"', limit=100).hits and [1, 2])) > 0)
