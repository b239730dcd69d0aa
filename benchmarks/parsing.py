"""How much of each article the text parser recovers: paragraphs, note texts, note links, headings.

The fixtures in ``tests/fixtures/journals`` are hand-written articles laid out
the way PDF extractions of journals come out (both seed styles and their
variants), each with its truth. ``python -m benchmarks.parsing`` parses every
fixture and prints, per fixture and in total, the share recovered exactly:

- paragraphs: truth paragraphs found with exactly the same text;
- notes: truth notes found under the same number with exactly the same text;
- links: truth markers found in the paragraph with that text, same note, same offset;
- headings: truth headings found with the same title and level;
- references: reference-list entries found with exactly the same text.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "journals" / "rendered"
MEASURES = ("paragraphs", "notes", "links", "headings", "references")


def recovery(article, truth: dict) -> dict[str, tuple[int, int]]:
    """Return, per measure, (recovered, expected) for one parsed article against its truth."""
    got_paras = Counter(p.text for p in article.paragraphs)
    want_paras = Counter(p["text"] for p in truth["paragraphs"])
    links_got = Counter((p.text, r.n, r.at) for p in article.paragraphs for r in p.notes)
    links_want = Counter((p["text"], n, at) for p in truth["paragraphs"] for n, at in p["notes"])
    notes = {f.n: f.text for f in article.footnotes}
    heads_got = Counter((s.title, s.level) for s in article.sections)
    heads_want = Counter(tuple(h) for h in truth["sections"])
    refs_got = Counter(r.text for r in getattr(article, "references", []))
    refs_want = Counter(truth.get("references", []))

    def found(got: Counter, want: Counter) -> tuple[int, int]:
        return sum(min(c, got[k]) for k, c in want.items()), sum(want.values())

    return {
        "paragraphs": found(got_paras, want_paras),
        "notes": (sum(notes.get(int(n)) == t for n, t in truth["notes"].items()), len(truth["notes"])),
        "links": found(links_got, links_want),
        "headings": found(heads_got, heads_want),
        "references": found(refs_got, refs_want),
    }


def fixture_paths() -> list[Path]:
    """Return the rendered fixture files (text and Markdown), sorted."""
    return sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".md"))


def measure(paths: list[Path] | None = None) -> dict[str, dict[str, tuple[int, int]]]:
    """Parse each fixture and return its recovery, keyed by file name."""
    from indexer.parse import parse_file

    out = {}
    for path in paths or fixture_paths():
        truth = json.loads(path.with_name(path.stem + ".truth.json").read_text("utf-8"))
        out[path.name] = recovery(parse_file(path), truth)
    return out


def report(results: dict[str, dict[str, tuple[int, int]]]) -> str:
    """Return a Markdown table of the results with a total row."""
    lines = ["| fixture | " + " | ".join(MEASURES) + " |", "|---" * (len(MEASURES) + 1) + "|"]
    total = {m: [0, 0] for m in MEASURES}
    for name, r in results.items():
        cells = []
        for m in MEASURES:
            got, want = r[m]
            total[m][0] += got
            total[m][1] += want
            cells.append(f"{got}/{want}" if want else "–")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    cells = [f"{100 * g / w:.1f}% ({g}/{w})" if w else "–" for g, w in total.values()]
    lines.append("| **all** | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="fixtures to measure (default: all)")
    args = parser.parse_args(argv)
    print(report(measure(args.files or None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
