"""Commands that make and move a graph folder: parse, build, validate, push."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from graph.cli.main import (
    cli,
    echo_counts,
    echo_json,
    echo_warnings,
    format_option,
    graph_option,
    handle_errors,
)

__all__ = []


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@format_option("json", "turtle", default="json")
@handle_errors
def parse(file: Path, fmt: str) -> None:
    """Parse one career guide FILE and print it (JSON or Turtle)."""
    from graph.guides import parse_file

    guide = parse_file(file)
    echo_warnings(guide.warnings)
    if fmt == "json":
        echo_json(guide.to_dict())
    else:
        from graph.guides.triples import guide_turtle

        click.echo(guide_turtle(guide), nl=False)


@cli.command()
@click.option(
    "--guides",
    "guide_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra folder (or file) of guides in the shipped layout; repeatable.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Graph folder to write.",
)
@click.option("--no-validate", is_flag=True, help="Skip the SHACL check (not recommended).")
@format_option("table", "json")
@handle_errors
def build(guide_dirs: tuple[Path, ...], out_dir: Path, no_validate: bool, fmt: str) -> None:
    """Build the graph from the shipped guides plus any --guides folders.

    Writes OUT/graph.ttl and the embedded store, validates against the SHACL
    shapes and prints counts. A failed build leaves the previous graph as it was.
    """
    from graph.build.pipeline import build_graph

    report = build_graph(out_dir, list(guide_dirs), validate=not no_validate)
    if fmt == "json":
        echo_json(report.to_dict())
        return
    echo_warnings(report.warnings)
    counts = report.counts
    click.echo(f"Built {out_dir} from {len(report.guides)} guides (build {report.build_id}).")
    echo_counts(counts, ("roles", "skills", "transitions", "sectors", "employers", "triples"))
    if report.new_skills:
        click.echo(
            f"  {len(report.new_skills)} skill phrases matched no known skill and became "
            "new skills: " + "; ".join(report.new_skills)
        )
    if report.roles_without_guide:
        click.echo(f"  {len(report.roles_without_guide)} roles are named but have no guide yet.")
    click.echo(f"  Validated against the SHACL shapes: {'skipped' if no_validate else 'conforms'}.")
    click.echo(f"Use it with --graph {out_dir} (or CAREERGRAPH_GRAPH={out_dir}).")


@cli.command()
@graph_option
@handle_errors
def validate(graph_dir: Path | None) -> None:
    """Check a built graph against the SHACL shapes; exit 1 on any violation."""
    from graph.build.builtin import resolve_graph_dir
    from graph.build.pipeline import validate_folder

    violations, triples = validate_folder(resolve_graph_dir(graph_dir))
    if violations:
        for line in violations:
            click.echo(line)
        click.echo(f"Error: {len(violations)} SHACL violations.", err=True)
        sys.exit(1)
    click.echo(f"Conforms: {triples:,} triples checked against the SHACL shapes.")


@cli.command("push")
@graph_option
@click.option(
    "--endpoint",
    metavar="URL",
    help="The server's SPARQL query endpoint (default: the global --endpoint).",
)
@click.option(
    "--update-endpoint",
    metavar="URL",
    help="Its SPARQL Update endpoint (default: the global --update-endpoint, else --endpoint).",
)
@click.option(
    "--graph-store",
    metavar="URL",
    envvar="CAREERGRAPH_GRAPH_STORE",
    help="Load through this Graph Store Protocol endpoint instead of SPARQL Update (faster; "
    "default: Virtuoso's .../sparql-graph-crud-auth beside .../sparql-auth; '' for none).",
)
@click.option(
    "--named-graph",
    metavar="IRI",
    envvar="CAREERGRAPH_NAMED_GRAPH",
    help="The named graph to fill (default: https://w3id.org/careergraph/id/graph).",
)
@click.option(
    "--replace", is_flag=True, help="Swap out the graph already there, with no half-loaded moment."
)
@click.option("--batch-size", type=click.IntRange(min=1), help="Triples per request.")
@format_option("table", "json", "text")
@click.pass_context
@handle_errors
def push_command(
    ctx: click.Context,
    graph_dir: Path | None,
    endpoint: str | None,
    update_endpoint: str | None,
    graph_store: str | None,
    named_graph: str | None,
    replace: bool,
    batch_size: int | None,
    fmt: str,
) -> None:
    """Load a built graph into a SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, ...).

    Credentials come from CAREERGRAPH_ENDPOINT_USER and CAREERGRAPH_ENDPOINT_PASSWORD.
    The triples land in a temporary graph, are counted on the server, and only
    then replace the named graph in one step.
    """
    from graph.build.builtin import resolve_graph_dir
    from graph.errors import UsageError
    from graph.store.push import push
    from graph.store.remote import DEFAULT_NAMED_GRAPH

    options = ctx.find_root().obj or {}
    endpoint = endpoint or options.get("endpoint")
    if not endpoint:
        raise UsageError("push needs the server: give --endpoint URL (or $CAREERGRAPH_ENDPOINT).")
    # 'text' is push's old name for the human-readable output every other command calls 'table'
    show_bar = fmt != "json" and sys.stderr.isatty()
    bar: Any = None
    progress = None
    if show_bar:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        task = bar.add_task("Pushing triples", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        bar.start()
    try:
        report = push(
            resolve_graph_dir(graph_dir),
            endpoint,
            update_endpoint or options.get("update_endpoint"),
            named_graph=named_graph or DEFAULT_NAMED_GRAPH,
            replace=replace,
            progress=progress,
            graph_store=graph_store,
            batch_size=batch_size,
        )
    finally:
        if bar is not None:
            bar.stop()
    echo_warnings(report.warnings)
    if fmt == "json":
        echo_json(report.to_dict())
        return
    verb = "Replaced" if report.replaced else "Loaded"
    click.echo(
        f"{verb} <{report.named_graph}> on {report.endpoint} with {report.triples:,} triples "
        f"(build {report.build_id}) via {report.protocol} in {report.seconds:g} s; "
        f"the server holds {report.remote_triples:,}."
    )
