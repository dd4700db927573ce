
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
    from graph.build.builtin import open_store

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
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    counts = report.counts
    click.echo(f"Built {out_dir} from {len(report.guides)} guides (build {report.build_id}).")
    click.echo(
        "  "
        + ", ".join(
            f"{counts.get(k, 0):,} {k}"
            for k in ("roles", "skills", "transitions", "sectors", "employers", "triples")
        )
    )
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


# ---------------------------------------------------------------------------
# Importing public taxonomies: import onet, import esco
# ---------------------------------------------------------------------------

IMPORT_COUNTS = {
    "onet": (
        ("ratings", "skill ratings"),
        ("technology_requirements", "technology requirements"),
        ("tasks", "tasks"),
        ("salary_bands", "salary bands"),
        ("close_matches", "guide-role links"),
    ),
    "esco": (
        ("requirements", "skill requirements"),
        ("isco_groups", "ISCO groups"),
        ("broader", "hierarchy links"),
    ),
}


def _import_out(name: str) -> Any:
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("output") / name,
        show_default=True,
        help="Graph folder to write (the previous graph there stays if the import fails).",
    )


def _print_import(report: Any, fmt: str, what: str) -> None:
    if fmt == "json":
        echo_json(report.to_dict())
        return
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    counts = report.counts
    click.echo(
        f"Imported {what} with the guides into {report.out_dir} in {report.seconds:.1f} s "
        f"(build {report.build_id})."
    )
    click.echo(
        "  "
        + ", ".join(
            f"{counts.get(k, 0):,} {k}" for k in ("roles", "skills", "transitions", "triples")
        )
    )
    click.echo(
        "  "
        + ", ".join(f"{counts.get(k, 0):,} {label}" for k, label in IMPORT_COUNTS[report.dataset])
    )
    click.echo(f"Use it with --graph {report.out_dir} (or CAREERGRAPH_GRAPH={report.out_dir}).")


@cli.group("import")
def import_group() -> None:
    """Import a public taxonomy (O*NET, ESCO) into a graph folder, merged with the guides."""


def _download_options(multiple: bool) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        func = click.option(
            "--sha256",
            multiple=multiple,
            metavar="HEX",
            help="Expected SHA-256 of the download (else its size and the zip's CRCs are "
            "checked)" + ("; one per --download-url, in order." if multiple else "."),
        )(func)
        return click.option(
            "--download-url",
            multiple=multiple,
            metavar="URL",
            help="Download a release zip from URL into the cache folder (resumed if cut, "
            "reused next time) and import it" + ("; repeatable." if multiple else "."),
        )(func)

    return decorate


@import_group.command("onet")
@click.argument("src_dir", metavar="DIR_OR_ZIP", required=False, type=click.Path(path_type=Path))
@click.option(
    "--download",
    "download_version",
    is_flag=False,
    flag_value="29.3",
    metavar="[VERSION]",
    help="Download the O*NET text release VERSION (default 29.3) from onetcenter.org into "
    "the cache folder, then import it; a finished download is reused.",
)
@_download_options(multiple=False)
@_import_out("onet")
@click.option(
    "--wages",
    type=click.Path(dir_okay=False, path_type=Path),
    help="BLS OEWS national wages CSV: salary bands for the matching occupations.",
)
@click.option(
    "--no-related",
    is_flag=True,
    help="Leave out Related Occupations (the moves), e.g. to evaluate similarity.",
)
@format_option("table", "json")
@handle_errors
def import_onet_command(
    src_dir: Path | None,
    download_version: str | None,
    download_url: str | None,
    sha256: str | None,
    out_dir: Path,
    wages: Path | None,
    no_related: bool,
    fmt: str,
) -> None:
    """Import the O*NET database: its text release zip (db_29_3_text.zip) or folder.

    Occupations become roles with rated skills and knowledge, technology,
    tasks, Job Zones and alternate titles; Related Occupations become moves
    with level-aware skills to gain; --wages adds salary bands. Or fetch the
    release with --download (O*NET is CC BY 4.0; the import credits it).
    """
    from graph.importers.common import terminal_progress
    from graph.importers.onet import import_onet
    from graph.importers.sources import release_sources

    if download_version is not None:
        from graph.errors import UsageError
        from graph.importers.sources import onet_release_url

        if download_url is not None:
            raise UsageError("Give --download VERSION or --download-url URL, not both.")
        download_url = onet_release_url(download_version)
    with terminal_progress() as progress:
        (src_dir,) = release_sources(
            [src_dir] if src_dir else [],
            [download_url] if download_url else [],
            sha256=[sha256] if sha256 else [],
            single=True,
            progress=progress,
        )
        report = import_onet(
            src_dir, out_dir, wages=wages, include_related=not no_related, progress=progress
        )
    _print_import(report, fmt, "O*NET" + (" and OEWS wages" if wages else ""))


