"""Building the projection: shortcuts that skip sorting rows give what sorted rows give."""

from __future__ import annotations

import copy
import gc

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from graph.errors import QueryError
from graph.projection.cachewrite import dumps_projection
from graph.projection.network import _add_technology_flags, _flag, build_projection
from graph.projection.queries import sort_rows
from graph.store.base import Store
from graph.store.local import LocalStore

ROLES = st.sampled_from(["r1", "r2", "missing"])
SKILLS = st.sampled_from(["s1", "s2", "s3"])
FLAGS = st.sampled_from([True, False, "true", "1", "0", "false", 1, 0, "True", 1.0, "1.0"])
FLAG_ROWS = st.lists(
    st.one_of(
        st.fixed_dictionaries({"role": ROLES, "skill": SKILLS, "hot": FLAGS}),
        st.fixed_dictionaries({"role": ROLES, "skill": SKILLS, "demand": FLAGS}),
        # shapes the query never gives: both flags, neither, a value that is not an IRI
        st.fixed_dictionaries(
            {"role": ROLES, "skill": SKILLS}, optional={"hot": FLAGS, "demand": FLAGS}
        ),
        st.fixed_dictionaries({"role": ROLES, "skill": st.integers(1, 2), "hot": FLAGS}),
    ),
    max_size=25,
)


def _nodes() -> dict:
    rated = {"importance": 1.0, "level": None}
    return {
        "r1": {"skills": {"s1": dict(rated), "s2": dict(rated), 1: dict(rated)}},
        "r2": {"skills": {"s2": dict(rated), "s3": dict(rated)}},
    }


def _plain(nodes: dict, rows: list[dict]) -> None:
    """The flags as the rows, sorted, set them one by one."""
    for row in sort_rows(rows):
        rating = nodes[row["role"]]["skills"].get(row["skill"]) if row["role"] in nodes else None
        if rating is not None:
            if "hot" in row:
                rating["hot"] = _flag(row["hot"])
            if "demand" in row:
                rating["in_demand"] = _flag(row["demand"])


@given(FLAG_ROWS, st.booleans())
# equal texts, unequal flags: the last kept, as a stable sort keeps it
@example([{"role": "r1", "skill": "s1", "hot": h} for h in (1.0, "1.0")], True)
@example([{"role": "r1", "skill": "s1", "hot": h} for h in ("1.0", 1.0)], True)
def test_technology_flags_are_those_of_sorted_rows(rows, plain_shape) -> None:
    if plain_shape:  # what the query gives: most often the shortcut's way
        rows = [r for r in rows if len(r) == 3 and type(r["skill"]) is str]
    got, expected = _nodes(), _nodes()
    _add_technology_flags(got, copy.deepcopy(rows))
    _plain(expected, rows)
    # the same values, the keys in the same order (the cache file keeps it)
    assert _items(got) == _items(expected)


def _items(nodes: dict) -> list:
    return [(r, [(s, list(v.items())) for s, v in d["skills"].items()]) for r, d in nodes.items()]


class Reversed(Store):
    """A store giving every SELECT's rows in the reverse order of another's."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.fingerprint = store.fingerprint

    def select(self, query: str, timeout: float | None = None) -> list[dict]:
        return self._store.select(query, timeout)[::-1]


def test_the_projection_does_not_depend_on_the_order_of_rows(store: LocalStore) -> None:
    # rows some queries are read in without sorting them first (the skills to gain of each
    # move, the technologies' flags) give the same projection, byte for byte once written
    assert dumps_projection(build_projection(Reversed(store))) == dumps_projection(
        build_projection(store)
    )


class Failing(Store):
    """A store whose every SELECT fails."""

    fingerprint = "f"

    def select(self, query: str, timeout: float | None = None) -> list[dict]:
        raise QueryError("The query failed: no store")


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_left_as_it_was(store: LocalStore, enabled: bool) -> None:
    # the build runs without the cyclic collector, which must resume after it, failed or not
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        build_projection(store)
        assert gc.isenabled() is enabled
        with pytest.raises(QueryError):
            build_projection(Failing())
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
