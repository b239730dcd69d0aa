"""Every setting in one table: name, environment variable, default, help.

The README's settings table is checked against this one by the tests.
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


SETTINGS = [
    Setting("index", "JIANSUO_INDEX", ".jiansuo/index",
            "Index directory used by every command unless --index is given."),
    Setting("seeds", "JIANSUO_SEEDS", "seeds",
            "Articles indexed by `jiansuo index` and `jiansuo serve` when no path is given."),
    Setting("userdict", "JIANSUO_USERDICT", "",
            "A jieba-format user dictionary (`word [freq] [tag]` per line) for domain terms."),
    Setting("variants", "JIANSUO_VARIANTS", "",
            "An extra variants table (same format as indexer/data/variants.tsv)."),
    Setting("max_query", "JIANSUO_MAX_QUERY", "1000",
            "Longest query accepted, in characters."),
    Setting("max_page_size", "JIANSUO_MAX_PAGE_SIZE", "100",
            "Largest number of hits one page or API call returns."),
]

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """Return the value of setting ``name``: its environment variable, else its default."""
    s = _BY_NAME[name]
    return os.environ.get(s.env) or s.default


def get_int(name: str) -> int:
    """Return an integer setting."""
    return int(get(name))


def index_dir() -> Path:
    """Return the index directory in effect."""
    return Path(get("index"))


def seeds_dir() -> Path:
    """Return the default corpus: ./seeds if present, else the seeds shipped with the checkout."""
    p = Path(get("seeds"))
    if p.exists() or os.environ.get("JIANSUO_SEEDS"):
        return p
    return PACKAGE_ROOT / "seeds"