@import_group.command("esco")
@click.argument("sources", metavar="[ZIP_OR_DIR]...", nargs=-1, type=click.Path(path_type=Path))
@_download_options(multiple=True)
@_import_out("esco")
@format_option("table", "json")
@handle_errors
def import_esco_command(
    sources: tuple[Path, ...],
    download_url: tuple[str, ...],
    sha256: tuple[str, ...],
    out_dir: Path,
    fmt: str,
) -> None:
    """Import the ESCO classification from its v1.1 CSV zips or the folder of their files.

    ESCO v1.1.1 comes as two zips, the English classification ('ESCO dataset
    - v1.1.1 - classification - en - csv.zip') and the language-independent
    relations ('... - classification -  - csv.zip'): give both. Occupations
    and skills keep their ESCO URIs; essential and optional skills become
    rated requirements; the occupation hierarchy and ISCO-08 groups become
    skos:broader links. ESCO's site builds each download package on request
    (https://esco.ec.europa.eu/en/use-esco/download), so there is no fixed
    link to fetch: give the zips you downloaded, or their links with
    --download-url.
    """
    from graph.importers.common import terminal_progress
    from graph.importers.esco import import_esco
    from graph.importers.sources import release_sources

    with terminal_progress() as progress:
        paths = release_sources(sources, download_url, sha256=sha256, progress=progress)
        src_dir = paths[0] if len(paths) == 1 else paths
        report = import_esco(src_dir, out_dir, progress=progress)
    _print_import(report, fmt, "ESCO")


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
    from graph.sparql.roles import list_roles

    rows = list_roles(get_store(ctx, graph_dir), with_guide_only=guides_only)
    if fmt == "json":
        echo_json(rows)
        return
    from graph.cli.tables import roles_table

    roles_table(rows)


@cli.command()
@click.argument("role")
@click.option(
    "--all", "full", is_flag=True, help="List every item of long sections (default: the first 12)."
)
@graph_option
@format_option("table", "json")
@click.pass_context
@handle_errors
def show(ctx: click.Context, role: str, full: bool, graph_dir: Path | None, fmt: str) -> None:
    """Print ROLE's card: every fact of its guide and its moves.

    Skills come most important first; long sections stop after 12 items
    (--all lists them all; --format json always does).
    """
    from graph.projection.cache import load_projection
    from graph.projection.resolve import resolve_role
    from graph.sparql.roles import role_card

    store = get_store(ctx, graph_dir)
    card = role_card(store, resolve_role(load_projection(store), role))
    if fmt == "json":
        echo_json(card)
        return
    from graph.cli.tables import role_card_view

    role_card_view(card, full=full)


# ---------------------------------------------------------------------------
# Remote stores: push a built graph to a SPARQL 1.1 server
# ---------------------------------------------------------------------------


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
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if fmt == "json":
        echo_json(report.to_dict())
        return
    verb = "Replaced" if report.replaced else "Loaded"
    click.echo(
        f"{verb} <{report.named_graph}> on {report.endpoint} with {report.triples:,} triples "
        f"(build {report.build_id}) via {report.protocol} in {report.seconds:g} s; "
        f"the server holds {report.remote_triples:,}."
    )


# ---------------------------------------------------------------------------
# Reading commands are added below by topic; keep each command a thin wrapper.
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Routes: path, next, gap, similar
# ---------------------------------------------------------------------------

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
    func = click.option("--years", type=click.FloatRange(min=0, max=79), metavar="N",
                        help=YEARS_HELP)(func)
    return click.option("--education", metavar="LEVEL", help=EDUCATION_HELP)(func)
