"""Mine inline glosses and link a term's variants across articles and scripts.

Authors gloss foreign names and terms inline: 蒲亭（Vladimir Putin）,
「盧布林三角」(Lublin Triangle), NMD（國家導彈防禦體系）. :func:`mine_pairs` finds
these pairs; :func:`build_glossary` joins every Chinese form that shares an
English gloss (or a row of the variant table) into one :class:`Entry`, so a
query for 普丁 also finds 蒲亭 (2007) and 普京 (2021), and says why.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict, dataclass, field

from indexer.analysis import cut
from indexer.errors import IndexStateError
from indexer.model import Article
from indexer.crosslang.variants import CJK, VariantRow, default_variants, en_key, suggest, term_key, to_simplified, zh_key

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff〇·‧]")
LATIN = re.compile(r"[A-Za-z]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
PAREN = re.compile(r"[（(]([^（()）\n]{1,200})[）)]")
OPEN_FOR = {"」": "「", "』": "『", "》": "《", "〉": "〈", "”": "“"}
ACRONYM = re.compile(r"(?<![A-Za-z])([A-Z][A-Z0-9&.\-]{1,9})[ \u3000]*$")
CITATION = re.compile(
    r"^(?:pp?\.|vol\.|no\.|ibid|op\. ?cit|cf\.|see |e\.g\.|i\.e\.)|\bet al\b|\bpp?\. ?\d"
    r"|^[^,]+, ?\d{4}[a-z]?$|^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? (?:\d{1,2}, )?\d{4}$",
    re.I,
)
HONORIFIC = re.compile(r"^(?:(?:Gen|Lt|Maj|Adm|Col|Capt|Dr|Mr|Mrs|Ms|Prof|Sen|Rep|Amb)\. ?)+")
NAME_GLOSS = re.compile(r"^(?:[A-Z][\w'.\-]*|de|van|von|bin|al|der|la) (?:(?:[A-Z][\w'.\-]*|de|van|von|bin|al|der|la) ?){1,3}$")
MAX_TERM = 12  # characters of an unquoted Chinese term
# Matched on the Simplified form of the text, so both scripts work.
TITLES = (
    "总统 总理 首相 外长 部长 国务卿 秘书长 顾问 大使 司令 上将 中将 少将 将军 主席 发言人 议员 总书记 总裁 执行长 "
    "教授 博士 学者 记者 国王 女王 王储 亲王"
).split()
TRAILING_TITLES = tuple("上将 中将 少将 将军 先生 女士 总统 总理 教授 博士".split())
STOP_WORDS = frozenset(
    "的 之 与 和 及 跟 同 或 在 于 为 是 将 把 被 由 对 向 从 自 以 并 据 即 如 等 也 亦 都 而 且 但 则 就 让 使 给 至 到 "
    "其 此 该 这 那 每 各 某 枚 个 名 位 项 种 次 年 月 日 号 有 称 说 表示 指出 认为 提出 成立 签订 签署 通过 退出 加入 "
    "使得 审视 包括 例如 根据 透过 藉由 由于 因为 所以 以及 并且 其中 称为 称之为 名为 所谓 有关 关于 针对 宣布 发表 "
    "发布 举行 参与 建立 采取 视为 定位 报导 报道 利用 提供 要求 这些 那些 一个 两国 我们 他们".split()
)


@dataclass
class TermPair:
    """A Chinese term and its inline renderings (English, Russian, abbreviation) at one place."""

    zh: str
    glosses: list[str]
    article: str = ""
    passage: str = ""
    offset: int = 0  # character offset of ``zh`` in the mined text
    person: bool = False  # a title, honorific or Russian name marks a person


def _cut(run: str) -> list[tuple[int, int]]:
    """Segment ``run`` (on its Simplified form) and return (start, end) spans of the original."""
    simple = to_simplified(run)
    if len(simple) != len(run):  # pragma: no cover - t2s maps one character to one
        simple = run
    spans, i = [], 0
    for tok in cut(simple):
        spans.append((i, i + len(tok)))
        i += len(tok)
    return spans


def clean_gloss(g: str) -> tuple[str, bool]:
    """Strip a leading "the" and honorifics; return the gloss and whether a title was dropped.

    >>> clean_gloss("Gen. Philip Breedlove")
    ('Philip Breedlove', True)
    >>> clean_gloss("the Carnegie Endowment for International Peace")
    ('Carnegie Endowment for International Peace', False)
    """
    g = " ".join(g.split())
    titled = bool(HONORIFIC.match(g))
    g = HONORIFIC.sub("", g)
    g = re.sub(r"^[Tt]he (?=\S+ )", "", g)
    return g, titled


def split_glosses(content: str) -> list[str]:
    """Split one parenthesis into its renderings on commas, unless it is one phrase.

    >>> split_glosses("Vladimir Putin, Владимир Путин")
    ['Vladimir Putin', 'Владимир Путин']
    >>> split_glosses("Trans-Pacific Partnership, TPP")
    ['Trans-Pacific Partnership', 'TPP']
    """
    parts = [p.strip() for p in re.split(r"\s*[,，;；]\s*", content) if p.strip()]
    if any(re.match(r"(?:and|or) ", p) for p in parts):
        return [content.strip()]
    return [p for p in parts if LATIN.search(p) or CYRILLIC.search(p)]


def is_gloss(content: str) -> bool:
    """Tell a foreign rendering from a date, page number, citation or Chinese remark.

    >>> [is_gloss(c) for c in ["Lublin Triangle", "1992年1月至1994年12月", "p. 12", "Smith, 2004", "2004"]]
    [True, False, False, False, False]
    """
    c = content.strip()
    if CJK.search(c) or not (LATIN.search(c) or CYRILLIC.search(c)):
        return False
    return not CITATION.search(c)


def _quoted_before(text: str, end: int) -> tuple[int, int] | None:
    """Return the span inside 「…」/《…》 that closes at ``end``, if any."""
    close = text[end - 1] if end else ""
    if close not in OPEN_FOR:
        return None
    start = text.rfind(OPEN_FOR[close], max(0, end - 62), end - 1)
    if start < 0 or "\n" in text[start:end]:
        return None
    return start + 1, end - 1


def _term_before(text: str, end: int, name_like: bool) -> tuple[int, int, bool] | None:
    """Find where the Chinese term that ends at ``end`` starts; also tell if a title preceded it."""
    while end and text[end - 1] in " \u3000":
        end -= 1
    quoted = _quoted_before(text, end)
    if quoted:
        s, e = quoted
        return (s, e, False) if len(CJK.findall(text[s:e])) >= 2 else None
    start = end
    while start and HAN.match(text[start - 1]) and end - start < 40:
        start -= 1
    run = text[start:end]
    simple, person = to_simplified(run), False
    for t in TRAILING_TITLES:  # 布利德洛夫上將 (Gen. Philip Breedlove)
        if name_like and simple.endswith(t) and len(run) - len(t) >= 2:
            run, simple, end, person = run[: -len(t)], simple[: -len(t)], end - len(t), True
            break
    if name_like:  # 北約秘書長施托爾滕貝格: the name follows the last title word
        cut = max((simple.rfind(t) + len(t) for t in TITLES if t in simple), default=-1)
        if cut > 0 and 2 <= len(run) - cut <= 6:
            return start + cut, end, True
    begin = len(run)
    for a, b in reversed(_cut(run)):
        tok = run[a:b]
        if to_simplified(tok) in STOP_WORDS or end - (start + a) > MAX_TERM:
            break
        begin = a
    return (start + begin, end, person) if len(run) - begin >= 2 else None


def mine_pairs(text: str, article: str = "", passage: str = "") -> list[TermPair]:
    """Find Chinese terms glossed inline in English/Russian, or acronyms glossed in Chinese.

    >>> [(p.zh, p.glosses) for p in mine_pairs("俄羅斯總統普京(Vladimir Putin, Владимир Путин)於瑞士")]
    [('普京', ['Vladimir Putin', 'Владимир Путин'])]
    >>> [(p.zh, p.glosses) for p in mine_pairs("在NMD（國家導彈防禦體系）問題上")]
    [('國家導彈防禦體系', ['NMD'])]
    >>> mine_pairs("政策階段(1992年1月至1994年12月)；俄美關係（上）")
    []
    """
    pairs = []
    for m in PAREN.finditer(text):
        content = m.group(1).strip()
        if is_gloss(content):
            glosses, titled = [], False
            for part in split_glosses(content):
                g, t = clean_gloss(part)
                titled |= t
                glosses.append(g)
            if not glosses:
                continue
            name_like = bool(NAME_GLOSS.match(glosses[0])) or any(CYRILLIC.search(g) for g in glosses)
            found = _term_before(text, m.start(), name_like)
            if not found:
                continue
            s, e, person = found
            after = to_simplified(text[m.end(): m.end() + 3].lstrip())
            person |= titled or any(CYRILLIC.search(g) for g in glosses)
            person |= name_like and after.startswith(TRAILING_TITLES)
            pairs.append(TermPair(text[s:e], glosses, article, passage, s, person))
        else:
            acro = ACRONYM.search(text, max(0, m.start() - 24), m.start())
            inner = content.strip("「」《》『』〈〉")
            if acro and 2 <= len(inner) <= 20 and all(HAN.match(c) for c in inner):
                s = m.start(1) + m.group(1).index(inner)
                pairs.append(TermPair(inner, [acro.group(1)], article, passage, s))
    return pairs


def mine_article(article: Article) -> list[TermPair]:
    """Mine every passage of a parsed article (title, abstract, paragraphs, notes) under its passage id."""
    from indexer.index.passages import passages

    return [p for ps in passages(article) for p in mine_pairs(ps.text, article.id, ps.id)]


# --- linking variants ------------------------------------------------------

SOURCES = ("mined", "variants", "cedict")


@dataclass
class Occurrence:
    """Where a Chinese form was glossed: article, passage id, character offset."""

    term: str
    article: str
    passage: str
    offset: int


@dataclass
class Link:
    """Evidence that two members name the same thing: a gloss in an article or a table row."""

    a: str
    b: str
    source: str  # "mined" | "variants"
    where: list[str] = field(default_factory=list)  # "003/p5" or "variants.tsv:40"


@dataclass
class Entry:
    """One thing with all its names: Chinese forms (as written), glosses, and the evidence."""

    id: int
    terms_zh: list[str]
    glosses: list[str]
    occurrences: list[Occurrence] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    person: bool = False
    links: list[Link] = field(default_factory=list)

    def members(self) -> list[str]:
        """Return the Chinese forms, then the glosses."""
        return self.terms_zh + self.glosses


@dataclass
class Expansion:
    """A term to OR into a query, with its source and the chain of evidence behind it."""

    term: str
    source: str  # "mined" | "variants" | "mined+variants" | "cedict"
    why: str  # "蒲亭 → Vladimir Putin [mined 000/p2] → 普京 [mined 003/p1]"


def build_glossary(pairs: list[TermPair], variants: list[VariantRow] | None = None) -> Glossary:
    """Join mined pairs and variant rows that share a Chinese form (any script) or a gloss.

    ``variants=None`` reads the bundled table and the ``variants`` setting's; pass ``[]`` for none.
    """
    rows = default_variants() if variants is None else variants
    parent: dict[str, str] = {}
    label: dict[str, str] = {}
    links: dict[tuple[str, str, str], Link] = {}

    def root(k: str) -> str:
        while parent.setdefault(k, k) != k:
            parent[k] = k = parent[parent[k]]
        return k

    def link(a: str, b: str, source: str, where: str) -> None:
        ka, kb = term_key(a), term_key(b)
        label.setdefault(ka, a)
        label.setdefault(kb, b)
        parent[root(kb)] = root(ka)
        lk = links.setdefault((ka, kb, source), Link(a, b, source))
        lk.where += [where] if where not in lk.where else []

    for p in pairs:
        for g in p.glosses:
            link(p.zh, g, "mined", f"{p.article}/{p.passage}")
    for r in rows:
        for other in r.zh[1:] + r.en:
            link(r.zh[0], other, "variants", r.where)

    entries: dict[str, Entry] = {}
    forms = {zh_key(p.zh): [] for p in pairs}
    for p in pairs:
        forms[zh_key(p.zh)] += [p.zh] if p.zh not in forms[zh_key(p.zh)] else []
    for k in list(parent):
        e = entries.setdefault(root(k), Entry(len(entries), [], []))
        if k.startswith("en:"):
            e.glosses.append(label[k])
        else:
            e.terms_zh += forms.get(k, [label[k]])
    for lk in links.values():
        e = entries[root(term_key(lk.a))]
        e.links.append(lk)
        e.sources += [lk.source] if lk.source not in e.sources else []
    for p in pairs:
        e = entries[root(zh_key(p.zh))]
        e.occurrences.append(Occurrence(p.zh, p.article, p.passage, p.offset))
        e.person |= p.person
    return Glossary(list(entries.values()))


@dataclass
class Glossary:
    """Entries of linked variants, found by any member (and by surname for people)."""

    entries: list[Entry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_key: dict[str, Entry] = {}
        self._by_surname: dict[str, list[Entry]] = {}
        for e in self.entries:
            e.sources.sort(key=SOURCES.index)
            for m in e.members():
                self._by_key.setdefault(term_key(m), e)
            for g in e.glosses if e.person else []:
                if NAME_GLOSS.match(g):
                    self._by_surname.setdefault(en_key(g.split()[-1]), []).append(e)

    def find(self, term: str) -> list[Entry]:
        """Return the entries a query names: any member, or the surname of a glossed person.

        A lone English word matches only as a person's surname, so "Putin" expands
        but "Triangle" (from "Lublin Triangle") does not.
        """
        k = term_key(term)
        if k in self._by_key:
            return [self._by_key[k]]
        return list(self._by_surname.get(k, []))

    def explain(self, term: str, dictionary: bool = False) -> list[Expansion]:
        """List the terms to OR into a query for ``term``, each with the evidence that links them."""
        seen = {term_key(term)}
        out: list[Expansion] = []
        for e in self.find(term):
            paths = _paths(e, term)
            for m in e.members():
                if term_key(m) not in seen:
                    seen.add(term_key(m))
                    out.append(Expansion(m, *paths[term_key(m)]))
        for s in suggest(term) if dictionary else []:
            if s.exact and term_key(s.term) not in seen:
                seen.add(term_key(s.term))
                out.append(Expansion(s.term, "cedict", f"CC-CEDICT {s.traditional} [{s.pinyin}] {s.definition}"))
        return out

    def expand(self, term: str, dictionary: bool = False) -> list[str]:
        """Return the other names of ``term`` to OR into a query (script variants left out).

        ``dictionary=True`` adds CC-CEDICT translations, which are suggestions, not evidence.
        """
        return [x.term for x in self.explain(term, dictionary)]

    def to_dict(self) -> dict:
        """Return the JSON-ready dict stored in the index and served at /glossary."""
        return {"version": 1, "entries": [asdict(e) for e in self.entries]}

    def to_json(self) -> str:
        """Serialize for ``glossary.json`` in the index directory."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str, name: str = "glossary.json") -> Glossary:
        """Rebuild a glossary from :meth:`to_json` output."""
        try:
            entries = [
                Entry(
                    e["id"], e["terms_zh"], e["glosses"], [Occurrence(**o) for o in e["occurrences"]],
                    e["sources"], e["person"], [Link(**lk) for lk in e["links"]],
                )
                for e in json.loads(text)["entries"]
            ]
        except (ValueError, KeyError, TypeError) as exc:
            raise IndexStateError(f"{name}: damaged glossary ({exc.__class__.__name__}); rebuild the index") from None
        return cls(entries)

    def to_csv(self) -> str:
        """Export one row per entry: Chinese forms, glosses, sources, occurrences."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["id", "terms_zh", "glosses", "sources", "occurrences"])
        for e in self.entries:
            occ = "; ".join(dict.fromkeys(f"{o.article}/{o.passage}" for o in e.occurrences))
            w.writerow([e.id, " | ".join(e.terms_zh), " | ".join(e.glosses), " ".join(e.sources), occ])
        return buf.getvalue()


def _paths(e: Entry, query: str) -> dict[str, tuple[str, str]]:
    """Walk the entry's links from the query (mined evidence first) to every member."""
    names = {term_key(m): m for m in e.members()}
    start = term_key(query)
    if start not in names:  # a surname: start from the full name
        start = next(term_key(g) for g in e.glosses if en_key(g.split()[-1]) == start)
    adj: dict[str, list[tuple[str, Link]]] = {}
    for lk in sorted(e.links, key=lambda lk: SOURCES.index(lk.source)):
        adj.setdefault(term_key(lk.a), []).append((term_key(lk.b), lk))
        adj.setdefault(term_key(lk.b), []).append((term_key(lk.a), lk))
    out = {start: ("mined", names[start])}
    sources: dict[str, set[str]] = {start: set()}
    queue = [start]
    for k in queue:
        for nk, lk in adj.get(k, []):
            if nk not in out:
                sources[nk] = sources[k] | {lk.source}
                src = "+".join(x for x in SOURCES if x in sources[nk])
                out[nk] = (src, f"{out[k][1]} → {names[nk]} [{lk.source} {', '.join(lk.where[:3])}]")
                queue.append(nk)
    return out
