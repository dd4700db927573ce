"""The projection's SELECTs: rows come back in one order whatever order the store gives."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from graph.projection.queries import _row_key, sorted_select

VALUES = st.one_of(
    st.sampled_from(["", "a", "a b", "b", "10", "2"]),
    st.integers(-3, 12),
    st.sampled_from([Decimal("4.5"), Decimal("4.50"), 0.5, True, False]),
)
ROWS = st.lists(
    st.dictionaries(st.sampled_from(["code", "label", "level", "role"]), VALUES, max_size=4),
    max_size=30,
)


class Rows:
    """A store that returns the given rows in the given order."""

    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows

    def select(self, query: str) -> list[dict]:
        return list(self.rows)


@given(ROWS)
def test_rows_sort_as_their_variable_value_pairs(rows):
    # rows binding other variables (OPTIONAL) and values that are not text included
    got = sorted_select(Rows(rows), "")
    expected = sorted(rows, key=_row_key)
    assert [id(row) for row in got] == [id(row) for row in expected]
