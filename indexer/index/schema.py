"""The Whoosh schema: one document per passage, plus two per article.

Passage documents (kind ``title``, ``abstract``, ``keywords``, ``paragraph``,
``footnote``) are what a search returns. Each article also has an ``article``
document (small: path, hash, title, authors, keywords, year; used for
incremental indexing and article-level fields) and a ``data`` document holding
the parsed article as JSON (for the reader and the API).

Passage text is indexed twice:

* ``body`` -- jieba words with their frequencies, English stemmed: word queries
  and BM25F ranking;
* the phrase index (:mod:`indexer.index.phrases`, beside the Whoosh files) -- exact
  characters for quoted phrases, keyed by each passage's ``pid``.

Short metadata fields (``title_c``, ``author_c``, ``keyword_c``, ``section_c``,
``source_c``) are single characters with positions (:class:`CharText`), so a
field value is matched as an exact substring, script-insensitively.
"""

from __future__ import annotations

from collections import defaultdict

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.system import pack_uint

from indexer.analysis import GramTokenizer, grams, word_analyzer, word_counts

PASSAGE_KINDS = ("title", "abstract", "keywords", "paragraph", "footnote", "reference")  # new kinds go last

# Score multipliers per passage kind: title > keywords > abstract > body > notes and reference list.
KIND_BOOST = {"title": 3.0, "keywords": 2.2, "abstract": 1.6, "paragraph": 1.0, "footnote": 0.7, "reference": 0.7}


class WordText(TEXT):
    """jieba words with subwords, English stop words dropped and stems (see ``word_analyzer``).

    Frequencies only: exact phrases are matched by the phrase index, never by
    word positions, so word postings stay small and fast to write. Postings are
    counted without Whoosh's per-token objects (the query side uses the analyzer).
    """

    def __init__(self):
        super().__init__(analyzer=word_analyzer(), phrase=False)

    def index(self, value, **kwargs):
        boost = self.format.field_boost
        for word, n in word_counts(value).items():
            yield word.encode("utf-8"), n, n * boost, pack_uint(n)


class CharText(TEXT):
    """Single folded characters with positions, for substring matching of short fields."""

    def __init__(self):
        super().__init__(analyzer=GramTokenizer(1), phrase=True)

    def index(self, value, **kwargs):
        positions = defaultdict(list)
        for char, pos, _start, _end in grams(value, 1):
            positions[char].append(pos)
        fmt = self.format
        for char, plist in positions.items():
            yield char.encode("utf-8"), len(plist), float(len(plist)), fmt.encode(plist)


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
        page=STORED,  # PDF articles: 1-based page and printed page number of the passage
        page_label=STORED,
        body=WordText(),
        pid=NUMERIC(int, bits=64, signed=False, stored=True, sortable=True),
        kindnum=NUMERIC(int, bits=32, signed=False, sortable=True),
        arthash=NUMERIC(int, bits=64, signed=False, sortable=True),
        section_c=CharText(),
        source_c=CharText(),
        title_c=CharText(),
        author_c=CharText(),
        keyword_c=CharText(),
        path=ID(stored=True),
        sha=STORED,
        meta=STORED,
        data=STORED,
    )
