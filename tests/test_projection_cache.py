"""The projection cache format: faithful, fast to read, and never able to run code."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from random import Random

import networkx as nx
import pytest
from conftest import REPO
from hypothesis import example, given
from hypothesis import strategies as st

from graph.projection import cache
from graph.projection.cache import dumps_projection, load_projection, loads_projection
from graph.projection.cachewrite import _HEAD, _MAGIC, _TECH_COUNTS, _rating_table
from graph.projection.lazy import PENDING
from graph.projection.network import PROJECTION_VERSION, build_projection
from graph.store.folder import PROJECTION_SUFFIX
from graph.store.local import LocalStore


@pytest.fixture
def folder(builtin_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the built-in graph folder, without any projection cache."""
    out = tmp_path / "graph"
    shutil.copytree(builtin_dir, out)
    for cached in out.glob("projection-*"):
        cached.unlink()
    cache._MEMO.clear()
    return out


def _same(P, Q) -> None:
    assert list(P.nodes) == list(Q.nodes)
    assert dict(P.nodes(data=True)) == dict(Q.nodes(data=True))
    assert list(P.edges(data=True)) == list(Q.edges(data=True))
    assert all(list(P.pred[n]) == list(Q.pred[n]) for n in P)
    graph_p = {k: v for k, v in P.graph.items() if k != "similarity"}
    graph_q = {k: v for k, v in Q.graph.items() if k != "similarity"}
    assert graph_p == graph_q
    a, b = P.graph["similarity"], Q.graph["similarity"]
    assert (a.roles, a.index, a.method, a.info) == (b.roles, b.index, b.method, b.info)
    # the same int32 and float32 numbers, bit for bit (a table read back needs no numpy)
    assert a.neighbours.shape == b.neighbours.shape and a.scores.shape == b.scores.shape
    assert a.neighbours.tobytes() == b.neighbours.tobytes()
    assert a.scores.tobytes() == b.scores.tobytes()


def test_round_trip_keeps_everything(store: LocalStore) -> None:
    P = build_projection(store)
    _same(P, loads_projection(dumps_projection(P)))
    # types that JSON alone would lose come back as they were
    node = next(d for _, d in P.nodes(data=True) if d["sectors"])
    assert isinstance(node["gaps"], set) and isinstance(node["sectors"][0], tuple)


def test_cache_is_written_and_read_back(folder: Path) -> None:
    first = load_projection(LocalStore(folder))
    cached = list(folder.glob("projection-*"))
    assert [p.suffix for p in cached] == [PROJECTION_SUFFIX]
    assert cached[0].read_bytes().startswith(_MAGIC)
    cache._MEMO.clear()
    _same(first, load_projection(LocalStore(folder)))


