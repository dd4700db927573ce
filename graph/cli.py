"""The ``careergraph`` command line: parse arguments, call one library function, format.

This is the only module that imports click. Every command is a thin wrapper
over a function of the library, so everything here is usable from Python too.
Errors from the library (:class:`graph.errors.CareerGraphError`) become
``Error: ...`` on stderr and the exit code the error class names; no
traceback reaches a user for bad input.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from graph import __version__
from graph.errors import CareerGraphError

__all__ = ["main", "cli"]

F = TypeVar("F", bound=Callable[..., Any])

GRAPH_HELP = (
    "Graph folder written by 'build' or an import (default: $CAREERGRAPH_GRAPH, "
    "else the built-in graph)."
)


def _fail(exc: CareerGraphError) -> None:
    click.echo(f"Error: {exc}", err=True)
    sys.exit(exc.exit_code)


def handle_errors(func: F) -> F:
    """Turn library errors into ``Error: ...`` and their exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CareerGraphError as exc:
            _fail(exc)
        except BrokenPipeError:
            # output piped into 'head' and the like: stop quietly
            sys.stderr.close()
            sys.exit(0)

    return wrapper  # type: ignore[return-value]


def graph_option(func: F) -> F:
    """The ``--graph DIR`` option every reading command takes."""
    return click.option(
        "--graph",
        "graph_dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="CAREERGRAPH_GRAPH",
        help=GRAPH_HELP,
    )(func)


def format_option(*choices: str, default: str = "table") -> Callable[[F], F]:
    """A ``--format`` option with the given choices."""

    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(list(choices)),
            default=default,
            show_default=True,
            help="Output format.",
        )(func)

    return decorate


def echo_json(data: Any) -> None:
    """Print data as indented JSON (the machine-readable contract of a command)."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def get_store(ctx: click.Context, graph_dir: Path | None) -> Any:
    """Open the store for a reading command: the global ``--endpoint`` or a graph folder."""
    from graph.store import open_store

    endpoint = (ctx.find_root().obj or {}).get("endpoint")
    return open_store(graph_dir, endpoint=endpoint)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="careergraph")
@click.option(
    "--endpoint",
    envvar="CAREERGRAPH_ENDPOINT",
    metavar="URL",
    help="Read from this SPARQL 1.1 endpoint instead of a local graph folder.",
)
@click.option(
    "--update-endpoint",
    envvar="CAREERGRAPH_UPDATE_ENDPOINT",
    metavar="URL",
    help="SPARQL Update / Graph Store endpoint of the same server (for 'push').",
)
@click.pass_context
def cli(ctx: click.Context, endpoint: str | None, update_endpoint: str | None) -> None:
    """careergraph: career paths as a knowledge graph.

    Routes between roles with the skills to gain at every step, over an
    RDF graph you can query with SPARQL.
    """
    ctx.obj = {"endpoint": endpoint, "update_endpoint": update_endpoint}


# ---------------------------------------------------------------------------
# Building the graph: parse, build, validate
# ---------------------------------------------------------------------------


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@format_option("json", "turtle", default="json")
@handle_errors
def parse(file: Path, fmt: str) -> None:
    """Parse one career guide FILE and print it (JSON or Turtle)."""
    from graph.guides import parse_file

    guide = parse_file(file)
    for warning in guide.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if fmt == "json":
        echo_json(guide.to_dict())
    else:
        from graph.build import guide_turtle

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
    from graph.build import build_graph

    report = build_graph(out_dir, list(guide_dirs), validate=not no_validate)
    if fmt == "json":
        echo_json(report.to_dict())
        return
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    counts = report.counts
    click.echo(f"Built {out_dir} from {len(report.guides)} guides (build {report.build_id}).")
    click.echo(
        "  " + ", ".join(f"{counts.get(k, 0):,} {k}" for k in
                         ("roles", "skills", "transitions", "sectors", "employers", "triples"))
    )
    if report.new_skills:
        click.echo(f"  {len(report.new_skills)} skill phrases matched no known skill and became "
                   "new skills: " + "; ".join(report.new_skills))
    if report.roles_without_guide:
        click.echo(f"  {len(report.roles_without_guide)} roles are named but have no guide yet.")
    click.echo(f"  Validated against the SHACL shapes: {'skipped' if no_validate else 'conforms'}.")
    click.echo(f"Use it with --graph {out_dir} (or CAREERGRAPH_GRAPH={out_dir}).")


@cli.command()
@graph_option
@handle_errors
def validate(graph_dir: Path | None) -> None:
    """Check a built graph against the SHACL shapes; exit 1 on any violation."""
    from graph.build import validate_folder

    violations, triples = validate_folder(graph_dir)
    if violations:
        for line in violations:
            click.echo(line)
        click.echo(f"Error: {len(violations)} SHACL violations.", err=True)
        sys.exit(1)
    click.echo(f"Conforms: {triples:,} triples checked against the SHACL shapes.")


# ---------------------------------------------------------------------------
# Roles: list and show
# ---------------------------------------------------------------------------


@cli.command()
@graph_option
@click.option("--guides-only", is_flag=True, help="Only roles that have a guide.")
@format_option("table", "json")
@click.pass_context
@handle_errors
def roles(ctx: click.Context, graph_dir: Path | None, guides_only: bool, fmt: str) -> None:
    """List the roles of the graph."""
    from graph.roles import list_roles

    rows = list_roles(get_store(ctx, graph_dir), with_guide_only=guides_only)
    if fmt == "json":
        echo_json(rows)
        return
    from graph.tables import roles_table

    roles_table(rows)


@cli.command()
@click.argument("role")
@graph_option
@format_option("table", "json")
@click.pass_context
@handle_errors
def show(ctx: click.Context, role: str, graph_dir: Path | None, fmt: str) -> None:
    """Print ROLE's card: every fact of its guide and its moves."""
    from graph.network import load_projection
    from graph.resolve import resolve_role
    from graph.roles import role_card

    store = get_store(ctx, graph_dir)
    card = role_card(store, resolve_role(load_projection(store), role))
    if fmt == "json":
        echo_json(card)
        return
    from graph.tables import role_card_view

    role_card_view(card)


# ---------------------------------------------------------------------------
# Reading commands are added below by topic; keep each command a thin wrapper.
# ---------------------------------------------------------------------------


def main() -> None:
    """Entry point of the ``careergraph`` console script."""
    cli(prog_name="careergraph")
