"""The similarity model computed the plain way: dict rows, one role at a time, whole matrices.

This is how :mod:`graph.projection.similarity` computed the model before its
vectorised paths; the tests build both on the same rows and compare the
arrays bit for bit (a changed order of summation or a float32/float64 step
shows up as a changed score). Kept as it was; not for speed.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from graph.projection.queries import (
    LABELS_Q,
    ROLE_IRIS_Q,
    ROLE_TEXT_Q,
    SKILLS_Q,
    TASKS_Q,
    sorted_select,
)
from graph.projection.similarity import (
    NEIGHBOURS,
    SCORE_SCALE,
    WEIGHTS,
    SimilarityModel,
    tokens,
)

__all__ = ["plain_combined", "plain_model", "plain_profiles", "plain_similarities"]


class _Views:
    def __init__(self, roles: list[str]) -> None:
        self.roles = roles
        self.rated: dict[str, dict[str, float]] = defaultdict(dict)
        self.named: dict[str, set[str]] = defaultdict(set)
        self.titles: dict[str, list[str]] = defaultdict(list)
        self.tasks: dict[str, list[str]] = defaultdict(list)
        self.other: dict[str, list[str]] = defaultdict(list)


def plain_profiles(store: Any) -> _Views:
    roles = sorted({row["role"] for row in sorted_select(store, ROLE_IRIS_Q)})
    views = _Views(roles)
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


def _sparse(rows: list[dict[str, float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
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
    return _cosine64(rows, centre_dense=centre_dense).astype(np.float32)


def _cosine64(rows: list[dict[str, float]], *, centre_dense: bool = False) -> np.ndarray:
    """The cosine matrix before its cast to float32 (zeros when there are no features)."""
    n = len(rows)
    r, c, v, d = _sparse(rows)
    if d == 0 or n == 0:
        return np.zeros((n, n), dtype=np.float64)
    df = np.bincount(c, minlength=d)
    has = np.zeros(n, dtype=bool)
    has[r] = True
    n_has = max(int(has.sum()), 1)
    idf = np.log((1 + n_has) / (1 + df)) + 1.0
    dense_cols = df > max(n_has // 10, 20)
    if centre_dense:
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
    sim = block @ block.T
    del block
    sim += 0.0
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
    return sim


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
    n = sim.shape[0]
    if n < 3:
        return np.where(active[:, None], sim, 0.0).astype(np.float32)
    z = sim.astype(np.float64, copy=True)
    np.fill_diagonal(z, 0.0)
    mean = (z.sum(axis=1) - 0.0) / (n - 1)
    sq = (z**2).sum(axis=1) / (n - 1)
    std = np.sqrt(np.clip(sq - mean**2, 0, None))
    std[std == 0] = 1.0
    z -= mean[:, None]
    z /= std[:, None]
    z[~active] = 0.0
    np.fill_diagonal(z, 0.0)
    return z.astype(np.float32)


def _top_k(combined: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
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


def plain_model(
    store: Any, neighbours: int = NEIGHBOURS, weights: dict[str, float] | None = None
) -> SimilarityModel:
    """The model of ``store`` the plain way (the arrays the fast paths must reproduce)."""
    weights = dict(WEIGHTS if weights is None else weights)
    views = plain_profiles(store)
    combined, used = plain_combined(views, weights)
    idx, scores = _top_k(combined, neighbours)
    return SimilarityModel(
        roles=views.roles,
        index={r: i for i, r in enumerate(views.roles)},
        neighbours=idx,
        scores=scores,
        method="row-standardised cosine views combined: " + ", ".join(used),
        info={"weights": weights},
    )


def _inputs(views: _Views) -> dict[str, tuple[Callable[[], list[dict[str, float]]], bool]]:
    roles = views.roles
    texts = {
        r: views.titles.get(r, []) + views.tasks.get(r, []) + views.other.get(r, []) for r in roles
    }
    cache: dict[str, list[str]] = {}
    return {
        "rated": (lambda: [views.rated.get(r, {}) for r in roles], True),
        "named": (lambda: [dict.fromkeys(views.named.get(r, ()), 1.0) for r in roles], False),
        "text": (lambda: _text_rows(texts, roles, True, cache), False),
        "titles": (lambda: _text_rows(views.titles, roles, False, cache), False),
        "tasks": (lambda: _text_rows(views.tasks, roles, True, cache), False),
    }


def plain_similarities(
    views: _Views, weights: dict[str, float]
) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    """Each view used: its name, its float64 cosine matrix and the roles that have it."""
    for name, (make_rows, centre) in _inputs(views).items():
        rows = make_rows()
        w = weights.get(name, 0.0)
        active = np.array([bool(row) for row in rows], dtype=bool)
        if not w or active.sum() < 2:
            continue
        yield name, _cosine64(rows, centre_dense=centre), active


def plain_combined(views: _Views, weights: dict[str, float]) -> tuple[np.ndarray, list[str]]:
    """The combined standardised views, the float32 matrix the neighbours are taken from."""
    n = len(views.roles)
    combined = np.zeros((n, n), dtype=np.float32)
    total = np.zeros(n, dtype=np.float32)
    used = []
    for name, (make_rows, centre) in _inputs(views).items():
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
    return combined, used
