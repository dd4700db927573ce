"""Reports: the k best routes, next moves, a skill gap and similar roles, as the CLI prints them.

Each function takes the projection ``P`` and role names as a person types
them, resolves the names (:mod:`graph.resolve`), runs the algorithms of
:mod:`graph.paths` and returns plain data: the JSON contracts of ``path``,
``next``, ``gap`` and ``similar``. None of them prints.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import networkx as nx

from graph.errors import NoRouteError, UsageError
from graph.paths import (
    WIDE_SUGGEST_TOP,
    Weights,
    _label,
    _order,
    _ref,
    _skill_label,
    _step,
    k_routes,
    next_moves,
    resolve_skills,
    routing_graph,
    salary_change,
)
from graph.payview import pay_facts
from graph.skillview import rank_skills, select_skills, skills_by_label

__all__ = ["path_report", "next_report", "gap_report", "similar_report"]


def _resolve(P: Any, text: str) -> str:
    from graph.resolve import resolve_role

    return resolve_role(P, text)


def _resolve_avoid(P: Any, avoid: Iterable[str]) -> set[str]:
    return {_resolve(P, name) for name in avoid}


def _skill_iris(P: Any, labels: list[str]) -> list[str]:
    """The skill IRIs behind a step's labels (labels are unique: see ``_skill_label``)."""
    by_label = skills_by_label(P, lambda s: _skill_label(P, s))
    return [by_label.get(label, label) for label in labels]


def _readable(P: Any, row: dict[str, Any], source: str, target: str) -> dict[str, Any]:
    """Add to a step (or move, or gap) what a person reads first.

    ``skills_shown``: the skills that matter most (importance x gap, levels in
    words; :mod:`graph.skillview`), ``skills_more``: how many more
    ``skills_to_gain`` holds, ``pay``: what the pay figures rest on
    (:mod:`graph.payview`).
    """
    by_name = {c["skill"]: (c["from"], c["to"]) for c in row.get("level_changes") or ()}
    iris = _skill_iris(P, row["skills_to_gain"])
    levels = {
        iri: by_name[name]
        for iri, name in zip(iris, row["skills_to_gain"], strict=True)
        if name in by_name
    }
    ranked = rank_skills(P, source, target, iris, levels, label=lambda s: _skill_label(P, s))
    shown = select_skills(ranked)
    row["skills_shown"] = shown
    row["skills_more"] = len(ranked) - len(shown)
    row["pay"] = pay_facts(P, source, target)
    return row


def _held(P: Any, role: str, have: frozenset[str]) -> dict[str, float]:
    """Skills (and levels) a person in ``role`` who has ``have`` holds."""
    held = {s: math.inf for s in have}
    _learn(held, P.nodes[role].get("skills") or {})
    return held


def _learn(held: dict[str, float], profile: dict[str, Any]) -> None:
    for skill, rating in profile.items():
        level = rating.get("level") if rating else None
        held[skill] = max(held.get(skill, -math.inf), math.inf if level is None else level)


