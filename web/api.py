"""The JSON twins of the pages; errors are ``{"ok": false, "error": str, "status": int}``."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from indexer.search.concordance import SORT_KEYS
from web import pages
from web.state import backend
from web.views import limits, required_query, timed

bp = Blueprint("api", __name__, url_prefix="/api")


def error(message: str, status: int):
    """Return the JSON error response every API route uses."""
    response = jsonify({"ok": False, "error": message, "status": status})
    response.status_code = status
    return response


ROUTES = [
    ("/api/search", "Passages matching a query, one page at a time (= jiansuo search --json).",
     {"q": "the query (words, \"phrases\", OR, -word, title: author: keyword: abstract: section: source: year:)",
      "page": "page number, from 1", "n": "hits per page (max_page_size)", "expand": "0: no glossary expansion",
      "facets": "1: add counts per article, kind, year, section",
      "article / kind / year / section": "filters (facet values)"},
     "/api/search?q=俄罗斯 外交&facets=1"),
    ("/api/articles", "Every indexed article's card.", {}, "/api/articles"),
    ("/api/articles/<id>", "One parsed article (= jiansuo parse --json).", {}, "/api/articles/<id>"),
    ("/api/sources", "Cited sources and the sentences citing them.",
     {"q": "author, title, publisher or URL", "page": "page number", "n": "sources per page"},
     "/api/sources?q=whitehouse.gov"),
    ("/api/concordance", "Every occurrence of a phrase with its context.",
     {"q": "the phrase", "sort": "position | left | right", "width": "characters of context (5-60)"},
     "/api/concordance?q=蘇聯解體&sort=left"),
    ("/api/glossary", "Term pairs and variants.", {"q": "a member to look for", "found": "1: only mined terms"},
     "/api/glossary?q=普京"),
]


@bp.route("/")
def index():
    """List the API's routes with their parameters and an example each."""
    return jsonify({"routes": [{"path": path, "description": what, "parameters": params, "example": example}
                               for path, what, params, example in ROUTES],
                    "errors": '{"ok": false, "error": "…", "status": 400}'})


@bp.route("/search")
def search():
    """Return the JSON of ``jiansuo search --json`` (``facets=1`` adds counts; rejected query: 400)."""
    max_query, max_page_size = limits()
    p = pages.search_params(request.args, max_page_size)
    result = pages.run_search(backend(), p, max_query, facets=request.args.get("facets") == "1")
    timed("search", result.took_ms)
    if result.error:
        return error(result.error, 400)
    return jsonify(result.to_dict())


@bp.route("/articles")
def articles():
    """Return the card of every indexed article."""
    cards = backend().cards()
    return jsonify({"total": len(cards), "articles": [{"id": a, **meta} for a, meta in cards.items()]})


@bp.route("/articles/<article_id>")
def article(article_id: str):
    """Return the parsed article (``jiansuo parse --json``)."""
    b = backend()
    found = b.article(article_id) if article_id in b.cards() else None
    if found is None:
        return error(f"no article {article_id!r} in the index; see /api/articles for the ids", 404)
    return jsonify(found.to_dict())


@bp.route("/sources")
def sources():
    """Return the cited sources matching ``q`` with their citing notes."""
    q = required_query()
    page = pages.as_int(request.args.get("page"), 1, 1, pages.MAX_PAGE)
    limit = pages.as_int(request.args.get("n"), 50, 1, limits()[1])
    return jsonify(pages.sources_json(pages.sources_page(backend(), q, page, limit)))


@bp.route("/concordance")
def concordance():
    """Return every occurrence of phrase ``q`` with its context."""
    q = required_query()
    sort = request.args.get("sort", "position")
    if not q.strip():
        return error("empty phrase; give a word or phrase to look up, e.g. ?q=蘇聯解體", 400)
    if sort not in SORT_KEYS:
        return error(f"unknown sort {sort!r}; use one of: {', '.join(SORT_KEYS)}", 400)
    width = pages.as_int(request.args.get("width"), 20, 5, 60)
    kwic = backend().concordance(q, sort, width, current_app.config["KWIC_MAX_LINES"])
    return jsonify(kwic.to_dict())


@bp.route("/glossary")
def glossary():
    """Return the glossary entries matching ``q``."""
    q = required_query()
    return jsonify(pages.glossary_json(pages.glossary_page(backend(), q, request.args.get("found") == "1")))
