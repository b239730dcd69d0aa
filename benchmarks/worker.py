"""Child process for one build or one cold query, so its time and memory are its own.

``python -m benchmarks.worker build ENGINE INDEX_DIR LIST_FILE`` prints one JSON
line: seconds, peak RSS in MiB (this process and any it started), the engine's
report. ``python -m benchmarks.worker search ENGINE INDEX_DIR QUERY`` prints the
hit count.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from benchmarks.engines import ENGINES


def peak_rss_mib() -> float:
    """Return the peak resident set of this process and its children, in MiB.

    ``VmHWM`` starts afresh at exec; ``ru_maxrss`` of this process would still
    carry the peak of the parent it was forked from.
    """
    own = 0.0
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1]) / 1024
    except OSError:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux: KiB
    return max(own, kids)


def main(argv: list[str]) -> int:
    """Run one worker command and print its JSON line."""
    command, name, index_dir, arg = argv
    engine = ENGINES[name]()
    if command == "build":
        files = [Path(p) for p in Path(arg).read_text(encoding="utf-8").splitlines() if p]
        start = time.perf_counter()
        report = engine.build(files, Path(index_dir))
        seconds = time.perf_counter() - start
        engine.index_dir = Path(index_dir)
        print(json.dumps({"seconds": seconds, "peak_rss_mib": peak_rss_mib(),
                          "index_bytes": engine.size_on_disk(), "report": report},
                         ensure_ascii=False, default=str))
        return 0
    if command == "search":
        with engine.open(Path(index_dir)):
            print(json.dumps({"total": engine.search(arg).total}))
        return 0
    print(f"unknown worker command {command!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
