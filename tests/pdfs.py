"""Journal-style PDFs made for the tests, from an Article, by two typesetting systems.

:func:`typst_pdf` writes Typst markup (real footnotes, which Typst splits
across pages; one or two columns; running heads; page numbers in the head or
the foot) and compiles it with the ``typst`` package. :func:`reportlab_pdf`
lays the article out line by line with reportlab: an embedded TrueType CJK
font (AR PL UMing) or reportlab's built-in CID fonts (MSung-Light,
STSong-Light: not embedded, read through pdfium's CMaps), justified lines,
raised small note markers, a rule above each page's notes, notes split
across pages. Both take a :class:`Layout`. :func:`expected` gives the
article a PDF of it must come back as (notes numbered in citation order).
"""

from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass, replace

from indexer.model import Article, Footnote, NoteRef

UMING = "/usr/share/fonts/truetype/arphic/uming.ttc"
HEI = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FONT_DIRS = ["/usr/share/fonts/truetype/arphic", "/usr/share/fonts/truetype/wqy"]


@dataclass(frozen=True)
class Layout:
    columns: int = 1
    journal: str = "國際關係學報"
    issue: str = "第58卷 第2期"
    running_title: str | None = None  # default: the Chinese title
    first_page: int = 45
    number_at: str = "foot"  # "foot" or "head"
    english_at: str = "front"  # English title page: "front" or "end"
    simplified: bool = False
    font: str = "ttf"  # reportlab only: "ttf" (embedded UMing) or "cid" (MSung-Light / STSong-Light)
    body_size: float = 10.5


def expected(article: Article) -> Article:
    """Return the article as a PDF typeset from it reads back: notes renumbered by first citation."""
    a = copy.deepcopy(article)
    order: dict[int, int] = {}
    for p in a.paragraphs:
        for ref in p.notes:
            order.setdefault(ref.n, len(order) + 1)
        p.notes = [NoteRef(order[r.n], r.at) for r in p.notes]
    old = {f.n: f for f in a.footnotes}
    a.footnotes = [Footnote(n=new, text=old[n].text if n in old else "", cited_in=[])
                   for n, new in sorted(order.items(), key=lambda kv: kv[1])]
    for p in a.paragraphs:
        for ref in p.notes:
            fn = a.footnotes[ref.n - 1]
            if p.id not in fn.cited_in:
                fn.cited_in.append(p.id)
    return a


def blocks_of(article: Article):
    """Yield ("heading", level, text) and ("para", paragraph) in reading order."""
    for p in article.paragraphs:
        if p.section is None:
            yield "para", p
    for s in article.sections:
        yield "heading", s.level, s.title
        for p in article.paragraphs:
            if p.section == s.id:
                yield "para", p


# --- measuring --------------------------------------------------------------------------------

_WIDE = r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff—…“”‘’（）「」《》〈〉、，。；：！？]"


def squash(text: str) -> str:
    """Drop white space next to CJK text: a PDF cannot show a space that fell on a line break there.

    >>> squash("在 1991 年 12 月，Putin 說")
    '在1991年12月，Putin說'
    """
    return re.sub(rf"(?<={_WIDE})\s+|\s+(?={_WIDE})", "", text)


def recovery(want: Article, got: Article) -> dict[str, tuple[int, int]]:
    """Count what a parsed PDF recovered of the article it was typeset from: (found, total) per kind.

    Paragraphs and notes match on their :func:`squash`-ed text, note links on
    (paragraph, note, offset in the squashed text), headings on text and level.
    """
    def links(a: Article) -> set:
        return {(squash(p.text), r.n, len(squash(p.text[: r.at]))) for p in a.paragraphs for r in p.notes}

    got_paras = {squash(p.text) for p in got.paragraphs}
    got_notes = {f.n: squash(f.text) for f in got.footnotes}
    got_heads = {(squash(s.title), s.level) for s in got.sections}
    want_links = links(want)
    return {
        "paragraphs": (sum(squash(p.text) in got_paras for p in want.paragraphs), len(want.paragraphs)),
        "notes": (sum(got_notes.get(f.n) == squash(f.text) for f in want.footnotes), len(want.footnotes)),
        "links": (len(want_links & links(got)), len(want_links)),
        "headings": (sum((squash(s.title), s.level) in got_heads for s in want.sections), len(want.sections)),
    }


# --- Typst -------------------------------------------------------------------------------------

def _s(text: str) -> str:
    """Return a Typst string literal: inserted verbatim, no markup, quotes or dashes converted."""
    return '#"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _typst_front(a: Article, layout: Layout, english: bool) -> str:
    out = []
    if english:
        out.append(f'#align(center)[#text(size: 15pt, weight: "bold")[{_s(a.title.en or "")}]]')
        names = ", ".join(au.name.en for au in a.authors if au.name.en)
        if names:
            out.append(f"#align(center)[{_s(names)}]")
        out.append('#text(font: "WenQuanYi Micro Hei")[Abstract]')
        out.append(f'#par(first-line-indent: 0em)[#set text(lang: "en", hyphenate: true); {_s(a.abstract.en or "")}]')
        if a.keywords.en:
            out.append(f'#par(first-line-indent: 0em)[{_s("Keywords: " + ", ".join(a.keywords.en))}]')
        return "\n\n".join(out)
    if a.column:
        out.append(f'#text(font: "WenQuanYi Micro Hei", size: 12pt)[{_s(a.column)}]')
    out.append(f'#align(center)[#text(font: "WenQuanYi Micro Hei", size: 18pt)[{_s(a.title.zh or "")}]]')
    for au in a.authors:
        if au.name.zh:
            out.append(f"#align(center)[{_s(au.name.zh)}]")
        if au.affiliation.zh:
            out.append(f"#align(center)[#text(size: 9pt)[{_s(au.affiliation.zh)}]]")
    if a.abstract.zh:
        out.append('#align(center)[#text(font: "WenQuanYi Micro Hei")[摘　要]]')
        for para in a.abstract.zh.split("\n"):
            out.append(f"#par[{_s(para)}]")
    if a.keywords.zh:
        out.append(f'#par(first-line-indent: 0em)[{_s("關鍵詞：" + "、".join(a.keywords.zh))}]')
    return "\n\n".join(out)


