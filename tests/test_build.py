"""Indexing: incremental updates, bad files, crashes and locks never lose the index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.index.build import build_index
from indexer.errors import IndexStateError
from indexer.backends import open_backend
from tests.conftest import A000, A003, SEED_000, SEED_003

EXTRA = """測試文章標題

王小明

壹、前言

這是一篇關於飛彈防禦與上海合作組織的測試文章。¹

¹ 同註1。
"""


def ids(index_dir):
    with open_backend(index_dir) as s:
        return s.article_ids()


def total(index_dir, q):
    with open_backend(index_dir) as s:
        return s.search(q, expand=False).total


def test_first_run_adds_everything_second_run_skips_everything(seeds_copy, tmp_path):
    ix = tmp_path / "ix"
    first = build_index([seeds_copy], ix)
    assert sorted(first.added) == [A000, A003] and first.ok
    second = build_index([seeds_copy], ix)
    assert second.added == second.updated == second.removed == []
    assert sorted(second.unchanged) == [A000, A003]


def test_edit_add_delete(seeds_copy, tmp_path):
    ix = tmp_path / "ix"
    build_index([seeds_copy], ix)
    assert total(ix, '"測試文章"') == 0

    (seeds_copy / "new_article.txt").write_text(EXTRA, "utf-8")
    report = build_index([seeds_copy], ix)
    assert report.added == ["new_article"] and sorted(report.unchanged) == [A000, A003]
    assert total(ix, '"測試文章"') == 2  # title and paragraph

    (seeds_copy / "new_article.txt").write_text(EXTRA.replace("測試文章", "修改文章"), "utf-8")
    report = build_index([seeds_copy], ix)
    assert report.updated == ["new_article"]
    assert total(ix, '"測試文章"') == 0 and total(ix, '"修改文章"') == 2

    (seeds_copy / "new_article.txt").unlink()
    report = build_index([seeds_copy], ix)
    assert report.removed == ["new_article"]
    assert ids(ix) == [A000, A003]
    assert total(ix, '"修改文章"') == 0


def test_indexing_another_folder_keeps_the_first(seeds_copy, tmp_path):
    ix = tmp_path / "ix"
    build_index([seeds_copy], ix)
    other = tmp_path / "other"
    other.mkdir()
    (other / "extra.md").write_text("# 另一篇\n\n內容文字。\n", "utf-8")
    report = build_index([other], ix)
    assert report.added == ["extra"] and report.removed == []
    assert ids(ix) == [A000, A003, "extra"]


def test_bad_files_are_reported_and_skipped(seeds_copy, tmp_path):
    ix = tmp_path / "ix"
    (seeds_copy / "empty.txt").write_bytes(b"")
    (seeds_copy / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    report = build_index([seeds_copy], ix)
    assert sorted(report.added) == [A000, A003]
    failed = {Path(e.path).name: e.message for e in report.errors}
    assert set(failed) == {"empty.txt", "binary.txt"}
    assert all("\n" not in m and name in m for name, m in failed.items())


def test_a_missing_path_is_an_error_not_a_crash(tmp_path):
    report = build_index([tmp_path / "nope"], tmp_path / "ix")
    assert not report.ok and "no such file" in report.errors[0].message


def test_duplicate_article_ids_are_refused(seeds_copy, tmp_path):
    sub = seeds_copy / "sub"
    sub.mkdir()
    shutil.copy(SEED_003, sub)
    report = build_index([seeds_copy], tmp_path / "ix")
    assert len(report.errors) == 1 and "already used" in report.errors[0].message


def test_a_crash_during_commit_leaves_the_old_index_searchable(seeds_copy, tmp_path, monkeypatch):
    ix = tmp_path / "ix"
    build_index([seeds_copy], ix)
    before = total(ix, "俄羅斯")
    (seeds_copy / "new_article.txt").write_text(EXTRA, "utf-8")
    (seeds_copy / SEED_000.name).write_text(SEED_000.read_text("utf-8").replace("蒲亭", "普亭"), "utf-8")

    from whoosh.filedb import filestore

    def crash(*args, **kwargs):
        raise OSError("simulated power cut while writing the table of contents")

    monkeypatch.setattr(filestore.FileStorage, "rename_file", crash)
    with pytest.raises(OSError, match="simulated"):
        build_index([seeds_copy], ix)
    monkeypatch.undo()

    assert ids(ix) == [A000, A003]
    assert total(ix, "俄羅斯") == before
    assert total(ix, '"蒲亭"') > 0 and total(ix, '"普亭"') == 0
    report = build_index([seeds_copy], ix)  # the next run completes the update
    assert report.added == ["new_article"] and report.updated == [A000]
    assert total(ix, '"普亭"') > 0


def test_a_second_writer_gets_a_clear_message(seeds_copy, tmp_path):
    ix = tmp_path / "ix"
    build_index([seeds_copy], ix)
    from whoosh import index

    writer = index.open_dir(str(ix)).writer()
    try:
        (seeds_copy / "new_article.txt").write_text(EXTRA, "utf-8")
        with pytest.raises(IndexStateError, match="another indexer is writing"):
            build_index([seeds_copy], ix)
    finally:
        writer.cancel()
    assert build_index([seeds_copy], ix).added == ["new_article"]
