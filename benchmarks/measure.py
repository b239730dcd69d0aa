"""The measures: build time and memory, analysis speed, latency, phrase accuracy, cold start.

Builds and cold starts run in a child process (``python -m benchmarks.worker``)
so that peak RSS and start-up time belong to that run alone; latency and phrase
accuracy are measured in this process on an opened, warmed-up engine.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from benchmarks.engines import Engine
from benchmarks.queries import Query, Truth, score, to_simplified

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: Sequence[float], p: float) -> float:
    """Return the nearest-rank ``p``-th percentile.

    >>> percentile([5, 1, 4, 2, 3], 50), percentile(range(1, 101), 95), percentile([], 99)
    (3, 95, 0.0)
    """
    data = sorted(values)
    if not data:
        return 0.0
    rank = max(1, -(-len(data) * p // 100))
    return data[int(rank) - 1]


def machine_info() -> dict:
    """Describe the machine: cores, CPU model, memory, Python and library versions."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem_kb = 0
    import sqlite3

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "ram_gib": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "versions": {name: _version(name) for name in
                     ("whoosh-reloaded", "jieba", "rjieba", "opencc", "tantivy", "matplotlib")},
    }


def _version(dist: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def corpus_stats(files: Iterable[Path]) -> dict:
    """Count documents, characters and UTF-8 bytes of the raw article files."""
    docs = chars = size = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        docs += 1
        chars += len(text)
        size += len(text.encode("utf-8"))
    return {"documents": docs, "characters": chars, "bytes": size}


def _worker(*args: str, timeout: float = 7200) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.worker", *args]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"worker {' '.join(args[:2])} failed: {done.stderr.strip()[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_build(engine: str, files: Sequence[Path], index_dir: Path, raw_bytes: int) -> dict:
    """Build an index in a child process; return seconds, MB/s and the child's peak RSS."""
    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".lst", delete=False, encoding="utf-8") as fh:
        fh.write("\n".join(str(p) for p in files))
    try:
        out = _worker("build", engine, str(index_dir), fh.name)
    finally:
        os.unlink(fh.name)
    out["mb_per_s"] = raw_bytes / 1e6 / out["seconds"] if out["seconds"] else None
    return out


def measure_analysis(texts: Sequence[str]) -> dict | None:
    """Time our segmentation + normalisation over ``texts``; None until the engine has it."""
    try:
        from indexer import analysis
    except ImportError:
        return None
    fold = getattr(analysis, "fold", None)
    segment = getattr(analysis, "segment", None)
    if fold is None or segment is None:
        return None
    segment(fold("預熱分詞器"))
    size = sum(len(t.encode("utf-8")) for t in texts)
    start = time.perf_counter()
    tokens = 0
    for text in texts:
        tokens += len(segment(fold(text)))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "bytes": size, "tokens": tokens,
            "mb_per_s": size / 1e6 / seconds if seconds else None}


def measure_latency(engine: Engine, queries: Sequence[Query], repeats: int = 3,
                    limit: int = 10) -> dict:
    """Time every query (top ``limit`` hits with snippets) after one warm-up pass."""
    for q in queries:
        engine.search(q.text, limit=limit, field=q.field)
    times, per_kind, totals = [], {}, {}
    for _ in range(repeats):
        for q in queries:
            start = time.perf_counter()
            res = engine.search(q.text, limit=limit, field=q.field)
            ms = (time.perf_counter() - start) * 1000
            times.append(ms)
            per_kind.setdefault(q.kind, []).append(ms)
            totals[f"{q.field + ':' if q.field else ''}{q.text}"] = res.total
    return {
        "queries": len(queries), "repeats": repeats,
        "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
        "p99_ms": percentile(times, 99), "max_ms": max(times, default=0.0),
        "p95_by_kind_ms": {k: percentile(v, 95) for k, v in per_kind.items()},
        "totals": totals,
    }


def measure_phrases(engine: Engine, truth: Truth, phrases: Sequence[str],
                    examples: int = 5) -> dict:
    """Score exact-phrase retrieval against the brute-force truth, per script."""
    out = {}
    for script in ("traditional", "simplified"):
        tp = returned = relevant = perfect_recall = perfect_precision = 0
        misses, extras, times = [], [], []
        for phrase in phrases:
            q = phrase if script == "traditional" else to_simplified(phrase)
            expected = truth.find(phrase)
            start = time.perf_counter()
            got = engine.phrase(q)
            times.append((time.perf_counter() - start) * 1000)
            t, r, e = score(got, expected)
            tp, returned, relevant = tp + t, returned + r, relevant + e
            perfect_recall += t == e
            perfect_precision += t == r
            if t < e and len(misses) < examples:
                misses.append({"query": q, "missed": len(expected - got), "relevant": e,
                               "unit": list(min(expected - got))})
            if t < r and len(extras) < examples:
                extras.append({"query": q, "wrong": len(got - expected), "returned": r,
                               "unit": list(min(got - expected))})
        n = len(phrases) or 1
        out[script] = {
            "phrases": len(phrases),
            "recall": tp / relevant if relevant else 1.0,
            "precision": tp / returned if returned else 1.0,
            "queries_full_recall": perfect_recall / n,
            "queries_full_precision": perfect_precision / n,
            "relevant": relevant, "returned": returned,
            "p95_ms": percentile(times, 95),
            "missed_examples": misses, "wrong_examples": extras,
        }
    return out


def jiansuo_command() -> list[str]:
    """Return how a user starts our CLI: the ``jiansuo`` script, else ``python -m indexer``."""
    exe = shutil.which("jiansuo")
    return [exe] if exe else [sys.executable, "-m", "indexer"]


def measure_cold_start(engine: str, index_dir: Path, query: str = "憲法", repeats: int = 3) -> dict:
    """Time a fresh process that opens the index and runs one query (median of ``repeats``)."""
    if engine == "jiansuo":
        cmd = [*jiansuo_command(), "search", query, "--index", str(index_dir), "--json"]
    else:
        cmd = [sys.executable, "-m", "benchmarks.worker", "search", engine, str(index_dir), query]
    times, error = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
        times.append(time.perf_counter() - start)
        if done.returncode:
            error = done.stderr.strip()[-300:]
    return {"command": " ".join(Path(c).name if i == 0 else c for i, c in enumerate(cmd)),
            "median_s": sorted(times)[len(times) // 2], "runs_s": times, "error": error}
