"""Drive a running search server with concurrent clients; report throughput and latency.

Bounded by design: a fixed number of client threads, a time limit, an
optional cap on the number of requests, and loopback addresses only.

    python -m benchmarks.load --url http://127.0.0.1:5000 --clients 32 --seconds 30

Each client keeps one HTTP/1.1 connection open and sends a mix of searches
(words in both scripts, phrases, fields, English) to ``/api/search`` and the
HTML page ``/search``. Any status but 200, a body of the wrong shape, a
timeout or a dropped connection counts as an error.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import random
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Sequence
from urllib.parse import quote, urlsplit

import click

from indexer.errors import JiansuoError

QUERIES = (
    "俄羅斯", "俄罗斯", "外交", "美俄關係", "美俄关系", '"俄美關係"', '"俄美关系"',
    "蘇聯解體", "苏联解体", "俄羅斯 外交", "拜登 普京", "蒲亭 OR 普京", "北約東擴", "北约东扩",
    "上海合作組織", "上海合作组织", "戰略夥伴", "烏克蘭", "乌克兰", "克里米亞", "制裁 俄羅斯",
    "石油", "title:拜登", "author:連弘宜", "author:李亞明", "year:2007", "year:2000-2010 俄羅斯",
    "source:state.gov", "section:前言", "keyword:歐洲安全", "abstract:蘇聯",
    "Putin", "Biden", '"Cold War"', "NATO", "diplomacy", "Russia -Biden", "Vladimir Putin",
)
SEARCH_KEYS = {"query", "total", "took_ms", "expanded", "hits", "page", "limit", "facets"}
HIT_KEYS = {"article", "title", "passage", "kind", "snippet", "score", "text"}


@dataclass
class LoadResult:
    """What one load run measured; latencies in milliseconds."""

    url: str
    clients: int
    seconds: float
    requests: int = 0
    errors: int = 0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        """Return completed requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict:
        """Return the JSON shape of ``--json``."""
        return {**asdict(self), "throughput": round(self.throughput, 1)}

    def markdown(self) -> str:
        """Return a Markdown table of the run (header and one row).

        >>> print(LoadResult("u", 2, 1.0, 10, 0, 1.0, 2.0, 3.0, 4.0).markdown())
        | clients | seconds | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms |
        | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        | 2 | 1.0 | 10 | 0 | 10.0 | 1.0 | 2.0 | 3.0 | 4.0 |
        """
        head = "| clients | seconds | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms |"
        rule = "| ---: " * 9 + "|"
        row = (f"| {self.clients} | {self.seconds:.1f} | {self.requests} | {self.errors} | "
               f"{self.throughput:.1f} | {self.p50_ms:.1f} | {self.p90_ms:.1f} | {self.p99_ms:.1f} | "
               f"{self.max_ms:.1f} |")
        return "\n".join([head, rule.strip(), row])


