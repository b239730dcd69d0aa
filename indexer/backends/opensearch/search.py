"""Best match as one OpenSearch request: hits, exact totals, facets, suggestions, every occurrence of a phrase.

The steps of :mod:`indexer.search.rank`, in DSL:

* **terms**: each clause a ``bool.should`` entry named ``c<k>`` (so a hit
  says which it matched: ``missing``), its exact form and its expansions
  summed; required parts in ``must``; without them one clause must match;
* **coverage**: a ``function_score`` multiplying by the share of the query's
  squared idf the passage holds (expansions at 0.8), then by the kind boost;
* **tiers**: two ``constant_score`` clauses (every clause exact, every clause
  at all), each worth more than any passage can score otherwise, so tiers
  never mix; a ``filter`` aggregation counts ``total_all``;
* **bonuses**: a ``rescore`` of the best ``RESCORE_WINDOW`` passages per shard
  with span queries over the character field: neighbours side by side
  (phrase) and near each other (proximity, in steps of the same curve).

With several shards, statistics are global (``dfs_query_then_fetch``), so
they rank as one index. Snippets and spans come from the same highlighter as the local index,
on the text the hit returns, so both backends mark the same characters.
"""

from __future__ import annotations

from indexer import settings
from indexer.backends.opensearch.client import scan
from indexer.backends.opensearch.dsl import Q, bound, exact, render
from indexer.backends.opensearch.mapping import FILLER, MAX_RESULT_WINDOW
from indexer.errors import QueryError
from indexer.index.schema import KIND_BOOST
from indexer.model import Hit
from indexer.search.compile import Compiled
from indexer.search.highlight import Highlighter, snippet
from indexer.search.rank import (EXPANSION_WEIGHT, IDF_POWER, PHRASE_BONUS, PROXIMITY_BONUS, PROXIMITY_SCALE,
                                 RESCORE_WINDOW, neighbours)
from indexer.search.suggest import Suggester

FACETS = {"article": "article", "kind": "kind", "year": "year", "section": "section", "author": "people"}
FACET_SIZE = 1000  # most values one facet lists
SOURCE = ["article", "passage", "kind", "section", "section_title", "text", "notes", "position", "year", "title",
          "page", "page_label"]
PAGE = 500  # hits per request when every match is wanted
STEPS = (0, 5, 15, 40, 100, 300)  # gaps (characters) at which the proximity bonus steps down


def timeout_ms() -> int:
    """Return how long a search may run in the cluster (the ``search_timeout_ms`` setting)."""
    return settings.get_int("search_timeout_ms")


def scored_query(compiled: Compiled, either: list[Q], filters: list[dict]) -> dict:
    """Return the query: clauses, required parts, coverage, kind boost, tiers, filters and exclusions.

    ``either`` holds each clause's exact form or expansions (made once: rendered once).
    """
    clauses = compiled.clauses
    named = [{"bool": {"should": [render(q)], "_name": f"c{k}"}} for k, q in enumerate(either)]
    must = [render(compiled.required)] if compiled.required is not None else []
    relevance = {"bool": {"should": named, "must": must}} if named or must else None
    top = 0.0
    if relevance is not None and clauses:
        weights = [max(c.idf, 1e-6) ** IDF_POWER for c in clauses]
        functions = [{"filter": {"match_all": {}}, "weight": 1e-9}]  # matching no clause: coverage ~0
        for c, w in zip(clauses, weights):
            for m, share in ((c.exact, 1.0), (c.expanded, EXPANSION_WEIGHT)):
                if m.op != "none":
                    functions.append({"filter": render(m, False), "weight": share * w / sum(weights)})
        relevance = {"function_score": {"query": relevance, "functions": functions, "score_mode": "sum",
                                        "boost_mode": "multiply"}}
    if relevance is not None:
        relevance = {"function_score": {"query": relevance, "boost_mode": "multiply",
                                        "field_value_factor": {"field": "boost", "missing": 1.0}}}
        top = max(KIND_BOOST.values()) * (sum(bound(q) for q in either)
                                          + (bound(compiled.required) if compiled.required is not None else 0))
    query: dict = {"must": [relevance] if relevance is not None else []}
    if clauses:
        big = top + bonus_bound(compiled) + 1.0
        if all(c.expanded.op == "none" for c in clauses):  # no expansions: tiers 2 and 0 only
            query["should"] = [{"constant_score": {"filter": every(either), "boost": 2 * big}}]
        else:
            query["should"] = [{"constant_score": {"filter": every([c.exact for c in clauses]), "boost": big}},
                               {"constant_score": {"filter": every(either), "boost": big}}]
    query["filter"] = ([render(compiled.restrict, False)] if compiled.restrict is not None else []) + filters
    if compiled.excluded is not None:
        query["must_not"] = [render(compiled.excluded, False)]
    return {"bool": query}


