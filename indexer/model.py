"""Typed records passed between the pipeline stages.

ingest → parse produces an :class:`Article`; the index cuts it into
:class:`Passage` records; a search returns a :class:`SearchResult` of
:class:`Hit` records. ``to_dict`` gives the JSON shapes documented in the
README (``jiansuo parse --json``, ``jiansuo search --json``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Document:
    """What ingest hands to parse: one file's content in a registered format.

    Text formats fill ``text``; layout formats (PDF) fill ``pages`` with what
    their parser needs. ``warnings`` carry what reading had to repair.
    """

    id: str  # the article id: the file name without its suffix
    format: str  # "text", "markdown", ... (a parser is registered under each)
    text: str = ""
    encoding: str | None = None
    pages: list = field(default_factory=list)
    path: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Bilingual:
    """A value that may exist in Chinese, English, or both."""

    zh: str | None = None
    en: str | None = None


@dataclass
class Author:
    name: Bilingual = field(default_factory=Bilingual)
    affiliation: Bilingual = field(default_factory=Bilingual)


@dataclass
class Keywords:
    zh: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)


@dataclass
class Dates:
    """ISO dates (YYYY-MM-DD, or YYYY-MM when no day is printed), converted from the ROC calendar."""

    submitted: str | None = None
    accepted: str | None = None
    revised: str | None = None
    published: str | None = None


@dataclass
class Section:
    id: str
    title: str
    level: int
    page: int | None = None  # 1-based page of the source (PDF) where it starts
    page_label: str | None = None  # the page number printed there
    notes: list["NoteRef"] = field(default_factory=list)  # markers in the heading itself


@dataclass
class NoteRef:
    """A note marker in a paragraph: note ``n`` at character offset ``at`` of the clean text."""

    n: int
    at: int


@dataclass
class Paragraph:
    id: str
    section: str | None
    text: str
    notes: list[NoteRef] = field(default_factory=list)
    page: int | None = None  # 1-based page of the source (PDF) where it starts
    page_label: str | None = None  # the page number printed there, for citing


@dataclass
class Footnote:
    n: int
    text: str
    urls: list[str] = field(default_factory=list)
    same_as: int | None = None  # target of 同註N / 同前註 / 同上 / 前揭
    cited_in: list[str] = field(default_factory=list)  # paragraph ids
    problems: list[str] = field(default_factory=list)
    locator: str | None = None  # e.g. "頁198-235" kept from a back-reference
    page: int | None = None  # 1-based page of the source (PDF) where it starts
    page_label: str | None = None  # the page number printed there
    label: str | None = None  # the number printed in the text when it differs from n (per-page numbering)


@dataclass
class Reference:
    """One entry of the reference list (參考文獻 / References), in reading order from 1."""

    n: int
    text: str
    urls: list[str] = field(default_factory=list)
    page: int | None = None  # 1-based page of the source (PDF) where it starts
    page_label: str | None = None  # the page number printed there


@dataclass
class Article:
    id: str
    title: Bilingual = field(default_factory=Bilingual)
    authors: list[Author] = field(default_factory=list)
    abstract: Bilingual = field(default_factory=Bilingual)
    keywords: Keywords = field(default_factory=Keywords)
    dates: Dates = field(default_factory=Dates)
    sections: list[Section] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    column: str | None = None  # column label such as 焦點評析
    editor: str | None = None  # 責任編輯
    warnings: list[str] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)  # the reference list, if the article has one
    metadata: dict[str, str] = field(default_factory=dict)  # labelled lines: 中图分类号, DOI, 指導教授 …

    def to_dict(self) -> dict:
        """Return the JSON-ready dict of ``jiansuo parse --json``."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Article":
        """Rebuild an Article from :meth:`to_dict` output (as stored in the index)."""
        return cls(
            id=d["id"],
            title=Bilingual(**d["title"]),
            authors=[
                Author(Bilingual(**a["name"]), Bilingual(**a["affiliation"]))
                for a in d.get("authors", [])
            ],
            abstract=Bilingual(**d["abstract"]),
            keywords=Keywords(**d["keywords"]),
            dates=Dates(**d["dates"]),
            sections=[Section(**{**s, "notes": [NoteRef(**n) for n in s.get("notes", [])]})
                      for s in d.get("sections", [])],
            paragraphs=[
                Paragraph(p["id"], p["section"], p["text"], [NoteRef(**n) for n in p["notes"]],
                          p.get("page"), p.get("page_label"))
                for p in d.get("paragraphs", [])
            ],
            footnotes=[Footnote(**f) for f in d.get("footnotes", [])],
            column=d.get("column"),
            editor=d.get("editor"),
            warnings=list(d.get("warnings", [])),
            references=[Reference(**r) for r in d.get("references", [])],
            metadata=dict(d.get("metadata", {})),
        )

    def footnote(self, n: int) -> Footnote | None:
        """Return note ``n`` or None."""
        return next((f for f in self.footnotes if f.n == n), None)

    def section(self, sid: str | None) -> Section | None:
        """Return the section with id ``sid`` or None."""
        return next((s for s in self.sections if s.id == sid), None)


