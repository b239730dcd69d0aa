"""Write to a jiansuo index in OpenSearch: generations, the writer's lock, bulk indexing, the glossary.

An incremental run writes into the generation the aliases point at, article
by article in batches: first the passages (and the deletion of the ones a
changed article no longer has), then the article documents, which hold the
content hashes. A run that dies leaves hashes that do not match, so the next
run redoes those articles; the glossary is flagged stale before the first
write and rebuilt at the end, or by the next run.

A full rebuild (no index yet, another version's index, or asked for) writes
a new generation (new files parsed, the rest copied from the stored articles)
and then swaps the three aliases in one atomic request: searches see the old
index or the new one, never a mix.

Bulk requests are sent one at a time (the cluster sets the pace), in chunks
of at most :data:`CHUNK_BYTES`, and retried with growing pauses when the
cluster pushes back (HTTP 429).
"""

from __future__ import annotations

import os
import queue
import socket
import threading
import time
from collections.abc import Iterable

from indexer.backends.opensearch.client import BULK_TIMEOUT_S, KINDS, Location, reason, scan, translated
from indexer.backends.opensearch.documents import ArticleDocs, article_docs
from indexer.backends.opensearch.mapping import (articles_mapping, fingerprint, glossary_mapping,
                                                 index_body, lock_mapping, passages_mapping)
from indexer.errors import IndexStateError
from indexer.model import Article

BATCH = 200  # articles per batch (passages first, then their article documents)
CHUNK_BYTES = 8 << 20  # largest bulk request
CHUNK_DOCS = 1000
RETRIES = 6  # a document the cluster refuses with 429 is retried this often, waiting 1, 2, 4 … s
LOCK_ID = "writer"
HEARTBEAT_S = 30  # a writer proves it is alive this often ...
STALE_LOCK_S = 600  # ... and a lock not renewed for this long was left by a dead one
GLOSSARY_ID = "glossary"
MAPPINGS = {"passages": passages_mapping, "articles": articles_mapping, "glossary": glossary_mapping}


def _now_ms() -> int:
    return int(time.time() * 1000)


# ---------------------------------------------------------------- generations


def current_generation(client, loc: Location) -> tuple[str | None, bool]:
    """Return (the generation the aliases point at, whether this code can use it); (None, False) if none."""
    from opensearchpy.exceptions import NotFoundError

    found = {}
    with translated(loc):
        for kind in KINDS:
            try:
                found[kind] = client.indices.get(index=loc.alias(kind))
            except NotFoundError:
                found[kind] = None
    if not any(found.values()):
        return None, False
    generations, usable = set(), True
    for kind, answer in found.items():
        if answer is None:
            raise IndexStateError(f"{loc}: the alias {loc.alias(kind)} is missing (a damaged index); "
                                  f"delete the indices {loc.prefix}-* and index again")
        (name, index), = answer.items()
        meta = (index.get("mappings", {}).get("_meta") or {}).get("jiansuo")
        if name == loc.alias(kind) or not meta:
            raise IndexStateError(f"{loc}: mapping conflict: the index {name} was not made by jiansuo; "
                                  "choose another PREFIX in the backend address")
        generations.add(meta.get("generation"))
        usable = usable and meta.get("fingerprint") == fingerprint()
    if len(generations) != 1:
        raise IndexStateError(f"{loc}: the aliases point at different generations (changed by hand?); "
                              f"delete the indices {loc.prefix}-* and index again")
    return generations.pop(), usable


def create_generation(client, loc: Location, shards: int, replicas: int) -> str:
    """Create the indices of a new generation, refreshing only on demand while it is built."""
    generation = f"g{_now_ms()}"
    with translated(loc):
        for kind in KINDS:
            body = index_body(MAPPINGS[kind](), 1 if kind == "glossary" else shards, replicas, generation)
            body["settings"]["index"]["refresh_interval"] = "-1"
            client.indices.create(index=loc.concrete(kind, generation), body=body)
    return generation


def publish(client, loc: Location, generation: str, old: str | None) -> None:
    """Point the aliases at ``generation`` in one atomic request, then drop the ``old`` one."""
    with translated(loc):
        names = [loc.concrete(kind, generation) for kind in KINDS]
        client.indices.put_settings(index=",".join(names), body={"index": {"refresh_interval": None}})
        client.indices.refresh(index=",".join(names))
        actions = [{"add": {"index": loc.concrete(k, generation), "alias": loc.alias(k)}} for k in KINDS]
        if old:
            actions += [{"remove": {"index": loc.concrete(k, old), "alias": loc.alias(k)}} for k in KINDS]
        client.indices.update_aliases(body={"actions": actions})
        if old:
            drop_generation(client, loc, old)