WEIGHT_HELP = (
    "Override a route weight as NAME=VALUE, e.g. skill=0.5 or suggested=4; repeatable. "
    "Names: progression, transition, suggested, skill, unknown, salary_drop, suggest_top, "
    "suggest_min, min_importance, level_rise, next_progression, next_transition, next_salary, "
    "next_salary_drop, prep_year, next_prep."
)


ALL_SKILLS_HELP = (
    "List every skill to gain (with levels as numbers), not only the few that matter most."
)


def _projection(ctx: click.Context, graph_dir: Path | None) -> Any:
    from graph.projection.cache import load_projection

    return load_projection(get_store(ctx, graph_dir))


@cli.command("path")
@click.argument("from_role", metavar="FROM")
@click.argument("to_role", metavar="TO")
@click.option(
    "--k",
    "-k",
    "k",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="How many routes to show.",
)
@click.option("--have", multiple=True, metavar="SKILL", help=HAVE_HELP)
@click.option(
    "--max-steps", type=click.IntRange(min=1), metavar="N", help="Longest route allowed, in steps."
)
@click.option(
    "--avoid", multiple=True, metavar="ROLE", help="A role no route may pass through; repeatable."
)
@click.option("--weight", "weights", multiple=True, metavar="NAME=VALUE", help=WEIGHT_HELP)
@standing_options
@click.option("--max-years", type=click.FloatRange(min=0), metavar="N", help=MAX_YEARS_HELP)
@click.option("--all-skills", is_flag=True, help=ALL_SKILLS_HELP)
@graph_option
@format_option("table", "json")
@click.pass_context
@handle_errors
def path_command(
    ctx: click.Context,
    from_role: str,
    to_role: str,
    k: int,
    have: tuple[str, ...],
    max_steps: int | None,
    avoid: tuple[str, ...],
    weights: tuple[str, ...],
    education: str | None,
    years: float | None,
    max_years: float | None,
    all_skills: bool,
    graph_dir: Path | None,
    fmt: str,
) -> None:
    """The K best routes from role FROM to role TO, with the skills to gain at every step.

    Routes use the moves guides and imports name (progression, transition) and,
    where those are missing, moves suggested by profile similarity, at a
    higher cost. A step costs more for each skill to gain (minus --have), for
    a pay cut and for each year of preparation (study and experience, minus
    --education and --years). Roles may be typed loosely: 'tpm', 'Director TPM'.
    """
    from graph.routes.reports import path_report
    from graph.routes.weights import parse_weights

    report = path_report(
        _projection(ctx, graph_dir),
        from_role,
        to_role,
        k=k,
        have=have,
        max_steps=max_steps,
        avoid=avoid,
        weights=parse_weights(weights),
        education=education,
        years=years,
        max_years=max_years,
    )
    if fmt == "json":
        echo_json(report)
        return
    from graph.cli.tables import routes_view

    routes_view(report, all_skills=all_skills)


@cli.command("next")
@click.argument("role")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many moves to show.",
)
@click.option("--have", multiple=True, metavar="SKILL", help=HAVE_HELP)
@click.option("--weight", "weights", multiple=True, metavar="NAME=VALUE", help=WEIGHT_HELP)
@standing_options
@click.option("--max-years", type=click.FloatRange(min=0), metavar="N", help=MAX_YEARS_HELP)
@click.option(
    "--step-downs",
    is_flag=True,
    help="Also list moves to roles that ask less preparation (a lower Job Zone or ISCO skill "
    "level).",
)
@click.option("--all-skills", is_flag=True, help=ALL_SKILLS_HELP)
@graph_option
@format_option("table", "json")
@click.pass_context
@handle_errors
def next_command(
    ctx: click.Context,
    role: str,
    top: int,
    have: tuple[str, ...],
    weights: tuple[str, ...],
    education: str | None,
    years: float | None,
    max_years: float | None,
    step_downs: bool,
    all_skills: bool,
    graph_dir: Path | None,
    fmt: str,
) -> None:
    """Ranked one-step moves from ROLE: curated ones and similar roles with no curated move.

    Score = skill coverage (0-1: how much of the target's rated skill profile
    ROLE and --have cover, level-aware) + a bonus for a curated progression
    (0.2) or transition (0.1) + 0.3 x relative pay change (capped at +-100%)
    - 0.2 per year to ready (study and related experience, capped at 10).
    Each move says why it ranks where it does. Moves to roles that ask less
    preparation are left out unless --step-downs.
    """
    from graph.routes.reports import next_report
    from graph.routes.weights import parse_weights

    report = next_report(
        _projection(ctx, graph_dir),
        role,
        top=top,
        have=have,
        weights=parse_weights(weights),
        education=education,
        years=years,
        max_years=max_years,
        step_downs=step_downs,
    )
    if fmt == "json":
        echo_json(report)
        return
    from graph.cli.tables import next_view

    next_view(report, all_skills=all_skills)