@dataclass
class Passage:
    """One unit of retrieval: linked as ``/articles/<article>#<id>``."""

    article: str
    id: str
    kind: str  # title | abstract | keywords | paragraph | footnote
    text: str
    position: int
    section: str | None = None
    section_title: str | None = None
    notes: list[int] = field(default_factory=list)
    source: str | None = None  # footnotes: own text plus the texts its 同註 chain leads to
    page: int | None = None  # 1-based page of the source PDF where the passage starts
    page_label: str | None = None  # the page number printed there


@dataclass
class Hit:
    """One matching passage; ``text`` is the whole passage in its original script.

    ``spans`` are the matched ``(start, end)`` offsets in ``text``; ``snippet``
    is the best fragment around them rendered as HTML (see
    :mod:`indexer.search.highlight` for other renderings). ``missing`` lists
    the query terms (as typed) this passage does not hold.
    """

    article: str
    title: str
    passage: str
    kind: str
    section: str | None
    text: str
    snippet: str
    score: float
    notes: list[int] = field(default_factory=list)
    position: int = 0
    year: int | None = None
    page: int | None = None  # PDF articles: 1-based page where the passage starts
    page_label: str | None = None  # ... and the page number printed there, for citing
    spans: list[tuple[int, int]] = field(default_factory=list, repr=False)
    missing: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Return the JSON shape of one hit."""
        d = asdict(self)
        del d["spans"]
        return d


@dataclass
class SearchResult:
    """One page of hits for a query, with the exact totals and what the query was expanded to.

    ``total`` counts every passage the query returns (holding some of its
    terms), ``total_all`` those holding all of them; ``suggestions`` are the
    query with unknown words replaced by the nearest indexed ones; ``ignored``
    lists words of a long pasted query left out to stay within the term limit.
    """

    query: str
    total: int = 0
    took_ms: float = 0.0
    expanded: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    error: str | None = None
    page: int = 1
    limit: int = 10
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    total_all: int = 0
    mode: str = "best"
    suggestions: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    sort: str = "relevance"
    error_code: str | None = field(default=None, repr=False)  # for a translated message (not in JSON)
    error_params: dict = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        """Return the JSON shape of ``jiansuo search --json`` and ``/api/search``."""
        d = asdict(self)
        d["hits"] = [h.to_dict() for h in self.hits]
        del d["error_code"], d["error_params"]
        if self.error is None:
            del d["error"]
        return d

    def groups(self) -> list[dict]:
        """Group the hits by article, in the order of each article's best hit."""
        out: dict[str, dict] = {}
        for h in self.hits:
            g = out.setdefault(h.article, {"article": h.article, "title": h.title,
                                           "year": h.year, "hits": []})
            g["hits"].append(h)
        return list(out.values())


@dataclass
class FileError:
    """A file that was not indexed, and why (one line)."""

    path: str
    message: str


@dataclass
class BuildReport:
    """What an indexing run did; ``errors`` lists every file that failed, ``skipped`` every other file left out."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    skipped: list[FileError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def to_dict(self) -> dict:
        """Return the JSON shape of ``jiansuo index --json``."""
        return asdict(self)
