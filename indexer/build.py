"""Build and update the on-disk index from article files.

Incremental: a file whose content hash is unchanged is skipped, a changed file
replaces its article, a file that disappeared from an indexed folder removes
its article. Atomic: Whoosh writes new segments and then renames a new table
of contents into place in one step, so a crash leaves the previous index
readable. A bad file is reported and skipped; the run goes on.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
from whoosh import index as whoosh_index
from whoosh import writing as whoosh_writing
from whoosh.index import LockError

from indexer import settings
from indexer.errors import IndexStateError, JiansuoError
from indexer.glossary import mine_article
from indexer.model import Article
from indexer.passages import article_year, passages
from indexer.phrases import PhraseIndex
from indexer.schema import KIND_BOOST, PASSAGE_KINDS, make_schema

ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


@dataclass
class FileError:
    path: str
    message: str


@dataclass
class BuildReport:
    """What an indexing run did; ``errors`` lists every file that was skipped."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


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


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[FileError]]:
    """Return the article files under ``paths`` (files as given, folders recursively)."""
    files: list[Path] = []
    errors: list[FileError] = []
    for p in paths:
        if p.is_dir():
            files.extend(
                sorted(f for f in p.rglob("*")
                       if f.suffix.lower() in ARTICLE_SUFFIXES and f.is_file()
                       and not any(part.startswith(".") for part in f.relative_to(p).parts))
            )
        elif p.exists():
            files.append(p)
        else:
            errors.append(FileError(str(p), f"{p}: no such file or folder"))
    return files, errors


def index_exists(index_dir: Path) -> bool:
    """Tell whether ``index_dir`` holds an index without loading it (another version's may not load)."""
    return any(Path(index_dir).glob("_MAIN_*.toc"))


def open_or_create(index_dir: Path):
    """Open the index in ``index_dir``, creating an empty one if there is none."""
    index_dir.mkdir(parents=True, exist_ok=True)
    if index_exists(index_dir):
        try:
            ix = whoosh_index.open_dir(str(index_dir))
        except Exception as err:  # whoosh raises bare Exceptions on damage
            raise IndexStateError(
                f"{index_dir}: the index cannot be opened ({err}); delete the folder and index again"
            ) from err
        if set(ix.schema.names()) != set(make_schema().names()):
            raise IndexStateError(
                f"{index_dir}: this index was built by another version of jiansuo; "
                "delete the folder and index again"
            )
        return ix
    return whoosh_index.create_in(str(index_dir), make_schema())


def _indexed_articles(ix) -> dict[str, dict]:
    """Return ``{article id: {"path", "sha"}}`` for every indexed article."""
    with ix.searcher() as s:
        return {
            f["article"]: {"path": f.get("path"), "sha": f.get("sha")}
            for f in s.documents(kind="article")
        }


def _within(path: str, roots: list[Path]) -> bool:
    p = Path(path)
    return any(p == r or r in p.parents for r in roots)


def article_documents(article: Article, path: str, sha: str) -> list[dict]:
    """Return the Whoosh documents of one article: its passages, its card, its data.

    Passage documents get their ``pid`` (phrase index key) when they are written.
    """
    aid = article.id
    year = article_year(article)
    docs = []
    for p in passages(article):
        doc = dict(
            id=f"{aid}#{p.id}", article=aid, kind=p.kind, passage=p.id,
            position=p.position, text=p.text, notes=p.notes, body=p.text,
            kindnum=PASSAGE_KINDS.index(p.kind), arthash=article_key(aid),
            _boost=KIND_BOOST[p.kind],
        )
        if year:
            doc["year"] = year
        if p.section:
            doc["section"] = p.section
            doc["section_title"] = p.section_title
            doc["section_c"] = p.section_title or ""
        if p.source:
            doc["source_c"] = p.source
        docs.append(doc)
    names = [n for a in article.authors for n in (a.name.zh, a.name.en) if n]
    card = dict(
        id=aid, article=aid, kind="article", path=path, sha=sha, arthash=article_key(aid),
        title_c="\n".join(t for t in (article.title.zh, article.title.en) if t),
        author_c="\n".join(names),
        keyword_c="\n".join(article.keywords.zh + article.keywords.en),
        meta={
            "title": article.title.zh or article.title.en or aid,
            "title_en": article.title.en,
            "authors": names,
            "year": year,
            "sections": {s.id: s.title for s in article.sections},
            "pairs": [asdict(p) for p in mine_article(article)],
        },
    )
    if year:
        card["year"] = year
    docs.append(card)
    docs.append(dict(id=f"{aid}#data", article=aid, kind="data",
                     data=json.dumps(article.to_dict(), ensure_ascii=False)))
    return docs


PHRASES_DIR = "phrases"


def column_array(reader, fieldname: str, dtype, missing) -> np.ndarray:
    """Return a numeric column of a Whoosh reader as an array, ``missing`` for deleted docs.

    Reads each segment's column bytes in one go instead of one value at a time.
    """
    out = np.full(reader.doc_count_all(), missing, dtype=dtype)
    for leaf, offset in reader.leaf_readers():
        n = leaf.doc_count_all()
        if not n:
            continue
        column = leaf.column_reader(fieldname, translate=False)
        try:  # NumericColumn.Reader: big-endian fixed-size values, then defaults
            raw = column._dbfile.get(column._basepos, column._count * column._fixedlen)
            values = np.frombuffer(raw, dtype=">" + column._typecode)
            out[offset:offset + len(values)] = values
            out[offset + len(values):offset + n] = column._default
        except AttributeError:  # another column type: read value by value
            out[offset:offset + n] = np.fromiter(iter(column), dtype=dtype, count=n)
        if leaf.has_deletions():
            out[offset + np.fromiter(leaf.deleted_docs_set, dtype=np.int64)] = missing
    return out


