"""The route answers as terminal tables: path, next, gap and similar."""

from __future__ import annotations

from typing import Any

from graph.cli.tables import _emit, _say, _table, console, money, signed_money

__all__ = ["routes_view", "next_view", "gap_view", "similar_view"]


def _skills_cell(item: dict[str, Any], all_skills: bool = False, words: bool = True) -> str:
    """Skills to gain, one a line: the few that matter most, or all with level rises spelled out.

    ``words``: the level needed in words (else only the name, "higher level" for a rise).
    """
    if item.get("skills_unknown"):
        note = item.get("skills_note") or ""
        return "unknown (not rated)" if "O*NET" in note else "unknown (a role has no skill profile)"
    if not all_skills and "skills_shown" in item:
        lines = [
            _shown_line(row)
            if words
            else row["skill"] + (" (higher level)" if row.get("from_level") else "")
            for row in item["skills_shown"]
        ]
        if item.get("skills_more"):
            lines.append(f"... and {item['skills_more']} more (--all-skills)")
        return "\n".join(lines) or "none"
    levels = {c["skill"]: c for c in item.get("level_changes") or ()}
    lines = []
    for skill in item["skills_to_gain"]:
        change = levels.get(skill)
        if change:
            skill += f" (level {change['from']:g} -> {change['to']:g})"
        lines.append(skill)
    return "\n".join(lines) or "none"


def _prep_cell(item: dict[str, Any]) -> str:
    from graph.routes.preparation import prep_lines

    return "\n".join(prep_lines(item.get("preparation")))


def _ready_cell(item: dict[str, Any]) -> str:
    """Time to ready, and the education it takes when study is needed."""
    from graph.levels import years_text

    prep = item.get("preparation") or {}
    span = prep.get("years_to_ready")
    if not span:
        return "unknown"
    text = years_text(span)
    if (prep.get("education_years") or [0, 0])[1] > 0 and prep.get("education_to"):
        text += f"\n({prep['education_to']})"
    for credential in prep.get("credentials") or ():
        text += f"\n+ {credential}"
    return text


def _shown_line(row: dict[str, Any], now: bool = False) -> str:
    """One shown skill: its name and the level needed, in words where O*NET gives them.

    Examples
    --------
    >>> row = {"skill": "Monitoring", "from_level": 2.38, "to_level": 4.25,
    ...        "from_words": '"Proofread a letter"', "to_words": '"Monitor a meeting"'}
    >>> _shown_line(row, now=True)
    'Monitoring: from "Proofread a letter" up to "Monitor a meeting"'
    >>> _shown_line(row)
    'Monitoring, up to "Monitor a meeting"'
    >>> _shown_line({"skill": "Speaking", "to_level": 3.0, "to_words": '"Greet tourists"'})
    'Speaking: "Greet tourists"'
    >>> _shown_line({**row, "from_words": '"Monitor a meeting"'}, now=True)
    'Monitoring: more of "Monitor a meeting" (level 2.38 -> 4.25 of 7)'
    """
    text = str(row["skill"])
    rise = bool(row.get("from_level"))
    if row.get("to_words"):
        if rise and now and row.get("from_words") == row["to_words"]:
            # both levels are nearest the same anchor: say how far, in numbers
            return (
                f"{text}: more of {row['to_words']} "
                f"(level {row['from_level']:g} -> {row['to_level']:g} of 7)"
            )
        if rise and now and row.get("from_words"):
            return f"{text}: from {row['from_words']} up to {row['to_words']}"
        return f"{text}, up to {row['to_words']}" if rise else f"{text}: {row['to_words']}"
    if rise and row.get("to_level") is not None:
        text += f" (level {row['from_level']:g} -> {row['to_level']:g} of 7)"
    return text


