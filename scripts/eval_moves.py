"""Evaluate suggested moves on an O*NET import: preparation, honest deltas, route totals.

Over a fixed (seeded) sample of O*NET occupations it prints:

- the share of top-5 ``next`` suggestions that rise two or more Job Zones
  (goal: at most 5%), and the share of those that name their preparation;
- the share of steps into unrated targets (occupations O*NET has not rated
  on Skills or Knowledge) with an empty delta that neither says it is unknown
  nor names the SOC-group occupations it compared through (goal: 0), and the
  share of unrated targets said to be unknown or compared through their group;
- the share of ``path`` routes whose time to ready is stated;
- the median number of skills listed per step, and of those shown (the few
  that matter most);
- the share of routes whose listed total equals a start-to-finish comparison
  (``gap`` between the route's first and last roles).

Each ``path`` asks for the 3 best routes from a sampled occupation to another
occupation of the same SOC major group (seeded too).

Usage::

    python scripts/eval_moves.py output/onet            # the graph folder of an O*NET import
    python scripts/eval_moves.py output/onet --sample 300 --seed 7

Exits 0 with a message when the graph folder is absent.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

_CODE = re.compile(r"^\d\d-\d{4}\.\d\d$")


def _unrated(data: dict[str, Any]) -> bool:
    if not _CODE.match(str(data.get("code") or "")):
        return False
    return not any(r.get("importance") is not None for r in (data.get("skills") or {}).values())


def _zone(data: dict[str, Any]) -> int | None:
    prep = data.get("prep") or {}
    if prep.get("zone"):
        return int(prep["zone"])
    level = data.get("level")
    return int(level) if level is not None else None


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.1f}%" if whole else "n/a (none)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", type=Path, help="the graph folder of an O*NET import")
    parser.add_argument("--sample", type=int, default=200, help="occupations (default 200)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if not (args.graph / "manifest.json").is_file():
        print(
            f"No graph at {args.graph}: import O*NET first (careergraph import onet ...). "
            "Nothing to evaluate."
        )
        return 0

    from graph.build.builtin import open_store
    from graph.errors import CareerGraphError
    from graph.projection.cache import load_projection
    from graph.routes.reports import gap_report, next_report, path_report

    P = load_projection(open_store(args.graph))
    codes = sorted(
        (data["code"], role)
        for role, data in P.nodes(data=True)
        if _CODE.match(str(data.get("code") or ""))
    )
    if not codes:
        print(f"{args.graph} holds no O*NET occupations. Nothing to evaluate.")
        return 0
    rng = random.Random(args.seed)
    sample = rng.sample(codes, min(args.sample, len(codes)))
    by_major: dict[str, list[str]] = {}
    for code, role in codes:
        by_major.setdefault(code[:2], []).append(role)

    started = time.perf_counter()
    suggestions = rises = rises_named = 0
    unrated_steps = unrated_empty = unrated_said = 0
    skills_per_step: list[int] = []
    shown_per_step: list[int] = []
    routes = routes_timed = routes_equal = 0
    path_errors = 0

    def unrated_step(target: str, item: dict[str, Any]) -> None:
        nonlocal unrated_steps, unrated_empty, unrated_said
        if not _unrated(P.nodes[target]):
            return
        unrated_steps += 1
        # an empty list is honest only when the step says what it compared (or that it cannot)
        said = item.get("skills_unknown") or item.get("skills_note")
        if not item.get("skills_to_gain") and not said:
            unrated_empty += 1
        if item.get("skills_unknown") or item.get("skills_note"):
            unrated_said += 1

    for _code, role in sample:
        report = next_report(P, role, top=5)
        for option in report["options"]:
            suggestions += 1
            skills_per_step.append(len(option.get("skills_to_gain") or ()))
            shown_per_step.append(len(option.get("skills_shown") or ()))
            target = option["id"]
            a, b = _zone(P.nodes[role]), _zone(P.nodes[target])
            if a is not None and b is not None and b - a >= 2:
                rises += 1
                prep = option.get("preparation") or {}
                if prep.get("years_to_ready") or prep.get("education_to"):
                    rises_named += 1
            unrated_step(target, option)
        peers = [r for r in by_major[P.nodes[role]["code"][:2]] if r != role]
        if not peers:
            continue
        goal = rng.choice(peers)
        try:
            found = path_report(P, role, goal, k=3)
        except CareerGraphError:
            path_errors += 1
            continue
        direct = gap_report(P, role, goal)
        for route in found["routes"]:
            routes += 1
            if route.get("years_to_ready") is not None:
                routes_timed += 1
            if sorted(route["skills_to_gain"]) == sorted(direct["skills_to_gain"]):
                routes_equal += 1
            for step in route["steps"]:
                skills_per_step.append(len(step.get("skills_to_gain") or ()))
                shown_per_step.append(len(step.get("skills_shown") or ()))
                unrated_step(step["to_id"], step)

    print(
        f"careergraph move evaluation: {args.graph}, {len(sample)} occupations "
        f"(seed {args.seed}), {time.perf_counter() - started:.0f} s"
    )
    print(
        f"  top-5 next suggestions rising >= 2 Job Zones: {_share(rises, suggestions)}"
        f" (goal <= 5%); naming their preparation: {_share(rises_named, rises)}"
    )
    print(
        f"  steps into unrated targets with an empty delta that says nothing: "
        f"{_share(unrated_empty, unrated_steps)} (goal 0)"
    )
    print(
        f"  unrated targets said to be unknown or compared through their SOC group: "
        f"{_share(unrated_said, unrated_steps)}"
    )
    print(
        f"  path routes whose time to ready is stated: {_share(routes_timed, routes)}"
        f" ({path_errors} pairs without a route)"
    )
    median = statistics.median(skills_per_step) if skills_per_step else 0
    print(f"  median skills listed per step: {median:g} (over {len(skills_per_step)} steps)")
    shown = statistics.median(shown_per_step) if shown_per_step else 0
    print(
        f"  median skills shown per step (the table's selection; --all-skills lists all): "
        f"{shown:g}, at most {max(shown_per_step, default=0)}"
    )
    print(
        f"  routes whose listed total equals the start-to-finish comparison: "
        f"{_share(routes_equal, routes)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
