"""Run compiled queries on the passages index: hits, highlights, facets, every occurrence of a phrase.

A search is one request: the query (scored by BM25 times the passage kind's
boost, as locally), the exact total, one page of hits with what they show
(text, article title, year: no second request), the marks the fast-vector
highlighter put on the original text, and the facets as ``terms``
aggregations. Marks come back around private-use characters and are turned
into spans of the text, which the library's formatters render.
"""

from __future__ import annotations

from indexer.backends.opensearch.client import scan
from indexer.backends.opensearch.dsl import Compiled, exact
from indexer.backends.opensearch.mapping import MAX_RESULT_WINDOW
from indexer.errors import QueryError
from indexer.model import Hit
from indexer.search.highlight import match_spans, snippet
from indexer.search.searcher import FACETS

FACET_SIZE = 1000  # most values one facet lists
PRE, POST = "\ue000", "\ue001"  # around each mark in a highlighted text
SOURCE = ["article", "passage", "kind", "section", "section_title", "text", "notes", "position", "year", "title",
          "page", "page_label"]
TIMEOUT = "30s"  # a search stops there (and says so) rather than running on
PAGE = 500  # hits per request when every match is wanted


def search_body(compiled: Compiled, filters: list[dict], limit: int, page: int, facets: bool) -> dict:
    """Return the request body of one page of hits."""
    scored = {"function_score": {"query": compiled.query, "boost_mode": "multiply",
                                 "field_value_factor": {"field": "boost", "missing": 1.0}}}
    body: dict = {
        "query": {"bool": {"must": [scored], "filter": filters}} if filters else scored,
        "from": (page - 1) * limit, "size": limit, "track_total_hits": True, "timeout": TIMEOUT,
        "sort": ["_score", {"article": "asc"}, {"position": "asc"}], "_source": SOURCE,
    }
    if compiled.highlight:
        body["highlight"] = {
            "type": "fvh", "number_of_fragments": 0, "pre_tags": [PRE], "post_tags": [POST], "phrase_limit": 1024,
            "fields": {"text": {"matched_fields": ["text", "text.en"],
                                "highlight_query": {"bool": {"should": compiled.highlight}}}},
        }
    if facets:
        body["aggs"] = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACETS}
    return body


def check_window(limit: int, page: int) -> None:
    """Refuse a page deeper than the index lets a search reach."""
    if page * limit > MAX_RESULT_WINDOW:
        raise QueryError(f"Page {page:,} is beyond the first {MAX_RESULT_WINDOW:,} hits; "
                         "narrow the query or choose an earlier page.", code="too_deep", limit=MAX_RESULT_WINDOW)


def spans_of(marked: str, text: str) -> list[tuple[int, int]] | None:
    """Return the merged spans marked in ``marked``, offsets in ``text``; None if it is not ``text`` marked.

    >>> spans_of("蘇聯\\ue000解體\\ue001後\\ue000美\\ue001\\ue000俄\\ue001", "蘇聯解體後美俄")
    [(2, 4), (5, 7)]
    """
    spans: list[tuple[int, int]] = []
    plain: list[str] = []
    start = 0
    for ch in marked:
        if ch == PRE:
            start = len(plain)
        elif ch == POST:
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(len(plain), spans[-1][1]))
            else:
                spans.append((start, len(plain)))
        else:
            plain.append(ch)
    return spans if "".join(plain) == text else None


def hit_of(raw: dict, compiled: Compiled) -> Hit:
    """Turn one hit of the response into a :class:`Hit` with its spans and snippet."""
    src = raw["_source"]
    text = src.get("text", "")
    marked = (raw.get("highlight", {}).get("text") or [None])[0]
    spans = spans_of(marked, text) if marked else []
    if spans is None:  # the text holds our private-use marks itself: find the spans here
        spans = match_spans(text, compiled.words, compiled.phrases)
    return Hit(
        article=src["article"], title=src.get("title") or src["article"], passage=src["passage"],
        kind=src["kind"], section=src.get("section_title"), text=text, snippet=snippet(text, spans),
        score=round(float(raw.get("_score") or 0.0), 4), notes=list(src.get("notes") or []),
        position=src.get("position", 0), year=src.get("year"), spans=spans,
        page=src.get("page"), page_label=src.get("page_label"),
    )


def facets_of(response: dict) -> dict[str, dict[str, int]]:
    """Return the facet counts of a response, most frequent first."""
    aggs = response.get("aggregations") or {}
    return {name: {str(b["key"]): b["doc_count"] for b in aggs[name]["buckets"]} for name in FACETS if name in aggs}


def matching_passages(client, index: str, text: str) -> list[tuple[str, str, str]]:
    """Return ``(article, passage, text)`` of every passage holding ``text``, in reading order."""
    hits = scan(client, index, exact(text), [{"article": "asc"}, {"position": "asc"}],
                ["article", "passage", "text"], PAGE)
    return [(h["_source"]["article"], h["_source"]["passage"], h["_source"]["text"]) for h in hits]
