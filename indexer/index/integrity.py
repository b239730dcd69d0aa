"""Checksums of every file a commit depends on, so damage is detected instead of served.

After each commit the indexer records, in ``integrity.json``, the size and a
BLAKE2b digest of every file of the new state: the Whoosh table of contents
and segments of that generation, the phrase index's manifest and segments,
the glossary. It also records where each article came from, so a damaged
index can be rebuilt from its source files.

Opening checks cheaply (every file there with its recorded size, the small
control files hashed); ``jiansuo check`` hashes everything. A problem names
the damaged part and the fix.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from indexer.index.durable import fsync_dir

FILE = "integrity.json"
FORMAT = 1
_SMALL = 1 << 20  # files up to this size are hashed even by the quick check
INDEX_NAME = "MAIN"


@dataclass
class Problem:
    """One damaged or missing part of an index."""

    part: str  # "whoosh", "phrases", "glossary" or "integrity"
    path: str  # the file, relative to the index folder
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def digest(path: Path) -> str:
    """Return the BLAKE2b-128 digest of a file."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def whoosh_generation(folder: Path) -> int:
    """Return the latest Whoosh generation in ``folder`` (-1 if there is none)."""
    gens = [int(p.name[len(INDEX_NAME) + 2:-4]) for p in folder.glob(f"_{INDEX_NAME}_*.toc")
            if p.name[len(INDEX_NAME) + 2:-4].isdigit()]
    return max(gens, default=-1)


def whoosh_files(storage, gen: int) -> list[str]:
    """Return the files of Whoosh generation ``gen``: its table of contents and its segments."""
    from whoosh.index import TOC

    toc = TOC.read(storage, INDEX_NAME, gen)
    names = [TOC._filename(INDEX_NAME, gen)]
    for seg in toc.segments:
        names.extend(sorted(seg.list_files(storage)))
    return names


def phrase_files(folder: Path) -> tuple[int, list[str]]:
    """Return the phrase index's manifest version and its files (relative to the index folder)."""
    from indexer.index.phrases import MANIFEST, PARTS

    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    names = [MANIFEST] + [f"{s['name']}.{part}.npy" for s in manifest["segments"] for part in PARTS]
    return manifest["version"], names


def record(store, articles: dict[str, dict]) -> None:
    """Write ``integrity.json`` for the committed state (files already durable).

    :param articles: ``{article id: {"path", "sha"}}`` of every indexed article.
    """
    folder = store.path
    old = _load(folder)
    known = old.get("files", {}) if old else {}
    gen = whoosh_generation(folder)
    storage = store.storage()
    version, phrases = phrase_files(store.phrases_dir)
    names = whoosh_files(storage, gen) + [f"phrases/{n}" for n in phrases]
    if store.glossary_path.exists():
        names.append(store.glossary_path.name)
    files = {}
    for name in names:
        p = folder / name
        st = p.stat()
        prev = known.get(name)
        if prev and prev[0] == st.st_size and not _control(name):  # segments never change once written
            files[name] = prev
        else:
            files[name] = [st.st_size, digest(p)]
    data = {"format": FORMAT, "generation": gen, "phrases_version": version, "files": files,
            "articles": articles}
    tmp = folder / f".{FILE}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, folder / FILE)
    fsync_dir(folder)


def _control(name: str) -> bool:
    """Tell files that are rewritten in place of each other (hashed on every check)."""
    return name.endswith((".toc", ".json"))


def _load(folder: Path) -> dict | None:
    try:
        return json.loads((folder / FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def recorded_articles(folder: Path) -> dict[str, dict]:
    """Return the articles and their source files as of the last recorded commit."""
    data = _load(folder)
    return dict(data.get("articles", {})) if data else {}


def verify(store, full: bool = False) -> list[Problem]:
    """Return the problems of the index in ``store`` (none if it is whole).

    The quick check looks at sizes and hashes the small files; ``full`` hashes every file.
    A part committed after the record (a run stopped between its commits and its record)
    is checked for its files being present. A check that an indexer's commit overtook
    is done again, so a commit in progress is never mistaken for damage.
    """
    for _ in range(5):
        before = _state(store)
        problems = _verify(store, full)
        if not problems or _state(store) == before:
            return problems
    return problems


def _state(store) -> tuple:
    """Return what changes with every commit: the record, the latest generation, the phrase manifest."""
    def mtime(p: Path) -> int:
        try:
            return p.stat().st_mtime_ns
        except OSError:
            return -1

    return (mtime(store.path / FILE), whoosh_generation(store.path),
            mtime(store.phrases_dir / "manifest.json"), mtime(store.glossary_path))


def _verify(store, full: bool) -> list[Problem]:
    folder = store.path
    data = _load(folder)
    if data is None or data.get("format") != FORMAT:
        what = "is missing" if not (folder / FILE).exists() else "is damaged or from another version"
        return [Problem("integrity", FILE, f"{what}; the index cannot be verified")]
    recorded = data["files"]
    gen = whoosh_generation(folder)
    try:
        version, phrases = phrase_files(store.phrases_dir)
    except (OSError, ValueError, KeyError, TypeError):
        version, phrases = None, []
    problems = []
    if gen < data["generation"]:
        problems.append(Problem("whoosh", f"_{INDEX_NAME}_{data['generation']}.toc",
                                "the table of contents of the last commit is missing"))
    if version is None:
        problems.append(Problem("phrases", "phrases/manifest.json", "is missing or damaged"))
    elif version < data["phrases_version"]:
        problems.append(Problem("phrases", "phrases/manifest.json", "is older than the last commit"))
    checked = {name for name in recorded
               if (_part(name) == "whoosh" and gen == data["generation"])
               or (_part(name) == "phrases" and version == data["phrases_version"])
               or (_part(name) == "glossary" and gen == data["generation"])}
    for name in sorted(checked):
        problems.extend(_check(folder, name, *recorded[name], full))
    if gen > data["generation"]:
        problems.extend(_present(store, gen, "whoosh"))
    if version is not None and version > data["phrases_version"]:
        problems.extend(Problem("phrases", f"phrases/{n}", "is missing")
                        for n in phrases if not (store.phrases_dir / n).exists())
    return problems


def _part(name: str) -> str:
    if name.startswith("phrases/"):
        return "phrases"
    return "glossary" if name.endswith(".json") else "whoosh"


def _check(folder: Path, name: str, size: int, want: str, full: bool) -> list[Problem]:
    p = folder / name
    try:
        st = p.stat()
    except FileNotFoundError:
        return [Problem(_part(name), name, "is missing")]
    if st.st_size != size:
        return [Problem(_part(name), name, f"is {st.st_size:,} bytes, {size:,} when written (truncated or altered)")]
    if (full or size <= _SMALL or _control(name)) and digest(p) != want:
        return [Problem(_part(name), name, "has changed since it was written (checksum mismatch)")]
    return []


def _present(store, gen: int, part: str) -> list[Problem]:
    """Check that the Whoosh files of an unrecorded commit are there and readable."""
    try:
        names = whoosh_files(store.storage(), gen)
    except Exception as err:  # noqa: BLE001 - whoosh raises bare Exceptions on damage
        return [Problem(part, f"_{INDEX_NAME}_{gen}.toc", f"cannot be read ({err.__class__.__name__})")]
    return [Problem(part, n, "is missing") for n in names if not (store.path / n).exists()]
