"""Note markers, note definitions and the text helpers both need.

Markers are Unicode superscript digits (``¹⁰``), ``<sup>n</sup>`` or ``[^n]``.
:func:`extract_markers` removes them from body text and records where they
stood; :func:`build_footnotes` turns the collected definitions into
:class:`~indexer.model.Footnote` records with URLs, back-references
(同註N / 同前註 / 同上 / 前揭) and flagged problems.
"""

from __future__ import annotations

import re

from indexer.model import Footnote, NoteRef

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")

# Sentence-final characters: a block ending in one of these is a complete paragraph.
FINAL = set("。！？!?…；;：:」』）)”\"’.》】")

MARKER = re.compile(
    r"<sup>\s*\[?(\d{1,4})\]?\s*</sup>|\[\^(\d{1,4})\](?!:)|([" + SUPERSCRIPTS + r"]+)"
)
DEF_START = re.compile(
    r"^\s*(?:<sup>\s*\[?(\d{1,4})\]?\s*</sup>|\[\^(\d{1,4})\]:|([" + SUPERSCRIPTS + r"]+))(.*)$"
)
_EXPONENT_BEFORE = re.compile(r"(?:\d|(?:^|[\d\s])(?:[kcm]?m|mm))$")

_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
_LINK = re.compile(r"!?\[([^\]^][^\]]*)\]\([^)\s]+\)")
_TAG = re.compile(r"</?(?!sup\b)[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_EM = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>])")
_SPACES = re.compile(r"[ \t\u00a0]+")

URL = re.compile(r"(?:https?|ftp)://[^\s<>\"“”'‘’，。；、）」】》]+|www\.[^\s<>\"“”'‘’，。；、）」】》]+")
_URL_TAIL = re.compile(r"(?:https?|ftp)://\S*?>?$")
_URL_DONE = re.compile(r"(?:\.(?:html?|pdf|php|aspx?|jsp|cfm|xml|docx?)|/|=\d+)>?$", re.I)
_URL_CONT = re.compile(r"^[A-Za-z0-9\-._~/%?=&#+:]+")

_REF_PREFIX = re.compile(r"^(?:請?參[見閱考]|參照|見|see\s+)\s*", re.I)
_SAME_AS_N = re.compile(r"^(?:同|前揭|前引|見)\s*[註注]\s*(\d+)")
_SAME_AS_PREV = re.compile(r"^(?:同前[註注揭引]?|同上[註注]?(?![\u4e00-\u9fff])|前[註注]|ibid\.?)", re.I)
_FORMER = re.compile(r"^(.{1,40}?)\s*[，,、]\s*(?:前揭|前引|同前揭)")
_LOCATOR = re.compile(r"(頁\s*\d[\d\s\-–—~～、,，]*\d|頁\s*\d|pp?\.\s*\d[\d\s\-–,]*\d|pp?\.\s*\d)")


def is_wide(ch: str) -> bool:
    """Tell whether ``ch`` is a CJK character or full-width punctuation (no spaces around it).

    >>> is_wide("中"), is_wide("。"), is_wide("a"), is_wide("1")
    (True, True, False, False)
    """
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F
        or 0xFF00 <= o <= 0xFFEF
        or 0x20000 <= o <= 0x3FFFF
        or ch in "—…"
    )


def has_cjk(text: str) -> bool:
    """Tell whether ``text`` contains a CJK ideograph."""
    return any(0x3400 <= ord(c) <= 0x9FFF or 0x20000 <= ord(c) <= 0x3FFFF for c in text)


def smart_join(a: str, b: str) -> str:
    """Join two pieces cut by a line or page break: no space next to CJK, one between words.

    >>> smart_join("措", "施。"), smart_join("(1992", "年1月"), smart_join("Russia", "and")
    ('措施。', '(1992年1月', 'Russia and')
    """
    if not a:
        return b
    if not b:
        return a
    return a + _joiner(a[-1], b[0]) + b


def _joiner(x: str, y: str) -> str:
    if is_wide(x) or is_wide(y) or x in "-/([“‘" or y in ")]/.,;:!?”’":
        return ""
    return " "


