"""Commands that write or serve a graph for others: viz, export, sparql, serve."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from graph.cli.main import (
    HAVE_HELP,
    cli,
    echo_json,
    format_option,
    get_store,
    graph_option,
    handle_errors,
    k_option,
)

__all__ = []


@cli.command("viz")
@graph_option
@click.option("--focus", metavar="ROLE", help="Draw ROLE and the roles within --depth moves of it.")
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Moves around --focus to draw (either direction).",
)
@click.option(
    "--path",
    "path_roles",
    nargs=2,
    metavar="FROM TO",
    help="Draw the best routes from FROM to TO, highlighted over their neighbours.",
)
@k_option("How many routes --path draws.")
@click.option("--have", multiple=True, metavar="SKILL", help=HAVE_HELP)
@click.option(
    "--types",
    default="role",
    show_default=True,
    metavar="KINDS",
    help="Node kinds to draw, comma-separated: role, skill, sector, employer, salary.",
)
@click.option("--title", help="Heading of the page (default: what it shows).")
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    metavar="N",
    help="Refuse pages with more nodes than this (default 400).",
)
@click.option(
    "-o",
    "--out",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("output/graph.html"),
    show_default=True,
    help="Page to write (--output is the old name of --out).",
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in a web browser.")
@click.pass_context
@handle_errors
def viz(
    ctx: click.Context,
    graph_dir: Path | None,
    focus: str | None,
    depth: int,
    path_roles: tuple[str, str] | None,
    k: int,
    have: tuple[str, ...],
    types: str,
    title: str | None,
    max_nodes: int | None,
    output: Path,
    open_page: bool,
) -> None:
    """Write the graph as an interactive HTML page that works offline.

    Roles sized by how many moves pass through them, their moves, and with
    --types their skills, sectors, employers and salary bands. Hover a role
    for its card, a move for its skills to gain; search and filter on the
    page. Whole graphs over --max-nodes are refused: draw part of them with
    --focus or --path.
    """
    from graph.viz.page import viz_page, write_page

    options: dict[str, Any] = {} if max_nodes is None else {"max_nodes": max_nodes}
    html = viz_page(
        get_store(ctx, graph_dir),
        focus=focus,
        depth=depth,
        path=path_roles or None,
        k=k,
        have=have,
        types=types,
        title=title,
        **options,
    )
    written = write_page(html, output)
    click.echo(f"Wrote {written}")
    if open_page:
        import webbrowser

        webbrowser.open(written.resolve().as_uri())


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "gexf", "jsonld", "nquads", "turtle", "csv"]),
    required=True,
    help="graphml, gexf: the projection (roles, skills, sectors, moves) for Gephi, Cytoscape, "
    "networkx; csv: the same as neo4j-admin import files (a folder); jsonld, nquads, turtle: "
    "every triple of the graph.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    help="File to write (a folder for csv); default output/export/graph.<format> "
    "(output/export/neo4j for csv).",
)
@graph_option
@click.pass_context
@handle_errors
def export_command(ctx: click.Context, fmt: str, out: Path | None, graph_dir: Path | None) -> None:
    """Export the graph for other tools: GraphML, GEXF, Neo4j CSV, JSON-LD, N-Quads, Turtle.

    The file is written beside its target and renamed over it, so a failed
    export leaves an earlier one as it was.

    \b
    Examples:
      careergraph export --format graphml --out output/export/graph.graphml
      careergraph export --format csv --out output/export/neo4j --graph output/onet
    """
    from graph.export.neo4j import NEO4J_COMMAND
    from graph.export.writers import export_graph

    report = export_graph(get_store(ctx, graph_dir), fmt, out)
    counts = ", ".join(f"{n:,} {what}" for what, n in report.counts.items())
    click.echo(f"Wrote {report.path} ({fmt}: {counts}) in {report.seconds:.1f} s.")
    if fmt == "csv":
        click.echo(f"  Load it into Neo4j with the command in {report.path}/{NEO4J_COMMAND}.")
    for credit in report.credits:
        click.echo(f"  Credit: {credit}")


def _query_text(query: str | None, query_file: Any, name: str | None) -> str:
    from graph.errors import UsageError

    given = [x for x in (query, query_file, name) if x is not None]
    if len(given) != 1:
        raise UsageError("Give one of QUERY, -f FILE or --name NAME (see --list).")
    if name is not None:
        from graph.sparql.named import named_query

        return named_query(name).text
    if query_file is not None:
        where = f"The query file {getattr(query_file, 'name', '-')}"
        try:
            text = str(query_file.read())
        except UnicodeDecodeError:
            raise UsageError(f"{where} is not UTF-8 text.") from None
    elif query == "-":
        where = "The query on standard input"
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else str(data)
        except UnicodeDecodeError:
            raise UsageError(f"{where} is not UTF-8 text.") from None
    else:
        where, text = "The query", str(query)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{where} is not UTF-8 text.") from None
    return text


@cli.command()
@click.argument("query", required=False)
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.File("r", encoding="utf-8"),
    help="Read the query from FILE ('-' for standard input).",
)
@click.option("-n", "--name", help="Run a named query (see --list).")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Put VALUE where the query says $NAME (repeatable). Roles, skills, sectors, "
    "employers and levels may be given by name, abbreviation or IRI.",
)
@click.option("--list", "list_named", is_flag=True, help="List the named queries and exit.")
@format_option("table", "json", "xml", "csv", "tsv", "turtle")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Stop the query after this many seconds.",
)
@click.option(
    "--allow-update",
    is_flag=True,
    help="Allow SPARQL updates (INSERT, DELETE, LOAD ...) to the graph folder named "
    "with --graph; its graph.ttl is rewritten as a new build.",
)
@click.option(
    "--as-written",
    is_flag=True,
    help="Run a SELECT exactly as written. By default one whose triple patterns each match "
    "thousands of triples is regrouped so the store joins them by hashing (same rows, "
    "same order, several times faster); see --explain.",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Print how the query would run (as written or regrouped, and why) instead of running it.",
)
@graph_option
@click.pass_context
@handle_errors
def sparql(
    ctx: click.Context,
    query: str | None,
    query_file: Any,
    name: str | None,
    params: tuple[str, ...],
    list_named: bool,
    fmt: str,
    timeout: float,
    allow_update: bool,
    as_written: bool,
    explain: bool,
    graph_dir: Path | None,
) -> None:
    """Run a SPARQL query on the graph.

    QUERY is the query text ('-' reads standard input); or use -f FILE, or
    --name NAME for a named query. The prefixes cg:, cgr:, rdf:, rdfs:, owl:,
    xsd:, skos:, schema:, prov:, dcterms: and sh: are declared for you.
    SELECT and ASK print a table or a SPARQL results format (json, xml, csv,
    tsv); CONSTRUCT and DESCRIBE print Turtle.

    \b
    Examples:
      careergraph sparql 'SELECT ?r ?l WHERE { ?r a cg:Role ; skos:prefLabel ?l } LIMIT 5'
      careergraph sparql --name ladder-to-role --param role='Director of TPM'
      careergraph sparql --name skills-to-gain -p from=TPM -p to='Director of TPM' --format csv
    """
    from graph.cli.results import results_table
    from graph.sparql.named import named_queries
    from graph.sparql.params import parse_param_args
    from graph.sparql.run import execute
    from graph.sparql.update import apply_update
    from graph.syntax import query_kind

    if list_named:
        queries = named_queries()
        if fmt == "json":
            echo_json([q.to_dict() for q in queries])
            return
        width = max(len(q.name) for q in queries)
        for q in queries:
            click.echo(f"{q.name:<{width}}  {q.description}")
            for p in q.params:
                click.echo(f"{'':<{width}}    {p.usage()}  {p.help}")
        return
    text = _query_text(query, query_file, name)
    values = parse_param_args(params)
    if allow_update and query_kind(text) == "update":
        from graph.errors import UsageError

        if (ctx.find_root().obj or {}).get("endpoint"):
            raise UsageError("--allow-update changes a local graph folder, not an endpoint.")
        if graph_dir is None:
            raise UsageError(
                "--allow-update needs the graph folder to change: give --graph DIR "
                "(the built-in graph is not changed)."
            )
        from graph.build.builtin import resolve_graph_dir

        report = apply_update(resolve_graph_dir(graph_dir), text, values)
        click.echo(
            f"Updated {report.graph_dir}: {report.triples_before} -> {report.triples_after} "
            f"triples; graph.ttl rewritten as build {report.build_id}."
        )
        return
    store = get_store(ctx, graph_dir)
    if explain:
        from graph.sparql.run import explain as explain_query

        plan = explain_query(store, text, values)
        how = "regrouped" if plan.rewritten else "as written"
        click.echo(f"Runs {how}: {plan.reason}.")
        if plan.sizes:
            click.echo("Triples per pattern: " + ", ".join(f"{n:,}" for n in plan.sizes))
        click.echo(plan.query)
        return
    result = execute(
        store,
        text,
        values,
        "json" if fmt == "table" else fmt,
        timeout=timeout,
        as_written=as_written,
    )
    if fmt == "table" and result.kind in ("select", "ask"):
        from graph.cli.tables import console

        table = results_table(result.body)
        console().print(table)
        if result.kind == "select":
            click.echo(f"{table.row_count} row{'s' if table.row_count != 1 else ''}")
        return
    click.echo(result.body, nl=False)


@cli.command()
@graph_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (loopback by default; anything else exposes the graph).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=7878,
    show_default=True,
    help="Port to listen on (0 picks a free one).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds one SPARQL query may run.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Result rows (or triples) sent at most; a cut result says so in a header.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="SPARQL queries that may run at once (one process each), and as many route "
    "planner questions (one process each, all reading one projection file).",
)
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="The public address of the server (role cards link to it); "
    "default: the address it listens on.",
)
@click.pass_context
@handle_errors
def serve(
    ctx: click.Context,
    graph_dir: Path | None,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    base_url: str | None,
) -> None:
    """Serve the graph over HTTP until Ctrl-C.

    \b
    /sparql         SPARQL 1.1 Protocol endpoint (read-only) and a query page
    /               the interactive graph page with a route planner
    /api/           its JSON API (routes, next, gap, similar, roles); /docs
    /roles          the roles (JSON or HTML); /roles/ID a role's card (JSON-LD or HTML)
    """
    from graph.web.serving import serve as serve_graph

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: listening on {host}: other machines can read the graph.", err=True)
    serve_graph(
        get_store(ctx, graph_dir),
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        base_url=base_url,
        announce=lambda url: click.echo(
            f"Serving the graph at {url} (SPARQL: {url}sparql). Ctrl-C stops.", err=True
        ),
    )
