"""Note markers and note definitions.

Markers are Unicode superscript digits (``¹⁰``), and in Markdown ``<sup>n</sup>``
or ``[^n]`` (numbers without superscripts are :mod:`indexer.parse.markers`).
:func:`extract_markers` removes them from body text and records where they
stood; :func:`build_footnotes` turns the collected definitions into
:class:`~indexer.model.Footnote` records with URLs, back-references
(:mod:`indexer.parse.backrefs`) and flagged problems.
"""

from __future__ import annotations

import re

from indexer.model import Footnote, NoteRef
from indexer.parse.backrefs import Resolution, resolve
from indexer.parse.problems import problem
from indexer.parse.inline import clean_inline, has_cjk, inline_cleaner, is_wide, plain_inline, smart_join

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")


# A run of more than four superscript digits is not a note number (and would not fit an int).
_SUP_RUN = rf"(?<![{SUPERSCRIPTS}])([{SUPERSCRIPTS}]{{1,4}})(?![{SUPERSCRIPTS}])"
MARKER = re.compile(r"<sup>\s*\[?(\d{1,4})\]?\s*</sup>|\[\^(\d{1,4})\](?!:)|" + _SUP_RUN)
_PLAIN_MARKER = re.compile(r"()()" + _SUP_RUN)
DEF_START = re.compile(
    r"^\s*(?:<sup>\s*\[?(\d{1,4})\]?\s*</sup>|\[\^(\d{1,4})\]:|" + _SUP_RUN + r")(.*)$"
)
_EXPONENT_BEFORE = re.compile(r"(?:\d|(?:^|[\d\s])(?:[kcm]?m|mm))$")


URL = re.compile(r"(?:https?|ftp)://[^\s<>\"“”'‘’，。；、）」】》]+|www\.[^\s<>\"“”'‘’，。；、）」】》]+")
_URL_TAIL = re.compile(r"(?:https?|ftp)://\S*?>?$")
_URL_DONE = re.compile(r"(?:\.(?:html?|pdf|php|aspx?|jsp|cfm|xml|docx?)|/|=\d+)>?$", re.I)
_URL_CONT = re.compile(r"^[A-Za-z0-9\-._~/%?=&#+:]+")

_LOCATOR = re.compile(r"(頁\s*\d[\d\s\-–—~～、,，]*\d|頁\s*\d|pp?\.\s*\d[\d\s\-–,]*\d|pp?\.\s*\d)")


def marker_number(m: re.Match) -> int:
    """Return the note number of a :data:`MARKER` or :data:`DEF_START` match."""
    digits = m.group(1) or m.group(2) or m.group(3).translate(_SUP_TO_DIGIT)
    return int(digits)


def extract_markers(text: str, markdown: bool = True) -> tuple[str, list[NoteRef]]:
    """Remove note markers from cleaned body text; return the text and where each marker stood.

    ``at`` is the offset, in the returned text, of the character that followed
    the marker. A space after a marker that follows CJK text is dropped.
    ``<sup>n</sup>`` and ``[^n]`` are markers only in Markdown.

    >>> extract_markers("債務）。⁸ 1993 年")
    ('債務）。1993 年', [NoteRef(n=8, at=4)])
    >>> extract_markers("面積 30 km² 。"), extract_markers("x[^1]", markdown=False)
    (('面積 30 km² 。', []), ('x[^1]', []))
    """
    pattern = MARKER if markdown else _PLAIN_MARKER
    if not pattern.search(text):
        return text, []
    clean = ""
    refs: list[NoteRef] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.group(3) and _EXPONENT_BEFORE.search(text, 0, m.start()):
            continue
        clean += text[pos : m.start()]
        pos = m.end()
        prev, nxt = clean[-1:], text[pos : pos + 1]
        if nxt.isspace() and (not prev or prev.isspace() or is_wide(prev)):
            while pos < len(text) and text[pos].isspace():
                pos += 1
        elif prev.isspace() and (not nxt or is_wide(nxt)):
            clean = clean.rstrip()
        refs.append(NoteRef(marker_number(m), len(clean)))
    clean = (clean + text[pos:]).rstrip()
    for ref in refs:
        ref.at = min(ref.at, len(clean))
    return clean, refs


def note_start(line: str, cited: set[int]) -> tuple[int, str] | None:
    """Return (number, rest) when ``line`` starts a note definition, else None.

    A superscript glued to the following text only starts a definition when that
    note was already cited; otherwise it is a marker at the top of a page.

    >>> note_start("¹ <http://a.b/>", set()), note_start("³使俄羅斯", set())
    ((1, ' <http://a.b/>'), None)
    """
    m = DEF_START.match(line)
    if not m:
        return None
    n = marker_number(m)
    rest = m.group(4)
    if m.group(2) or not rest or rest[0].isspace() or n in cited:
        return n, rest
    return None


def superscript_note_start(line: str, cited: set[int]) -> tuple[int, str] | None:
    """Like :func:`note_start`, for plain text: only a superscript starts a definition.

    >>> superscript_note_start("¹ 同上。", set()), superscript_note_start("[^1]: 同上。", set())
    ((1, ' 同上。'), None)
    """
    start = note_start(line, cited)
    if start and line.lstrip()[:1] in SUPERSCRIPTS:
        return start
    return None


