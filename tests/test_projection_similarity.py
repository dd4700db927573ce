"""The similarity model: built from SPARQL rows only, scores in 0..1, never the role itself."""

from __future__ import annotations

import pickle
import random
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.similarity_plain import (
    plain_combined,
    plain_model,
    plain_profiles,
    plain_similarities,
)

from graph.projection import queries, similarity
from graph.projection.similarity import build_model, overlap, similar, tokens


class FakeStore:
    """Answers the model's queries from in-memory rows, as a remote endpoint would."""

    def __init__(self, roles: dict[str, dict[str, Any]]) -> None:
        self.roles = roles
        self.queries: list[str] = []

    def select(self, query: str, timeout: float | None = None) -> list[dict[str, Any]]:
        self.queries.append(query)
        rows: list[dict[str, Any]] = []
        if query is queries.ROLE_IRIS_Q:
            return [{"role": r} for r in self.roles]
        for role, p in self.roles.items():
            if query is queries.SKILLS_Q:
                for skill, rating in p.get("rated", {}).items():
                    imp, level = rating
                    row = {"role": role, "skill": skill, "importance": imp}
                    if level is not None:
                        row["level"] = level
                    rows.append(row)
                rows += [{"role": role, "skill": s} for s in p.get("named", ())]
            elif query is queries.LABELS_Q:
                rows += [{"role": role, "label": t} for t in p.get("titles", ())]
            elif query is queries.TASKS_Q:
                rows += [{"role": role, "text": t} for t in p.get("tasks", ())]
            elif query is queries.ROLE_TEXT_Q:
                rows += [{"role": role, "text": t} for t in p.get("other", ())]
        return rows


def _rated(*levels: float) -> dict[str, tuple[float, float]]:
    return {f"s{i}": (3.0, lv) for i, lv in enumerate(levels)}


ROLES = {
    "dev": {
        "titles": ["Software Developer"],
        "tasks": ["Write and test software code."],
        "rated": _rated(5, 5, 1, 1),
        "named": ["python", "git"],
    },
    "programmer": {
        "titles": ["Computer Programmer"],
        "tasks": ["Write and test program code."],
        "rated": _rated(5, 4, 1, 2),
        "named": ["python"],
    },
    "manager": {
        "titles": ["IT Manager"],
        "tasks": ["Plan budgets and lead software teams."],
        "rated": _rated(3, 3, 5, 5),
        "named": ["excel"],
    },
    "cook": {
        "titles": ["Restaurant Cook"],
        "tasks": ["Cook food on grills."],
        "rated": _rated(1, 1, 2, 4),
        "named": ["knife"],
    },
    "chef": {
        "titles": ["Chef"],
        "tasks": ["Cook food and plan menus."],
        "rated": _rated(1, 2, 3, 4),
        "named": ["knife"],
    },
    "empty": {},
}


@pytest.fixture(scope="module")
def model() -> similarity.SimilarityModel:
    return build_model(FakeStore(ROLES))


def test_nearest_roles_share_skills_and_words(model: similarity.SimilarityModel) -> None:
    assert similar(model, "dev", top=1)[0][0] == "programmer"
    assert similar(model, "cook", top=1)[0][0] == "chef"


def test_scores_are_ordered_in_0_1_and_exclude_the_role(model: similarity.SimilarityModel) -> None:
    neighbours = {}
    for role in ROLES:
        hits = similar(model, role, top=10)
        scores = [s for _, s in hits]
        assert all(0 < s <= 1 for s in scores)
        assert scores == sorted(scores, reverse=True)
        assert role not in [r for r, _ in hits]
        neighbours[role] = [r for r, _ in hits]
    # every role with something known has a neighbour; the chef has two, nearest first
    assert {role for role, hits in neighbours.items() if not hits} == {"empty"}
    assert neighbours["chef"] == ["cook", "manager"]


def test_exclude_and_top(model: similarity.SimilarityModel) -> None:
    assert [r for r, _ in similar(model, "chef", top=1)] == ["cook"]
    assert [r for r, _ in similar(model, "chef", top=2, exclude={"cook"})] == ["manager"]


def test_a_role_with_nothing_known_has_no_neighbours(model: similarity.SimilarityModel) -> None:
    assert similar(model, "empty") == []


def test_unknown_role_raises(model: similarity.SimilarityModel) -> None:
    with pytest.raises(KeyError):
        similar(model, "nobody")


def test_model_pickles(model: similarity.SimilarityModel) -> None:
    again = pickle.loads(pickle.dumps(model))
    assert similar(again, "dev") == similar(model, "dev")


