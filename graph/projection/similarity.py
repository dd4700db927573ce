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
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, compress
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from graph.projection.queries import (
    LABELS_Q,
    ROLE_IRIS_Q,
    ROLE_TEXT_Q,
    SKILLS_Q,
    TASKS_Q,
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
    """Read what every role is, through ``store.select`` only.

    Rows come in whatever order the store gives; each role's rows are put in
    the order :func:`~graph.projection.queries.sorted_select` gives them (by
    rating, then skill; texts by their text), so the model is the same on any
    store. Sorting each role's few rows costs a fraction of sorting all rows.
    """

    roles = sorted({row["role"] for row in store.select(ROLE_IRIS_Q)})
    views = _Views(roles=roles)
    rated: dict[Any, list[tuple[str, bool, str, str, float, Any]]] = defaultdict(list)
    named: dict[Any, list[tuple[bool, str, str, Any]]] = defaultdict(list)
    # a few hundred distinct ratings: each one's number worked out once (equal values, such
    # as 2.5 and 2.50, have one number but not one text, so the text is not kept)
    number: dict[Any, float] = {}
    for row in store.select(SKILLS_Q):
        skill = row["skill"]
        imp = row.get("importance")
        level = row.get("level")
        if imp is None:
            # sorted_select's order within a role: rows with a level first, by level; then skill
            if level is None:
                named[row["role"]].append((True, "", str(skill), skill))
            else:
                named[row["role"]].append((False, str(level), str(skill), skill))
            continue
        imp_value = number.get(imp)
        if imp_value is None:
            imp_value = number[imp] = float(imp)
        # sorted_select's order within a role: importance, then level (a row without one
        # after those with one), then skill
        if level is None:
            key = (str(imp), True, "", str(skill), imp_value, skill)
        else:
            level_value = number.get(level)
            if level_value is None:
                level_value = number[level] = float(level)
            key = (str(imp), False, str(level), str(skill), imp_value * level_value, skill)
        rated[row["role"]].append(key)
    for role, items in rated.items():
        items.sort(key=_RATING_KEY)
        prof = views.rated[role]
        for item in items:
            skill, value = item[5], item[4]
            before = prof.get(skill, 0.0)
            prof[skill] = value if value > before else before  # max(before, value)
    for role, pairs in named.items():
        pairs.sort(key=_NAMED_KEY)
        views.named[role].update(skill for *_, skill in pairs)
    for texts, query, name in (
        (views.titles, LABELS_Q, "label"),
        (views.tasks, TASKS_Q, "text"),
        (views.other, ROLE_TEXT_Q, "text"),
    ):
        for row in store.select(query):
            texts[row["role"]].append(str(row[name]))
        for role_texts in texts.values():
            role_texts.sort()
    return views


_RATING_KEY = itemgetter(0, 1, 2, 3)
_NAMED_KEY = itemgetter(0, 1, 2)


_STOP = frozenset(
    """a an the and or of to in for on with by as at from into is are be this that such other
    others all any its their it using use used may various including include related etc
    e g i ie eg per via s""".split()
)
_WORD = re.compile(r"[a-z][a-z0-9+#]*")
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
    words = [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1]
    if pairs:
        words += [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    return words


#: a view's features as COO arrays: row, column, value (rows ascending), and the column count
_Coo = tuple["np.ndarray", "np.ndarray", "np.ndarray", int]

#: how many (role, role) products one step of the sparse part of :func:`_cosine` makes at
#: most, and how many cells its sum covers: bounds its temporaries to some 30 MiB
_PAIRS_PER_STEP = 1 << 19
_CELLS_PER_STEP = 1 << 20
#: how many texts are tokenised at a time
_TEXTS_PER_STEP = 4096


def _sparse(rows: list[dict[str, float]]) -> _Coo:
    """Rows of ``{feature: value}`` -> COO arrays (row, column, value) and the column count.

    Zero values are left out. Columns are numbered in the order features
    first occur (row by row, each row in its own order): the order of the
    columns is the order of the sums in :func:`_cosine`, so it is part of
    the answer.
    """
    import numpy as np

    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    values = np.fromiter(chain.from_iterable(row.values() for row in rows), dtype=np.float64)
    keep = values != 0  # as ``if value`` (a NaN is kept)
    feats = list(compress(chain.from_iterable(rows), keep.tolist()))
    vocab = {feat: i for i, feat in enumerate(dict.fromkeys(feats))}
    return (
        np.repeat(np.arange(len(rows), dtype=np.int64), lengths)[keep],
        np.fromiter(map(vocab.__getitem__, feats), dtype=np.int64, count=len(feats)),
        values[keep],
        len(vocab),
    )


class _Texts:
    """The words of every text of the roles, tokenised once, as integer arrays.

    ``groups`` are the titles, tasks and other texts of each role. Word ``w``
    is feature ``w``; the pair of words ``a`` then ``b`` is feature
    ``W + a * W + b`` (``W`` words in all): a word never holds ``_``, so the
    pair ``"a_b"`` of :func:`tokens` is never a word and two pairs are equal
    only when their words are.
    """

    def __init__(self, roles: list[str], groups: Sequence[dict[str, list[str]]]) -> None:
        import numpy as np

        n = len(roles)
        per_group = [[texts.get(role, ()) for role in roles] for texts in groups]
        distinct = {
            text: i
            for i, text in enumerate(
                dict.fromkeys(chain.from_iterable(chain.from_iterable(per_group)))
            )
        }
        #: each group's texts, role by role: ``(text numbers, their roles)``
        self.groups = [
            (
                np.fromiter(
                    map(distinct.__getitem__, chain.from_iterable(role_texts)), dtype=np.int64
                ),
                np.repeat(np.arange(n), [len(t) for t in role_texts]),
            )
            for role_texts in per_group
        ]
        # what tokens(text, pairs=False) gives, each distinct raw word looked at once; a few
        # thousand texts at a time, so their words are never all held as strings
        texts = list(distinct)
        words: dict[str, int] = {}
        number: dict[str, int] = {}  # raw word -> its word's number, -1 when left out
        counts = [np.zeros(0, dtype=np.int64)]
        parts = [np.zeros(0, dtype=np.int64)]
        for lo in range(0, len(texts), _TEXTS_PER_STEP):
            raw = [_WORD.findall(text.lower()) for text in texts[lo : lo + _TEXTS_PER_STEP]]
            counts.append(np.fromiter(map(len, raw), dtype=np.int64, count=len(raw)))
            found = list(chain.from_iterable(raw))
            del raw
            for w in dict.fromkeys(found):
                if w not in number:
                    keep_word = w not in _STOP and len(w) > 1
                    number[w] = words.setdefault(_stem(w), len(words)) if keep_word else -1
            parts.append(np.fromiter(map(number.__getitem__, found), np.int64, len(found)))
        raw_len = np.concatenate(counts)
        ids = np.concatenate(parts)
        del counts, parts
        keep = ids >= 0
        flat = ids[keep]
        wlen = np.bincount(
            np.repeat(np.arange(len(texts)), raw_len)[keep], minlength=len(texts)
        ).astype(np.int64)
        wstart = np.cumsum(wlen) - wlen
        n_words = len(words)
        #: the words of text ``t``: ``words[wstart[t]:wstart[t] + wlen[t]]``
        self.words, self.wstart, self.wlen = flat, wstart, wlen
        # the words then the pairs of each text, text after text
        plen = np.maximum(wlen - 1, 0)
        both_len = wlen + plen
        both_start = np.cumsum(both_len) - both_len
        text_of = np.repeat(np.arange(len(wlen)), wlen)
        within = np.arange(len(flat)) - wstart[text_of]
        both = np.empty(int(both_len.sum()), dtype=np.int64)
        both[both_start[text_of] + within] = flat
        k = np.flatnonzero(within < wlen[text_of] - 1)
        both[both_start[text_of[k]] + wlen[text_of[k]] + within[k]] = (
            n_words + flat[k] * n_words + flat[k + 1]
        )
        self.both, self.both_start, self.both_len = both, both_start, both_len

    def view(self, groups: Sequence[int], pairs: bool) -> _Coo:
        """The COO rows of a view of the given groups: each role's texts, group after group.

        The same rows as counting each role's words in a ``Counter`` and
        weighting each count ``k`` as ``1 + log(k)``, with the columns numbered
        in the order features first occur, role by role, text by text, each
        text's words before its pairs.
        """
        import numpy as np

        seq = np.concatenate([self.groups[g][0] for g in groups])
        row_of = np.concatenate([self.groups[g][1] for g in groups])
        if len(groups) > 1:
            by_role = np.argsort(row_of, kind="stable")  # keeps the groups' order within a role
            seq, row_of = seq[by_role], row_of[by_role]
        table, start, length = (
            (self.both, self.both_start, self.both_len)
            if pairs
            else (self.words, self.wstart, self.wlen)
        )
        lens = length[seq]
        total = int(lens.sum())
        if not total:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float64), 0
        skip = np.cumsum(lens) - lens
        stream = table[np.repeat(start[seq] - skip, lens) + np.arange(total)]
        rows = np.repeat(row_of, lens)
        feats, first, inverse = np.unique(stream, return_index=True, return_inverse=True)
        d = len(feats)
        column = np.empty(d, dtype=np.int64)
        column[np.argsort(first)] = np.arange(d)
        cells, counts = np.unique(rows * d + column[inverse.ravel()], return_counts=True)
        # math.log, as the counts were weighted before, not numpy's log (its last bit may differ)
        weight = np.asarray([0.0] + [1.0 + math.log(k) for k in range(1, int(counts.max()) + 1)])
        return cells // d, cells % d, weight[counts], d


def _cosine(coo: _Coo, n: int, *, centre_dense: bool = False) -> np.ndarray:
    """Cosine similarity (float64, ``n x n``) of sparse rows, with IDF and centring.

    Features many roles share (and, with ``centre_dense``, near-universal
    ones) are one small dense block multiplied at once; the rest (most
    words, most skills) add, for each role, the products over the features
    it shares with each other role, in column order, a few hundred roles at
    a time, so no dense role x feature matrix is ever made.
    """
    import numpy as np

    r, c, v, d = coo
    if d == 0 or n == 0:
        return np.zeros((n, n), dtype=np.float64)
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
    _add_shared(sim, r[~in_dense], c[~in_dense], weight[~in_dense], d)
    norms = np.sqrt(np.clip(np.diag(sim), 0, None))
    norms[norms == 0] = 1.0
    sim /= norms[:, None]
    sim /= norms[None, :]
    return sim


def _add_shared(sim: np.ndarray, r: np.ndarray, c: np.ndarray, w: np.ndarray, d: int) -> None:
    """``sim[i, j] += sum(w[i, f] * w[j, f])`` over the features ``f`` both rows have.

    Each cell's sum starts at 0.0 and adds its products in column order before
    it is added to ``sim`` (as one ``bincount`` per row did), so the result
    is the same to the last bit however many rows a step takes. Cell
    ``(j, i)`` adds the same products in the same order as ``(i, j)`` and
    ``sim`` comes in symmetric (``block @ block.T`` is), so only ``j >= i``
    is summed and the rest mirrored.
    """
    import numpy as np

    n = sim.shape[0]
    if not len(c):
        return
    # the entries by column (rows ascending), and by row (columns ascending)
    by_col = np.lexsort((r, c))
    col_rows, col_w = r[by_col], w[by_col]
    count = np.bincount(c, minlength=d)
    col_start = np.cumsum(count) - count
    by_row = np.lexsort((c, r))
    er, ec, ew = r[by_row], c[by_row], w[by_row]
    # each entry's partners: the entries of its column from its own on (rows j >= i)
    in_col = np.empty(len(c), dtype=np.int64)
    in_col[by_col] = np.arange(len(c))
    first = in_col[by_row]
    del in_col, by_col, by_row
    partners = col_start[ec] + count[ec] - first
    # where each row's entries begin, and how many products come before it
    row_start = np.searchsorted(er, np.arange(n + 1))
    before = np.concatenate(([0], np.cumsum(partners)))[row_start]
    step_rows = max(1, _CELLS_PER_STEP // n)
    lo = 0
    while lo < n:
        hi = int(np.searchsorted(before, before[lo] + _PAIRS_PER_STEP, side="right")) - 1
        hi = min(max(hi, lo + 1), lo + step_rows, n)
        e0, e1 = row_start[lo], row_start[hi]
        lens = partners[e0:e1]
        total = int(lens.sum())
        if total:
            skip = np.cumsum(lens) - lens
            pos = np.repeat(first[e0:e1] - skip, lens) + np.arange(total)
            cell = np.repeat(er[e0:e1] - lo, lens) * n + col_rows[pos]
            products = np.repeat(ew[e0:e1], lens) * col_w[pos]
            sums = np.bincount(cell, weights=products, minlength=(hi - lo) * n)
            sim[lo:hi] += sums.reshape(hi - lo, n)
        lo = hi
    for lo in range(0, n, step_rows):
        hi = min(lo + step_rows, n)
        sim[lo:hi, :lo] = sim[:lo, lo:hi].T
        square = sim[lo:hi, lo:hi]
        below = np.tril_indices(hi - lo, -1)
        square[below] = square.T[below]


def _add_view(combined: np.ndarray, sim: np.ndarray, active: np.ndarray, w: float) -> None:
    """``combined += w * z`` where ``z`` is ``sim`` standardised row by row, a block at a time.

    Each row is standardised over the other roles (how many standard
    deviations above that role's average); rows of roles lacking the view
    are 0. The scores go through float32 as they always have.
    """
    import numpy as np

    n = sim.shape[0]
    if n < 3:
        z = np.where(active[:, None], sim.astype(np.float32), 0.0).astype(np.float32)
        combined += w * z
        return
    step = max(1, _CELLS_PER_STEP // n)
    for lo in range(0, n, step):
        hi = min(lo + step, n)
        diagonal = (np.arange(hi - lo), np.arange(lo, hi))
        z = sim[lo:hi].astype(np.float32).astype(np.float64)
        z[diagonal] = 0.0
        mean = (z.sum(axis=1) - 0.0) / (n - 1)
        sq = (z**2).sum(axis=1) / (n - 1)
        std = np.sqrt(np.clip(sq - mean**2, 0, None))
        std[std == 0] = 1.0
        z -= mean[:, None]  # in place: no temporaries beyond the block
        z /= std[:, None]
        z[~active[lo:hi]] = 0.0
        z[diagonal] = 0.0
        combined[lo:hi] += w * z.astype(np.float32)


def _dict_rows(rows: list[dict[str, float]]) -> tuple[_Coo, np.ndarray]:
    """A view given as one dict per role: its COO rows, and which roles have the view."""
    import numpy as np

    return _sparse(rows), np.array([bool(row) for row in rows], dtype=bool)


def _text_rows(
    words: _Texts, n: int, groups: Sequence[int], pairs: bool = True
) -> tuple[_Coo, np.ndarray]:
    """A text view: its COO rows, and which roles have a word in it."""
    import numpy as np

    coo = words.view(groups, pairs)
    active = np.zeros(n, dtype=bool)
    active[coo[0]] = True
    return coo, active


def _view_similarities(
    views: _Views, weights: dict[str, float]
) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    """Each view with a weight that two or more roles have: its name, cosine matrix and roles.

    One view at a time: its rows are made when it is reached and dropped
    after (text rows are large).
    """
    roles = views.roles
    n = len(roles)
    words = _Texts(roles, (views.titles, views.tasks, views.other))
    inputs: dict[str, tuple[Callable[[], tuple[_Coo, np.ndarray]], bool]] = {
        "rated": (lambda: _dict_rows([views.rated.get(r, {}) for r in roles]), True),
        "named": (
            lambda: _dict_rows([dict.fromkeys(views.named.get(r, ()), 1.0) for r in roles]),
            False,
        ),
        "text": (lambda: _text_rows(words, n, (0, 1, 2)), False),
        "titles": (lambda: _text_rows(words, n, (0,), pairs=False), False),
        "tasks": (lambda: _text_rows(words, n, (1,)), False),
    }
    for name, (make_rows, centre) in inputs.items():
        if not weights.get(name, 0.0):
            continue
        coo, active = make_rows()
        if active.sum() < 2:
            continue
        sim = _cosine(coo, n, centre_dense=centre)
        del coo
        yield name, sim, active
        del sim  # before the next view's matrix is made


def _combined(views: _Views, weights: dict[str, float]) -> tuple[np.ndarray, list[str]]:
    """The weighted mean of the views' standardised rows (float32), and the views used."""
    import numpy as np

    n = len(views.roles)
    combined = np.zeros((n, n), dtype=np.float32)
    total = np.zeros(n, dtype=np.float32)
    used = []
    for name, sim, active in _view_similarities(views, weights):
        w = weights[name]
        _add_view(combined, sim, active, w)
        del sim
        total += w * active
        used.append(f"{name}×{w:g}")
    combined /= np.maximum(total, 1e-9)[:, None]
    return combined, used


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
    weights = dict(WEIGHTS if weights is None else weights)
    views = profiles(store)
    combined, used = _combined(views, weights)
    idx, scores = _top_k(combined, neighbours)
    return SimilarityModel(
        roles=views.roles,
        index={r: i for i, r in enumerate(views.roles)},
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
