"""The ``jiansuo`` command line: a thin click layer over the library.

Each command calls one library function, most of them on an index
:class:`~indexer.backends.Backend`; library errors (``JiansuoError``) become
one-line ``click.ClickException`` messages and a non-zero exit.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from indexer import __version__
from indexer.errors import JiansuoError


def _fail(err: JiansuoError) -> click.ClickException:
    return click.ClickException(str(err))


def reports_errors(f):
    """Turn the library's errors into one-line messages and exit status 1."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except JiansuoError as err:
            raise _fail(err) from err

    return wrapper


def _echo_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jiansuo")
def main() -> None:
    """Search Chinese-language academic articles in Traditional, Simplified Chinese or English."""


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@reports_errors
def parse(file: Path, as_json: bool) -> None:
    """Parse one article FILE and print its structure."""
    from indexer.parse import parse_file

    article = parse_file(file)
    if as_json:
        _echo_json(article.to_dict())
        return
    click.echo(f"{article.id}: {article.title.zh or ''} / {article.title.en or ''}")
    click.echo(
        f"  {len(article.sections)} sections, {len(article.paragraphs)} paragraphs, "
        f"{len(article.footnotes)} notes" + (f", {len(article.references)} references" if article.references else "")
    )
    for fn in article.footnotes:
        for problem in fn.problems:
            click.echo(f"  note {fn.n}: {problem}")
    for warning in article.warnings:
        click.echo(f"  warning: {warning}")


def index_option(f):
    """Add the shared ``--index DIR`` option."""
    return click.option(
        "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
        default=None, help="Index directory (default: $JIANSUO_INDEX or .jiansuo/index).",
    )(f)


def backend_option(f):
    """Add the shared ``--backend LOCATION`` option."""
    return click.option(
        "--backend", "backend_location", default=None, metavar="LOCATION",
        help="Index to use: a folder, or an OpenSearch cluster as opensearch+http://HOST:9200/PREFIX "
             "(default: $JIANSUO_BACKEND, else --index).",
    )(f)


def _backend(index_dir: Path | None, location: str | None = None):
    """Open the index named by ``--backend`` or ``--index`` (default: the ``backend``, then ``index`` setting)."""
    from indexer.backends import open_backend

    return open_backend(location or index_dir)


def run_index(backend, paths: list[Path], wait: float = 0.0, quiet: bool = False, repair: bool = False):
    """Index ``paths`` with a progress bar on a terminal; print a per-file error report."""
    from indexer.ingest import discover

    def notify(line: str) -> None:
        click.echo(line, err=True)

    if sys.stderr.isatty() and not quiet:
        files = discover(paths).files
        with click.progressbar(length=len(files), label="Indexing", file=sys.stderr,
                               show_pos=True, item_show_func=lambda p: p and p.name) as bar:
            report = backend.index(paths, progress=lambda p: bar.update(1, p), wait=wait, repair=repair,
                                   notify=notify)
    else:
        report = backend.index(paths, wait=wait, repair=repair, notify=notify)
    for err in report.errors:
        click.echo(f"error: {err.message}", err=True)
    for skipped in report.skipped:
        click.echo(f"skipped: {skipped.message}", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not quiet:
        click.echo(
            f"{len(report.added)} added, {len(report.updated)} updated, "
            f"{len(report.removed)} removed, {len(report.unchanged)} unchanged, "
            f"{len(report.errors)} failed" + (f", {len(report.skipped)} skipped" if report.skipped else "")
            + f" in {report.seconds:.2f}s -> {backend.location}",
            err=True,
        )
    return report


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
@backend_option
@click.option("--wait", type=float, default=0.0, show_default=True,
              help="Seconds to wait for another indexer to finish.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--repair", is_flag=True, help="Verify every file's checksum first and rebuild what is damaged.")
@reports_errors
def index(paths: tuple[Path, ...], index_dir: Path | None, backend_location: str | None, wait: float,
          as_json: bool, repair: bool) -> None:
    """Index article files or folders (default: seeds/), incrementally.

    Unchanged files are skipped, changed files replaced, deleted files removed.
    A bad file is reported and skipped; the exit status is 1 if any file failed.
    A damaged index is rebuilt from its intact parts or its source files.
    """
    from indexer import settings

    if not paths and (index_dir is not None or backend_location is not None):
        where = f"--backend {backend_location}" if backend_location else f"--index {index_dir}"
        raise click.UsageError("no files or folders given; say what to index, "
                               f"e.g. `jiansuo index ~/articles {where}` "
                               "(only the default index is filled with the demo articles in seeds/)")
    targets = list(paths) or [settings.seeds_dir()]
    with _backend(index_dir, backend_location) as backend:
        report = run_index(backend, targets, wait=wait, quiet=as_json, repair=repair)
    if as_json:
        _echo_json(report.to_dict())
    if not report.ok:
        sys.exit(1)


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("words", metavar="QUERY", nargs=-1, required=True)
@index_option
@backend_option
@click.option("--limit", "-n", type=click.IntRange(1), default=10, show_default=True,
              help="Hits per page (at most the max_page_size setting).")
@click.option("--page", type=click.IntRange(1), default=1, show_default=True, help="Page of hits.")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance", show_default=True,
              help="Order: best match first, or by the article's date.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (JSON Lines when QUERY is -).")
