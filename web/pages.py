"""Build the data of each page once; the HTML view renders it, the API returns its JSON part.

Functions here take the request's arguments already parsed and the app's
backend, and never touch Flask's request: they can be called from tests directly.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from indexer.analysis import article_language
from indexer.backends import Backend
from indexer.errors import JiansuoError
from indexer.index.schema import PASSAGE_KINDS
from indexer.model import SearchResult
from indexer.search.highlight import Highlighter
from indexer.sources import search_sources
from indexer.sources.cite import chinese_reference, english_reference
from web.i18n import error_text, t
from web.render import body_blocks, note_views, reference_views

_VALID = {  # the filters a search accepts, each with its check
    "article": re.compile(r"[\w.-]{1,200}").fullmatch,
    "kind": lambda v: v in PASSAGE_KINDS,
    "year": re.compile(r"\d{4}").fullmatch,
    "section": re.compile(r"s\d{1,4}").fullmatch,
    "author": lambda v: 0 < len(v) <= 100,
}
SORTS = ("relevance", "newest", "oldest")
MAX_PAGE = 1000


def as_int(value: str | None, default: int, lo: int, hi: int) -> int:
    """Parse a positive integer argument, clamped to [lo, hi]; junk gives ``default``.

    >>> as_int("3", 1, 1, 10), as_int("x", 1, 1, 10), as_int("99", 1, 1, 10), as_int("-5", 2, 1, 10)
    (3, 1, 10, 1)
    """
    try:
        n = int(value) if value is not None else default
    except ValueError:
        return default
    return max(lo, min(hi, n))


# ---------------------------------------------------------------- search


@dataclass
class SearchParams:
    q: str
    page: int = 1
    limit: int = 10
    expand: bool = True
    filters: dict[str, str] = field(default_factory=dict)
    mode: str = "best"
    sort: str = "relevance"

    def args(self, **changes) -> dict:
        """Return the URL arguments of this search with ``changes`` (None drops an argument)."""
        d = {"q": self.q, "page": self.page if self.page > 1 else None,
             "n": self.limit if self.limit != 10 else None,
             "expand": None if self.expand else 0,
             "mode": self.mode if self.mode != "best" else None,
             "sort": self.sort if self.sort != "relevance" else None, **self.filters}
        d.update(changes)
        return {k: v for k, v in d.items() if v is not None}


def search_params(args, max_page_size: int) -> SearchParams:
    """Read q, page, n, expand, mode and the filters (article, kind, year, section) from ``args``."""
    filters = {}
    for name, valid in _VALID.items():
        value = (args.get(name) or "").strip()
        if value and valid(value):
            filters[name] = value
    return SearchParams(
        q=args.get("q", ""),
        page=as_int(args.get("page"), 1, 1, MAX_PAGE),
        limit=as_int(args.get("n"), 10, 1, max_page_size),
        expand=args.get("expand", "1") not in ("0", "false", "no", "off"),
        filters=filters,
        mode="all" if args.get("mode") == "all" else "best",
        sort=args.get("sort") if args.get("sort") in SORTS else "relevance",
    )


def run_search(b: Backend, p: SearchParams, max_query: int, facets: bool = True) -> SearchResult:
    """Run a search with its filters (and facets); a rejected query comes back with ``error`` set."""
    return b.search(p.q, limit=p.limit, page=p.page, expand=p.expand, facets=facets,
                    filters=p.filters, max_query=max_query, mode=p.mode, sort=p.sort)


def search_page(b: Backend, p: SearchParams, max_query: int) -> dict:
    """Return the search result, its hits grouped by article with their cards, and the facets."""
    result = run_search(b, p, max_query)
    meta = b.cards()
    groups = result.groups()
    for grp in groups:
        grp["card"] = meta.get(grp["article"], {})
    sections = meta.get(p.filters.get("article"), {}).get("sections", {})
    label = {"article": lambda v: meta.get(v, {}).get("title", v), "section": lambda v: sections.get(v, v)}
    facets = []
    for name in ("article", "author", "year", "kind", "section"):
        if name == "section" and "article" not in p.filters:
            continue  # section ids are only unique within one article
        items = [{"value": v, "label": label.get(name, str)(v), "count": c, "active": p.filters.get(name) == v}
                 for v, c in result.facets.get(name, {}).items()]
        if items:
            facets.append({"name": name, "items": items})
    pages = max(1, math.ceil(result.total / p.limit)) if result.total else 1
    kind = {k: t(f"kind_{k}") for k in PASSAGE_KINDS}
    labels = {**label, "kind": kind.get}
    filter_labels = {name: labels.get(name, str)(value) or value for name, value in p.filters.items()}
    for facet in facets:
        if facet["name"] == "kind":
            for item in facet["items"]:
                item["label"] = kind.get(item["value"], item["value"])
    return {"result": result, "groups": groups, "facets": facets, "params": p, "filter_labels": filter_labels,
            "advice": advice(p, result) if not result.error else [],
            "pages": min(pages, MAX_PAGE), "n_articles": len(result.facets.get("article", {}))}


def advice(p: SearchParams, result: SearchResult) -> list[tuple[str, dict]]:
    """Return what to try when nothing (or nothing with every word) matches: (kind, URL arguments)."""
    out = []
    if result.total and not result.total_all or not result.total:
        unquoted = " ".join(p.q.replace("「", " ").replace("」", " ").replace("“", " ").replace("”", " ")
                            .replace('"', " ").split())
        if unquoted != p.q.strip():
            out.append(("unquote", p.args(q=unquoted, page=None)))
        if p.mode == "all":
            out.append(("best", p.args(mode=None, page=None)))
        if p.filters:
            out.append(("unfilter", {"q": p.q, **({"mode": p.mode} if p.mode != "best" else {})}))
        if not p.expand:
            out.append(("expand", p.args(expand=None, page=None)))
        words = p.q.split()
        if len(words) > 1 and not result.total:
            for i in range(len(words)):
                shorter = " ".join(words[:i] + words[i + 1:])
                out.append(("drop", p.args(q=shorter, page=None)))
    return out[:6]


# ---------------------------------------------------------------- reader


def article_page(b: Backend, article_id: str, q: str, expand: bool, note_label, max_query: int) -> dict | None:
    """Return the reader's data for ``article_id`` (None if it is not indexed), marked for ``q``."""
    if article_id not in b.cards():
        return None
    article = b.article(article_id)
    if article is None:
        return None
    hl, error = Highlighter(), None
    if q.strip():
        try:
            hl = b.highlighter(q, expand=expand, max_query=max_query)
        except JiansuoError as err:
            error = error_text(err)
    title = {lang: hl.spans("title", getattr(article.title, lang)) for lang in ("zh", "en")}
    abstract = {lang: hl.spans(f"abstract-{lang}", getattr(article.abstract, lang)) for lang in ("zh", "en")}
    keywords = "\n".join(x for x in ("、".join(article.keywords.zh), ", ".join(article.keywords.en)) if x)
    hl.spans("keywords", keywords)
    blocks, refs = body_blocks(article, hl, note_label)
    notes = note_views(article, hl, refs)
    cite = {"zh": chinese_reference(article), "en": english_reference(article)}
    return {"article": article, "card": b.cards()[article_id], "title_spans": title, "cite": cite,
            "article_lang": article_language(article),
            "abstract_spans": abstract, "blocks": blocks, "notes": notes,
            "references": reference_views(article, hl),
            "marked": hl.marked, "q": q, "expand": expand, "error": error}


