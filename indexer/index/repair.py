"""Repair a damaged local index from its intact parts or from the source files.

What is damaged decides what is rebuilt: a glossary from the article cards
(done by every commit), a phrase index from the passage texts Whoosh stores
(same keys), anything else — the word index, or an index whose parts cannot
be verified — from the source files recorded at the last commit (and any
files given now), into a new folder that then takes the damaged one's place.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from indexer.errors import IndexStateError
from indexer.index import integrity
from indexer.index.columns import NO_PID
from indexer.index.phrases import PhraseIndex
from indexer.index.store import Store


def repair_damage(store: Store, files: list[Path], full: bool = False, wait: float = 0.0) -> list[str]:
    """Rebuild whatever :meth:`Store.problems` reports; return one line per repair made."""
    problems = store.problems(full=full)
    if not problems:
        return []
    parts = {p.part for p in problems}
    if "integrity" in parts and store.exists():
        store.open()  # no record: an index from another version is refused here, never rebuilt
    said = [f"{store.path}: damaged: {p}" for p in problems]
    if parts <= {"glossary", "integrity"} and _consistent(store):
        return [*said, f"{store.path}: repaired: rewrote the glossary and the checksums"]
    if parts <= {"phrases", "glossary", "integrity"} and _whoosh_readable(store):
        n = rebuild_phrases(store, wait)
        return [*said, f"{store.path}: repaired: rebuilt the phrase index from {n:,} stored passages"]
    n = rebuild_from_sources(store, files)
    return [*said, f"{store.path}: repaired: rebuilt the index from {n:,} source files"]


def _whoosh_readable(store: Store) -> bool:
    try:
        with store.open().searcher() as s:
            s.doc_count_all()
        return True
    except (IndexStateError, Exception):  # noqa: BLE001 - whoosh raises bare Exceptions on damage
        return False


def _consistent(store: Store) -> bool:
    """Tell whether Whoosh opens and the phrase index holds a key for every passage."""
    if not _whoosh_readable(store):
        return False
    try:
        phrases = PhraseIndex(store.phrases_dir)
        with store.open().searcher() as s:
            pids = {f["pid"] for f in s.all_stored_fields() if f.get("pid") is not None}
        return pids <= set(phrases.pids().tolist())
    except (OSError, ValueError, IndexStateError):
        return False


def rebuild_phrases(store: Store, wait: float = 0.0) -> int:
    """Rebuild the phrase index from the passages Whoosh stores, under the write lock."""
    ix = store.open()
    lock = ix.lock("WRITELOCK")
    if not lock.acquire(blocking=wait > 0):
        raise IndexStateError(f"{store.path}: another indexer is writing to this index; wait for it to finish")
    try:
        fresh = store.path / f".phrases-rebuild-{secrets.token_hex(4)}"
        writer = PhraseIndex(fresh).writer()
        n = 0
        with ix.searcher() as s:
            for fields in s.all_stored_fields():
                pid = fields.get("pid")
                if pid is not None and pid != int(NO_PID) and "text" in fields:
                    writer.add(fields["text"], pid)
                    n += 1
        writer.commit()
        _swap(fresh, store.phrases_dir)
        return n
    finally:
        lock.release()


def rebuild_from_sources(store: Store, files: list[Path]) -> int:
    """Build a new index from the recorded source files (and ``files``) and put it in place."""
    from indexer.index.build import build_index

    recorded = [Path(a["path"]) for a in integrity.recorded_articles(store.path).values() if a.get("path")]
    sources = list(dict.fromkeys([*recorded, *(Path(f).resolve() for f in files)]))
    present = [p for p in sources if p.exists()]
    if not present:
        raise IndexStateError(f"{store.path}: the index is damaged and the list of its source files is lost; "
                              "run `jiansuo index FOLDER --repair` with the folders you indexed")
    fresh = store.path.parent / f".{store.path.name}.repair-{secrets.token_hex(4)}"
    report = build_index(present, fresh)
    if not report.added:
        shutil.rmtree(fresh, ignore_errors=True)
        raise IndexStateError(f"{store.path}: could not rebuild the index: none of its source files could be read")
    _swap(fresh, store.path)
    return len(present)


def _swap(fresh: Path, target: Path) -> None:
    """Put folder ``fresh`` in the place of ``target`` and delete the old one."""
    old = target.parent / f".{target.name}.damaged-{secrets.token_hex(4)}"
    if target.exists():
        os.rename(target, old)
    os.rename(fresh, target)
    shutil.rmtree(old, ignore_errors=True)
