"""Scale-out: the opinions corpus in the local index and in a 2-node OpenSearch cluster, side by side.

``python -m benchmarks scaleout --size all`` starts two OpenSearch nodes on
this machine (``tests/opensearch_node.py``: Maven Central jars, 512 MB heap
each), builds the same files into the local index and into a 2-shard,
1-replica OpenSearch index, then times the fixed query set on both through
the backend interface (what the CLI and the web call), each query on each
backend in turn so that both meet the same load, and checks that both count
the same hits for every query, and the hits a brute-force scan counts. Results go to ``results/scaleout/``;
``python -m benchmarks report`` adds them to RESULTS.md.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from contextlib import contextmanager, nullcontext
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.corpus import CACHE, files_for
from benchmarks.engines import Result
from benchmarks.measure import corpus_stats, machine_info, percentile
from benchmarks.queries import QUERY_SET

FOLDER = Path(__file__).resolve().parent / "results" / "scaleout"


class _Searching:
    """A backend seen as a benchmark engine: the query set's words, phrases and fields."""

    def __init__(self, backend):
        self.backend = backend

    def search(self, query: str, limit: int = 10, field: str | None = None) -> Result:
        q = f"{field}:{query}" if field else query
        r = self.backend.search(q, limit=limit)
        if r.error:
            raise ValueError(f"{q!r} was rejected: {r.error}")
        return Result(r.total, [(h.article, h.passage) for h in r.hits], [h.snippet for h in r.hits])


def build_backend(backend, files: list[Path], raw_bytes: int) -> dict:
    """Build ``files`` into ``backend``; return the time and size it took."""
    started = time.perf_counter()
    report = backend.index(files)
    seconds = time.perf_counter() - started
    stats = backend.stats()
    return {
        "location": backend.location, "build_s": seconds, "mb_per_s": raw_bytes / 1e6 / seconds,
        "articles": stats.articles, "passages": stats.passages, "index_bytes": stats.bytes,
        "errors": len(report.errors),
    }


def side_by_side(backends: dict, repeats: int) -> dict[str, dict]:
    """Time the query set on every backend, each query on each backend in turn (both meet the same load).

    The shape of :func:`benchmarks.measure.measure_latency`, per backend.
    """
    engines = {name: _Searching(b) for name, b in backends.items()}
    for engine in engines.values():  # warm-up
        for q in QUERY_SET:
            engine.search(q.text, field=q.field)
    times: dict[str, list[float]] = {name: [] for name in engines}
    kinds: dict[str, dict[str, list[float]]] = {name: {} for name in engines}
    totals: dict[str, dict[str, int]] = {name: {} for name in engines}
    for _ in range(repeats):
        for q in QUERY_SET:
            for name, engine in engines.items():
                start = time.perf_counter()
                res = engine.search(q.text, limit=10, field=q.field)
                ms = (time.perf_counter() - start) * 1000
                times[name].append(ms)
                kinds[name].setdefault(q.kind, []).append(ms)
                totals[name][_query(q)] = res.total
    return {name: {"queries": len(QUERY_SET), "repeats": repeats, "p50_ms": percentile(t, 50),
                   "p95_ms": percentile(t, 95), "p99_ms": percentile(t, 99), "max_ms": max(t, default=0.0),
                   "p95_by_kind_ms": {k: percentile(v, 95) for k, v in kinds[name].items()},
                   "totals": totals[name]} for name, t in times.items()}


def _query(q) -> str:
    return f"{q.field}:{q.text}" if q.field else q.text


