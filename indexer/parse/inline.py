"""Inline text helpers shared by every parser: joining pieces, markup, sentence ends.

PDF extraction cuts lines and pages anywhere; :func:`smart_join` puts the
pieces back without spaces between CJK characters. :func:`clean_inline`
removes Markdown/HTML markup and is for Markdown input only: plain text keeps
every character it has.
"""

from __future__ import annotations

import re

# Sentence-final characters: a block ending in one of these is a complete paragraph.
FINAL = set("。！？!?…；;：:」』）)”\"’.》】")

_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
_LINK = re.compile(r"!?\[([^\]^][^\]]*)\]\([^)\s]+\)")
_TAG = re.compile(r"</?(?!sup\b)[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_EM = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
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


def ends_open(text: str) -> bool:
    """Tell whether clean text stops mid-sentence (its last character is not sentence-final).

    >>> ends_open("強調外交要"), ends_open("經驗教訓："), ends_open("(1992")
    (True, False, True)
    """
    text = text.rstrip()
    return bool(text) and text[-1] not in FINAL
