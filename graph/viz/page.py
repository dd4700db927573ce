"""The interactive graph page: one self-contained HTML file that works offline.

The page draws the networkx projection (:mod:`graph.projection.network`) with
vis-network: roles sized by how many moves pass through them, their moves,
and on request the skills, sectors, employers and salary bands attached to
them. ``--path`` pages draw the best routes over a faded context and label
every step with its skills to gain; ``--focus`` pages draw one role's
neighbourhood.

Safety and offline use are the design constraints, so the page is rendered
with our own template rather than pyvis's (whose default template loads
vis-network and Bootstrap from CDNs, has no autoescape and sets tooltip
``innerHTML`` from data):

- vis-network's JS and CSS are inlined from the copy bundled in the pyvis
  wheel; the page references no other host (no CDN, font or image URL) and
  a Content-Security-Policy forbids any request and any script but ours.
- Text from guides and data files only reaches the page as JSON inside
  ``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped;
  the page's script reads it with ``JSON.parse`` and builds tooltips and
  panels with ``textContent``, never as markup. The template is Jinja with
  autoescape on.

pyvis's ``Network`` class is not used to assemble the data: it checks every
new edge against a list of all nodes (quadratic on big graphs) and imports
IPython; plain dicts in vis-network's own data format are simpler.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.errors import CareerGraphError, UsageError
from graph.levels import years_text
from graph.routes.preparation import prep_lines

__all__ = [
    "NODE_KINDS",
    "EDGE_KINDS",
    "DEFAULT_TYPES",
    "MAX_NODES",
    "parse_types",
    "page_data",
    "render_page",
    "write_page",
    "viz_page",
]

#: what each node kind looks like; the page's legend and the drawing share this table
NODE_KINDS: dict[str, dict[str, Any]] = {
    "role": {"name": "Role", "shape": "dot", "color": "#2563eb", "border": "#1e3a8a", "size": 16},
    "skill": {"name": "Skill", "shape": "triangle", "color": "#16a34a", "border": "#14532d",
              "size": 9},
    "sector": {"name": "Sector", "shape": "diamond", "color": "#9333ea", "border": "#581c87",
               "size": 12},
    "employer": {"name": "Employer", "shape": "square", "color": "#ea580c", "border": "#7c2d12",
                 "size": 9},
    "salary": {"name": "Salary band", "shape": "hexagon", "color": "#ca8a04", "border": "#713f12",
               "size": 10},
}

#: what each edge kind looks like; ``dashes`` follows vis-network (false or a dash pattern)
EDGE_KINDS: dict[str, dict[str, Any]] = {
    "progression": {"name": "Progression", "about": "a step up, curated in a guide or import",
                    "color": "#1e40af", "width": 2, "dashes": False, "arrow": True},
    "transition": {"name": "Transition", "about": "a sideways move, curated",
                   "color": "#0d9488", "width": 2, "dashes": [8, 5], "arrow": True},
    "suggested": {"name": "Suggested", "about": "inferred from similar roles, not curated",
                  "color": "#64748b", "width": 2, "dashes": [2, 5], "arrow": True},
    "requires": {"name": "Requires skill", "about": "role to one of its top skills",
                 "color": "#86efac", "width": 1, "dashes": False, "arrow": False},
    "sector": {"name": "In sector", "about": "role to a sector it works in",
               "color": "#d8b4fe", "width": 1, "dashes": [3, 3], "arrow": False},
    "hires": {"name": "Hires", "about": "employer to a role it hires for",
              "color": "#fdba74", "width": 1, "dashes": False, "arrow": True},
    "salary": {"name": "Pays", "about": "role to one of its salary bands",
               "color": "#fde047", "width": 1, "dashes": [1, 3], "arrow": False},
}

#: roles and their moves only: attached skills, sectors and employers crowd a whole-graph view
DEFAULT_TYPES: tuple[str, ...] = ("role",)

#: above this many nodes a page is refused: vis-network stays smooth, people stop reading
MAX_NODES = 400

#: skills drawn per role (most important first), so O*NET's long skill lists stay legible
TOP_SKILLS = 8

#: roles around a route drawn as faded context, the most connected to the route first
PATH_CONTEXT = 25

#: how many skills a route step's label lists before "+ N more"
STEP_LABEL_SKILLS = 3

#: most routes the planner form asks for (graph.web.api.MAX_K checks the same on the server)
PLANNER_MAX_K = 10

VIS_VERSION = "9.1.2"
_DEFAULT_TITLE = {"full": "Career map", "focus": "Career neighbourhood", "path": "Career routes"}
_CURRENCY = {"USD": "$", "EUR": "€", "GBP": "£", "INR": "₹", "JPY": "¥"}


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
                + ", ".join(NODE_KINDS) + "."
            )
        chosen.add(kind)
    return tuple(k for k in NODE_KINDS if k in chosen)


def _money(value: float, currency: str | None) -> str:
    symbol = _CURRENCY.get(currency or "", f"{currency} " if currency else "")
    if value >= 1000:
        return f"{symbol}{value / 1000:,.0f}k"
    return f"{symbol}{value:,.0f}"


def _band_text(band: Mapping[str, Any]) -> str:
    cur = band.get("currency")
    text = f"{_money(band['min'], cur)}–{_money(band['max'], cur)}"
    if band.get("open_ended"):
        text += "+"
    if band.get("median") is not None:
        text += f" (median {_money(band['median'], cur)})"
    level = band.get("level")
    return f"{level}: {text}" if level else text


def _skill_label(P: Any, iri: str) -> str:
    info = P.graph.get("skills", {}).get(iri)
    if info:
        return str(info["label"])
    return iri.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")


def _top_skills(P: Any, role: str, limit: int) -> list[str]:
    skills = P.nodes[role].get("skills") or {}

    def rank(iri: str) -> tuple[float, float, str]:
        info = skills[iri] or {}
        return (-(info.get("importance") or 0.0), -(info.get("level") or 0.0),
                _skill_label(P, iri).lower())

    return sorted(skills, key=rank)[:limit]


def _role_node(P: Any, role: str) -> dict[str, Any]:
    data = P.nodes[role]
    employers = [label for _, label in data.get("employers") or []]
    return {
        "id": role,
        "label": data.get("label") or role,
        "kind": "role",
        "value": P.in_degree(role) + P.out_degree(role),
        "card": {
            "salary": [_band_text(b) for b in data.get("salary") or []],
            "skills": [_skill_label(P, s) for s in _top_skills(P, role, 6)],
            "skillCount": len(data.get("skills") or {}),
            "sectors": [label for _, label in data.get("sectors") or []],
            "employers": employers[:6],
            "employerCount": len(employers),
            "movesIn": P.in_degree(role),
            "movesOut": P.out_degree(role),
            "guide": bool(data.get("has_guide")),
            "code": data.get("code"),
        },
    }


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


def _resolve(P: Any, text: str) -> str:
    if text in P:
        return text
    from graph.projection.resolve import resolve_role

    return resolve_role(P, text)


def _route_role(P: Any, value: Any, by_label: dict[str, str]) -> str:
    if isinstance(value, Mapping):
        value = value.get("id") or value.get("label")
    text = str(value)
    if text in P:
        return text
    if text in by_label:
        return by_label[text]
    raise UsageError(f"A route step names '{text}', which is not a role of this graph.")


def _normalise_routes(P: Any, paths: Any) -> list[dict[str, Any]]:
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
            skills = [_skill_label(P, s) if s in P.graph.get("skills", {}) else str(s)
                      for s in step.get("skills_to_gain") or []]
            kind = step.get("kind") or ("suggested" if not P.has_edge(source, target)
                                        else P.edges[source, target]["kind"])
            if kind not in ("progression", "transition", "suggested"):
                kind = "suggested"
            steps.append({
                "from": source, "to": target, "kind": kind, "skills": skills,
                "fromLabel": P.nodes[source]["label"], "toLabel": P.nodes[target]["label"],
                "salaryChange": _change_text(step.get("salary_change"), step.get("currency")),
                "prep": "; ".join(prep_lines(step.get("preparation"))),
            })
        if steps:
            routes.append({
                "rank": rank,
                "cost": route.get("cost"),
                "steps": steps,
                "skills": list(route.get("skills_to_gain") or []),
                "salaryChange": _change_text(route.get("salary_change"), route.get("currency")),
                "prep": "; ".join(prep_lines(route.get("preparation"), short=False)),
                "prepBasis": (route.get("preparation") or {}).get("basis") or "",
                "ready": years_text(route["years_to_ready"]) if route.get("years_to_ready")
                else "",
            })
    return routes


def _path_roles(P: Any, routes: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
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


def _focus_roles(P: Any, focus: str, depth: int) -> list[str]:
    import networkx as nx

    if depth < 0:
        raise UsageError(f"--depth must be 0 or more, not {depth}.")
    reach = nx.single_source_shortest_path_length(P.to_undirected(as_view=True), focus,
                                                  cutoff=depth)
    return sorted(reach, key=lambda r: (reach[r], P.nodes[r]["label"]))


def _attach(P: Any, roles: Iterable[str], types: Sequence[str], nodes: dict[str, dict[str, Any]],
            edges: list[dict[str, Any]]) -> None:
    """Add the skill, sector, employer and salary nodes of ``roles`` that ``types`` asks for."""
    for role in roles:
        data = P.nodes[role]
        if "skill" in types:
            for iri in _top_skills(P, role, TOP_SKILLS):
                info = P.graph.get("skills", {}).get(iri, {})
                node = nodes.setdefault(iri, {
                    "id": iri, "label": _skill_label(P, iri), "kind": "skill",
                    "card": {"type": info.get("type", "skill"), "roles": 0},
                })
                node["card"]["roles"] += 1
                edges.append({"id": f"requires:{role}->{iri}", "from": role, "to": iri,
                              "kind": "requires"})
        if "sector" in types:
            for iri, label in data.get("sectors") or []:
                node = nodes.setdefault(iri, {"id": iri, "label": label, "kind": "sector",
                                              "card": {"roles": 0}})
                node["card"]["roles"] += 1
                edges.append({"id": f"sector:{role}->{iri}", "from": role, "to": iri,
                              "kind": "sector"})
        if "employer" in types:
            for iri, label in data.get("employers") or []:
                node = nodes.setdefault(iri, {"id": iri, "label": label, "kind": "employer",
                                              "card": {"roles": 0}})
                node["card"]["roles"] += 1
                edges.append({"id": f"hires:{iri}->{role}", "from": iri, "to": role,
                              "kind": "hires"})
        if "salary" in types:
            for i, band in enumerate(data.get("salary") or []):
                iri = f"{role}#salary-{i + 1}"
                text = _band_text({**band, "level": None})
                nodes[iri] = {"id": iri, "label": f"{band.get('level') or 'Salary'}\n{text}",
                              "kind": "salary",
                              "card": {"role": data.get("label"), "band": _band_text(band)}}
                edges.append({"id": f"salary:{role}->{iri}", "from": role, "to": iri,
                              "kind": "salary"})


def _refuse(nodes: Mapping[str, Mapping[str, Any]], max_nodes: int, hint: str) -> None:
    counts: dict[str, int] = {}
    for node in nodes.values():
        counts[node["kind"]] = counts.get(node["kind"], 0) + 1
    parts = ", ".join(f"{n:,} {NODE_KINDS[k]['name'].lower()}{'' if n == 1 else 's'}"
                      for k, n in counts.items())
    raise UsageError(
        f"The page would draw {len(nodes):,} nodes ({parts}); more than {max_nodes:,} "
        f"are not readable. {hint}"
    )


def page_data(
    P: Any,
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
        meta.update(mode="path", start=first, goal=last, startLabel=P.nodes[first]["label"],
                    goalLabel=P.nodes[last]["label"])
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
        hint = ("Draw part of the graph: --focus ROLE (with --depth N) or --path FROM TO, "
                "or fewer --types.")
    for role in roles:
        nodes[role] = _role_node(P, role)
    if len(nodes) > max_nodes:
        _refuse(nodes, max_nodes, hint)
    drawn = set(roles)
    for u, v, data in P.edges(data=True):
        if u in drawn and v in drawn:
            edges.append({
                "id": f"{u}->{v}", "from": u, "to": v, "kind": data.get("kind", "transition"),
                "skills": [_skill_label(P, s) for s in data.get("skills_to_gain") or []],
            })
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
                    edge = {"id": f"suggested:{key}", "from": step["from"], "to": step["to"],
                            "kind": "suggested", "skills": step["skills"]}
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
    meta.update(counts=counts, edgeCounts=edge_counts, roleTotal=P.number_of_nodes(),
                moveTotal=P.number_of_edges())
    return {"nodes": list(nodes.values()), "edges": edges, "routes": routes, "meta": meta}


def _subtitle(meta: Mapping[str, Any]) -> str:
    roles, moves = meta["counts"]["role"], sum(
        meta["edgeCounts"][k] for k in ("progression", "transition", "suggested"))
    if meta["mode"] == "path":
        return f"Routes from {meta['startLabel']} to {meta['goalLabel']}"
    if meta["mode"] == "focus":
        steps = "move" if meta["depth"] == 1 else "moves"
        return f"{meta['focusLabel']} and the roles within {meta['depth']} {steps}"
    if not meta.get("overview", True):
        return (f"{meta['roleTotal']:,} roles and {meta['moveTotal']:,} moves, too many to draw "
                "at once: plan a route to draw it")
    return f"All {roles:,} roles and {moves:,} moves"


def _json_for_html(data: Any) -> str:
    """JSON that cannot end its ``<script>`` element or open markup, whatever the text holds."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _inline_script(code: str) -> str:
    # '</script' would end the element early and '<!--' changes how it is parsed;
    # '<\/' and '<\!' mean the same inside JS strings and regexes, the only places they occur
    return code.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT").replace(
        "<!--", "<\\!--")


