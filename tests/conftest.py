"""Shared fixtures: the real seeds, indexed once per test session."""

from __future__ import annotations

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
    from indexer.build import build_index

    index_dir = tmp_path_factory.mktemp("seed-index")
    report = build_index([SEEDS], index_dir)
    assert report.ok and sorted(report.added) == [A000, A003]
    return index_dir


@pytest.fixture(scope="session")
def searcher(seed_index):
    """Return an open Searcher over the seed index, shared by the session."""
    from indexer.search import Searcher

    s = Searcher(seed_index)
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
