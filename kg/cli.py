"""The `kg` command: a thin typer layer over the library (each command parses options and calls one function).

Heavy libraries are imported inside the commands, so `kg --help` stays fast.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from kg.errors import KgError

app = typer.Typer(
    name="kg",
    help="cnkg: turn cloud-native newsletters into a knowledge graph analysts can question.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL of the store (default: $KG_DB, else sqlite:///kg.db).",
                 show_default=False),
]


def _err(message: str) -> None:
    typer.echo(message, err=True)


# --------------------------------------------------------------------------- foundation (issue 2)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Post files and folders of posts.")],
    db: DbOption = None,
    link: Annotated[bool, typer.Option("--link/--no-link", help="Link mentions while ingesting.")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Ingest newsletter posts into the store; unchanged files are skipped, rejected files are reported."""
    from kg.pipeline import ingest as run_ingest
    from kg.progress import file_progress
    from kg.store import Store

    linker = _load_linker() if link else None
    with Store(db) as store, file_progress(disable=quiet) as on_file:
        report = run_ingest(paths, store, linker, on_file=on_file)
    for line in report.rejected:
        _err(f"rejected {line}")
    summary = report.as_dict()
    typer.echo(
        "files: {files} (new {new}, changed {changed}, unchanged {unchanged}, duplicate {duplicate}, "
        "relinked {relinked}, rejected {rejected}); items {items}, mentions {mentions}, "
        "candidates {candidates}, relations {relations}".format(**summary)
    )
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def stats(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Count what the store holds."""
    from kg.store import Store

    with Store(db) as store:
        counts = store.stats()
    if as_json:
        typer.echo(json.dumps(counts, sort_keys=True))
        return
    width = max(len(k) for k in counts)
    for key, value in counts.items():
        typer.echo(f"{key:<{width}}  {value:>9,}")


def _load_linker():  # type: ignore[no-untyped-def]
    from kg.link import Linker

    return Linker.load()


# --------------------------------------------------------------------------- linking (issue 3)


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Post files and folders of posts.")],
    output_format: Annotated[str, typer.Option(
        "--format", help="jsonl (one object per mention) or marked (each post with ⟦linked⟧{slug} spans, "
        "for review).")] = "jsonl",
    candidates: Annotated[bool, typer.Option("--candidates", help="Also print candidate rows.")] = False,
    workers: Annotated[int | None, typer.Option("--workers", help="Worker processes (default: cores).",
                                                show_default=False)] = None,
    ontology: Annotated[str | None, typer.Option("--ontology", help="The ontology/ folder (default: the "
                                                 "repository's).", show_default=False)] = None,
) -> None:
    """Link posts without a database: one JSON object per mention on stdout (or each post with its linked
    spans marked); rejected files on stderr, and warnings for what linking passed over (a date that is no
    date: the post is linked all the same)."""
    from pathlib import Path

    from kg.link import Linker
    from kg.link.extract import FORMATS
    from kg.link.extract import extract as run_extract

    if output_format not in FORMATS:
        raise typer.BadParameter(f"unknown format {output_format!r}; use {' or '.join(FORMATS)}",
                                 param_hint="--format")
    linker = Linker.load(Path(ontology) if ontology else None)
    rejected = 0
    out = sys.stdout
    for result in run_extract(paths, linker, candidates=candidates, workers=workers,
                              output_format=output_format):
        for warning in result.warnings:
            _err(f"warning {warning}; linked without that date")
        if result.error is not None:
            rejected += 1
            _err(f"rejected {result.error}")
        elif result.lines:
            out.write("\n".join(result.lines) + "\n")
    out.flush()
    raise typer.Exit(1 if rejected else 0)


@app.command("candidates")
def candidates_cmd(
    db: DbOption = None,
    min_count: Annotated[int, typer.Option("--min-count", help="Only candidates seen this often.")] = 2,
    output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    limit: Annotated[int, typer.Option("--limit", help="At most this many (0: all).")] = 50,
) -> None:
    """Unknown names and repositories that look like entities, by count, with sample evidence."""
    from kg.link.report import candidate_counts
    from kg.store import Store

    if output_format not in ("table", "json"):
        raise typer.BadParameter(f"unknown format {output_format!r}; use table or json",
                                 param_hint="--format")
    with Store(db) as store:
        found = candidate_counts(store, min_count=min_count, limit=limit or None)
    if output_format == "json":
        typer.echo(json.dumps(found, ensure_ascii=False, indent=1))
        return
    for cand in found:  # the key is what `kg ontology promote` takes
        sample = cand["evidence"][0]["context"] if cand["evidence"] else ""
        typer.echo(f"{cand['mentions']:>6} {cand['documents']:>5}  {cand['key']:<40} {cand['label']:<24} "
                   f"{sample}")

ontology_app = typer.Typer(help="The entity base in ontology/entities/: import, check, promote.",
                           no_args_is_help=True)
app.add_typer(ontology_app, name="ontology")


@ontology_app.command("import-landscape")
def ontology_import_landscape(
    path: Annotated[str, typer.Argument(help="The CNCF landscape.yml (awesome-cloud-native files beside it "
                                              "are read too).")],
    out: Annotated[str, typer.Option("--out", help="Folder of the entity files.")] = "ontology/entities",
    awesome: Annotated[bool, typer.Option("--awesome/--no-awesome",
                                          help="Also import the awesome-cloud-native lists.")] = True,
) -> None:
    """Regenerate the landscape-*.yaml and awesome-cloud-native.yaml entity files (curation untouched)."""
    from pathlib import Path

    from kg.ontology.importer import import_landscape

    report = import_landscape(Path(path), Path(out), awesome=awesome)
    typer.echo(f"{report.entities} entities in {len(report.files)} files; "
               f"{len(report.written)} written, {len(report.removed)} removed")


@ontology_app.command("check")
def ontology_check(
    root: Annotated[str | None, typer.Option("--root", help="The ontology/ folder.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Load and validate every entity file; print the counts by type and source."""
    from pathlib import Path

    from kg.ontology import load_base
    from kg.ontology.stats import base_stats

    stats = base_stats(load_base(Path(root) if root else None, use_cache=False))
    if as_json:
        typer.echo(json.dumps(stats, sort_keys=True))
        return
    typer.echo(f"{stats['entities']} entities, {stats['aliases']} aliases "
               f"({stats['ambiguous_aliases']} ambiguous); version {stats['version'][:12]}")
    for group in ("by_type", "by_source"):
        typer.echo("  " + ", ".join(f"{k} {v}" for k, v in stats[group].items()))


@ontology_app.command("promote")
def ontology_promote(
    key: Annotated[str, typer.Argument(help="Key of the reviewed candidate (see `kg candidates`).")],
    db: DbOption = None,
    slug: Annotated[str | None, typer.Option("--slug", help="Slug of the new entity.")] = None,
    kind: Annotated[str, typer.Option("--type", help="Class of the new entity.")] = "Project",
    file: Annotated[
        str | None, typer.Option("--file", help="Curated file to append to (default: promoted.yaml).")
    ] = None,
) -> None:
    """Turn a reviewed candidate into an entity of a curated file and mark it promoted."""
    from pathlib import Path

    from kg.ontology.promote import promote

    done = promote(key, db=db, slug=slug, kind=kind, file=Path(file) if file else None)
    typer.echo(f"promoted {key} as '{done.slug}' ({done.block['type']}) in {done.file}")


# --------------------------------------------------------------------------- graph (issue 4)

FormatOption = Annotated[
    str, typer.Option("--format", help="Output: table, csv or json.", case_sensitive=False)
]
TypeOption = Annotated[
    str | None, typer.Option("--type", help="Only entities of this class (Project...).", show_default=False)
]


def _print_frame(frame, fmt: str) -> None:  # type: ignore[no-untyped-def]
    """A DataFrame as an aligned table, CSV or JSON records (dates as ISO strings)."""
    if fmt == "csv":
        typer.echo(frame.to_csv(index=False), nl=False)
    elif fmt == "json":
        typer.echo(frame.to_json(orient="records", date_format="iso", force_ascii=False))
    elif fmt == "table":
        typer.echo(frame.to_string(index=False) if len(frame) else "(no rows)")
    else:
        raise KgError(f"unknown --format {fmt!r}; use table, csv or json")


@app.command()
def build(
    paths: Annotated[list[str], typer.Argument(help="Post files and folders of posts.")],
    out: Annotated[
        str, typer.Option("--out", help="Folder for kg.db, graph.ttl, graph.graphml, explorer.html.")
    ] = "build",
    explorer: Annotated[bool, typer.Option("--explorer/--no-explorer", help="Write explorer.html.")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Ingest, link and export in one go: OUT/kg.db, OUT/graph.ttl, OUT/graph.graphml, OUT/explorer.html."""
    from kg.pipeline import build as run_build
    from kg.progress import file_progress

    with file_progress(disable=quiet) as on_file:
        report = run_build(paths, out, on_file=on_file, explorer=explorer)
    for line in report.ingest.rejected:
        _err(f"rejected {line}")
    summary = report.ingest.as_dict()
    typer.echo(
        "files: {files} (new {new}, changed {changed}, unchanged {unchanged}, rejected {rejected}); "
        "items {items}, mentions {mentions}, relations {relations}".format(**summary)
    )
    verb = "kept (nothing changed)" if report.exports_skipped else "wrote"
    for path in report.outputs.values():
        typer.echo(f"{verb} {path}")
    timings = ", ".join(f"{stage} {seconds:.1f}s" for stage, seconds in report.seconds.items())
    typer.echo(f"time: {timings}")
    raise typer.Exit(0 if report.ingest.ok else 1)


@app.command()
def export(
    out: Annotated[str, typer.Option("--out", help="File to write.")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="turtle, ntriples, nquads, trig, jsonld, graphml or gexf "
                     "(default: from the file suffix).", show_default=False),
    ] = None,
    db: DbOption = None,
) -> None:
    """Export the graph: RDF (one named graph per issue in TriG / N-Quads / JSON-LD) or GraphML / GEXF."""
    from kg.rdf import export as run_export
    from kg.store import Store

    with Store(db) as store:
        result = run_export(store, out, fmt)
    unit = "edges" if result.format in ("graphml", "gexf") else "statements"
    typer.echo(f"wrote {result.path} ({result.format}, {result.statements:,} {unit})")


@app.command()
def validate(
    db: DbOption = None,
    graph: Annotated[
        str | None,
        typer.Option("--graph", help="Validate this RDF file instead of the store.", show_default=False),
    ] = None,
    sample: Annotated[
        int | None,
        typer.Option("--sample", help="Check N subjects per class (SPARQL constraints still check all; "
                     "default: all up to 300,000 triples, else 500).", show_default=False, min=1),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Check every subject of a large graph too (minutes at 1M triples).")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", help="Processes for the SHACL batches.", min=1)] = 2,
    limit: Annotated[int, typer.Option("--limit", help="Violations printed at most.", min=1)] = 50,
) -> None:
    """Check the graph against ontology/shapes.ttl; prints violations and exits 1 if there are any."""
    from kg.rdf.shacl import validate_file, validate_store
    from kg.store import Store

    if graph is not None:
        report = validate_file(graph, sample=sample, workers=workers, full=full)
    else:
        with Store(db) as store:
            report = validate_store(store, sample=sample, workers=workers, full=full)
    for violation in report.violations[:limit]:
        typer.echo(f"violation: {violation}")
    scope = f"a sample of {report.subjects_checked:,} subjects" if report.sampled else (
        f"all {report.subjects_checked:,} subjects")
    verdict = "conforms" if report.conforms else f"{len(report.violations):,} violations"
    typer.echo(f"{report.triples:,} triples, {scope}: {verdict} ({report.seconds:.1f}s)")
    raise typer.Exit(0 if report.conforms else 1)


@app.command()
def trends(
    entities: Annotated[
        list[str] | None, typer.Argument(help="Entities (slug, label or alias); all if none.")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="week, month, quarter or year.")] = "month",
    since: Annotated[
        str | None, typer.Option("--since", help="First day (YYYY-MM-DD).", show_default=False)
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Last day (YYYY-MM-DD).", show_default=False)
    ] = None,
    type_: TypeOption = None,
    fmt: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """Mentions per entity per period (period, entity, label, type, mentions, items, issues)."""
    from kg.api import KnowledgeGraph
    from kg.store import Store

    with Store(db) as store:
        frame = KnowledgeGraph(store).trends(entities or None, by=by, since=since, until=until,
                                             types=[type_] if type_ else None)
    _print_frame(frame, fmt)


@app.command()
def top(
    period: Annotated[
        str | None, typer.Option("--period", help="2019, 2019-Q2, 2019-04 or 2019-W16 (default: all time).",
                                 show_default=False)
    ] = None,
    type_: TypeOption = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows.", min=1)] = 20,
    fmt: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """The most mentioned entities in a period."""
    from kg.api import KnowledgeGraph
    from kg.store import Store

    with Store(db) as store:
        frame = KnowledgeGraph(store).top(period=period, type=type_, limit=limit)
    _print_frame(frame, fmt)


# --------------------------------------------------------------------------- SPARQL (issue 5)

DataOption = Annotated[
    str | None,
    typer.Option("--data", help="Use this RDF file (e.g. an exported .trig) instead of the store.",
                 show_default=False),
]
TimeoutOption = Annotated[float, typer.Option("--timeout", help="Per-query time limit in seconds.", min=0.1)]
MaxRowsOption = Annotated[int, typer.Option("--max-rows", help="Row cap; a cut answer is flagged.", min=1)]


HostOption = Annotated[str, typer.Option("--host", help="Address to bind (127.0.0.1: this machine only).")]
PortOption = Annotated[int, typer.Option("--port", help="TCP port.", min=0, max=65535)]
MaxBodyOption = Annotated[int, typer.Option("--max-body", help="Largest request body in bytes.", min=1)]
CorsOption = Annotated[
    str | None,
    typer.Option("--cors-origin", show_default=False,
                 help="Let pages from this origin call the endpoint (no CORS headers otherwise)."),
]
WorkersOption = Annotated[int, typer.Option("--workers", help="Queries run at once (a process each).", min=1)]
MemoryOption = Annotated[int, typer.Option("--memory-limit", help="MiB of memory one query may use.", min=16)]
UnionOption = Annotated[
    bool,
    typer.Option("--union-default-graph/--no-union-default-graph",
                 help="Patterns outside GRAPH match every graph (off: only the entities' default graph)."),
]


@app.command()
def serve(
    db: DbOption = None,
    data: DataOption = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 7878,
    timeout: TimeoutOption = 10.0,
    max_rows: MaxRowsOption = 10_000,
    max_body: MaxBodyOption = 1_048_576,
    cors_origin: CorsOption = None,
    workers: WorkersOption = 8,
    memory_limit: MemoryOption = 2048,
    union_default_graph: UnionOption = True,
) -> None:
    """Serve the graph over the SPARQL 1.1 Protocol at /sparql, with a query page at / (read-only)."""
    from kg.sparql.protocol import Settings
    from kg.sparql.server import serve as run_server
    from kg.sparql.zygote import Source

    settings = Settings(timeout=timeout, max_rows=max_rows, max_body=max_body,
                        union_default_graph=union_default_graph, cors_origin=cors_origin)
    run_server(Source(db, data), settings, host, port, workers=workers, memory_mb=memory_limit,
               announce=lambda line: typer.echo(line, err=True))


@app.command()
def query(
    text: Annotated[str | None, typer.Argument(help="The SPARQL query.", show_default=False)] = None,
    file: Annotated[str | None, typer.Option("--file", help="Read the query from this .rq file.",
                                             show_default=False)] = None,
    name: Annotated[str | None, typer.Option("--name", help="Run a named query (see kg/queries/README.md).",
                                             show_default=False)] = None,
    db: DbOption = None,
    data: DataOption = None,
    output: Annotated[str, typer.Option("--format", help="table, csv or json (SPARQL results).")] = "table",
    timeout: TimeoutOption = 10.0,
    max_rows: MaxRowsOption = 10_000,
    union_default_graph: UnionOption = True,
) -> None:
    """Run one read-only SPARQL query on the graph of the store and print the answer."""
    from pathlib import Path

    from kg.errors import QueryError
    from kg.sparql import named
    from kg.sparql.local import run_query
    from kg.sparql.zygote import Source

    given = [x for x in (text, file, name) if x is not None]
    if len(given) != 1:
        raise QueryError("give exactly one of: a query, --file q.rq, --name NAME (kg query --help)")
    if file is not None:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise QueryError(f"cannot read {file}: {error}") from error
    elif name is not None:
        text = named.get(name).query
    assert text is not None
    answer = run_query(text, Source(db, data), output=output, timeout=timeout, max_rows=max_rows,
                       union_default_graph=union_default_graph)
    typer.echo(answer.text, nl=False)
    if answer.truncated:
        _err(f"truncated: only the first {max_rows:,} rows are shown (raise --max-rows or add a LIMIT)")


@app.command()
def push(
    endpoint: Annotated[str, typer.Option("--endpoint", help="Graph Store Protocol URL, e.g. "
                                          "http://localhost:7878/store (Oxigraph) or .../ds/data (Fuseki).")],
    graph: Annotated[str | None, typer.Option("--graph", show_default=False, help="Put everything into this "
                     "one named graph (default: the default graph and one named graph per issue).")] = None,
    db: DbOption = None,
    data: DataOption = None,
    push_format: Annotated[str, typer.Option("--format", help="ntriples or turtle.")] = "ntriples",
) -> None:
    """Copy the graph into a SPARQL 1.1 Graph Store (PUT per graph, so pushing twice changes nothing)."""
    from kg.sparql.push import push as run_push
    from kg.sparql.zygote import Source, load

    report = run_push(load(Source(db, data)), endpoint, graph=graph, fmt=push_format)
    typer.echo(f"pushed {report.triples:,} triples in {report.graphs:,} graphs to {endpoint} "
               f"in {report.seconds:.1f} s")



# --------------------------------------------------------------------------- explorer (issue 6)


@app.command()
def explore(
    out: Annotated[str, typer.Option("--out", help="HTML file to write (one self-contained, offline page).")],
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(help="First issue date: YYYY-MM-DD, YYYY-MM or YYYY.")] = None,
    until: Annotated[str | None, typer.Option(help="Last issue date: YYYY-MM-DD, YYYY-MM or YYYY.")] = None,
    types: Annotated[list[str] | None, typer.Option("--type", help="Type to keep (repeatable).")] = None,
    entity: Annotated[
        str | None, typer.Option(help="Only the neighbourhood of this entity (slug, name or alias).")
    ] = None,
    depth: Annotated[int, typer.Option(help="Hops around --entity.")] = 1,
    min_mentions: Annotated[
        int, typer.Option("--min-mentions", help="Leave out entities mentioned fewer times.")
    ] = 1,
    issues: Annotated[
        bool, typer.Option("--issues/--no-issues", help="Newsletter issues as nodes (a toggle in the page).")
    ] = True,
    top: Annotated[
        int | None, typer.Option(help="Open on the top N nodes by mentions (0: all; default: all to 8,000).")
    ] = None,
) -> None:
    """Write the graph explorer: search, filters, a time slider and the evidence behind each node."""
    from kg.explore import parse_day, write_explorer

    stats = write_explorer(
        db, out, since=parse_day(since, "--since"), until=parse_day(until, "--until", end=True), types=types,
        entity=entity, depth=depth, min_mentions=min_mentions, issues=issues, top=top,
    )
    seconds = stats.load_seconds + stats.layout_seconds + stats.render_seconds
    typer.echo(f"wrote {stats.path}: {stats.entities:,} entities, {stats.issues:,} issues, "
               f"{stats.edges:,} edges, {stats.bytes / 1e6:.1f} MB in {seconds:.1f} s")


def main() -> None:
    """Console entry point: user errors become one line on stderr and exit code 2, never a traceback."""
    try:
        app()  # standalone: click reports usage errors itself and exits
    except KgError as error:
        _err(f"error: {error}")
        sys.exit(2)
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
