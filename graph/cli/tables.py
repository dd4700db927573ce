"""Human-readable terminal output (rich tables and panels) for the CLI's ``table`` format.

Kept apart from :mod:`graph.cli` so the command functions stay thin; every
function here takes plain data (what the JSON format prints) and writes it.
Text from guides and data files is printed with markup disabled, so a skill
named ``[bold]x[/]`` prints as written.
"""

from __future__ import annotations

from typing import Any

__all__ = ["console", "roles_table", "role_card_view", "money", "CARD_LIMIT"]


def console() -> Any:
    """Return a rich Console on stdout (plain text, 120 columns, when not a terminal)."""
    import os
    import sys

    from rich.console import Console

    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS") or 120)
    return Console(highlight=False, soft_wrap=False, width=width)


def money(value: float | int | None, currency: str | None = "USD") -> str:
    """Format an amount compactly.

    Examples
    --------
    >>> money(152500, "USD")
    'US$152.5k'
    >>> money(None)
    '-'
    """
    if value is None:
        return "-"
    symbol = {"USD": "US$", "GBP": "£", "EUR": "€"}.get(currency or "", (currency or "") + " ")
    if abs(value) >= 1000:
        return f"{symbol}{value / 1000:,.1f}k".replace(".0k", "k")
    return f"{symbol}{value:,.0f}"


def _table(title: str | None = None) -> Any:
    from rich import box
    from rich.table import Table

    return Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", expand=False)


def roles_table(rows: list[dict[str, Any]]) -> None:
    """Print the role list."""
    table = _table(f"{len(rows)} roles")
    table.add_column("Role", overflow="fold")
    table.add_column("Source")
    table.add_column("Skills", justify="right")
    table.add_column("Moves out", justify="right")
    table.add_column("Moves in", justify="right")
    for row in rows:
        source = f"{row['guide']} guide" if row.get("guide") else (row.get("code") or "named")
        table.add_row(
            row["label"], source, str(row["skills"]), str(row["moves_out"]), str(row["moves_in"])
        )
    console().print(table, markup=False)


def _preparation_view(out: Any, prep: dict[str, Any] | None) -> None:
    """The preparation block of a role card: Job Zone, education, experience, training."""
    from graph.levels import years_text

    if not prep:
        return
    lines = []
    if prep.get("job_zone"):
        zone = prep["job_zone"]
        lines.append(f"O*NET Job Zone {zone['zone']}: {zone['meaning']}")
    if prep.get("isco_skill_level"):
        lines.append(f"ISCO-08 skill level {prep['isco_skill_level']} (of 4)")
    if prep.get("education"):
        lines.append(
            f"Typical education: {prep['education']['label']} (from {prep['education']['source']})"
        )
    for exp in prep.get("experience") or ():
        years = years_text(exp["years"])
        if exp.get("level"):
            lines.append(f"Experience at {exp['level']}: {years}")
        else:
            lines.append(
                f"Related work experience: {years}"
                + (f" ({exp['label']})" if exp.get("label") else "")
            )
    if prep.get("training"):
        lines.append(f"On-the-job training: {prep['training']}")
    if prep.get("onsite"):
        lines.append(f"On-site training: {prep['onsite']}")
    for credential in prep.get("credentials") or ():
        lines.append(f"Needs: {credential}")
    if prep.get("regulated"):
        lines.append(
            "A regulated profession in at least one EU country (ESCO): "
            "a licence or registration may be needed"
        )
    if not lines:
        return
    out.print()
    out.print("Preparation", style="bold cyan", markup=False)
    for line in lines:
        _wrapped(out, line)


def _wrapped(out: Any, text: str, bullet: str = "  - ") -> None:
    import textwrap

    width = max(40, out.width - 1)
    out.print(
        textwrap.fill(text, width, initial_indent=bullet, subsequent_indent=" " * len(bullet)),
        markup=False,
        highlight=False,
        crop=False,
        soft_wrap=True,
    )


def _typical_years(card: dict[str, Any]) -> str:
    """The related experience a role asks, for a wage band that names none (O*NET)."""
    from graph.levels import years_text

    for exp in (card.get("preparation") or {}).get("experience") or ():
        if not exp.get("level"):
            return f"typically {years_text(exp['years'])}"
    return ""


#: items a section of ``show`` lists before "... and N more" (``--all`` lists every one)
CARD_LIMIT = 12


