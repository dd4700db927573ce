"""Reports: the k best routes, next moves, a skill gap and similar roles, as the CLI prints them.

Each function takes the projection ``P`` and role names as a person types
them, resolves the names (:mod:`graph.projection.resolve`), runs the algorithms of
:mod:`graph.routes.search` and returns plain data: the JSON contracts of ``path``,
``next``, ``gap`` and ``similar``. None of them prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import networkx as nx

from graph.errors import NoRouteError, UsageError
from graph.routes.deltas import _order, salary_change
from graph.routes.have import split_have
from graph.routes.memo import _label, _ref, _skill_by_label, _skill_label
from graph.routes.next import next_moves
from graph.routes.payview import pay_facts
from graph.routes.preparation import Standing
from graph.routes.search import (
    WIDE_SUGGEST_TOP,
    _step,
    k_routes,
    route_preparation,
    route_skills,
    routing_graph,
)
from graph.routes.skillview import rank_skills, select_skills
from graph.routes.weights import Weights

__all__ = ["path_report", "next_report", "gap_report", "similar_report"]


def _resolve(P: nx.DiGraph, text: str) -> str:
    from graph.projection.resolve import resolve_role

    return resolve_role(P, text)


def _resolve_avoid(P: nx.DiGraph, avoid: Iterable[str]) -> set[str]:
    return {_resolve(P, name) for name in avoid}


def _standing(
    P: nx.DiGraph, have: Iterable[str], education: str | None, years: float | None
) -> tuple[frozenset[str], Standing, dict[str, Any]]:
    """The person: skill IRIs they have, their :class:`Standing`, and the report's echo of it."""
    from graph.levels import education_label, education_rank

    skills, credentials = split_have(P, have)
    rank = education_rank(education) if education else None
    if years is not None and not (0 <= years < 80):
        raise UsageError(f"--years {years:g}: give the years of experience you have, 0 or more.")
    standing = Standing(rank, years, frozenset(credentials))
    echo = {
        "education": education_label(rank),
        "years": years,
        "credentials": list(credentials),
    }
    return skills, standing, echo


def _skill_iris(P: nx.DiGraph, labels: list[str]) -> list[str]:
    """The skill IRIs behind a step's labels (labels are unique: see ``_skill_label``)."""
    found = [_skill_by_label(P, label) for label in labels]
    return [label if iri is None else iri for iri, label in zip(found, labels, strict=True)]


def _readable(P: nx.DiGraph, row: dict[str, Any], source: str, target: str) -> dict[str, Any]:
    """Add to a step (or move, or gap) what a person reads first.

    ``skills_shown``: the skills that matter most (importance x gap, levels in
    words; :mod:`graph.routes.skillview`), ``skills_more``: how many more
    ``skills_to_gain`` holds, ``pay``: what the pay figures rest on
    (:mod:`graph.routes.payview`).
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


def _standing_after(P: nx.DiGraph, role: str, standing: Standing) -> Standing:
    """A person's standing once they hold ``role``: at least what it asks."""
    prep = P.nodes[role].get("prep") or {}
    education, years = standing.education, standing.years
    if education is not None and prep.get("education"):
        education = max(education, int(prep["education"]))
    if years is not None and prep.get("experience"):
        years = max(years, float(prep["experience"][0]))
    credentials = standing.credentials | frozenset(prep.get("credentials") or ())
    return Standing(education, years, credentials)


