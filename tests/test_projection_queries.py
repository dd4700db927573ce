"""The projection's SELECTs: rows come back in one order whatever order the store gives."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from graph.projection.queries import AskedTwice, _row_key, label_key, sorted_select

VALUES = st.one_of(
    # texts holding the characters the keys are made of too
    st.sampled_from(
        ["", "a", "a b", "b", "10", "2", "a\x00", "a\x00b", "\x01", "\x02", "%s", "a%"]
    ),
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
@example([{"label": "a", "role": "b"}, {"label": "a\x00", "role": "a"}])  # a text ends, "\x00" next
@example([{"label": "a", "role": "b"}, {"label": "a\x00"}, {"role": "c"}, {}])
def test_rows_sort_as_their_variable_value_pairs(rows):
    # rows binding other variables (OPTIONAL) and values that are not text included
    got = sorted_select(Rows(rows), "")
    expected = sorted(rows, key=_row_key)
    assert [id(row) for row in got] == [id(row) for row in expected]


class Shuffling(Rows):
    """A store that gives the rows in a new order each time, counting the askings."""

    def __init__(self, rows: list[dict]) -> None:
        super().__init__(rows)
        self.asked = 0
        self.fingerprint = "f"

    def select(self, query: str, timeout: float | None = None) -> list[dict]:
        self.asked += 1
        return (
            self.rows[self.asked % max(len(self.rows), 1) :]
            + self.rows[: self.asked % max(len(self.rows), 1)]
        )


@given(ROWS, st.sampled_from(["sorted", "plain"]))
def test_rows_asked_twice_are_read_and_sorted_once(rows, first) -> None:
    # the projection sorts them, then the similarity model: one select, the second sort free
    inner = Shuffling(rows)
    store = AskedTwice(inner, ["Q"])
    # rows of equal keys may come in any order: compare the keys, and that every row is there
    expected = [_row_key(row) for row in sorted(rows, key=_row_key)]

    def check(got: list[dict]) -> None:
        assert [_row_key(row) for row in got] == expected
        assert sorted(map(id, got)) == sorted(map(id, rows))

    if first == "sorted":
        once = sorted_select(store, "Q")
        check(once)
    else:
        assert sorted(map(id, store.select("Q"))) == sorted(map(id, rows))
    twice = sorted_select(store, "Q")
    check(twice)
    assert inner.asked == 1
    if first == "sorted":
        assert twice is once  # kept sorted, not sorted again
    # kept no longer: a third asking runs the query again
    check(sorted_select(store, "Q"))
    assert inner.asked == 2


#: labels made of abbreviations, '&', characters NFKC changes, combining marks and any text
LABELS = st.lists(
    st.one_of(
        st.sampled_from(["Sr", "tpm", "&", " ", "-", "R&D", "ﬁ", "İ", "\u0301", "Ⅻ", "#", "+"]),
        st.text(),
    ),
    max_size=6,
).map("".join)


@given(LABELS)
def test_label_key_expands_the_words_of_the_normalized_label(text) -> None:
    from graph.projection.queries import ABBREVIATIONS
    from graph.skills import normalize

    expected = " ".join(ABBREVIATIONS.get(w, w) for w in normalize(text).split())
    assert label_key(text) == expected
