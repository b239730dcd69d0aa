"""The JSON twins of the pages; errors are ``{"ok": false, "error": str, "status": int}``."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from indexer.concordance import SORT_KEYS
from web import pages
from web.state import get_searcher
from web.views import limits, timed

bp = Blueprint("api", __name__, url_prefix="/api")


def error(message: str, status: int):
    """Return the JSON error response every API route uses."""
    response = jsonify({"ok": False, "error": message, "status": status})
    response.status_code = status
    return response


@bp.route("/search")
def search():
    """Return the JSON of ``jiansuo search --json`` (``facets=1`` adds counts; rejected query: 400)."""
    max_query, max_page_size = limits()
    p = pages.search_params(request.args, max_page_size)
    result = pages.run_search(get_searcher(), p, max_query, facets=request.args.get("facets") == "1")
    timed("search", result.took_ms)
    if result.error:
        return error(result.error, 400)
    return jsonify(result.to_dict())


@bp.route("/articles")
def articles():
    """Return the card of every indexed article."""
    cards = pages.cards(get_searcher())
    return jsonify({"total": len(cards), "articles": [{"id": a, **meta} for a, meta in cards.items()]})


@bp.route("/articles/<article_id>")
def article(article_id: str):
    """Return the parsed article (``jiansuo parse --json``)."""
    s = get_searcher()
    found = s.article(article_id) if article_id in pages.cards(s) else None
    if found is None:
        return error(f"no article {article_id!r} in the index; see /api/articles for the ids", 404)
    return jsonify(found.to_dict())


@bp.route("/sources")
def sources():
    """Return the cited sources matching ``q`` with their citing notes."""
    max_query, max_page_size = limits()
    q = request.args.get("q", "")
    if pages.too_long(q, max_query):
        return error(f"the query is {len(q):,} characters long; the limit is {max_query:,}", 400)
    page = pages.as_int(request.args.get("page"), 1, 1, pages.MAX_PAGE)
    limit = pages.as_int(request.args.get("n"), 50, 1, max_page_size)
    return jsonify(pages.sources_json(pages.sources_page(get_searcher(), q, page, limit)))


@bp.route("/concordance")
def concordance():
    """Return every occurrence of phrase ``q`` with its context."""
    max_query, _ = limits()
    q = request.args.get("q", "")
    sort = request.args.get("sort", "position")
    if not q.strip():
        return error("empty phrase; give a word or phrase to look up, e.g. ?q=蘇聯解體", 400)
    if pages.too_long(q, max_query):
        return error(f"the phrase is {len(q):,} characters long; the limit is {max_query:,}", 400)
    if sort not in SORT_KEYS:
        return error(f"unknown sort {sort!r}; use one of: {', '.join(SORT_KEYS)}", 400)
    width = pages.as_int(request.args.get("width"), 20, 5, 60)
    return jsonify(pages.concordance_json(pages.concordance_page(get_searcher(), q, sort, width)))


@bp.route("/glossary")
def glossary():
    """Return the glossary entries matching ``q``."""
    q = request.args.get("q", "")[: limits()[0]]
    return jsonify(pages.glossary_json(pages.glossary_page(get_searcher(), q, request.args.get("found") == "1")))
