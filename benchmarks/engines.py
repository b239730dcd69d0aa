"""One adapter per engine, all with the same small interface.

* :class:`Jiansuo` -- our engine (the local backend, :mod:`indexer.backends.local`), passages;
* :class:`WhooshJieba` -- the stock recipe: Whoosh + ``jieba.analyse.ChineseAnalyzer``
  over whole documents, queries typed as they come;
* :class:`SqliteTrigram` -- SQLite FTS5 ``trigram``, one row per file block
  (title line, paragraph, note), ``instr`` for 1-2 character queries;
* :class:`TantivyHan` -- tantivy with a one-Han-character regex tokenizer, one
  document per file block, phrase queries over characters.

``units(files)`` yields what an engine retrieves, as ``(unit id, text)``; the
phrase truth is a brute-force scan of exactly those texts, so every engine is
judged on its own unit (passage or document).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.corpus import article_id

Unit = tuple[str, str]  # (article id, passage id); whole documents use passage ""


@dataclass
class Result:
    total: int
    units: list[Unit] = field(default_factory=list)
    snippets: list[str] = field(default_factory=list)


def dir_size(path: Path) -> int:
    """Return the bytes of every file under ``path``."""
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def blocks(path: Path) -> list[str]:
    """Return the blank-line separated blocks of an article file (title first).

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_text("\\n標題\\n\\n第一段\\n接續\\n\\n\\n¹ 註\\n", encoding="utf-8")
    >>> blocks(p)
    ['標題', '第一段\\n接續', '¹ 註']
    """
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    return [b.strip() for b in text.split("\n\n") if b.strip()]


def _han_only(q: str) -> bool:
    return all("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in q)


class Engine:
    """The shared interface; subclasses fill in the engine-specific parts."""

    name = "engine"
    unit = "passage"  # or "document"

    def __init__(self) -> None:
        self.index_dir: Path | None = None

    def build(self, files: list[Path], index_dir: Path) -> dict:
        """Index ``files`` into the empty folder ``index_dir``."""
        raise NotImplementedError

    def open(self, index_dir: Path) -> "Engine":
        """Open a built index for searching."""
        self.index_dir = Path(index_dir)
        return self

    def close(self) -> None:
        """Release the searcher."""

    def search(self, query: str, limit: int = 10, field: str | None = None) -> Result:
        """Run a user query the way this engine's users would, snippets included."""
        raise NotImplementedError

    def phrase(self, query: str) -> set[Unit]:
        """Return every unit this engine says contains ``query`` as an exact phrase."""
        raise NotImplementedError

    def units(self, files: Iterable[Path]) -> Iterator[tuple[Unit, str]]:
        """Yield the retrieval units of ``files`` with their text."""
        for path in files:
            aid = article_id(path)
            for k, block in enumerate(blocks(path)):
                yield (aid, f"b{k}"), block

    def size_on_disk(self) -> int:
        """Return the index size in bytes."""
        return dir_size(self.index_dir)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Jiansuo(Engine):
    """Our engine: passages from ``indexer.index.passages``, through the local backend."""

    name = "jiansuo"
    expand = False

    def build(self, files, index_dir):
        from indexer.backends.local import LocalBackend

        with LocalBackend(Path(index_dir)) as backend:
            return _as_dict(backend.index(list(files)))

    def open(self, index_dir):
        from indexer.backends.local import LocalBackend

        super().open(index_dir)
        self._searcher = LocalBackend(Path(index_dir))
        return self

    def close(self):
        if getattr(self, "_searcher", None) is not None:
            self._searcher.close()
            self._searcher = None

    def search(self, query, limit=10, field=None):
        q = f"{field}:{query}" if field else query
        res = self._searcher.search(q, limit=limit)
        if res.error:
            raise ValueError(f"jiansuo rejected {q!r}: {res.error}")
        return Result(res.total, [(h.article, h.passage) for h in res.hits],
                      [h.snippet for h in res.hits])

    def phrase(self, query):
        """Return every passage holding ``query`` exactly, as the concordance lists them.

        Glossary expansion plays no part: it adds other spellings on purpose,
        which an exact-substring truth would count as wrong.
        """
        return {(article, passage) for article, passage, _ in self._searcher.passages_matching(query)}

    def units(self, files):
        from indexer.parse import parse_file
        from indexer.index.passages import passages

        for path in files:
            for p in passages(parse_file(path)):
                yield (p.article, p.id), p.text