def path_report(
    P: Any,
    source: str,
    target: str,
    *,
    k: int = 3,
    have: Iterable[str] = (),
    max_steps: int | None = None,
    avoid: Iterable[str] = (),
    weights: Weights | None = None,
) -> dict[str, Any]:
    """The ``k`` best routes between two roles named as a person types them.

    Returns
    -------
    dict
        ``{"from": {"id", "label"}, "to": {"id", "label"}, "routes": [{"cost",
        "steps": [{"from", "to", "kind", "skills_to_gain", "skills_kept",
        "salary_change", ..., "skills_shown", "skills_more", "pay"}],
        "skills_to_gain", "salary_change", "pay"}], ...}``.
        A route's ``skills_to_gain`` is the union over its steps minus ``have``;
        a step's ``skills_shown`` are its skills that matter most (importance x
        gap, levels in words; :mod:`graph.skillview`) and ``skills_more`` how
        many more it has; ``pay`` says what the pay figures rest on
        (:func:`graph.payview.pay_facts`).

    Raises
    ------
    UnknownRoleError, AmbiguousRoleError, UsageError, NoRouteError

    Examples
    --------
    >>> from graph.network import load_projection
    >>> from graph.store import open_store
    >>> P = load_projection(open_store())
    >>> report = path_report(P, "TPM", "Director of Technical Program Management", k=2)
    >>> [len(r["steps"]) for r in report["routes"]]
    [1, 2]
    """
    weights = weights or Weights()
    src, dst = _resolve(P, source), _resolve(P, target)
    have_iris = resolve_skills(P, have)
    avoided = _resolve_avoid(P, avoid)
    try:
        found = k_routes(P, src, dst, k, have_iris, max_steps, avoided, weights)
    except NoRouteError:
        # a graph with few curated moves (ESCO has none): when no chain of moves connects the
        # two roles at all, let every role suggest more of its similar roles and look again
        narrow = routing_graph(P, weights)
        if not 0 < weights.suggest_top < WIDE_SUGGEST_TOP or nx.has_path(narrow, src, dst):
            raise
        weights = replace(weights, suggest_top=WIDE_SUGGEST_TOP)
        found = k_routes(P, src, dst, k, have_iris, max_steps, avoided, weights)
    routes = []
    for cost, steps in found:
        similarity = {
            (u, v): routing_graph(P, weights).edges[u, v].get("similarity") for u, v, _ in steps
        }
        # what earlier steps taught is not to gain again later on the same route
        held = _held(P, src, have_iris)
        rows = []
        for u, v, kind in steps:
            step = _step(P, u, v, kind, have_iris, weights, similarity[u, v], held)
            rows.append(_readable(P, step, u, v))
            _learn(held, P.nodes[v].get("skills") or {})
            for skill in (P.get_edge_data(u, v) or {}).get("skills_to_gain") or ():
                held.setdefault(skill, math.inf)
        union: list[str] = []
        for row in rows:
            union.extend(s for s in row["skills_to_gain"] if s not in union)
        routes.append(
            {
                "cost": cost,
                "steps": rows,
                "skills_to_gain": union,
                "salary_change": salary_change(P, src, dst),
                "currency": P.nodes[dst].get("currency") or "USD",
                "pay": pay_facts(P, src, dst),
            }
        )
    return {
        "from": _ref(P, src),
        "to": _ref(P, dst),
        "routes": routes,
        "have": sorted(_skill_label(P, s) for s in have_iris),
        "avoid": sorted(_label(P, r) for r in avoided),
    }


def next_report(
    P: Any, role: str, *, top: int = 10, have: Iterable[str] = (), weights: Weights | None = None
) -> dict[str, Any]:
    """Ranked one-step moves from a role named as a person types it.

    Returns
    -------
    dict
        ``{"role": {"id", "label"}, "options": [{"role", "kind", "overlap",
        "skills_to_gain", "salary_change", "score", ..., "skills_shown",
        "skills_more", "pay"}]}`` (see :func:`path_report`).

    Examples
    --------
    >>> from graph.network import load_projection
    >>> from graph.store import open_store
    >>> report = next_report(load_projection(open_store()), "TPM", top=3)
    >>> len(report["options"])
    3
    """
    iri = _resolve(P, role)
    have_iris = resolve_skills(P, have)
    options = next_moves(P, iri, top, have_iris, weights)
    for option in options:
        _readable(P, option, iri, option["id"])
    return {
        "role": _ref(P, iri),
        "options": options,
        "have": sorted(_skill_label(P, s) for s in have_iris),
    }