@click.option("--no-expand", is_flag=True, help="Do not expand names and variants from the glossary.")
@click.option("--all", "match_all", is_flag=True,
              help="Only passages holding every word (default: best match, passages with every word first).")
@click.option("--show-query", is_flag=True, help="Print the parsed query tree and stop.")
@reports_errors
def search(words: tuple[str, ...], index_dir: Path | None, backend_location: str | None, limit: int, page: int,
           sort: str, as_json: bool, no_expand: bool, match_all: bool, show_query: bool) -> None:
    """Search the index for QUERY (words; - reads one query per line from stdin).

    Examples: 俄罗斯 外交, '"俄關係"', Putin, source:state.gov, title:拜登 year:2007,
    拜登與普京在哪裡會晤？, 俄羅斯 -蒲亭 (a word after - is left out).
    """
    from indexer import settings
    from indexer.search.query import parse_query

    query = " ".join(words)
    if show_query:
        click.echo(repr(parse_query(query)))
        return
    most = settings.get_int("max_page_size")
    if limit > most:
        click.echo(f"note: showing {most} hits per page, the most one page holds (max_page_size)", err=True)
    mode = "all" if match_all else "best"
    options = dict(limit=limit, page=page, expand=not no_expand, mode=mode, sort=sort)
    with _backend(index_dir, backend_location) as backend:
        if query == "-":
            for line in sys.stdin:
                line = line.rstrip("\n")
                if line.strip():
                    click.echo(json.dumps(backend.search(line, **options).to_dict(), ensure_ascii=False))
            return
        result = backend.search(query, **options)
    if as_json:
        _echo_json(result.to_dict())
    else:
        _print_result(result)
    if not result.error and result.total and not result.hits:
        last = -(-result.total // result.limit)
        click.echo(f"note: page {page} is past the last page ({last}) of {result.total} passages", err=True)
    if result.error:
        sys.exit(2)


@main.command()
@index_option
@backend_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=None, type=int, help="Worker threads (default: the threads setting, 8).")
@click.option("--debug", is_flag=True, help="Use Flask's debug server (reloader, tracebacks).")
@reports_errors
def serve(index_dir: Path | None, backend_location: str | None, host: str, port: int, threads: int,
          debug: bool) -> None:
    """Serve the search web site; index seeds/ first if there is no index yet."""
    from indexer import settings
    from web import create_app, serve_hosts, warm_up
    from web.server import bound_port, make_server

    backend = _backend(index_dir, backend_location)
    app = create_app({"BACKEND": backend, "SERVE_HOSTS": serve_hosts(host, port)})
    server = None if debug else make_server(app, host, port, threads or settings.get_int("threads"))
    if not backend.exists():  # after binding: a port in use fails at once
        click.echo(f"No index in {backend.location} yet: indexing {settings.seeds_dir()} first.", err=True)
        run_index(backend, [settings.seeds_dir()])
    if server is None:
        click.echo(f"Serving {backend.location} on http://{host}:{port}/ (debug)", err=True)
        app.run(host=host, port=port, debug=True)
        return
    if port == 0:
        app.config["SERVE_HOSTS"] = serve_hosts(host, bound_port(server))
    warm_up(app)
    click.echo(f"Serving {backend.location} on http://{host}:{bound_port(server)}/", err=True)
    server.run()


