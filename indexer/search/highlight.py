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


def match_spans(text: str, words: frozenset[str], phrases: list[str]) -> list[tuple[int, int]]:
    """Return merged spans of ``text`` matching the indexed ``words`` or any of ``phrases``."""
    spans: list[tuple[int, int]] = []
    if words:
        for w, _pos, start, end in segment(fold(text), subwords=True):
            if w not in ENGLISH_STOP_WORDS and stem_word(w) in words:
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
    """Return the ``(start, end)`` of the ``width``-character fragment holding the most spans."""
    if len(text) <= width:
        return 0, len(text)
    if not spans:
        return 0, width
    best, start = -1, 0
    for s, _e in spans:
        lo = max(0, min(s - width // 5, len(text) - width))
        count = sum(1 for a, b in spans if a >= lo and b <= lo + width)
        if count > best:
            best, start = count, lo
    return start, start + width


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
    """Return the best ``width``-character fragment of ``text`` rendered by ``formatter`` (HTML)."""
    start, end = best_window(text, spans, width)
    return (formatter or HtmlFormatter()).format(text, spans, start, end)


class Highlighter:
    """Find a query's words and phrases in passage after passage (nothing if there is no query)."""

    def __init__(self, words: frozenset[str] = frozenset(), phrases: list[str] | None = None):
        self.words = words
        self.phrases = phrases or []
        self.marked: list[str] = []  # passage ids with at least one mark, in reading order

    def spans(self, pid: str, text: str | None) -> list[tuple[int, int]]:
        """Return the spans of ``text`` to mark; remember ``pid`` if there are any."""
        if not text or not (self.words or self.phrases):
            return []
        words = self.words
        if words and not any(w.isascii() for w in words):  # skip segmenting text without any of them
            folded = fold(text)
            words = words if any(w in folded for w in words) else frozenset()
        spans = match_spans(text, words, self.phrases)
        if spans and pid not in self.marked:
            self.marked.append(pid)
        return spans
