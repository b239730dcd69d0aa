"""Build and update the local index from article files.

Incremental: a file whose content hash is unchanged is skipped, a changed file
replaces its article, a file that disappeared from an indexed folder removes
its article. Atomic: Whoosh writes new segments and then renames a new table
of contents into place in one step, so a crash leaves the previous index
readable. A bad file is reported and skipped; the run goes on.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
from whoosh import writing as whoosh_writing
from whoosh.index import LockError

from indexer.errors import IndexStateError
from indexer.index.changes import Changes
from indexer.index.columns import NO_PID, live_pids
from indexer.index.documents import article_documents
from indexer.index.phrases import PhraseIndex
from indexer.index.store import Store
from indexer.ingest import discover
from indexer.model import BuildReport


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
    garbage = np.setdiff1d(phrases.pids(), live[live != NO_PID].astype(np.int64))
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


@contextmanager
def _transaction(store: Store, wait: float, create: bool = True):
    """Yield (index, Whoosh writer, phrase writer); cancel both if the block fails."""
    ix = store.open_or_create() if create else store.open()
    writer = _writer(ix, store.path, wait)
    phrases = phrase_writer(store, ix)
    try:
        yield ix, writer, phrases
    except BaseException:
        phrases.cancel()
        if not writer.is_closed:  # a committed writer cannot be cancelled: keep the real error
            writer.cancel()
        raise


def build_index(
    paths: Iterable[Path],
    index_dir: Path,
    progress: Callable[[Path], None] | None = None,
    wait: float = 0.0,
) -> BuildReport:
    """Index the article files under ``paths`` into ``index_dir``, incrementally.

    :param progress: called with each file as it is processed.
    :param wait: seconds to wait for another indexer's lock before giving up.
    """
    started = time.perf_counter()
    roots = [Path(p).resolve() for p in paths]
    report = BuildReport()
    found = discover(roots)
    files, report.errors, report.skipped = found.files, found.errors, found.skipped
    store = Store(index_dir)
    with _transaction(store, wait) as (ix, writer, phrases):
        changes = Changes(_indexed_articles(ix), report)
        for aid, replaces, docs in changes.files(files, article_documents, progress):
            if replaces:
                writer.delete_by_term("article", aid)
            for doc in docs:
                if "kindnum" in doc:
                    doc["pid"] = phrases.add(doc["text"])
                writer.add_document(**doc)
        for aid in changes.vanished(roots):
            writer.delete_by_term("article", aid)
        _commit(store, ix, writer, phrases, report.changed)
    report.seconds = time.perf_counter() - started
    return report


def _commit(store: Store, ix, writer, phrases, changed: bool) -> None:
    """Commit the phrase index, then Whoosh (or cancel it if nothing changed), then the glossary."""
    phrases.commit()  # first: new pids unknown to Whoosh are ignored until it commits
    if changed:
        writer.commit()
        rebuild_glossary(store)
    else:
        writer.cancel()
        if store.glossary_stale(ix):  # an indexer died between commit and glossary
            rebuild_glossary(store)


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


def rebuild_glossary(store: Store) -> None:
    """Rebuild the glossary from the term pairs stored on every article card.

    Written to a temporary file and renamed, so readers see the old or the new one.
    """
    from indexer.crosslang.glossary import TermPair, build_glossary

    ix = store.open()
    lock = ix.lock("GLOSSARY")  # one writer at a time, each reading the latest version
    lock.acquire(blocking=True)
    try:
        with ix.searcher() as s:
            pairs = [TermPair(**p) for card in s.documents(kind="article")
                     for p in card.get("meta", {}).get("pairs", [])]
        store.write_glossary(build_glossary(pairs))
    finally:
        lock.release()
