"""Route search: the routing graph (curated plus suggested moves) and the k best routes.

Every function here is a plain function of the networkx projection ``P``
(:func:`graph.projection.cache.load_projection`) and role IRIs; it returns data and
raises :mod:`graph.errors` exceptions, and never prints. :mod:`graph.routes.reports`
turns their results into what the ``path``, ``next``, ``gap`` and ``similar``
commands print.

Routes run over two kinds of moves:

* curated moves, the edges of ``P`` (``progression`` or ``transition``,
  named in a guide or an import), and
* suggested moves, inferred from profile similarity
  (:mod:`graph.projection.similarity`): for each role, its ``suggest_top`` most similar
  roles (score at least ``suggest_min``) it has no curated move to.

A step costs ``base cost of its kind + skill x skills to gain (minus --have)
+ unknown if either role has no skill profile + salary_drop x relative pay
drop + prep_year x years of preparation``; all of it lives in
:class:`Weights`. Yen's algorithm (:func:`networkx.shortest_simple_paths`)
gives candidate routes, the direct move among them, which are ranked by what
they ask from start to finish (:func:`route_cost`).

The skill and preparation deltas of a step are in :mod:`graph.routes.deltas`,
no-route explanations in :mod:`graph.routes.explain`, one-step moves in
:mod:`graph.routes.next`.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import networkx as nx

from graph.errors import NoRouteError, UsageError
from graph.routes.deltas import (
    SkillDelta,
    _coverage,
    _delta,
    _gain,
    _pair_similarity,
    _relative_change,
    _skills,
    _step_costs,
    preparation,
    salary_change,
    skill_delta,
    skills_note,
    step_cost,
    years_mid,
)
from graph.routes.explain import _no_route
from graph.routes.memo import _label, _memo, _skill_label, _skill_labels
from graph.routes.preparation import Standing
from graph.routes.weights import Weights

__all__ = ["routing_graph", "k_routes", "route_skills", "route_cost", "route_preparation"]


#: how many candidate routes Yen's algorithm may produce while looking for k within --max-steps
MAX_CANDIDATES = 60


#: when no route exists, route search tries once more with this many suggested moves per role
WIDE_SUGGEST_TOP = 10


def _suggestions(
    P: nx.DiGraph, role: str, top: int, minimum: float, exclude: set[str]
) -> list[Any]:
    model = P.graph.get("similarity")
    if model is None or top <= 0 or role not in model:
        return []
    from graph.projection.similarity import similar

    return [
        (other, score)
        for other, score in similar(model, role, top=top, exclude=exclude)
        if score >= minimum and score > 0 and other in P
    ]


def _all_suggestions(P: nx.DiGraph, top: int, minimum: float) -> list[tuple[str, str, float]]:
    """:func:`_suggestions` of every role of ``P`` but its curated moves, as (role, other, score).

    One pass over the similarity model's rows, as :func:`similar` reads them
    (the first ``top`` neighbours that are neither the role nor a curated move,
    then those scoring at least ``minimum``), without a call and a copy of the
    curated moves per role: the routing graph of an O*NET import asks for a
    thousand roles' suggestions.
    """
    model = P.graph.get("similarity")
    if model is None or top <= 0:
        return []
    roles, index, neighbours, scores = model.roles, model.index, model.neighbours, model.scores
    succ = P._succ
    found = []
    for role in P:
        i = index.get(role)
        if i is None:
            continue
        curated = succ[role]
        taken = 0
        for j, score in zip(neighbours[i], scores[i], strict=True):
            if j < 0:
                break
            other = roles[int(j)]
            if other in curated or other == role:
                continue
            value = round(float(score), 4)
            if value >= minimum and value > 0 and other in succ:
                found.append((role, other, value))
            taken += 1
            if taken >= top:
                break
    return found


def routing_graph(P: nx.DiGraph, weights: Weights | None = None) -> nx.DiGraph:
    """The graph routes are searched on: ``P``'s moves plus suggested ones.

    Every edge has ``kind`` (``progression``, ``transition`` or
    ``suggested``); suggested edges also carry ``similarity``. Built once per
    projection and setting, then reused.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph()
    >>> P.add_edge("a", "b", kind="progression")
    >>> R = routing_graph(P)
    >>> R.edges["a", "b"]["kind"]
    'progression'
    """
    weights = weights or Weights()
    top, minimum = int(weights.suggest_top), weights.suggest_min
    memo = _memo(P)
    key = ("routing", top, minimum)
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    R = nx.DiGraph()
    R.add_nodes_from(P)
    # Shallow copies of P's dict-of-dicts adjacency (networkx's documented data
    # structure): R shares P's edge attribute dicts, read-only, which is many
    # times faster than add_edges_from on an 18,000-move O*NET graph.
    R._succ = R._adj = {u: dict(nbrs) for u, nbrs in P._succ.items()}
    R._pred = {v: dict(nbrs) for v, nbrs in P._pred.items()}
    for role, other, score in _all_suggestions(P, top, minimum):
        # what R.add_edge does for a new edge between known roles, a few thousand times
        R._succ[role][other] = R._pred[other][role] = {"kind": "suggested", "similarity": score}
    nx._clear_cache(R)
    memo[key] = R
    return R


def route_skills(
    P: nx.DiGraph,
    steps: list[tuple[str, str, str]],
    have: frozenset[str] = frozenset(),
    weights: Weights | None = None,
) -> tuple[list[SkillDelta], SkillDelta, tuple[str, ...]]:
    """What a route asks, step by step and from its start to its finish.

    A step lists what its target asks beyond what the person holds by then:
    the start role's skills, ``have``, and what earlier steps listed (at the
    level they asked). A skill an earlier stop needed only a little more of
    is not learned yet, so level-rise thresholds apply from the start, not
    per step: splitting a move into steps hides nothing.

    Returns
    -------
    (list of SkillDelta, SkillDelta, tuple of str)
        The per-step deltas; the start-to-finish delta (the direct comparison
        of the first and last roles, minus ``have``), which is the route's
        total; and the skills only intermediate stops ask ("on the way").
    """
    weights = weights or Weights()
    start, finish = steps[0][0], steps[-1][1]
    held = {s: math.inf for s in have}
    for skill, rating in _skills(P, start).items():
        level = rating.get("level") if rating else None
        held[skill] = max(held.get(skill, -math.inf), math.inf if level is None else level)
    deltas = []
    for u, v, _kind in steps:
        delta = skill_delta(P, u, v, weights).given(held, weights.level_rise)
        target = _skills(P, v)
        if not delta.unknown and not delta.curated:
            delta = _against_held(delta, target, held, weights)
        deltas.append(delta)
        for skill in delta.to_gain:
            level = (target.get(skill) or {}).get("level")
            held[skill] = math.inf if level is None else level
    total = skill_delta(P, start, finish, weights).given(
        {s: math.inf for s in have}, weights.level_rise
    )
    listed = set(total.to_gain)
    on_the_way: list[str] = []
    for delta in deltas[:-1]:
        on_the_way.extend(s for s in delta.to_gain if s not in listed and s not in on_the_way)
    return deltas, total, tuple(on_the_way)


def _against_held(
    delta: SkillDelta, target: dict[str, Any], held: dict[str, float], weights: Weights
) -> SkillDelta:
    """Add to a step's delta what its target asks beyond what the person holds by then:
    a level an earlier stop needed only a little more of is still the start's level."""
    extra = []
    levels = dict(delta.levels or {})
    for skill, rating in target.items():
        if skill in delta.to_gain or not rating:
            continue
        importance, level = rating.get("importance"), rating.get("level")
        if importance is None or importance < weights.min_importance:
            continue
        have = held.get(skill)
        if have is None:
            extra.append(skill)
        elif level is not None and not math.isinf(have) and level - have > weights.level_rise:
            extra.append(skill)
            levels[skill] = (have, level)
    if not extra:
        return delta
    return replace(
        delta,
        to_gain=delta.to_gain + tuple(extra),
        kept=tuple(s for s in delta.kept if s not in extra),
        levels=levels,
    )


