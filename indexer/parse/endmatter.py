"""What stands outside the body: labelled metadata lines, and a title page printed at the end.

Many journals print the English title, authors, abstract and keywords after
the body (and Chinese ones for English articles). :func:`split_tail` finds
that block, so it is read as a title page rather than as paragraphs;
:func:`merge_front` adds what it says to the title page read at the start.
:func:`labelled` recognises lines such as ``中图分类号：D815 文献标识码：A`` or
``指導教授：林某某 博士`` that are metadata wherever they stand.
"""

from __future__ import annotations

import re

from indexer.model import Author
from indexer.parse.dates import bare_date
from indexer.parse.front import _KEYWORDS_EN, _KEYWORDS_ZH, Front, Line, _plain
from indexer.parse.headings import heading_style, plain_heading
from indexer.parse.inline import has_cjk
from indexer.parse.inline import ends_open
from indexer.parse.notes import DEF_START, join_note

LABELS = (
    "中圖分類號", "中图分类号", "文獻標識碼", "文献标识码", "文獻標誌碼", "文献标志码", "文章編號", "文章编号",
    "基金項目", "基金项目", "作者簡介", "作者简介", "通訊作者", "通讯作者", "通信作者", "電子郵件", "电子邮件",
    "電子信箱", "E-mail", "Email", "DOI", "doi", "指導教授", "指导教授", "指導老師", "指导教师", "研究生", "學號",
    "学号", "作者", "出版者", "出版地", "ISSN", "卷期",
)
_LABEL = "|".join(sorted(map(re.escape, LABELS), key=len, reverse=True))
_START = re.compile(rf"^[（(【\[]?\s*({_LABEL})\s*[】\]]?\s*[:：]\s*(?=\S)")
_NEXT = re.compile(rf"(?:[\s\u3000;；，,]+)[（(【\[]?\s*({_LABEL})\s*[】\]]?\s*[:：]\s*")
_STAR = re.compile(r"^[＊※]\s*(?=\S)|^\*(?=[\u4e00-\u9fff])")  # "* 項目" with a space is a list item
_NEW_REFERENCE = re.compile(r"^\s*(?:[\[［]\d{1,3}[\]］]|\d{1,3}[.．、](?!\d))")
_CUT_URL = re.compile(r"(?:https?://|www\.)\S*[/\-_.]$")
_TAIL_UNITS = 6  # title, names and affiliations before an abstract printed at the end
_HEADER_EN = re.compile(r"^[【\[]?\s*(?:Abstract|ABSTRACT)\s*[】\]]?\s*(?:[:：.]|$)")
_HEADER_ZH = re.compile(r"^[【\[]?\s*(?:中文)?(?:摘\s*要|提\s*要|內容提要|内容提要)\s*[】\]]?\s*(?:[:：]|$)")


def labelled(line: str, title_page: bool = True) -> list[tuple[str, str]] | None:
    """Return the (label, value) pairs of a metadata line, or None if it is not one.

    ``title_page``: the line stands among the first blocks, where a date alone is the cover's.

    >>> labelled("中图分类号：D815 文献标识码：A 文章编号：1006-6241(2019)03-0001-10")
    [('中图分类号', 'D815'), ('文献标识码', 'A'), ('文章编号', '1006-6241(2019)03-0001-10')]
    >>> labelled("＊本文為科技部專題研究計畫之部分成果。"), labelled("中華民國一〇八年六月")
    ([('作者註', '本文為科技部專題研究計畫之部分成果。')], [('日期', '中華民國一〇八年六月')])
    >>> labelled("作者認為：這是正文。") is None
    True
    """
    text = line.strip()
    if m := _STAR.match(text):
        return [("作者註", text[m.end():].strip())]
    if title_page and bare_date(text):
        return [("日期", text)]  # a thesis cover's date; in the body a date on its own line stays text
    m = _START.match(text)
    if not m:
        return None
    out = []
    label, pos = m.group(1), m.end()
    for nxt in _NEXT.finditer(text, pos):
        out.append((label, _unwrap(text[pos : nxt.start()])))
        label, pos = nxt.group(1), nxt.end()
    out.append((label, _unwrap(text[pos:])))
    return [(k, v) for k, v in out if v]