def merge(client, loc: Location, generation: str, lock: WriteLock) -> None:
    """Merge the passages of a new generation into one segment per shard, before it is published.

    A query builds its scorers once per segment, so a rebuilt index is
    searched fastest merged. The merge runs as a task; the lock is renewed
    while it runs, however long it takes.
    """
    with translated(loc):
        task = client.indices.forcemerge(index=loc.concrete("passages", generation), max_num_segments=1,
                                         params={"wait_for_completion": "false"})["task"]
        while not client.tasks.get(task_id=task)["completed"]:
            lock.beat()
            time.sleep(0.2)


def drop_generation(client, loc: Location, generation: str) -> None:
    """Delete the indices of ``generation`` (those that exist)."""
    with translated(loc):
        client.indices.delete(index=",".join(loc.concrete(k, generation) for k in KINDS),
                              ignore_unavailable=True)


# ---------------------------------------------------------------- the writer's lock


class WriteLock:
    """One writer per index: a document created only if absent, renewed while the writer lives."""

    def __init__(self, client, loc: Location, wait: float = 0.0, replicas: int = 1, notify=None):
        self.client, self.loc, self.wait, self.replicas, self.notify = client, loc, wait, replicas, notify
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self._beat = 0.0

    def __enter__(self):
        from opensearchpy.exceptions import ConflictError, RequestError

        deadline = time.monotonic() + self.wait
        with translated(self.loc):
            try:
                self.client.indices.create(index=self.loc.lock, body=index_body(lock_mapping(), 1, self.replicas))
            except RequestError as err:
                if "resource_already_exists" not in reason(err):
                    raise
            while True:
                now = _now_ms()
                try:
                    self.client.index(index=self.loc.lock, id=LOCK_ID, op_type="create",
                                      body={"owner": self.owner, "since": now, "heartbeat": now})
                    self._beat = time.monotonic()
                    return self
                except ConflictError:
                    held = self.client.get(index=self.loc.lock, id=LOCK_ID, ignore=404)
                if held.get("found") and now - held["_source"]["heartbeat"] > STALE_LOCK_S * 1000:
                    self.client.delete(index=self.loc.lock, id=LOCK_ID, if_seq_no=held["_seq_no"],
                                       if_primary_term=held["_primary_term"], ignore=[404, 409])
                    continue
                who = held.get("_source", {}).get("owner", "?") if held.get("found") else "?"
                if time.monotonic() >= deadline:
                    raise IndexStateError(f"{self.loc}: another indexer ({who}) is writing to this index; "
                                          "wait for it to finish (or pass --wait SECONDS)")
                if self.notify:
                    self.notify(f"waiting for another indexer ({who}) to finish writing to {self.loc}")
                    self.notify = None
                time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))

    def beat(self) -> None:
        """Tell other writers this one is alive (at most every HEARTBEAT_S seconds)."""
        if time.monotonic() - self._beat >= HEARTBEAT_S:
            with translated(self.loc):
                self.client.update(index=self.loc.lock, id=LOCK_ID, body={"doc": {"heartbeat": _now_ms()}})
            self._beat = time.monotonic()

    def __exit__(self, *exc) -> None:
        with translated(self.loc):
            self.client.delete(index=self.loc.lock, id=LOCK_ID, ignore=404)


# ---------------------------------------------------------------- bulk writing


