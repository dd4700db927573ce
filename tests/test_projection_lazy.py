"""LazyDict: values made on first read, through every way a dict is read, once each."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

from graph.projection.lazy import PENDING, LazyDict


class _Counted(LazyDict):
    """Values are the keys doubled; ``made`` lists the keys made, in order."""

    __slots__ = ("made",)

    def _load(self, key):
        self.made.append(key)
        return key * 2


def _lazy() -> _Counted:
    d = _Counted(dict.fromkeys(["a", "b", "c"], PENDING))
    d.made = []
    return d


PLAIN = {"a": "aa", "b": "bb", "c": "cc"}


@pytest.mark.parametrize(
    "read",
    [
        lambda d: dict(d),
        lambda d: {**d},
        lambda d: dict(d.items()),
        lambda d: dict(zip(d, d.values(), strict=True)),
        lambda d: d.copy(),
        lambda d: copy.copy(d),
        lambda d: copy.deepcopy(d),
        lambda d: pickle.loads(pickle.dumps(d)),
        lambda d: json.loads(json.dumps(d)),
        lambda d: json.loads(json.dumps(d, indent=1)),
        lambda d: d | {},
        lambda d: {} | d,
        lambda d: {k: d[k] for k in d},
        lambda d: {k: d.get(k) for k in d},
    ],
)
def test_every_way_of_reading_gives_the_made_values(read) -> None:
    d = _lazy()
    assert read(d) == PLAIN
    assert sorted(d.made) == ["a", "b", "c"]


def test_each_value_is_made_once_and_kept() -> None:
    d = _lazy()
    first = d["a"]
    assert d["a"] is first and d.get("a") is first and d.made == ["a"]
    assert d == PLAIN and PLAIN == d and not (d != PLAIN) and repr(d) == repr(PLAIN)
    assert d.made == ["a", "b", "c"]


def test_writes_pops_and_missing_keys() -> None:
    d = _lazy()
    assert d.get("x") is None and d.get("x", 1) == 1 and "a" in d and len(d) == 3
    assert d.pop("b") == "bb" and d.popitem() == ("c", "cc")
    assert d.setdefault("a") == "aa" and d.setdefault("z", 5) == 5
    d["a"] = "new"
    assert dict(d) == {"a": "new", "z": 5} and d.made == ["b", "c", "a"]
    with pytest.raises(KeyError):
        d["missing"]
    with pytest.raises(TypeError):
        hash(d)
