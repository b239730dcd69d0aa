"""The input formats jiansuo reads, and which file goes to which.

A format is a name, the file suffixes it claims, optional magic bytes that
identify it whatever the file is called, and a ``read`` function from bytes
to a :class:`~indexer.model.Document`. Adding a format is one module that
calls :func:`register`; :func:`discover` and :func:`read` then know it.
"""

from __future__ import annotations

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
    skipped: list[FileError] = field(default_factory=list)  # files in no registered format


_FORMATS: dict[str, Format] = {}


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


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def discover(paths: Iterable[Path]) -> Discovered:
    """Return the article files under ``paths`` (files as given, folders recursively, hidden ones left out).

    A file in a folder that no format claims is listed in ``skipped``, never dropped silently.
    """
    out = Discovered()
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if _hidden(f, p) or not f.is_file():
                    continue
                if format_of(f) is not None:
                    out.files.append(f)
                else:
                    out.skipped.append(FileError(str(f), f"{f}: not an article file ({f.suffix or 'no suffix'}); "
                                                         f"jiansuo reads {', '.join(suffixes())}"))
        elif p.exists():
            out.files.append(p)
        else:
            out.errors.append(FileError(str(p), f"{p}: no such file or folder"))
    return out


def read_bytes(path: Path) -> bytes:
    """Return the bytes of ``path``; a missing, unreadable or non-regular file is a ReadError."""
    if path.is_dir():
        raise ReadError(f"{path}: is a directory, not a file; pass the text files inside it")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReadError(f"{path}: no such file; check the path and the file name") from None
    except OSError as err:
        raise ReadError(f"{path}: cannot be read ({err.strerror}); check its permissions") from None


def read(path: Path) -> Document:
    """Read one file in whatever registered format it is (a text format if none claims it)."""
    path = Path(path)
    data = read_bytes(path)
    fmt = format_of(path, data[:16]) or _FORMATS["text"]
    return fmt.read(data, str(path), path.stem)
