"""What an incremental indexing run does, file by file, whatever holds the index.

Every backend keeps, per article, the file it came from and that file's
content hash. :class:`Changes` compares the files found now with that record:
an unchanged file (same hash, same path) is skipped, a new or changed one is
parsed and handed back to be written, a file that disappeared from an indexed
folder names an article to remove. A file that cannot be read or parsed, or
whose article id is taken by another file, is reported and skipped.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from indexer.errors import JiansuoError
from indexer.ingest.registry import shown
from indexer.model import Article, BuildReport, FileError

T = TypeVar("T")


def _load(path: Path) -> Article:
    """Read and parse one file (imported late: the CLI starts faster)."""
    from indexer.parse import parse_file

    return parse_file(path)


def _within(path: str, roots: list[Path]) -> bool:
    p = Path(path)
    return any(p == r or r in p.parents for r in roots)


def _gone(path: str) -> bool:
    """Tell whether an indexed file was deleted (a file in an unreadable folder is not gone)."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


class Changes:
    """Compare files with ``indexed`` (``{article id: {"path", "sha"}}``), recording the outcome in ``report``."""

    def __init__(self, indexed: dict[str, dict], report: BuildReport):
        self.indexed = indexed
        self.report = report
        self.seen: dict[str, str] = {}  # article id -> path, for every file kept or written

    def files(self, files: Iterable[Path], prepare: Callable[[Article, str, str], T],
              progress: Callable[[Path], None] | None = None) -> Iterator[tuple[str, bool, T]]:
        """Yield ``(article id, replaces an indexed one, prepare(article, path, sha))`` per new or changed file.

        ``prepare`` turns the parsed article into what the backend writes; its
        errors count as the file's. Added and updated ids go into the report
        as they are yielded, unchanged ones and errors too.
        """
        report = self.report
        for path in files:
            if progress:
                progress(path)
            spath = str(path)
            try:
                if any("\udc80" <= c <= "\udcff" for c in spath):  # bytes that are not UTF-8
                    raise JiansuoError(f"{shown(path)}: the file name is not valid UTF-8; rename the file")
                sha = hashlib.sha256(path.read_bytes()).hexdigest()
                aid = path.stem
                if aid in self.seen:
                    raise JiansuoError(
                        f"{shown(path)}: article id {shown(aid)!r} is already used by {shown(self.seen[aid])}; "
                        "rename one file"
                    )
                old = self.indexed.get(aid)
                if old and old["sha"] == sha and old["path"] == spath:
                    self.seen[aid] = spath
                    report.unchanged.append(aid)
                    continue
                if old and old["path"] != spath and not _gone(old["path"]):
                    raise JiansuoError(
                        f"{shown(path)}: article id {shown(aid)!r} is already used by {shown(old['path'])}; "
                        "rename one file"
                    )
                article = _load(path)
                prepared = prepare(article, spath, sha)
            except JiansuoError as err:
                report.errors.append(FileError(shown(path), shown(str(err).splitlines()[0])))
                continue
            except (OSError, UnicodeError, ValueError) as err:
                report.errors.append(FileError(shown(path), f"{shown(path)}: {shown(err)}"))
                continue
            self.seen[aid] = spath
            report.warnings.extend(f"{shown(path)}: {shown(w)}" for w in article.warnings)
            (report.updated if old else report.added).append(aid)
            yield aid, bool(old), prepared

    def vanished(self, roots: list[Path], unreadable: list[Path] = ()) -> list[str]:
        """Return (and report as removed) the articles whose file under ``roots`` was deleted.

        Files under ``unreadable`` folders are not known to be gone, so their articles stay.
        """
        gone = [aid for aid, info in self.indexed.items()
                if aid not in self.seen and info["path"] and _within(info["path"], roots)
                and not _within(info["path"], unreadable) and _gone(info["path"])]
        self.report.removed.extend(gone)
        return gone
