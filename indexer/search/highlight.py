"""Highlighting: find what a query matched in a passage once, then render it.

:func:`match_spans` finds the spans; :func:`best_window` picks the fragment
a snippet shows; a :class:`Formatter` renders fragment and spans: HTML with
``<mark>`` (everything else escaped) for the web and JSON, brackets for the
terminal and for tests. Offsets come from :func:`indexer.analysis.fold`,
which keeps the length, so the marks land on the original characters: a
Simplified query highlights Traditional text.

>>> text = "美俄關係的未來發展"
>>> spans = match_spans(text, frozenset({"未来"}), ["俄关系"])
>>> snippet(text, spans)
'美<mark>俄關係</mark>的<mark>未來</mark>發展'
>>> snippet(text, spans, formatter=BracketFormatter())
'美【俄關係】的【未來】發展'
"""

from __future__ import annotations

import bisect

from markupsafe import escape

from indexer.analysis import ENGLISH_STOP_WORDS, compact, fold, segment, stem_word


def find_phrase(text: str, phrase: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` offsets in ``text`` of every occurrence of ``phrase``.

    Script-, case- and white-space-insensitive, exactly as phrase search matches.

    >>> find_phrase("1991 年底，1991年", "1991年")
    [(0, 6), (8, 13)]
    """
    needle, _ = compact(phrase)
    if not needle:
        return []
    hay, offsets = compact(text)
    out = []
    i = hay.find(needle)
    while i >= 0:
        out.append((offsets[i], offsets[i + len(needle) - 1] + 1))
        i = hay.find(needle, i + 1)
    return out


def match_spans(text: str, words: frozenset[str], phrases: list[str],
                prefixes: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """Return merged spans of ``text`` matching the indexed ``words``, ``prefixes`` or any of ``phrases``.

    >>> t = "Russia and the Russians"
    >>> [t[s:e] for s, e in match_spans(t, frozenset(), [], frozenset({"russ"}))]
    ['Russia', 'Russians']
    """
    spans: list[tuple[int, int]] = []
    if words or prefixes:
        starts = tuple(prefixes)
        for w, _pos, start, end in segment(fold(text), subwords=True):
            if w not in ENGLISH_STOP_WORDS and (stem_word(w) in words or (starts and w.startswith(starts))):
                spans.append((start, end))
    for p in phrases:
        spans.extend(find_phrase(text, p))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def best_window(text: str, spans: list[tuple[int, int]], width: int = 160) -> tuple[int, int]:
    """Return the ``(start, end)`` of the ``width``-character fragment holding the most spans.

    Each span counts 1 / (how many spans mark the same text), so a fragment
    showing a rare term beats one showing the common one again. ``spans``
    are sorted and disjoint (as :func:`match_spans` returns them), so each
    candidate window is summed with two binary searches over prefix sums:
    linear in the number of spans, whatever the length of the text.

    >>> best_window("x" * 1000, [(10, 12), (500, 502), (520, 522), (600, 602)], 160)
    (468, 628)
    """
    if len(text) <= width:
        return 0, len(text)
    if not spans:
        return 0, width
    keys = [fold(text[s:e]) for s, e in spans]
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    prefix = [0.0]
    for k in keys:
        prefix.append(prefix[-1] + 1 / counts[k])
    starts = [s for s, _e in spans]
    ends = [e for _s, e in spans]
    best, start = -1.0, 0
    for s, _e in spans:
        lo = max(0, min(s - width // 5, len(text) - width))
        weight = prefix[bisect.bisect_right(ends, lo + width)] - prefix[bisect.bisect_left(starts, lo)]
        if weight > best + 1e-12:
            best, start = weight, lo
    return start, start + width


LONG_TEXT = 8000  # characters: longer passages are highlighted only around their best region
REGION = 2000  # characters each side of that region's centre
_MAX_PROBES = 20_000


def best_region(text: str, words: frozenset[str], phrases: list[str],
                prefixes: frozenset[str] = frozenset(), width: int = 160) -> tuple[int, int]:
    """Return a region of a long ``text`` around its densest cluster of likely matches.

    A cheap first pass for multi-megabyte passages: the folded text is scanned
    with ``str.find`` for each phrase (white space left in) and for the start
    of each word, and the region is centred on the ``width`` characters with
    the most of them, each weighted by 1 / its count so that rare terms win;
    only the region is then segmented and marked.

    >>> best_region("甲" * 9000 + "俄羅斯" + "乙" * 9000, frozenset(), ["俄罗斯"])
    (7000, 11000)
    """
    folded = fold(text)
    probes = [p for p in (fold(x) for x in phrases) if p.strip()]
    probes += [w[: max(1, len(w) - 1)] for w in words] + list(prefixes)
    hits: list[tuple[int, float]] = []
    for p in probes:
        found = []
        i = folded.find(p)
        while i >= 0 and len(found) < _MAX_PROBES:
            found.append(i)
            i = folded.find(p, i + 1)
        hits += [(h, 1 / len(found)) for h in found]  # a rare term outweighs a frequent one
    if not hits:
        return 0, min(len(text), 2 * REGION)
    hits.sort()
    best, centre, j, weight = -1.0, hits[0][0], 0, 0.0
    for h, w in hits:
        weight += w
        while hits[j][0] < h - width:
            weight -= hits[j][1]
            j += 1
        if weight > best + 1e-12:
            best, centre = weight, (hits[j][0] + h) // 2
    lo = max(0, centre - REGION)
    return lo, min(len(text), lo + 2 * REGION)


class Formatter:
    """Render a fragment of a text with its spans marked; subclasses say how to mark and escape."""

    def escape(self, text: str) -> str:
        return text

    def mark(self, text: str) -> str:
        raise NotImplementedError

    def format(self, text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
        """Return ``text[start:end]`` with the spans in it marked, "…" where it was cut."""
        end = len(text) if end is None else end
        out = ["…" if start > 0 else ""]
        cur = start
        for s, e in spans:
            if e <= start or s >= end:
                continue
            s, e = max(s, start), min(e, end)
            out.append(self.escape(text[cur:s]))
            out.append(self.mark(text[s:e]))
            cur = e
        out.append(self.escape(text[cur:end]))
        if end < len(text):
            out.append("…")
        return "".join(out)


class HtmlFormatter(Formatter):
    """HTML: matches in ``<mark>``, everything else escaped."""

    def escape(self, text: str) -> str:
        return str(escape(text))

    def mark(self, text: str) -> str:
        return f"<mark>{escape(text)}</mark>"


class BracketFormatter(Formatter):
    """Plain text with matches between brackets (``【`` ``】`` by default)."""

    def __init__(self, left: str = "【", right: str = "】"):
        self.left, self.right = left, right

    def mark(self, text: str) -> str:
        return f"{self.left}{text}{self.right}"


def snippet(text: str, spans: list[tuple[int, int]], width: int = 160,
            formatter: Formatter | None = None) -> str:
    """Return the best ``width``-character fragment of ``text`` rendered by ``formatter`` (HTML).

    The fragment is widened to whole matches: a mark is never cut in two.

    >>> snippet("甲" * 200 + "俄羅斯", [(200, 203)], width=160, formatter=BracketFormatter())[-6:]
    '甲【俄羅斯】'
    """
    start, end = best_window(text, spans, width)
    k = bisect.bisect_left(spans, (end, end)) - 1  # the last span starting before the end
    if k >= 0 and spans[k][1] > end:
        end = spans[k][1]
    k = bisect.bisect_right(spans, (start, len(text) + 1)) - 1  # the last span starting at or before start
    if k >= 0 and spans[k][0] < start < spans[k][1]:
        start = spans[k][0]
    return (formatter or HtmlFormatter()).format(text, spans, start, end)


class Highlighter:
    """Find a query's words, prefixes and phrases in passage after passage (nothing if there is no query)."""

    def __init__(self, words: frozenset[str] = frozenset(), phrases: list[str] | None = None,
                 prefixes: frozenset[str] = frozenset()):
        self.words = words
        self.phrases = phrases or []
        self.prefixes = prefixes
        self.marked: list[str] = []  # passage ids with at least one mark, in reading order

    def _spans(self, text: str) -> list[tuple[int, int]]:
        words, prefixes = self.words, self.prefixes
        if words or prefixes:  # skip segmenting a text that holds none of them
            folded = fold(text)
            if not any(w[: max(1, len(w) - 1)] in folded for w in words) and \
                    not any(p in folded for p in prefixes):
                words, prefixes = frozenset(), frozenset()
        return match_spans(text, words, self.phrases, prefixes)

    def spans(self, pid: str, text: str | None) -> list[tuple[int, int]]:
        """Return the spans of ``text`` to mark; remember ``pid`` if there are any."""
        if not text or not (self.words or self.phrases or self.prefixes):
            return []
        spans = self._spans(text)
        if spans and pid not in self.marked:
            self.marked.append(pid)
        return spans

    def window_spans(self, text: str) -> list[tuple[int, int]]:
        """Return the spans a snippet needs: all of them, or those of the best region of a long text."""
        if not text or not (self.words or self.phrases or self.prefixes):
            return []
        if len(text) <= LONG_TEXT:
            return self._spans(text)
        lo, hi = best_region(text, self.words, self.phrases, self.prefixes)
        return [(s + lo, e + lo) for s, e in self._spans(text[lo:hi])]
