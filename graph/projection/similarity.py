"""How alike two roles are, from what the roles are: skills, levels, technology, tasks, titles.

The model is built once per graph from SPARQL queries only (so it works on a
local store and on a remote endpoint alike), cached beside the store with
the networkx projection, and answers :func:`similar` with a row lookup.
Similarity never reads curated transitions: a role a user has just added
(a new guide) gets neighbours from its own profile.

How the score is made
---------------------
Five views of a role, each compared by cosine similarity:

``rated``
    Rated skill and knowledge requirements (O*NET, ESCO): importance times
    level where both are known. A skill nearly every role rates (O*NET rates
    all 68 for every occupation) is centred on its mean, so it counts by how
    a role differs from the typical one; a skill few roles have is weighted
    by its inverse document frequency (IDF).
``named``
    Requirements without a rating (technology, guide skills): present or
    not, IDF-weighted.
``text``
    All the words of a role (titles, description, tasks or responsibilities,
    skill phrases): TF-IDF over stemmed words and word pairs.
``titles``, ``tasks``
    The titles alone, and the tasks alone, the same way.

Views differ in scale, so each role's row of each view is standardised (how
many standard deviations a pair lies above that role's average) before the
views are combined with the weights in :data:`WEIGHTS`. The score shown is
``1 - exp(-z / 4)`` of the combined value ``z`` (0 when a role is no more alike
than a typical one), so it lies in 0..1 and orders as the ranking does.

On O*NET 29.3 the weights give precision@10 of about 0.58 against O*NET's
Related Occupations (``scripts/eval_similar.py``); cosine over centred
Skills+Knowledge importance alone gives about 0.32 on the same measure.

Examples
--------
>>> from graph.build.builtin import open_store
>>> model = build_model(open_store())
>>> len(model.roles) > 10
True
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from graph.projection.queries import (
    LABELS_Q,
    ROLE_IRIS_Q,
    ROLE_TEXT_Q,
    SKILLS_Q,
    TASKS_Q,
    sorted_select,
)
from graph.store.base import Store

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "WEIGHTS",
    "NEIGHBOURS",
    "SimilarityModel",
    "build_model",
    "similar",
    "overlap",
    "profiles",
    "tokens",
]

#: how much each view counts; chosen on half of O*NET's occupations, checked on the other half
WEIGHTS: dict[str, float] = {"rated": 2.0, "named": 0.25, "text": 1.0, "titles": 0.5, "tasks": 0.5}
#: how many neighbours are kept per role; enough for ``top`` plus an ``exclude`` list
NEIGHBOURS = 200
#: the combined z at which the score reaches 1 - 1/e (about 0.63)
SCORE_SCALE = 4.0


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
        ``(n, k)`` int32: the ``k`` most similar roles of each role, best
        first; ``-1`` pads rows with fewer similar roles. Read back from the
        projection cache, a table of the same rows that needs no numpy
        (``neighbours[i]`` is row ``i``; ``.shape``).
    scores : numpy.ndarray
        ``(n, k)`` float32 scores in 0..1 matching ``neighbours`` (the same
        kind of table when read back).
    method : str
        A short description of how the scores were computed.
    """

    roles: list[str]
    index: dict[str, int]
    neighbours: Any
    scores: Any
    method: str = ""
    info: dict[str, Any] = field(default_factory=dict)

    def __contains__(self, role: object) -> bool:
        return role in self.index


@dataclass
class _Views:
    roles: list[str]
    rated: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    named: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    titles: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    tasks: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    other: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def profiles(store: Store) -> _Views:
    """Read what every role is, through ``store.select`` only, rows sorted."""

    roles = sorted({row["role"] for row in sorted_select(store, ROLE_IRIS_Q)})
    views = _Views(roles=roles)
    for row in sorted_select(store, SKILLS_Q):
        imp = row.get("importance")
        if imp is None:
            views.named[row["role"]].add(row["skill"])
            continue
        level = row.get("level")
        value = float(imp) * float(level) if level is not None else float(imp)
        prof = views.rated[row["role"]]
        prof[row["skill"]] = max(prof.get(row["skill"], 0.0), value)
    for row in sorted_select(store, LABELS_Q):
        views.titles[row["role"]].append(str(row["label"]))
    for row in sorted_select(store, TASKS_Q):
        views.tasks[row["role"]].append(str(row["text"]))
    for row in sorted_select(store, ROLE_TEXT_Q):
        views.other[row["role"]].append(str(row["text"]))
    return views


