"""Load on loopback: a real `jiansuo serve` answers concurrent searches without errors or leaks.

The suite runs short bounded forms (32 clients for a few seconds, a ~20 s soak);
``python -m benchmarks.load`` runs the long ones by hand.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.errors import JiansuoError
from benchmarks.load import QUERIES, check_response, run_load
from tests.conftest import ROOT, free_port, running_server

SOAK_SECONDS = float(os.environ.get("JIANSUO_SOAK_SECONDS", "16"))
RSS_GROWTH_LIMIT_KB = 40_000


def rss_kb(pid: int) -> int:
    """Return the resident memory of process ``pid`` (VmRSS, kB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def server(seed_index, tmp_path_factory):
    """Start `jiansuo serve` on a free loopback port; yield (port, pid); dump stderr if it dies."""
    log = tmp_path_factory.mktemp("serve") / "stderr.log"
    with running_server(seed_index, log, threads=8) as (url, proc):
        port = int(url.rsplit(":", 1)[1])
        deadline = time.monotonic() + 60
        while get(port, "/api/search?q=%E4%BF%84")[0] != 200:  # warmed up and answering
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield port, proc.pid
    assert "Traceback" not in log.read_text(), log.read_text()


def test_the_query_mix_is_valid_and_finds_something(server):
    port, _ = server
    from urllib.parse import quote

    empty = []
    for q in QUERIES:
        status, body = get(port, f"/api/search?q={quote(q)}")
        assert check_response("/api/search", status, body) is None, (q, status, body[:200])
        if json.loads(body)["total"] == 0:
            empty.append(q)
    assert empty == []


def test_32_clients_get_no_errors(server):
    port, pid = server
    result = run_load(f"http://127.0.0.1:{port}", clients=32, seconds=3.0, seed=1)
    assert result.errors == 0, result.error_samples
    assert set(result.statuses) == {"200"} and result.requests > 60
    assert 0 < result.p50_ms <= result.p99_ms <= result.max_ms
    print(f"\n{result.markdown()}\nRSS {rss_kb(pid)} kB")


def test_memory_stays_flat_under_load(server):
    port, pid = server
    url = f"http://127.0.0.1:{port}"
    run_load(url, clients=32, seconds=3.0, seed=2)  # warm-up: caches, pools, segmenter
    start = rss_kb(pid)
    samples = []
    result = None
    for i in range(4):
        result = run_load(url, clients=32, seconds=SOAK_SECONDS / 4, seed=10 + i)
        assert result.errors == 0, result.error_samples
        samples.append(rss_kb(pid))
    print(f"\nRSS after warm-up {start} kB, then {samples} kB")
    assert max(samples) - start < RSS_GROWTH_LIMIT_KB, (start, samples)


def test_the_command_line_client_reports_and_exits_zero(server):
    port, _ = server
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.load", "--url", f"http://127.0.0.1:{port}",
         "--clients", "4", "--seconds", "5", "--max-requests", "40", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["requests"] == 40 and d["errors"] == 0 and d["throughput"] > 0


def test_errors_are_counted_and_exit_one():
    """No server on the port: every attempt is an error and the command exits 1."""
    closed = free_port()
    result = run_load(f"http://127.0.0.1:{closed}", clients=2, seconds=0.5, timeout=1.0)
    assert result.requests == 0 and result.errors > 0
    assert "ConnectionRefusedError" in result.error_samples[0]
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.load", "--url", f"http://127.0.0.1:{closed}",
         "--clients", "1", "--seconds", "0.3"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 1 and "error:" in out.stderr


@pytest.mark.parametrize("url", ["http://10.1.2.3:5000", "http://192.168.0.1/", "https://127.0.0.1:5000",
                                 "http://example.org:80"])
def test_only_loopback_servers_are_loaded(url):
    with pytest.raises(JiansuoError, match="loopback|http://"):
        run_load(url, clients=1, seconds=0.1)


@pytest.mark.parametrize("path, status, body, problem", [
    ("/api/search?q=x", 200, b'{"query": "x"}', "JSON without"),
    ("/api/search?q=x", 200, b"<html>", "body is not JSON"),
    ("/api/search?q=x", 503, b"{}", "status 503"),
    ("/search?q=x", 200, b'{"ok": true}', "not an HTML page"),
])
def test_bad_answers_are_errors(path, status, body, problem):
    assert problem in check_response(path, status, body)
