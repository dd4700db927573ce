"""Human-readable terminal output (rich tables and panels) for the CLI's ``table`` format.

Kept apart from :mod:`graph.cli` so the command functions stay thin; every
function here takes plain data (what the JSON format prints) and writes it.
Text from guides and data files is printed with markup disabled, so a skill
named ``[bold]x[/]`` prints as written.
"""

from __future__ import annotations

from typing import Any

__all__ = ["console", "roles_table", "role_card_view", "money"]


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


def role_card_view(card: dict[str, Any]) -> None:
    """Print a role card, section by section, in the guide's order."""
    out = console()
    out.print(card["label"], style="bold", markup=False)
    guide = card.get("guide")
    if guide:
        out.print(f"From the {guide.get('origin') or ''} guide {guide.get('file') or ''}".strip(),
                  style="dim", markup=False)
    if card.get("labels"):
        out.print("Also known as: " + "; ".join(card["labels"]), markup=False)

    def section(title: str, items: list[str], numbered: bool = False) -> None:
        if not items:
            return
        out.print()
        out.print(title, style="bold cyan", markup=False)
        for n, item in enumerate(items, 1):
            out.print(f"  {n}. {item}" if numbered else f"  - {item}", markup=False)

    section("Key responsibilities", card["responsibilities"])
    section(
        "Top skills",
        [
            s["as_written"] if s["as_written"] == s["skill"] else f"{s['as_written']}  [{s['skill']}]"
            for s in card["top_skills"]
        ],
    )
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
            table.add_row(band["level"] or "", rng, band.get("years") or "", band.get("note") or "")
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
        [f"{m.get('code') or ''} {m.get('label') or m['id']}".strip() for m in card["close_matches"]],
    )
