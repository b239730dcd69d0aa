"""A small journal typesetter on reportlab: the second typesetting system of the PDF tests.

Lines are broken by hand (any CJK character, Latin words whole, no closing
punctuation at a line start), justified with character spacing (``Tc``);
note markers are drawn smaller and raised with text rise (``Ts``); each page
(or column) has its notes at the foot under a short rule, a note that does
not fit continues on the next page; running heads alternate journal and
title over a rule; the page number is printed in the foot or the head.
Fonts: AR PL UMing / WenQuanYi Micro Hei embedded (``ttf``) or reportlab's
CID fonts MSung-Light / STSong-Light, not embedded (``cid``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from indexer.model import Article
from indexer.parse.inline import is_wide

A4 = (595.28, 841.89)
_NO_START = set("，。、；：？！」』）》〉”’,.;:?!)")


@dataclass
class _Style:
    font: str
    size: float
    align: str = "justify"  # justify | center | left
    indent: float = 0.0  # first-line indent in sizes
    before: float = 0.0  # space before, in points
    after: float = 0.0
    leading: float = 1.55


@dataclass
class _Line:
    pieces: list  # (text, marks: list[(at, n)])
    text: str
    marks: list = field(default_factory=list)
    width: float = 0.0
    last: bool = False
    x: float = 0.0


class Typesetter:
    def __init__(self, layout, article: Article):
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfbase.ttfonts import TTFont

        self.layout = layout
        self.article = article
        if layout.font == "cid":
            body = "STSong-Light" if layout.simplified else "MSung-Light"
            pdfmetrics.registerFont(UnicodeCIDFont(body))
            head = body
        else:
            from tests.pdfs import HEI, UMING

            body, head = ("UMingCN", "WQYHei") if layout.simplified else ("UMingTW", "WQYHei")
            pdfmetrics.registerFont(TTFont(body, UMING, subfontIndex=0 if layout.simplified else 2))
            pdfmetrics.registerFont(TTFont(head, HEI, subfontIndex=0))
        self.width_of = pdfmetrics.stringWidth
        s = layout.body_size
        self.styles = {
            "column": _Style(head, s + 1, "left", after=4),
            "title": _Style(head, s * 1.7, "center", before=6, after=10, leading=1.35),
            "title_en": _Style(body, s * 1.4, "center", before=10, after=6, leading=1.35),
            "author": _Style(body, s + 0.5, "center"),
            "affil": _Style(body, s - 1.5, "center", after=4),
            "label": _Style(head, s + 0.5, "center", before=8, after=4),
            "abstract": _Style(body, s - 0.5, indent=2),
            "keywords": _Style(body, s - 0.5, "left", before=4, after=6),
            "h1": _Style(head, s * 1.25, "left", before=12, after=6, leading=1.4),
            "h2": _Style(head, s * 1.1, "left", before=8, after=4, leading=1.4),
            "h3": _Style(head, s, "left", before=6, after=2),
            "body": _Style(body, s, indent=2),
            "note": _Style(body, s * 0.8, leading=1.35),
        }
        self.margin = (68, 72, 70, 78)  # left, top, right, bottom
        self.gutter = 20
        width = A4[0] - self.margin[0] - self.margin[2]
        self.col_width = (width - self.gutter * (layout.columns - 1)) / layout.columns

    # --- line breaking ---------------------------------------------------------------------
    def _tokens(self, text: str, marks: list[tuple[int, int]]):
        """Split text into (token, marks after it) with CJK characters and Latin words as tokens."""
        by_at: dict[int, list[int]] = {}
        for at, n in marks:
            by_at.setdefault(at, []).append(n)
        out, word = [], ""
        for i, ch in enumerate(text):
            if ch == " " or is_wide(ch):
                if word:
                    out.append([word, []])
                    word = ""
                out.append([ch, []])
            else:
                word += ch
            if i + 1 in by_at:
                if word:
                    out.append([word, []])
                    word = ""
                out[-1][1].extend(by_at[i + 1])
        if word:
            out.append([word, []])
        if 0 in by_at:
            out.insert(0, ["", by_at[0]])
        return out

    def _mark_width(self, marks, st: _Style) -> float:
        return sum(self.width_of(str(n), st.font, st.size * 0.6) for n in marks)

    def break_lines(self, text: str, marks, st: _Style, width: float) -> list[_Line]:
        tokens = self._tokens(text, marks)
        lines: list[_Line] = []
        cur: list = []
        x = st.indent * st.size
        first = True
        for tok in self._fit(tokens, st, width):
            w = self.width_of(tok[0], st.font, st.size) + self._mark_width(tok[1], st)
            if cur and x + w > width - (st.indent * st.size if first and False else 0) and tok[0] != " ":
                carry = []
                while cur and (cur[-1][0] == " " or (tok[0][:1] in _NO_START and not carry)):
                    if cur[-1][0] == " ":
                        cur.pop()
                        continue
                    carry.insert(0, cur.pop())
                    break
                lines.append(self._line(cur, first, st))
                first = False
                cur = carry
                x = sum(self.width_of(t[0], st.font, st.size) + self._mark_width(t[1], st) for t in cur)
                if tok[0] == " ":
                    continue
            if tok[0] == " " and not cur:
                continue
            cur.append(tok)
            x += w
        if cur:
            lines.append(self._line(cur, first, st))
        if lines:
            lines[-1].last = True
        return lines

    def _fit(self, tokens, st: _Style, width: float):
        """Cut a word wider than a third of the line (a URL) after its slashes, dots and hyphens."""
        for tok in tokens:
            word = tok[0]
            if self.width_of(word, st.font, st.size) <= width / 3:
                yield tok
                continue
            piece = ""
            for ch in word:
                piece += ch
                if ch in "/-._?=&" and self.width_of(piece, st.font, st.size) > width / 6:
                    yield [piece, []]
                    piece = ""
            yield [piece, tok[1]]

    def _line(self, toks, first: bool, st: _Style) -> _Line:
        while toks and toks[-1][0] == " " and not toks[-1][1]:
            toks = toks[:-1]
        text, marks, pieces = "", [], []
        for tok, ms in toks:
            text += tok
            for n in ms:
                marks.append((len(text), n))
        pos = 0
        for at, n in marks:
            pieces.append((text[pos:at], n))
            pos = at
        pieces.append((text[pos:], None))
        width = sum(self.width_of(p, st.font, st.size) for p, _ in pieces) + self._mark_width(
            [n for _, n in marks], st)
        return _Line(pieces, text, marks, width, x=st.indent * st.size if first else 0.0)

    # --- pages -----------------------------------------------------------------------------
    def _items(self):
        from tests.pdfs import blocks_of, expected

        a = expected(self.article)
        self.notes = {f.n: f.text for f in a.footnotes}
        front, english = [], []
        if a.column:
            front.append(("column", a.column, []))
        front.append(("title", a.title.zh or "", []))
        for au in a.authors:
            if au.name.zh:
                front.append(("author", au.name.zh, []))
            if au.affiliation.zh:
                front.append(("affil", au.affiliation.zh, []))
        if a.abstract.zh:
            front.append(("label", "摘　要", []))
            front.extend(("abstract", t, []) for t in a.abstract.zh.split("\n"))
        if a.keywords.zh:
            front.append(("keywords", "關鍵詞：" + "、".join(a.keywords.zh), []))
        if a.title.en:
            english.append(("title_en", a.title.en, []))
            names = ", ".join(au.name.en for au in a.authors if au.name.en)
            if names:
                english.append(("author", names, []))
            if a.abstract.en:
                english.append(("label", "Abstract", []))
                english.append(("abstract", a.abstract.en, []))
            if a.keywords.en:
                english.append(("keywords", "Keywords: " + ", ".join(a.keywords.en), []))
        body = []
        for kind, *rest in blocks_of(a):
            if kind == "heading":
                body.append((f"h{min(rest[0], 3)}", rest[1], []))
            else:
                p = rest[0]
                body.append(("body", p.text, [(r.at, r.n) for r in p.notes]))
        if self.layout.english_at == "front":
            return front + english, body
        return front, body + english

    def render(self) -> bytes:
        from reportlab.pdfgen import canvas

        buf = io.BytesIO()
        self.c = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
        self.c.setTitle(self.article.title.zh or "")
        front, body = self._items()
        self.page = 0
        self._new_page()
        full = A4[0] - self.margin[0] - self.margin[2]
        for name, text, marks in front:  # the title page runs across the columns
            st = self.styles[name]
            self.top += st.before
            for ln in self.break_lines(text, marks, st, full):
                self._draw(ln, st, self.margin[0], self.top + st.size, full)
                self.top += st.size * st.leading
            self.top += st.after
        self.y = self.top + 6
        for name, text, marks in body:
            st = self.styles[name]
            self.y += st.before
            lines = self.break_lines(text, marks, st, self.col_width)
            for k, ln in enumerate(lines):
                keep = name.startswith("h") or name in ("title_en", "label")
                self._place(ln, st, keep_with=2 if keep and k == len(lines) - 1 else 1)
            self.y += st.after
        self._end_column()
        self._finish_page()
        self.c.save()
        return buf.getvalue()

    def _new_page(self):
        self.page += 1
        self.col = 0
        self.top = self.margin[1]
        self.y = self.top
        self.col_notes: list = []
        self.carry: list = getattr(self, "carry", [])
        self._start_column_notes()

    def _start_column_notes(self):
        self.col_notes = list(self.carry)
        self.carry = []

    def _bottom(self) -> float:
        return A4[1] - self.margin[3] - self._notes_height(self.col_notes)

    def _notes_height(self, lines) -> float:
        st = self.styles["note"]
        return (len(lines) * st.size * st.leading + 8) if lines else 0.0

    def _col_x(self) -> float:
        return self.margin[0] + self.col * (self.col_width + self.gutter)

    def _place(self, ln: _Line, st: _Style, keep_with: int = 1):
        h = st.size * st.leading
        new_notes = []
        for _, n in ln.marks:
            nst = self.styles["note"]
            new_notes.extend(self.break_lines(f"{n} " + self.notes.get(n, ""), [], nst, self.col_width))
        need = h * keep_with
        avail = A4[1] - self.margin[3] - self._notes_height(self.col_notes + new_notes) - self.y
        if avail < need:
            room = A4[1] - self.margin[3] - self.y - need - self._notes_height(self.col_notes) - (
                0 if self.col_notes else 8)
            fit = int(room // (self.styles["note"].size * self.styles["note"].leading))
            if new_notes and fit >= 1 and keep_with == 1:
                self.carry = new_notes[fit:]
                new_notes = new_notes[:fit]
            else:
                self._next_column()
                return self._place(ln, st, keep_with)
        self.col_notes.extend(new_notes)
        self._draw(ln, st, self._col_x(), self.y + st.size, self.col_width)
        self.y += h

    def _next_column(self):
        self._end_column()
        if self.col + 1 < self.layout.columns:
            self.col += 1
            self.y = self.top + 6 if self.page == 1 else self.margin[1]
            self._start_column_notes()
        else:
            self._finish_page()
            self.c.showPage()
            self._new_page()

    def _end_column(self):
        if not self.col_notes:
            return
        st = self.styles["note"]
        h = st.size * st.leading
        y = A4[1] - self.margin[3] - (len(self.col_notes) - 1) * h
        x = self._col_x()
        self.c.setLineWidth(0.5)
        rule_y = A4[1] - (y - st.size - 5)
        self.c.line(x, rule_y, x + min(120, self.col_width / 2), rule_y)
        for ln in self.col_notes:
            self._draw(ln, st, x, y, self.col_width, note=True)
            y += h
        self.col_notes = []

    def _finish_page(self):
        lay, c = self.layout, self.c
        number = str(lay.first_page + self.page - 1)
        c.setFont(self.styles["note"].font, 8.5)
        left, right = self.margin[0], A4[0] - self.margin[2]
        if self.page > 1:
            head = f"{lay.journal}　{lay.issue}" if self.page % 2 == 0 else (
                lay.running_title or self.article.title.zh or "")
            c.drawString(left, A4[1] - 44, head)
            c.setLineWidth(0.4)
            c.line(left, A4[1] - 49, right, A4[1] - 49)
        if lay.number_at == "head" and self.page > 1:
            c.drawRightString(right, A4[1] - 44, number)
        elif lay.number_at == "head":
            c.drawRightString(right, A4[1] - 44, number)
        else:
            c.drawCentredString(A4[0] / 2, 40, f"— {number} —")

    def _draw(self, ln: _Line, st: _Style, x: float, y_top_down: float, width: float, note: bool = False):
        c = self.c
        y = A4[1] - y_top_down
        x += ln.x
        avail = width - ln.x
        cs = 0.0
        chars = len(ln.text) + len(ln.marks)
        if st.align == "justify" and not ln.last and chars > 1 and avail - ln.width > 0:
            cs = (avail - ln.width) / (chars - 1)
        elif st.align == "center":
            x += (avail - ln.width) / 2
        for k, (piece, n) in enumerate(ln.pieces):
            if piece:
                c.setFont(st.font, st.size)
                c.drawString(x, y, piece, charSpace=cs)
                x += self.width_of(piece, st.font, st.size) + cs * len(piece)
            if n is not None:
                t = c.beginText(x, y)
                t.setFont(st.font, st.size * 0.6)
                t.setRise(st.size * 0.38)
                t.textOut(str(n))
                t.setRise(0)  # text rise is graphics state: it outlives the text object
                c.drawText(t)
                x += self.width_of(str(n), st.font, st.size * 0.6) + cs