def clean_inline(text: str) -> str:
    """Remove Markdown/HTML markup but keep note markers and URLs (without angle brackets).

    >>> clean_inline("*The Department of Defense*, <https://a.b/c>, **x**")
    'The Department of Defense, https://a.b/c, x'
    """
    if "<" in text:
        text = _AUTOLINK.sub(r"\1", text)
        text = _TAG.sub("", text)
    if "[" in text:
        text = _LINK.sub(r"\1", text)
    if "*" in text or "_" in text:
        text = _STRONG.sub(lambda m: m.group(1) or m.group(2), text)
        text = _EM.sub(r"\1", text)
    if "`" in text:
        text = _CODE.sub(r"\1", text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    if "  " in text or "\t" in text or "\u00a0" in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


def marker_number(m: re.Match) -> int:
    """Return the note number of a :data:`MARKER` or :data:`DEF_START` match."""
    digits = m.group(1) or m.group(2) or m.group(3).translate(_SUP_TO_DIGIT)
    return int(digits)


def extract_markers(text: str) -> tuple[str, list[NoteRef]]:
    """Remove note markers from cleaned body text; return the text and where each marker stood.

    ``at`` is the offset, in the returned text, of the character that followed
    the marker. A space after a marker that follows CJK text is dropped.

    >>> extract_markers("債務）。⁸ 1993 年")
    ('債務）。1993 年', [NoteRef(n=8, at=4)])
    >>> extract_markers("面積 30 km² 。")
    ('面積 30 km² 。', [])
    """
    if not MARKER.search(text):
        return text, []
    clean = ""
    refs: list[NoteRef] = []
    pos = 0
    for m in MARKER.finditer(text):
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


def join_note(prev: str, cont: str) -> str:
    """Append a continuation to a note's raw text, rejoining a URL cut by a page break.

    >>> join_note("see <https://x.gov/DEPARTMENT-IN>", "*DO-PACIFIC-2019.PDF*, June 15.")
    'see <https://x.gov/DEPARTMENT-INDO-PACIFIC-2019.PDF>, June 15.'
    """
    prev = prev.rstrip()
    cont = cont.strip()
    tail = _URL_TAIL.search(prev)
    if tail and not _URL_DONE.search(prev):
        plain = clean_inline(cont)
        m = _URL_CONT.match(plain)
        if m and re.search(r"[\-._/%?=&#~]", m.group()):
            url_part = m.group().rstrip(".,;:")
            closed = prev.endswith(">")
            head = prev[:-1] if closed else prev
            rest = plain[len(url_part) :]
            return head + url_part + (">" if closed else "") + rest
    return smart_join(prev, cont)


def ends_open(text: str) -> bool:
    """Tell whether clean text stops mid-sentence (its last character is not sentence-final).

    >>> ends_open("強調外交要"), ends_open("經驗教訓："), ends_open("(1992")
    (True, False, True)
    """
    text = text.rstrip()
    return bool(text) and text[-1] not in FINAL


def _truncated(text: str) -> bool:
    last = text.rstrip()[-1:]
    return bool(last) and (has_cjk(last) or last in "，、；：,;:（(「《—-")


def _resolve(fn: Footnote, defined: dict[int, Footnote]) -> None:
    text = _REF_PREFIX.sub("", fn.text)
    target: int | None = None
    label = ""
    if m := _SAME_AS_N.match(text):
        target, label = int(m.group(1)), m.group()
    elif m := _SAME_AS_PREV.match(text):
        target, label = fn.n - 1, m.group()
    elif m := _FORMER.match(text):
        label = m.group()
        who = m.group(1).strip()
        earlier = [d for d in defined.values() if d.n < fn.n and d.text.startswith(who)]
        if not earlier:
            fn.problems.append(f"unresolved reference: no earlier note by {who}")
            return
        target = earlier[-1].n
    else:
        return
    if loc := _LOCATOR.search(text, len(label)):
        fn.locator = loc.group().strip()
    if target == fn.n:
        fn.problems.append(f"self-reference: {label.strip()} refers to note {fn.n} itself")
    elif target not in defined or target > fn.n:
        fn.problems.append(f"bad reference: {label.strip()} refers to note {target}, not an earlier note")
    else:
        fn.same_as = target


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
    defs: dict[int, str], cites: dict[int, list[str]], duplicates: set[int]
) -> tuple[list[Footnote], list[str]]:
    """Turn raw definitions and citing paragraph ids into footnotes with their problems flagged."""
    notes: dict[int, Footnote] = {}
    for n, raw in defs.items():
        text = clean_inline(raw)
        fn = Footnote(n=n, text=text, urls=note_urls(text), cited_in=list(cites.get(n, [])))
        notes[n] = fn
    for fn in notes.values():
        if not fn.text:
            fn.problems.append("empty: the note has no text")
            continue
        _resolve(fn, notes)
        if _truncated(fn.text):
            fn.problems.append(f"truncated: the text stops mid-sentence at “{fn.text[-8:]}”")
    for n, fn in notes.items():
        if n in duplicates:
            fn.problems.append(f"duplicate definition: note {n} is defined more than once; the first is kept")
        if not fn.cited_in:
            fn.problems.append(f"no marker: no paragraph cites note {n}")
    for n, where in cites.items():
        if n not in notes:
            notes[n] = Footnote(
                n=n,
                text="",
                cited_in=list(where),
                problems=[f"missing definition: note {n} is cited in {', '.join(where)} but never defined"],
            )
    warnings = []
    if notes:
        gaps = sorted(set(range(1, max(notes) + 1)) - set(notes))
        if gaps:
            warnings.append(f"note numbering has gaps: {', '.join(map(str, gaps))}")
    return [notes[n] for n in sorted(notes)], warnings
