"""How alike two roles are, from what the roles are: skills, levels, titles, tasks.

The model is built once per graph from SPARQL queries only (so it works on a
local store and on a remote endpoint alike), pickled beside the store with
the networkx projection, and answers :func:`similar` with a row lookup.

Similarity never reads curated transitions: a role a user has just added
(a new guide) gets neighbours from its own profile.

Examples
--------
>>> from graph.store import open_store
>>> model = build_model(open_store())
>>> len(model.roles) > 10
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["SimilarityModel", "build_model", "similar", "overlap", "role_skills"]

#: how many neighbours are kept per role; enough for ``top`` plus an ``exclude`` list
NEIGHBOURS = 200


@dataclass
class SimilarityModel:
    """Nearest neighbours of every role, precomputed.

    Attributes
    ----------
    roles : list of str
        Role IRIs, in index order.
    index : dict
        Role IRI -> row.
    neighbours : numpy.ndarray
        ``(n, k)`` int32: the ``k`` most similar roles of each role, best first.
    scores : numpy.ndarray
        ``(n, k)`` float32 scores in 0..1 matching ``neighbours``.
    method : str
        A short description of how the scores were computed.
    """

    roles: list[str]
    index: dict[str, int]
    neighbours: np.ndarray
    scores: np.ndarray
    method: str = ""
    info: dict[str, Any] = field(default_factory=dict)

    def __contains__(self, role: object) -> bool:
        return role in self.index


_REQUIREMENTS = """
SELECT ?role ?skill ?importance ?level WHERE {
  ?role a cg:Role ; cg:skillRequirement ?req .
  ?req cg:skill ?skill .
  OPTIONAL { ?req cg:importance ?importance }
  OPTIONAL { ?req cg:level ?level }
}
"""

_SHORTCUTS = """
SELECT ?role ?skill WHERE { ?role a cg:Role ; cg:requiresSkill ?skill . }
"""

_ROLES = "SELECT ?role WHERE { ?role a cg:Role }"


def role_skills(store: Any) -> dict[str, dict[str, float]]:
    """Read every role's skill profile: ``{role: {skill: weight}}``.

    The weight is the requirement's importance when the data rates it
    (O*NET, ESCO), else 1.0 (a guide names the skill).
    """
    profiles: dict[str, dict[str, float]] = defaultdict(dict)
    for row in store.select(_ROLES):
        profiles[row["role"]]  # noqa: B018 -- roles without skills still count
    for row in store.select(_REQUIREMENTS):
        imp = row.get("importance")
        weight = float(imp) if imp is not None else 1.0
        prof = profiles[row["role"]]
        prof[row["skill"]] = max(prof.get(row["skill"], 0.0), weight)
    for row in store.select(_SHORTCUTS):
        profiles[row["role"]].setdefault(row["skill"], 1.0)
    return dict(profiles)


def _normalise_rows(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


def _feature_matrix(profiles: dict[str, dict[str, float]], roles: list[str]) -> np.ndarray:
    """Role x skill weights; dense (rated) columns centred, sparse ones IDF-weighted."""
    skills = sorted({s for p in profiles.values() for s in p})
    col = {s: j for j, s in enumerate(skills)}
    m = np.zeros((len(roles), len(skills)), dtype=np.float32)
    for i, role in enumerate(roles):
        for s, w in profiles[role].items():
            m[i, col[s]] = w
    if not skills:
        return m
    present = m > 0
    df = present.sum(axis=0)
    n = max(len(roles), 1)
    dense = df > n / 2
    # a skill every role rates says nothing by presence, only by how it differs from the mean
    if dense.any():
        sub = m[:, dense]
        means = sub.sum(axis=0) / np.maximum(present[:, dense].sum(axis=0), 1)
        m[:, dense] = np.where(present[:, dense], sub - means, 0.0)
    idf = np.log((1 + n) / (1 + df)) + 1.0
    m[:, ~dense] *= idf[~dense]
    return m


def _top_k(sim: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    n = sim.shape[0]
    k = max(0, min(k, n - 1))
    np.fill_diagonal(sim, -np.inf)
    if k == 0:
        return np.zeros((n, 0), np.int32), np.zeros((n, 0), np.float32)
    part = np.argpartition(-sim, k - 1, axis=1)[:, :k]
    rows = np.arange(n)[:, None]
    order = np.argsort(-sim[rows, part], axis=1, kind="stable")
    idx = part[rows, order]
    return idx.astype(np.int32), np.clip(sim[rows, idx], 0.0, 1.0).astype(np.float32)


def build_model(store: Any, neighbours: int = NEIGHBOURS) -> SimilarityModel:
    """Build the similarity model of every role in a store.

    Parameters
    ----------
    store : graph.store.Store
        Read through ``store.select`` only.
    neighbours : int
        How many neighbours to keep per role.

    Returns
    -------
    SimilarityModel

    Examples
    --------
    >>> from graph.store import open_store
    >>> model = build_model(open_store())
    >>> model.neighbours.shape[0] == len(model.roles)
    True
    """
    profiles = role_skills(store)
    roles = sorted(profiles)
    m = _normalise_rows(_feature_matrix(profiles, roles))
    sim = m @ m.T
    idx, scores = _top_k(sim, neighbours)
    return SimilarityModel(
        roles=roles,
        index={r: i for i, r in enumerate(roles)},
        neighbours=idx,
        scores=scores,
        method="cosine over skill importance (dense columns centred, sparse IDF-weighted)",
    )


def similar(
    model: SimilarityModel, role_iri: str, top: int = 10, exclude: Iterable[str] = ()
) -> list[tuple[str, float]]:
    """The roles most like ``role_iri``, best first, never the role itself.

    Parameters
    ----------
    model : SimilarityModel
    role_iri : str
    top : int
        How many to return.
    exclude : iterable of str
        Role IRIs to leave out (e.g. those already reachable by a curated move).

    Returns
    -------
    list of (role IRI, score in 0..1)

    Raises
    ------
    KeyError
        If the role is not in the model.

    Examples
    --------
    >>> from graph.store import open_store
    >>> model = build_model(open_store())
    >>> role = model.roles[0]
    >>> hits = similar(model, role, top=3)
    >>> len(hits) == 3 and all(r != role for r, _ in hits)
    True
    """
    i = model.index[role_iri]
    skip = set(exclude)
    out: list[tuple[str, float]] = []
    for j, score in zip(model.neighbours[i], model.scores[i], strict=True):
        other = model.roles[int(j)]
        # a zero score means nothing in common: no basis for a suggestion
        if other in skip or score <= 0:
            continue
        out.append((other, round(float(score), 4)))
        if len(out) >= top:
            break
    return out


def overlap(
    have: dict[str, Any] | Iterable[str], want: dict[str, Any] | Iterable[str]
) -> float:
    """How much of the ``want`` role's skill profile the ``have`` role already covers (0..1).

    Each skill counts with its importance in ``want`` (1.0 when unrated), so
    missing a core skill costs more than missing a peripheral one. Both
    arguments may be the projection's ``skills`` dicts
    (``{skill: {"importance": ..., "level": ...}}``) or plain sets of skills.

    Examples
    --------
    >>> overlap({"a", "b"}, {"a", "c"})
    0.5
    >>> overlap({"a": {"importance": 4.0}}, {"a": {"importance": 4.0}, "b": {"importance": 1.0}})
    0.8
    >>> overlap(set(), set())
    0.0
    """
    have_set = set(have)
    weights: dict[str, float] = {}
    if isinstance(want, dict):
        for skill, attrs in want.items():
            imp = attrs.get("importance") if isinstance(attrs, dict) else None
            weights[skill] = float(imp) if imp is not None else 1.0
    else:
        weights = {s: 1.0 for s in want}
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return round(sum(w for s, w in weights.items() if s in have_set) / total, 4)