@cli.command("gap")
@click.argument("from_role", metavar="FROM")
@click.argument("to_role", metavar="TO")
@click.option("--have", multiple=True, metavar="SKILL", help=HAVE_HELP)
@standing_options
@click.option("--all-skills", is_flag=True, help=ALL_SKILLS_HELP)
@graph_option
@format_option("table", "json")
@click.pass_context
@handle_errors
def gap_command(
    ctx: click.Context,
    from_role: str,
    to_role: str,
    have: tuple[str, ...],
    education: str | None,
    years: float | None,
    all_skills: bool,
    graph_dir: Path | None,
    fmt: str,
) -> None:
    """The skill delta from role FROM to role TO, whether or not a route joins them.

    Lists the preparation TO asks (education, related experience, training,
    credentials) and the time to ready, the skills to gain (the few that
    matter most, with the level needed in words where O*NET rates levels;
    --all-skills lists all), the skills kept, what the pay figures rest on and
    what a newcomer to TO earns, and the commonly missing skills the guides
    flag: those TO's guide says people moving into TO often lack, and those
    FROM's guide says its holders often lack that TO requires.
    """
    from graph.routes.reports import gap_report

    report = gap_report(
        _projection(ctx, graph_dir), from_role, to_role, have=have, education=education,
        years=years,
    )
    if fmt == "json":
        echo_json(report)
        return
    from graph.cli.tables import gap_view

    gap_view(report, all_skills=all_skills)


@cli.command("similar")
@click.argument("role")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many roles to show.",
)
@graph_option
@format_option("table", "json")
@click.pass_context
@handle_errors
def similar_command(
    ctx: click.Context, role: str, top: int, graph_dir: Path | None, fmt: str
) -> None:
    """Roles most like ROLE by what they are (skills, levels), never by curated moves."""
    from graph.routes.reports import similar_report

    report = similar_report(_projection(ctx, graph_dir), role, top=top)
    if fmt == "json":
        echo_json(report)
        return
    from graph.cli.tables import similar_view

    similar_view(report)


# ---------------------------------------------------------------------------
# The graph page: viz
# ---------------------------------------------------------------------------


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
@click.option(
    "--k",
    "-k",
    "k",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="How many routes --path draws.",
)
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


# ---------------------------------------------------------------------------
# Exports for other tools: export
# ---------------------------------------------------------------------------


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
    from graph.export.writers import NEO4J_COMMAND, export_graph

    report = export_graph(get_store(ctx, graph_dir), fmt, out)
    counts = ", ".join(f"{n:,} {what}" for what, n in report.counts.items())
    click.echo(f"Wrote {report.path} ({fmt}: {counts}) in {report.seconds:.1f} s.")
    if fmt == "csv":
        click.echo(f"  Load it into Neo4j with the command in {report.path}/{NEO4J_COMMAND}.")
    for credit in report.credits:
        click.echo(f"  Credit: {credit}")


# ---------------------------------------------------------------------------
# SPARQL: the query command, named queries, the HTTP endpoint
# ---------------------------------------------------------------------------


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
    result = execute(store, text, values, "json" if fmt == "table" else fmt, timeout=timeout)
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
    from graph.web.app import serve as serve_graph

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


def main() -> None:
    """Entry point of the ``careergraph`` console script."""
    cli(prog_name="careergraph")