def live_pids(reader) -> np.ndarray:
    """Return the pid of every live document of a Whoosh reader (``NO_PID`` where none)."""
    return column_array(reader, "pid", np.uint64, NO_PID)


def article_key(article_id: str) -> int:
    """Return the 64-bit number that stands for an article in the ``arthash`` column."""
    return int.from_bytes(hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest(), "little")


NO_PID = np.uint64(2**64 - 1)  # the column default of documents without a pid


def phrase_writer(index_dir: Path, ix):
    """Open the phrase index writer and drop the pids no live Whoosh document refers to.

    Those are left over from replaced articles and from runs that died between
    the two commits; readers ignore them, this reclaims their space.
    """
    phrases = PhraseIndex(index_dir / PHRASES_DIR)
    writer = phrases.writer()
    with ix.reader() as reader:
        live = live_pids(reader)
    garbage = np.setdiff1d(phrases.pids(), live[live != NO_PID].astype(np.int64))
    if garbage.size:
        writer.delete(garbage)
    return writer


def _load(path: Path) -> Article:
    """Read and parse one file (imported late: the CLI starts faster)."""
    from indexer.parse import parse_file

    return parse_file(path)


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
    files, report.errors = discover(roots)
    ix = open_or_create(Path(index_dir))
    try:
        writer = SegmentWriter(ix, timeout=wait, delay=0.25)
    except LockError as err:
        raise IndexStateError(
            f"{index_dir}: another indexer is writing to this index; wait for it to finish "
            f"(or pass --wait SECONDS)"
        ) from err
    phrases = phrase_writer(Path(index_dir), ix)
    try:
        indexed = _indexed_articles(ix)
        seen: dict[str, str] = {}
        for path in files:
            if progress:
                progress(path)
            spath = str(path)
            try:
                sha = hashlib.sha256(path.read_bytes()).hexdigest()
                aid = path.stem
                if aid in seen:
                    raise JiansuoError(
                        f"{path}: article id {aid!r} is already used by {seen[aid]}; rename one file"
                    )
                old = indexed.get(aid)
                if old and old["sha"] == sha and old["path"] == spath:
                    seen[aid] = spath
                    report.unchanged.append(aid)
                    continue
                if old and old["path"] != spath and Path(old["path"]).exists():
                    raise JiansuoError(
                        f"{path}: article id {aid!r} is already used by {old['path']}; rename one file"
                    )
                article = _load(path)
                docs = article_documents(article, spath, sha)
            except JiansuoError as err:
                report.errors.append(FileError(spath, str(err).splitlines()[0]))
                continue
            except (OSError, UnicodeError, ValueError) as err:
                report.errors.append(FileError(spath, f"{path}: {err}"))
                continue
            seen[aid] = spath
            report.warnings.extend(f"{path}: {w}" for w in article.warnings)
            if old:
                writer.delete_by_term("article", aid)
                report.updated.append(aid)
            else:
                report.added.append(aid)
            for doc in docs:
                if "kindnum" in doc:
                    doc["pid"] = phrases.add(doc["text"])
                writer.add_document(**doc)
        for aid, info in indexed.items():
            if aid not in seen and info["path"] and _within(info["path"], roots) \
                    and not Path(info["path"]).exists():
                writer.delete_by_term("article", aid)
                report.removed.append(aid)
        if report.added or report.updated or report.removed:
            phrases.commit()  # first: new pids unknown to Whoosh are ignored until it commits
            writer.commit()
            _after_commit(Path(index_dir))
        else:
            phrases.commit()
            writer.cancel()
            if _glossary_stale(ix, Path(index_dir)):  # an indexer died between commit and glossary
                _after_commit(Path(index_dir))
    except BaseException:
        phrases.cancel()
        if not writer.is_closed:  # a committed writer cannot be cancelled: keep the real error
            writer.cancel()
        raise
    report.seconds = time.perf_counter() - started
    return report


GLOSSARY_FILE = "glossary.json"


def _after_commit(index_dir: Path) -> None:
    """Rebuild the glossary from the term pairs stored on every article card.

    Written to a temporary file and renamed, so readers see the old or the new one.
    """
    from indexer.glossary import TermPair, build_glossary
    from indexer.variants import default_variants

    ix = whoosh_index.open_dir(str(index_dir))
    lock = ix.lock("GLOSSARY")  # one writer at a time, each reading the latest version
    lock.acquire(blocking=True)
    try:
        with ix.searcher() as s:
            pairs = [TermPair(**p) for card in s.documents(kind="article")
                     for p in card.get("meta", {}).get("pairs", [])]
        glossary = build_glossary(pairs, default_variants(settings.get("variants") or None))
        tmp = index_dir / f".{GLOSSARY_FILE}.tmp"
        tmp.write_text(glossary.to_json(), "utf-8")
        os.replace(tmp, index_dir / GLOSSARY_FILE)
    finally:
        lock.release()


def _glossary_stale(ix, index_dir: Path) -> bool:
    """Tell whether the glossary is missing or older than the latest commit."""
    try:
        return (index_dir / GLOSSARY_FILE).stat().st_mtime < ix.last_modified()
    except OSError:
        return True


def load_glossary(index_dir: Path):
    """Return the glossary of the index in ``index_dir`` (variants only if none was built)."""
    from indexer.glossary import Glossary, build_glossary
    from indexer.variants import default_variants

    path = Path(index_dir) / GLOSSARY_FILE
    if path.exists():
        return Glossary.from_json(path.read_text("utf-8"), str(path))
    return build_glossary([], default_variants(settings.get("variants") or None))
