"""The query language: parse a user's string into a small tree.

Words are optional and ranked by how many of them a passage holds (best
match), unless marked required with a leading ``+`` or joined by ``AND``;
``"quoted phrases"`` (also “…” and 「…」) and fields are always required;
``OR``; ``NOT`` or a leading ``-``; parentheses; fields ``title:`` ``author:`` ``keyword:``
``abstract:`` ``section:`` ``source:`` ``year:``. Nothing here raises on odd
input: an unbalanced quote ends at the end of the query, stray parentheses are
ignored, an unknown ``field:`` is literal text. Only a query with nothing to
search for is rejected, with a :class:`QueryError` that says what to type.

Parsing is kept apart from running (see :mod:`indexer.search.compile`), so the tree
can be shown (``jiansuo search --show-query``) and tested on its own.

>>> parse_query('俄羅斯 OR "美俄關係" -title:普京')
And([Or([Word('俄羅斯'), Phrase('美俄關係')]), Not(Field('title', '普京'))])
>>> parse_query('year:2000-2010 source:state.gov')
And([Field('year', '2000-2010'), Field('source', 'state.gov')])
>>> parse_query('+普京 美國 AND 外交 俄羅斯')
And([Required(Word('普京')), Required(Word('美國')), Required(Word('外交')), Word('俄羅斯')])
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields

from indexer import settings
from indexer.errors import QueryError

FIELDS = ("title", "author", "keyword", "abstract", "section", "source", "year")
FIELD_ALIASES = {"keywords": "keyword", "authors": "author", "note": "source", "notes": "source"}

_OPEN_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "”": "”"}
_OPEN_PAREN = "(（"
MAX_DEPTH = 16  # nesting of parentheses
_CLOSE_PAREN = ")）"


class _Node:
    """A query tree node; its repr is the constructor call (``Word('俄羅斯')``)."""

    def __repr__(self):
        args = ", ".join(repr(getattr(self, f.name)) for f in fields(self))
        return f"{type(self).__name__}({args})"


@dataclass(frozen=True, repr=False)
class Word(_Node):
    """Free text, segmented into words (ANDed) and matched in any script."""

    text: str


@dataclass(frozen=True, repr=False)
class Phrase(_Node):
    """Exact characters, wherever they occur, whatever the segmenter does."""

    text: str


@dataclass(frozen=True, repr=False)
class Field(_Node):
    """A field constraint; values are matched as exact substrings (``year``: a number or range)."""

    name: str
    text: str


@dataclass(frozen=True, repr=False)
class And(_Node):
    items: list = field(default_factory=list)


@dataclass(frozen=True, repr=False)
class Or(_Node):
    items: list = field(default_factory=list)


@dataclass(frozen=True, repr=False)
class Not(_Node):
    item: object


@dataclass(frozen=True, repr=False)
class Required(_Node):
    """A term every hit must hold (``+term``, or either side of ``AND``)."""

    item: object


def required(node) -> object:
    """Return ``node`` marked required (phrases, fields and negations are already strict)."""
    return node if isinstance(node, (Required, Not, Phrase, Field)) else Required(node)


# ---------------------------------------------------------------- lexing

_SPECIAL = set(" \t\n()（）\"“”「」『』")


def clean(text: str) -> str:
    """Drop control and format characters; collapse white space."""
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn"):
            kept.append(" " if ch in "\t\n\r" else "")
        else:
            kept.append(ch)
    return " ".join("".join(kept).split())


def _lex(q: str) -> list[tuple[str, str]]:
    """Split into ("(" | ")" | "not" | "plus" | "and" | "or" | "phrase" | "word" | "field", value) tokens."""
    toks: list[tuple[str, str]] = []
    i, n = 0, len(q)
    while i < n:
        ch = q[i]
        if ch.isspace():
            i += 1
        elif ch in _OPEN_PAREN:
            toks.append(("(", ch))
            i += 1
        elif ch in _CLOSE_PAREN:
            toks.append((")", ch))
            i += 1
        elif ch in _OPEN_QUOTES:
            close = _OPEN_QUOTES[ch]
            j = q.find(close, i + 1)
            j = n if j < 0 else j
            toks.append(("phrase", q[i + 1 : j]))
            i = j + 1
        elif ch in _SPECIAL:  # a closing 」 or 』 with no opening one
            i += 1
        elif ch in "-+" and i + 1 < n and not q[i + 1].isspace() and (i == 0 or q[i - 1].isspace()
                                                                       or q[i - 1] in _OPEN_PAREN):
            toks.append(("not" if ch == "-" else "plus", ch))
            i += 1
        else:
            j = i
            while j < n and q[j] not in _SPECIAL:
                j += 1
            word = q[i:j]
            i = j
            if word in ("OR", "|"):
                toks.append(("or", word))
                continue
            if word == "NOT":
                toks.append(("not", word))
                continue
            if word in ("AND", "&"):
                toks.append(("and", word))
                continue
            name, sep, rest = word.partition(":")
            if not sep:
                name, sep, rest = word.partition("：")
            key = FIELD_ALIASES.get(name.lower(), name.lower())
            if sep and key in FIELDS:
                toks.append(("field", key))
                if rest:
                    toks.append(("word", rest))
            else:
                toks.append(("word", word))
    return toks


# ---------------------------------------------------------------- parsing


class _Parser:
    """Recursive descent: and := or+ ; or := unary ("OR" unary)* ; unary := "-"/NOT unary | primary.

    OR binds tighter than the implicit AND, as in web search engines:
    ``俄羅斯 OR 蘇聯 外交`` is ``(俄羅斯 OR 蘇聯) AND 外交``.
    """

    def __init__(self, toks):
        self.toks = toks
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def parse_and(self, depth=0):
        items = []
        joined = False  # the previous token was AND: the next item is required too
        while True:
            kind = self.peek()[0]
            if kind is None or (kind == ")" and depth > 0):
                break
            if kind in (")", "or"):  # stray ")" at top level, or a dangling OR
                self.take()
                continue
            if kind == "and":
                self.take()
                joined = bool(items)
                continue
            item = self.parse_or(depth)
            if item is not None:
                if joined:  # both sides of AND are required; a dangling AND changes nothing
                    items[-1] = required(items[-1])
                    item = required(item)
                items.append(item)
                joined = False
        items = _unique(items)
        if not items:
            return None
        return items[0] if len(items) == 1 else And(items)

    def parse_or(self, depth):
        items = [self.parse_unary(depth)]
        while self.peek()[0] == "or":
            self.take()
            if self.peek()[0] in (None, ")"):
                break
            items.append(self.parse_unary(depth))
        items = _unique([x for x in items if x is not None])
        if not items:
            return None
        return items[0] if len(items) == 1 else Or(items)

    def parse_unary(self, depth):
        if self.peek()[0] == "plus":
            self.take()
            item = self.parse_unary(depth)
            return required(item) if item is not None else None
        if self.peek()[0] == "not":
            self.take()
            if self.peek()[0] in (None, ")", "or"):
                return None
            item = self.parse_unary(depth)
            return Not(item) if item is not None else None
        return self.parse_primary(depth)

    def parse_primary(self, depth):
        kind, value = self.take()
        if kind == "(":
            if depth >= MAX_DEPTH:  # deeper nesting changes nothing; it would only exhaust the stack
                return None
            inner = self.parse_and(depth + 1)
            if self.peek()[0] == ")":
                self.take()
            return inner
        if kind == "phrase":
            value = value.strip()
            return Phrase(value) if value else None
        if kind == "field":
            nkind, nvalue = self.peek()
            if nkind in ("word", "phrase") and nvalue.strip():
                self.take()
                return Field(value, nvalue.strip())
            return None  # a bare "field:" has nothing to match
        if kind == "word":
            if all(not ch.isalnum() for ch in value):
                return None  # wildcards and punctuation alone
            return Word(value)
        return None


def _unique(items: list) -> list:
    """Drop repeated operands: ``a a`` means ``a``, and each repeat slows matching down.

    >>> _unique([Word("a"), Phrase("b"), Word("a")])
    [Word('a'), Phrase('b')]
    """
    return list({repr(x): x for x in items}.values())


def check_length(q: str, max_length: int | None = None) -> str:
    """Return ``q`` if it is short enough to search for; every query path checks it here.

    :param max_length: longest query accepted (default: the ``max_query`` setting).
    :raises QueryError: the query is too long.

    >>> check_length("蘇聯解體", 10)
    '蘇聯解體'
    """
    limit = max_length or settings.get_int("max_query")
    if len(q) > limit:
        raise QueryError(
            f"The query is {len(q):,} characters long; the limit is {limit:,}. "
            "Search for a shorter phrase.",
            code="too_long", n=len(q), limit=limit,
        )
    return q


def parse_query(q: str, max_length: int | None = None) -> object:
    """Parse ``q`` into a tree of Word/Phrase/Field/And/Or/Not.

    :param max_length: longest query accepted (default: the ``max_query`` setting).
    :raises QueryError: the query is too long or has nothing to search for.
    """
    check_length(q, max_length)
    tree = _Parser(_lex(clean(q))).parse_and()
    if tree is None:
        raise QueryError(
            'Nothing to search for. Type a word, a "quoted phrase" or a field such as title:俄羅斯.',
            code="empty_query",
        )
    if not positive_leaves(tree):
        raise QueryError("Every term is negated. Add a term to search for, e.g. 俄羅斯 -蒲亭.", code="all_negated")
    return tree


def positive_leaves(node) -> list:
    """Return the leaves that are not under a NOT (what a hit must match and what to highlight)."""
    if isinstance(node, (And, Or)):
        return [leaf for item in node.items for leaf in positive_leaves(item)]
    if isinstance(node, Not):
        return []
    if isinstance(node, Required):
        return positive_leaves(node.item)
    return [node]


_YEAR_RANGE = re.compile(r"^\s*(\d{4})?\s*(?:-|–|~|\.\.)\s*(\d{4})?\s*$")


def year_range(text: str) -> tuple[int | None, int | None] | None:
    """Return (start, end) for ``2007``, ``2000-2010``, ``-2010`` or ``2000-``; None if not a year.

    >>> year_range("2000-2010"), year_range("2007"), year_range("abc")
    ((2000, 2010), (2007, 2007), None)
    """
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text), int(text)
    m = _YEAR_RANGE.match(text)
    if m and (m.group(1) or m.group(2)):
        lo = int(m.group(1)) if m.group(1) else None
        hi = int(m.group(2)) if m.group(2) else None
        return lo, hi
    return None


def year_bounds(text: str) -> tuple[int | None, int | None]:
    """Return the (start, end) years of a ``year:`` value, either open.

    :raises QueryError: the value is not a year or a range of years.

    >>> year_bounds("-2010")
    (None, 2010)
    """
    rng = year_range(text)
    if rng is None:
        raise QueryError(f"year:{text} is not a year; use year:2007 or a range such as year:2000-2010.",
                         code="bad_year", value=text)
    return rng