def _as_dict(report) -> dict:
    if report is None:
        return {}
    if isinstance(report, dict):
        return report
    if hasattr(report, "__dataclass_fields__"):
        from dataclasses import asdict

        return {k: v for k, v in asdict(report).items() if isinstance(v, (int, float, str))}
    return {"report": str(report)}


class WhooshJieba(Engine):
    """The stock recipe: Whoosh with jieba's ChineseAnalyzer, one document per file."""

    name = "whoosh+jieba"
    unit = "document"

    def build(self, files, index_dir):
        from jieba.analyse import ChineseAnalyzer
        from whoosh import fields, index

        schema = fields.Schema(
            id=fields.ID(stored=True, unique=True),
            title=fields.TEXT(analyzer=ChineseAnalyzer(), stored=True),
            body=fields.TEXT(analyzer=ChineseAnalyzer(), stored=True),
        )
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(index_dir), schema)
        writer = ix.writer(limitmb=256, procs=1)
        for path in files:
            parts = blocks(path)
            writer.add_document(id=article_id(path), title=parts[0] if parts else "",
                                body="\n\n".join(parts[1:]))
        writer.commit()
        return {}

    def open(self, index_dir):
        from whoosh import index, qparser

        super().open(index_dir)
        self._ix = index.open_dir(str(index_dir))
        self._searcher = self._ix.searcher()
        self._parser = qparser.MultifieldParser(["title", "body"], self._ix.schema)
        return self

    def close(self):
        if getattr(self, "_searcher", None) is not None:
            self._searcher.close()
            self._ix.close()
            self._searcher = None

    def search(self, query, limit=10, field=None):
        q = self._parser.parse(f"{field}:({query})" if field else query)
        hits = self._searcher.search(q, limit=limit)
        return Result(len(hits), [(h["id"], "") for h in hits],
                      [h.highlights("body") or h.highlights("title") for h in hits])

    def phrase(self, query):
        hits = self._searcher.search(self._parser.parse(query), limit=None)
        return {(h["id"], "") for h in hits}

    def units(self, files):
        for path in files:
            yield (article_id(path), ""), "\n\n".join(blocks(path))


def trigram_like_bug() -> bool:
    """Tell whether this SQLite loses rows on LIKE with a short CJK pattern over a trigram table."""
    con = sqlite3.connect(":memory:")
    try:
        con.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='trigram')")
        con.execute("INSERT INTO t VALUES ('美俄關係')")
        return con.execute("SELECT count(*) FROM t WHERE body LIKE '%關係%'").fetchone()[0] == 0
    finally:
        con.close()


class SqliteTrigram(Engine):
    """SQLite FTS5 trigram, one row per file block; short queries fall back to ``instr``."""

    name = "sqlite-fts5-trigram"

    def build(self, files, index_dir):
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(Path(index_dir) / "fts.db")
        con.execute("CREATE VIRTUAL TABLE t USING fts5(article UNINDEXED, passage UNINDEXED,"
                    " title, body, tokenize='trigram')")
        for path in files:
            parts = blocks(path)
            aid = article_id(path)
            title = parts[0] if parts else ""
            con.executemany("INSERT INTO t VALUES (?, ?, ?, ?)",
                            [(aid, f"b{k}", title, b) for k, b in enumerate(parts)])
        con.commit()
        con.execute("INSERT INTO t(t) VALUES ('optimize')")
        con.commit()
        con.close()
        return {"sqlite_version": sqlite3.sqlite_version, "trigram_like_bug": trigram_like_bug()}

    def open(self, index_dir):
        super().open(index_dir)
        self._con = sqlite3.connect(Path(index_dir) / "fts.db")
        return self

    def close(self):
        if getattr(self, "_con", None) is not None:
            self._con.close()
            self._con = None

    def _where(self, query: str, field: str | None) -> tuple[str, tuple]:
        column = field or "body"
        if len(query) < 3:  # trigram MATCH finds nothing under three characters
            return f"instr({column}, ?) > 0", (query,)
        phrase = '"' + query.replace('"', '""') + '"'
        return "t MATCH ?", (f"{column} : {phrase}",)

    def search(self, query, limit=10, field=None):
        where, args = self._where(query, field)
        total = self._con.execute(f"SELECT count(*) FROM t WHERE {where}", args).fetchone()[0]
        if where.startswith("t MATCH"):
            sql = (f"SELECT article, passage, snippet(t, 3, '[', ']', '…', 16) FROM t"
                   f" WHERE {where} ORDER BY rank LIMIT ?")
        else:
            sql = f"SELECT article, passage, substr(body, 1, 48) FROM t WHERE {where} LIMIT ?"
        rows = self._con.execute(sql, (*args, limit)).fetchall()
        return Result(total, [(a, p) for a, p, _ in rows], [s for _, _, s in rows])

    def phrase(self, query):
        where, args = self._where(query, None)
        rows = self._con.execute(f"SELECT article, passage FROM t WHERE {where}", args)
        return {(a, p) for a, p in rows}


