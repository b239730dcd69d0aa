"""Build and update the local index from article files.

Incremental: a file whose content hash is unchanged is skipped, a changed file
replaces its article, a file that disappeared from an indexed folder removes
its article. Atomic: Whoosh writes new segments and then renames a new table
of contents into place in one step, so a crash leaves the previous index
readable; every file is on disk before the table of contents names it. A bad
file is reported and skipped; the run goes on. A damaged index is repaired
first (:mod:`indexer.index.repair`); updates merge segments so the index does
not grow with every run.
"""

from __future__ import annotations

import errno
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
from whoosh import writing as whoosh_writing
from whoosh.index import TOC, LockError, clean_files

from indexer import settings
from indexer.errors import IndexStateError, IndexWriteError
from indexer.index import integrity
from indexer.index.changes import Changes
from indexer.index.columns import NO_PID, live_pids
from indexer.index.documents import article_documents
from indexer.index.phrases import PhraseIndex
from indexer.index.store import Store
from indexer.ingest import discover
from indexer.model import BuildReport

MERGE_DEAD = 0.15  # merge every segment once this share of the documents is deleted
MAX_WHOOSH_SEGMENTS = 10
Notify = Callable[[str], None]


class _Lengths:
    """Field lengths of a new segment, read once per field instead of once per posting."""

    def __init__(self, reader):
        self._reader = reader
        self._columns: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        column = self._columns.get(fieldname)
        if column is None:
            read = self._reader.doc_field_length
            column = [read(d, fieldname, default) for d in range(self._reader.doc_count_all())]
            self._columns[fieldname] = column
        return column[docnum]


class SegmentWriter(whoosh_writing.SegmentWriter):
    """Whoosh's segment writer with field lengths cached while postings are written.

    Stock Whoosh seeks and reads a length from disk for every posting; on
    passage-sized documents that was a third of the commit time.
    """

    def _flush_segment(self):
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, _Lengths(reader) if reader else None,
                                      self.pool.iter_postings())
        self.fieldwriter.close()
        if reader:
            reader.close()


def merge_policy(writer, segments):
    """Merge small segments; merge all of them once many documents are deleted or segments pile up.

    Replacing an article deletes its old documents; without this, 60 runs that
    change a sixth of the articles left an index 3-5 times a fresh one's size.
    """
    total = sum(seg.doc_count_all() for seg in segments)
    dead = sum(seg.deleted_count() for seg in segments)
    if segments and (dead > MERGE_DEAD * total or len(segments) > MAX_WHOOSH_SEGMENTS):
        return whoosh_writing.OPTIMIZE(writer, segments)
    return whoosh_writing.MERGE_SMALL(writer, segments)


def _indexed_articles(ix) -> dict[str, dict]:
    """Return ``{article id: {"path", "sha"}}`` for every indexed article."""
    with ix.searcher() as s:
        return {
            f["article"]: {"path": f.get("path"), "sha": f.get("sha")}
            for f in s.documents(kind="article")
        }


def phrase_writer(store: Store, ix):
    """Open the phrase index writer and drop the pids no live Whoosh document refers to.

    Those are left over from replaced articles and from runs that died between
    the two commits; readers ignore them, this reclaims their space.
    """
    phrases = PhraseIndex(store.phrases_dir)
    writer = phrases.writer()
    with ix.reader() as reader:
        live = live_pids(reader)
    live = live[live != NO_PID].astype(np.int64)
    if live.size and writer.next_pid <= int(live.max()):
        writer.cancel()
        raise IndexStateError(f"{store.path}: the phrase index is behind the word index (next key "
                              f"{writer.next_pid}, keys up to {int(live.max())} in use); "
                              f"run `jiansuo index --repair --index {store.path}`")
    garbage = np.setdiff1d(phrases.pids(), live)
    if garbage.size:
        writer.delete(garbage)
    return writer


def _writer(ix, index_dir: Path, wait: float):
    try:
        return SegmentWriter(ix, timeout=wait, delay=0.25)
    except LockError as err:
        raise IndexStateError(
            f"{index_dir}: another indexer is writing to this index; wait for it to finish "
            f"(or pass --wait SECONDS)"
        ) from err


def write_error(err: OSError, folder: Path) -> IndexWriteError:
    """Say in one line why the index could not be written, and what to do."""
    if err.errno == errno.ENOSPC or err.errno == errno.EDQUOT:
        why = "the disk is full; free some space and run `jiansuo index` again"
    elif err.errno == errno.EROFS:
        why = "it is on a read-only file system; give --index a folder on a writable disk"
    elif err.errno in (errno.EACCES, errno.EPERM):
        why = "permission denied; give --index a folder you can write to, or fix its permissions"
    else:
        why = f"{err.strerror or err}; check the disk and run `jiansuo index` again"
    return IndexWriteError(f"{folder}: cannot write the index: {why} (the index is unchanged)")


def _remove_partial(store: Store) -> None:
    """Delete Whoosh files the current table of contents does not name (left by a failed run)."""
    try:
        storage = store.storage()
        gen = integrity.whoosh_generation(store.path)
        if gen >= 0:
            clean_files(storage, integrity.INDEX_NAME, gen, TOC.read(storage, integrity.INDEX_NAME, gen).segments)
    except Exception:  # noqa: BLE001 - best effort after a failure; the next commit cleans up too
        pass