def path_report(
    P: nx.DiGraph,
    source: str,
    target: str,
    *,
    k: int = 3,
    have: Iterable[str] = (),
    max_steps: int | None = None,
    avoid: Iterable[str] = (),
    weights: Weights | None = None,
    education: str | None = None,
    years: float | None = None,
    max_years: float | None = None,
) -> dict[str, Any]:
    """The ``k`` best routes between two roles named as a person types them.

    Returns
    -------
    dict
        ``{"from": {"id", "label"}, "to": {"id", "label"}, "routes": [{"cost",
        "steps": [{"from", "to", "kind", "skills_to_gain", "skills_kept",
        "salary_change", "preparation", "years_to_ready", ..., "skills_shown",
        "skills_more", "pay"}], "skills_to_gain", "skills_on_the_way",
        "salary_change", "preparation", "years_to_ready", "pay"}], "have",
        "credentials", "standing", ...}``. A route's ``skills_to_gain`` is what
        its finish asks of its start (the direct comparison, minus ``have``);
        ``skills_on_the_way`` what only its intermediate stops ask;
        ``preparation`` what the most demanding role on it asks of the start,
        for the person's standing. A step's ``skills_shown`` are its skills that
        matter most (importance x gap, levels in words; :mod:`graph.routes.skillview`)
        and ``skills_more`` how many more it has; ``pay`` says what the pay
        figures rest on (:func:`graph.routes.payview.pay_facts`).

    Raises
    ------
    UnknownRoleError, AmbiguousRoleError, UsageError, NoRouteError

    Examples
    --------
    >>> from graph.projection.cache import load_projection
    >>> from graph.build.builtin import open_store
    >>> P = load_projection(open_store())
    >>> report = path_report(P, "TPM", "Director of Technical Program Management", k=2)
    >>> [len(r["steps"]) for r in report["routes"]]
    [1, 2]
    """
    weights = weights or Weights()
    src, dst = _resolve(P, source), _resolve(P, target)
    have_iris, standing, echo = _standing(P, have, education, years)
    avoided = _resolve_avoid(P, avoid)
    args = (k, have_iris, max_steps, avoided)
    found: list[Any] = []
    error: NoRouteError | None = None
    try:
        found = k_routes(P, src, dst, *args, weights, standing, max_years)
    except NoRouteError as exc:
        if not 0 < weights.suggest_top < WIDE_SUGGEST_TOP:
            raise
        error = exc
    # a graph with few curated moves (ESCO has none): when no chain of moves connects the two
    # roles (the direct comparison aside), let every role suggest more of its similar roles
    # and look again; the chains found compete with the direct move on cost
    narrow = routing_graph(P, weights)
    if (
        len(found) < k
        and 0 < weights.suggest_top < WIDE_SUGGEST_TOP
        and not nx.has_path(narrow, src, dst)
    ):
        wide = replace(weights, suggest_top=WIDE_SUGGEST_TOP)
        try:
            more = k_routes(P, src, dst, *args, wide, standing, max_years)
        except NoRouteError:
            if not found:
                raise
            more = []
        seen = {tuple(steps) for _, steps in found}
        found = sorted(
            found + [(c, s) for c, s in more if tuple(s) not in seen],
            key=lambda c: (c[0], len(c[1])),
        )[:k]
        if more:
            weights = wide
    if not found and error is not None:
        raise error
    routes = []
    R = routing_graph(P, weights)
    for cost, steps in found:
        deltas, total, on_the_way = route_skills(P, steps, have_iris, weights)
        rows = []
        at = standing
        for (u, v, kind), delta in zip(steps, deltas, strict=True):
            similarity = R.edges[u, v].get("similarity") if R.has_edge(u, v) else None
            if similarity is None and kind == "suggested":
                from graph.routes.deltas import _pair_similarity

                similarity = _pair_similarity(P, u, v)
            step = _step(P, u, v, kind, have_iris, weights, similarity, None, at, delta)
            rows.append(_readable(P, step, u, v))
            at = _standing_after(P, v, at)
        prep = route_preparation(P, steps, standing)
        routes.append(
            {
                "cost": cost,
                "steps": rows,
                "skills_to_gain": [_skill_label(P, s) for s in total.to_gain],
                "skills_on_the_way": [_skill_label(P, s) for s in on_the_way],
                "skills_unknown": total.unknown,
                "salary_change": salary_change(P, src, dst),
                "currency": P.nodes[dst].get("currency") or "USD",
                "preparation": prep,
                "years_to_ready": prep["years_to_ready"],
                "pay": pay_facts(P, src, dst),
            }
        )
    return {
        "from": _ref(P, src),
        "to": _ref(P, dst),
        "routes": routes,
        "have": sorted(_skill_label(P, s) for s in have_iris),
        "avoid": sorted(_label(P, r) for r in avoided),
        "credentials": echo["credentials"],
        "standing": echo,
    }