def every(forms: list[Q]) -> dict:
    """Match the passages holding every one of ``forms``."""
    return {"bool": {"filter": [render(q, False) for q in forms]}}


def _proximity(gap: int) -> float:
    return 1 / (1 + gap / PROXIMITY_SCALE)


def _span(forms: list[str]) -> dict | None:
    """Return a span query for any of ``forms`` (folded, compact) in the character field."""
    spans = []
    for form in forms:
        terms = [{"span_term": {"text": ch}} for ch in form]
        if terms:
            spans.append(terms[0] if len(terms) == 1 else {"span_near": {"clauses": terms, "slop": 0,
                                                                          "in_order": True}})
    if not spans:
        return None
    return spans[0] if len(spans) == 1 else {"span_or": {"clauses": spans}}


def bonus_query(compiled: Compiled) -> dict | None:
    """Return the rescore query: phrase and proximity bonuses for neighbouring clauses held exactly."""
    clauses = compiled.clauses
    if len(clauses) < 2:
        return None
    pairs = []
    for a, b, adjacent in neighbours(compiled.runs):
        sa, sb = _span(clauses[a].forms), _span(clauses[b].forms)
        if sa is None or sb is None:
            continue
        bonuses = []
        if adjacent:
            side_by_side = {"span_near": {"clauses": [sa, sb], "slop": 0, "in_order": True}}
            bonuses.append({"constant_score": {"filter": side_by_side,
                                               "boost": PHRASE_BONUS * (clauses[a].idf + clauses[b].idf) / 2}})
        w = min(clauses[a].idf, clauses[b].idf)
        for i, gap in enumerate(STEPS):
            step = _proximity(gap) - (_proximity(STEPS[i + 1]) if i + 1 < len(STEPS) else 0.0)
            near = {"span_near": {"clauses": [sa, sb], "slop": gap, "in_order": False}}
            bonuses.append({"constant_score": {"filter": near, "boost": PROXIMITY_BONUS * w * step}})
        both = [render(clauses[a].exact, False), render(clauses[b].exact, False)]
        pairs.append({"bool": {"filter": both, "should": bonuses}})
    return {"bool": {"should": pairs}} if pairs else None


def bonus_bound(compiled: Compiled) -> float:
    """Return the most the bonuses can add to one passage."""
    c = compiled.clauses
    return sum(PHRASE_BONUS * (c[a].idf + c[b].idf) / 2 + PROXIMITY_BONUS * min(c[a].idf, c[b].idf)
               for a, b, _adjacent in neighbours(compiled.runs)) if len(c) > 1 else 0.0


def search_body(compiled: Compiled, filters: list[dict], limit: int, page: int, facets: bool,
                sort: str = "relevance", suggest: dict | None = None) -> dict:
    """Return the request body of one page of hits, in the order ``sort`` asks for."""
    either = [c.exact | c.expanded for c in compiled.clauses]
    body: dict = {"query": scored_query(compiled, either, filters), "from": (page - 1) * limit, "size": limit,
                  "track_total_hits": True, "timeout": f"{timeout_ms()}ms", "_source": SOURCE}
    bonus = bonus_query(compiled) if sort == "relevance" else None
    if bonus is not None:  # a rescore sorts by score alone
        body["rescore"] = {"window_size": RESCORE_WINDOW, "query": {
            "rescore_query": bonus, "query_weight": 1.0, "rescore_query_weight": 1.0, "score_mode": "total"}}
    elif sort == "relevance":
        body["sort"] = ["_score", {"article": "asc"}, {"position": "asc"}]
    else:  # by the article's date, undated last; best first within an article
        order = "desc" if sort == "newest" else "asc"
        body["sort"] = [{"date": {"order": order, "missing": "_last"}}, {"article": "asc"}, "_score",
                        {"position": "asc"}]
        body["track_scores"] = True
    aggs: dict = {}
    if compiled.clauses:
        aggs["all"] = {"filter": every(either)}
    if facets:
        for name, fieldname in FACETS.items():
            terms: dict = {"field": fieldname, "size": FACET_SIZE}
            if name == "year":
                terms["order"] = {"_key": "desc"}  # newest first, like a timeline
            aggs[name] = {"terms": terms}
    if aggs:
        body["aggs"] = aggs
    if suggest:
        body["suggest"] = suggest
    return body


