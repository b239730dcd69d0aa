"""The HTML pages: search, reader, sources, concordance, glossary, exports."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, g, render_template, request, send_file, url_for

from indexer.errors import QueryError
from indexer.search.concordance import SORT_KEYS
from indexer.search.query import check_length
from indexer.sources import find_source, search_sources
from indexer.sources.cite import article_citation
from indexer.sources.export import citations_of, to_bibtex, to_csl_json, to_ris
from web import pages
from web.hooks import wants_json
from web.i18n import error_text, t
from web.render import marked
from web.state import backend

bp = Blueprint("views", __name__)
bp.add_app_template_global(marked, "marked_html")

EXPORTS = {
    "bibtex": (to_bibtex, "application/x-bibtex; charset=utf-8", "bib"),
    "ris": (to_ris, "application/x-research-info-systems; charset=utf-8", "ris"),
    "csl": (to_csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}
EXAMPLES = [
    ("俄罗斯 外交", "help_words"), ('"俄關係"', "help_phrase"), ("Putin", "help_name"),
    ("source:state.gov", "help_source"), ("title:拜登", "help_title_field"),
    ("year:2007 蒲亭", "help_year"), ("section:前言", "help_section"),
]


def limits() -> tuple[int, int]:
    """Return (max_query, max_page_size) of this app."""
    return current_app.config["MAX_QUERY"], current_app.config["MAX_PAGE_SIZE"]


def query_arg(name: str = "q") -> tuple[str, str | None]:
    """Return the request's query argument and the error that rejects it (the one length check)."""
    q = request.args.get(name, "")
    try:
        check_length(q, limits()[0])
    except QueryError as err:
        return q, str(err) if wants_json() else error_text(err)  # the API speaks English
    return q, None


def required_query(name: str = "q") -> str:
    """Return the request's query argument, or answer 400 with the error that rejects it."""
    q, error = query_arg(name)
    if error:
        abort(400, error)
    return q


def timed(name: str, ms: float) -> None:
    """Add a ``Server-Timing`` entry to this response."""
    g.setdefault("timings", []).append((name, ms))


@bp.route("/")
def index():
    """Show the search box, the query language with examples, and the indexed articles."""
    return render_template("index.html", examples=EXAMPLES, cards=backend().cards(), index_location=backend().location)


@bp.route("/articles")
def articles():
    """List the indexed articles with their titles, authors and years."""
    return render_template("articles.html", cards=backend().cards())


@bp.route("/search")
def search():
    """Show the passages matching ``q``, grouped by article, with facets and pages."""
    max_query, max_page_size = limits()
    p = pages.search_params(request.args, max_page_size)
    d = pages.search_page(backend(), p, max_query)
    timed("search", d["result"].took_ms)
    return render_template("search.html", q=p.q, header_q=p.q, **d)


@bp.route("/articles/<article_id>")
def article(article_id: str):
    """Show one article with its notes, the passages matching ``q`` marked."""
    q = request.args.get("q", "")
    expand = request.args.get("expand", "1") != "0"
    d = pages.article_page(backend(), article_id, q, expand, lambda n: t("note_n", n=n), limits()[0])
    if d is None:
        abort(404, t("article_not_found", id=article_id))
    return render_template("article.html", header_q=q, **d)


@bp.route("/sources")
def sources():
    """List the cited sources matching ``q`` with the sentences that cite them."""
    q, error = query_arg()
    page = pages.as_int(request.args.get("page"), 1, 1, pages.MAX_PAGE)
    limit = pages.as_int(request.args.get("n"), 50, 1, limits()[1])
    d = pages.sources_page(backend(), "" if error else q, page, limit)
    return render_template("sources.html", error=error, **{**d, "q": q})


@bp.route("/export")
def export():
    """Download citations as BibTeX, RIS or CSL-JSON: one source, an article's, or a source search."""
    fmt = request.args.get("format", "bibtex")
    if fmt not in EXPORTS:
        abort(400, t("bad_format", f=fmt))
    b = backend()
    if request.args.get("source"):
        items = find_source(b.sources(), request.args["source"])
        name = f"source-{request.args['source']}"
    elif request.args.get("article"):
        items = indexed_article(request.args["article"])
        name = f"{request.args['article']}-references"
    elif "q" in request.args:
        items = search_sources(b.sources(), required_query())
        name = "sources"
    else:
        abort(400, t("bad_export"))
    return export_response(items, fmt, name)