# ---------------------------------------------------------------- sources


def sources_page(b: Backend, q: str, page: int, limit: int) -> dict:
    """Return the sources matching ``q`` (author, title, container, publisher, URL), one page of them."""
    found = search_sources(b.sources(), q)
    pages = max(1, math.ceil(len(found) / limit))
    page = min(page, pages)
    shown = found[(page - 1) * limit : page * limit]
    return {"q": q, "total": len(found), "page": page, "pages": pages, "limit": limit,
            "n_articles": len({c.article_id for src in found for c in src.citing}),
            "sources": shown, "cards": b.cards()}


def sources_json(d: dict) -> dict:
    """Return the JSON twin of :func:`sources_page`."""
    return {"query": d["q"], "total": d["total"], "n_articles": d["n_articles"], "page": d["page"],
            "limit": d["limit"], "sources": [src.to_dict() for src in d["sources"]]}


# ---------------------------------------------------------------- glossary


def glossary_page(b: Backend, q: str, only_found: bool) -> dict:
    """Return the glossary entries with a member containing ``q`` (any script, any case)."""
    from indexer.sources.collect import fold

    glossary = b.glossary()
    needle = fold(q)
    folded = b.cached("glossary-keys", lambda: {e.id: [fold(m) for m in e.members()] for e in glossary.entries})
    entries = [e for e in glossary.entries
               if (e.occurrences or not only_found) and (not needle or any(needle in k for k in folded[e.id]))]
    places = {e.id: list({(o.article, o.passage): o for o in e.occurrences}.values()) for e in entries}
    keys = {e.id: "|".join(e.members() + folded[e.id]) for e in entries}
    return {"q": q, "only_found": only_found, "entries": entries, "total": len(glossary.entries),
            "places": places, "keys": keys, "cards": b.cards()}


def glossary_json(d: dict) -> dict:
    """Return the JSON twin of :func:`glossary_page` (the shape of ``Glossary.to_dict``)."""
    from dataclasses import asdict

    return {"version": 1, "query": d["q"], "entries": [asdict(e) for e in d["entries"]]}
