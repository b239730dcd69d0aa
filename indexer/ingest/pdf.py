"""PDF: bytes → a Document of pages of positioned text spans (read with pypdfium2).

The PDF's own characters are kept exactly (no OCR, no text heuristics here):
each page becomes :class:`Span` records, a run of characters drawn by one
text object on one baseline with no gap wider than an eighth of the font size,
with its box, baseline, font size, typeface and weight. Spaces drawn in the
PDF are not kept as characters but as ``space_before`` on the next span, so
the layout parser (:mod:`indexer.parse.pdf`) decides where a space belongs.
Horizontal rules (the line above footnotes) and images are listed too.

Coordinates are PDF points measured from the top-left corner, so ``y`` grows
down the page. Characters pdfium generates itself (spaces and line breaks it
guesses) are ignored; ligatures (ﬁ) are decomposed (NFKC), surrogate pairs
rejoined into one character outside the BMP, and glyphs CJK fonts name by a
look-alike read as the character typeset (⋯ U+22EF as …, ➀ as ①).

Files that cannot give text raise :class:`~indexer.errors.ReadError` with a
one-line fix: encrypted, damaged, or without a text layer (a scan: run OCR).
"""

from __future__ import annotations

import ctypes
import unicodedata
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pr
import pypdfium2_raw.bindings as _bindings

from indexer.errors import ReadError
from indexer.model import Document

OCR_HINT = "ocrmypdf -l chi_tra+eng"
GAP = 0.12  # a gap wider than this many font sizes ends a span (TeX shrinks word spaces to 0.17 em)
_RULE_HEIGHT = 2.0  # a path at most this tall (points) and wider than _RULE_WIDTH is a rule
_RULE_WIDTH = 30.0
_LIGATURES = range(0xFB00, 0xFB50)  # alphabetic presentation forms: ﬁ ﬂ ﬀ ...
# Names CJK fonts give the glyphs of common characters (several code points share
# one glyph, and the PDF's ToUnicode picks one): ⋯ is the ellipsis …, ➀ is ①.
_ALIASES = {0x22EF: 0x2026} | {0x2780 + k: 0x2460 + k for k in range(10)}


@dataclass(slots=True)
class Span:
    """Characters drawn in one run: same text object, baseline and size, no wide gap."""

    text: str
    x0: float
    x1: float
    y: float  # baseline, from the top of the page
    size: float  # font size in points, as drawn
    font: str  # base font name without the subset prefix ("UMingTW", "Times-Bold")
    bold: bool
    space_before: str = ""  # the space drawn just before it: " ", or "　" (U+3000, kept between CJK text)


@dataclass(slots=True)
class Page:
    """One page: its spans in content order, horizontal rules and whether it holds images."""

    number: int  # 1-based
    width: float
    height: float
    spans: list[Span] = field(default_factory=list)
    rules: list[tuple[float, float, float]] = field(default_factory=list)  # (x0, y, x1)
    images: int = 0


