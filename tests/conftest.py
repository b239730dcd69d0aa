"""Shared fixtures: the real seeds, indexed once per test session."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_000 = SEEDS / "000_850aca5cf1cb6a75.txt"
SEED_003 = SEEDS / "003_4c4ea4f00cf2b8a1.txt"
A000 = "000_850aca5cf1cb6a75"
A003 = "003_4c4ea4f00cf2b8a1"


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """Return an index directory holding both seeds (built once; do not write to it)."""
    from indexer.index.build import build_index

    index_dir = tmp_path_factory.mktemp("seed-index")
    report = build_index([SEEDS], index_dir)
    assert report.ok and sorted(report.added) == [A000, A003]
    return index_dir


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    """Return a writable folder holding copies of both seeds."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(SEED_000, folder)
    shutil.copy(SEED_003, folder)
    return folder


@pytest.fixture(scope="session")
def searcher(seed_index):
    """Return an open Searcher over the seed index, shared by the session."""
    from indexer.backends import open_backend

    s = open_backend(seed_index)
    yield s
    s.close()


@pytest.fixture(scope="session")
def app(seed_index):
    """Return the web app serving the seed index (one per session)."""
    from web import create_app

    app = create_app({"INDEX_DIR": str(seed_index), "TESTING": True})
    yield app
    app.extensions["jiansuo"].close()


@pytest.fixture
def client(app):
    """Return a test client of the seed app with its own cookies."""
    return app.test_client()


def all_hits(backend, q, **kw) -> dict:
    """Return every hit of ``q`` as {(article, passage): hit}, paging through all results (total checked)."""
    out, page = {}, 1
    while True:
        r = backend.search(q, limit=100, page=page, **kw)
        assert r.error is None, r.error
        out.update({(h.article, h.passage): h for h in r.hits})
        if page * 100 >= r.total:
            assert len(out) == r.total
            return out
        page += 1


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(index_dir: Path, log: Path, threads: int = 4):
    """Run `jiansuo serve` on a free loopback port; yield (base URL, process).

    Fails the test with the server's stderr if it exits or does not accept
    connections within 60 s; stops it afterwards.
    """
    port = free_port()
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "indexer", "serve", "--index", str(index_dir),
             "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"the server did not start in 60 s:\n{log.read_text(errors='replace')}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------- OpenSearch


def opensearch_required() -> bool:
    """Tell whether a missing Java must fail the OpenSearch tests (CI) rather than skip them."""
    import os

    return bool(os.environ.get("CI") or os.environ.get("JIANSUO_REQUIRE_OPENSEARCH"))


@pytest.fixture(scope="session")
def opensearch_node(tmp_path_factory):
    """Return a real single-node OpenSearch (Maven Central jars) shared by the session.

    Without Java the tests are skipped with a loud reason on a developer
    machine, and fail in CI (``CI`` or ``JIANSUO_REQUIRE_OPENSEARCH`` set).
    """
    from tests.opensearch_node import OPENSEARCH_VERSION, java, start_node

    if java() is None:
        reason = f"OpenSearch {OPENSEARCH_VERSION} tests need Java 17: install a JDK (apt-get install openjdk-17-jdk)"
        if opensearch_required():
            pytest.fail(reason)
        pytest.skip(reason)
    with start_node(tmp_path_factory.mktemp("opensearch-node")) as node:
        yield node


def opensearch_backend(node_urls: list[str], request, shards: int = 1, replicas: int = 0,
                       prefix: str | None = None):
    """Return an OpenSearch backend talking to ``node_urls``: empty, with a prefix of its own whose
    indices are deleted afterwards, or the index ``prefix`` another one made."""
    import uuid

    from indexer.backends.opensearch import OpenSearchBackend

    hosts = ",".join(u.split("://", 1)[1] for u in node_urls)
    backend = OpenSearchBackend(f"opensearch+http://{hosts}/{prefix or f't{uuid.uuid4().hex[:12]}'}",
                                shards=shards, replicas=replicas)
    request.addfinalizer(backend.close)
    if prefix is None:
        from tests.opensearch_node import delete

        request.addfinalizer(lambda: delete(node_urls[0], f"{backend.loc.prefix}-*"))
    return backend
