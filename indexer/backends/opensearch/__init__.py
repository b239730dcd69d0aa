"""The OpenSearch backend: the same search on a cluster, for collections one machine cannot hold.

``opensearch+http://HOST:9200/PREFIX`` names the index (see
:mod:`~indexer.backends.opensearch.client`). Everything lives in the cluster:
passages (searched), articles (cards, file records, parsed articles for the
reader, sources and exports) and the glossary, so a web node holds no corpus
state and any number of them can serve one index.

The parts: :mod:`.mapping` (analysis generated from the fold table, mappings),
:mod:`.documents` (Article → documents), :mod:`.write` (generations, lock,
bulk), :mod:`.dsl` (query tree → DSL), :mod:`.search` (hits, highlights,
facets, every occurrence of a phrase).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable
from pathlib import Path

from indexer import settings
from indexer.backends import Backend, Stats
from indexer.backends.opensearch import search as osearch
from indexer.backends.opensearch.client import Location, check_server, connect, red_cluster, scan, translated
from indexer.backends.opensearch.documents import article_docs
from indexer.backends.opensearch.dsl import Counts, DslCompiler, filter_clauses
from indexer.backends.opensearch.write import (GLOSSARY_ID, WriteLock, Writer, create_generation,
                                               current_generation, drop_generation, merge, publish, registry,
                                               stored_articles, verify)
from indexer.errors import IndexStateError, QueryError
from indexer.index.changes import Changes
from indexer.ingest import discover
from indexer.model import Article, BuildReport, SearchResult
from indexer.search.highlight import Highlighter
from indexer.search.query import parse_query
from indexer.search.searcher import SORTS


class OpenSearchBackend(Backend):
    """The jiansuo index ``PREFIX`` in the cluster at ``location`` (``opensearch+http://HOST:9200/PREFIX``).

    :param shards: primary shards of a new index (default: the ``opensearch_shards`` setting).
    :param replicas: copies of each shard (default: the ``opensearch_replicas`` setting).
    """

    def __init__(self, location: str, shards: int | None = None, replicas: int | None = None):
        super().__init__()
        self.loc = Location.parse(location)
        self.location = str(self.loc)
        self.shards = settings.get_int("opensearch_shards") if shards is None else shards
        self.replicas = settings.get_int("opensearch_replicas") if replicas is None else replicas
        self._client = None
        self._client_lock = threading.Lock()

    @property
    def client(self):
        """The client, connected and checked (OpenSearch 2+, index not red) on first use."""
        with self._client_lock:
            if self._client is None:
                client = connect(self.loc, pool=max(16, settings.get_int("threads") * 2))
                try:
                    check_server(client, self.loc)
                except BaseException:
                    client.close()
                    raise
                self._client = client
        return self._client

    def close(self) -> None:
        with self._client_lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    # ------------------------------------------------------------ writing

    def index(self, paths, progress=None, wait: float = 0.0, repair: bool = False, notify=None) -> BuildReport:
        """Index files incrementally; build a new generation and swap it in if there is none, it is
        another version's, or ``repair`` asks for it (the stored articles are copied, files re-read).

        ``notify`` is told once if the run waits for another indexer.
        """
        started = time.perf_counter()
        roots = [Path(p).resolve() for p in paths]
        report = BuildReport()
        found = discover(roots)
        files, report.errors, report.skipped = found.files, found.errors, found.skipped
        client = self.client
        with WriteLock(client, self.loc, wait, self.replicas, notify) as lock:
            current, usable = current_generation(client, self.loc)
            fresh = repair or not usable
            target = create_generation(client, self.loc, self.shards, self.replicas) if fresh else current
            writer = Writer(client, self.loc, target, lock)
            try:
                indexed = registry(client, self.loc, current) if current else {}
                changes = Changes(indexed, report)
                for _aid, replaces, docs in changes.files(files, article_docs, progress):
                    writer.put(docs, replaces=replaces and not fresh)
                gone = changes.vanished(roots, [d.resolve() for d in found.unreadable])
                if fresh and current:
                    keep = set(indexed) - set(report.added) - set(report.updated) - set(gone)
                    for article, path, sha in stored_articles(client, self.loc, current, keep):
                        writer.put_article(article, path, sha)
                else:
                    for aid in gone:
                        writer.remove(aid)
                writer.finish()
                if writer.wrote or fresh or writer.glossary_stale():
                    writer.write_glossary()
                writer.refresh()
                if fresh:
                    merge(client, self.loc, target, lock)
                    publish(client, self.loc, target, current)
            except BaseException:
                writer.close()
                if fresh:
                    drop_generation(client, self.loc, target)
                raise
        report.seconds = time.perf_counter() - started
        return report

    def remove(self, article_ids, wait: float = 0.0) -> list[str]:
        client = self.client
        with WriteLock(client, self.loc, wait, self.replicas) as lock:
            generation = self._generation()
            indexed = registry(client, self.loc, generation)
            gone = [aid for aid in dict.fromkeys(article_ids) if aid in indexed]
            writer = Writer(client, self.loc, generation, lock)
            for aid in gone:
                writer.remove(aid)
            writer.finish()
            if writer.wrote:
                writer.write_glossary()
                writer.refresh()
        return gone

    def _generation(self) -> str:
        current, usable = current_generation(self.client, self.loc)
        if current is None:
            raise IndexStateError(f"{self.loc}: no index there yet; run `jiansuo index --backend {self.loc}` first")
        if not usable:
            raise IndexStateError(f"{self.loc}: this index was built by another version of jiansuo; "
                                  f"run `jiansuo index --backend {self.loc}` to rebuild it")
        return current

    # ------------------------------------------------------------ state

    def exists(self) -> bool:
        with translated(self.loc):
            return bool(self.client.indices.exists_alias(name=self.loc.alias("passages")))

    def check(self) -> list[str]:
        """Verify the index: its generation, the cluster's health, the glossary, every article's passages."""
        try:
            generation = self._generation()
        except IndexStateError as err:
            return [str(err)]
        return verify(self.client, self.loc, generation)

    def version(self) -> Hashable:
        """Return (glossary index, sequence number, term): every committed change rewrites the glossary."""
        with translated(self.loc):
            doc = self.client.get(index=self.loc.alias("glossary"), id=GLOSSARY_ID, _source=False)
        return doc["_index"], doc["_seq_no"], doc["_primary_term"]

    def stats(self) -> Stats:
        aliases = ",".join(self.loc.alias(k) for k in ("passages", "articles", "glossary"))
        with translated(self.loc):
            passages = self.client.count(index=self.loc.alias("passages"))["count"]
            articles = self.client.count(index=self.loc.alias("articles"))["count"]
            size = self.client.indices.stats(index=aliases, metric="store")["_all"]["primaries"]["store"]
        return Stats(self.location, articles, passages, size["size_in_bytes"])

    # ------------------------------------------------------------ searching

    def _compile(self, q: str, expand: bool, max_query: int | None, mode: str = "best", state=None):
        glossary, known, _shards = state or self._state()
        counts = Counts(self._search, known)  # counts are shared while the index stays the same
        return DslCompiler(glossary, counts).compile(parse_query(q, max_query), expand=expand, mode=mode)

    def _state(self) -> tuple:
        """Return what searching this version of the index needs: the glossary, known counts, primary shards.

        One version check per search; the shards' statistics differ, so several are searched with global ones.
        """
        def read():
            with translated(self.loc):
                found = self.client.indices.get_settings(index=self.loc.alias("passages"),
                                                          name="index.number_of_shards")
            shards = max(int(v["settings"]["index"]["number_of_shards"]) for v in found.values())
            return self.glossary(), {}, shards

        return self.cached("searching", read)

    def search(self, q: str, limit: int = 10, page: int = 1, expand: bool = True,
               facets: bool = False, filters: dict[str, str] | None = None,
               max_query: int | None = None, mode: str = "best", sort: str = "relevance") -> SearchResult:
        started = time.perf_counter()
        limit = max(1, min(int(limit), settings.get_int("max_page_size")))
        page = max(1, int(page))
        result = SearchResult(query=q, page=page, limit=limit, mode=mode, sort=sort)
        try:
            if sort not in SORTS:
                raise QueryError(f"Unknown sort {sort!r}; use one of: {', '.join(SORTS)}.", code="bad_sort", sort=sort)
            state = self._state()
            compiled = self._compile(q, expand, max_query, mode, state)
            suggest = osearch.suggest_body(compiled.unknown)
            body = osearch.search_body(compiled, filter_clauses(filters), limit, page, facets, sort, suggest)
            osearch.check_window(limit, page)
            response = self._search(body, search_type="dfs_query_then_fetch" if state[2] > 1 else None)
        except QueryError as err:
            result.error, result.error_code, result.error_params = str(err), err.code, err.params
        else:
            result.total = response["hits"]["total"]["value"]
            all_terms = (response.get("aggregations") or {}).get("all")
            result.total_all = all_terms["doc_count"] if all_terms else result.total
            result.expanded, result.ignored = compiled.expanded, compiled.ignored
            hl = compiled.highlighter()
            result.hits = [osearch.hit_of(h, compiled, hl) for h in response["hits"]["hits"]]
            if facets:
                result.facets = osearch.facets_of(response)
            if suggest:
                result.suggestions = osearch.FoundSuggester(response).suggest(q, compiled)
        result.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return result

    def _search(self, body: dict, search_type: str | None = None) -> dict:
        from opensearchpy.exceptions import RequestError

        params = {"search_type": search_type} if search_type else {}
        with translated(self.loc):
            try:
                response = self.client.search(index=self.loc.alias("passages"), body=body,
                                              allow_partial_search_results=False, params=params)
            except RequestError as err:  # the cluster refused this query: answer it, do not crash
                raise QueryError(f"The search could not be run ({err.status_code}); "
                                 "search for fewer words or a shorter phrase.", code="refused",
                                 status=err.status_code) from None
        if response.get("timed_out"):
            ms = osearch.timeout_ms()
            raise QueryError(f"The search took longer than {ms:,} ms and was stopped. "
                             "Search for fewer or rarer words, or a quoted phrase.", code="timeout", ms=ms)
        if response.get("_shards", {}).get("failed"):
            raise red_cluster(self.loc, f"{response['_shards']['failed']} shard(s) failed")
        return response

    def highlighter(self, q: str, expand: bool = True, max_query: int | None = None) -> Highlighter:
        return self._compile(q, expand, max_query).highlighter()

    def passages_matching(self, phrase: str) -> list[tuple[str, str, str]]:
        self.glossary()  # loading it checks that this code can search the index
        with translated(self.loc):
            return osearch.matching_passages(self.client, self.loc.alias("passages"), phrase)

    # ------------------------------------------------------------ articles

    def cards(self) -> dict[str, dict]:
        def build():
            with translated(self.loc):
                hits = scan(self.client, self.loc.alias("articles"), {"match_all": {}}, [{"article": "asc"}],
                            ["meta"])
                return {h["_id"]: h["_source"].get("meta", {}) for h in hits}

        return self.cached("cards", build)

    def article(self, article_id: str) -> Article | None:
        with translated(self.loc):
            doc = self.client.get(index=self.loc.alias("articles"), id=article_id, _source_includes="data",
                                  ignore=404)
        return Article.from_dict(doc["_source"]["data"]) if doc.get("found") else None

    def source_file(self, article_id: str) -> Path | None:
        with translated(self.loc):
            doc = self.client.get(index=self.loc.alias("articles"), id=article_id, _source_includes="path",
                                  ignore=404)
        path = Path(doc["_source"]["path"]) if doc.get("found") and doc["_source"].get("path") else None
        return path if path is not None and path.is_file() else None  # only where the files are mounted

    def articles(self):
        with translated(self.loc):
            for h in scan(self.client, self.loc.alias("articles"), {"match_all": {}}, [{"article": "asc"}],
                          ["data"], 100):
                yield Article.from_dict(h["_source"]["data"])

    def glossary(self):
        """Return the stored glossary; loading it (again after every change) checks the index is usable."""
        from indexer.crosslang.glossary import Glossary

        def load():
            self._generation()
            with translated(self.loc):
                doc = self.client.get(index=self.loc.alias("glossary"), id=GLOSSARY_ID)
            return Glossary.from_json(doc["_source"]["json"], f"{self.loc} glossary")

        return self.cached("glossary", load)
