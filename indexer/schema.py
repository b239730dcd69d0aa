"""The Whoosh schema: one document per passage, plus two per article.

Passage documents (kind ``title``, ``abstract``, ``keywords``, ``paragraph``,
``footnote``) are what a search returns. Each article also has an ``article``
document (small: path, hash, title, authors, keywords, year; used for
incremental indexing and article-level fields) and a ``data`` document holding
the parsed article as JSON (for the reader and the API).

Text is indexed three ways:

* ``body``  -- jieba words (positions = word ordinals), English stemmed: ranking;
* ``grams`` -- character bigrams with positions: exact phrases of 2+ characters;
* ``chars`` -- single characters (no positions): one-character phrases.

Short metadata fields (``title_c``, ``author_c``, ``keyword_c``, ``section_c``,
``source_c``) are single characters with positions, so a field value is matched
as an exact substring, script-insensitively.
"""

from __future__ import annotations

from collections import defaultdict

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.system import pack_uint

from indexer.analysis import GramTokenizer, grams, word_analyzer, word_counts

PASSAGE_KINDS = ("title", "abstract", "keywords", "paragraph", "footnote")

# Score multipliers per passage kind: title > keywords > abstract > body > notes.
KIND_BOOST = {"title": 3.0, "keywords": 2.2, "abstract": 1.6, "paragraph": 1.0, "footnote": 0.7}

SCHEMA_VERSION = 1


class _FastText(TEXT):
    """A TEXT field that turns a value into postings without Whoosh's Token objects.

    Indexing produces the same terms and positions as the field's analyzer (the
    query side still uses the analyzer), several times faster on long texts.
    """

    def _items(self, value: str) -> list[tuple[str, int, int, int]]:
        raise NotImplementedError

    def index(self, value, **kwargs):
        positions = defaultdict(list)
        for text, pos, _start, _end in self._items(value):
            positions[text].append(pos)
        fmt = self.format
        with_positions = fmt.supports("positions")
        boost = fmt.field_boost
        for text, plist in positions.items():
            n = len(plist)
            vbytes = fmt.encode(plist) if with_positions else pack_uint(n)
            yield text.encode("utf-8"), n, n * boost, vbytes


class WordText(TEXT):
    """jieba words with subwords, English stop words dropped and stems (see ``word_analyzer``).

    Frequencies only: exact phrases are matched by character n-grams, never by
    word positions, so word postings stay small and fast to write.
    """

    def __init__(self):
        super().__init__(analyzer=word_analyzer(), phrase=False)

    def index(self, value, **kwargs):
        boost = self.format.field_boost
        for word, n in word_counts(value).items():
            yield word.encode("utf-8"), n, n * boost, pack_uint(n)


class GramText(_FastText):
    """Character ``n``-grams of the folded text, white space skipped (see ``GramTokenizer``)."""

    def __init__(self, n: int, positions: bool = True):
        super().__init__(analyzer=GramTokenizer(n), phrase=positions)
        self.n = n

    def _items(self, value):
        return grams(value, self.n)


def _chars_with_positions() -> TEXT:
    return GramText(1)


def make_schema() -> Schema:
    """Return the schema (pickled into the index, so it uses importable classes only)."""
    return Schema(
        id=ID(unique=True, stored=True),
        article=ID(stored=True),
        kind=ID(stored=True),
        passage=ID(stored=True),
        section=ID(stored=True),
        year=NUMERIC(int, stored=True, signed=False, bits=32),
        position=NUMERIC(int, stored=True, sortable=True),
        text=STORED,
        notes=STORED,
        section_title=STORED,
        body=WordText(),
        grams=GramText(2),
        chars=GramText(1, positions=False),
        section_c=_chars_with_positions(),
        source_c=_chars_with_positions(),
        title_c=_chars_with_positions(),
        author_c=_chars_with_positions(),
        keyword_c=_chars_with_positions(),
        path=ID(stored=True),
        sha=STORED,
        meta=STORED,
        data=STORED,
    )
