"""Why there is no route: what the start reaches, the roles nearest the target.

Raised as :class:`graph.errors.NoRouteError` with a message a person can act on.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import networkx as nx

from graph.errors import NoRouteError
from graph.routes.memo import _label
from graph.routes.weights import Weights

__all__ = []


def _reachable(R: Any, source: str, avoid: set[str], depth: int | None = None) -> dict[str, int]:
    """Roles reachable from ``source`` without passing ``avoid``, with their hop count."""
    hops = {source: 0}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        if depth is not None and hops[node] >= depth:
            continue
        for nxt in R.successors(node):
            if nxt not in hops and nxt not in avoid:
                hops[nxt] = hops[node] + 1
                queue.append(nxt)
    return hops


def _nearest(P: nx.DiGraph, target: str, reachable: dict[str, int], limit: int = 3) -> list[str]:
    """Reachable roles most like the target (by similarity, else closest in steps)."""
    model = P.graph.get("similarity")
    names: list[str] = []
    if model is not None and target in model:
        from graph.projection.similarity import similar

        for role, score in similar(model, target, top=len(model.roles)):
            if score > 0 and role in reachable and reachable[role] > 0:
                names.append(_label(P, role))
                if len(names) == limit:
                    return names
    for role, _ in sorted(reachable.items(), key=lambda item: (item[1], _label(P, item[0]))):
        if reachable[role] > 0 and _label(P, role) not in names:
            names.append(_label(P, role))
            if len(names) == limit:
                break
    return names


def _no_route(
    P: nx.DiGraph,
    R: Any,
    source: str,
    target: str,
    avoid: set[str],
    max_steps: int | None,
    weights: Weights,
) -> NoRouteError:
    """Explain why no route joins source to target, naming the nearest reachable roles."""
    a, b = _label(P, source), _label(P, target)
    head = f"No route from '{a}' to '{b}':"
    free = _reachable(R, source, avoid)
    if int(weights.suggest_top) <= 0:
        unsuggested = "suggested moves are off with suggest_top=0"
    else:
        unsuggested = f"no role is similar enough (at least {weights.suggest_min:g}) to suggest one"
    if R.in_degree(target) == 0:
        hint = "" if P.nodes[target].get("skills") else " Add a guide for it."
        return NoRouteError(
            f"{head} '{b}' has no incoming moves (no guide or import names a move into it, "
            f"and {unsuggested}).{hint}",
            _nearest(P, target, free),
        )
    if R.out_degree(source) == 0:
        hint = "" if P.nodes[source].get("skills") else " Add a guide for it."
        return NoRouteError(
            f"{head} '{a}' has no outgoing moves (no guide or import names a move from it, "
            f"and {unsuggested}).{hint}",
            [],
        )
    if target not in free:
        if target in _reachable(R, source, set()):
            names = "; ".join(sorted(_label(P, r) for r in avoid))
            return NoRouteError(
                f"{head} every route passes through an avoided role ({names}). "
                "Drop an --avoid option.",
                _nearest(P, target, free),
            )
        return NoRouteError(
            f"{head} no chain of moves leads there, even with suggested moves.",
            _nearest(P, target, free),
        )
    shortest = free[target]
    if max_steps is not None and shortest > max_steps:
        within = _reachable(R, source, avoid, max_steps)
        return NoRouteError(
            f"{head} the shortest route takes {shortest} steps, more than --max-steps "
            f"{max_steps}. Raise --max-steps.",
            _nearest(P, target, within),
        )
    return NoRouteError(f"{head} no route within the limits given.", _nearest(P, target, free))
