"""Things derived from the projection once and reused by warm calls: labels, shared labels.

The memo is keyed by the projection object (weakly), so a rebuilt
projection starts afresh.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any

import networkx as nx

__all__ = []


_MEMO: weakref.WeakKeyDictionary[Any, dict[Any, Any]] = weakref.WeakKeyDictionary()


def _memo(P: nx.DiGraph) -> dict[Any, Any]:
    memo = _MEMO.get(P)
    if memo is None:
        memo = _MEMO[P] = {}
    return memo


def _label(P: nx.DiGraph, role: str) -> str:
    return str(P.nodes[role].get("label") or role.rsplit("/", 1)[-1])


def _skill_label(P: nx.DiGraph, skill: str) -> str:
    """A skill's label; with its type when another skill has the same label
    (O*NET's skill "Mathematics" and knowledge area "Mathematics")."""
    labels = _memo(P).get("skill_labels")
    if labels is not None and skill in labels:
        return labels[skill]  # type: ignore[no-any-return]
    return _skill_labels(P, (skill,))[0]


def _skill_labels(P: nx.DiGraph, skills: Iterable[str]) -> list[str]:
    """:func:`_skill_label` of each of ``skills``; each worked out once per projection
    (a step lists hundreds of technologies kept)."""
    labels = _memo(P).setdefault("skill_labels", {})
    info_of = P.graph.get("skills", {})
    shared = None
    out = []
    for skill in skills:
        label = labels.get(skill)
        if label is None:
            info = info_of.get(skill)
            if not info:
                label = skill.rsplit("/", 1)[-1]
            else:
                label = str(info["label"])
                if shared is None:
                    shared = _shared_labels(P)
                if label in shared and info.get("type"):
                    label = f"{label} ({info['type']})"
                labels[skill] = label
        out.append(label)
    return out


def _skill_by_label(P: nx.DiGraph, label: str) -> str | None:
    """The skill whose :func:`_skill_label` is ``label``, or None.

    Of several, the last in ``P.graph["skills"]`` (as a label -> IRI dict of
    every skill would keep), found without labelling the thousands of skills
    an import holds: only those whose own label is ``label`` or, for a label
    with its type, the part before it.
    """
    memo = _memo(P)
    index = memo.get("skills_by_own_label")
    if index is None:
        index = memo["skills_by_own_label"] = {}
        for position, (skill, info) in enumerate(P.graph.get("skills", {}).items()):
            own = str(info["label"]) if info else skill.rsplit("/", 1)[-1]
            index.setdefault(own, []).append((position, skill))
    candidates = list(index.get(label, ()))
    if label.endswith(")") and " (" in label:
        candidates += index.get(label[: label.rindex(" (")], ())
    found = [(position, skill) for position, skill in candidates if _skill_label(P, skill) == label]
    return max(found)[1] if found else None


def _shared_labels(P: nx.DiGraph) -> set[str]:
    memo = _memo(P)
    if "shared_labels" not in memo:
        seen: set[str] = set()
        shared: set[str] = set()
        for info in P.graph.get("skills", {}).values():
            label = info.get("label")
            (shared if label in seen else seen).add(label)
        memo["shared_labels"] = shared
    return memo["shared_labels"]  # type: ignore[no-any-return]


def _ref(P: nx.DiGraph, role: str) -> dict[str, str]:
    return {"id": role, "label": _label(P, role)}
