"""The input formats jiansuo reads, and which file goes to which.

A format is a name, the file suffixes it claims, optional magic bytes that
identify it whatever the file is called, and a ``read`` function from bytes
to a :class:`~indexer.model.Document`. Adding a format is one module that
calls :func:`register`; :func:`discover` and :func:`read` then know it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from indexer.errors import ReadError
from indexer.model import Document, FileError

Reader = Callable[[bytes, str, str], Document]  # (data, file name for messages, article id)


@dataclass(frozen=True)
class Format:
    name: str
    suffixes: tuple[str, ...]
    read: Reader
    magic: tuple[bytes, ...] = ()


@dataclass
class Discovered:
    """The files to read under some paths, and every file passed over with the reason."""

    files: list[Path] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)  # paths that do not exist
    skipped: list[FileError] = field(default_factory=list)  # files in no registered format, unreadable folders
    unreadable: list[Path] = field(default_factory=list)  # folders that could not be listed


_FORMATS: dict[str, Format] = {}
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\udc80-\udcff]")


def shown(path) -> str:
    """Return a file name fit for a one-line message: control characters and undecodable bytes escaped.

    >>> shown("a\\nb\\x1b[31m.txt"), shown(os.fsdecode(b"\\xff.txt"))
    ('a\\\\nb\\\\x1b[31m.txt', '\\\\xff.txt')
    """
    text = str(path)
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda m: _escape(m.group()), text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def register(fmt: Format) -> Format:
    """Make ``fmt`` known to :func:`discover` and :func:`read` (a later one with the name replaces it)."""
    _FORMATS[fmt.name] = fmt
    return fmt


def suffixes() -> list[str]:
    """Return every suffix a registered format claims, sorted."""
    return sorted({s for f in _FORMATS.values() for s in f.suffixes})


def format_of(path: Path, head: bytes = b"") -> Format | None:
    """Return the format of a file: by its magic bytes first, else by its suffix."""
    for fmt in _FORMATS.values():
        if any(head.startswith(m) for m in fmt.magic):
            return fmt
    suffix = path.suffix.lower()
    return next((f for f in _FORMATS.values() if suffix in f.suffixes), None)


def _walk(root: Path, out: Discovered) -> list[Path]:
    """Return the regular files under ``root`` in sorted order, hidden files and folders left out."""
    found: list[Path] = []

    def unreadable(err: OSError) -> None:
        where = shown(err.filename or root)
        out.unreadable.append(Path(err.filename or root))
        out.skipped.append(FileError(where, f"{where}: cannot read this folder ({err.strerror}); the articles "
                                            "indexed from it stay in the index; fix its permissions to update them"))

    for folder, dirs, files in os.walk(root, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder) / f for f in sorted(files) if not f.startswith("."))
    return found


def discover(paths: Iterable[Path]) -> Discovered:
    """Return the article files under ``paths`` (files as given, folders recursively, hidden ones left out).

    A file in a folder that no format claims is listed in ``skipped``, never dropped silently;
    so is a folder that cannot be read (its articles are kept).
    """
    out = Discovered()
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in _walk(p, out):
                if not f.is_file():
                    continue
                if format_of(f) is not None:
                    out.files.append(f)
                else:
                    out.skipped.append(FileError(shown(f), f"{shown(f)}: not an article file "
                                                           f"({shown(f.suffix) or 'no suffix'}); "
                                                           f"jiansuo reads {', '.join(suffixes())}"))
        elif p.exists():
            out.files.append(p)
        else:
            out.errors.append(FileError(shown(p), f"{shown(p)}: no such file or folder"))
    return out


def read_bytes(path: Path) -> bytes:
    """Return the bytes of ``path``; a missing, unreadable or non-regular file is a ReadError."""
    if path.is_dir():
        raise ReadError(f"{shown(path)}: is a directory, not a file; pass the text files inside it")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReadError(f"{shown(path)}: no such file; check the path and the file name") from None
    except OSError as err:
        raise ReadError(f"{shown(path)}: cannot be read ({err.strerror}); check its permissions") from None


def read(path: Path) -> Document:
    """Read one file in whatever registered format it is (a text format if none claims it)."""
    path = Path(path)
    data = read_bytes(path)
    fmt = format_of(path, data[:16]) or _FORMATS["text"]
    doc = fmt.read(data, shown(path), path.stem)
    # Warnings travel with the article (and its JSON); whoever shows them names the file.
    prefix = f"{shown(path)}: "
    doc.warnings = [w[len(prefix):] if w.startswith(prefix) else w for w in doc.warnings]
    return doc
