"""Find what a query matched in a passage and cut an escaped snippet around it.

Offsets come from :func:`indexer.analysis.fold`, which keeps the length, so the
marks land on the original characters: a Simplified query highlights
Traditional text. Everything but our own ``<mark>`` is HTML-escaped.

>>> text = "美俄關係的未來發展"
>>> snippet(text, match_spans(text, frozenset({"未来"}), ["俄关系"]))
'美<mark>俄關係</mark>的<mark>未來</mark>發展'
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


def snippet(text: str, spans: list[tuple[int, int]], width: int = 160) -> str:
    """Return the best ``width``-character fragment of ``text`` as HTML with ``<mark>``s."""
    if len(text) <= width:
        start, end = 0, len(text)
    elif not spans:
        start, end = 0, width
    else:
        best, start = -1, 0
        for s, _e in spans:
            lo = max(0, min(s - width // 5, len(text) - width))
            count = sum(1 for a, b in spans if a >= lo and b <= lo + width)
            if count > best:
                best, start = count, lo
        end = start + width
    out = ["…" if start > 0 else ""]
    cur = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(str(escape(text[cur:s])))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        cur = e
    out.append(str(escape(text[cur:end])))
    if end < len(text):
        out.append("…")
    return "".join(out)