HAN_PATTERN = r"\p{Han}|[0-9A-Za-z]+"


class TantivyHan(Engine):
    """tantivy with a regex tokenizer that makes every Han character one token."""

    name = "tantivy-han1"

    def _schema(self):
        import tantivy

        sb = tantivy.SchemaBuilder()
        sb.add_text_field("article", stored=True, tokenizer_name="raw")
        sb.add_text_field("passage", stored=True, tokenizer_name="raw")
        sb.add_text_field("title", stored=False, tokenizer_name="han1")
        sb.add_text_field("body", stored=True, tokenizer_name="han1")
        return sb.build()

    def _register(self, index) -> None:
        import tantivy

        analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(HAN_PATTERN))
                    .filter(tantivy.Filter.lowercase()).build())
        index.register_tokenizer("han1", analyzer)

    def build(self, files, index_dir):
        import tantivy

        Path(index_dir).mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(self._schema(), path=str(index_dir))
        self._register(index)
        writer = index.writer(heap_size=128_000_000, num_threads=1)
        for path in files:
            parts = blocks(path)
            aid = article_id(path)
            title = parts[0] if parts else ""
            for k, b in enumerate(parts):
                writer.add_document(tantivy.Document(article=aid, passage=f"b{k}", title=title, body=b))
        writer.commit()
        writer.wait_merging_threads()
        return {"tantivy_threads": 1}

    def open(self, index_dir):
        import tantivy

        super().open(index_dir)
        self._index = tantivy.Index.open(str(index_dir))
        self._register(self._index)
        self._schema_obj = self._index.schema
        self._searcher = self._index.searcher()
        self._analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(HAN_PATTERN))
                          .filter(tantivy.Filter.lowercase()).build())
        return self

    def _query(self, query: str, field: str | None):
        import tantivy

        column = field or "body"
        tokens = self._analyzer.analyze(query)
        if not tokens:
            return tantivy.Query.empty_query()
        if len(tokens) == 1:
            return tantivy.Query.term_query(self._schema_obj, column, tokens[0])
        return tantivy.Query.phrase_query(self._schema_obj, column, tokens)

    def search(self, query, limit=10, field=None):
        import tantivy

        q = self._query(query, field)
        res = self._searcher.search(q, limit, count=True)
        gen = tantivy.SnippetGenerator.create(self._searcher, q, self._schema_obj, "body")
        units, snippets = [], []
        for _, addr in res.hits:
            doc = self._searcher.doc(addr)
            units.append((doc["article"][0], doc["passage"][0]))
            snippets.append(gen.snippet_from_doc(doc).to_html())
        return Result(res.count, units, snippets)

    def phrase(self, query):
        q = self._query(query, None)
        n = self._searcher.search(q, 1, count=True).count
        if not n:
            return set()
        res = self._searcher.search(q, n)
        out = set()
        for _, addr in res.hits:
            doc = self._searcher.doc(addr)
            out.add((doc["article"][0], doc["passage"][0]))
        return out


ENGINES = {e.name: e for e in (Jiansuo, WhooshJieba, SqliteTrigram, TantivyHan)}


def available(names: Iterable[str] | None = None) -> list[type[Engine]]:
    """Return the engine classes whose libraries import here, in a fixed order."""
    out = []
    for name, cls in ENGINES.items():
        if names is not None and name not in names:
            continue
        module = {"jiansuo": "indexer.backends.local", "whoosh+jieba": "jieba.analyse",
                  "tantivy-han1": "tantivy"}.get(name)
        if module is None or _importable(module):
            out.append(cls)
    return out


def _importable(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False

