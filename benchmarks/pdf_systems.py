"""PDF input on the typesetting systems journals use: XeLaTeX (xeCJK) and LibreOffice (a Word-like template).

The journal manuscripts of :mod:`tests.fixtures.pdf.manuscripts` (both seeds,
a law review, a literary history with verse, a decimal-outline IR article
with block quotations, a Simplified-Chinese social-science article, a thesis
chapter) are typeset in several house styles per system — one and two
columns (``twocolumn``, ``multicol``, a two-column Writer section), notes
numbered through or on each page (``1``, ``①``; raised or ``1.``), page
numbers in the head or the foot, running heads over a rule or not, headings
centred, bold, in kai or set like the body, the English title page at the
front or the end, A4 or B5 — and read back. Reported per system: the four
recovery measures of :func:`tests.pdfs.recovery`, reference-list entries, running-head leaks (a
paragraph or note holding the journal name, the issue line or the running
title when the article's own text does not) and paragraphs whose page label
is wrong. PDFs are cached by the hash of their source in ``--cache``, so a
second run only parses. Time is extraction + layout, one core.

    python -m benchmarks.pdf_systems [--systems xelatex libreoffice] [--cache DIR] [--json out.json] [-v]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache" / "pdf-systems"


def styles() -> dict[str, dict[str, object]]:
    """Return the house styles of each system, by name."""
    from tests.fixtures.pdf.latex import TexStyle
    from tests.fixtures.pdf.office import OfficeStyle

    return {
        "xelatex": {
            "article": TexStyle(),
            "twocolumn": TexStyle(columns="twocolumn", notes="dot", number_at="head", english_at="end",
                                  journal="臺灣政治學刊", issue="第27卷第1期"),
            "multicol": TexStyle(columns="multicol", headings="bold", low_headings="plain", english_at="end",
                                 cjk="AR PL UMing TW", spread=1.5),
            "b5-kai": TexStyle(paper="b5paper", headings="kai", notes="hang", url="tt", affiliation="note",
                               indent_first=False, size=10, spread=1.5, number_at="head", journal="東吳政治學報",
                               issue="第40卷第2期", first_page=1),
            "perpage": TexStyle(per_page=True, cjk="AR PL UMing TW", size=12, spread=1.6, english_at="end",
                                quote_font="same", journal="中國大陸研究", issue="第66卷第4期", first_page=233),
            "twocolumn-perpage": TexStyle(columns="twocolumn", per_page=True, headings="kai", number_at="head",
                                          paper="a4paper", size=10, journal="遠景基金會季刊", issue="第25卷第3期"),
            "circled-plain": TexStyle(circled=True, per_page=True, low_headings="plain", head_rule=False,
                                      head_size="normal", number_at="foot-outer", size=11, spread=1.45,
                                      cjk="Noto Serif CJK TC", journal="社会科学研究", issue="2019年第3期"),
            "b5-twocolumn-tight": TexStyle(paper="b5paper", columns="twocolumn", columnsep=1.0, size=9.5, spread=1.3,
                                           notes="hang", english_at="end", indent_first=False, quote_font="same",
                                           journal="人文及社會科學集刊", issue="第36卷第2期", first_page=201),
            "loose-12pt": TexStyle(size=12, spread=1.8, headings="bold", notes="dot", affiliation="note",
                                   url="tt", number_at="head", head_rule=False, journal="思與言", issue="第61卷第1期",
                                   first_page=7),
        },
        "libreoffice": {
            "word": OfficeStyle(),
            "word-2col": OfficeStyle(columns=2, number_at="head", english_at="end", note_number="dot",
                                     size=10.5, journal="政治科學論叢", issue="第98期"),
            "word-circled": OfficeStyle(per_page=True, note_format="①", indent="spaces", spacing="20pt", size=10.5,
                                        journal="社会科学研究", issue="2019年第3期", first_page=45),
            "word-b5": OfficeStyle(paper="b5", cjk="Noto Serif CJK TC", head_rule=False, english_at="end", size=10.5,
                                   spacing="140%", journal="歐美研究", issue="第54卷第1期", first_page=1),
            "word-2col-perpage": OfficeStyle(columns=2, per_page=True, spacing="130%", size=10,
                                             heading_font="AR PL UMing TW", number_at="head"),
            "word-plain-headings": OfficeStyle(low_headings="plain", head_size=0, head_rule=False, note_rule=100,
                                               english_at="end", journal="臺大法學論叢", issue="第52卷第4期",
                                               first_page=1201),
            "word-kai-dot": OfficeStyle(note_number="dot", cjk="Noto Serif CJK TC", heading_font="AR PL KaitiM Big5",
                                        spacing="18pt", size=11, number_at="head", paper="b5", first_page=33),
            "word-2col-circled": OfficeStyle(columns=2, per_page=True, note_format="①", indent="spaces", size=10.5,
                                             spacing="140%", english_at="end", journal="当代中国研究",
                                             issue="第31卷第2期"),
        },
    }


def typeset(system: str, ms, style, cache: Path) -> bytes:
    """Return the PDF of a manuscript in a style, from the cache when its source is unchanged."""
    from tests.fixtures.pdf.latex import latex_pdf, latex_source
    from tests.fixtures.pdf.office import fodt_source, office_pdf

    source = latex_source(ms, style) if system == "xelatex" else fodt_source(ms, style)
    maker = ROOT / "tests" / "fixtures" / "pdf" / ("latex.py" if system == "xelatex" else "office.py")
    key = hashlib.sha256(f"{system}\n{maker.read_text('utf-8')}\n{source}".encode()).hexdigest()[:20]
    path = cache / f"{key}.pdf"
    if path.exists():
        return path.read_bytes()
    data = latex_pdf(ms, style) if system == "xelatex" else office_pdf(ms, style)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def leaks(got, want, style) -> int:
    """Count paragraphs and notes that hold running-head text the article's own text does not."""
    from tests.pdfs import squash

    heads = [squash(h) for h in (style.journal, style.issue, want.title.zh or "") if h]
    own = [squash(p.text) for p in want.paragraphs] + [squash(f.text) for f in want.footnotes]
    texts = [squash(p.text) for p in got.paragraphs] + [squash(f.text) for f in got.footnotes]
    return sum(1 for t in texts for h in heads if h in t and not any(h in o for o in own))