def route_cost(
    P: nx.DiGraph,
    steps: list[tuple[str, str, str]],
    have: frozenset[str] = frozenset(),
    weights: Weights | None = None,
    standing: Standing | None = None,
) -> float:
    """A whole route's cost: its moves' base costs and pay cuts, plus ``skill`` per skill it asks
    from start to finish (and on the way), plus ``prep_year`` per year to ready start to finish.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph()
    >>> P.add_nodes_from("abc", skills={"x": {}})
    >>> P.nodes["c"]["skills"] = {"x": {}, "y": {}}
    >>> route_cost(P, [("a", "b", "progression"), ("b", "c", "progression")])
    2.25
    """
    weights = weights or Weights()
    _, total, on_the_way = route_skills(P, steps, have, weights)
    cost = sum(weights.base(kind) for _, _, kind in steps)
    for u, v, _ in steps:
        change = _relative_change(P, u, v)
        if change is not None and change < 0:
            cost += weights.salary_drop * -change
        if _gain(P, u, v, weights)[2]:
            cost += weights.unknown
    if not total.unknown:
        cost += weights.skill * (len(total.to_gain) + len(on_the_way))
    if weights.prep_year:
        cost += weights.prep_year * years_mid(route_preparation(P, steps, standing))
    return cost


def route_preparation(
    P: nx.DiGraph, steps: list[tuple[str, str, str]], standing: Standing | None = None
) -> dict[str, Any]:
    """The preparation a route asks from start to finish (see :func:`route_prep`)."""
    from graph.routes.preparation import route_prep

    roles = [steps[0][0], *(v for _, v, _ in steps)]
    return route_prep([P.nodes[r].get("prep") or {} for r in roles], standing)