def next_report(
    P: nx.DiGraph,
    role: str,
    *,
    top: int = 10,
    have: Iterable[str] = (),
    weights: Weights | None = None,
    education: str | None = None,
    years: float | None = None,
    max_years: float | None = None,
    step_downs: bool = False,
) -> dict[str, Any]:
    """Ranked one-step moves from a role named as a person types it.

    Returns
    -------
    dict
        ``{"role": {"id", "label"}, "options": [{"role", "kind", "overlap",
        "skills_to_gain", "salary_change", "score", "why", "preparation",
        "years_to_ready", ..., "skills_shown", "skills_more", "pay"}], "have",
        "credentials", "standing", "step_downs"}`` (see :func:`path_report`).

    Examples
    --------
    >>> from graph.projection.cache import load_projection
    >>> from graph.build.builtin import open_store
    >>> report = next_report(load_projection(open_store()), "TPM", top=3)
    >>> len(report["options"])
    3
    """
    iri = _resolve(P, role)
    have_iris, standing, echo = _standing(P, have, education, years)
    options = next_moves(P, iri, top, have_iris, weights, standing, step_downs, max_years)
    for option in options:
        _readable(P, option, iri, option["id"])
    return {
        "role": _ref(P, iri),
        "options": options,
        "have": sorted(_skill_label(P, s) for s in have_iris),
        "credentials": echo["credentials"],
        "standing": echo,
        "step_downs": step_downs,
    }


def gap_report(
    P: nx.DiGraph,
    source: str,
    target: str,
    *,
    have: Iterable[str] = (),
    weights: Weights | None = None,
    education: str | None = None,
    years: float | None = None,
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
        most, see :mod:`graph.routes.skillview`), ``pay`` (:func:`graph.routes.payview.pay_facts`)
        and ``has_guide`` (``{"from", "to"}``: whether a guide describes each role).

    Raises
    ------
    UnknownRoleError, AmbiguousRoleError, UsageError

    Examples
    --------
    >>> from graph.projection.cache import load_projection
    >>> from graph.build.builtin import open_store
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
    have_iris, standing, echo = _standing(P, have, education, years)
    edge = P.get_edge_data(src, dst)
    kind = edge.get("kind", "transition") if edge else None
    step = _step(P, src, dst, kind or "suggested", have_iris, weights, standing=standing)
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
        "skills_note": step["skills_note"],
        "skills_estimated_from": step["skills_estimated_from"],
        "preparation": step["preparation"],
        "years_to_ready": step["years_to_ready"],
        "credentials": echo["credentials"],
        "standing": echo,
        "skills_shown": readable["skills_shown"],
        "skills_more": readable["skills_more"],
        "pay": readable["pay"],
        "has_guide": {
            "from": bool(P.nodes[src].get("has_guide")),
            "to": bool(P.nodes[dst].get("has_guide")),
        },
    }


def similar_report(P: nx.DiGraph, role: str, *, top: int = 10) -> dict[str, Any]:
    """Roles most alike ``role`` by profile (never by curated moves).

    Returns
    -------
    dict
        ``{"role": {"id", "label"}, "similar": [{"role", "score", "id"}],
        "skills_unknown"}``; the list is empty for a role without a skill profile.

    Examples
    --------
    >>> from graph.projection.cache import load_projection
    >>> from graph.build.builtin import open_store
    >>> report = similar_report(load_projection(open_store()), "TPM", top=2)
    >>> len(report["similar"]), 0 < report["similar"][0]["score"] <= 1
    (2, True)
    """
    iri = _resolve(P, role)
    model = P.graph.get("similarity")
    hits: list[tuple[str, float]] = []
    if model is not None and iri in model:
        from graph.projection.similarity import similar

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