def _pay_cell(item: dict[str, Any]) -> str:
    """A pay change, or why there is none, with what a newcomer earns and a proxy warning."""
    pay = item.get("pay") or {}
    currency = item.get("currency")
    if pay.get("same_wage_line"):
        lines = ["n/a: one", "wage line"]
    else:
        lines = [signed_money(item["salary_change"], currency)]
    entry = pay.get("entry")
    if entry and entry.get("pct25") is not None:
        lines.append(f"start ~{money(entry['pct25'], currency)}")
    if pay.get("proxy"):
        lines.append("(proxy wage)")
    return "\n".join(lines)


def _pay_notes(pay: dict[str, Any] | None, labels: tuple[str, str], currency: Any) -> list[str]:
    """Sentences on what pay figures rest on: shared lines, proxies, newcomers' pay."""
    if not pay:
        return []
    notes = []
    a, b = pay.get("from"), pay.get("to")
    if pay.get("same_wage_line") and b:
        notes.append(
            f"Both roles take their pay from one wage line (SOC {b['line']} {b['title']}): "
            "the data cannot tell their pay apart."
        )
    for name, side in zip(labels, (a, b), strict=True):
        if side and side.get("proxy") and not pay.get("same_wage_line"):
            shared = f", shared by {side['shared_by']} roles" if side["shared_by"] > 1 else ""
            notes.append(
                f"The pay of {name} is a proxy: the figures of SOC {side['line']} "
                f"{side['title']}{shared}."
            )
    entry = pay.get("entry")
    if entry and b and entry.get("pct25") is not None:
        low = money(entry["pct10"], currency) + "-" if entry.get("pct10") is not None else ""
        notes.append(
            f"Someone moving into {labels[1]} would likely earn {low}"
            f"{money(entry['pct25'], currency)} (10th-25th percentile) at first; the median is "
            f"{money(b['median'], currency)}."
        )
    return notes


def _kind_cell(item: dict[str, Any]) -> str:
    if item["kind"] == "suggested" and item.get("similarity") is not None:
        return f"suggested\n(sim. {item['similarity']:.2f})"
    return str(item["kind"])


def _note_have(out: Any, report: dict[str, Any]) -> None:
    if report.get("have"):
        _say(out, "Not counted as to gain (--have): " + "; ".join(report["have"]), "dim")
    standing = report.get("standing") or {}
    said = []
    if standing.get("education"):
        said.append(f"education {standing['education']}")
    if standing.get("years") is not None:
        said.append(f"{standing['years']:g} years of experience")
    if standing.get("credentials"):
        said.append("holds " + ", ".join(standing["credentials"]))
    if said:
        _say(out, "You: " + "; ".join(said), "dim")


def _notes(out: Any, items: list[dict[str, Any]]) -> None:
    """The skill notes of steps (unknown deltas, SOC-group stand-ins), each once."""
    seen: list[str] = []
    for item in items:
        note = item.get("skills_note")
        if note and note not in seen:
            seen.append(note)
            _say(out, "Note: " + note, "dim", indent="  ")


#: skills the line under a route names before "... and N more"
ROUTE_SHOWN = 12


