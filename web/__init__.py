"""The web site: search, reader, sources, concordance and glossary over one index."""

from __future__ import annotations

from flask import Flask

from indexer import settings
from indexer.errors import JiansuoError


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app serving the index in ``INDEX_DIR`` (default: the ``index`` setting)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        INDEX_DIR=str(settings.index_dir()),
        MAX_QUERY=settings.get_int("max_query"),
        MAX_PAGE_SIZE=settings.get_int("max_page_size"),
        SEARCHER_POOL=8,
        WARM_UP=True,
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
    if app.config["WARM_UP"]:
        warm_up(app)
    return app


def warm_up(app: Flask) -> None:
    """Run one search so the first visitor does not wait for the segmenter to load."""
    from web.state import EXTENSION

    index = app.extensions[EXTENSION]
    try:
        s = index.acquire()
    except JiansuoError:
        return  # no index yet: every page will say how to build one
    try:
        s.search("俄羅斯 Putin")
    finally:
        index.release(s)
