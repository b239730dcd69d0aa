"""Cite an article itself: a record for citation managers and references ready to paste.

The record comes from what the article says about itself: both titles, the
authors, the journal, volume and issue of its masthead (``刊期`` in
``Article.metadata``, e.g. 問題與研究 第46卷第4期), the year of its dates,
and for page-aware input the printed pages it spans. Two reference styles:
the one Taiwanese journals use (作者，〈篇名〉，《期刊》，第N卷第N期（年），頁a-b。)
and a Chicago-style English one.

>>> from indexer.model import Article, Author, Bilingual, Dates
>>> a = Article("x", title=Bilingual("美俄關係", "Russia-U.S. Relations"),
...             authors=[Author(Bilingual("李亞明", "Yamin Lee"))], dates=Dates(accepted="2007-11-21"),
...             metadata={"刊期": "問題與研究 第46卷第4期"})
>>> chinese_reference(a)
'李亞明，〈美俄關係〉，《問題與研究》，第46卷第4期（2007年）。'
>>> english_reference(a)
'Lee, Yamin. “Russia-U.S. Relations.” 問題與研究 46, no. 4 (2007).'
"""

from __future__ import annotations

import re

from indexer.model import Article
from indexer.sources.citations import Citation
from indexer.sources.romanize import chinese_name

_VOLUME = re.compile(r"第\s*([\d０-９]+)\s*[卷輯辑]|\bVol\.?\s*(\d+)", re.I)
_ISSUE = re.compile(r"第\s*([\d０-９]+)\s*期|\bNo\.?\s*(\d+)", re.I)
_YEAR_TAIL = re.compile(r"[\s，,(（]*\d{4}\s*年?[)）]?\s*$")
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def masthead(article: Article) -> tuple[str | None, str | None, str | None]:
    """Return (journal, volume, issue) from the article's masthead line, where it has one."""
    line = (article.metadata.get("刊期") or "").strip()
    if not line:
        return None, None, None
    vol, no = _VOLUME.search(line), _ISSUE.search(line)
    first = min((m.start() for m in (vol, no) if m), default=len(line))
    journal = _YEAR_TAIL.sub("", line[:first]).strip(" 《》，,.") or None

    def number(m):
        return next(g for g in m.groups() if g).translate(_DIGITS) if m else None

    return journal, number(vol), number(no)


def article_year(article: Article) -> int | None:
    """Return the year the article appeared: published, else accepted, else submitted."""
    for d in (article.dates.published, article.dates.accepted, article.dates.submitted):
        if d:
            return int(d[:4])
    return None


def page_range(article: Article) -> str | None:
    """Return the printed pages the article spans ("127-149"), for page-aware input."""
    labels = [p.page_label for p in [*article.paragraphs, *article.footnotes] if p.page_label]
    numbers = [int(x) for x in labels if x.isdigit()]
    if not numbers:
        return None
    first, last = min(numbers), max(numbers)
    return str(first) if first == last else f"{first}-{last}"


def article_citation(article: Article) -> Citation:
    """Return the article itself as a citation record."""
    journal, volume, issue = masthead(article)
    zh = bool(article.title.zh)
    names = [(a.name.zh if zh else a.name.en) or a.name.zh or a.name.en for a in article.authors]
    return Citation(
        kind="article", authors=[n for n in names if n], title=article.title.zh or article.title.en,
        translated_title=article.title.en if zh else None, container=journal, volume=volume, issue=issue,
        year=article_year(article), pages=page_range(article), lang="zh" if zh else "en",
        raw=chinese_reference(article) if zh else english_reference(article),
    )


def chinese_reference(article: Article) -> str:
    """Return the reference in the style of Taiwanese journals."""
    journal, volume, issue = masthead(article)
    who = "、".join(a.name.zh or a.name.en for a in article.authors if a.name.zh or a.name.en)
    parts = [who, f"〈{article.title.zh or article.title.en}〉"]
    if journal:
        parts.append(f"《{journal}》")
    where = (f"第{volume}卷" if volume else "") + (f"第{issue}期" if issue else "")
    year = article_year(article)
    when = f"（{year}年）" if year else ""
    if where:
        parts.append(where + when)
    else:
        parts[-1] += when
    if pages := page_range(article):
        parts.append(f"頁{pages}")
    return "，".join(p for p in parts if p) + "。"


def english_name(author, inverted: bool = True) -> str:
    """Return an author's name in English: "Family, Given" (``inverted``) or as printed.

    The English name if the article prints one, else the pinyin of the Chinese name
    (surname first, as Chinese names are written).
    """
    if author.name.en:
        *given, family = author.name.en.split()
        return f"{family}, {' '.join(given)}" if given and inverted else author.name.en
    name = author.name.zh or ""
    reading = chinese_name(name)
    surname = reading[: len(chinese_name(name[:1]))] if name else ""
    if not surname:
        return name
    given = reading[len(surname):].capitalize()
    return f"{surname.capitalize()}, {given}" if inverted else f"{surname.capitalize()} {given}"


def english_reference(article: Article) -> str:
    """Return a Chicago-style reference: Family, Given. “Title.” Journal vol, no. n (year): pages."""
    journal, volume, issue = masthead(article)
    authors = [english_name(a, inverted=(i == 0)) for i, a in enumerate(article.authors)]
    who = authors[0] if len(authors) == 1 else ", ".join(authors[:-1]) + (f", and {authors[-1]}" if authors else "")
    title = article.title.en or article.title.zh
    out = f"{who}. “{title}.”" if who else f"“{title}.”"
    tail = ""
    if journal:
        tail += f" {journal}" + (f" {volume}" if volume else "") + (f", no. {issue}" if issue else "")
    year, pages = article_year(article), page_range(article)
    if year:
        tail += f" ({year})"
    if pages:
        tail += f": {pages.replace('-', '–')}"
    return out + tail + ("." if tail else "")