def routes_view(report: dict[str, Any], all_skills: bool = False) -> None:
    """Print the routes of ``careergraph path``: each with its steps and skills to gain."""
    out = console()
    routes = report["routes"]
    _say(
        out,
        f"{len(routes)} route{'s' if len(routes) != 1 else ''} from {report['from']['label']} "
        f"to {report['to']['label']}",
        "bold",
    )
    _note_have(out, report)
    if report.get("avoid"):
        _say(out, "Avoiding: " + "; ".join(report["avoid"]), "dim")
    for n, route in enumerate(routes, 1):
        steps = route["steps"]
        plural = "s" if len(steps) != 1 else ""
        pay = route.get("pay") or {}
        change = (
            "n/a (one wage line)"
            if pay.get("same_wage_line")
            else signed_money(route["salary_change"], route.get("currency"))
            + (" (proxy wage)" if pay.get("proxy") else "")
        )
        table = _table(
            f"Route {n}: {len(steps)} step{plural}, cost {route['cost']:g}, pay {change}"
        )
        table.add_column("#", justify="right")
        table.add_column("Move", overflow="fold", max_width=48)
        table.add_column("Kind")
        table.add_column("Skills to gain", overflow="fold")
        table.add_column("Preparation", overflow="fold", max_width=26)
        table.add_column("Pay change", justify="right")
        for i, step in enumerate(steps, 1):
            table.add_row(
                str(i),
                f"{step['from']}\n-> {step['to']}",
                _kind_cell(step),
                _skills_cell(step, all_skills),
                _prep_cell(step),
                _pay_cell(step),
                end_section=i < len(steps),
            )
        out.print()
        _emit(out, table)
        gain = route["skills_to_gain"]
        if route.get("skills_unknown"):
            _say(out, "Skills to gain on this route: unknown (see the note)", indent="  ")
        else:
            shown = gain
            if not all_skills and any("skills_shown" in step for step in steps):
                # the steps' shown skills, most important first (a stable sort keeps step order)
                rows = [r for step in steps for r in step.get("skills_shown") or ()]
                rows.sort(key=lambda r: -(r.get("score") or 0))
                first = [r["skill"] for r in rows if r["skill"] in gain]
                first += [g for g in gain if g not in first]
                shown = list(dict.fromkeys(first))[:ROUTE_SHOWN]
            more = len(gain) - len(shown)
            _say(
                out,
                f"Skills to gain on this route, start to finish ({len(gain)}): "
                + ("; ".join(shown) or "none")
                + (f"; ... and {more} more (--all-skills)" if more else ""),
                indent="  ",
            )
        if route.get("skills_on_the_way"):
            way = route["skills_on_the_way"]
            _say(out, f"Also asked on the way ({len(way)}): " + "; ".join(way), indent="  ")
        prep = route.get("preparation")
        if prep:
            from graph.routes.preparation import prep_lines

            lines = prep_lines(prep, short=False)
            _say(out, "Preparation on this route: " + "; ".join(lines), indent="  ")
            _say(out, "Basis: " + prep["basis"], "dim", indent="  ")
        _notes(out, steps)
        for note in _pay_notes(
            route.get("pay"),
            (report["from"]["label"], report["to"]["label"]),
            route.get("currency"),
        ):
            _say(out, note, "dim", indent="  ")


def next_view(report: dict[str, Any], all_skills: bool = False) -> None:
    """Print the ranked moves of ``careergraph next``."""
    out = console()
    options = report["options"]
    _say(out, f"Next moves from {report['role']['label']}", "bold")
    _note_have(out, report)
    table = _table()
    table.add_column("#", justify="right")
    table.add_column("Role", overflow="fold", max_width=30)
    table.add_column("Kind", min_width=11)
    table.add_column("Overlap", justify="right")
    table.add_column("Skills to gain", overflow="fold")
    table.add_column("Ready in", overflow="fold", max_width=12)
    table.add_column("Pay change", justify="right")
    table.add_column("Score", justify="right")
    for i, option in enumerate(options, 1):
        table.add_row(
            str(i),
            option["role"],
            _kind_cell(option),
            f"{option['overlap']:.0%}",
            _skills_cell(option, all_skills, words=False),
            _ready_cell(option),
            _pay_cell(option),
            f"{option['score']:.2f}",
            end_section=i < len(options),
        )
    if not options:
        out.print("No moves: no guide names one and no role is similar enough.", markup=False)
        return
    _emit(out, table)
    if any(option.get("why") for option in options):
        out.print()
        _say(out, "Why they rank so", "bold")
        for i, option in enumerate(options, 1):
            _say(out, f"{i}. {option['role']}: {option.get('why') or ''}", indent="  ")
    _notes(out, options)
    if not report.get("step_downs"):
        _say(out, "Moves to roles that ask less preparation are left out (--step-downs).", "dim")