def brute_force(backend) -> dict[str, list[int]]:
    """Count by brute force, for every query of the set, the passages holding some and all of its words.

    Words as best match takes them: the informative ones, Han words as
    characters (a long one found nowhere whole: any of its character pairs),
    English words as their stems; a ``title:`` query counts the title passages
    of the articles whose title holds the phrase. Glossary expansions are left
    out (:func:`counted` searches without them).
    """
    from indexer.analysis import compact, word_counts
    from indexer.index.documents import article_fields
    from indexer.index.passages import passages
    from indexer.search.terms import informative, tokens

    rows = []  # (kind, compact folded text, stems, compact folded article title)
    for article in backend.articles():
        title = compact(article_fields(article)["title"])[0]
        rows += [(p.kind, compact(p.text)[0], set(word_counts(p.text)), title) for p in passages(article)]
    counts = {}
    for q in QUERY_SET:
        if q.field:  # title:
            n = sum(kind == "title" and compact(q.text)[0] in title for kind, _t, _w, title in rows)
            counts[_query(q)] = [n, n]
            continue
        toks = tokens(q.text)
        keep = [t for t, ok in zip(toks, informative(toks)) if ok] or toks
        clauses = []
        for key, han in dict.fromkeys((t.key, t.han) for t in keep):
            if han and len(key) > 2 and not any(key in text for _k, text, _w, _t in rows):
                clauses.append(([key[i:i + 2] for i in range(len(key) - 1)], True))
            else:
                clauses.append(([key], han))
        held = [[any(k in (text if han else words) for k in keys) for keys, han in clauses]
                for _k, text, words, _t in rows]
        counts[_query(q)] = [sum(map(any, held)), sum(map(all, held))]
    return counts


def counted(backend) -> dict[str, list[int]]:
    """Return ``[total, total_all]`` of every query of the set, without glossary expansions."""
    out = {}
    for q in QUERY_SET:
        r = backend.search(_query(q), limit=1, expand=False)
        out[_query(q)] = [r.total, r.total_all]
    return out


