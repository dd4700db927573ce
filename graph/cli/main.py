"""The ``careergraph`` command line: parse arguments, call one library function, format.

The command group and what every command shares: error handling, the
``--graph`` and ``--format`` options, the store and projection a command
reads. click is imported only in :mod:`graph.cli`; every command is a thin
wrapper over a function of the library, so everything is usable from Python.
Errors from the library (:class:`graph.errors.CareerGraphError`) become
``Error: ...`` on stderr and the exit code the error class names; no
traceback reaches a user for bad input.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from graph import __version__
from graph.errors import CareerGraphError

__all__ = [
    "emit",
    "k_option",
    "main",
    "cli",
    "handle_errors",
    "graph_option",
    "format_option",
    "echo_json",
    "get_store",
]


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


def echo_warnings(warnings: Any) -> None:
    """Print each warning of a command on stderr, one ``Warning:`` line each."""
    for warning in warnings:
        click.echo(f"Warning: {warning}", err=True)


def echo_counts(counts: dict[str, int], names: Any) -> None:
    """One indented line of counts: ``names`` holds keys, or (key, label) pairs."""
    pairs = [(n, n) if isinstance(n, str) else n for n in names]
    click.echo("  " + ", ".join(f"{counts.get(k, 0):,} {label}" for k, label in pairs))


def k_option(help_text: str) -> Callable[[F], F]:
    """``--k``/``-k``: how many routes (path, viz)."""
    return click.option(  # type: ignore[return-value]
        "--k", "-k", "k", type=click.IntRange(min=1), default=3, show_default=True, help=help_text
    )


def emit(data: Any, fmt: str, view: str, **options: Any) -> None:
    """Print a command's answer: JSON (its contract) or the table ``view`` draws.

    ``view`` names the drawing function as ``"module:function"`` in :mod:`graph.cli`;
    it is imported only for a table, so ``--format json`` never loads rich.
    """
    if fmt == "json":
        echo_json(data)
        return
    module, name = view.split(":")
    getattr(importlib.import_module(f"graph.cli.{module}"), name)(data, **options)
    ctx = click.get_current_context(silent=True)
    credit = ((ctx.find_root().obj or {}).get("credit") if ctx else None) or ""
    if credit:
        click.echo(f"\n{credit}")


#: short names of the licences imported datasets come under
LICENCES = {
    "https://creativecommons.org/licenses/by/4.0/": "CC BY 4.0",
    "https://creativecommons.org/publicdomain/mark/1.0/": "public domain",
    "https://eur-lex.europa.eu/eli/dec/2011/833/oj": "European Commission, Decision 2011/833/EU",
}


def data_credit(store: Any) -> str:
    """The credit line for the datasets a graph folder imported ("" for guides alone)."""
    manifest = getattr(store, "manifest", None)
    sources = [s for s in getattr(manifest, "sources", []) if s.get("kind") == "dataset"]
    parts = [
        f"{s.get('name', '?')} {s.get('version', '')}".strip()
        + (f" ({LICENCES.get(s.get('license', ''), s.get('license'))})" if s.get("license") else "")
        for s in sources
    ]
    return f"Data: {'; '.join(parts)}." if parts else ""


def get_store(ctx: click.Context, graph_dir: Path | None) -> Any:
    """Open the store for a reading command: the global ``--endpoint`` or a graph folder."""
    from graph.build.builtin import open_store

    root = ctx.find_root()
    store = open_store(graph_dir, endpoint=(root.obj or {}).get("endpoint"))
    root.obj = {**(root.obj or {}), "credit": data_credit(store)}  # printed under the tables
    return store


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


HAVE_HELP = (
    "A skill you already have (its label, an alternative label, or a close spelling), or a "
    "credential you hold ('bar exam', 'PMP'); repeatable. It no longer counts as to gain."
)


EDUCATION_HELP = (
    "Your highest education: 'high school', 'certificate', 'associate', 'bachelor', 'masters', "
    "'professional' (law, medicine), 'phd'. Default: what your current role typically asks."
)


YEARS_HELP = (
    "Your years of related work experience. Default: what your current role typically asks."
)


MAX_YEARS_HELP = "Keep only moves that could make you ready within N years (low estimate)."


def standing_options(func: Any) -> Any:
    """--education and --years: the person's own standing."""
    func = click.option(
        "--years", type=click.FloatRange(min=0, max=79), metavar="N", help=YEARS_HELP
    )(func)
    return click.option("--education", metavar="LEVEL", help=EDUCATION_HELP)(func)


def _projection(ctx: click.Context, graph_dir: Path | None) -> Any:
    from graph.projection.cache import load_projection

    return load_projection(get_store(ctx, graph_dir))


def main() -> None:
    """Entry point of the ``careergraph`` console script."""
    cli(prog_name="careergraph")