def typst_source(article: Article, layout: Layout = Layout()) -> str:
    """Return the Typst markup of an article (see :func:`typst_pdf`)."""
    a = expected(article)
    notes = {f.n: f.text for f in a.footnotes}
    body_font = "AR PL UMing CN" if layout.simplified else "AR PL UMing TW"
    running = layout.running_title or a.title.zh or ""
    number = f"str({layout.first_page - 1} + here().page())"
    head_num = f"#h(1em) #{number}" if layout.number_at == "head" else ""
    foot = f"context align(center, text(size: 9pt)[#{number}])" if layout.number_at == "foot" else "none"
    src = [
        f"""#set page(paper: "a4", margin: (x: 2.3cm, top: 2.7cm, bottom: 2.5cm), columns: {layout.columns},
  header: context {{
    let p = {layout.first_page - 1} + here().page()
    if p > {layout.first_page} {{
      set text(size: 8pt)
      if calc.even(p) [{_s(layout.journal)} #h(0.5em) {_s(layout.issue)} #h(1fr) {head_num}]
      else [{_s(running)} #h(1fr) {head_num}]
    }} else if {str(layout.number_at == "head").lower()} [#h(1fr) #text(size: 8pt)[#{number}]]
  }},
  footer: {foot})
#set text(font: ("{body_font}", "WenQuanYi Micro Hei"), size: {layout.body_size}pt, lang: "zh", hyphenate: false)
#set par(first-line-indent: 2em, justify: true, leading: 0.75em, spacing: 0.75em)
#set footnote.entry(indent: 0em)
#show footnote.entry: set text(size: 9pt)
#show heading: set text(font: "WenQuanYi Micro Hei", weight: "regular")
#show heading.where(level: 1): set text(size: 13pt)
#show heading.where(level: 2): set text(size: 11.5pt)
#show heading: set block(above: 1.2em, below: 0.9em)
"""
    ]
    front = _typst_front(a, layout, False)
    if layout.english_at == "front":
        front += "\n\n" + _typst_front(a, layout, True)
    if layout.columns > 1:
        src.append(f"#place(top, scope: \"parent\", float: true)[\n{front}\n#v(1em)]\n")
    else:
        src.append(front + "\n\n#v(1em)\n")
    for kind, *rest in blocks_of(a):
        if kind == "heading":
            level, text = rest
            src.append(f"#heading(level: {min(level, 4)}, outlined: false)[{_s(text)}]\n")
            continue
        p = rest[0]
        parts, pos = [], 0
        for ref in p.notes:
            parts.append(_s(p.text[pos:ref.at]))
            parts.append(f"#footnote[{_s(notes.get(ref.n, ''))}]")
            pos = ref.at
        parts.append(_s(p.text[pos:]))
        src.append("".join(parts) + "\n")
    if layout.english_at == "end":
        src.append("#v(2em)\n" + _typst_front(a, layout, True) + "\n")
    return "\n".join(src)


def typst_pdf(article: Article, layout: Layout = Layout()) -> bytes:
    """Typeset an article with Typst; notes are numbered in citation order (see :func:`expected`)."""
    import typst

    return typst.compile(typst_source(article, layout).encode("utf-8"), font_paths=FONT_DIRS)


# --- bad files -------------------------------------------------------------------------------

def scanned_pdf(pages: int = 1) -> bytes:
    """Return a PDF whose pages are only images (a scan without a text layer)."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    for k in range(pages):
        img = Image.new("L", (300, 420), 255)
        ImageDraw.Draw(img).rectangle((40, 60 + k, 260, 380), outline=0)
        c.drawImage(ImageReader(img), 0, 0, 595, 842)
        c.showPage()
    c.save()
    return buf.getvalue()


def encrypted_pdf(text: str = "加密的文章") -> bytes:
    """Return a PDF that needs a user password to open."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    enc = pdfencrypt.StandardEncryption("secret", ownerPassword="owner", strength=128)
    c = canvas.Canvas(buf, encrypt=enc)
    c.drawString(72, 720, "encrypted")
    c.showPage()
    c.save()
    return buf.getvalue()


def with_pages(pdf: bytes, insert: bytes, at: int) -> bytes:
    """Return ``pdf`` with the pages of ``insert`` put before page index ``at``."""
    import pypdfium2 as pdfium

    doc, other = pdfium.PdfDocument(pdf), pdfium.PdfDocument(insert)
    doc.import_pages(other, index=at)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def reportlab_pdf(article: Article, layout: Layout = Layout()) -> bytes:
    """Typeset an article with the reportlab typesetter of :mod:`tests.pdf_typeset`."""
    from tests.pdf_typeset import Typesetter

    return Typesetter(layout, article).render()


__all__ = ["Layout", "expected", "recovery", "reportlab_pdf", "squash", "typst_pdf", "typst_source",
           "scanned_pdf", "encrypted_pdf", "with_pages", "replace"]