def join_note(prev: str, cont: str, markdown: bool = True) -> str:
    """Append a continuation to a note's raw text, rejoining a URL cut by a page break.

    >>> join_note("see <https://x.gov/DEPARTMENT-IN>", "*DO-PACIFIC-2019.PDF*, June 15.")
    'see <https://x.gov/DEPARTMENT-INDO-PACIFIC-2019.PDF>, June 15.'
    """
    prev = prev.rstrip()
    cont = cont.strip()
    tail = _URL_TAIL.search(prev)
    if tail and not _URL_DONE.search(prev):
        plain = clean_inline(cont) if markdown else plain_inline(cont)
        m = _URL_CONT.match(plain)
        if m and re.search(r"[\-._/%?=&#~]", m.group()):
            url_part = m.group().rstrip(".,;:")
            closed = prev.endswith(">")
            head = prev[:-1] if closed else prev
            rest = plain[len(url_part) :]
            return head + url_part + (">" if closed else "") + rest
    return smart_join(prev, cont)


def _truncated(text: str) -> bool:
    last = text.rstrip()[-1:]
    return bool(last) and (has_cjk(last) or last in "，、；：,;:（(「《—-")


def _link(fn: Footnote, res: Resolution) -> None:
    """Record where a back-reference points (``same_as``, ``locator``) or why it cannot."""
    ref = res.ref
    if ref.locator and (loc := _LOCATOR.search(ref.locator)):
        fn.locator = loc.group().strip()
    if res.problem is None:
        fn.same_as = res.target
    elif res.problem == "self":
        fn.problems.append(problem("self_reference", ref=ref.text, n=fn.n))
    elif res.problem == "no author":
        fn.problems.append(problem("unresolved_reference", author=ref.author))
    else:
        target = "the previous note" if res.problem == "first" else f"note {res.target}"
        fn.problems.append(problem("bad_reference", ref=ref.text, target=target))


def note_urls(text: str) -> list[str]:
    """Return the URLs in a note, without angle brackets or trailing punctuation.

    >>> note_urls("見 http://a.org/x.htm。另見 <https://b.net/y>.")
    ['http://a.org/x.htm', 'https://b.net/y']
    """
    urls = []
    for m in URL.finditer(text):
        url = m.group().rstrip(".,;:!?'\">")
        if url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        if url not in urls:
            urls.append(url)
    return urls


def build_footnotes(
    defs: dict[int, str], cites: dict[int, list[str]], duplicates: set[int], markdown: bool = True
) -> tuple[list[Footnote], list[str]]:
    """Turn raw definitions and citing paragraph ids into footnotes with their problems flagged.

    ``markdown`` says whether the raw texts may hold Markdown markup to remove.
    """
    clean = inline_cleaner(markdown)
    notes: dict[int, Footnote] = {}
    for n, raw in defs.items():
        text = clean(raw)
        fn = Footnote(n=n, text=text, urls=note_urls(text), cited_in=list(cites.get(n, [])))
        notes[n] = fn
    links = resolve([(fn.n, fn.text) for fn in notes.values()])
    for fn in notes.values():
        if not fn.text:
            fn.problems.append(problem("empty"))
            continue
        if fn.n in links:
            _link(fn, links[fn.n])
        if _truncated(fn.text):
            fn.problems.append(problem("truncated", tail=fn.text[-8:]))
    for n, fn in notes.items():
        if n in duplicates:
            fn.problems.append(problem("duplicate_definition", n=n))
        if not fn.cited_in:
            fn.problems.append(problem("no_marker", n=n))
    for n, where in cites.items():
        if n not in notes:
            notes[n] = Footnote(
                n=n,
                text="",
                cited_in=list(where),
                problems=[problem("missing_definition", n=n, where=", ".join(where))],
            )
    warnings = []
    if notes:
        gaps = sorted(set(range(1, max(notes) + 1)) - set(notes))
        if gaps:
            warnings.append(f"note numbering has gaps: {', '.join(map(str, gaps))}")
    return [notes[n] for n in sorted(notes)], warnings


def number_notes(definitions, marks, symbols: str = "") -> tuple[dict[int, str], set[int], dict[int, str]]:
    """Give every note one number, also when the article numbers its notes again from 1 on each page.

    ``definitions`` are walker definitions (printed ``n``, ``block``, ``text``)
    and ``marks`` the markers (``ref.n`` printed, ``block``). When a later block
    of notes starts at 1 again, notes are numbered through the article in
    reading order, each marker is linked to the note of its own block, and the
    number as printed is kept as each note's label. Returns the raw texts by
    number, the numbers defined twice, and the labels (none when numbering
    runs through the article).
    """
    blocks: dict[int, list] = {}
    for d in definitions:
        blocks.setdefault(d.block, []).append(d)
    firsts = [ds[0].n for _, ds in sorted(blocks.items())]
    defs: dict[int, str] = {}
    duplicates: set[int] = set()
    if 1 not in firsts[1:]:
        for d in definitions:
            if d.n in defs:
                duplicates.add(d.n)
            else:
                defs[d.n] = d.text
        return defs, duplicates, {}
    number: dict[tuple[int, int], int] = {}
    labels: dict[int, str] = {}
    for d in definitions:
        key = (d.block, d.n)
        if key in number:
            duplicates.add(number[key])
            continue
        n = number[key] = len(defs) + 1
        defs[n] = d.text
        labels[n] = symbols[d.n - 1] if symbols and d.n <= len(symbols) else str(d.n)
    extra = len(defs)
    missing: dict[tuple[int, int], int] = {}
    for m in marks:
        printed, block = m.ref.n, m.block
        for b in (block, block + 1, block - 1):
            if (b, printed) in number:
                m.ref.n = number[(b, printed)]
                break
        else:
            if (block, printed) not in missing:
                extra += 1
                missing[(block, printed)] = extra
            m.ref.n = missing[(block, printed)]
    return defs, duplicates, labels