def _csp_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"


def _version_key(folder: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in folder.name.removeprefix("vis-").split(".") if p.isdigit())


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS, from the copy in the pyvis wheel (pyvis is not imported)."""
    spec = importlib.util.find_spec("pyvis")
    found: list[Path] = []
    for folder in list(spec.submodule_search_locations or []) if spec else []:
        found += [js.parent for js in Path(folder).glob("templates/lib/vis-*/vis-network.min.js")
                  if (js.parent / "vis-network.css").is_file()]
    if not found:
        from graph.errors import DataError

        raise DataError(
            "vis-network was not found in the installed pyvis package; "
            "reinstall it with: pip install 'pyvis>=0.3.2'."
        )
    # the version this page was designed and tested with, else the newest bundled one
    lib = next((f for f in found if f.name == f"vis-{VIS_VERSION}"), max(found, key=_version_key))
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    return _inline_script(js), css.replace("</style", "<\\/style")


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from graph.resources import package_file

    return Environment(
        loader=FileSystemLoader(str(package_file("templates"))),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=4)
def _page_script(name: str = "graph.js") -> str:
    from graph.resources import package_file

    return _inline_script(package_file("templates", name).read_text(encoding="utf-8"))


def render_page(
    P: Any,
    *,
    focus: str | None = None,
    depth: int = 1,
    paths: Any = None,
    types: str | Iterable[str] | None = DEFAULT_TYPES,
    title: str | None = None,
    max_nodes: int = MAX_NODES,
    overview: bool = True,
    planner: bool = False,
) -> str:
    """Return the interactive graph page as one self-contained HTML string.

    Takes the same arguments as :func:`page_data`, plus ``title`` (the page's
    heading; text, escaped). The page needs no network: vis-network, styles
    and data are all inside it. ``planner`` adds the route planner's form
    (templates ``planner.*``), which asks ``careergraph serve``'s ``/api/``
    on the same origin and draws its answers in place; only a served page
    has it.

    Raises
    ------
    UsageError
        See :func:`page_data`.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph(skills={})
    >>> P.add_node("r:a", label="<b>Analyst</b>")
    >>> html = render_page(P, title="A & B")
    >>> "<title>A &amp; B</title>" in html, "<b>Analyst" in html
    (True, False)
    """
    from markupsafe import Markup

    from graph import __version__

    data = page_data(P, focus=focus, depth=depth, paths=paths, types=types, max_nodes=max_nodes,
                     overview=overview)
    meta = data["meta"]
    meta["style"] = {"nodes": NODE_KINDS, "edges": EDGE_KINDS}
    meta["version"] = __version__
    meta["build"] = P.graph.get("fingerprint")
    vis_js, vis_css = _vis_assets()
    page_js = _page_script()
    planner_js = _page_script("planner.js") if planner else ""
    scripts = [_csp_hash(vis_js), _csp_hash(page_js)]
    if planner:
        scripts.append(_csp_hash(planner_js))
    csp = "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(scripts),
        "style-src 'unsafe-inline'",
        "img-src data:",
        # the planner asks the API of the server that sent the page, and nothing else
        *(["connect-src 'self'"] if planner else []),
        "base-uri 'none'",
        "form-action 'self'" if planner else "form-action 'none'",
    ])
    template = _environment().get_template("graph.html.j2")
    return str(template.render(
        title=title or _DEFAULT_TITLE[meta["mode"]],
        subtitle=_subtitle(meta),
        meta=meta,
        node_kinds=NODE_KINDS,
        edge_kinds=EDGE_KINDS,
        csp=csp,
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
        page_js=Markup(page_js),
        planner=planner,
        planner_js=Markup(planner_js),
        planner_max_k=PLANNER_MAX_K,
        data_json=Markup(_json_for_html(data)),
        version=__version__,
    ))


def write_page(html: str, path: str | os.PathLike[str]) -> Path:
    """Write the page to ``path`` atomically and return the path.

    The page goes to a temporary file beside ``path`` that then replaces it,
    so a failure leaves any previous page as it was.

    Raises
    ------
    CareerGraphError
        The page cannot be written (exit code 1); the message names the path.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     out = write_page("<!doctype html>", Path(folder) / "sub" / "g.html")
    ...     out.read_text()
    '<!doctype html>'
    """
    target = Path(path)
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".html")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(html)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise CareerGraphError(
            f"Cannot write the page to {target}: {exc.strerror or exc}. "
            "Any previous page there is unchanged; choose another file with --out."
        ) from exc
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
    return target


def viz_page(
    store: Any,
    *,
    focus: str | None = None,
    depth: int = 1,
    path: tuple[str, str] | None = None,
    k: int = 3,
    have: Iterable[str] = (),
    types: str | Iterable[str] | None = DEFAULT_TYPES,
    title: str | None = None,
    max_nodes: int = MAX_NODES,
    planner: bool = False,
) -> str:
    """Return the page for a store: resolve role names, search routes, render.

    ``path`` is ``(FROM, TO)`` as a person types them; the ``k`` best routes
    of :func:`graph.routes.reports.path_report` (honouring ``have``, skills already
    held) are drawn. Other arguments as in :func:`render_page`; a planner
    page of a graph too big to draw whole starts from an empty map.

    Raises
    ------
    UnknownRoleError, AmbiguousRoleError
        A role name does not resolve.
    NoRouteError
        ``path`` names two roles with no route between them.
    UsageError
        See :func:`page_data`.

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> html = viz_page(open_store(), path=("TPM", "Director of Technical Program Management"))
    >>> "<title>Career routes</title>" in html
    True
    """
    from graph.projection.cache import load_projection

    P = load_projection(store)
    if path is not None and focus is not None:
        raise UsageError("Use --focus or --path, not both.")
    routes = None
    if path is not None:
        from graph.routes.reports import path_report

        routes = path_report(P, path[0], path[1], k=k, have=have)
    overview = not (planner and focus is None and routes is None
                    and P.number_of_nodes() > max_nodes)
    return render_page(P, focus=focus, depth=depth, paths=routes, types=types, title=title,
                       max_nodes=max_nodes, overview=overview, planner=planner)