def wrong_labels(got, style) -> int:
    """Count paragraphs whose printed page number is not the one of their page."""
    first = style.first_page
    return sum(1 for p in got.paragraphs if p.page_label != str(first + p.page - 1))


def run(systems: list[str], cache: Path, verbose: bool = False) -> dict:
    """Typeset every manuscript in every style of ``systems``, read each back, and total the measures."""
    from indexer.ingest.pdf import read_document
    from indexer.parse import parse
    from tests.fixtures.pdf.manuscripts import manuscripts, truth
    from tests.pdfs import recovery, squash

    out: dict = {}
    papers = manuscripts()
    for system in systems:
        totals: dict[str, list[int]] = {}
        cases, pages, seconds = [], 0, 0.0
        for style_name, style in styles()[system].items():
            for ms in papers:
                if system == "xelatex" and style.columns == "multicol" and style.per_page:
                    continue  # footmisc perpage misnumbers notes under multicol
                data = typeset(system, ms, style, cache)
                t0 = time.process_time()
                got = parse(read_document(data, f"{ms.name}.pdf", ms.name))
                seconds += time.process_time() - t0
                want = truth(ms)
                n_pages = len(read_document(data, "x.pdf", "x").pages)
                pages += n_pages
                counts = recovery(want, got)
                refs = {squash(r.text) for r in got.references}
                counts["references"] = (sum(squash(r) in refs for r in ms.references), len(ms.references))
                counts["leaks"] = (leaks(got, want, style), 0)
                counts["labels"] = (len(got.paragraphs) - wrong_labels(got, style), len(got.paragraphs))
                for k, (found, total) in counts.items():
                    t = totals.setdefault(k, [0, 0])
                    t[0] += found
                    t[1] += total
                cases.append({"case": f"{style_name}/{ms.name}", "pages": n_pages,
                              **{k: list(v) for k, v in counts.items()}})
                if verbose:
                    bad = {k: v for k, v in counts.items() if (v[0] > 0 if k == "leaks" else v[0] != v[1])}
                    print(f"  {system:<11} {style_name + '/' + ms.name:<44} {bad or 'ok'}", flush=True)
        out[system] = {"documents": len(cases), "pages": pages,
                       "pages_per_second": round(pages / seconds, 1) if seconds else 0.0,
                       "recovery": {k: {"found": f, "total": t, "rate": round(f / t, 4) if t else 1.0}
                                    for k, (f, t) in totals.items()},
                       "cases": cases}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--systems", nargs="*", default=["xelatex", "libreoffice"])
    ap.add_argument("--cache", type=Path, default=CACHE)
    ap.add_argument("--json", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    missing = [s for s in args.systems if not shutil.which({"xelatex": "xelatex"}.get(s, "soffice"))]
    if missing:
        print(f"not installed: {', '.join(missing)} (texlive-xetex, libreoffice-writer-nogui)", file=sys.stderr)
        return 1
    result = run(args.systems, args.cache, args.verbose)
    for system, r in result.items():
        print(f"{system}: {r['documents']} documents, {r['pages']} pages, {r['pages_per_second']} pages/s")
        for k, v in r["recovery"].items():
            if k == "leaks":
                print(f"  {'leaks':<11} {v['found']}")
            else:
                print(f"  {k:<11} {v['found']}/{v['total']} = {v['rate']:.2%}")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
