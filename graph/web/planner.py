"""The route planner's answers as plain data, with no web framework: what ``/api/`` serves.

:func:`answer` runs one question (``routes``, ``next``, ``gap``, ``similar``,
``roles``, ``skills``) on the projection and returns an HTTP status and a
JSON-ready body: the report of :mod:`graph.routes.reports` the CLI prints with
``--format json``, or ``{"error": ...}`` with the closest names. Both the
server's threads and the worker processes of :mod:`graph.web.routepool` call it.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

import networkx as nx

from graph.errors import (
    AmbiguousRoleError,
    CareerGraphError,
    NoRouteError,
    UnknownRoleError,
    UsageError,
)

__all__ = ["QUESTIONS", "answer", "prepare", "error_status", "role_matches", "skill_matches"]

#: the questions :func:`answer` knows
QUESTIONS = ("routes", "next", "gap", "similar", "roles", "skills")


def _builder(name: str) -> Callable[..., Any]:
    from graph.routes import reports

    builders: dict[str, Callable[..., Any]] = {
        "routes": reports.path_report,
        "next": reports.next_report,
        "gap": reports.gap_report,
        "similar": reports.similar_report,
        "roles": role_matches,
        "skills": skill_matches,
    }
    return builders[name]


def prepare(P: nx.DiGraph) -> Any:
    """Build what answers on ``P`` reuse (the routing graph, the autocomplete names) once."""
    from graph.routes.search import routing_graph

    routing_graph(P)
    _names(P)
    return P


def answer(P: nx.DiGraph, name: str, kwargs: dict[str, Any]) -> tuple[int, Any]:
    """Answer one question on the projection ``P``: ``(200, report)`` or ``(status, error)``.

    Examples
    --------
    >>> from graph.projection.cache import load_projection
    >>> from graph.build.builtin import open_store
    >>> P = load_projection(open_store())
    >>> answer(P, "similar", {"role": "TPM", "top": 1})[0]
    200
    >>> status, body = answer(P, "next", {"role": "Tecnical Progam Manager of All"})
    >>> status, len(body["suggestions"])
    (404, 3)
    """
    try:
        return 200, _builder(name)(P, **kwargs)
    except CareerGraphError as exc:
        return error_status(exc)


def error_status(exc: CareerGraphError) -> tuple[int, dict[str, Any]]:
    """The HTTP status and JSON body of a library error.

    An unknown role is 404 with its three closest names (``suggestions``), an
    ambiguous one 404 with the roles it fits, no route 404 with the
    ``nearest`` reachable roles, any other usage error 400, anything else 500.
    """
    body: dict[str, Any] = {"error": str(exc)}
    if isinstance(exc, UnknownRoleError):
        body.update(name=exc.name, suggestions=exc.suggestions[:3])
        return 404, body
    if isinstance(exc, AmbiguousRoleError):
        body.update(name=exc.name, suggestions=exc.candidates)
        return 404, body
    if isinstance(exc, NoRouteError):
        body["nearest"] = list(getattr(exc, "nearest", None) or [])
        return 404, body
    if isinstance(exc, UsageError):
        return 400, body
    return 500, body


#: per projection: its role and skill labels in the forms autocomplete compares
_NAMES: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()
_NAMES_LOCK = threading.Lock()


def _names(P: nx.DiGraph) -> dict[str, Any]:
    """Role labels ``(key, label, role)`` (preferred labels first, then shortest first) and
    skill labels ``(normalized, label, skill)``, worked out once per projection."""
    with _NAMES_LOCK:
        found = _NAMES.get(P)
        if found is not None:
            return found
    from graph.projection.queries import label_key
    from graph.skills import normalize

    roles: list[tuple[bool, int, str, str, str, str]] = []
    for role, data in P.nodes(data=True):
        preferred = str(data.get("label") or role)
        for label in dict.fromkeys([preferred, *(data.get("labels") or [])]):
            roles.append(
                (label != preferred, len(label), label.lower(), label_key(label), str(label), role)
            )
    roles.sort()
    skills = []
    for iri, info in P.graph.get("skills", {}).items():
        for label in dict.fromkeys([info["label"], *(info.get("labels") or [])]):
            skills.append((normalize(label), str(label), iri))
    found = {
        "roles": [(key, label, role) for *_, key, label, role in roles],
        "codes": sorted(
            (str(d["code"]).lower(), str(d["code"]), r)
            for r, d in P.nodes(data=True)
            if d.get("code")
        ),
        "skills": skills,
    }
    with _NAMES_LOCK:
        _NAMES[P] = found
    return found


def role_matches(P: nx.DiGraph, text: str, limit: int = 10) -> list[dict[str, str]]:
    """Roles whose title, alternate title, abbreviation or code starts like ``text``.

    The role :func:`graph.projection.resolve.resolve_role` picks for ``text`` comes first;
    then roles with a label equal to what was typed, then labels starting
    with it, then labels with a word starting with it (preferred titles before
    alternate ones, shorter first), then codes, then the closest roles the
    resolver names for a name it cannot place.
    ``match`` is the label (or code) that matched.

    Examples
    --------
    >>> from graph.projection.cache import load_projection
    >>> from graph.build.builtin import open_store
    >>> P = load_projection(open_store())
    >>> role_matches(P, "tpm", 1)[0]["label"]
    'Technical Program Manager (Infrastructure & Delivery)'
    """
    from graph.projection.queries import label_key
    from graph.projection.resolve import resolve_role

    found: dict[str, str] = {}

    def add(role: str, match: str) -> None:
        if role not in found and len(found) < limit:
            found[role] = match

    text = text.strip()
    if not text:
        for role in sorted(P, key=lambda r: str(P.nodes[r]["label"]).lower())[:limit]:
            add(role, P.nodes[role]["label"])
        return _rows(P, found)
    close: list[str] = []  # labels of the closest roles, when the resolver names some
    try:
        add(resolve_role(P, text), text)
    except AmbiguousRoleError as exc:
        close = exc.candidates
    except UnknownRoleError as exc:
        close = exc.suggestions
    names = _names(P)
    key = label_key(text)
    if key:
        spaced = " " + key
        for test in (
            lambda k: k == key,
            lambda k: k.startswith(key),
            lambda k: spaced in " " + k,
        ):
            for k, label, role in names["roles"]:
                if len(found) >= limit:
                    return _rows(P, found)
                if test(k):
                    add(role, label)
    lowered = text.lower()
    for code_key, code, role in names["codes"]:
        if code_key.startswith(lowered):
            add(role, code)
    if close and len(found) < limit:
        from rapidfuzz import fuzz

        by_label = {label: role for _, label, role in reversed(names["roles"])}
        for label in close:
            role = by_label.get(label)
            if role is None:
                continue
            # the resolver always names its three closest; offer only those somewhat alike
            labels = P.nodes[role].get("labels") or [label]
            if max(fuzz.token_sort_ratio(key, label_key(x)) for x in labels) >= 60:
                add(role, label)
    return _rows(P, found)


def _rows(P: nx.DiGraph, found: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"id": role, "label": str(P.nodes[role]["label"]), "match": match}
        for role, match in found.items()
    ]


def skill_matches(P: nx.DiGraph, text: str, limit: int = 10) -> list[dict[str, str]]:
    """Skills whose label or alternative label starts like ``text`` (then contains it).

    Examples
    --------
    >>> from graph.projection.cache import load_projection
    >>> from graph.build.builtin import open_store
    >>> [s["label"] for s in skill_matches(load_projection(open_store()), "risk", 1)]
    ['Risk management']
    """
    from graph.skills import normalize

    skills: dict[str, dict[str, Any]] = P.graph.get("skills", {})
    key = normalize(text)
    spaced = " " + key
    best: dict[str, tuple[int, int, str]] = {}
    for k, label, iri in _names(P)["skills"]:
        if not key:
            rank = 2
        elif k.startswith(key):
            rank = 0
        elif spaced in " " + k:
            rank = 1
        else:
            continue
        candidate = (rank, len(label), label)
        if iri not in best or candidate < best[iri]:
            best[iri] = candidate
    rows = sorted(
        (rank, len(str(skills[iri]["label"])), str(skills[iri]["label"]).lower(), iri, match)
        for iri, (rank, _, match) in best.items()
    )
    return [
        {"id": iri, "label": str(skills[iri]["label"]), "match": match}
        for _, _, _, iri, match in rows[:limit]
    ]
