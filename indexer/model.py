"""Typed records passed between the pipeline stages.

read → parse produces an :class:`Article`; build turns it into :class:`Passage`
records; search returns :class:`Hit` records. ``to_dict`` gives the JSON shape
documented in the README (``jiansuo parse --json``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


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
    """ISO dates (YYYY-MM-DD), converted from the ROC calendar where needed."""

    submitted: str | None = None
    accepted: str | None = None


@dataclass
class Section:
    id: str
    title: str
    level: int


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


@dataclass
class Footnote:
    n: int
    text: str
    urls: list[str] = field(default_factory=list)
    same_as: int | None = None  # target of 同註N / 同前註 / 同上 / 前揭
    cited_in: list[str] = field(default_factory=list)  # paragraph ids
    problems: list[str] = field(default_factory=list)
    locator: str | None = None  # e.g. "頁198-235" kept from a back-reference


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
            sections=[Section(**s) for s in d.get("sections", [])],
            paragraphs=[
                Paragraph(p["id"], p["section"], p["text"], [NoteRef(**n) for n in p["notes"]])
                for p in d.get("paragraphs", [])
            ],
            footnotes=[Footnote(**f) for f in d.get("footnotes", [])],
            column=d.get("column"),
            editor=d.get("editor"),
            warnings=list(d.get("warnings", [])),
        )

    def footnote(self, n: int) -> Footnote | None:
        """Return note ``n`` or None."""
        return next((f for f in self.footnotes if f.n == n), None)

    def section(self, sid: str | None) -> Section | None:
        """Return the section with id ``sid`` or None."""
        return next((s for s in self.sections if s.id == sid), None)