def gap_view(report: dict[str, Any], all_skills: bool = False) -> None:
    """Print the skill delta of ``careergraph gap``."""
    out = console()
    _say(out, f"From {report['from']['label']} to {report['to']['label']}", "bold")
    move = report.get("move")
    pay = report.get("pay") or {}
    change = (
        "not known (one wage line)"
        if pay.get("same_wage_line")
        else signed_money(report["salary_change"], report.get("currency"))
        + (" (from a proxy wage)" if pay.get("proxy") else "")
    )
    _say(
        out,
        (f"A curated {move}." if move else "No curated move joins them (see 'careergraph path').")
        + f" Pay change: {change}.",
    )
    for note in _pay_notes(
        pay, (report["from"]["label"], report["to"]["label"]), report.get("currency")
    ):
        _say(out, note)
    _note_have(out, report)
    prep = report.get("preparation")
    if prep:
        from graph.routes.preparation import prep_lines

        out.print()
        _say(out, "Preparation", "bold cyan")
        for line in prep_lines(prep, short=False):
            out.print(f"  - {line}", markup=False)
        if prep.get("training"):
            out.print(f"  - then on-the-job training: {prep['training']}", markup=False)
        _say(out, "Basis: " + prep["basis"], "dim", indent="  ")
    if report.get("skills_note"):
        out.print()
        _say(out, report["skills_note"])
    elif report.get("skills_unknown"):
        out.print(
            "The skill delta is unknown: a role has no skill profile (no guide).", markup=False
        )

    def section(title: str, lines: list[str], limit: int = 0) -> None:
        out.print()
        _say(out, f"{title} ({len(lines)})", "bold cyan")
        shown = lines[:limit] if limit else lines
        for line in shown or ["none"]:
            out.print(f"  - {line}", markup=False)
        if len(shown) < len(lines):
            out.print(
                f"  ... and {len(lines) - len(shown)} more (--format json lists all)", markup=False
            )

    if not report.get("skills_unknown"):
        if all_skills or "skills_shown" not in report:
            section("Skills to gain", _skills_cell(report, True).splitlines())
        else:
            lines = [_shown_line(row, now=True) for row in report["skills_shown"]]
            ranked = any(row.get("score") is not None for row in report["skills_shown"])
            title = "Skills to gain" + (", most important first" if ranked else "")
            title += f" ({len(report['skills_to_gain'])})"
            out.print()
            _say(out, title, "bold cyan")
            for line in lines or ["none"]:
                _say(out, f"  - {line}", indent="")
            if report.get("skills_more"):
                out.print(f"  ... and {report['skills_more']} more (--all-skills)", markup=False)
        section("Skills kept", report["skills_kept"], limit=15)
    gaining = set(report["skills_to_gain"])
    guides = report.get("has_guide") or {"from": True, "to": True}
    if report["missing_per_target_guide"] or (guides["to"] and not report.get("skills_unknown")):
        section(
            f"Often missing in people moving into {report['to']['label']} (says its guide)",
            [
                s + ("  (to gain)" if s in gaining else "")
                for s in report["missing_per_target_guide"]
            ],
        )
    if report["missing_per_source_guide"] or (guides["from"] and not report.get("skills_unknown")):
        section(
            f"Often missing in {report['from']['label']} (says its guide), "
            f"needed in {report['to']['label']}",
            report["missing_per_source_guide"],
        )


def similar_view(report: dict[str, Any]) -> None:
    """Print the roles of ``careergraph similar``."""
    out = console()
    _say(out, f"Roles most like {report['role']['label']}", "bold")
    if not report["similar"]:
        why = (
            "it has no skill profile (no guide)"
            if report.get("skills_unknown")
            else ("no role shares a skill with it")
        )
        out.print(f"None: {why}.", markup=False)
        return
    table = _table()
    table.add_column("#", justify="right")
    table.add_column("Role", overflow="fold")
    table.add_column("Score", justify="right")
    for i, row in enumerate(report["similar"], 1):
        table.add_row(str(i), row["role"], f"{row['score']:.3f}")
    _emit(out, table)
