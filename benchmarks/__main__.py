"""Command line: ``python -m benchmarks corpus | run --size N | scaleout --size N | report | relevance``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.corpus import CACHE, SIZES, CorpusError, write_corpus


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one benchmark command."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("corpus", help="Download the opinions and write the article files.")
    c.add_argument("--cache", type=Path, default=CACHE)
    r = sub.add_parser("run", help="Measure every engine on one corpus size.")
    r.add_argument("--size", choices=SIZES, default="100")
    r.add_argument("--engines", nargs="*", help="Only these engines (default: all available).")
    r.add_argument("--phrases", type=int, default=500, help="Random phrases to score.")
    r.add_argument("--repeats", type=int, default=3, help="Timed passes over the query set.")
    r.add_argument("--cache", type=Path, default=CACHE)
    r.add_argument("--keep-indexes", action="store_true", help="Leave the indexes in the cache.")
    o = sub.add_parser("scaleout", help="The local index and an OpenSearch cluster (default: 2 nodes), side by side.")
    o.add_argument("--size", choices=SIZES[:3], default="all")
    o.add_argument("--repeats", type=int, default=3, help="Timed passes over the query set.")
    o.add_argument("--cache", type=Path, default=CACHE)
    o.add_argument("--nodes", type=int, default=2, help="OpenSearch nodes to start on this machine.")
    o.add_argument("--shards", type=int, default=2, help="Primary shards of the index.")
    o.add_argument("--replicas", type=int, default=1, help="Replicas of each shard.")
    sub.add_parser("report", help="Write RESULTS.md and plot.png from results/*.json.")
    v = sub.add_parser("relevance", help="MRR@10 and recall on DRCD questions, three query styles, with peers.")
    v.add_argument("--data", type=Path, default=None, help="A DRCD JSON file (default: $JIANSUO_DRCD or the dev split).")
    v.add_argument("--engines", nargs="*",
                   help="Only these engines (jiansuo, jiansuo-opensearch, tantivy-words, tantivy-han1).")
    v.add_argument("--opensearch", action="store_true",
                   help="Also run jiansuo on an OpenSearch node of its own (needs Java; see tests/opensearch_node.py).")
    v.add_argument("--sample", type=int, default=None, help="Ask only this many questions, evenly spread.")
    v.add_argument("--styles", nargs="*", default=None, help="Only these query styles.")
    args = parser.parse_args(argv)
    try:
        if args.command == "corpus":
            folder = write_corpus(args.cache)
            print(f"wrote {len(list((folder / 'articles').glob('*.txt')))} articles to {folder}")
        elif args.command == "run":
            from benchmarks.report import summary_lines
            from benchmarks.run import run

            result = run(args.size, args.engines, args.phrases, args.repeats, cache=args.cache,
                         keep_indexes=args.keep_indexes)
            print("\n".join(summary_lines(result)))
        elif args.command == "scaleout":
            from benchmarks.scaleout import render, run_scaleout

            run_scaleout(args.size, args.cache, args.repeats, args.shards, args.replicas, nodes=args.nodes)
            print("\n".join(render()))
        elif args.command == "relevance":
            from benchmarks import relevance

            data = args.data or relevance.DEFAULT_DATA
            out = Path(__file__).resolve().parent / "results" / "relevance" / f"{data.stem}.json"
            result = relevance.run(data, args.engines, args.sample, args.styles or relevance.STYLES,
                                   None if args.sample or args.engines or args.styles else out, args.opensearch)
            print("\n".join(relevance.table(result)))
        else:
            from benchmarks.report import write_report

            print(f"wrote {write_report()}")
    except CorpusError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