#: step-cost tables kept per projection, for the (have, weights) asked for most recently
COST_TABLES = 8


_COST_LOCK = threading.Lock()


def _cost_table(
    P: nx.DiGraph, have: frozenset[str], weights: Weights, standing: Standing | None
) -> dict[tuple[str, str], float]:
    """Step costs of routing ``P`` for ``have``, ``weights`` and ``standing`` found so far
    (filled as used)."""
    with _COST_LOCK:
        tables = _memo(P).setdefault("cost_tables", {})
        key = (have, weights, standing)
        table = tables.pop(key, None)
        if table is None:
            table = {}
            while len(tables) >= COST_TABLES:
                tables.pop(next(iter(tables)))
        tables[key] = table  # the most recently used last
        return table  # type: ignore[no-any-return]


def k_routes(  # noqa: C901
    P: nx.DiGraph,
    source: str,
    target: str,
    k: int = 3,
    have: frozenset[str] = frozenset(),
    max_steps: int | None = None,
    avoid: Iterable[str] = (),
    weights: Weights | None = None,
    standing: Standing | None = None,
    max_years: float | None = None,
) -> list[tuple[float, list[tuple[str, str, str]]]]:
    """The ``k`` cheapest simple routes from ``source`` to ``target``.

    Candidates come from Yen's algorithm over per-step costs
    (:func:`step_cost`), always including the direct move (a suggested one
    when no curated move exists), so a direct comparison competes with
    chains; they are then ranked by their whole cost (:func:`route_cost`),
    which counts what a route asks from its start to its finish.

    Parameters
    ----------
    P : networkx.DiGraph
        The projection.
    source, target : str
        Role IRIs.
    k : int
        How many routes.
    have : frozenset of str
        Skill IRIs the person already has; they cost nothing.
    max_steps : int, optional
        Longest route allowed, in steps.
    avoid : iterable of str
        Role IRIs no route may pass through.
    weights : Weights, optional
    standing : Standing, optional
        The person's education, years and credentials.
    max_years : float, optional
        Keep only routes whose time to ready could be this many years or fewer
        (the low end of the range).

    Returns
    -------
    list of (cost, steps)
        Cheapest first; ``steps`` is a list of ``(from, to, kind)``.

    Raises
    ------
    UsageError
        ``source`` equals ``target``, or an avoided role is an end of the route.
    NoRouteError
        No route exists within the limits; the message says why and names
        the nearest reachable roles.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph()
    >>> P.add_nodes_from("abc", skills={"x": {}})
    >>> P.add_edge("a", "b", kind="progression")
    >>> P.add_edge("b", "c", kind="progression")
    >>> P.add_edge("a", "c", kind="transition")
    >>> for cost, steps in k_routes(P, "a", "c", k=2):
    ...     print(cost, [s[1] for s in steps])
    1.5 ['c']
    2.0 ['b', 'c']
    """
    weights = weights or Weights()
    if source == target:
        raise UsageError(
            f"FROM and TO are the same role ('{_label(P, source)}'); name two different roles."
        )
    avoided = set(avoid)
    for end in (source, target):
        if end in avoided:
            raise UsageError(
                f"Cannot --avoid '{_label(P, end)}': it is where the route starts or ends."
            )
    R = routing_graph(P, weights)
    known = _cost_table(P, have, weights, standing)
    step = _step_costs(P, have, weights, standing)

    def cost(u: str, v: str, data: dict[str, Any]) -> float | None:
        if v in avoided or u in avoided:
            return None  # hides the edge from the search
        # the search asks for the same edges again and again (and so do later searches)
        found = known.get((u, v))
        if found is None:
            found = known[u, v] = step(u, v, data.get("kind", "transition"))
        return found

    wanted = k + 2
    candidates: list[tuple[float, list[tuple[str, str, str]]]] = []
    over_years = 0
    direct, score = False, None
    if not R.has_edge(source, target) and weights.suggest_top > 0:
        score = _pair_similarity(P, source, target)
        if score is not None and score >= weights.suggest_min:
            direct = True
        elif not _gain(P, source, target, weights)[2]:
            # not among the source's most similar roles, but the two share skills: the direct
            # move is a candidate too (ESCO's software developer -> ICT project manager)
            direct = _coverage(P, source, target, frozenset(), weights) > 0
    if direct:
        # the direct comparison competes with chains, even when the target is not among the
        # source's few most similar roles
        R.add_edge(source, target, kind="suggested", similarity=score)
    try:
        paths = nx.shortest_simple_paths(R, source, target, weight=cost)
        for n, path in enumerate(paths):
            if n >= MAX_CANDIDATES:
                break
            if max_steps is not None and len(path) - 1 > max_steps:
                continue
            steps = [
                (u, v, R.edges[u, v].get("kind", "transition"))
                for u, v in zip(path, path[1:], strict=False)
            ]
            if max_years is not None:
                span = route_preparation(P, steps, standing).get("years_to_ready")
                if span and span[0] > max_years:
                    over_years += 1
                    continue
            total = route_cost(P, steps, have, weights, standing)
            candidates.append((round(total, 4), steps))
            if len(candidates) >= wanted:
                break
    except nx.NetworkXNoPath:
        pass
    finally:
        if direct:
            R.remove_edge(source, target)
    if not candidates:
        if over_years:
            raise NoRouteError(
                f"No route from '{_label(P, source)}' to '{_label(P, target)}' is ready within "
                f"{max_years:g} years (--max-years); {over_years} route(s) take longer. "
                "Raise --max-years.",
                [],
            )
        raise _no_route(P, R, source, target, avoided, max_steps, weights)
    candidates.sort(key=lambda c: (c[0], len(c[1])))
    return candidates[:k]


