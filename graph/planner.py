"""The route planner's answers as plain data, with no web framework: what ``/api/`` serves.

:func:`answer` runs one question (``routes``, ``next``, ``gap``, ``similar``,
``roles``, ``skills``) on the projection and returns an HTTP status and a
JSON-ready body: the report of :mod:`graph.reports` the CLI prints with
``--format json``, or ``{"error": ...}`` with the closest names. Both the
server's threads and the worker processes of :mod:`graph.routepool` call it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph.errors import (
    AmbiguousRoleError,
    CareerGraphError,
    NoRouteError,
    UnknownRoleError,
    UsageError,
)

__all__ = ["QUESTIONS", "answer", "error_status", "role_matches", "skill_matches"]

#: the questions :func:`answer` knows
QUESTIONS = ("routes", "next", "gap", "similar", "roles", "skills")


def _builder(name: str) -> Callable[..., Any]:
    from graph import reports

    builders: dict[str, Callable[..., Any]] = {
        "routes": reports.path_report,
        "next": reports.next_report,
        "gap": reports.gap_report,
        "similar": reports.similar_report,
        "roles": role_matches,
        "skills": skill_matches,
    }
    return builders[name]


def answer(P: Any, name: str, kwargs: dict[str, Any]) -> tuple[int, Any]:
    """Answer one question on the projection ``P``: ``(200, report)`` or ``(status, error)``.

    Examples
    --------
    >>> from graph.network import load_projection
    >>> from graph.store import open_store
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


def role_matches(P: Any, text: str, limit: int = 10) -> list[dict[str, str]]:
    """Roles whose title, alternate title, abbreviation or code starts like ``text``.

    The role :func:`graph.resolve.resolve_role` picks for ``text`` comes first;
    then roles with a label equal to what was typed, then labels starting
    with it, then labels with a word starting with it, then close fuzzy
    matches. ``match`` is the label (or code) that matched.

    Examples
    --------
    >>> from graph.network import load_projection
    >>> from graph.store import open_store
    >>> P = load_projection(open_store())
    >>> role_matches(P, "tpm", 1)[0]["label"]
    'Technical Program Manager (Infrastructure & Delivery)'
    """
    from graph.network import label_key
    from graph.resolve import resolve_role

    found: dict[str, str] = {}

    def add(role: str, match: str) -> None:
        if role not in found and len(found) < limit:
            found[role] = match

    text = text.strip()
    if not text:
        for role in sorted(P, key=lambda r: str(P.nodes[r]["label"]).lower())[:limit]:
            add(role, P.nodes[role]["label"])
        return _rows(P, found)
    try:
        add(resolve_role(P, text), text)
    except CareerGraphError:
        pass  # unknown or ambiguous: the lists below still offer names
    key = label_key(text)
    labels: list[tuple[str, str, str]] = []  # (key, label, role)
    for role, data in P.nodes(data=True):
        for label in data.get("labels") or [data.get("label")]:
            if label:
                labels.append((label_key(label), str(label), role))
    labels.sort(key=lambda row: (len(row[1]), row[1].lower()))
    if key:
        for test in (
            lambda k: k == key,
            lambda k: k.startswith(key),
            lambda k: (" " + key) in (" " + k),
        ):
            for k, label, role in labels:
                if test(k):
                    add(role, label)
    lowered = text.lower()
    for role, data in P.nodes(data=True):
        code = str(data.get("code") or "")
        if code and code.lower().startswith(lowered):
            add(role, code)
    if len(found) < limit and key:
        from graph.resolve import _fuzzy

        for role, score in _fuzzy(P, key):
            if score >= 60:
                add(role, P.nodes[role]["label"])
    return _rows(P, found)


def _rows(P: Any, found: dict[str, str]) -> list[dict[str, str]]:
    return [{"id": role, "label": str(P.nodes[role]["label"]), "match": match}
            for role, match in found.items()]


def skill_matches(P: Any, text: str, limit: int = 10) -> list[dict[str, str]]:
    """Skills whose label or alternative label starts like ``text`` (then contains it).

    Examples
    --------
    >>> from graph.network import load_projection
    >>> from graph.store import open_store
    >>> [s["label"] for s in skill_matches(load_projection(open_store()), "risk", 1)]
    ['Risk management']
    """
    from graph.skills import normalize

    skills: dict[str, dict[str, Any]] = P.graph.get("skills", {})
    key = normalize(text)
    rows: list[tuple[int, int, str, str, str]] = []
    for iri, info in skills.items():
        best: tuple[int, int, str] | None = None
        for label in info.get("labels") or [info["label"]]:
            k = normalize(label)
            if not key:
                rank = 2
            elif k.startswith(key):
                rank = 0
            elif (" " + key) in (" " + k):
                rank = 1
            else:
                continue
            candidate = (rank, len(label), str(label))
            if best is None or candidate < best:
                best = candidate
        if best is not None:
            rows.append((best[0], len(str(info["label"])), str(info["label"]).lower(), iri,
                         best[2]))
    rows.sort()
    return [{"id": iri, "label": str(skills[iri]["label"]), "match": match}
            for _, _, _, iri, match in rows[:limit]]
