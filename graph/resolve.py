"""Find the role a person means from what they typed.

Labels are matched case-insensitively with abbreviations expanded (``TPM``,
``Sr.``, ``VP``), then alternate titles and aliases, IRIs, slugs and codes
(``15-1252.00``), then a unique prefix, then fuzzily. An unknown name raises
:class:`~graph.errors.UnknownRoleError` with the three closest names; a name
that fits several roles equally raises :class:`~graph.errors.AmbiguousRoleError`.
"""

from __future__ import annotations

from typing import Any

from graph.errors import AmbiguousRoleError, UnknownRoleError
from graph.network import label_key

__all__ = ["resolve_role", "suggest_roles"]

#: a fuzzy match at or above this score, clearly ahead of the next role, is taken
FUZZY_ACCEPT = 93
#: how far ahead (in score points) the best fuzzy match must be
FUZZY_MARGIN = 4


def _by_identifier(P: Any, text: str) -> str | None:
    if text in P:
        return text
    tail = text.strip().lower()
    for role, data in P.nodes(data=True):
        if role.rsplit("/", 1)[-1].lower() == tail or (data.get("code") or "").lower() == tail:
            return str(role)
    return None


def _unique(P: Any, roles: set[str] | list[str], text: str) -> str:
    roles = sorted(set(roles))
    if len(roles) == 1:
        return roles[0]
    # a role whose preferred label is exactly what was typed wins over alt labels
    key = label_key(text)
    preferred = [r for r in roles if label_key(P.nodes[r]["label"]) == key]
    if len(preferred) == 1:
        return preferred[0]
    raise AmbiguousRoleError(text, sorted(P.nodes[r]["label"] for r in roles))


def resolve_role(P: Any, text: str) -> str:
    """Return the IRI of the role ``text`` names in the projection ``P``.

    Raises
    ------
    UnknownRoleError
        Nothing matches; the error carries up to three suggestions.
    AmbiguousRoleError
        Several roles match equally well.

    Examples
    --------
    >>> from graph.network import load_projection
    >>> from graph.store import open_store
    >>> P = load_projection(open_store())
    >>> P.nodes[resolve_role(P, "tpm")]["label"]
    'Technical Program Manager (Infrastructure & Delivery)'
    >>> resolve_role(P, "Tecnical Program Manager")  # doctest: +ELLIPSIS
    'https://w3id.org/careergraph/id/role/technical-program-manager-infrastructure-delivery'
    """
    text = text.strip()
    if not text:
        raise UnknownRoleError(text, [])
    index: dict[str, set[str]] = P.graph["label_index"]
    key = label_key(text)
    if key in index:
        return _unique(P, index[key], text)
    found = _by_identifier(P, text)
    if found:
        return found
    if key:
        prefixed = {r for k, roles in index.items() if k.startswith(key + " ") for r in roles}
        if prefixed:
            return _unique(P, prefixed, text)
    ranked = _fuzzy(P, key)
    if ranked and ranked[0][1] >= FUZZY_ACCEPT:
        best_score = ranked[0][1]
        close = [r for r, s in ranked if s >= best_score - FUZZY_MARGIN]
        if len(close) == 1:
            return close[0]
    raise UnknownRoleError(text, [P.nodes[r]["label"] for r, _ in ranked[:3]])


def _fuzzy(P: Any, key: str) -> list[tuple[str, float]]:
    """Roles ranked by their best-matching label, best first."""
    from rapidfuzz import fuzz, process

    index: dict[str, set[str]] = P.graph["label_index"]
    best: dict[str, float] = {}
    # token_sort_ratio weighs every word, so a short label does not win on a partial match
    for label, score, _ in process.extract(
        key, list(index), scorer=fuzz.token_sort_ratio, limit=40
    ):
        for role in index[label]:
            if score > best.get(role, -1):
                best[role] = score
    return sorted(best.items(), key=lambda item: (-item[1], P.nodes[item[0]]["label"]))


def suggest_roles(P: Any, text: str, limit: int = 3) -> list[str]:
    """Return the labels of the roles closest to ``text``.

    Examples
    --------
    >>> from graph.network import load_projection
    >>> from graph.store import open_store
    >>> suggest_roles(load_projection(open_store()), "Director TPM", 1)
    ['Director of Technical Program Management']
    """
    return [P.nodes[r]["label"] for r, _ in _fuzzy(P, label_key(text))[:limit]]