def read_document(data: bytes, name: str, article_id: str) -> Document:
    """Read a PDF's pages; raise ReadError for encrypted, damaged or text-less (scanned) files."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        raise ReadError(_open_error(name, err)) from None
    try:
        if len(pdf) == 0:
            raise ReadError(f"{name}: damaged PDF (it has no pages); re-export or re-download it")
        pages = [_read_page(pdf, i) for i in range(len(pdf))]
    finally:
        pdf.close()
    warnings = []
    blank = [p.number for p in pages if not p.spans and p.images]
    if not any(p.spans for p in pages):
        if blank:
            raise ReadError(f"{name}: has no text layer (scanned pages); run OCR first, "
                            f"e.g. {OCR_HINT} {name} ocr.pdf")
        raise ReadError(f"{name}: has no text on any page; check that it is the article")
    if blank:
        many = len(blank) > 1
        warnings.append(f"{name}: page{'s' if many else ''} {_ranges(blank)} {'have' if many else 'has'} "
                        f"no text layer (scanned); {'their' if many else 'its'} text is missing; "
                        f"run OCR first, e.g. {OCR_HINT} {name} ocr.pdf")
    return Document(article_id, "pdf", pages=pages, path=name, warnings=warnings)


def _open_error(name: str, err: pdfium.PdfiumError) -> str:
    code = getattr(err, "err_code", None)
    if code == pr.FPDF_ERR_PASSWORD:
        return f"{name}: encrypted PDF (needs a password); save an unprotected copy and index that"
    if code == pr.FPDF_ERR_SECURITY:
        return f"{name}: encrypted PDF with an unsupported security handler; save an unprotected copy"
    return f"{name}: damaged PDF, it cannot be read; re-export or re-download it"


def _ranges(numbers: list[int]) -> str:
    """Write page numbers compactly.

    >>> _ranges([1, 2, 3, 5])
    '1-3, 5'
    """
    out: list[list[int]] = []
    for n in numbers:
        if out and n == out[-1][-1] + 1:
            out[-1].append(n)
        else:
            out.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in out)


# Raw pdfium calls without pypdfium2's per-call argument conversion: the page
# loop makes three calls per character, so their cost decides the speed.
_LIB = _bindings._libs["pdfium"]  # noqa: SLF001 (the library pypdfium2 loaded)


def _fn(name: str, restype, *argtypes):
    f = getattr(_LIB, name)
    fn = ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(f, ctypes.c_void_p).value)
    return fn


_P = ctypes.c_void_p
_D = ctypes.POINTER(ctypes.c_double)
_count_chars = _fn("FPDFText_CountChars", ctypes.c_int, _P)
_unicode = _fn("FPDFText_GetUnicode", ctypes.c_uint, _P, ctypes.c_int)
_text_object = _fn("FPDFText_GetTextObject", _P, _P, ctypes.c_int)
_loose_box = _fn("FPDFText_GetLooseCharBox", ctypes.c_int, _P, ctypes.c_int, ctypes.POINTER(pr.FS_RECTF))
_font_size = _fn("FPDFText_GetFontSize", ctypes.c_double, _P, ctypes.c_int)
_origin = _fn("FPDFText_GetCharOrigin", ctypes.c_int, _P, ctypes.c_int, _D, _D)
_obj_font = _fn("FPDFTextObj_GetFont", _P, _P)
_render_mode = _fn("FPDFTextObj_GetTextRenderMode", ctypes.c_int, _P)
_font_name = _fn("FPDFFont_GetBaseFontName", ctypes.c_size_t, _P, ctypes.c_char_p, ctypes.c_size_t)
_font_weight = _fn("FPDFFont_GetWeight", ctypes.c_int, _P)
_font_flags = _fn("FPDFFont_GetFlags", ctypes.c_int, _P, ctypes.POINTER(ctypes.c_int))
_BOLD_FLAG = 1 << 18  # ForceBold in the font descriptor flags
_BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demibold", "hei", "gothic")


def _font_of(obj: int, cache: dict) -> tuple[str, bool]:
    """Return (base font name without subset tag, bold) for a text object."""
    font = _obj_font(obj)
    key = (font, _render_mode(obj))
    got = cache.get(key)
    if got is None:
        buf = ctypes.create_string_buffer(128)
        _font_name(font, buf, 128)
        raw = buf.value.decode("latin-1")
        base = raw.split("+", 1)[1] if len(raw) > 7 and raw[6] == "+" else raw
        flags = ctypes.c_int(0)
        _font_flags(font, ctypes.byref(flags))
        lower = base.lower()
        bold = (_font_weight(font) >= 600 or bool(flags.value & _BOLD_FLAG) or key[1] == 2
                or any(w in lower for w in _BOLD_NAMES))
        got = cache[key] = (base, bold)
    return got


def _read_page(pdf: pdfium.PdfDocument, index: int) -> Page:
    page = pdf[index]
    try:
        width, height = page.get_size()
        out = Page(index + 1, width, height)
        _graphics(page, out)
        textpage = page.get_textpage()
        try:
            out.spans = _spans(textpage.raw, height)
        finally:
            textpage.close()
    finally:
        page.close()
    return out


def _graphics(page: pdfium.PdfPage, out: Page) -> None:
    """Record horizontal rules and count images."""
    for obj in page.get_objects(max_depth=1):
        kind = obj.type
        if kind == pr.FPDF_PAGEOBJ_IMAGE:
            out.images += 1
        elif kind == pr.FPDF_PAGEOBJ_PATH:
            left, bottom, right, top = obj.get_bounds()
            if top - bottom <= _RULE_HEIGHT and right - left >= _RULE_WIDTH:
                out.rules.append((left, out.height - (top + bottom) / 2, right))


def _spans(tp, height: float) -> list[Span]:
    """Group a text page's characters into spans (see :class:`Span`).

    Characters of one text object are read first, so that a gap is measured
    against the object's own letter spacing: a justified line set with
    character spacing (``Tc``) keeps its words whole.
    """
    tp = ctypes.cast(tp, ctypes.c_void_p).value
    n = _count_chars(tp)
    spans: list[Span] = []
    rect = pr.FS_RECTF()
    rect_p = ctypes.byref(rect)
    ox, oy = ctypes.c_double(), ctypes.c_double()
    fonts: dict = {}
    run: list[tuple[str, float, float, str]] = []  # (character, left, right, space before)
    style: tuple = ()
    cur_obj = None
    space = ""
    i = 0
    while i < n:
        obj = _text_object(tp, i)
        code = _unicode(tp, i)
        _loose_box(tp, i, rect_p)
        left, right = rect.left, rect.right
        if obj and obj != cur_obj:
            cur_obj = obj
            _origin(tp, i, ctypes.byref(ox), ctypes.byref(oy))
            new = (_font_size(tp, i), height - oy.value) + _font_of(obj, fonts)
            if new != style:
                _cut(run, style, spans)
                run, style = [], new
        i += 1
        if not obj:  # pdfium's guess at a line break
            continue
        if code == 2:  # pdfium's mark for a hyphen at a line end
            code = 0x2D
        elif code <= 0x20 or code == 0xA0 or code == 0x3000 or 0x2000 <= code <= 0x200B:
            if code and right - left > 0.01:  # pdfium's own guessed spaces have no width
                space = "\u3000" if code == 0x3000 else " "
            continue
        if 0xD800 <= code < 0xDC00 and i < n:  # high surrogate: the pair is one character
            low = _unicode(tp, i)
            if 0xDC00 <= low < 0xE000:
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                i += 1
        code = _ALIASES.get(code, code)
        ch = chr(code)
        if code in _LIGATURES:
            ch = unicodedata.normalize("NFKC", ch)
        run.append((ch, left, right, space))
        space = ""
    _cut(run, style, spans)
    return spans


def _cut(run: list[tuple[str, float, float, str]], style: tuple, spans: list[Span]) -> None:
    """Cut the characters of one style run into spans at spaces and gaps wider than its letter spacing."""
    if not run:
        return
    size, baseline, font, bold = style
    gaps = sorted(b[1] - a[2] for a, b in zip(run, run[1:]) if not b[3])
    track = max(0.0, gaps[len(gaps) // 4]) if len(gaps) >= 3 else 0.0
    limit = GAP * size + track
    cur: Span | None = None
    chars: list[str] = []
    last_left = last_right = -1e9
    for ch, left, right, space in run:
        if cur is not None and not space and (
                (left - last_right <= limit and left >= last_left - 0.5 * size) or left == last_left):
            chars.append(ch)
            if right > cur.x1:
                cur.x1 = right
        else:
            if cur is not None:
                cur.text = "".join(chars)
            cur = Span("", left, right, baseline, size, font, bold, space)
            spans.append(cur)
            chars = [ch]
        last_left, last_right = left, right
    cur.text = "".join(chars)