def percentile(values: Sequence[float], p: float) -> float:
    """Return the ``p``-th percentile (nearest rank) of sorted ``values``; 0 if empty.

    >>> percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50), percentile([1, 2, 3], 99), percentile([], 50)
    (5, 3, 0.0)
    """
    if not values:
        return 0.0
    rank = max(1, -(-len(values) * p // 100))
    return values[int(rank) - 1]


def loopback_target(url: str) -> tuple[str, int]:
    """Return (host, port) of ``url``; refuse anything but a loopback address.

    >>> loopback_target("http://127.0.0.1:5000"), loopback_target("http://localhost:8080/")
    (('127.0.0.1', 5000), ('localhost', 8080))
    >>> loopback_target("http://10.0.0.1:5000")
    Traceback (most recent call last):
    indexer.errors.JiansuoError: http://10.0.0.1:5000: not a loopback address; load-test only a server on this machine (127.0.0.1, localhost or [::1])
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "http" or not host:
        raise JiansuoError(f"{url}: not an http:// URL; use e.g. http://127.0.0.1:5000")
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise JiansuoError(f"{url}: not a loopback address; load-test only a server on this "
                           "machine (127.0.0.1, localhost or [::1])")
    return host, parts.port or 80


def request_path(rng: random.Random, queries: Sequence[str]) -> str:
    """Pick the next request: mostly API searches, some HTML pages and second pages."""
    q = quote(rng.choice(queries))
    roll = rng.random()
    if roll < 0.10:
        return f"/search?q={q}"
    if roll < 0.15:
        return f"/api/search?q={q}&page=2&n=20"
    return f"/api/search?q={q}"


def check_response(path: str, status: int, body: bytes) -> str | None:
    """Return what is wrong with a response, or None if it is a good answer.

    >>> check_response("/api/search?q=x", 500, b"{}")
    'status 500'
    >>> check_response("/search?q=x", 200, b"<!doctype html><html></html>")
    """
    if status != 200:
        return f"status {status}"
    if path.startswith("/search"):
        return None if b"<html" in body[:2000].lower() else "not an HTML page"
    try:
        d = json.loads(body)
    except ValueError:
        return "body is not JSON"
    if not isinstance(d, dict) or not SEARCH_KEYS <= d.keys():
        return f"JSON without {sorted(SEARCH_KEYS - set(d))}" if isinstance(d, dict) else "JSON not an object"
    if any(not HIT_KEYS <= h.keys() for h in d["hits"]):
        return "a hit lacks a field"
    return None


class _Client(threading.Thread):
    """One client: a kept-alive connection sending requests until the deadline."""

    def __init__(self, host: str, port: int, deadline: float, budget: "_Budget",
                 queries: Sequence[str], timeout: float, seed: int):
        super().__init__(daemon=True)
        self.host, self.port, self.deadline, self.budget = host, port, deadline, budget
        self.queries, self.timeout = queries, timeout
        self.rng = random.Random(seed)
        self.latencies: list[float] = []
        self.statuses: dict[str, int] = {}
        self.errors: list[str] = []

    def run(self) -> None:
        conn = None
        while time.monotonic() < self.deadline and self.budget.take():
            path = request_path(self.rng, self.queries)
            started = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                conn.request("GET", path, headers={"Accept-Encoding": "identity"})
                response = conn.getresponse()
                body = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as err:
                self.errors.append(f"{path}: {type(err).__name__}: {err}")
                self.statuses["exception"] = self.statuses.get("exception", 0) + 1
                if conn is not None:
                    conn.close()
                conn = None
                continue
            self.latencies.append((time.perf_counter() - started) * 1000)
            self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
            problem = check_response(path, status, body)
            if problem:
                self.errors.append(f"{path}: {problem}")
        if conn is not None:
            conn.close()


class _Budget:
    """A request counter shared by the clients (None: unlimited)."""

    def __init__(self, limit: int | None):
        self.left = limit
        self.lock = threading.Lock()

    def take(self) -> bool:
        if self.left is None:
            return True
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def run_load(url: str, clients: int = 32, seconds: float = 30.0,
             queries: Sequence[str] = QUERIES, max_requests: int | None = None,
             timeout: float = 10.0, seed: int = 0) -> LoadResult:
    """Send searches to the server at ``url`` from ``clients`` threads for ``seconds``."""
    host, port = loopback_target(url)
    clients = max(1, min(int(clients), 256))
    seconds = max(0.1, min(float(seconds), 3600.0))
    budget = _Budget(max_requests)
    started = time.monotonic()
    threads = [_Client(host, port, started + seconds, budget, queries, timeout, seed * 1000 + i)
               for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 2 * timeout + 5)
    elapsed = time.monotonic() - started
    latencies = sorted(x for t in threads for x in t.latencies)
    statuses: dict[str, int] = {}
    for t in threads:
        for k, v in t.statuses.items():
            statuses[k] = statuses.get(k, 0) + v
    errors = [e for t in threads for e in t.errors]
    return LoadResult(
        url=url, clients=clients, seconds=round(elapsed, 2), requests=len(latencies),
        errors=len(errors) + sum(t.is_alive() for t in threads),
        p50_ms=round(percentile(latencies, 50), 1), p90_ms=round(percentile(latencies, 90), 1),
        p99_ms=round(percentile(latencies, 99), 1), max_ms=round(latencies[-1] if latencies else 0.0, 1),
        statuses=statuses, error_samples=errors[:10],
    )


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--url", default="http://127.0.0.1:5000", show_default=True,
              help="Server to load (loopback only).")
@click.option("--clients", default=32, show_default=True, type=int, help="Concurrent clients.")
@click.option("--seconds", default=30.0, show_default=True, type=float, help="How long to run.")
@click.option("--max-requests", type=int, default=None, help="Stop after this many requests.")
@click.option("--timeout", default=10.0, show_default=True, type=float, help="Seconds per request.")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the query mix.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def main(url: str, clients: int, seconds: float, max_requests: int | None, timeout: float,
         seed: int, as_json: bool) -> None:
    """Load-test a running `jiansuo serve` with concurrent searches; exit 1 on any error."""
    try:
        result = run_load(url, clients, seconds, max_requests=max_requests, timeout=timeout, seed=seed)
    except JiansuoError as err:
        raise click.ClickException(str(err)) from err
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(result.markdown())
        for sample in result.error_samples:
            click.echo(f"error: {sample}", err=True)
    if result.errors:
        raise SystemExit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