_STOP = frozenset(
    """a an the and or of to in for on with by as at from into is are be this that such other
    others all any its their it using use used may various including include related etc
    e g i ie eg per via s""".split()
)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "er", "ions", "ion", "ies", "es", "s", "ed")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def tokens(text: str, pairs: bool = True) -> list[str]:
    """Words of a text as compared: lower case, stop words dropped, crudely stemmed, plus pairs.

    Examples
    --------
    >>> tokens("Managing software releases")
    ['manag', 'software', 'releas', 'manag_software', 'software_releas']
    >>> tokens("Managing software releases", pairs=False)
    ['manag', 'software', 'releas']
    """
    words = [
        _stem(w)
        for w in re.findall(r"[a-z][a-z0-9+#]*", text.lower())
        if w not in _STOP and len(w) > 1
    ]
    if pairs:
        words += [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    return words


def _sparse(rows: list[dict[str, float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Rows of ``{feature: value}`` -> COO arrays (row, column, value) and the column count."""
    import numpy as np

    vocab: dict[str, int] = {}
    r_idx: list[int] = []
    c_idx: list[int] = []
    vals: list[float] = []
    for i, row in enumerate(rows):
        for feat, value in row.items():
            if value:
                r_idx.append(i)
                c_idx.append(vocab.setdefault(feat, len(vocab)))
                vals.append(value)
    return (
        np.asarray(r_idx, dtype=np.int64),
        np.asarray(c_idx, dtype=np.int64),
        np.asarray(vals, dtype=np.float64),
        len(vocab),
    )


def _cosine(rows: list[dict[str, float]], *, centre_dense: bool = False) -> np.ndarray:
    """Cosine similarity of sparse rows, with IDF (and centring of near-universal features).

    The Gram matrix is computed in two parts so no dense role x feature matrix
    is ever made: features many roles share as one small dense block, the rest
    (most words, most skills) by summing each role's feature co-occurrences.
    """
    import numpy as np

    n = len(rows)
    r, c, v, d = _sparse(rows)
    if d == 0 or n == 0:
        return np.zeros((n, n), dtype=np.float32)
    df = np.bincount(c, minlength=d)
    has = np.zeros(n, dtype=bool)
    has[r] = True
    n_has = max(int(has.sum()), 1)
    idf = np.log((1 + n_has) / (1 + df)) + 1.0
    dense_cols = df > max(n_has // 10, 20)
    if centre_dense:
        # a feature (nearly) every role rates tells by its deviation from the typical value
        universal = df > n_has / 2
        dense_cols |= universal
    else:
        universal = np.zeros(d, dtype=bool)
    weight = np.where(universal[c], v, v * idf[c])
    dcols = np.flatnonzero(dense_cols)
    dpos = np.full(d, -1)
    dpos[dcols] = np.arange(len(dcols))
    in_dense = dense_cols[c]
    block = np.zeros((n, len(dcols)), dtype=np.float64)
    block[r[in_dense], dpos[c[in_dense]]] = weight[in_dense]
    if centre_dense and universal.any():
        ucols = dpos[np.flatnonzero(universal)]
        sub = block[has][:, ucols]
        block[np.ix_(has, ucols)] = sub - sub.mean(axis=0)
    # one n x n matrix, not two (imports of 3,000 roles stay under 1 GB); adding 0.0 turns
    # -0.0 into 0.0 exactly as adding the product to zeros did
    sim = block @ block.T
    del block
    sim += 0.0
    # sparse part: for each feature, every pair of roles sharing it
    sr, sc, sw = r[~in_dense], c[~in_dense], weight[~in_dense]
    if len(sc):
        order = np.argsort(sc, kind="stable")
        sr, sc, sw = sr[order], sc[order], sw[order]
        starts = np.searchsorted(sc, np.arange(d))
        ends = np.searchsorted(sc, np.arange(d), side="right")
        by_row: dict[int, list[int]] = defaultdict(list)
        for k, row in enumerate(sr):
            by_row[int(row)].append(k)
        for i, ks in by_row.items():
            feats = sc[ks]
            wi = sw[ks]
            lens = ends[feats] - starts[feats]
            if not lens.sum():
                continue
            seg = np.repeat(starts[feats] - np.concatenate(([0], np.cumsum(lens)[:-1])), lens)
            pos = seg + np.arange(lens.sum())
            sim[i] += np.bincount(sr[pos], weights=np.repeat(wi, lens) * sw[pos], minlength=n)
    norms = np.sqrt(np.clip(np.diag(sim), 0, None))
    norms[norms == 0] = 1.0
    sim /= norms[:, None]
    sim /= norms[None, :]
    return sim.astype(np.float32)


def _text_rows(
    texts: dict[str, list[str]], roles: list[str], pairs: bool, cache: dict[str, list[str]]
) -> list[dict[str, float]]:
    out = []
    for role in roles:
        counts: Counter[str] = Counter()
        for text in texts.get(role, ()):
            words = cache.get(text)
            if words is None:
                words = cache[text] = tokens(text, pairs=False)
            counts.update(words)
            if pairs:
                counts.update(f"{a}_{b}" for a, b in zip(words, words[1:], strict=False))
        out.append({t: 1.0 + math.log(k) for t, k in counts.items()})
    return out


def _row_z(sim: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Standardise each row (over the other roles); rows of roles lacking the view are 0."""
    import numpy as np

    n = sim.shape[0]
    if n < 3:
        return np.where(active[:, None], sim, 0.0).astype(np.float32)
    z = sim.astype(np.float64, copy=True)
    np.fill_diagonal(z, 0.0)
    mean = (z.sum(axis=1) - 0.0) / (n - 1)
    sq = (z**2).sum(axis=1) / (n - 1)
    std = np.sqrt(np.clip(sq - mean**2, 0, None))
    std[std == 0] = 1.0
    z -= mean[:, None]  # in place: no n x n temporaries
    z /= std[:, None]
    z[~active] = 0.0
    np.fill_diagonal(z, 0.0)
    return z.astype(np.float32)


def _top_k(combined: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    n = combined.shape[0]
    k = max(0, min(k, n - 1))
    if k == 0:
        return np.zeros((n, 0), np.int32), np.zeros((n, 0), np.float32)
    np.fill_diagonal(combined, -np.inf)
    part = np.argpartition(-combined, k - 1, axis=1)[:, :k]
    rows = np.arange(n)[:, None]
    order = np.argsort(-combined[rows, part], axis=1, kind="stable")
    idx = part[rows, order]
    z = combined[rows, idx]
    scores = np.where(z > 0, 1.0 - np.exp(-np.clip(z, 0, None) / SCORE_SCALE), 0.0)
    idx = np.where(z > 0, idx, -1)
    return idx.astype(np.int32), scores.astype(np.float32)


def build_model(
    store: Store, neighbours: int = NEIGHBOURS, weights: dict[str, float] | None = None
) -> SimilarityModel:
    """Build the similarity model of every role in a store.

    Parameters
    ----------
    store : graph.store.base.Store
        Read through ``store.select`` only (local or remote).
    neighbours : int
        How many neighbours to keep per role.
    weights : dict, optional
        Weights of the views (default :data:`WEIGHTS`).

    Returns
    -------
    SimilarityModel

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> model = build_model(open_store())
    >>> model.neighbours.shape[0] == len(model.roles)
    True
    """
    import numpy as np

    weights = dict(WEIGHTS if weights is None else weights)
    views = profiles(store)
    roles = views.roles
    n = len(roles)
    texts = {
        r: views.titles.get(r, []) + views.tasks.get(r, []) + views.other.get(r, []) for r in roles
    }
    cache: dict[str, list[str]] = {}
    # each view's rows are made when it is used and dropped after: text rows are large
    inputs: dict[str, tuple[Callable[[], list[dict[str, float]]], bool]] = {
        "rated": (lambda: [views.rated.get(r, {}) for r in roles], True),
        "named": (lambda: [dict.fromkeys(views.named.get(r, ()), 1.0) for r in roles], False),
        "text": (lambda: _text_rows(texts, roles, True, cache), False),
        "titles": (lambda: _text_rows(views.titles, roles, False, cache), False),
        "tasks": (lambda: _text_rows(views.tasks, roles, True, cache), False),
    }
    combined = np.zeros((n, n), dtype=np.float32)
    total = np.zeros(n, dtype=np.float32)
    used = []
    for name, (make_rows, centre) in inputs.items():
        rows = make_rows()
        w = weights.get(name, 0.0)
        active = np.array([bool(row) for row in rows], dtype=bool)
        if not w or active.sum() < 2:
            continue
        sim = _cosine(rows, centre_dense=centre)
        del rows
        combined += w * _row_z(sim, active)
        total += w * active
        used.append(f"{name}×{w:g}")
        del sim
    combined /= np.maximum(total, 1e-9)[:, None]
    idx, scores = _top_k(combined, neighbours)
    return SimilarityModel(
        roles=roles,
        index={r: i for i, r in enumerate(roles)},
        neighbours=idx,
        scores=scores,
        method="row-standardised cosine views combined: " + ", ".join(used),
        info={"weights": weights},
    )


def similar(
    model: SimilarityModel, role_iri: str, top: int = 10, exclude: Iterable[str] = ()
) -> list[tuple[str, float]]:
    """The roles most like ``role_iri``, best first, never the role itself.

    Only roles more alike than a typical role are returned, so the list may
    be shorter than ``top``.

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
    >>> from graph.build.builtin import open_store
    >>> model = build_model(open_store())
    >>> role = model.roles[0]
    >>> hits = similar(model, role, top=3)
    >>> len(hits) <= 3 and all(r != role and 0 < s <= 1 for r, s in hits)
    True
    """
    i = model.index[role_iri]
    skip = set(exclude)
    out: list[tuple[str, float]] = []
    for j, score in zip(model.neighbours[i], model.scores[i], strict=True):
        if j < 0:
            break
        other = model.roles[int(j)]
        if other in skip or other == role_iri:
            continue
        out.append((other, round(float(score), 4)))
        if len(out) >= top:
            break
    return out


def overlap(have: dict[str, Any] | Iterable[str], want: dict[str, Any] | Iterable[str]) -> float:
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
