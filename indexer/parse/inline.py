"""Inline text helpers shared by every parser: joining pieces, markup, sentence ends.

PDF extraction cuts lines and pages anywhere; :func:`smart_join` puts the
pieces back without spaces between CJK characters. :func:`clean_inline`
removes Markdown/HTML markup and is for Markdown input only, and only for real
markup (known HTML tags, emphasis not inside an ASCII word, links to an
address): ``x**2``, ``a<b 且 c>d`` and ``[1](2)`` stay as written. Plain text
goes through :func:`plain_inline`, which keeps every character except the two
conventions PDF-to-text tools write around titles and addresses
(``*Title*``, ``<https://…>``).
"""

from __future__ import annotations

import re

# Sentence-final characters: a block ending in one of these is a complete paragraph.
FINAL = set("。！？!?…；;：:」』）)”\"’.》】")

_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
# A link's destination must look like an address: ``[1](2)`` is text.
_LINK = re.compile(r"!?\[([^\]^][^\]]*)\]\((?=[^)\s]*[/:.#@])[^)\s]+\)")
_TAG_NAMES = (
    "a|abbr|b|big|blockquote|br|center|cite|code|del|dfn|div|em|font|hr|i|img|ins|kbd|mark|p|q|"
    "rp|rt|ruby|s|samp|small|span|strike|strong|sub|tt|u|var"
)
_ATTRIBUTE = r"""\s+[A-Za-z_:][-\w:.]*(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'=<>`]+))?"""
_TAG = re.compile(rf"</?(?:{_TAG_NAMES})(?:{_ATTRIBUTE})*\s*/?>", re.I)
# Emphasis never opens or closes inside an ASCII word or number (x**2, snake_case).
_STARS = r"(?<![A-Za-z0-9*])\*\*(?=\S)(.+?)(?<=\S)\*\*(?![A-Za-z0-9*])"
_STRONG = re.compile(_STARS + r"|(?<![A-Za-z0-9_])__(?=\S)(.+?)(?<=\S)__(?![A-Za-z0-9_])")
_STRONG_STAR = re.compile(_STARS + "()")  # plain text: only **Title**
_EM = re.compile(r"(?<![A-Za-z0-9*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![A-Za-z0-9*])")
_CODE = re.compile(r"`([^`]+)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>])")
_SPACES = re.compile(r"[ \t\u00a0]+")


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
    return a + joint(a[-1], b[0]) + b


def joint(x: str, y: str) -> str:
    """Return what goes between the character ``x`` ending one piece and ``y`` starting the next."""
    if is_wide(x) or is_wide(y) or x in "-/([“‘" or y in ")]/.,;:!?”’":
        return ""
    return " "


def plain_inline(text: str) -> str:
    """Tidy a line of plain text: runs of spaces become one, ``*Title*`` and ``<https://…>`` lose their marks.

    >>> plain_inline("  若 a<b 且\tc>d，x**2 + y**2，[1](2)，<Foreign Affairs>。 ")
    '若 a<b 且 c>d，x**2 + y**2，[1](2)，<Foreign Affairs>。'
    >>> plain_inline("“Relations,” *International Herald Tribune*, <http://www.iht.com/a>")
    '“Relations,” International Herald Tribune, http://www.iht.com/a'
    """
    return _unmark(text, markdown=False)


def clean_inline(text: str) -> str:
    """Remove Markdown/HTML markup but keep note markers and URLs (without angle brackets).

    >>> clean_inline("*The Department of Defense*, <https://a.b/c>, **x**")
    'The Department of Defense, https://a.b/c, x'
    >>> clean_inline("若 a<b 且 c>d，參見 <Foreign Affairs>，x**2 + y**2，[1](2)。")
    '若 a<b 且 c>d，參見 <Foreign Affairs>，x**2 + y**2，[1](2)。'
    """
    return _unmark(text, markdown=True)


def inline_cleaner(markdown: bool):
    """Return the line cleaner of a format: :func:`clean_inline` for Markdown, else :func:`plain_inline`."""
    return clean_inline if markdown else plain_inline


def _unmark(text: str, markdown: bool) -> str:
    if "<" in text:
        text = _AUTOLINK.sub(r"\1", text)
        if markdown:
            text = _TAG.sub("", text)
    if markdown and "[" in text:
        text = _LINK.sub(r"\1", text)
    if "*" in text or (markdown and "_" in text):
        text = (_STRONG if markdown else _STRONG_STAR).sub(lambda m: m.group(1) or m.group(2), text)
        text = _EM.sub(r"\1", text)
    if markdown and "`" in text:
        text = _CODE.sub(r"\1", text)
    if markdown and "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    if "  " in text or "\t" in text or "\u00a0" in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


def ends_open(text: str) -> bool:
    """Tell whether clean text stops mid-sentence (its last character is not sentence-final).

    >>> ends_open("強調外交要"), ends_open("經驗教訓："), ends_open("(1992")
    (True, False, True)
    """
    text = text.rstrip()
    return bool(text) and text[-1] not in FINAL