def test_model_reads_through_select_only() -> None:
    store = FakeStore(ROLES)
    build_model(store)
    assert store.queries and all(q.lstrip().startswith("SELECT") for q in store.queries)


def test_weights_switch_views_off() -> None:
    m = build_model(FakeStore(ROLES), weights={"titles": 1.0})
    # titles alone: the cook and the chef share no word, so they are not neighbours
    assert "chef" not in [r for r, _ in similar(m, "cook")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Plan budgets", ["plan", "budget", "plan_budget"]),
        ("the and of", []),
        ("C++ and C#", ["c++", "c#", "c++_c#"]),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_overlap_weights_by_importance() -> None:
    want = {"a": {"importance": 4.0, "level": 3.0}, "b": {"importance": 1.0, "level": None}}
    assert overlap({"a"}, want) == 0.8
    assert overlap({"b"}, {"b": {}}) == 1.0


def test_builtin_graph_neighbours_of_the_seed_role() -> None:
    from graph.build.builtin import open_store

    m = build_model(open_store())
    seed = "https://w3id.org/careergraph/id/role/technical-program-manager-infrastructure-delivery"
    top = [r.rsplit("/", 1)[1] for r, _ in similar(m, seed, top=5)]
    # its own next step (same skills, one level up) is among the nearest three ...
    assert "senior-lead-technical-program-manager" in top[:3], top
    # ... and the five nearest are all program-management or platform-leadership roles,
    # none of the product, architecture or staff roles the guides also describe
    assert set(top) <= {
        "devops-program-manager",
        "senior-lead-technical-program-manager",
        "engineering-manager-platform-infrastructure",
        "tpm-cloud-infra",
        "platform-engineering-program-manager",
        "infrastructure-program-lead-head-of-technical-programs",
        "release-program-manager",
        "platform-program-manager",
    }, top


# --- the fast paths against the plain computation (tests/support/similarity_plain.py) ---

WORDS = ["plan", "planning", "budgets", "software", "code", "cook", "food", "the", "and", "c++"]
WORDS += ["lead", "teams", "x", "testing", "tests", "menus", "grills", "data", "report", "reports"]
RATINGS = [None, Decimal("0"), Decimal("1"), Decimal("2.5"), Decimal("2.50"), Decimal("3.12")]
RATINGS += [Decimal("4.75"), Decimal("10")]


class Rows:
    """Answers each query of the model with the given rows, in the given (any) order."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        self.rows = rows

    def select(self, query: str, timeout: float | None = None) -> list[dict[str, Any]]:
        for name, rows in self.rows.items():
            if getattr(queries, name) is query:
                return list(rows)
        raise AssertionError(f"unexpected query {query}")


@st.composite
def stores(draw: st.DrawFn, max_roles: int = 40) -> Rows:
    """Roles with ratings (repeated, unrated, zero), labels, tasks and texts, rows in any order."""
    n = draw(st.integers(0, max_roles))
    roles = [f"r{i:02d}" for i in range(n)]
    pool = draw(st.integers(1, 12))
    skill = st.sampled_from([f"s{k}" for k in range(pool)])
    text = st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join)
    rows: dict[str, list[dict[str, Any]]] = {"ROLE_IRIS_Q": [{"role": r} for r in roles]}
    if not roles:
        return Rows({**rows, "SKILLS_Q": [], "LABELS_Q": [], "TASKS_Q": [], "ROLE_TEXT_Q": []})
    role = st.sampled_from(roles)
    rated = st.tuples(role, skill, st.sampled_from(RATINGS), st.sampled_from(RATINGS))
    rows["SKILLS_Q"] = [
        {
            "role": r,
            "skill": s,
            **({"importance": imp} if imp is not None else {}),
            **({"level": lv} if lv is not None else {}),
        }
        for r, s, imp, lv in draw(st.lists(rated, max_size=8 * n))
    ]
    for name, key in (("LABELS_Q", "label"), ("TASKS_Q", "text"), ("ROLE_TEXT_Q", "text")):
        pairs = draw(st.lists(st.tuples(role, text), max_size=3 * n))
        rows[name] = [{"role": r, key: t} for r, t in pairs]
    return Rows(rows)


def _same_model(store: Rows, **kwargs: Any) -> None:
    """Every array on the way is the same to the last bit: each view's float64 cosine matrix,
    the combined float32 matrix, the neighbours and scores."""
    weights = dict(similarity.WEIGHTS if kwargs.get("weights") is None else kwargs["weights"])
    fast_views, plain_views = similarity.profiles(store), plain_profiles(store)
    fast_sims = list(similarity._view_similarities(fast_views, weights))
    plain_sims = list(plain_similarities(plain_views, weights))
    assert [name for name, *_ in fast_sims] == [name for name, *_ in plain_sims]
    for (name, got, active), (_, want, plain_active) in zip(fast_sims, plain_sims, strict=True):
        assert got.dtype == want.dtype and got.shape == want.shape, name
        assert got.tobytes() == want.tobytes(), name
        assert active.tolist() == plain_active.tolist(), name
    got, _ = similarity._combined(fast_views, weights)
    want, _ = plain_combined(plain_views, weights)
    assert got.dtype == want.dtype and got.tobytes() == want.tobytes()
    fast, plain = build_model(store, **kwargs), plain_model(store, **kwargs)
    assert fast.roles == plain.roles and fast.index == plain.index
    assert (fast.method, fast.info) == (plain.method, plain.info)
    for got, want in ((fast.neighbours, plain.neighbours), (fast.scores, plain.scores)):
        assert got.dtype == want.dtype and got.shape == want.shape
        assert got.tobytes() == want.tobytes()


@given(stores())
def test_profiles_as_from_sorted_rows(store: Rows) -> None:
    fast, plain = similarity.profiles(store), plain_profiles(store)
    assert fast.roles == plain.roles
    # the order of each role's features numbers the columns, so it is compared too
    for role in plain.roles:
        assert list(fast.rated.get(role, {}).items()) == list(plain.rated.get(role, {}).items())
        assert list(fast.named.get(role, ())) == list(plain.named.get(role, ()))
        for view in ("titles", "tasks", "other"):
            assert getattr(fast, view).get(role, []) == getattr(plain, view).get(role, [])


@given(stores(), st.sampled_from([None, {"titles": 1.0}, {"rated": 1.0, "tasks": 0.5}]))
def test_model_as_computed_plainly(store: Rows, weights: dict[str, float] | None) -> None:
    _same_model(store, weights=weights)


@given(stores())
def test_model_as_computed_plainly_in_small_steps(store: Rows) -> None:
    # the sparse sums and the standardising split into steps of a few rows
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(similarity, "_PAIRS_PER_STEP", 7)
        patch.setattr(similarity, "_CELLS_PER_STEP", 50)
        _same_model(store, neighbours=5)


@pytest.mark.parametrize("steps", [None, (40, 2000)])
def test_model_as_computed_plainly_on_hundreds_of_roles(steps: tuple[int, int] | None) -> None:
    # rows longer than numpy's pairwise-summation block (128), dense columns of common words,
    # universal ratings; in one step and in many
    rng = random.Random(13)
    roles = [f"r{i:03d}" for i in range(300)]
    rows: dict[str, list[dict[str, Any]]] = {"ROLE_IRIS_Q": [{"role": r} for r in roles]}
    rows["SKILLS_Q"] = [
        {
            "role": r,
            "skill": f"s{k}",
            "importance": Decimal(rng.randint(1, 50)) / 10,
            **({"level": Decimal(rng.randint(0, 70)) / 10} if k < 30 else {}),
        }
        for r in roles
        for k in range(60)
        if k < 30 or rng.random() < 0.1
    ]

    def some_text() -> str:
        return " ".join(rng.choices(WORDS + [f"w{k}" for k in range(300)], k=rng.randint(1, 12)))

    for name, key in (("LABELS_Q", "label"), ("TASKS_Q", "text"), ("ROLE_TEXT_Q", "text")):
        rows[name] = [
            {"role": r, key: some_text()} for r in roles for _ in range(rng.randint(0, 6))
        ]
        rng.shuffle(rows[name])
    with pytest.MonkeyPatch.context() as patch:
        if steps:
            patch.setattr(similarity, "_PAIRS_PER_STEP", steps[0])
            patch.setattr(similarity, "_CELLS_PER_STEP", steps[1])
        _same_model(Rows(rows))


def test_text_counts_weighted_as_plainly() -> None:
    # numpy's log and math.log differ in the last bit at some counts (9170 is the first)
    from support.similarity_plain import _sparse, _text_rows

    texts = {"a": ["data " * 9170, "plan budgets"], "b": ["plan " * 3 + "data"], "c": []}
    roles = ["a", "b", "c"]
    words = similarity._Texts(roles, [texts])
    for pairs in (True, False):
        (r, c, v, d), _ = similarity._text_rows(words, len(roles), (0,), pairs)
        want = _sparse(_text_rows(texts, roles, pairs, {}))
        order = np.lexsort((want[1], want[0]))
        assert d == want[3]
        for got, expected in zip((r, c, v), want[:3], strict=True):
            assert got.dtype == expected.dtype
            assert got.tobytes() == expected[order].tobytes()
