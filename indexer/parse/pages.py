"""Judgements about page breaks: does a block continue the note above it, or the body?

A page of an extracted article ends with its notes; the next page's body
follows with no separator, and a note too long for its page continues at
the top of the next page's notes. The rules below weigh what each side
needs: a body cut mid-sentence needs its rest, a note cut mid-sentence (or
mid-address) needs its rest, and text full of page numbers, book titles and
publishers reads like a citation. They are pure functions of the texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from indexer.parse.inline import FINAL, has_cjk

_CITATION = re.compile(
    r"頁\s*\d|页\s*\d|第\s*\d+\s*[卷期頁页]|[《〈]|\bpp?\.\s*\d|https?://|www\.|出版|\bPress\b|\bVol\.|"
    r"[（(]\d{4}[）)]|\d{4}\s*年\s*\d{1,2}\s*月|同前|同上|前揭|\bIbid\b|\bop\.\s*cit\b|\bet al\b|\bJournal\b"
)
_URL_OPEN = re.compile(r"(?:https?://|www\.)\S*$")
_URL_DONE = re.compile(r"(?:\.(?:html?|pdf|php|aspx?|jsp|cfm|xml|docx?)|/|=\d+)>?$", re.I)
_URL_PIECE = re.compile(r"^[*_]*[A-Za-z0-9\-._~/%?=&#+:]+")
_STRONG_CITATION = re.compile(r"頁\s*\d|页\s*\d|\bpp?\.\s*\d|出版|\bPress\b|第\s*\d+\s*[卷期]|\bVol\.")
_NUMBER_REST = re.compile(r"^(?:[年月日號号%％]|世紀|年代)")
_JOINS = set("，、；：）)」』》〉】”’,;:")
_CLOSERS = set("」』》〉）)”’")
_TRUNCATED_END = set("，、；：,;:（(「《—-")


def indent_of(line: str) -> int:
    """Return the indentation of ``line`` in columns (a full-width space is 2, a tab 4).

    >>> indent_of("\\u3000\\u3000春眠不覺曉"), indent_of("  x"), indent_of("正文")
    (4, 2, 0)
    """
    width = 0
    for ch in line:
        if ch == "\u3000":
            width += 2
        elif ch == "\t":
            width += 4
        elif ch == " ":
            width += 1
        else:
            break
    return width


@dataclass
class Layout:
    """How the body of one article is indented: a block quotation is indented more."""

    quote_indent: int = 99  # columns; no quotations until measured
    para_indent: int = 0  # columns every paragraph's first line is indented by (0: none)

    @classmethod
    def measure(cls, first_lines: list[str]) -> "Layout":
        """Learn the usual first-line indentation of body paragraphs; quotations go 2 columns deeper.

        >>> Layout.measure(["正文很長的段落" * 5] * 4 + ["\\u3000\\u3000詩句。"]).quote_indent
        2
        >>> Layout.measure(["\\u3000\\u3000正文很長的段落" * 5] * 4).quote_indent
        6
        """
        long = [indent_of(t) for t in first_lines if len(t.strip()) >= 40]
        usual = int(median(long)) if long else 0
        return cls(quote_indent=max(2, usual + 2), para_indent=usual)


def note_open(note: str) -> bool:
    """Tell whether a note's text stops mid-sentence or mid-address, so its rest is still to come.

    >>> note_open("參見王某，《書名》，頁"), note_open("同註1。"), note_open("見 https://a.gov/DEPART-"), note_open("")
    (True, False, True, False)
    """
    text = note.rstrip().rstrip(">*_").rstrip()
    if not text:
        return False
    if _URL_OPEN.search(text) and not _URL_DONE.search(note.rstrip()):
        return True
    last = text[-1]
    return has_cjk(last) or last in _TRUNCATED_END


def looks_like_citation(text: str) -> bool:
    """Tell whether ``text`` reads like a bibliographic note (pages, titles, publishers, years).

    >>> looks_like_citation("（北京：世界知識出版社，2006年），頁94。"), looks_like_citation("兩國關係也確實因此出現了和諧。")
    (True, False)
    """
    return bool(_CITATION.search(text))


def _url_resumes(note: str, text: str) -> bool:
    """Tell whether ``text`` is the rest of an address or a number phrase cut at the end of ``note``."""
    if note.rstrip()[-1:].isdigit() and _NUMBER_REST.match(text):
        return True  # "…解釋：1979" + "年國務卿…"
    return bool(_URL_OPEN.search(note.rstrip().rstrip(">")) and not _URL_DONE.search(note.rstrip())
                and _URL_PIECE.match(text) and re.search(r"[\-._/%?=&#~]", _URL_PIECE.match(text).group()))


def continues_note(note: str, text: str, body_open: bool, after_rule: bool) -> bool:
    """Decide whether ``text``, the block right after a note, continues it (else the body resumes).

    The body resumes when the note is complete and the body above stopped mid-sentence;
    the note goes on when it stopped mid-sentence (or mid-address) and the body did not.
    Below a page's rule (Markdown ``---``) nothing but notes is expected.

    >>> continues_note("王某，《書》，頁 3。", "量力而行，內部目標高於外部目標。", True, False)
    False
    >>> continues_note("參見王某，〈論文", "〉，《期刊》，頁 5。", False, False)
    True
    """
    if _url_resumes(note, text):
        return True
    opened = note_open(note)
    if after_rule:
        return not (body_open and not opened)
    if opened and not body_open:
        return True
    if opened and body_open:
        return text[:1] in _JOINS or looks_like_citation(text)
    return False


def continues_late(note: str, text: str, body_open: bool) -> bool:
    """Decide whether ``text``, the last block before a page's notes, is the rest of an earlier page's note.

    A note cut at the foot of a page goes on at the top of the next page's notes,
    after that page's body. Only a note that stopped mid-sentence is continued,
    and the evidence must be the stronger the more complete the note looks: a
    note ending in a comma needs little, one ending in a word (判決) or a
    closing quote needs a citation (pages, publisher, issue) or text that
    starts like the rest of a sentence.

    >>> continues_late("參見王某，〈論文，", "〉，《期刊》第 3 期，頁 5。", False)
    True
    >>> continues_late("參見王某，《書》，頁 5。", "下一段正文。", False)
    False
    >>> continues_late("學說上有主張應區分「對權利核心之侵害」", "者，參見許宗力，《法與國家權力》，頁 121。", False)
    True
    >>> continues_late("最高行政法院 105 年度判字第 441 號判決", "他在《印度之佛教》中指出，佛陀是人。", False)
    False
    """
    if _url_resumes(note, text):
        return True
    stripped = note.rstrip()
    last = stripped[-1:]
    strongly = bool(last) and last in _TRUNCATED_END
    # a note cut right after a word or a closing quote looks complete but lacks its full stop
    weakly = bool(last) and (has_cjk(last) or (last in _CLOSERS and stripped[-2:-1] not in ("。", ".")))
    if not (strongly or weakly):
        return False
    joins = text[:1] in _JOINS or text[:1].islower()
    strong_cite = bool(_STRONG_CITATION.search(text))
    if not strongly and not (strong_cite or joins):
        return False
    score = (2 if strong_cite else 1 if looks_like_citation(text) else 0) + (2 if joins else 0)
    score += 1 if len(text) <= 150 else -2 if len(text) > 400 else 0
    score += 1 if not body_open else 0
    score -= 1 if text.rstrip()[-1:] not in FINAL else 0
    return score >= 3


__all__ = ["Layout", "continues_late", "continues_note", "indent_of", "looks_like_citation", "note_open"]
