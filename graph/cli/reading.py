"""Commands that read a graph: roles, show, and the routes (path, next, gap, similar)."""

from __future__ import annotations

from pathlib import Path

import click

from graph.cli.main import (
    HAVE_HELP,
    MAX_YEARS_HELP,
    _projection,
    cli,
    emit,
    format_option,
    get_store,
    graph_option,
    handle_errors,
    k_option,
    standing_options,
)

__all__ = []


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
    emit(rows, fmt, "tables:roles_table")


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
    emit(card, fmt, "tables:role_card_view", full=full)


WEIGHT_HELP = (
    "Override a route weight as NAME=VALUE, e.g. skill=0.5 or suggested=4; repeatable. "
    "Names: progression, transition, suggested, skill, unknown, salary_drop, suggest_top, "
    "suggest_min, min_importance, level_rise, next_progression, next_transition, next_salary, "
    "next_salary_drop, prep_year, next_prep."
)


ALL_SKILLS_HELP = (
    "List every skill to gain (with levels as numbers), not only the few that matter most."
)


@cli.command("path")
@click.argument("from_role", metavar="FROM")
@click.argument("to_role", metavar="TO")
@k_option("How many routes to show.")
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
    emit(report, fmt, "routeviews:routes_view", all_skills=all_skills)


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
    emit(report, fmt, "routeviews:next_view", all_skills=all_skills)


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
        _projection(ctx, graph_dir),
        from_role,
        to_role,
        have=have,
        education=education,
        years=years,
    )
    emit(report, fmt, "routeviews:gap_view", all_skills=all_skills)


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
    emit(report, fmt, "routeviews:similar_view")