def run_scaleout(size: str = "all", cache: Path = CACHE, repeats: int = 3, shards: int = 2,
                 replicas: int = 1, folder: Path | None = FOLDER, files: list[Path] | None = None,
                 urls: list[str] | None = None, nodes: int = 2) -> dict:
    """Measure the local index and a cluster of ``nodes`` on one corpus size; write ``<size>.json``
    (``<size>-<nodes>n<shards>s<replicas>r.json`` for another cluster than 2 nodes, 2 shards, 1 replica).

    :param files: the article files (default: the corpus of ``size``).
    :param urls: the nodes of a running cluster to use instead of starting them.
    """
    from tests.opensearch_node import HEAP, OPENSEARCH_VERSION, start_cluster, start_node

    files = files_for(size, cache) if files is None else files
    corpus = corpus_stats(files)
    result = {
        "size": size, "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": f"python -m benchmarks scaleout --size {size}"
                   + (f" --nodes {nodes} --shards {shards} --replicas {replicas}" if (nodes, shards, replicas) != (2, 2, 1)
                      else ""),
        "machine": machine_info(), "corpus": corpus,
        "cluster": {"opensearch": OPENSEARCH_VERSION, "nodes": len(urls) if urls else nodes, "shards": shards,
                    "replicas": replicas, "heap": " ".join(HEAP)},
        "backends": {}, "load": {"before": os.getloadavg()},  # other work on the machine skews the times
    }
    with tempfile.TemporaryDirectory() as tmp:
        started = (nullcontext(urls) if urls else _node_urls(start_node(Path(tmp) / "node")) if nodes == 1
                   else _cluster_urls(start_cluster(Path(tmp) / "cluster", nodes)))
        with started as found:
            _measure_both(result, files, Path(tmp) / "local", found, shards, replicas, repeats)
    result["load"]["after"] = os.getloadavg()
    local, remote = (result["backends"][k]["latency"]["totals"] for k in ("local", "opensearch"))
    result["same_totals"] = sum(local[q] == remote.get(q) for q in local)
    result["queries"] = len(local)
    result["differing_totals"] = {q: [local[q], remote.get(q)] for q in local if local[q] != remote.get(q)}
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        n = result["cluster"]["nodes"]
        name = size if (n, shards, replicas) == (2, 2, 1) else f"{size}-{n}n{shards}s{replicas}r"
        (folder / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return result


@contextmanager
def _cluster_urls(cluster_context):
    with cluster_context as cluster:
        yield cluster.urls


@contextmanager
def _node_urls(node_context):
    with node_context as node:
        yield [node.url]


def _measure_both(result: dict, files: list[Path], local_dir: Path, urls: list[str], shards: int,
                  replicas: int, repeats: int) -> None:
    from indexer.backends.local import LocalBackend
    from indexer.backends.opensearch import OpenSearchBackend

    hosts = ",".join(url.split("://", 1)[1] for url in urls)
    prefix = f"opinions-{secrets.token_hex(3)}"
    backends = {"local": LocalBackend(local_dir),
                "opensearch": OpenSearchBackend(f"opensearch+http://{hosts}/{prefix}", shards, replicas)}
    try:
        for name, backend in backends.items():
            result["backends"][name] = build_backend(backend, files, result["corpus"]["bytes"])
        for name, latency in side_by_side(backends, repeats).items():
            result["backends"][name]["latency"] = latency
            result["backends"][name]["counts"] = counted(backends[name])
        result["truth"] = brute_force(backends["local"])
    finally:
        for backend in backends.values():
            backend.close()


def _pair(n: list[int]) -> str:
    return f"{n[0]:,}/{n[1]:,}"


def _cluster(k: dict) -> str:
    """Describe a cluster: "2 nodes, 2 shards, 1 replica"."""
    return (f"{k['nodes']} node{'s' * (k['nodes'] > 1)}, {k['shards']} shard{'s' * (k['shards'] > 1)}, "
            f"{k['replicas']} replica{'s' * (k['replicas'] != 1)}")


def render(folder: Path = FOLDER) -> list[str]:
    """Return the RESULTS.md section of the saved scale-out runs (nothing if there are none)."""
    runs = [json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json"))] if folder.exists() else []
    if not runs:
        return []
    c = runs[-1]["cluster"]
    lines = ["## Scale-out: the local index and an OpenSearch cluster", "",
             f"OpenSearch {c['opensearch']} from Maven Central jars, its nodes on this same machine (heap"
             f" {c['heap']} each), the local index beside it. Both are built from the same files through"
             " `Backend.index` and queried through `Backend.search` (top 10 hits with snippets; the latency"
             " query set above, after a warm-up pass, each query on each backend in turn so that both meet"
             " the same load), on the machine described above, busy with other work (load average before"
             " and after each run in the last column). Reproduce: "
             + ", ".join(f"`{r['command']}`" for r in runs) + ".", "",
             "| size | backend | cluster | build s | MB/s | passages | index MB | p50 ms | p95 ms | p99 ms |"
             " same totals | load |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in runs:
        where = _cluster(r["cluster"])
        load = f"{r['load']['before'][0]:.1f} → {r['load']['after'][0]:.1f}" if r.get("load") else ""
        for name, b in r["backends"].items():
            lat = b["latency"]
            lines.append(f"| `{r['size']}` | {name} | {where if name != 'local' else ''} | {b['build_s']:.1f} |"
                         f" {b['mb_per_s']:.2f} | {b['passages']:,} | {b['index_bytes'] / 1e6:.0f} |"
                         f" {lat['p50_ms']:.1f} | {lat['p95_ms']:.1f} | {lat['p99_ms']:.1f} |"
                         f" {r['same_totals']}/{r['queries']} | {load} |")
    for r in runs:
        truth = r.get("truth") or {}
        right = {name: sum(b["counts"].get(q) == n for q, n in truth.items()) for name, b in r["backends"].items()}
        wrong = []
        for q, n in truth.items():
            off = [f"{name} {_pair(b['counts'][q])}" for name, b in r["backends"].items() if b["counts"][q] != n]
            if off:
                wrong.append(f"{q} {_pair(n)} ({', '.join(off)})")
        lines += ["", f"`{r['size']}`, {_cluster(r['cluster'])}: queries whose `total` (passages holding some of the words) and"
                  " `total_all` (holding all of them) both equal a brute-force count over every stored"
                  " passage: " + ", ".join(f"{k} {v}/{len(truth)}" for k, v in right.items())
                  + ". Differing (truth; backend): " + ("; ".join(wrong) or "none") + "."]
    return lines + [""]
