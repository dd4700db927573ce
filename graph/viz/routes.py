"""Routes drawn on the page: the steps of each route with their labels, and the roles they pass."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from graph.errors import UsageError
from graph.levels import years_text
from graph.routes.preparation import prep_lines
from graph.viz.nodes import _money, _skill_label

__all__ = []


#: roles around a route drawn as faded context, the most connected to the route first
PATH_CONTEXT = 25


#: how many skills a route step's label lists before "+ N more"
STEP_LABEL_SKILLS = 3


def _change_text(change: Any, currency: str | None) -> str | None:
    """``+$40k`` for a pay change between band midpoints; None when unknown."""
    if change is None:
        return None
    value = float(change)
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return sign + _money(abs(value), currency or "USD")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _step_label(skills: Sequence[str]) -> str:
    if not skills:
        return "no new skills listed"
    shown = [f"+ {_clip(s, 32)}" for s in skills[:STEP_LABEL_SKILLS]]
    if len(skills) > STEP_LABEL_SKILLS:
        shown.append(f"+ {len(skills) - STEP_LABEL_SKILLS} more")
    return "\n".join(shown)


def _resolve(P: nx.DiGraph, text: str) -> str:
    if text in P:
        return text
    from graph.projection.resolve import resolve_role

    return resolve_role(P, text)


def _route_role(P: nx.DiGraph, value: Any, by_label: dict[str, str]) -> str:
    if isinstance(value, Mapping):
        value = value.get("id") or value.get("label")
    text = str(value)
    if text in P:
        return text
    if text in by_label:
        return by_label[text]
    raise UsageError(f"A route step names '{text}', which is not a role of this graph.")


def _normalise_routes(P: nx.DiGraph, paths: Any) -> list[dict[str, Any]]:
    """Routes in the ``path --format json`` shape, with role IRIs beside the labels."""
    if isinstance(paths, Mapping):
        paths = paths.get("routes", [])
    by_label: dict[str, str] = {}
    for role, data in P.nodes(data=True):
        by_label.setdefault(str(data.get("label")), role)
    routes = []
    for rank, route in enumerate(paths or [], start=1):
        steps = []
        for step in route.get("steps", []):
            source = _route_role(P, step.get("from_id") or step["from"], by_label)
            target = _route_role(P, step.get("to_id") or step["to"], by_label)
            skills = [
                _skill_label(P, s) if s in P.graph.get("skills", {}) else str(s)
                for s in step.get("skills_to_gain") or []
            ]
            kind = step.get("kind") or (
                "suggested" if not P.has_edge(source, target) else P.edges[source, target]["kind"]
            )
            if kind not in ("progression", "transition", "suggested"):
                kind = "suggested"
            steps.append(
                {
                    "from": source,
                    "to": target,
                    "kind": kind,
                    "skills": skills,
                    "fromLabel": P.nodes[source]["label"],
                    "toLabel": P.nodes[target]["label"],
                    "salaryChange": _change_text(step.get("salary_change"), step.get("currency")),
                    "prep": "; ".join(prep_lines(step.get("preparation"))),
                }
            )
        if steps:
            routes.append(
                {
                    "rank": rank,
                    "cost": route.get("cost"),
                    "steps": steps,
                    "skills": list(route.get("skills_to_gain") or []),
                    "salaryChange": _change_text(route.get("salary_change"), route.get("currency")),
                    "prep": "; ".join(prep_lines(route.get("preparation"), short=False)),
                    "prepBasis": (route.get("preparation") or {}).get("basis") or "",
                    "ready": years_text(route["years_to_ready"])
                    if route.get("years_to_ready")
                    else "",
                }
            )
    return routes


def _path_roles(P: nx.DiGraph, routes: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """Roles on the routes, and the faded context around them (most linked first)."""
    on_route: list[str] = []
    for route in routes:
        for step in route["steps"]:
            for role in (step["from"], step["to"]):
                if role not in on_route:
                    on_route.append(role)
    route_set = set(on_route)
    links: dict[str, int] = {}
    for role in on_route:
        for other in list(P.successors(role)) + list(P.predecessors(role)):
            if other not in route_set:
                links[other] = links.get(other, 0) + 1
    context = sorted(links, key=lambda r: (-links[r], -P.degree(r), P.nodes[r]["label"]))
    return on_route, context[:PATH_CONTEXT]
