"""Every setting in one table: name, environment variable, default, help.

Settings are read here and nowhere else; the README's settings table is
checked against this one by the tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


SETTINGS = [Setting(*row) for row in (  # name, environment variable, default, help
    ("index", "JIANSUO_INDEX", ".jiansuo/index",
     "Index directory used by every command unless --index is given."),
    ("backend", "JIANSUO_BACKEND", "",
     "Index used unless --backend or --index is given: a folder, or an OpenSearch cluster as "
     "opensearch+http://HOST:9200/PREFIX (empty: the index setting's folder)."),
    ("opensearch_shards", "JIANSUO_OPENSEARCH_SHARDS", "1",
     "Primary shards of a new OpenSearch index (about one per 5 million passages)."),
    ("opensearch_replicas", "JIANSUO_OPENSEARCH_REPLICAS", "1",
     "Copies of each shard of a new OpenSearch index, on other nodes (0 on a single node)."),
    ("seeds", "JIANSUO_SEEDS", "seeds",
     "Articles indexed by `jiansuo index` and `jiansuo serve` when no path is given."),
    ("userdict", "JIANSUO_USERDICT", "",
     "A jieba-format user dictionary (`word [freq] [tag]` per line) for domain terms."),
    ("variants", "JIANSUO_VARIANTS", "",
     "An extra variants table (same format as indexer/crosslang/data/variants.tsv)."),
    ("max_query", "JIANSUO_MAX_QUERY", "1000",
     "Longest query accepted, in characters (search, reader, sources, concordance, glossary)."),
    ("max_terms", "JIANSUO_MAX_TERMS", "64",
     "Most words, phrases, fields and operators one query may hold, expansions included "
     "(a long unquoted text keeps its most informative words)."),
    ("search_timeout_ms", "JIANSUO_SEARCH_TIMEOUT_MS", "5000",
     "Time budget of one search in milliseconds; work beyond it stops with a message."),
    ("max_page_size", "JIANSUO_MAX_PAGE_SIZE", "100",
     "Largest number of hits one page or API call returns."),
    ("kwic_max_lines", "JIANSUO_KWIC_MAX_LINES", "2000",
     "Most concordance lines one page or API call returns."),
    ("searcher_pool", "JIANSUO_SEARCHER_POOL", "8",
     "Open index readers kept for reuse by concurrent requests."),
    ("threads", "JIANSUO_THREADS", "8",
     "Worker threads of `jiansuo serve` unless --threads is given."),
    ("base_url", "JIANSUO_BASE_URL", "",
     "The site's public address (e.g. https://search.example.org/) for links outside the page, such as /opensearch.xml."),
    ("lock_wait", "JIANSUO_LOCK_WAIT", "60",
     "Seconds `jiansuo index` waits for another indexer's glossary update after its own commit."),
)]

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """Return the value of setting ``name``: its environment variable, else its default."""
    s = _BY_NAME[name]
    return os.environ.get(s.env) or s.default


def get_int(name: str) -> int:
    """Return an integer setting."""
    return int(get(name))


def get_float(name: str) -> float:
    """Return a numeric setting that may have a fraction."""
    return float(get(name))


def is_set(name: str) -> bool:
    """Tell whether the user set ``name`` (its environment variable is not empty)."""
    return bool(os.environ.get(_BY_NAME[name].env))


def index_dir() -> Path:
    """Return the index directory in effect."""
    return Path(get("index"))


def seeds_dir() -> Path:
    """Return the default corpus: ./seeds if present, else the seeds shipped with the checkout."""
    p = Path(get("seeds"))
    if p.exists() or is_set("seeds"):
        return p
    return PACKAGE_ROOT / "seeds"
