"""The web site: search, reader, sources, concordance and glossary over one index backend."""

from __future__ import annotations

from flask import Flask

from indexer import settings
from indexer.errors import JiansuoError


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app serving ``BACKEND`` (a Backend) or the local index in ``INDEX_DIR``."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        INDEX_DIR=settings.get("backend") or str(settings.index_dir()),  # a folder or an OpenSearch location
        MAX_QUERY=settings.get_int("max_query"),
        MAX_PAGE_SIZE=settings.get_int("max_page_size"),
        KWIC_MAX_LINES=settings.get_int("kwic_max_lines"),
        BASE_URL=settings.get("base_url"),
        SERVE_HOSTS=None,
    )
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    from web import api, hooks, i18n, state, views

    state.init_app(app)
    hooks.init_app(app)
    i18n.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    return app


def serve_hosts(host: str, port: int) -> list[str] | None:
    """Return the ``Host`` values a server on ``host:port`` answers to (None: any, for 0.0.0.0 / ::)."""
    if host in ("0.0.0.0", "::", ""):
        return None
    names = {host, "localhost", "127.0.0.1", "[::1]"} if host in ("127.0.0.1", "localhost", "::1") else {host}
    return sorted(f"{name}:{port}" for name in names)


def warm_up(app: Flask) -> None:
    """Run one search so the first visitor does not wait for the segmenter to load."""
    from web.state import EXTENSION

    try:
        app.extensions[EXTENSION].search("俄羅斯 Putin")
    except JiansuoError:
        pass  # no index yet: every page will say how to build one
