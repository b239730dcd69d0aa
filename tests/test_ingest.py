"""The input-format registry: which files are read, by which reader, and every other file reported."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from indexer.cli import main
from indexer.ingest import Format, discover, read, register
from indexer.ingest import registry
from indexer.model import Document
from indexer.parse import parse
from tests.conftest import A000, SEED_000, SEED_003


def test_text_and_markdown_by_suffix_and_content(tmp_path):
    md = tmp_path / "note.md"
    md.write_text("# 標題\n\n正文。\n", "utf-8")
    assert read(md).format == "markdown"
    assert read(SEED_000).format == "text" and read(SEED_003).format == "markdown"  # .txt: by content
    doc = read(SEED_000)
    assert (doc.id, doc.encoding, doc.path) == (A000, "utf-8", str(SEED_000))


def test_every_file_in_a_folder_is_read_or_reported(tmp_path):
    shutil.copy(SEED_000, tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.markdown").write_text("# 乙\n\n正文。\n", "utf-8")
    (tmp_path / "scan.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "README").write_text("notes", "utf-8")
    (tmp_path / ".hidden.txt").write_text("x", "utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.txt").write_text("x", "utf-8")
    found = discover([tmp_path, tmp_path / "missing.txt"])
    assert [f.name for f in found.files] == [SEED_000.name, "b.markdown"]
    assert [e.message for e in found.errors] == [f"{tmp_path / 'missing.txt'}: no such file or folder"]
    assert sorted(s.path for s in found.skipped) == [str(tmp_path / "README"), str(tmp_path / "scan.docx")]
    assert found.skipped[-1].message == (f"{tmp_path / 'scan.docx'}: not an article file (.docx); "
                                         "jiansuo reads .markdown, .md, .pdf, .text, .txt")


def test_the_index_command_names_skipped_files(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SEED_000, folder)
    (folder / "table.xlsx").write_bytes(b"PK\x03\x04")
    result = CliRunner().invoke(main, ["index", str(folder), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert f"skipped: {folder / 'table.xlsx'}: not an article file (.xlsx)" in result.output
    assert "1 added, 0 updated, 0 removed, 0 unchanged, 0 failed, 1 skipped in" in result.output


@pytest.fixture
def note_format():
    """Register a toy format: ``.note`` files whose lines are "title | body"."""

    def read_note(data: bytes, name: str, article_id: str) -> Document:
        title, body = data.decode("utf-8").split("|", 1)
        return Document(article_id, "text", text=f"{title.strip()}\n\n壹、正文\n\n{body.strip()}\n", path=name)

    saved = dict(registry._FORMATS)
    register(Format("note", (".note",), read_note))
    yield
    registry._FORMATS.clear()
    registry._FORMATS.update(saved)


def test_a_new_format_is_one_registration(tmp_path, note_format):
    path = tmp_path / "memo.note"
    path.write_text("備忘錄標題 | 這是備忘錄的正文。", "utf-8")
    assert discover([tmp_path]).files == [path]
    article = parse(read(path))
    assert (article.id, article.title.zh, [p.text for p in article.paragraphs]) == (
        "memo", "備忘錄標題", ["這是備忘錄的正文。"])


def test_magic_bytes_win_over_the_suffix(tmp_path, note_format):
    register(Format("note", (".note",), registry._FORMATS["note"].read, magic=(b"NOTE:",)))
    path = tmp_path / "memo.txt"
    path.write_text("NOTE:標題 | 正文。", "utf-8")
    assert parse(read(path)).title.zh == "NOTE:標題"
