"""Run every measure for one corpus size and every engine; save the JSON summary."""

from __future__ import annotations

import json
import re
import shutil
import traceback
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.corpus import CACHE, files_for
from benchmarks.engines import Engine, Jiansuo, available, blocks
from benchmarks.measure import (corpus_stats, machine_info, measure_analysis, measure_build,
                                measure_cold_start, measure_latency, measure_phrases)
from benchmarks.queries import QUERY_SET, Query, Truth, sample_phrases

RESULTS = Path(__file__).resolve().parent / "results"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _analysis_texts(files: Sequence[Path]) -> list[str]:
    try:
        return [text for _, text in Jiansuo().units(files)]
    except ImportError:
        return [b for p in files for b in blocks(p)]


def measure_engine(cls: type[Engine], files: Sequence[Path], index_dir: Path, raw_bytes: int,
                   phrases: Sequence[str], queries: Sequence[Query], repeats: int,
                   cold_repeats: int) -> dict:
    """Build, query and score one engine; return its results (or the error it hit)."""
    engine = cls()
    out: dict = {"unit": engine.unit}
    try:
        out["build"] = measure_build(engine.name, files, index_dir, raw_bytes)
        out["index_ratio"] = out["build"]["index_bytes"] / raw_bytes
        with engine.open(index_dir):
            out["latency"] = measure_latency(engine, queries, repeats=repeats)
            truth = Truth(engine.units(files))
            out["passages"] = len(truth.ids)
            out["phrases"] = measure_phrases(engine, truth, phrases)
        out["cold_start"] = measure_cold_start(engine.name, index_dir, repeats=cold_repeats)
    except Exception as err:  # one broken engine must not hide the others' numbers
        out["error"] = f"{type(err).__name__}: {err}"
        out["traceback"] = traceback.format_exc(limit=4)
    return out


def run(size: str, engines: Sequence[str] | None = None, n_phrases: int = 500,
        repeats: int = 3, cold_repeats: int = 3, cache: Path = CACHE,
        results_dir: Path | None = RESULTS, files: Sequence[Path] | None = None,
        queries: Sequence[Query] = QUERY_SET, keep_indexes: bool = False) -> dict:
    """Measure every available engine on one corpus size; write ``results/<size>.json``."""
    files = list(files) if files is not None else files_for(size, cache)
    stats = corpus_stats(files)
    phrases = sample_phrases((p.read_text(encoding="utf-8") for p in files), n_phrases)
    result = {
        "size": size,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": f"python -m benchmarks run --size {size}",
        "machine": machine_info(),
        "corpus": stats,
        "settings": {"phrases": len(phrases), "latency_repeats": repeats,
                     "queries": len(queries), "cold_repeats": cold_repeats},
        "analysis": measure_analysis(_analysis_texts(files)),
        "engines": {},
    }
    root = cache / "indexes" / size
    for cls in available(engines):
        index_dir = root / _slug(cls.name)
        result["engines"][cls.name] = measure_engine(
            cls, files, index_dir, stats["bytes"], phrases, queries, repeats, cold_repeats)
        if not keep_indexes:
            shutil.rmtree(index_dir, ignore_errors=True)
    if results_dir is not None:
        results_dir.mkdir(parents=True, exist_ok=True)
        path = results_dir / f"{size}.json"
        path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return result
