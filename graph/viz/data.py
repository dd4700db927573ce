"""What the graph page draws: nodes, edges and routes as plain data.

:func:`page_data` chooses the roles (the whole map, a focus and its
neighbourhood, or the routes between two roles) and describes each node and
edge; :mod:`graph.viz.page` renders it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from graph.errors import UsageError
from graph.viz.nodes import (
    NODE_KINDS,
    TOP_SKILLS,
    _band_text,
    _role_node,
    _skill_label,
    _top_skills,
)
from graph.viz.routes import _normalise_routes, _path_roles, _resolve, _step_label

__all__ = ["EDGE_KINDS", "DEFAULT_TYPES", "MAX_NODES", "parse_types", "page_data"]


#: what each edge kind looks like; ``dashes`` follows vis-network (false or a dash pattern)
EDGE_KINDS: dict[str, dict[str, Any]] = {
    "progression": {
        "name": "Progression",
        "about": "a step up, curated in a guide or import",
        "color": "#1e40af",
        "width": 2,
        "dashes": False,
        "arrow": True,
    },
    "transition": {
        "name": "Transition",
        "about": "a sideways move, curated",
        "color": "#0d9488",
        "width": 2,
        "dashes": [8, 5],
        "arrow": True,
    },
    "suggested": {
        "name": "Suggested",
        "about": "inferred from similar roles, not curated",
        "color": "#64748b",
        "width": 2,
        "dashes": [2, 5],
        "arrow": True,
    },
    "requires": {
        "name": "Requires skill",
        "about": "role to one of its top skills",
        "color": "#86efac",
        "width": 1,
        "dashes": False,
        "arrow": False,
    },
    "sector": {
        "name": "In sector",
        "about": "role to a sector it works in",
        "color": "#d8b4fe",
        "width": 1,
        "dashes": [3, 3],
        "arrow": False,
    },
    "hires": {
        "name": "Hires",
        "about": "employer to a role it hires for",
        "color": "#fdba74",
        "width": 1,
        "dashes": False,
        "arrow": True,
    },
    "salary": {
        "name": "Pays",
        "about": "role to one of its salary bands",
        "color": "#fde047",
        "width": 1,
        "dashes": [1, 3],
        "arrow": False,
    },
}


#: roles and their moves only: attached skills, sectors and employers crowd a whole-graph view
DEFAULT_TYPES: tuple[str, ...] = ("role",)


#: above this many nodes a page is refused: vis-network stays smooth, people stop reading
MAX_NODES = 400


_DEFAULT_TITLE = {"full": "Career map", "focus": "Career neighbourhood", "path": "Career routes"}


def parse_types(types: str | Iterable[str] | None) -> tuple[str, ...]:
    """Return the node kinds to draw from ``"role,skill"`` or a list; roles always included.

    Raises
    ------
    UsageError
        A kind is unknown; the message lists the known ones.

    Examples
    --------
    >>> parse_types("skill, sector")
    ('role', 'skill', 'sector')
    >>> parse_types(None)
    ('role',)
    >>> parse_types("role,skils")
    Traceback (most recent call last):
    ...
    graph.errors.UsageError: Unknown node kind 'skils' in --types; choose from: role, skill, \
