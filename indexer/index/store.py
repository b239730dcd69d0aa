"""The on-disk layout of a local index, owned here and nowhere else.

::

    INDEX_DIR/
      _MAIN_<generation>.toc, *.seg   Whoosh: words, fields, stored passages, article cards and data
      MAIN_WRITELOCK, GLOSSARY        Whoosh's lock files
      phrases/                        exact-phrase index: manifest.json and .npy segments
      glossary.json                   term pairs and variants, rebuilt after every commit
      integrity.json                  size and checksum of every file above, and the source files

Whoosh commits by renaming a new table of contents into place, the phrase
index by replacing its manifest, the glossary by renaming a temporary file:
a reader sees the old or the new version of each, never half of one. Every
file is on disk before the name that points at it (:mod:`indexer.index.durable`),
and :mod:`indexer.index.integrity` detects a damaged file before it is served.
"""

from __future__ import annotations

import os
from pathlib import Path

from indexer.errors import IndexStateError
from indexer.index.durable import DurableFileStorage, fsync_dir
from indexer.index.schema import make_schema

PHRASES_DIR = "phrases"
GLOSSARY_FILE = "glossary.json"


class Store:
    """One local index directory."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    @property
    def phrases_dir(self) -> Path:
        return self.path / PHRASES_DIR

    @property
    def glossary_path(self) -> Path:
        return self.path / GLOSSARY_FILE

    def exists(self) -> bool:
        """Tell whether an index is here, without loading it (another version's may not load)."""
        return any(self.path.glob("_MAIN_*.toc"))

    def storage(self) -> DurableFileStorage:
        """Return the Whoosh storage of this folder (every write synced to disk)."""
        return DurableFileStorage(str(self.path))

    def open(self):
        """Open the Whoosh index; a missing, damaged or foreign one is an IndexStateError."""
        if not self.exists():
            if self.was_indexed():
                self.check()  # names what is missing
            raise IndexStateError(f"{self.path}: no index here yet; build one with "
                                  f"`jiansuo index FOLDER --index {self.path}`")
        try:
            ix = self.storage().open_index()
        except Exception as err:  # whoosh raises bare Exceptions on damage
            raise IndexStateError(f"{self.path}: the index cannot be opened ({err}); "
                                  "delete the folder and run `jiansuo index` again") from err
        if set(ix.schema.names()) != set(make_schema().names()):
            raise IndexStateError(f"{self.path}: this index was built by another version of jiansuo; "
                                  "delete the folder and index again")
        return ix

    def was_indexed(self) -> bool:
        """Tell whether a commit was ever recorded here (even if the index is now damaged)."""
        from indexer.index.integrity import FILE

        return (self.path / FILE).exists()

    def open_or_create(self):
        """Open the index, creating an empty one if there is none."""
        self.path.mkdir(parents=True, exist_ok=True)
        if self.exists():
            return self.open()
        return self.storage().create_index(make_schema())

    def load_glossary(self):
        """Return the glossary built at the last commit (the variant table alone if none was)."""
        from indexer.crosslang.glossary import Glossary, build_glossary

        if self.glossary_path.exists():
            return Glossary.from_json(self.glossary_path.read_text("utf-8"), str(self.glossary_path))
        return build_glossary([])

    def write_glossary(self, glossary) -> None:
        """Replace the glossary file atomically."""
        tmp = self.path / f".{GLOSSARY_FILE}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(glossary.to_json())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.glossary_path)
        fsync_dir(self.path)

    def glossary_mtime(self) -> int:
        """Return the glossary file's modification time in ns (0 if there is none)."""
        try:
            return self.glossary_path.stat().st_mtime_ns
        except OSError:
            return 0

    def glossary_stale(self, ix) -> bool:
        """Tell whether the glossary is missing, unreadable or older than the latest commit."""
        try:
            if self.glossary_path.stat().st_mtime < ix.last_modified():
                return True
            self.load_glossary()
        except (OSError, IndexStateError):
            return True
        return False

    def problems(self, full: bool = False) -> list:
        """Return what is missing or damaged (:func:`indexer.index.integrity.verify`)."""
        from indexer.index.integrity import verify

        return verify(self, full=full)

    def check(self) -> None:
        """Raise IndexStateError naming the first damaged part, if any (the quick check)."""
        problems = self.problems()
        if problems:
            more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
            raise IndexStateError(f"{self.path}: the index is damaged: {problems[0]}{more}; "
                                  f"run `jiansuo index --repair --index {self.path}`")

    def size(self) -> int:
        """Return the bytes of every file of the index."""
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())