@main.command()
@index_option
@backend_option
@reports_errors
def check(index_dir: Path | None, backend_location: str | None) -> None:
    """Verify every file of the index against its checksum; one line per problem."""
    with _backend(index_dir, backend_location) as backend:
        problems = backend.check()
    for line in problems:
        click.echo(f"error: {line}", err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s); `jiansuo index --repair` rebuilds what is damaged", err=True)
        sys.exit(1)
    click.echo(f"{backend.location}: every file matches its checksum", err=True)


@main.command()
@click.argument("article_ids", metavar="ID...", nargs=-1, required=True)
@index_option
@backend_option
@click.option("--wait", type=float, default=0.0, show_default=True,
              help="Seconds to wait for another indexer to finish.")
@reports_errors
def remove(article_ids: tuple[str, ...], index_dir: Path | None, backend_location: str | None,
           wait: float) -> None:
    """Remove articles from the index by ID (the file name without its suffix)."""
    with _backend(index_dir, backend_location) as backend:
        gone = backend.remove(article_ids, wait=wait)
    for aid in article_ids:
        if aid not in gone:
            click.echo(f"error: no article {aid!r} in the index; list them with `jiansuo search title:…` "
                       "or at /articles", err=True)
    click.echo(f"{len(gone)} removed -> {backend.location}", err=True)
    if len(gone) < len(set(article_ids)):
        sys.exit(1)


@main.command()
@click.argument("query", required=False, default="")
@index_option
@backend_option
@click.option("--json", "as_json", is_flag=True, help="Print the sources as JSON.")
@reports_errors
def sources(query: str, index_dir: Path | None, backend_location: str | None, as_json: bool) -> None:
    """List the sources cited in the footnotes, with the sentences citing them.

    QUERY matches authors, titles, publishers and URLs or domains (e.g. state.gov, 鄭羽).
    """
    from indexer.search.query import check_length
    from indexer.sources import search_sources

    with _backend(index_dir, backend_location) as backend:
        found = search_sources(backend.sources(), check_length(query))
    if as_json:
        _echo_json([src.to_dict() for src in found])
        return
    for src in found:
        c = src.citation
        who = ", ".join(c.authors) or c.domain or ""
        click.echo(f"{src.key}  {who}  {c.title or c.url or c.raw}  "
                   f"(cited in {src.n_articles} article(s), {src.n_notes} note(s))")
        for cite in src.citing:
            place = f"reference {cite.reference}" if cite.reference else f"note {cite.n}"
            where = f"{cite.article_id} {place}" + (f", {cite.locator}" if cite.locator else "")
            click.echo(f"    {where}: {cite.sentence}")
    click.echo(f"{len(found)} source(s)", err=True)


EXPORT_FORMATS = ("bibtex", "ris", "csl")


@main.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(EXPORT_FORMATS))
@index_option
@backend_option
@click.option("--source", "source_key", help="Export one source (its key from `jiansuo sources`).")
@click.option("--article", "article_id", help="Export the references of one article.")
@click.option("--cite", "cite_id", help="Export the citation of one article itself (to cite it).")
@click.option("--query", default=None, help="Export the sources matching a sources query.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to a file (UTF-8) instead of standard output.")
@reports_errors
def export(fmt: str, index_dir: Path | None, backend_location: str | None, source_key: str | None,
           article_id: str | None, cite_id: str | None, query: str | None, output: Path | None) -> None:
    """Export references as BibTeX, RIS or CSL-JSON (all sources unless narrowed)."""
    from indexer.search.query import check_length
    from indexer.sources import find_source, search_sources
    from indexer.sources.cite import article_citation
    from indexer.sources.export import citations_of, to_bibtex, to_csl_json, to_ris

    with _backend(index_dir, backend_location) as backend:
        if cite_id:
            article = backend.article(cite_id)
            if article is None:
                raise click.ClickException(f"no article {cite_id!r} in the index; see `jiansuo search`")
            items = article_citation(article)
        elif article_id:
            items = backend.article(article_id)
            if items is None:
                raise click.ClickException(f"no article {article_id!r} in the index; see `jiansuo search`")
        elif source_key:
            items = find_source(backend.sources(), source_key)
            if items is None:
                raise click.ClickException(f"no source {source_key!r}; list keys with `jiansuo sources`")
        else:
            items = search_sources(backend.sources(), check_length(query or ""))
    if not citations_of(items):
        what = f"article {article_id} cites no sources" if article_id else "no source matches"
        raise click.ClickException(f"nothing to export: {what}")
    text = {"bibtex": to_bibtex, "ris": to_ris, "csl": to_csl_json}[fmt](items)
    if output:
        output.write_text(text, "utf-8")
    else:
        click.echo(text)


