"""Find the role a person means from what they typed.

Labels are matched case-insensitively with abbreviations expanded (``TPM``,
``Sr.``, ``VP``), then alternate titles and aliases, IRIs, slugs and codes
(``15-1252.00``), then loosely (plurals and word order ignored, and each part
of an O*NET list title: "Bookkeeping clerk" names "Bookkeeping, Accounting,
and Auditing Clerks"), then a unique prefix, then fuzzily. An unknown name raises
:class:`~graph.errors.UnknownRoleError` with the three closest names; a name
that fits several roles equally raises :class:`~graph.errors.AmbiguousRoleError`.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

import networkx as nx

from graph.errors import AmbiguousRoleError, UnknownRoleError
from graph.projection.queries import label_key

__all__ = ["resolve_role", "suggest_roles", "loose_key", "title_parts"]

#: a fuzzy match at or above this score, clearly ahead of the next role, is taken
FUZZY_ACCEPT = 93
#: how far ahead (in score points) the best fuzzy match must be
FUZZY_MARGIN = 4


#: words left out of a loose key: "Director of Engineering" = "engineering director"
_STOPWORDS = frozenset({"a", "an", "and", "of", "or", "the"})

_LOOSE: weakref.WeakKeyDictionary[Any, dict[str, set[str]]] = weakref.WeakKeyDictionary()


def _singular(word: str) -> str:
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    return word[:-1]


def loose_key(text: str) -> str:
    """The key that ignores plurals, word order and small words.

    Examples
    --------
    >>> loose_key("Bookkeeping clerks") == loose_key("Clerk, Bookkeeping")
    True
    >>> loose_key("Director of Engineering")
    'director engineering'
    """
    words = {_singular(w) for w in label_key(text).split()} - _STOPWORDS
    return " ".join(sorted(words))


def title_parts(label: str) -> list[str]:
    """The roles an O*NET list title names one by one.

    "Bookkeeping, Accounting, and Auditing Clerks" names bookkeeping clerks,
    accounting clerks and auditing clerks; "Business Teachers, Postsecondary"
    names (postsecondary) business teachers.

    Examples
    --------
    >>> title_parts("Bookkeeping, Accounting, and Auditing Clerks")
    ['Bookkeeping Clerks', 'Accounting Clerks', 'Auditing Clerks']
    >>> title_parts("Farmers, Ranchers, and Other Agricultural Managers")
    ['Farmers', 'Ranchers', 'Other Agricultural Managers']
    >>> title_parts("Business Teachers, Postsecondary")
    ['Postsecondary Business Teachers', 'Business Teachers']
    >>> title_parts("Registered Nurses")
    []
    """
    items = [p.strip() for p in label.split(",") if p.strip()]
    if len(items) < 2:
        return []
    last = re.sub(r"^(and|or|&)\s+", "", items[-1])
    if last == items[-1] and len(items) == 2:
        # "Business Teachers, Postsecondary": a qualifier after the comma
        return [f"{items[1]} {items[0]}", items[0]]
    items = [*items[:-1], last]
    head = last.split()[-1]
    parts = []
    for item in items:
        words = item.split()
        # a plural item names a role of its own ("Farmers"); a modifier takes the head noun
        if len(words) > 1 or item == last or _singular(item.lower()) != item.lower():
            parts.append(item)
        else:
            parts.append(f"{item} {head}")
    return parts


def _loose_index(P: nx.DiGraph) -> dict[str, set[str]]:
    index = _LOOSE.get(P)
    if index is None:
        index = {}
        for role, data in P.nodes(data=True):
            labels = list(data.get("labels") or [data.get("label") or ""])
            for text in labels + title_parts(data.get("label") or ""):
                key = loose_key(text)
                if key:
                    index.setdefault(key, set()).add(role)
        _LOOSE[P] = index
    return index


def _by_identifier(P: nx.DiGraph, text: str) -> str | None:
    if text in P:
        return text
    tail = text.strip().lower()
    for role, data in P.nodes(data=True):
        if role.rsplit("/", 1)[-1].lower() == tail or (data.get("code") or "").lower() == tail:
            return str(role)
    return None


def _unique(P: nx.DiGraph, roles: set[str] | list[str], text: str) -> str:
    roles = sorted(set(roles))
    if len(roles) == 1:
        return roles[0]
    # a role whose preferred label is exactly what was typed wins over alt labels
    key = label_key(text)
    preferred = [r for r in roles if label_key(P.nodes[r]["label"]) == key]
    if len(preferred) == 1:
        return preferred[0]
    # "Registered nurse" is an alternate title of several roles but names "Registered Nurses"
    loose = loose_key(text)
    preferred = [r for r in roles if loose_key(P.nodes[r]["label"]) == loose]
    if len(preferred) == 1:
        return preferred[0]
    raise AmbiguousRoleError(text, sorted(P.nodes[r]["label"] for r in roles))


def resolve_role(P: nx.DiGraph, text: str) -> str:
    """Return the IRI of the role ``text`` names in the projection ``P``.

    Raises
    ------
    UnknownRoleError
        Nothing matches; the error carries up to three suggestions.
    AmbiguousRoleError
        Several roles match equally well.

    Examples
    --------
    >>> from graph.projection.cache import load_projection
    >>> from graph.build.builtin import open_store
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
    loose = _loose_index(P).get(loose_key(text))
    if loose:
        return _unique(P, loose, text)
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


def _fuzzy(P: nx.DiGraph, key: str) -> list[tuple[str, float]]:
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


def suggest_roles(P: nx.DiGraph, text: str, limit: int = 3) -> list[str]:
    """Return the labels of the roles closest to ``text``.

    Examples
    --------
    >>> from graph.projection.cache import load_projection
    >>> from graph.build.builtin import open_store
    >>> suggest_roles(load_projection(open_store()), "Director TPM", 1)
    ['Director of Technical Program Management']
    """
    return [P.nodes[r]["label"] for r, _ in _fuzzy(P, label_key(text))[:limit]]
