"""Index in forked children on command, so a test can SIGKILL an indexer mid-run.

The parent imports and warms up the indexer once; each child it forks starts
indexing at once, which keeps many kill trials fast. One command per line on
stdin, answers on stdout:

    build INDEX_DIR PATH...  ->  "pid N" at once, then "exit N CODE" (CODE < 0: killed by a signal)
    hold INDEX_DIR           ->  "pid N", "locked N" once the child holds the write lock
                                 (it then sleeps until killed), then "exit N CODE"
    quit
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.index.build import build_index  # noqa: E402
from indexer.index.store import Store  # noqa: E402

WARM_UP = "壹、前言\n\n俄羅斯與美國的外交關係。¹ Vladimir Putin（蒲亭）\n\n¹ 同上。\n"


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def child_build(index_dir: str, paths: list[str]) -> int:
    report = build_index([Path(p) for p in paths], Path(index_dir))
    return 0 if report.ok else 1


def child_hold(index_dir: str) -> int:
    ix = Store(index_dir).open_or_create()
    writer = ix.writer()  # takes the write lock and keeps it
    say(f"locked {os.getpid()}")
    time.sleep(3600)
    writer.cancel()
    return 0


def run(command: str, args: list[str]) -> None:
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            code = child_build(args[0], args[1:]) if command == "build" else child_hold(args[0])
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    say(f"pid {pid}")
    _, status = os.waitpid(pid, 0)
    say(f"exit {pid} {os.waitstatus_to_exitcode(status)}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        article = Path(tmp) / "warm.txt"
        article.write_text(WARM_UP, "utf-8")
        build_index([article], Path(tmp) / "ix")
    say("ready")
    for line in sys.stdin:
        command, *args = line.split()
        if command == "quit":
            break
        if command in ("build", "hold"):
            run(command, args)
        else:
            say(f"unknown {command}")


if __name__ == "__main__":
    main()
