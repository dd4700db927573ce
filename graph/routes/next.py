"""Ranked one-step moves from a role: curated ones and similar roles, each with its why."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.levels import years_text
from graph.routes.deltas import _coverage, _relative_change, years_mid
from graph.routes.preparation import Standing
from graph.routes.search import _step, _suggestions
from graph.routes.weights import Weights

__all__ = ["next_moves"]


def _why(option: dict[str, Any], kind: str, coverage: float, change: float | None) -> str:
    """A few words on why an option ranks where it does, strongest reasons first."""
    prep = option["preparation"]
    span = prep.get("years_to_ready")
    reasons: list[tuple[float, str]] = []
    if option["skills_unknown"]:
        reasons.append((0.5, "skills unknown"))
    else:
        reasons.append((coverage, f"{round(coverage * 100)}% of its skills held"))
    if kind in ("progression", "transition"):
        reasons.append((0.3, f"a curated {kind}"))
    if span is None:
        reasons.append((0.1, "preparation unknown"))
    elif span[1] <= 0:
        reasons.append((0.4, "no extra preparation"))
    else:
        what = prep.get("education_to") if (prep.get("education_years") or [0, 0])[1] else None
        detail = f" ({what})" if what else ""
        reasons.append((0.2 + 0.2 * min(span[1], 10), f"ready in {years_text(span)}{detail}"))
    if change is not None and abs(change) >= 0.05:
        reasons.append((abs(change), f"pay {'+' if change > 0 else '-'}{abs(change):.0%}"))
    reasons.sort(key=lambda r: -r[0])
    return "; ".join(text for _, text in reasons[:3])


def next_moves(
    P: nx.DiGraph,
    role: str,
    top: int = 10,
    have: frozenset[str] = frozenset(),
    weights: Weights | None = None,
    standing: Standing | None = None,
    step_downs: bool = False,
    max_years: float | None = None,
) -> list[dict[str, Any]]:
    """One-step moves from ``role``, curated and suggested, best first.

    ``score = coverage + kind bonus + next_salary x relative pay change
    - next_prep x years to ready``, where ``coverage`` (0-1) is how much of
    the target's skill profile the source (plus ``have``) covers, weighted by
    importance and level-aware; the kind bonus is ``next_progression``,
    ``next_transition`` or 0 for suggested moves; the pay change is clipped to
    -100%..+100%; the years to ready are the middle of the preparation
    range (capped at 10). Moves to roles that ask less preparation (a lower
    Job Zone or ISCO skill level) are left out unless ``step_downs``; with
    ``max_years`` only moves that could be ready within that many years stay.
    Each option says ``why`` it ranks where it does.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph()
    >>> P.add_node("a", label="A", skills={"x": {}, "y": {}})
    >>> P.add_node("b", label="B", skills={"x": {}, "y": {}, "z": {}})
    >>> P.add_edge("a", "b", kind="progression")
    >>> [(o["role"], o["overlap"], o["score"]) for o in next_moves(P, "a")]
    [('B', 0.6667, 0.9667)]
    """
    weights = weights or Weights()
    curated = {v: d.get("kind", "transition") for _, v, d in P.out_edges(role, data=True)}
    similar_to = dict(
        _suggestions(
            P,
            role,
            max(2 * top, 20, int(weights.suggest_top)),
            weights.suggest_min,
            set(curated) | {role},
        )
    )
    options = []
    for target, kind in [*curated.items(), *((t, "suggested") for t in similar_to)]:
        step = _step(
            P, role, target, kind, have, weights, similar_to.get(target), None, standing, kept=False
        )
        prep = step["preparation"]
        if prep["step_down"] and not step_downs:
            continue
        span = prep["years_to_ready"]
        if max_years is not None and span and span[0] > max_years:
            continue
        if step["skills_unknown"]:
            coverage = similar_to.get(target) or 0.0
        else:
            coverage = _coverage(P, role, target, have, weights)
        change = _relative_change(P, role, target)
        bonus = {
            "progression": weights.next_progression,
            "transition": weights.next_transition,
        }.get(kind, 0.0)
        score = (
            coverage
            + bonus
            + (weights.next_salary if (change or 0.0) > 0 else weights.next_salary_drop)
            * max(-1.0, min(1.0, change or 0.0))
            - weights.next_prep * min(10.0, years_mid(prep))
        )
        option = {
            "role": step["to"],
            "kind": kind,
            "overlap": coverage,
            "skills_to_gain": step["skills_to_gain"],
            "salary_change": step["salary_change"],
            "score": round(score, 4),
            "currency": step["currency"],
            "id": target,
            "level_changes": step["level_changes"],
            "skills_unknown": step["skills_unknown"],
            "skills_note": step["skills_note"],
            "skills_estimated_from": step["skills_estimated_from"],
            "preparation": prep,
            "years_to_ready": span,
        }
        option["why"] = _why(option, kind, coverage, change)
        if kind == "suggested":
            option["similarity"] = similar_to[target]
        options.append(option)
    options.sort(key=lambda o: (-o["score"], o["role"]))
    return options[:top]