class Writer:
    """Buffer article writes and removals into one generation and send them in bulk.

    A sender thread sends while the caller parses the next files; the queue
    between them holds two requests, so a slow cluster slows the caller down.
    :meth:`finish` waits for the last request (and raises what the sender met).
    """

    def __init__(self, client, loc: Location, generation: str, lock: WriteLock):
        self.client, self.loc, self.lock = client, loc, lock
        self.passages = loc.concrete("passages", generation)
        self.articles = loc.concrete("articles", generation)
        self.glossary = loc.concrete("glossary", generation)
        self._put: list[ArticleDocs] = []
        self._replace: set[str] = set()  # articles whose old passages may linger
        self._remove: list[str] = []
        self.wrote = False
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._failed: BaseException | None = None
        self._sender: threading.Thread | None = None

    def put(self, docs: ArticleDocs, replaces: bool = False) -> None:
        """Write an article (replacing the stored one if ``replaces``)."""
        self._put.append(docs)
        if replaces:
            self._replace.add(docs.article)
        if len(self._put) >= BATCH:
            self.flush()

    def put_article(self, article: Article, path: str, sha: str) -> None:
        """Write a stored article again (a rebuild copies what no file changed)."""
        self.put(article_docs(article, path, sha))

    def remove(self, article_id: str) -> None:
        """Remove an article and its passages."""
        self._remove.append(article_id)
        if len(self._remove) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Queue the buffered writes: passages and stale-passage deletions first, then article documents."""
        if not (self._put or self._remove):
            return
        self._check()
        if not self.wrote:
            self._mark_stale()
        keep = {pid for d in self._put for pid in d.passages}
        stale = [pid for pid in self._passage_ids(list(self._replace) + self._remove) if pid not in keep]
        first = [{"_op_type": "index", "_index": self.passages, "_id": pid, "_source": doc}
                 for d in self._put for pid, doc in d.passages.items()]
        first += [{"_op_type": "delete", "_index": self.passages, "_id": pid} for pid in stale]
        second = [{"_op_type": "index", "_index": self.articles, "_id": d.article, "_source": d.card}
                  for d in self._put]
        second += [{"_op_type": "delete", "_index": self.articles, "_id": aid} for aid in self._remove]
        if self._sender is None:
            self._sender = threading.Thread(target=self._send, name="jiansuo-bulk", daemon=True)
            self._sender.start()
        self._queue.put(first)
        self._queue.put(second)  # after the passages: a card with the new hash means the article is complete
        self._put, self._replace, self._remove = [], set(), []
        self.lock.beat()

    def finish(self) -> None:
        """Send what is buffered and wait until the cluster has taken everything."""
        try:
            self.flush()
        finally:
            self.close()
        self._check()

    def close(self) -> None:
        """Stop the sender thread (after the requests already queued)."""
        if self._sender is not None:
            self._queue.put(None)
            self._sender.join()
            self._sender = None

    def _check(self) -> None:
        if self._failed is not None:
            raise self._failed

    def _send(self) -> None:
        while (actions := self._queue.get()) is not None:
            if self._failed is None:
                try:
                    self._bulk(actions)
                except BaseException as err:  # handed to the caller by _check
                    self._failed = err

    def _passage_ids(self, article_ids: list[str]) -> list[str]:
        if not article_ids:
            return []
        with translated(self.loc):
            hits = scan(self.client, self.passages, {"terms": {"article": article_ids}},
                        [{"article": "asc"}, {"position": "asc"}], False, 5000)
            return [h["_id"] for h in hits]

    def _bulk(self, actions: list[dict]) -> None:
        from opensearchpy.helpers import streaming_bulk

        if not actions:
            return
        with translated(self.loc):
            for ok, item in streaming_bulk(self.client, actions, chunk_size=CHUNK_DOCS, max_chunk_bytes=CHUNK_BYTES,
                                           max_retries=RETRIES, initial_backoff=1, max_backoff=30,
                                           raise_on_error=False, yield_ok=False, request_timeout=BULK_TIMEOUT_S):
                op, result = next(iter(item.items()))
                if ok or (op == "delete" and result.get("status") == 404):
                    continue
                error = result.get("error") or {}
                why = f"{error.get('type', '')}: {error.get('reason', '')}" if isinstance(error, dict) else error
                if "mapper_parsing" in why or "strict_dynamic_mapping" in why or "illegal_argument" in why:
                    raise IndexStateError(f"{self.loc}: mapping conflict writing {result.get('_id')} ({why}); "
                                          f"delete the indices {self.loc.prefix}-* and index again")
                raise IndexStateError(f"{self.loc}: OpenSearch refused {result.get('_id')} "
                                      f"({result.get('status')}: {why}); try again")

    def _mark_stale(self) -> None:
        with translated(self.loc):
            self.client.update(index=self.glossary, id=GLOSSARY_ID, body={"doc": {"stale": True},
                                                                        "doc_as_upsert": True})
        self.wrote = True

    def glossary_stale(self) -> bool:
        """Tell whether the glossary is missing or flagged stale (a run died before rebuilding it)."""
        with translated(self.loc):
            doc = self.client.get(index=self.glossary, id=GLOSSARY_ID, _source_includes="stale", ignore=404)
        return not doc.get("found") or bool(doc["_source"].get("stale"))

    def write_glossary(self) -> None:
        """Rebuild the glossary from the term pairs on every article and store it (clears the stale flag)."""
        from indexer.crosslang.glossary import TermPair, build_glossary

        pairs = []
        with translated(self.loc):
            self.client.indices.refresh(index=self.articles)
            for hit in scan(self.client, self.articles, {"match_all": {}}, [{"article": "asc"}], ["meta.pairs"]):
                pairs += [TermPair(**p) for p in hit["_source"].get("meta", {}).get("pairs", [])]
                self.lock.beat()
            self.client.index(index=self.glossary, id=GLOSSARY_ID,
                              body={"json": build_glossary(pairs).to_json(), "stale": False})

    def refresh(self) -> None:
        """Make everything written visible to searches."""
        with translated(self.loc):
            self.client.indices.refresh(index=f"{self.passages},{self.articles},{self.glossary}")


def registry(client, loc: Location, generation: str) -> dict[str, dict]:
    """Return ``{article id: {"path", "sha"}}`` for every article of ``generation``."""
    with translated(loc):
        hits = scan(client, loc.concrete("articles", generation), {"match_all": {}}, [{"article": "asc"}],
                    ["path", "sha"])
        return {h["_id"]: {"path": h["_source"].get("path"), "sha": h["_source"].get("sha")} for h in hits}


def stored_articles(client, loc: Location, generation: str, ids: Iterable[str]):
    """Yield ``(article, path, sha)`` of the stored articles ``ids`` of ``generation``, 100 per request."""
    ids = sorted(ids)
    with translated(loc):
        for i in range(0, len(ids), 100):
            docs = client.mget(index=loc.concrete("articles", generation), body={"ids": ids[i:i + 100]})["docs"]
            for d in docs:
                if d.get("found"):
                    src = d["_source"]
                    yield Article.from_dict(src["data"]), src["path"], src["sha"]


def verify(client, loc: Location, generation: str) -> list[str]:
    """Return one line per problem of ``generation``: a red index, a stale glossary, incomplete articles."""
    problems = []
    fix = f"run `jiansuo index --backend {loc} --repair`"
    with translated(loc):
        health = client.cluster.health(index=",".join(loc.concrete(k, generation) for k in KINDS))
        if health["status"] == "red":
            problems.append(f"{loc}: the index is red ({health['unassigned_shards']} shard(s) without a copy); "
                            "start the nodes that hold them, or restore the index")
            return problems
        doc = client.get(index=loc.concrete("glossary", generation), id=GLOSSARY_ID, _source_includes="stale",
                         ignore=404)
        if not doc.get("found") or doc["_source"].get("stale"):
            problems.append(f"{loc}: the glossary is older than the articles (an indexer died); {fix}")
        expected = {h["_id"]: h["_source"].get("passages") for h in scan(
            client, loc.concrete("articles", generation), {"match_all": {}}, [{"article": "asc"}], ["passages"])}
        found = passage_counts(client, loc.concrete("passages", generation))
    for aid in sorted(set(expected) | set(found)):
        if aid not in expected:
            problems.append(f"{loc}: {found[aid]} passage(s) of {aid!r} belong to no article; {fix}")
        elif found.get(aid, 0) != expected[aid]:
            problems.append(f"{loc}: article {aid!r} has {found.get(aid, 0)} of its {expected[aid]} passages; {fix}")
    return problems


def passage_counts(client, index: str) -> dict[str, int]:
    """Return the number of passages of every article (a composite aggregation, 1,000 articles a page)."""
    counts, after = {}, None
    while True:
        source = {"sources": [{"article": {"terms": {"field": "article"}}}], "size": 1000}
        if after:
            source["after"] = after
        aggs = client.search(index=index, body={"size": 0, "aggs": {"a": {"composite": source}}})["aggregations"]["a"]
        counts.update({b["key"]["article"]: b["doc_count"] for b in aggs["buckets"]})
        after = aggs.get("after_key")
        if not aggs["buckets"] or after is None:
            return counts