def check_window(limit: int, page: int) -> None:
    """Refuse a page deeper than the index lets a search reach."""
    if page * limit > MAX_RESULT_WINDOW:
        raise QueryError(f"Page {page:,} is beyond the first {MAX_RESULT_WINDOW:,} hits; "
                         "narrow the query or choose an earlier page.", code="too_deep", page=page,
                         limit=MAX_RESULT_WINDOW)


def hit_of(raw: dict, compiled: Compiled, hl: Highlighter) -> Hit:
    """Turn one hit of the response into a :class:`Hit`: spans, snippet and the clauses it lacks."""
    src = raw["_source"]
    text = src.get("text", "")
    spans = hl.window_spans(text)
    matched = set(raw.get("matched_queries") or ())
    return Hit(
        article=src["article"], title=src.get("title") or src["article"], passage=src["passage"],
        kind=src["kind"], section=src.get("section_title"), text=text, snippet=snippet(text, spans),
        score=round(float(raw.get("_score") or 0.0), 4), notes=list(src.get("notes") or []),
        position=src.get("position", 0), year=src.get("year"), spans=spans,
        missing=[c.label for k, c in enumerate(compiled.clauses) if f"c{k}" not in matched],
        page=src.get("page"), page_label=src.get("page_label"),
    )


def facets_of(response: dict) -> dict[str, dict[str, int]]:
    """Return the facet counts of a response, most frequent first (years newest first)."""
    aggs = response.get("aggregations") or {}
    return {name: {str(b["key"]): b["doc_count"] for b in aggs[name]["buckets"]} for name in FACETS if name in aggs}


# ---------------------------------------------------------------- did you mean


def suggest_body(unknown: list[str]) -> dict:
    """Return term suggesters asking the word index for words near each unknown query word."""
    out = {}
    for i, label in enumerate(dict.fromkeys(unknown)):
        probe = Suggester.probe(label)
        if probe is not None:
            key, _han, edits, _ending = probe
            out[f"s{i}"] = {"text": key, "term": {"field": "words", "suggest_mode": "always", "max_edits": edits,
                                                  "prefix_length": 0, "min_word_length": 1, "accuracy": 0.1,
                                                  "size": 10}}
    return out


class FoundSuggester(Suggester):
    """Did you mean, from the words the cluster's term suggesters found (see :func:`suggest_body`)."""

    def __init__(self, response: dict):
        self.found: dict[str, int] = {}
        for entries in (response.get("suggest") or {}).values():
            for entry in entries:
                for option in entry["options"]:
                    self.found[option["text"]] = max(self.found.get(option["text"], 0), option["freq"])

    def candidates(self, key: str, han: bool, limit: int) -> set[str]:
        return {w for w in self.found if w != FILLER and (not han or len(w) > 1)}

    def frequency(self, word: str) -> int:
        return self.found.get(word, 0)


# ---------------------------------------------------------------- every occurrence


def matching_passages(client, index: str, text: str) -> list[tuple[str, str, str]]:
    """Return ``(article, passage, text)`` of every passage holding ``text``, in reading order."""
    hits = scan(client, index, exact(text), [{"article": "asc"}, {"position": "asc"}],
                ["article", "passage", "text"], PAGE)
    return [(h["_source"]["article"], h["_source"]["passage"], h["_source"]["text"]) for h in hits]

