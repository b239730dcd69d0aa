"""Write citations as BibTeX, RIS or CSL-JSON for citation managers.

Accepts a :class:`~indexer.sources.citations.Citation`, a :class:`~indexer.sources.collect.Source`,
a :class:`~indexer.sources.collect.CitedNote`, an :class:`~indexer.model.Article`
(its bibliography: one entry per cited source) or any list of these.
Chinese and organisation authors are kept as one literal name; keys are ASCII
(pinyin for Chinese names) and unique within one export.

>>> from indexer.sources.citations import Citation
>>> c = Citation("book", ["鄭羽"], "既非盟友", place="北京", publisher="世界知識出版社", year=2006,
...              pages="94", lang="zh")
>>> print(to_bibtex(c))
@book{zhengyu2006,
  author = {{鄭羽}},
  title = {既非盟友},
  address = {北京},
  publisher = {世界知識出版社},
  year = {2006},
  pages = {94},
  language = {zh}
}
<BLANKLINE>
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable

from indexer.model import Article
from indexer.sources.citations import Citation
from indexer.sources.collect import CitedNote, Source, collect_sources
from indexer.sources.romanize import ascii_key, name_key, pinyin

Exportable = Citation | Source | CitedNote | Article

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ORG = re.compile(
    r"^the\s|&|\b(?:house|department|ministry|office|council|agency|university|institute|committee|commission"
    r"|organi[sz]ation|association|cent(?:er|re)|bank|fund|foundation|government|bureau|administration"
    r"|nations|union|service|press|times|news|post|tribune|journal|corporation|inc|ltd|group)\b",
    re.I,
)
_WORD = re.compile(r"[\w'-]+")
_URL_UNSAFE = re.compile(r"[{}\\\s]")
_STOP = {"the", "of", "and", "a", "an", "on", "for", "in", "to", "with"}
_BIB_TYPE = {"book": "book", "article": "article", "chapter": "incollection", "web": "online", "report": "techreport"}
_BIB_CONTAINER = {"article": "journal", "chapter": "booktitle", "web": "organization", "report": "institution"}
_RIS_TYPE = {"book": "BOOK", "article": "JOUR", "chapter": "CHAP", "web": "ELEC", "report": "RPRT"}
_CSL_TYPE = {"book": "book", "article": "article-journal", "chapter": "chapter", "web": "webpage", "report": "report"}
_BIB_ESCAPE = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIB_SPECIAL = re.compile(r"[\\&%$#_{}~^]")


def citations_of(items: Exportable | Iterable[Exportable]) -> list[Citation]:
    """Flatten what can be exported into a list of citations."""
    if isinstance(items, (Citation, Source, CitedNote, Article)):
        items = [items]
    out: list[Citation] = []
    for it in items:
        if isinstance(it, Citation):
            out.append(it)
        elif isinstance(it, Source):
            out.append(it.citation)
        elif isinstance(it, CitedNote):
            out.extend(it.citations)
        elif isinstance(it, Article):
            out.extend(s.citation for s in collect_sources([it]))
        else:
            raise TypeError(f"cannot export {type(it).__name__}")
    return out


def is_literal_name(name: str) -> bool:
    """Tell whether a name must stay whole: Chinese names and organisations.

    >>> is_literal_name("鄭羽"), is_literal_name("The White House"), is_literal_name("David Kramer")
    (True, True, False)
    """
    return bool(_CJK.search(name) or _ORG.search(name) or len(name.split()) > 4)


def _split_name(name: str) -> tuple[str, str]:
    """Return (family, given) of a Western personal name."""
    if "," in name:
        family, given = name.split(",", 1)
        return family.strip(), given.strip()
    *given, family = name.split()
    return family, " ".join(given)


def _key_base(c: Citation) -> str:
    who = (c.authors or c.editors or [None])[0]
    if who and _CJK.search(who) and len(who) <= 4:
        stem = name_key(who)
    elif who and not is_literal_name(who):
        stem = name_key(_split_name(who)[0])
    else:
        text = who or c.title or c.domain or ""
        if _CJK.search(text):
            stem = pinyin("".join(_CJK.findall(text))[:4])
        else:
            stem = "".join([w for w in _WORD.findall(text) if w.lower() not in _STOP][:3])[:24]
    return (ascii_key(stem) or "ref") + (str(c.year) if c.year else "nd")


def cite_keys(cits: list[Citation]) -> list[str]:
    """Return unique ASCII keys such as ``zhengyu2006``, ``zhengyu2006b``."""
    seen: set[str] = set()
    keys = []
    for c in cits:
        base = key = _key_base(c)
        suffix = ord("b")
        while key in seen:
            key = base + (chr(suffix) if suffix <= ord("z") else str(suffix))
            suffix += 1
        seen.add(key)
        keys.append(key)
    return keys


def bib_escape(text: str) -> str:
    r"""Escape BibTeX special characters.

    >>> bib_escape("R&D 50% #1_a")
    'R\\&D 50\\% \\#1\\_a'
    """
    return _BIB_SPECIAL.sub(lambda m: _BIB_ESCAPE[m.group()], text)


def _bib_names(names: list[str]) -> str:
    return " and ".join("{" + bib_escape(n) + "}" if is_literal_name(n) else bib_escape(n) for n in names)


def _bib_entry(c: Citation, key: str) -> str:
    fields: list[tuple[str, str | None]] = [
        ("author", _bib_names(c.authors) if c.authors else None),
        ("editor", _bib_names(c.editors) if c.editors else None),
        ("title", c.title and bib_escape(c.title)),
        ("titleaddon", c.translated_title and bib_escape(c.translated_title)),
        (_BIB_CONTAINER.get(c.kind, "howpublished"), c.container and bib_escape(c.container)),
        ("address", c.place and bib_escape(c.place)),
        ("publisher", c.publisher and bib_escape(c.publisher)),
        ("year", str(c.year) if c.year else None),
        ("date", c.issued if c.issued and len(c.issued) > 4 else None),
        ("volume", c.volume),
        ("number", c.issue),
        ("pages", c.pages and c.pages.replace("-", "--")),
        ("url", c.url and _URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", c.url)),
        ("urldate", c.accessed),
        ("note", c.note and bib_escape(c.note)),
        ("language", c.lang),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{_BIB_TYPE.get(c.kind, 'misc')}{{{key},\n{body}\n}}\n"


def to_bibtex(items: Exportable | Iterable[Exportable]) -> str:
    """Return BibTeX (biblatex entry types: @book, @article, @incollection, @online…)."""
    cits = citations_of(items)
    return "\n".join(_bib_entry(c, k) for c, k in zip(cits, cite_keys(cits), strict=True))


def _ris_date(iso: str) -> str:
    parts = iso.split("-")
    return "/".join(parts + [""] * (3 - len(parts))) + "/"


def _ris_entry(c: Citation, key: str) -> str:
    lines = [("TY", _RIS_TYPE.get(c.kind, "GEN")), ("ID", key)]
    lines += [("AU", n if is_literal_name(n) else "{}, {}".format(*_split_name(n)).strip(", ")) for n in c.authors]
    lines += [("A2", n) for n in c.editors]
    first, _, last = (c.pages or "").partition("-")
    if "," in (c.pages or ""):
        first, last = c.pages, ""
    lines += [
        ("TI", c.title),
        ("TT", c.translated_title),
        ("T2", c.container),
        ("PY", str(c.year) if c.year else None),
        ("DA", _ris_date(c.issued) if c.issued else None),
        ("CY", c.place),
        ("PB", c.publisher),
        ("VL", c.volume),
        ("IS", c.issue),
        ("SP", first or None),
        ("EP", last or None),
        ("UR", c.url),
        ("Y2", _ris_date(c.accessed) if c.accessed else None),
        ("N1", c.note),
        ("LA", c.lang),
    ]
    body = "".join(f"{tag}  - {' '.join(str(v).split())}\n" for tag, v in lines if v)
    return body + "ER  - \n"


def to_ris(items: Exportable | Iterable[Exportable]) -> str:
    """Return RIS text (write it as UTF-8)."""
    cits = citations_of(items)
    return "\n".join(_ris_entry(c, k) for c, k in zip(cits, cite_keys(cits), strict=True))


def _date_parts(iso: str | None, year: int | None = None) -> dict | None:
    if iso:
        return {"date-parts": [[int(p) for p in iso.split("-")]]}
    return {"date-parts": [[year]]} if year else None


def _csl_name(name: str) -> dict:
    if is_literal_name(name):
        return {"literal": name}
    family, given = _split_name(name)
    return {"family": family, "given": given} if given else {"literal": name}


def to_csl(items: Exportable | Iterable[Exportable]) -> list[dict]:
    """Return CSL-JSON items (dicts) ready for ``json.dumps``."""
    cits = citations_of(items)
    out = []
    for c, key in zip(cits, cite_keys(cits), strict=True):
        item = {
            "id": key,
            "type": _CSL_TYPE.get(c.kind, "document"),
            "title": c.title,
            "original-title": c.translated_title,
            "author": [_csl_name(n) for n in c.authors] or None,
            "editor": [_csl_name(n) for n in c.editors] or None,
            "container-title": c.container,
            "publisher": c.publisher,
            "publisher-place": c.place,
            "issued": _date_parts(c.issued, c.year),
            "volume": c.volume,
            "issue": c.issue,
            "page": c.pages,
            "URL": c.url,
            "accessed": _date_parts(c.accessed),
            "note": c.note,
            "language": c.lang,
        }
        out.append({k: v for k, v in item.items() if v})
    return out


def to_csl_json(items: Exportable | Iterable[Exportable]) -> str:
    """Return CSL-JSON text."""
    return json.dumps(to_csl(items), ensure_ascii=False, indent=2)