def _abandon(writer) -> None:
    """Cancel a Whoosh writer whose files may not close cleanly (a full disk): close each one anyway."""
    try:
        writer.cancel()
        return
    except OSError:
        pass
    writer.storage.abandon()
    try:
        writer._finish()
    except OSError:
        pass


@contextmanager
def _transaction(store: Store, wait: float, create: bool = True):
    """Yield (index, Whoosh writer, phrase writer); cancel both and clean up if the block fails."""
    try:
        ix = store.open_or_create() if create else store.open()
        writer = _writer(ix, store.path, wait)
    except OSError as err:
        raise write_error(err, store.path) from err
    try:
        phrases = phrase_writer(store, ix)
    except BaseException:
        writer.cancel()
        raise
    try:
        yield ix, writer, phrases
    except BaseException as err:
        phrases.cancel()
        if not writer.is_closed:  # a committed writer cannot be cancelled: keep the real error
            _abandon(writer)
            phrases.undo()
            _remove_partial(store)
        if isinstance(err, OSError) and not isinstance(err, IndexWriteError):
            raise write_error(err, store.path) from err
        raise


def build_index(
    paths: Iterable[Path],
    index_dir: Path,
    progress: Callable[[Path], None] | None = None,
    wait: float = 0.0,
    repair: bool = False,
    notify: Notify | None = None,
) -> BuildReport:
    """Index the article files under ``paths`` into ``index_dir``, incrementally.

    A damaged index is repaired first (from the other parts, or from the source files).

    :param progress: called with each file as it is processed.
    :param wait: seconds to wait for another indexer's lock before giving up.
    :param repair: verify every file's checksum, not only sizes, before indexing.
    :param notify: called with a line to show the user while waiting.
    """
    from indexer.index.repair import repair_damage

    started = time.perf_counter()
    roots = [Path(p).resolve() for p in paths]
    report = BuildReport()
    found = discover(roots)
    files, report.errors, report.skipped = found.files, found.errors, found.skipped
    unreadable = [d.resolve() for d in found.unreadable]
    store = Store(index_dir)
    if store.exists() or store.was_indexed():
        report.warnings.extend(repair_damage(store, files, full=repair, wait=wait))
    with _transaction(store, wait) as (ix, writer, phrases):
        changes = Changes(_indexed_articles(ix), report)
        for aid, replaces, docs in changes.files(files, article_documents, progress):
            if replaces:
                writer.delete_by_term("article", aid)
            for doc in docs:
                if "kindnum" in doc:
                    doc["pid"] = phrases.add(doc["text"])
                writer.add_document(**doc)
        for aid in changes.vanished(roots, unreadable):
            writer.delete_by_term("article", aid)
        report.warnings.extend(_commit(store, ix, writer, phrases, report.changed, notify))
    report.seconds = time.perf_counter() - started
    return report


def _commit(store: Store, ix, writer, phrases, changed: bool, notify: Notify | None = None) -> list[str]:
    """Commit the phrase index, then Whoosh (or cancel it), then the glossary, then the checksums.

    Returns warnings (a glossary left for the next run).
    """
    phrases.commit()  # first: new pids unknown to Whoosh are ignored until it commits
    if changed:
        writer.commit(mergetype=merge_policy)
    else:
        writer.cancel()
    warnings = []
    if changed or store.glossary_stale(ix):  # stale: an indexer died between commit and glossary
        if not rebuild_glossary(store, notify=notify):
            warnings.append(f"{store.path}: the glossary was not updated: another indexer kept it locked; "
                            "run `jiansuo index` again to update it")
    if changed or store.problems():
        integrity.record(store, _indexed_articles(store.open()))
    return warnings


def remove_articles(index_dir: Path, article_ids: Iterable[str], wait: float = 0.0) -> list[str]:
    """Remove articles from the index by id; return the ids that were indexed (and are now gone)."""
    store = Store(index_dir)
    with _transaction(store, wait, create=False) as (ix, writer, phrases):
        indexed = _indexed_articles(ix)
        gone = [aid for aid in dict.fromkeys(article_ids) if aid in indexed]
        for aid in gone:
            writer.delete_by_term("article", aid)
        _commit(store, ix, writer, phrases, bool(gone))
    return gone


def rebuild_glossary(store: Store, notify: Notify | None = None) -> bool:
    """Rebuild the glossary from the term pairs stored on every article card.

    Written to a temporary file and renamed, so readers see the old or the new one.
    Waits up to the ``lock_wait`` setting for another indexer's glossary update;
    returns False if it gave up (the glossary then stays as it was).
    """
    from indexer.crosslang.glossary import TermPair, build_glossary

    ix = store.open()
    lock = ix.lock("GLOSSARY")  # one writer at a time, each reading the latest version
    deadline = time.monotonic() + settings.get_float("lock_wait")
    told = False
    while not lock.acquire(blocking=False):
        if time.monotonic() > deadline:
            return False
        if notify and not told:
            notify(f"waiting for another indexer to finish updating the glossary of {store.path} …")
            told = True
        time.sleep(0.1)
    try:
        with ix.searcher() as s:
            pairs = [TermPair(**p) for card in s.documents(kind="article")
                     for p in card.get("meta", {}).get("pairs", [])]
        store.write_glossary(build_glossary(pairs))
    finally:
        lock.release()
    return True
