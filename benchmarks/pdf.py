"""PDF input: recovery and speed on journal PDFs typeset by two systems.

The corpus is made here, never committed: articles built from the two seeds
(whole, Simplified with OpenCC, and recombined: other sections, other notes)
typeset with Typst and with the reportlab typesetter of ``tests/``
(embedded TrueType or CID fonts), in one and two columns, page numbers in
the head or the foot, the English title page at the front or the end, at
several body sizes. Each PDF is read back and compared with the article it
was made from (:func:`tests.pdfs.recovery`); extraction + layout is timed as
the processor time of this one process (one core), the best of ``--repeat``.

    python -m benchmarks.pdf [--articles 14] [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def corpus(n: int, seed: int = 13) -> list[tuple[str, object, object, str]]:
    """Return ``n`` (name, article, layout, system) cases, varied deterministically."""
    from opencc import OpenCC

    from indexer.model import Article, Bilingual, Footnote, NoteRef, Paragraph, Section
    from indexer.parse import parse_text
    from tests.pdfs import Layout

    rng = random.Random(seed)
    seeds = [parse_text((ROOT / "seeds" / name).read_text("utf-8"), name[:3])
             for name in ("000_850aca5cf1cb6a75.txt", "003_4c4ea4f00cf2b8a1.txt")]
    t2s = OpenCC("t2s")
    cases = []
    for i in range(n):
        base = seeds[i % 2]
        kind = i % 4
        if kind < 2:
            article = base
        else:  # recombined: a run of sections of seed 000 with notes renumbered, sometimes Simplified
            src = seeds[0]
            start = rng.randrange(0, len(src.sections) - 4)
            keep = src.sections[start:start + 4]
            ids = {s.id for s in keep}
            paras = [p for p in src.paragraphs if p.section in ids]
            notes = {f.n: f for f in src.footnotes}
            article = Article(
                id=f"mix{i}", title=Bilingual(f"{keep[0].title[2:]}之研究", f"A Study of Part {i}"),
                authors=src.authors, abstract=src.abstract, keywords=src.keywords,
                sections=[Section(s.id, s.title, s.level) for s in keep],
                paragraphs=[Paragraph(p.id, p.section, p.text, [NoteRef(r.n, r.at) for r in p.notes])
                            for p in paras],
                footnotes=[Footnote(n, notes[n].text) for n in sorted({r.n for p in paras for r in p.notes})
                           if n in notes])
        simplified = kind == 3
        if simplified:
            article = parse_text(t2s.convert(_as_text(article)), f"s{i}")
        system = "typst" if i % 2 == 0 else "reportlab"
        layout = Layout(columns=1 + (i // 2) % 2, number_at=rng.choice(["head", "foot"]),
                        english_at=rng.choice(["front", "end"]), simplified=simplified,
                        font="cid" if system == "reportlab" and rng.random() < 0.5 else "ttf",
                        body_size=rng.choice([10.0, 10.5, 11.0]), first_page=rng.randrange(1, 300))
        cases.append((f"{i:02d}-{system}-{layout.columns}col", article, layout, system))
    return cases


def _as_text(article) -> str:
    """Write an article as the plain text the text parser reads (to convert it to Simplified)."""
    out = [article.title.zh or ""]
    for a in article.authors:
        out.append(a.name.zh or "")
    if article.abstract.zh:
        out += ["摘要", article.abstract.zh]
    if article.keywords.zh:
        out.append("關鍵詞：" + "、".join(article.keywords.zh))
    sup = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    for s in article.sections:
        out.append(s.title)
        for p in article.paragraphs:
            if p.section == s.id:
                text, pos, parts = p.text, 0, []
                for r in p.notes:
                    parts += [text[pos:r.at], str(r.n).translate(sup)]
                    pos = r.at
                out.append("".join(parts) + text[pos:])
    for f in article.footnotes:
        out.append(f"{str(f.n).translate(sup)} {f.text}")
    return "\n\n".join(out) + "\n"


def run(n: int, repeat: int) -> dict:
    from indexer.ingest.pdf import read_document
    from indexer.parse import parse
    from tests.pdfs import expected, recovery, reportlab_pdf, typst_pdf

    totals: dict[str, list[int]] = {}
    rows = []
    pages = 0
    seconds = 0.0
    for name, article, layout, system in corpus(n):
        data = (typst_pdf if system == "typst" else reportlab_pdf)(article, layout)
        best = float("inf")
        for _ in range(repeat):  # processor time of this process: one core, whatever else runs
            t0 = time.process_time()
            doc = read_document(data, f"{name}.pdf", name)
            got = parse(doc)
            best = min(best, time.process_time() - t0)
        pages += len(doc.pages)
        seconds += best
        counts = recovery(expected(article), got)
        for k, (found, total) in counts.items():
            t = totals.setdefault(k, [0, 0])
            t[0] += found
            t[1] += total
        rows.append({"case": name, "pages": len(doc.pages), "ms": round(best * 1000, 1),
                     **{k: list(v) for k, v in counts.items()}})
    return {"articles": n, "pages": pages, "seconds": round(seconds, 3),
            "pages_per_second": round(pages / seconds, 1),
            "recovery": {k: {"found": f, "total": t, "rate": round(f / t, 4) if t else 1.0}
                         for k, (f, t) in totals.items()},
            "cases": rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=14)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    result = run(args.articles, args.repeat)
    print(f"{result['articles']} articles, {result['pages']} pages: {result['pages_per_second']} pages/s "
          f"(extraction + layout, one core)")
    for k, v in result["recovery"].items():
        print(f"  {k:<10} {v['found']}/{v['total']} = {v['rate']:.2%}")
    for row in result["cases"]:
        bad = {k: v for k, v in row.items() if isinstance(v, list) and v[0] != v[1]}
        print(f"  {row['case']:<24} {row['pages']:>3} pages {row['ms']:>7} ms  {bad or ''}")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