sector, employer, salary.
    """
    if types is None:
        return DEFAULT_TYPES
    items = types.split(",") if isinstance(types, str) else list(types)
    chosen = {"role"}
    for item in items:
        kind = item.strip().lower()
        if kind in ("salary band", "salary-band", "band"):
            kind = "salary"
        if kind.endswith("s") and kind[:-1] in NODE_KINDS:
            kind = kind[:-1]
        if not kind:
            continue
        if kind not in NODE_KINDS:
            raise UsageError(
                f"Unknown node kind '{item.strip()}' in --types; choose from: "
                + ", ".join(NODE_KINDS)
                + "."
            )
        chosen.add(kind)
    return tuple(k for k in NODE_KINDS if k in chosen)


def _focus_roles(P: nx.DiGraph, focus: str, depth: int) -> list[str]:
    import networkx as nx

    if depth < 0:
        raise UsageError(f"--depth must be 0 or more, not {depth}.")
    reach = nx.single_source_shortest_path_length(
        P.to_undirected(as_view=True), focus, cutoff=depth
    )
    return sorted(reach, key=lambda r: (reach[r], P.nodes[r]["label"]))


def _attach(
    P: nx.DiGraph,
    roles: Iterable[str],
    types: Sequence[str],
    nodes: dict[str, dict[str, Any]],
    edges: list[dict[str, Any]],
) -> None:
    """Add the skill, sector, employer and salary nodes of ``roles`` that ``types`` asks for."""
    for role in roles:
        data = P.nodes[role]
        if "skill" in types:
            for iri in _top_skills(P, role, TOP_SKILLS):
                info = P.graph.get("skills", {}).get(iri, {})
                node = nodes.setdefault(
                    iri,
                    {
                        "id": iri,
                        "label": _skill_label(P, iri),
                        "kind": "skill",
                        "card": {"type": info.get("type", "skill"), "roles": 0},
                    },
                )
                node["card"]["roles"] += 1
                edges.append(
                    {"id": f"requires:{role}->{iri}", "from": role, "to": iri, "kind": "requires"}
                )
        if "sector" in types:
            for iri, label in data.get("sectors") or []:
                node = nodes.setdefault(
                    iri, {"id": iri, "label": label, "kind": "sector", "card": {"roles": 0}}
                )
                node["card"]["roles"] += 1
                edges.append(
                    {"id": f"sector:{role}->{iri}", "from": role, "to": iri, "kind": "sector"}
                )
        if "employer" in types:
            for iri, label in data.get("employers") or []:
                node = nodes.setdefault(
                    iri, {"id": iri, "label": label, "kind": "employer", "card": {"roles": 0}}
                )
                node["card"]["roles"] += 1
                edges.append(
                    {"id": f"hires:{iri}->{role}", "from": iri, "to": role, "kind": "hires"}
                )
        if "salary" in types:
            for i, band in enumerate(data.get("salary") or []):
                iri = f"{role}#salary-{i + 1}"
                text = _band_text({**band, "level": None})
                nodes[iri] = {
                    "id": iri,
                    "label": f"{band.get('level') or 'Salary'}\n{text}",
                    "kind": "salary",
                    "card": {"role": data.get("label"), "band": _band_text(band)},
                }
                edges.append(
                    {"id": f"salary:{role}->{iri}", "from": role, "to": iri, "kind": "salary"}
                )


def _refuse(nodes: Mapping[str, Mapping[str, Any]], max_nodes: int, hint: str) -> None:
    counts: dict[str, int] = {}
    for node in nodes.values():
        counts[node["kind"]] = counts.get(node["kind"], 0) + 1
    parts = ", ".join(
        f"{n:,} {NODE_KINDS[k]['name'].lower()}{'' if n == 1 else 's'}" for k, n in counts.items()
    )
    raise UsageError(
        f"The page would draw {len(nodes):,} nodes ({parts}); more than {max_nodes:,} "
        f"are not readable. {hint}"
    )


def page_data(
    P: nx.DiGraph,
    *,
    focus: str | None = None,
    depth: int = 1,
    paths: Any = None,
    types: str | Iterable[str] | None = DEFAULT_TYPES,
    max_nodes: int = MAX_NODES,
    overview: bool = True,
) -> dict[str, Any]:
    """Return the nodes, edges and routes a page draws, in vis-network's data format.

    Parameters
    ----------
    P : networkx.DiGraph
        The projection from :func:`graph.projection.cache.load_projection`.
    focus : str, optional
        A role (IRI or anything :func:`graph.projection.resolve.resolve_role` accepts):
        draw only the roles within ``depth`` moves of it, either direction.
    depth : int
        How many moves around ``focus`` to draw.
    paths : list of dict or dict, optional
        Routes in the ``careergraph path --format json`` shape (the dict, or
        its ``routes``); steps name roles by IRI (``from_id``/``to_id``) or
        label (``from``/``to``). The routes' roles are highlighted over a
        faded context of their neighbours.
    types : str or iterable of str
        Node kinds to draw besides roles: ``skill``, ``sector``,
        ``employer``, ``salary``. On route pages they are attached to route
        roles only.
    max_nodes : int
        Refuse to draw more nodes than this.
    overview : bool
        With neither ``focus`` nor ``paths``: draw every role (the default),
        or none (``meta["overview"]`` is then false; the route planner draws
        on the empty map).

    Returns
    -------
    dict
        ``nodes``, ``edges``, ``routes`` and ``meta`` (mode, counts, kinds).

    Raises
    ------
    UsageError
        Both ``focus`` and ``paths`` given, an unknown kind or role, or more
        than ``max_nodes`` nodes (the message says how to draw less).

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph(skills={})
    >>> P.add_node("r:a", label="Analyst")
    >>> P.add_node("r:b", label="Lead")
    >>> P.add_edge("r:a", "r:b", kind="progression", skills_to_gain=[])
    >>> data = page_data(P)
    >>> [n["label"] for n in data["nodes"]], [e["kind"] for e in data["edges"]]
    (['Analyst', 'Lead'], ['progression'])
    """
    if focus is not None and paths is not None:
        raise UsageError("Use --focus or --path, not both.")
    kinds = parse_types(types)
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, Any]] = []
    routes: list[dict[str, Any]] = []
    meta: dict[str, Any] = {"mode": "full", "types": list(kinds)}
    if paths is not None:
        routes = _normalise_routes(P, paths)
        if not routes:
            raise UsageError("No route to draw: the route list is empty.")
        on_route, context = _path_roles(P, routes)
        first, last = routes[0]["steps"][0]["from"], routes[0]["steps"][-1]["to"]
        meta.update(
            mode="path",
            start=first,
            goal=last,
            startLabel=P.nodes[first]["label"],
            goalLabel=P.nodes[last]["label"],
        )
        roles = on_route + context
        attached: list[str] = on_route
        hint = "Draw fewer --types."
    elif focus is not None:
        focus = _resolve(P, focus)
        roles = _focus_roles(P, focus, depth)
        attached = roles
        meta.update(mode="focus", focus=focus, focusLabel=P.nodes[focus]["label"], depth=depth)
        hint = "Use a smaller --depth or fewer --types."
    else:
        roles = sorted(P.nodes, key=lambda r: P.nodes[r]["label"]) if overview else []
        attached = roles
        meta["overview"] = overview
        hint = (
            "Draw part of the graph: --focus ROLE (with --depth N) or --path FROM TO, "
            "or fewer --types."
        )
    for role in roles:
        nodes[role] = _role_node(P, role)
    if len(nodes) > max_nodes:
        _refuse(nodes, max_nodes, hint)
    drawn = set(roles)
    for u, v, data in P.edges(data=True):
        if u in drawn and v in drawn:
            edges.append(
                {
                    "id": f"{u}->{v}",
                    "from": u,
                    "to": v,
                    "kind": data.get("kind", "transition"),
                    "skills": [_skill_label(P, s) for s in data.get("skills_to_gain") or []],
                }
            )
    if routes:
        by_id = {e["id"]: e for e in edges}
        route_roles = {r for route in routes for s in route["steps"] for r in (s["from"], s["to"])}
        for role in roles:
            nodes[role]["route"] = role in route_roles
        nodes[meta["start"]]["endpoint"] = "start"
        nodes[meta["goal"]]["endpoint"] = "goal"
        for route in routes:
            for step in route["steps"]:
                key = f"{step['from']}->{step['to']}"
                edge = by_id.get(key) or by_id.get(f"suggested:{key}")
                if edge is None:
                    edge = {
                        "id": f"suggested:{key}",
                        "from": step["from"],
                        "to": step["to"],
                        "kind": "suggested",
                        "skills": step["skills"],
                    }
                    edges.append(edge)
                    by_id[edge["id"]] = edge
                edge.setdefault("routes", []).append(route["rank"])
                # the route's own delta (it honours --have), not the curated list
                edge["skills"] = step["skills"]
                edge["label"] = _step_label(step["skills"])
                if step["salaryChange"]:
                    edge["pay"] = step["salaryChange"]
                if step["prep"]:
                    edge["prep"] = step["prep"]
    if focus is not None:
        nodes[focus]["focus"] = True
    _attach(P, attached, kinds, nodes, edges)
    if len(nodes) > max_nodes:
        _refuse(nodes, max_nodes, hint)
    counts: dict[str, int] = dict.fromkeys(NODE_KINDS, 0)
    for node in nodes.values():
        counts[node["kind"]] += 1
    edge_counts: dict[str, int] = dict.fromkeys(EDGE_KINDS, 0)
    for edge in edges:
        edge_counts[edge["kind"]] += 1
    meta.update(
        counts=counts,
        edgeCounts=edge_counts,
        roleTotal=P.number_of_nodes(),
        moveTotal=P.number_of_edges(),
    )
    return {"nodes": list(nodes.values()), "edges": edges, "routes": routes, "meta": meta}


def _subtitle(meta: Mapping[str, Any]) -> str:
    roles, moves = (
        meta["counts"]["role"],
        sum(meta["edgeCounts"][k] for k in ("progression", "transition", "suggested")),
    )
    if meta["mode"] == "path":
        return f"Routes from {meta['startLabel']} to {meta['goalLabel']}"
    if meta["mode"] == "focus":
        steps = "move" if meta["depth"] == 1 else "moves"
        return f"{meta['focusLabel']} and the roles within {meta['depth']} {steps}"
    if not meta.get("overview", True):
        return (
            f"{meta['roleTotal']:,} roles and {meta['moveTotal']:,} moves, too many to draw "
            "at once: plan a route to draw it"
        )
    return f"All {roles:,} roles and {moves:,} moves"