@main.command()
@click.argument("term", required=False)
@index_option
@backend_option
@click.option("--json", "as_json", is_flag=True, help="Print the glossary as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the glossary as CSV.")
@click.option("--dictionary", is_flag=True, help="With TERM: add CC-CEDICT suggestions.")
@reports_errors
def glossary(term: str | None, index_dir: Path | None, backend_location: str | None, as_json: bool,
             as_csv: bool, dictionary: bool) -> None:
    """Show the term pairs mined from the articles and the variant table.

    With TERM, show what a search for it expands to, and why.
    """
    from indexer.search.query import check_length

    with _backend(index_dir, backend_location) as backend:
        g = backend.glossary()
    if term:
        check_length(term)
        found = g.explain(term, dictionary=dictionary)
        if not found and not g.find(term) and not as_json:
            click.echo(f"no glossary entry for {term}; the glossary holds {len(g.entries)} entries "
                       "(`jiansuo glossary` lists them; --dictionary adds CC-CEDICT suggestions)", err=True)
        if as_json:
            _echo_json([{"term": e.term, "source": e.source, "why": e.why} for e in found])
        for e in [] if as_json else found:
            click.echo(f"{e.term}\t{e.source}\t{e.why}")
        if dictionary and not as_json:
            from indexer.crosslang.variants import suggest

            for sug in suggest(term):
                click.echo(f"suggestion: {sug.traditional} / {sug.simplified} ({sug.pinyin}): "
                           f"{sug.definition}")
        return
    if as_csv:
        click.echo(g.to_csv(), nl=False)
    elif as_json:
        _echo_json(g.to_dict())
    else:
        for e in g.entries:
            click.echo(" / ".join(e.terms_zh + e.glosses))


@main.command()
@click.argument("phrase")
@index_option
@backend_option
@click.option("--width", default=20, show_default=True, help="Characters of context on each side.")
@click.option("--sort", "order", type=click.Choice(["position", "left", "right"]), default="position",
              show_default=True, help="Order by position, left context (read backwards) or right context.")
@click.option("--json", "as_json", is_flag=True, help="Print the lines as JSON.")
@reports_errors
def concordance(phrase: str, index_dir: Path | None, backend_location: str | None, width: int, order: str,
                as_json: bool) -> None:
    """Show every occurrence of PHRASE in the index with its left and right context."""
    from indexer.search.concordance import format_line
    from indexer.search.query import check_length

    with _backend(index_dir, backend_location) as backend:
        kwic = backend.concordance(check_length(phrase), order, width)
    if as_json:
        _echo_json({"phrase": phrase, "counts": kwic.counts, "lines": kwic.to_dict()["lines"]})
        return
    for x in kwic.lines:
        click.echo(f"{x.article} {x.passage:>6}  {format_line(x, width)}")
    click.echo(f"{kwic.total} occurrence(s): "
               + ", ".join(f"{a} {n}" for a, n in kwic.counts.items()), err=True)


def _print_result(result) -> None:
    """Print hits for a terminal: title, passage, plain snippet with 【】 around matches."""
    from indexer.search.highlight import BracketFormatter, snippet

    if result.error:
        click.echo(f"error: {result.error}", err=True)
        return
    some = f", {result.total_all} with every word" if result.total_all < result.total else ""
    click.echo(f"{result.total} passages{some} ({result.took_ms:.1f} ms)")
    if result.suggestions:
        click.echo("did you mean: " + " | ".join(result.suggestions))
    if result.expanded:
        click.echo("also searched: " + ", ".join(result.expanded))
    if result.ignored:
        click.echo("left out (query too long): " + ", ".join(result.ignored))
    for h in result.hits:
        text = snippet(h.text, h.spans, formatter=BracketFormatter())
        click.echo(f"\n{h.title}  [{h.article}#{h.passage}, {h.kind}]  {h.score:.2f}")
        if h.section:
            click.echo(f"  {h.section}")
        click.echo("  " + text.replace("\n", " ") + (f"  (missing: {', '.join(h.missing)})" if h.missing else ""))


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
