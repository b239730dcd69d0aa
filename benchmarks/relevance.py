"""Relevance on DRCD: does a question, or the terms a person would type for it, find its paragraph?

DRCD (Delta Reading Comprehension Dataset, CC BY-SA 3.0) holds Traditional-
Chinese Wikipedia paragraphs and questions each written about one paragraph.
Every paragraph is indexed; every question is asked in three styles:

* ``pasted`` -- the question exactly as written;
* ``typed`` -- the few terms a person would type for it: the question's
  content words (jieba words tagged as nouns, verbs, adjectives, numbers or
  foreign words; question words such as 哪一條 and counted words without a
  digit such as 一座 dropped), the three rarest in the collection, in the
  question's order, separated by spaces;
* ``typed-simplified`` -- the same terms converted to Simplified by OpenCC;
* ``typed-random`` -- a harsher check: three of the question's content words
  drawn at random (fixed seed), rare or not.

Each engine returns its top 10 paragraphs; we report MRR@10, recall@1,
recall@10 and the share of queries with no hit. Peers, in the same run:
tantivy BM25 over jieba words (query words ORed) and tantivy BM25 over single
Han characters (ORed). The data is read from where it lies (default
``/work/shared/data/drcd/DRCD_dev.json``, or ``--data``/``$JIANSUO_DRCD``);
nothing of it is copied into the repository.

>>> metrics([1, None, 3, 11])
{'queries': 4, 'mrr@10': 0.3333, 'recall@1': 0.25, 'recall@10': 0.5, 'no_hit': 0.0}
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_DATA = Path(os.environ.get("JIANSUO_DRCD", "/work/shared/data/drcd/DRCD_dev.json"))
STYLES = ("pasted", "typed", "typed-simplified", "typed-random")
SEED = 3
TYPED_TERMS = 3
CONTENT_TAGS = ("n", "v", "a", "m", "eng", "j", "i", "l")  # POS prefixes a person types
QUESTION_WORDS = frozenset(
    "什么 什麼 哪 哪个 哪個 哪些 哪里 哪裡 哪一 谁 誰 何 何时 何時 何处 何處 如何 为何 為何 为什么 為什麼 "
    "是否 吗 嗎 多少 几 幾 怎么 怎麼 怎样 怎樣 呢 是 有 为 為 被 称为 稱為 叫做 名为 名為 位于 位於".split())
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    doc: int  # index of the article in the data
    para: int  # index of the paragraph in the article


@dataclass
class Drcd:
    titles: list[str]
    paragraphs: list[list[str]]
    questions: list[Question]


def load(path: Path = DEFAULT_DATA) -> Drcd:
    """Read a DRCD JSON file (``data[].paragraphs[].context/.qas[].question``)."""
    data = json.loads(Path(path).read_text("utf-8"))["data"]
    titles, paras, questions = [], [], []
    for d, art in enumerate(data):
        titles.append(art["title"])
        paras.append([p["context"] for p in art["paragraphs"]])
        for k, p in enumerate(art["paragraphs"]):
            questions.extend(Question(q["id"], q["question"], d, k) for q in p["qas"])
    return Drcd(titles, paras, questions)


def metrics(ranks: Iterable[int | None | float], no_hit: int = 0) -> dict:
    """Return MRR@10, recall@1, recall@10 and the no-hit share from 1-based ranks (None: not found)."""
    ranks = list(ranks)
    n = max(len(ranks), 1)
    found = [r for r in ranks if r is not None and r <= 10]
    return {"queries": len(ranks), "mrr@10": round(sum(1 / r for r in found) / n, 4),
            "recall@1": round(sum(r == 1 for r in found) / n, 4),
            "recall@10": round(len(found) / n, 4), "no_hit": round(no_hit / n, 4)}


# ---------------------------------------------------------------- queries


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _fold(text: str) -> str:
    from indexer.analysis import fold

    return fold(text)


class TermPicker:
    """Pick the terms a person would type for a question: its rarest content words."""

    def __init__(self, paragraphs: Iterable[str]):
        import jieba

        jieba.setLogLevel(60)
        self.df: Counter = Counter()
        self.n = 0
        for p in paragraphs:
            self.n += 1
            self.df.update(set(jieba.cut(_fold(p))))

    def content_words(self, question: str) -> list[tuple[int, str, str]]:
        """Return (offset, word as written, folded word) for each distinct content word of ``question``."""
        import jieba.posseg

        folded = _fold(question)  # same length: offsets point into the question
        words, at = [], 0
        for w in jieba.posseg.cut(folded):
            start = folded.index(w.word, at)
            at = start + len(w.word)
            if (w.flag.startswith(CONTENT_TAGS) and w.word not in QUESTION_WORDS
                    and not w.word.startswith(("哪", "几", "多少"))  # 哪一條, 幾個: questions
                    and not (w.flag == "m" and not re.search(r"\d", w.word))  # 一座, 一個: no number
                    and len(w.word) > 1 and w.word.strip()):
                words.append((start, question[start:at], w.word))
        seen, unique = set(), []
        for start, orig, key in words:
            if key not in seen:
                seen.add(key)
                unique.append((start, orig, key))
        return unique

    def pick(self, question: str, k: int = TYPED_TERMS, rng: random.Random | None = None) -> str:
        """Return ``k`` content words of ``question`` in its order: the rarest, or drawn with ``rng``."""
        words = self.content_words(question)
        if rng is not None:
            chosen = rng.sample(words, k) if len(words) > k else words
        else:
            chosen = sorted(words, key=lambda x: (self.df[x[2]], x[0]))[:k]
        return " ".join(orig for _s, orig, _k in sorted(chosen))


def queries(data: Drcd, picker: TermPicker, style: str) -> list[str]:
    """Return one query per question in ``style``."""
    if style == "pasted":
        return [q.text for q in data.questions]
    if style == "typed-random":
        rng = random.Random(SEED)
        return [picker.pick(q.text, rng=rng) or q.text for q in data.questions]
    typed = [picker.pick(q.text) or q.text for q in data.questions]
    if style == "typed":
        return typed
    return [_t2s().convert(t) for t in typed]


# ---------------------------------------------------------------- engines


class Jiansuo:
    """jiansuo through the local backend: one article file per Wikipedia article, paragraphs only returned."""

    name = "jiansuo"

    def open(self, folder: Path):
        from indexer.backends.local import LocalBackend

        return LocalBackend(folder / "index")

    def build(self, data: Drcd, folder: Path) -> None:
        files = folder / "articles"
        files.mkdir(parents=True)
        for d, (title, paras) in enumerate(zip(data.titles, data.paragraphs)):
            (files / f"d{d:04d}.txt").write_text(title + "\n\n" + "\n\n".join(paras) + "\n", "utf-8")
        self.backend = self.open(folder)
        report = self.backend.index([files])
        if not report.ok:
            raise RuntimeError(f"jiansuo could not index DRCD: {report.errors[:3]}")
        self.where = {}  # (article, passage id) -> (doc, paragraph), matched by text
        for art in self.backend.articles():
            d = int(art.id[1:])
            index = {p: k for k, p in enumerate(data.paragraphs[d])}
            for p in art.paragraphs:
                if p.text in index:
                    self.where[(art.id, p.id)] = (d, index[p.text])

    def search(self, q: str) -> list[tuple[int, int]] | None:
        r = self.backend.search(q, limit=10, expand=False, filters={"kind": "paragraph"})
        if r.error:
            return None
        return [self.where.get((h.article, h.passage), (-1, -1)) for h in r.hits]

    def close(self) -> None:
        self.backend.close()


class JiansuoOpenSearch(Jiansuo):
    """jiansuo through the OpenSearch backend: a node of its own (``tests/opensearch_node.py``), one shard."""

    name = "jiansuo-opensearch"

    def open(self, folder: Path):
        from contextlib import ExitStack

        from indexer.backends.opensearch import OpenSearchBackend
        from tests.opensearch_node import start_node

        self.stack = ExitStack()
        node = self.stack.enter_context(start_node(folder / "node"))
        return OpenSearchBackend(f"opensearch+{node.url}/drcd", shards=1, replicas=0)

    def close(self) -> None:
        self.backend.close()
        self.stack.close()


class TantivyPeer:
    """tantivy BM25, query tokens ORed; ``words``: jieba words; ``han1``: single Han characters."""

    def __init__(self, kind: str):
        self.kind = kind
        self.name = f"tantivy-{kind}"

    def tokens(self, text: str) -> list[str]:
        if self.kind == "words":
            import jieba

            return [w.lower() for w in jieba.cut(text) if w.strip() and re.search(r"\w", w)]
        return re.findall(r"[\u3400-\u9fff\uf900-\ufaff]|[0-9a-z]+", text.lower())

    def build(self, data: Drcd, folder: Path) -> None:
        import tantivy

        sb = tantivy.SchemaBuilder()
        sb.add_unsigned_field("doc", stored=True)
        sb.add_unsigned_field("para", stored=True)
        sb.add_text_field("body", stored=False, tokenizer_name="ws")
        schema = sb.build()
        folder.mkdir(parents=True)
        index = tantivy.Index(schema, path=str(folder))
        index.register_tokenizer("ws", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
        writer = index.writer(heap_size=64_000_000, num_threads=1)
        for d, paras in enumerate(data.paragraphs):
            for k, p in enumerate(paras):
                writer.add_document(tantivy.Document(doc=d, para=k, body=" ".join(self.tokens(p))))
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        self.schema, self.searcher = schema, index.searcher()

    def search(self, q: str) -> list[tuple[int, int]] | None:
        import tantivy

        terms = list(dict.fromkeys(self.tokens(q)))
        if not terms:
            return []
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "body", t)) for t in terms])
        out = []
        for _score, addr in self.searcher.search(query, 10).hits:
            doc = self.searcher.doc(addr)
            out.append((doc["doc"][0], doc["para"][0]))
        return out

    def close(self) -> None:
        self.searcher = None


def engines(names: Iterable[str] | None = None, opensearch: bool = False) -> list:
    """Return the engines to compare (peers only if tantivy is installed; OpenSearch if asked for)."""
    out = [Jiansuo()] + ([JiansuoOpenSearch()] if opensearch or (names and "jiansuo-opensearch" in names) else [])
    try:
        import tantivy  # noqa: F401
        out += [TantivyPeer("words"), TantivyPeer("han1")]
    except ImportError:
        pass
    return [e for e in out if names is None or e.name in names]


# ---------------------------------------------------------------- run


def evaluate(engine, data: Drcd, style_queries: dict[str, list[str]]) -> dict:
    """Return the metrics and latency of ``engine`` for every style."""
    out = {}
    for style, qs in style_queries.items():
        ranks, no_hit, times = [], 0, []
        for q, question in zip(qs, data.questions):
            started = time.perf_counter()
            got = engine.search(q)
            times.append(time.perf_counter() - started)
            if not got:
                no_hit += 1
            want = (question.doc, question.para)
            ranks.append(got.index(want) + 1 if got and want in got else None)
        m = metrics(ranks, no_hit)
        times.sort()
        m["p50_ms"] = round(1000 * times[len(times) // 2], 2) if times else None
        m["p95_ms"] = round(1000 * times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)], 2) if times else None
        out[style] = m
    return out


def run(data_path: Path = DEFAULT_DATA, names: Iterable[str] | None = None, sample: int | None = None,
        styles: Iterable[str] = STYLES, results: Path | None = None, opensearch: bool = False) -> dict:
    """Index DRCD in every engine, ask every question in every style, return (and save) the metrics."""
    data = load(data_path)
    if sample:
        step = max(1, len(data.questions) // sample)
        data.questions = data.questions[::step][:sample]
    picker = TermPicker(p for paras in data.paragraphs for p in paras)
    style_queries = {s: queries(data, picker, s) for s in styles}
    result = {"data": str(data_path), "paragraphs": sum(map(len, data.paragraphs)),
              "questions": len(data.questions),
              "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "engines": {}}
    root = Path(tempfile.mkdtemp(prefix="jiansuo-relevance-"))
    try:
        for engine in engines(names, opensearch):
            engine.build(data, root / engine.name)
            try:
                result["engines"][engine.name] = evaluate(engine, data, style_queries)
            finally:
                engine.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if results is not None:
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return result


def section(result: dict) -> list[str]:
    """Return the relevance section of RESULTS.md for one saved run: method, then results."""
    by = result["engines"]
    ours = by.get("jiansuo", {})
    lines = [
        "## Relevance", "",
        f"Date: {result['date']}. Data: DRCD dev split ({result['paragraphs']:,} Traditional-Chinese"
        f" Wikipedia paragraphs, {result['questions']:,} questions; Delta Electronics, CC BY-SA 3.0,"
        " read from where it lies, never copied here). Reproduce: `python -m benchmarks relevance`"
        " (`--data FILE` for another split of the same format).", "",
        "Method: every paragraph is indexed (jiansuo: one article file per Wikipedia article, hits"
        " restricted to paragraphs; tantivy: one document per paragraph). Every question is asked"
        " in four styles: `pasted`, the question as written; `typed`, the three rarest content words"
        " of the question (jieba words tagged noun, verb, adjective, number or foreign word, question"
        " words dropped), in the question's order; `typed-simplified`, those terms in Simplified"
        " (OpenCC); `typed-random`, three content words drawn at random (seed 3), a harsher stand-in"
        " for what people type. A query scores 1/rank if its paragraph is among the top 10 (MRR@10).",
        "Peers, same run: tantivy BM25 over jieba words, query words ORed (`tantivy-words`), and"
        " over single Han characters, ORed (`tantivy-han1`). jiansuo runs with glossary expansion"
        " off, as the peers have none"
        + ("; `jiansuo-opensearch` is the same index and queries in the OpenSearch backend (one node,"
           " one shard, on the same machine)." if "jiansuo-opensearch" in by else "."), "",
    ]
    lines += table(result)
    targets = [("pasted", 0.93), ("typed", 0.85), ("typed-simplified", 0.85)]
    met = []
    for style, goal in targets:
        mine = ours.get(style, {}).get("mrr@10")
        best_peer = max((e[style]["mrr@10"] for n, e in by.items() if n.startswith("tantivy") and style in e),
                        default=None)
        if mine is not None:
            met.append(f"{style}: {mine:.3f} (target {goal}, best peer {best_peer:.3f})")
    no_hit = max((m["no_hit"] for m in ours.values()), default=0)
    lines += ["", "jiansuo: " + "; ".join(met) + f"; most queries without a hit in any style: {100 * no_hit:.1f}%."]
    return lines


def table(result: dict) -> list[str]:
    """Return a Markdown table of ``result``: one row per engine and style."""
    lines = ["| style | engine | MRR@10 | recall@1 | recall@10 | no hit | p50 ms | p95 ms |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    styles = next(iter(result["engines"].values()), {}).keys()
    for style in styles:
        for name, by_style in result["engines"].items():
            m = by_style[style]
            lines.append(f"| {style} | {name} | {m['mrr@10']:.3f} | {m['recall@1']:.3f} | {m['recall@10']:.3f}"
                         f" | {100 * m['no_hit']:.1f}% | {m['p50_ms']} | {m['p95_ms']} |")
    return lines