def gap_report(
    P: Any, source: str, target: str, *, have: Iterable[str] = (), weights: Weights | None = None
) -> dict[str, Any]:
    """The skill delta between any two roles, whether or not a route joins them.

    Returns
    -------
    dict
        ``from``/``to`` (``{"id", "label"}``), ``skills_to_gain``,
        ``skills_kept``, ``level_changes``, ``salary_change``, ``move`` (the
        curated move's kind or null), ``skills_unknown``, and two lists of
        commonly missing skills: ``missing_per_target_guide`` (skills the TO
        role's guide says people moving into it often lack) and
        ``missing_per_source_guide`` (skills the FROM role's guide says its
        holders often lack, that TO requires). Both leave out ``have``.
        Then ``skills_shown`` and ``skills_more`` (the skills that matter
        most, see :mod:`graph.skillview`), ``pay`` (:func:`graph.payview.pay_facts`)
        and ``has_guide`` (``{"from", "to"}``: whether a guide describes each role).

    Raises
    ------
    UnknownRoleError, AmbiguousRoleError, UsageError

    Examples
    --------
    >>> from graph.network import load_projection
    >>> from graph.store import open_store
    >>> report = gap_report(load_projection(open_store()), "TPM", "Solutions Architect")
    >>> report["to"]["label"]
    'Solutions Architect (cloud/platform-focused)'
    """
    weights = weights or Weights()
    src, dst = _resolve(P, source), _resolve(P, target)
    if src == dst:
        raise UsageError(
            f"FROM and TO are the same role ('{_label(P, src)}'); name two different roles."
        )
    have_iris = resolve_skills(P, have)
    edge = P.get_edge_data(src, dst)
    kind = edge.get("kind", "transition") if edge else None
    step = _step(P, src, dst, kind or "suggested", have_iris, weights)
    tgt_skills = P.nodes[dst].get("skills") or {}
    target_gaps = set(P.nodes[dst].get("gaps") or ()) - have_iris
    source_gaps = (set(P.nodes[src].get("gaps") or ()) & set(tgt_skills)) - have_iris
    readable = _readable(P, dict(step), src, dst)
    return {
        "from": _ref(P, src),
        "to": _ref(P, dst),
        "skills_to_gain": step["skills_to_gain"],
        "skills_kept": step["skills_kept"],
        "level_changes": step["level_changes"],
        "salary_change": step["salary_change"],
        "currency": step["currency"],
        "move": kind,
        "skills_unknown": step["skills_unknown"],
        "missing_per_target_guide": [
            _skill_label(P, s) for s in _order(tgt_skills, P, target_gaps)
        ],
        "missing_per_source_guide": [
            _skill_label(P, s) for s in _order(tgt_skills, P, source_gaps)
        ],
        "have": sorted(_skill_label(P, s) for s in have_iris),
        "skills_shown": readable["skills_shown"],
        "skills_more": readable["skills_more"],
        "pay": readable["pay"],
        "has_guide": {
            "from": bool(P.nodes[src].get("has_guide")),
            "to": bool(P.nodes[dst].get("has_guide")),
        },
    }


def similar_report(P: Any, role: str, *, top: int = 10) -> dict[str, Any]:
    """Roles most alike ``role`` by profile (never by curated moves).

    Returns
    -------
    dict
        ``{"role": {"id", "label"}, "similar": [{"role", "score", "id"}],
        "skills_unknown"}``; the list is empty for a role without a skill profile.

    Examples
    --------
    >>> from graph.network import load_projection
    >>> from graph.store import open_store
    >>> report = similar_report(load_projection(open_store()), "TPM", top=2)
    >>> len(report["similar"]), 0 < report["similar"][0]["score"] <= 1
    (2, True)
    """
    iri = _resolve(P, role)
    model = P.graph.get("similarity")
    hits: list[tuple[str, float]] = []
    if model is not None and iri in model:
        from graph.similarity import similar

        hits = similar(model, iri, top=top)
    return {
        "role": _ref(P, iri),
        "similar": [
            {"role": _label(P, r), "score": score, "id": r}
            for r, score in hits
            if r in P and score > 0
        ],
        "skills_unknown": not P.nodes[iri].get("skills"),
    }