def _card_skills(card: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The card's skills (most important first) and technologies (in demand, hot, then others).

    A label two skills share (O*NET's skill and knowledge area "Mathematics")
    gets its type, so no line repeats.
    """
    skills = [s for s in card["top_skills"] if s.get("type") != "technology"]
    counts: dict[str, int] = {}
    for s in skills:
        counts[s["skill"]] = counts.get(s["skill"], 0) + 1
    lines = []
    for s in skills:
        text = (
            s["as_written"]
            if s["as_written"] == s["skill"]
            else (f"{s['as_written']}  [{s['skill']}]")
        )
        if counts[s["skill"]] > 1 and s.get("type"):
            text += f" ({s['type']})"
        lines.append(text)
    techs = [s for s in card["top_skills"] if s.get("type") == "technology"]
    techs.sort(key=lambda s: (not s.get("in_demand"), not s.get("hot"), s["skill"].lower()))
    tech_lines = [
        s["skill"] + (" (in demand)" if s.get("in_demand") else " (hot)" if s.get("hot") else "")
        for s in techs
    ]
    return lines, tech_lines


def role_card_view(card: dict[str, Any], full: bool = False) -> None:
    """Print a role card, section by section, in the guide's order.

    Long lists stop after :data:`CARD_LIMIT` items with "... and N more"
    unless ``full``.
    """
    out = console()
    limit = 0 if full else CARD_LIMIT
    out.print(card["label"], style="bold", markup=False)
    guide = card.get("guide")
    if guide:
        out.print(
            f"From the {guide.get('origin') or ''} guide {guide.get('file') or ''}".strip(),
            style="dim",
            markup=False,
        )
    if card.get("labels"):
        names = card["labels"]
        shown = names[: limit * 2] if limit else names
        more = f"; ... and {len(names) - len(shown)} more" if len(shown) < len(names) else ""
        _say(out, "Also known as: " + "; ".join(shown) + more)
    _preparation_view(out, card.get("preparation"))

    def section(title: str, items: list[str], numbered: bool = False) -> None:
        if not items:
            return
        import textwrap

        out.print()
        out.print(title, style="bold cyan", markup=False)
        width = max(40, out.width - 1)
        shown = items[:limit] if limit else items
        for n, item in enumerate(shown, 1):
            # wrapped lines stay under their item, not under the bullet
            bullet = f"{n:>3}. " if numbered else "  - "
            text = textwrap.fill(
                item, width, initial_indent=bullet, subsequent_indent=" " * len(bullet)
            )
            out.print(text, markup=False, highlight=False, crop=False, soft_wrap=True)
        if len(shown) < len(items):
            out.print(f"  ... and {len(items) - len(shown)} more (--all)", markup=False)

    skills, technologies = _card_skills(card)
    section("Key responsibilities", card["responsibilities"])
    section("Top skills", skills)
    section("Technologies (in demand and hot first)", technologies)
    section("Can lead to", [m["as_written"] for m in card["can_lead_to"]])
    section("Transition opportunities", [m["as_written"] for m in card["transition_opportunities"]])
    section("Often missing skills", [g["as_written"] for g in card["skill_gaps"]])
    if card.get("development_suggestions"):
        section("Development suggestions", [card["development_suggestions"]])
    if card["salary"]:
        table = _table("Salary")
        for column in ("Level", "Range", "Experience", "Note"):
            table.add_column(column, overflow="fold")
        for band in card["salary"]:
            top = money(band["max"], band["currency"]) + ("+" if band["open_ended"] else "")
            rng = f"{money(band['min'], band['currency'])}–{top}"
            if band.get("median") is not None:
                rng += f" (median {money(band['median'], band['currency'])})"
            years = band.get("years") or _typical_years(card)
            table.add_row(band["level"] or "", rng, years, band.get("note") or "")
        out.print()
        out.print(table, markup=False)
    if card.get("growth_trend"):
        section("Growth trend", [card["growth_trend"]])
    section("Major employers", [", ".join(card["employers"])] if card["employers"] else [])
    section("Industry sectors", [", ".join(card["sectors"])] if card["sectors"] else [])
    section("Recommended next steps", card["next_steps"], numbered=True)
    section("Adjacent titles", [a["label"] for a in card["adjacent_titles"]])
    section("Reached from", [f"{m['label']} ({m['kind']})" for m in card["moves_in"]])
    section(
        "Close matches",
        [
            f"{m.get('code') or ''} {m.get('label') or m['id']}".strip()
            for m in card["close_matches"]
        ],
    )


def signed_money(value: float | None, currency: str | None = "USD") -> str:
    """Format a pay change with its sign.

    Examples
    --------
    >>> signed_money(140000), signed_money(-5000), signed_money(None)
    ('+US$140k', '-US$5k', 'unknown')
    """
    if value is None:
        return "unknown"
    return ("+" if value >= 0 else "-") + money(abs(value), currency)


def _emit(out: Any, table: Any) -> None:
    """Print a table; into a pipe or file without the padding rich adds at line ends."""
    if out.is_terminal:
        out.print(table, markup=False)
        return
    with out.capture() as captured:
        out.print(table, markup=False)
    text = "\n".join(line.rstrip() for line in captured.get().splitlines())
    out.file.write(text + "\n")


def _say(out: Any, text: str, style: str | None = None, indent: str = "") -> None:
    """Print a line of prose wrapped to the console, continuation lines indented."""
    import textwrap

    wrapped = textwrap.fill(
        text,
        max(40, out.width),
        initial_indent=indent,
        subsequent_indent=indent + "    ",
        break_on_hyphens=False,
    )
    out.print(wrapped, style=style, markup=False, soft_wrap=True)
