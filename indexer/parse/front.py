"""The title page: titles, authors, affiliations, abstracts, keywords; editor lines; heading levels.

:func:`read_front` walks the blocks before the body (titles, authors,
affiliations, abstracts, keywords, column label) in both languages;
:func:`editor_of` (and :func:`indexer.parse.dates.parse_dates`) recognise
lines that may stand anywhere in the text and are metadata, never body text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.model import Author, Bilingual, Keywords
from indexer.parse.headings import PLAIN_HEADINGS, heading_level, heading_style, plain_heading
from indexer.parse.inline import has_cjk, inline_cleaner, smart_join
from indexer.parse.notes import extract_markers

Line = tuple[int, str]  # (Markdown heading depth or 0, raw line)

COLUMNS = {
    "焦點評析", "專題研究", "專題論文", "研究論文", "學術論著", "研究論著", "政策評析", "政策分析",
    "書評", "評論", "研究紀要", "專論", "論著", "時事評論", "研究短評", "專題報導", "特稿", "論壇",
}
_DEGREE = re.compile(r"^.{0,30}(?:碩士|博士|硕士)(?:學位|学位|在職專班)?論文$|^.{0,30}(?:碩士|博士|硕士)(?:学位)?论文$")
_SENTENCE = re.compile(r"[。！？，；]")

_ABSTRACT_ZH = re.compile(r"^[【\[]?\s*(?:中文)?(?:摘\s*要|提\s*要|內容提要|内容提要)\s*[】\]]?\s*[:：]?\s*(.*)$")
_ABSTRACT_EN = re.compile(r"^[【\[]?\s*(?:Abstract|ABSTRACT)\b\s*[】\]]?\s*[:：.]?\s*(.*)$")
_KEYWORDS_ZH = re.compile(r"^[【\[]?\s*(?:關\s*鍵\s*詞|關鍵字|关\s*键\s*词|关键字|主題詞|主题词)\s*[】\]]?\s*[:：]?\s*(.+)$")
_KEYWORDS_EN = re.compile(r"^[【\[]?\s*(?:Key\s*words?)\s*[】\]]?\s*[:：]\s*(.+)$", re.I)
_KEY_SPLIT = re.compile(r"\s*[、，,;；]\s*")

_NAME = r"[\u4e00-\u9fff·]{2,5}"
_NAMES_ZH = re.compile(rf"^{_NAME}(?:\s*[、，,\s]\s*{_NAME})*$")
_LATIN_NAME = r"[A-Z][A-Za-z'.\-]*(?:\s+[A-Z][A-Za-z'.\-]*){1,3}"
_NAME_BOTH = re.compile(rf"^({_NAME})\s+({_LATIN_NAME})$")
_NAME_AFFIL = re.compile(rf"^({_NAME})\s*[（(](.+)[）)]$")
_NAMES_EN = re.compile(rf"^{_LATIN_NAME}(?:\s*(?:,|&|\band\b)\s*{_LATIN_NAME})*$")
_EN_SPLIT = re.compile(r"\s*(?:,|&|\band\b)\s*")
_AFFIL_EN = re.compile(
    r"Universit|College|Institut|Professor|Department|School|Academ|Cent(?:er|re)|Ministry|"
    r"Lecturer|Research|Fellow|Student|Candidate|Ph\.?\s?D|Faculty|Graduate"
)

_RANK_ZH = re.compile(r"(?:教授|研究員|講師|學生|生|主任|長|員|師|者)$")
_RANK_EN = re.compile(r"Professor|Lecturer|Researcher|Fellow|Student|Candidate|Director|Assistant|Associate")

_EDITOR = re.compile(r"^[（(]?\s*(?:責任|執行)編輯\s*[:：]\s*(.+?)\s*[）)]?$")


def editor_of(line: str) -> str | None:
    """Return the editor named by a 責任編輯 line, else None.

    >>> editor_of("責任編輯：李欣樺")
    '李欣樺'
    """
    m = _EDITOR.match(line.strip())
    return m.group(1) if m else None


def keywords(text: str) -> list[str]:
    """Split a keyword list on 、，,; and drop empty items.

    >>> keywords("美俄外交關係、歐洲安全。")
    ['美俄外交關係', '歐洲安全']
    """
    return [k for k in (k.strip(" 。.") for k in _KEY_SPLIT.split(text)) if k]


@dataclass
class Front:
    """What the title page says about an article."""

    title: Bilingual = field(default_factory=Bilingual)
    authors: list[Author] = field(default_factory=list)
    abstract: Bilingual = field(default_factory=Bilingual)
    keywords: Keywords = field(default_factory=Keywords)
    column: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)  # e.g. a thesis cover's degree line

    def found_any(self) -> bool:
        """Tell whether anything beyond a title was recognised."""
        return bool(self.authors or self.abstract.zh or self.abstract.en or self.keywords.zh
                    or self.keywords.en or self.column or self.title.en)


def _plain(text: str, markdown: bool = True) -> str:
    return extract_markers(inline_cleaner(markdown)(text), markdown)[0].rstrip("*＊").strip()


def _ends_block(units: list[list[Line]], start: int, markdown: bool) -> bool:
    """Tell whether a keywords line or an English abstract header follows soon."""
    for unit in units[start : start + 8]:
        first = _plain(unit[0][1], markdown)
        if _KEYWORDS_ZH.match(first) or _KEYWORDS_EN.match(first) or _ABSTRACT_EN.match(first):
            return True
    return False


class _Reader:
    """Walk the title page line by line until the first line that belongs to the body."""

    def __init__(self, units: list[list[Line]], markdown: bool):
        self.units = units
        self.markdown = markdown
        self.front = Front()
        self.mode: str | None = None  # "zh"/"en" while reading an abstract
        self.until_keywords = False
        self.last = ""  # kind of the last title-page line

    def run(self) -> tuple[int, int]:
        for i, unit in enumerate(self.units):
            if self.mode and self._abstract_unit(unit):
                continue
            for j, (depth, text) in enumerate(unit):
                if not self._line(i, j, depth, _plain(text, self.markdown)):
                    return i, j
        return len(self.units), 0

    def _abstract_unit(self, unit: list[Line]) -> bool:
        """Add a block to the abstract being read; tell whether it belonged there."""
        text = " ".join(t for _, t in unit)
        first = _plain(unit[0][1], self.markdown)
        if _KEYWORDS_ZH.match(first) or _KEYWORDS_EN.match(first) or _ABSTRACT_EN.match(first):
            return False
        if unit[0][0] or heading_style(first) or plain_heading(first) or (self.mode == "zh") != has_cjk(text):
            self.mode = None
            return False
        current = getattr(self.front.abstract, self.mode)
        if current and not self.until_keywords:
            self.mode = None
            return False
        body = ""
        for _, line in unit:
            body = smart_join(body, _plain(line, self.markdown))
        setattr(self.front.abstract, self.mode, f"{current}\n{body}" if current else body)
        return True

    def _line(self, i: int, j: int, depth: int, text: str) -> bool:
        f = self.front
        if depth < 0:
            return False
        if not text:
            return True
        for pattern, lang in ((_KEYWORDS_ZH, "zh"), (_KEYWORDS_EN, "en")):
            if m := pattern.match(text):
                setattr(f.keywords, lang, keywords(m.group(1)))
                self.mode, self.last = None, "keywords"
                return True
        for pattern, lang in ((_ABSTRACT_ZH, "zh"), (_ABSTRACT_EN, "en")):
            if m := pattern.match(text):
                self.mode, self.last = lang, "abstract"
                self.until_keywords = _ends_block(self.units, i + 1, self.markdown)
                if m.group(1):
                    setattr(f.abstract, lang, m.group(1))
                return True
        if heading_style(text) or plain_heading(text):
            return False
        if text in (f.title.zh, f.title.en):
            return True  # the title again, as a running title above it
        if _DEGREE.match(text.replace(" ", "").replace("\u3000", "")):
            if self.last == "title" and f.title.zh is not None and len(f.title.zh) <= 30:
                f.metadata["學位論文"] = f"{f.title.zh}{text}"  # the institution line above it
                f.title.zh, self.last = None, "degree"
            else:
                f.metadata["學位論文"], self.last = text, "degree"
            return True
        cjk = has_cjk(text)
        if f.title.zh is None and cjk:
            if text in COLUMNS or (depth and self._deeper_than_next(i, depth)):
                f.column = text
            elif len(text) <= 80 and text[-1] not in "。！？":
                f.title.zh, self.last = text, "title"
            else:
                return False
            return True
        if depth and not cjk and f.title.en is None:
            f.title.en, self.last = text, "title_en"
            return True
        if depth:
            return False
        return self._person(j, text, cjk)

    def _deeper_than_next(self, i: int, depth: int) -> bool:
        for unit in self.units[i + 1 : i + 4]:
            if unit[0][0]:
                return unit[0][0] < depth
        return False

    def _person(self, j: int, text: str, cjk: bool) -> bool:
        f = self.front
        if cjk:
            if m := _NAME_BOTH.match(text):
                f.authors.append(Author(Bilingual(m.group(1), m.group(2))))
            elif m := _NAME_AFFIL.match(text):
                f.authors.append(Author(Bilingual(m.group(1)), Bilingual(m.group(2))))
            elif _NAMES_ZH.match(text) and self.last in ("title", "title_en", "affiliation", "name"):
                f.authors.extend(Author(Bilingual(n)) for n in re.split(r"[、，,\s]+", text))
            elif f.authors and len(text) <= 60 and not _SENTENCE.search(text):
                self._affiliation(text, "zh")
                return True
            elif self.last == "title" and j > 0 and len(f.title.zh + text) <= 120:
                f.title.zh = smart_join(f.title.zh, text)
                return True
            else:
                return False
            self.last = "name"
            return True
        if len(text) > 200 or text[-1] in "。.":
            return False
        if _NAMES_EN.match(text) and f.title.en is not None and not _AFFIL_EN.search(text):
            names = [n for n in _EN_SPLIT.split(text) if n]
            lacking = [a for a in f.authors if a.name.en is None]
            for k, name in enumerate(names):
                if k < len(lacking):
                    lacking[k].name.en = name
                else:
                    f.authors.append(Author(Bilingual(en=name)))
            self.last = "name_en"
        elif f.authors and (_AFFIL_EN.search(text) or self.last == "affiliation_en"):
            self._affiliation(text, "en")
        elif f.title.en is None:
            f.title.en, self.last = text, "title_en"
        else:
            return False
        return True

    def _affiliation(self, text: str, lang: str) -> None:
        """Give the line to the next author without one, or continue the previous line."""
        authors = self.front.authors
        lacking = [a for a in authors if getattr(a.affiliation, lang) is None]
        done = [a for a in authors if getattr(a.affiliation, lang)]
        kind = "affiliation" if lang == "zh" else "affiliation_en"
        starts_new = _RANK_ZH.search(getattr(done[-1].affiliation, "zh") or "") if done and lang == "zh" \
            else _RANK_EN.search(text)
        if done and self.last == kind and not (lacking and starts_new):
            prev = done[-1].affiliation
            if lang == "zh":
                prev.zh = smart_join(prev.zh, text)
            else:
                prev.en = f"{prev.en}, {text}"
        elif lacking:
            setattr(lacking[0].affiliation, lang, text)
        else:
            prev = authors[-1].affiliation
            setattr(prev, lang, f"{getattr(prev, lang)}; {text}")
        self.last = kind


def read_front(units: list[list[Line]], markdown: bool = False) -> tuple[Front, int, int]:
    """Read the title page; return it with the (unit, line) position where the body starts.

    ``markdown`` says whether lines may hold Markdown markup to remove.
    """
    reader = _Reader(units, markdown)
    i, j = reader.run()
    return reader.front, i, j


__all__ = ["COLUMNS", "Front", "Line", "PLAIN_HEADINGS", "editor_of", "heading_level", "keywords", "read_front"]