def _step(
    P: nx.DiGraph,
    source: str,
    target: str,
    kind: str,
    have: frozenset[str],
    weights: Weights,
    similarity: float | None = None,
    held: dict[str, float] | None = None,
    standing: Standing | None = None,
    delta: SkillDelta | None = None,
    kept: bool = True,
) -> dict[str, Any]:
    """One step as the reports print it; ``held`` is what the person holds by then.
    Without ``kept``, ``skills_kept`` is left empty (``next`` does not show it)."""
    if delta is None:
        if held is None:
            held = {s: math.inf for s in have}
        delta = _delta(P, source, target, weights, kept).given(held, weights.level_rise)
    levels = delta.levels or {}
    prep = preparation(P, source, target, standing)
    step: dict[str, Any] = {
        "from": _label(P, source),
        "to": _label(P, target),
        "kind": kind,
        "skills_to_gain": _skill_labels(P, delta.to_gain),
        "skills_kept": _skill_labels(P, delta.kept) if kept else [],
        "salary_change": salary_change(P, source, target),
        "currency": P.nodes[target].get("currency") or "USD",
        "from_id": source,
        "to_id": target,
        "cost": round(step_cost(P, source, target, kind, have, weights, standing), 4),
        "level_changes": [
            {"skill": _skill_label(P, s), "from": levels[s][0], "to": levels[s][1]}
            for s in delta.to_gain
            if s in levels
        ],
        "skills_unknown": delta.unknown,
        "skills_note": skills_note(P, source, target, delta),
        "skills_estimated_from": [_label(P, r) for r in delta.estimated_from],
        "preparation": prep,
        "years_to_ready": prep["years_to_ready"],
    }
    if similarity is not None:
        step["similarity"] = similarity
    return step