class _Exploit:
    """Unpickling this creates a file: what a crafted graph folder would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("ending", [".pickle", PROJECTION_SUFFIX])
def test_a_crafted_pickle_is_never_loaded(folder: Path, tmp_path: Path, ending: str) -> None:
    marker = tmp_path / "pwned"
    store = LocalStore(folder)
    payload = pickle.dumps(_Exploit(marker))
    # under the name the manifest gives, and under the name the cache is read from
    (folder / f"projection-{store.fingerprint}{ending}").write_bytes(payload)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["projection"] = f"projection-{store.fingerprint}{ending}"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    P = load_projection(LocalStore(folder))
    assert not marker.exists()
    assert P.number_of_nodes() > 10


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:100],
        lambda data: data[: len(data) - 8],
        lambda data: b"XXXXXXXX" + data[8:],
        lambda data: data[:8] + (2).to_bytes(4, "little") + data[12:],  # an older version
        lambda data: data[:20] + b"{" * 50 + data[70:],
        lambda data: b"",
    ],
)
def test_damaged_or_old_cache_is_rebuilt(folder: Path, damage) -> None:
    P = load_projection(LocalStore(folder))
    path = next(folder.glob(f"projection-*{PROJECTION_SUFFIX}"))
    path.write_bytes(damage(path.read_bytes()))
    cache._MEMO.clear()
    _same(P, load_projection(LocalStore(folder)))
    _same(P, loads_projection(path.read_bytes()))  # and written again, whole


def _forge(data: bytes, change) -> bytes:
    """``data`` with its index changed by ``change`` (the rest as it was)."""
    start = len(_MAGIC) + _HEAD.size
    version, size, texts, arrays = _HEAD.unpack_from(data, len(_MAGIC))
    index = json.loads(data[start : start + size])
    change(index)
    text = json.dumps(index).encode()
    head = _HEAD.pack(version, len(text), texts, arrays)
    return _MAGIC + head + text + data[start + size :]


@pytest.mark.parametrize(
    "change",
    [
        lambda index: index["edges"]["source"].__setitem__(0, 10**9),  # past the role table
        lambda index: index["edges"]["target"].__setitem__(0, -1),
        lambda index: index["nodes"].__setitem__(1, index["nodes"][0]),  # a role twice
        lambda index: index["edges"]["columns"]["kind"].__setitem__(1, 10**9),  # past the end
        lambda index: index["similarity"]["shape"].__setitem__(0, 3),
        lambda index: index["shape"].pop(),
        # the graph's tables are read at once
        lambda index: index["graph"]["label_index"].__setitem__(
            1, index["graph"]["label_index"][1] - 1
        ),
        lambda index: index["graph"]["skills"].__setitem__(0, 3),
        # another text read as the technology counts
        lambda index: index["graph"].__setitem__(
            "technology_counts", [*index["columns"]["skills"][:2], _TECH_COUNTS]
        ),
    ],
)
def test_crafted_index_is_an_error_not_a_crash(store: LocalStore, change) -> None:
    data = dumps_projection(build_projection(store))
    with pytest.raises(cache.ProjectionFormatError):
        loads_projection(_forge(data, change))


def _skills_span(index) -> None:
    start, end, tagged = index["columns"]["skills"]
    index["columns"]["skills"] = [start + 1, end, tagged]  # no longer one JSON text


@pytest.mark.parametrize(
    "change",
    [
        _skills_span,
        lambda index: index["columns"]["skills"].__setitem__(1, 10**9),
        # a text of another length than the role list (the table of skills)
        lambda index: index["columns"].__setitem__("skills", index["graph"]["skills"]),
    ],
)
def test_a_part_damaged_is_found_when_read_and_the_file_removed(
    store: LocalStore, tmp_path: Path, change
) -> None:
    # the parts a command may not need are checked when first read, not all at load
    path = tmp_path / f"projection{PROJECTION_SUFFIX}"
    path.write_bytes(_forge(dumps_projection(build_projection(store)), change))
    P = loads_projection(path.read_bytes(), str(path))
    with pytest.raises(cache.DamagedProjectionError) as caught:
        for _, skills in P.nodes(data="skills"):
            assert isinstance(skills, dict)
    # one line that says which file, and that the next run rebuilds it
    assert str(path) in str(caught.value) and "run the command again" in str(caught.value)
    assert "\n" not in str(caught.value) and not path.exists()
    assert caught.value.exit_code == 1


def test_reading_lazily_shows_only_made_values(store: LocalStore) -> None:
    P = build_projection(store)
    Q = loads_projection(dumps_projection(P))
    role = next(iter(P))
    # every way of reading a role's attributes gives the values, never a placeholder
    assert dict(Q.nodes[role]) == P.nodes[role]
    assert {**Q.nodes[role]} == P.nodes[role] and Q.nodes[role].copy() == P.nodes[role]
    assert json.dumps(Q.nodes[role], default=sorted) == json.dumps(P.nodes[role], default=sorted)
    assert Q.graph.get("skills") == P.graph["skills"] and Q.graph.get("absent", 1) == 1
    assert sorted(Q.graph) == sorted(P.graph)


def test_skill_ratings_are_made_only_for_the_roles_read(store: LocalStore) -> None:
    # route search reads a sixth of O*NET's roles: the others' ratings are never made
    P = build_projection(store)
    Q = loads_projection(dumps_projection(P))
    roles = list(P)
    read = roles[::2]
    assert len(read) > 10 and len(roles) > len(read)
    for role in read:
        assert Q.nodes[role]["skills"] == P.nodes[role]["skills"]
    made = [r for r in roles if dict.__getitem__(Q._node[r], "skills") is not PENDING]
    assert made == read
    # ... and not made as a whole column behind the scenes either
    assert "skills" not in Q._node[roles[0]]._columns.made
    assert dict(Q.nodes(data="skills")) == dict(P.nodes(data="skills"))


@pytest.mark.parametrize(
    "skills",
    [
        {  # as build_projection makes it: written as columns
            "s": {"label": "S", "type": "skill", "labels": ["S", "Ess"]},
            "t": {"label": "T", "type": "technology", "labels": ["T"], "class": "c"},
        },
        {"s": {"label": "S"}, "t": {"label": "T", "type": "skill", "labels": ["U"]}},
    ],
)
def test_round_trip_of_any_shape(skills) -> None:
    # attributes build_projection never makes, roles and moves of several shapes, no model
    P = nx.DiGraph(version=PROJECTION_VERSION, anchors={"x": [(1.0, "a")]}, empty=set())
    P.graph["skills"] = skills
    P.add_node("a", label="A", skills={"s": {"importance": 1.0}}, seen={("x", 2)})
    P.add_node("b", skills={}, extra=[1, None, "t"], label="B")
    P.add_node("c")
    P.add_edge("a", "b", kind="transition", weight=(1, 2))
    P.add_edge("b", "c", skills_to_gain=["s", "t"])
    P.add_edge("c", "a")
    Q = loads_projection(dumps_projection(P))
    assert list(Q.nodes(data=True)) == list(P.nodes(data=True))
    assert list(Q.edges(data=True)) == list(P.edges(data=True))
    assert dict(Q.graph) == P.graph and list(Q.graph) == list(P.graph)
    assert Q.nodes["a"]["seen"] == {("x", 2)} and Q.edges["a", "b"]["weight"] == (1, 2)
    assert Q.pred["a"]["c"] is Q.succ["c"]["a"]


#: run one command in a fresh interpreter, then name the heavy modules it imported
_IMPORTED = """
import sys
from graph.cli.main import cli
try:
    cli(sys.argv[1:], standalone_mode=False)