def _unwrap(value: str) -> str:
    """Strip spaces and a closing bracket that closes the line's opening one, not the value's own."""
    value = value.strip()
    while value and value[-1] in "）)】]" and value.count(value[-1]) > value.count({"）": "（", ")": "(", "】": "【", "]": "["}[value[-1]]):
        value = value[:-1].rstrip()
    return value


def _lang_line(text: str, lang: str) -> bool:
    """Tell whether a line may be a title, name or affiliation in ``lang`` (not a sentence or a note)."""
    if not text or DEF_START.match(text) or heading_style(text) or plain_heading(text):
        return False
    if lang == "en":
        letters = sum(c.isalpha() for c in text)
        return letters >= 3 and not has_cjk(text) and len(text) <= 200 and text[-1] not in ".。"
    return has_cjk(text) and len(text) <= 80 and not re.search(r"[。！？]", text)


def split_tail(units: list[list[Line]], front: Front, markdown: bool) -> tuple[list[list[Line]], list[list[Line]]]:
    """Cut off an abstract (with its title, names and keywords) printed after the body.

    Returns the body without it, and the cut-off blocks in order.
    """
    for t in range(len(units) - 1, 0, -1):
        first = _plain(units[t][0][1], markdown)
        if units[t][0][0] < 0:
            continue
        if _HEADER_EN.match(first) and not front.abstract.en:
            lang = "en"
            break
        if _HEADER_ZH.match(first) and not front.abstract.zh and not front.title.zh:
            lang = "zh"  # an English article with its Chinese title page at the end
            break
    else:
        return units, []
    start = t
    while start > 0 and t - start < _TAIL_UNITS:
        prev = units[start - 1]
        if prev[0][0] < 0 or not all(_lang_line(_plain(ln, markdown), lang) for _, ln in prev):
            break
        start -= 1
    keywords = _KEYWORDS_EN if lang == "en" else _KEYWORDS_ZH
    end = t + 1
    for k in range(t + 1, min(len(units), t + 16)):
        if keywords.match(_plain(units[k][0][1], markdown)):
            end = k + 1
            break
    else:
        while end < len(units) and units[end][0][0] >= 0 and (lang == "en") != has_cjk(
                " ".join(ln for _, ln in units[end])):
            end += 1
    return units[:start] + units[end:], units[start:end]


def merge_front(front: Front, tail: Front) -> None:
    """Add to the title page what the one printed at the end says and it does not."""
    for lang in ("zh", "en"):
        for part in ("title", "abstract"):
            if getattr(getattr(front, part), lang) is None:
                setattr(getattr(front, part), lang, getattr(getattr(tail, part), lang))
        if not getattr(front.keywords, lang):
            setattr(front.keywords, lang, getattr(tail.keywords, lang))
    for k, author in enumerate(tail.authors):
        name = author.name.en or author.name.zh
        match = next((a for a in front.authors if name in (a.name.en, a.name.zh)), None)
        if match is None and k < len(front.authors):
            match = front.authors[k]
        if match is None:
            front.authors.append(Author(author.name, author.affiliation))
            continue
        for field_name in ("name", "affiliation"):
            mine, theirs = getattr(match, field_name), getattr(author, field_name)
            for lang in ("zh", "en"):
                if getattr(mine, lang) is None:
                    setattr(mine, lang, getattr(theirs, lang))


def add_reference(entries: list[str], text: str, raw: str, block_start: bool, markdown: bool) -> None:
    """Add a line of a reference list: a new entry, or the rest of the one before.

    A line starts an entry when it starts a block, is numbered, or follows an
    entry that ended a sentence; lines with a hanging indent, or after an
    address cut at the end of a line, go on with the entry above.

    >>> entries = []
    >>> for line in ("Bush, Susan. The Chinese Literati", "　　on Painting. Harvard, 1971.", "[2] 桂勇. 邻里空间[M]."):
    ...     add_reference(entries, line.strip(), line, False, False)
    >>> entries
    ['Bush, Susan. The Chinese Literati on Painting. Harvard, 1971.', '[2] 桂勇. 邻里空间[M].']
    """
    hanging = not block_start and raw[:1].isspace() and not _NEW_REFERENCE.match(raw)
    starts = block_start or _NEW_REFERENCE.match(raw) or not entries or (
        not hanging and not ends_open(entries[-1]) and not text[:1].islower()
    )
    if starts and not (entries and _CUT_URL.search(entries[-1])):
        entries.append(text)
    else:
        entries[-1] = join_note(entries[-1], text, markdown)
