"""What every response gets: security headers, Server-Timing, and error pages (HTML or JSON)."""

from __future__ import annotations

import os
import time

from flask import current_app, g, render_template, request
from werkzeug.security import safe_join
from werkzeug.exceptions import HTTPException, InternalServerError

from indexer.errors import IndexStateError, JiansuoError
from web.i18n import t

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def start_timer() -> None:
    """Note when the request started."""
    g.started = time.perf_counter()


def ignore_bad_range() -> None:
    """Drop a ``Range`` header that is malformed or beyond the file: the whole file is sent (200), not a 416."""
    if "HTTP_RANGE" not in request.environ or not request.path.startswith("/static/"):
        return
    rng = request.range
    path = safe_join(current_app.static_folder, request.path[len("/static/"):])
    size = os.path.getsize(path) if path and os.path.isfile(path) else None
    if rng is None or size is None or rng.range_for_length(size) is None:
        del request.environ["HTTP_RANGE"]
        request.__dict__.pop("range", None)


def add_headers(response):
    """Add the security headers and a ``Server-Timing`` header to every response."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    timings = list(g.get("timings", []))
    if "started" in g:
        timings.append(("app", (time.perf_counter() - g.started) * 1000))
    if timings:
        response.headers["Server-Timing"] = ", ".join(f"{name};dur={ms:.1f}" for name, ms in timings)
    if request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "public, max-age=3600")
    return response


def wants_json() -> bool:
    """Tell whether this request is for the JSON API."""
    return request.path.startswith("/api/")


def error_response(status: int, title: str, message: str):
    """Render an error as the API's JSON shape or as an HTML page."""
    if wants_json():
        from web.api import error

        return error(message, status)
    return render_template("error.html", status=status, title=title, message=message), status


def http_error(err: HTTPException):
    """Show 4xx/5xx errors as pages (or JSON under /api/)."""
    status = err.code or 500
    if status == 404:
        title = t("not_found")
        custom = err.description != type(err).description
        message = err.description if custom or wants_json() else t("not_found_text")
    elif status >= 500:
        title, message = t("server_error"), t("server_error_text")
    else:
        title, message = err.name, err.description or err.name
    return error_response(status, title, message)


def index_error(err: JiansuoError):
    """Tell the user the index is missing or damaged (503), and how to fix it."""
    status = 503 if isinstance(err, IndexStateError) else 400
    return error_response(status, t("unavailable") if status == 503 else err.__class__.__name__, str(err))


def server_error(err: InternalServerError):
    """Never show a traceback: a short page, and the error in the server log."""
    return error_response(500, t("server_error"), t("server_error_text"))


def init_app(app) -> None:
    """Register the hooks and error handlers on ``app``."""
    app.before_request(start_timer)
    app.before_request(ignore_bad_range)
    app.after_request(add_headers)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(JiansuoError, index_error)
    app.register_error_handler(InternalServerError, server_error)