finally:
    heavy = ("numpy", "pyoxigraph", "rdflib", "jinja2")
    print("imported:", sorted({m.split(".")[0] for m in sys.modules} & set(heavy)))
"""


@pytest.mark.parametrize(
    "command",
    [
        ["path", "TPM", "Director of Technical Program Management", "--k", "2"],
        ["next", "TPM"],
        ["gap", "TPM", "Director of Technical Program Management"],
        ["similar", "TPM"],
    ],
)
def test_route_commands_need_neither_numpy_nor_the_store(folder: Path, command) -> None:
    # once the projection is cached, these commands read it alone: no numpy (the
    # similarity model is read as plain numbers), no store opened, no rdflib
    load_projection(LocalStore(folder))
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTED, *command, "--graph", str(folder), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout[: done.stdout.rindex("imported:")])
    assert done.stdout.rstrip().endswith("imported: []")


def test_a_command_meeting_a_damaged_part_says_so_and_the_next_run_rebuilds(
    folder: Path,
) -> None:
    from click.testing import CliRunner

    from graph.cli import cli

    args = ["gap", "TPM", "Director of Technical Program Management", "--graph", str(folder)]
    first = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert first.exit_code == 0, first.output
    path = next(folder.glob(f"projection-*{PROJECTION_SUFFIX}"))
    path.write_bytes(_forge(path.read_bytes(), _skills_span))
    cache._MEMO.clear()
    damaged = CliRunner().invoke(cli, args)
    assert damaged.exit_code == 1 and damaged.stdout == ""
    assert damaged.stderr.startswith(f"Error: The projection cache {path} is damaged (")
    assert damaged.stderr.endswith(
        "; it has been removed, so run the command again to rebuild it.\n"
    )
    assert damaged.stderr.count("\n") == 1 and not path.exists()
    # the next run, in this process too, builds it anew and answers as before
    again = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert again.exit_code == 0 and again.stdout == first.stdout and path.exists()


def test_a_model_read_back_can_be_copied(store: LocalStore) -> None:
    import copy

    model = loads_projection(dumps_projection(build_projection(store))).graph["similarity"]
    for again in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert again.neighbours.tobytes() == model.neighbours.tobytes()
        assert list(again.scores[3]) == list(model.scores[3])


@pytest.mark.parametrize(
    "table",
    [
        # as build_projection makes it: written as arrays of numbers
        {"listing": 3, "counts": {"t": (2, 3), "u": (1, 0)}},
        {"listing": 0, "counts": {}},
        # any other shape is written as it is
        {"listing": 3, "counts": {"t": (2, -1)}},
        {"listing": 3, "counts": {"t": [2, 3]}, "more": None},
        [1, 2],
    ],
)
def test_technology_counts_round_trip(table) -> None:
    P = nx.DiGraph(technology_counts=table)
    P.add_node("a", skills={"t": {}})
    data = dumps_projection(P)
    assert loads_projection(data).graph["technology_counts"] == table


def _plain_rating_table(column):
    """The rating table as the file defines it: ratings equal as JSON with sorted keys are one."""
    table, ratings, chosen = {}, [], []
    for value in column:
        row = []
        for rating in value.values():
            text = json.dumps(rating, sort_keys=True)
            if text not in table:
                table[text] = len(ratings)
                ratings.append(rating)
            row.append(table[text])
        chosen.append(row)
    return ratings, chosen


_RATING_VALUES = st.one_of(
    st.sampled_from([0.0, -0.0, 1.0, 1, True, False, 0, None, "1", float("nan"), 2.5, [1.0]]),
    st.floats(allow_nan=True, allow_infinity=True),
)
_RATING = st.dictionaries(
    st.sampled_from(["importance", "level", "hot", "in_demand"]), _RATING_VALUES, max_size=4
)


@given(
    st.lists(st.dictionaries(st.sampled_from("abcdef"), _RATING, max_size=5), max_size=6),
    st.randoms(use_true_random=False),
)
@example([{"a": {"level": 0.0}, "b": {"level": -0.0}}], Random(0))
@example([{"a": {"level": float("nan")}}, {"a": {"level": float("nan")}}], Random(0))
@example([{"a": {"level": 1}, "b": {"level": 1.0}, "c": {"level": True}}], Random(0))
def test_rating_table_is_the_plain_one(column, random) -> None:
    # the shortcut tells ratings apart by items and types, the file by JSON texts: the same
    # ratings, the same first ones kept (float zeros, NaN, ints beside floats, key orders)
    column = column + [
        {k: dict(random.sample(sorted(r.items(), key=repr), len(r))) for k, r in v.items()}
        for v in column
    ]
    ratings, chosen = _rating_table(column)
    expected_ratings, expected_chosen = _plain_rating_table(column)
    assert chosen == expected_chosen
    assert [id(r) for r in ratings] == [id(r) for r in expected_ratings]