def export_response(items, fmt: str, name: str) -> Response:
    """Return ``items`` as a download in format ``fmt`` (404 if there is nothing, saying so)."""
    if items is None:
        abort(404)
    if not citations_of(items):
        abort(404, t("nothing_to_export"))
    write, mimetype, ext = EXPORTS[fmt]
    name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in name)[:100]
    return Response(write(items), headers={
        "Content-Type": mimetype, "Content-Disposition": f'attachment; filename="{name}.{ext}"'})


@bp.route("/articles/<article_id>/cite.<ext>")
def cite(article_id: str, ext: str):
    """Download the article's own citation (``.bib``, ``.ris`` or ``.json`` for CSL-JSON)."""
    fmt = {"bib": "bibtex", "ris": "ris", "json": "csl"}.get(ext)
    article = indexed_article(article_id)
    if fmt is None or article is None:
        abort(404)
    return export_response(article_citation(article), fmt, f"{article_id}-cite")


@bp.route("/articles/<article_id>/references.<ext>")
def references(article_id: str, ext: str):
    """Download an article's cited sources (``.bib``, ``.ris`` or ``.json`` for CSL-JSON)."""
    fmt = {"bib": "bibtex", "ris": "ris", "json": "csl"}.get(ext)
    if fmt is None:
        abort(404)
    return export_response(indexed_article(article_id), fmt, f"{article_id}-references")


@bp.route("/articles/<article_id>/pdf")
def article_pdf(article_id: str):
    """Serve the PDF an indexed article was read from (link it with ``#page=N``)."""
    path = backend().source_file(article_id) if article_id in backend().cards() else None
    if path is None or not _is_pdf(path):
        abort(404, t("article_not_found", id=article_id))
    return send_file(path, mimetype="application/pdf", download_name=f"{article_id}.pdf")


def _is_pdf(path) -> bool:
    with path.open("rb") as f:
        return f.read(5) == b"%PDF-"


def indexed_article(article_id: str):
    """Return the parsed article if ``article_id`` is indexed, else None."""
    b = backend()
    return b.article(article_id) if article_id in b.cards() else None


@bp.route("/concordance")
def concordance():
    """Show every occurrence of a phrase with its left and right context."""
    q, error = query_arg()
    sort = request.args.get("sort", "position")
    sort = sort if sort in SORT_KEYS else "position"
    width = pages.as_int(request.args.get("width"), 20, 5, 60)
    d = None
    if q.strip() and not error:
        d = backend().concordance(q, sort, width, current_app.config["KWIC_MAX_LINES"])
    return render_template("concordance.html", q=q, sort=sort, width=width, d=d, error=error,
                           cards=backend().cards())


@bp.route("/glossary")
def glossary():
    """Show the mined term pairs and variants, filtered by ``q``."""
    q, error = query_arg()
    only_found = request.args.get("found") == "1"
    d = pages.glossary_page(backend(), "" if error else q, only_found)
    return render_template("glossary.html", error=error, **{**d, "q": q})


@bp.route("/glossary.csv")
def glossary_csv():
    """Download the whole glossary as CSV."""
    return Response(backend().glossary().to_csv(), headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="glossary.csv"'})


@bp.route("/glossary.json")
def glossary_json():
    """Download the whole glossary as JSON."""
    return Response(json.dumps(backend().glossary().to_dict(), ensure_ascii=False, indent=1),
                    headers={"Content-Type": "application/json; charset=utf-8",
                             "Content-Disposition": 'attachment; filename="glossary.json"'})


def base_url() -> str:
    """Return the site's address: the ``base_url`` setting, else this request's host if the server answers to it.

    A ``Host`` header is never reflected unchecked (it would let a forged request
    plant another site's address in the description).
    """
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured.rstrip("/") + "/"
    hosts = current_app.config.get("SERVE_HOSTS")
    if hosts is None or request.host in hosts:
        return request.host_url
    return f"{request.scheme}://{hosts[0]}/"


@bp.route("/opensearch.xml")
def opensearch():
    """Describe the search so browsers can add the site as a search engine."""
    root = base_url()
    body = render_template("opensearch.xml", root=root, search_url=root + url_for("views.search").lstrip("/"))
    return Response(body, mimetype="application/opensearchdescription+xml")


@bp.route("/favicon.ico")
def favicon():
    """Serve the icon where browsers look for it."""
    return current_app.send_static_file("icon.svg")
