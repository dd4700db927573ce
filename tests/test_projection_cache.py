"""The projection cache format: faithful, fast to read, and never able to run code."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest

from graph.projection import cache, network
from graph.projection.cache import dumps_projection, load_projection, loads_projection
from graph.projection.network import build_projection
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
    assert np.array_equal(a.neighbours, b.neighbours) and a.neighbours.dtype == b.neighbours.dtype
    assert np.array_equal(a.scores, b.scores) and a.scores.dtype == b.scores.dtype


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
    assert cached[0].read_bytes().startswith(cache._MAGIC)
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


def test_crafted_json_is_an_error_not_a_crash(store: LocalStore) -> None:
    data = dumps_projection(build_projection(store))
    start = len(cache._MAGIC) + cache._HEAD.size
    size = cache._HEAD.unpack_from(data, len(cache._MAGIC))[1]
    doc = json.loads(data[start : start + size])
    doc["edges"][0][0] = 10**9  # a role number past the table
    text = json.dumps(doc).encode()
    forged = cache._MAGIC + cache._HEAD.pack(network.PROJECTION_VERSION, len(text)) + text
    with pytest.raises(cache.ProjectionFormatError):
        loads_projection(forged + data[start + size :])
