"""Graph folders: atomic writes, clear errors, the built-in graph built on first use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from decimal import Decimal

import pyoxigraph as ox
import pytest
from conftest import REPO

from graph.build.builtin import builtin_graph_dir, resolve_graph_dir
from graph.errors import GraphNotFoundError, QuerySyntaxError
from graph.store.base import term_to_python
from graph.store.folder import GRAPH_IRI, MANIFEST, read_manifest
from graph.store.local import LocalStore
from graph.store.write import _stamp, write_graph

EX = "https://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def fill_two(store) -> None:
    for n in (1, 2):
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{n}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(n))))


def test_write_graph_makes_a_readable_folder(tmp_path):
    manifest = write_graph(tmp_path, fill_two)
    assert (tmp_path / MANIFEST).is_file() and (tmp_path / "graph.ttl").is_file()
    store = LocalStore(tmp_path)
    assert store.fingerprint == manifest.build_id
    rows = store.select(f"SELECT ?o WHERE {{ <{EX}s1> <{EX}p> ?o }}")
    assert rows == [{"o": "1"}]
    stamp = store.select(f"SELECT ?id WHERE {{ <{GRAPH_IRI}> dcterms:identifier ?id }}")
    assert stamp == [{"id": manifest.build_id}]


def test_a_failing_fill_leaves_the_previous_graph(tmp_path):
    first = write_graph(tmp_path, fill_two)
    listing = sorted(p.name for p in tmp_path.iterdir())

    def boom(store) -> None:
        fill_two(store)
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_graph(tmp_path, boom)
    assert sorted(p.name for p in tmp_path.iterdir()) == listing
    assert read_manifest(tmp_path).build_id == first.build_id


@pytest.mark.parametrize("where", ["after", "copy"])
def test_a_failing_projection_or_store_copy_leaves_the_previous_graph(tmp_path, monkeypatch, where):
    first = write_graph(tmp_path, fill_two)
    listing = sorted(p.name for p in tmp_path.iterdir())

    def boom(*_args) -> None:
        raise RuntimeError("disk on fire")

    if where == "copy":
        monkeypatch.setattr("graph.store.write._copy_store", boom)
    with pytest.raises(RuntimeError):
        write_graph(tmp_path, fill_two, after=boom if where == "after" else None)
    assert sorted(p.name for p in tmp_path.iterdir()) == listing
    assert read_manifest(tmp_path).build_id == first.build_id


def test_the_store_on_disk_holds_every_quad_in_chunks(tmp_path):
    def fill_many(store) -> None:
        store.extend(
            ox.Quad(ox.NamedNode(f"{EX}s{n}"), ox.NamedNode(f"{EX}p"), ox.Literal(f"line {n}\n"))
            for n in range(400)
        )
        named = ox.NamedNode(f"{EX}g")
        store.add(ox.Quad(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p"), ox.Literal("x"), named))

    source = ox.Store()
    fill_many(source)
    from graph.store.write import _copy_store

    _copy_store(source, tmp_path / "copy", chunk=1000)  # many chunks, each ending on a line
    copy = ox.Store.read_only(str(tmp_path / "copy"))
    assert sorted(map(str, copy)) == sorted(map(str, source))
    assert [p.name for p in tmp_path.iterdir()] == ["copy"]  # the N-Quads file is gone


def test_a_store_copied_in_chunks_is_compacted(tmp_path):
    # every chunk's bulk load leaves its own table files, overlapping the others, and a
    # query searches each of them; compacted, the copy has about as few as a single load
    # (a few small files that overlap nothing may stay beside them)
    source = ox.Store()
    source.extend(
        ox.Quad(ox.NamedNode(f"{EX}s{n}"), ox.NamedNode(f"{EX}p"), ox.Literal(f"line {n}"))
        for n in range(5000)
    )
    from graph.store.write import _copy_store

    _copy_store(source, tmp_path / "whole")
    _copy_store(source, tmp_path / "chunks", chunk=1000)
    whole, chunks = (sorted((tmp_path / name).glob("*.sst")) for name in ("whole", "chunks"))
    assert len(chunks) <= len(whole) + 3
    copy = ox.Store.read_only(str(tmp_path / "chunks"))
    assert sorted(map(str, copy)) == sorted(map(str, source))


def _nt(first: int, last: int) -> bytes:
    return "".join(f'<{EX}s{n}> <{EX}p> "line {n}" .\n' for n in range(first, last)).encode()


def bulk_fill(store) -> None:
    for first in (0, 100, 200):  # several chunks, as the importers load them
        store.bulk_load(_nt(first, first + 100), format=ox.RdfFormat.N_TRIPLES)


def test_bulk_loads_reach_the_store_on_disk_without_a_copy(tmp_path, monkeypatch):
    def no_copy(*_args) -> None:
        raise AssertionError("the store on disk should have been loaded beside the fill")

    monkeypatch.setattr("graph.store.write._copy_store", no_copy)
    manifest = write_graph(tmp_path, bulk_fill)
    disk = ox.Store.read_only(str(tmp_path / manifest.store))
    expected = ox.Store()
    bulk_fill(expected)
    stamp = f"<{GRAPH_IRI}>"
    assert sorted(str(q) for q in disk if str(q.subject) != stamp) == sorted(map(str, expected))
    assert len([q for q in disk if str(q.subject) == stamp]) == 2  # build id and date


def test_the_store_loaded_beside_the_fill_is_compacted_after_its_last_load(tmp_path, monkeypatch):
    # every chunk's load leaves table files of its own (17 on the O*NET import), and each
    # lookup of a query searches them all; RocksDB's own compaction tidies small stores like
    # this one anyway, so what is checked is the call, after the last load, on the disk store
    real = ox.Store
    calls: list[str] = []

    class Spy:
        def __init__(self, path=None):
            self._store = real() if path is None else real(path)
            self._disk = path is not None

        def bulk_load(self, *args, **kwargs):
            if self._disk:
                calls.append("load")
            return self._store.bulk_load(*args, **kwargs)

        def optimize(self):
            if self._disk:
                calls.append("optimize")
            return self._store.optimize()

        def __getattr__(self, name):
            return getattr(self._store, name)

        def __len__(self):
            return len(self._store)

        def __iter__(self):
            return iter(self._store)

    monkeypatch.setattr(ox, "Store", Spy)
    write_graph(tmp_path, bulk_fill)
    assert calls == ["load"] * 3 + ["optimize"]


def test_the_store_in_memory_reads_as_one_bulk_loaded(tmp_path):
    # the chunks go into memory by a plain load (a third less time): the same quads, read in
    # the same order, as the bulk loader gives
    seen: dict[str, list[str]] = {}
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"

    def after(local) -> None:
        seen["rows"] = [str(row) for row in local.raw.query(query)]

    manifest = write_graph(tmp_path, bulk_fill, after=after)
    expected = ox.Store()
    bulk_fill(expected)
    _stamp(expected, manifest)
    assert seen["rows"] == [str(row) for row in expected.query(query)]


def test_other_writes_fall_back_to_copying_the_store(tmp_path):
    def mixed_fill(store) -> None:
        bulk_fill(store)
        fill_two(store)  # store.add: the disk copy of the bulk loads alone would lack these

    manifest = write_graph(tmp_path, mixed_fill)
    disk = ox.Store.read_only(str(tmp_path / manifest.store))
    assert len(disk) == 300 + 2 + 2


def test_a_failing_disk_load_leaves_the_previous_graph(tmp_path, monkeypatch):
    first = write_graph(tmp_path, fill_two)
    listing = sorted(p.name for p in tmp_path.iterdir())
    real = ox.Store

    class BrokenDisk:
        """An in-memory store as it is; the store on disk fails on its first load."""

        def __init__(self, path=None):
            self._store = real() if path is None else real(path)
            self._disk = path is not None

        def bulk_load(self, *args, **kwargs):
            if self._disk:
                raise OSError("disk on fire")
            return self._store.bulk_load(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(self._store, name)

        def __len__(self):
            return len(self._store)

    def no_copy(*_args) -> None:
        raise AssertionError("the failed disk load should be reported, not copied over")

    monkeypatch.setattr(ox, "Store", BrokenDisk)
    monkeypatch.setattr("graph.store.write._copy_store", no_copy)
    with pytest.raises(OSError, match="disk on fire"):
        write_graph(tmp_path, bulk_fill)
    assert sorted(p.name for p in tmp_path.iterdir()) == listing
    assert read_manifest(tmp_path).build_id == first.build_id


@pytest.mark.parametrize("fails", [None, "disk", "after"])
def test_the_projection_starts_before_the_disk_loads_end(tmp_path, monkeypatch, fails):
    # ``after`` needs only the store in memory: the loads into the store on disk end beside
    # it, and one failing then, or ``after`` failing, still stops the build and leaves the
    # previous graph
    first = write_graph(tmp_path, fill_two)
    listing = sorted(p.name for p in tmp_path.iterdir())
    real = ox.Store
    started = threading.Event()
    seen: list[bool] = []

    class SlowDisk:
        """An in-memory store as it is; the store on disk loads its first chunk once ``after`` runs.

        The other chunks wait for it meanwhile, in a file: the store in memory holds them all
        the same.
        """

        def __init__(self, path=None):
            self._store = real() if path is None else real(path)
            self._disk = path is not None
            self._loads = 0

        def bulk_load(self, *args, **kwargs):
            if self._disk:
                self._loads += 1
                if self._loads == 1:
                    seen.append(started.wait(5))
                    if fails == "disk":
                        raise OSError("disk on fire")
            return self._store.bulk_load(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(self._store, name)

        def __len__(self):
            return len(self._store)

    waiting: list[str] = []

    def after(local) -> None:
        assert len(local.raw) == 600 + 2  # the store in memory holds every chunk and the stamp
        waiting.extend(p.name for p in tmp_path.glob("*.chunks"))
        started.set()
        if fails == "after":
            raise RuntimeError("after on fire")

    def many_chunks(store) -> None:
        for first in range(0, 600, 100):
            store.bulk_load(_nt(first, first + 100), format=ox.RdfFormat.N_TRIPLES)

    monkeypatch.setattr(ox, "Store", SlowDisk)
    if fails:
        with pytest.raises((OSError, RuntimeError), match=f"{fails} on fire"):
            write_graph(tmp_path, many_chunks, after=after)
        assert sorted(p.name for p in tmp_path.iterdir()) == listing
        assert read_manifest(tmp_path).build_id == first.build_id
    else:
        manifest = write_graph(tmp_path, many_chunks, after=after)
        disk = real.read_only(str(tmp_path / manifest.store))
        assert len(disk) == 600 + 2  # every chunk and the stamp
        assert not list(tmp_path.glob("*.chunks"))
    # (a failing ``after`` may stop the disk loads before the first began)
    assert seen == [True] or (fails == "after" and seen == [])
    assert len(waiting) == 1  # chunks waited for the disk in a file, not in memory


@pytest.mark.parametrize("bad_chunk", [0, 2])
def test_text_that_does_not_parse_stops_the_build(tmp_path, bad_chunk):
    # the chunks load in a thread while fill goes on: a bad one is reported all the same
    first = write_graph(tmp_path, fill_two)
    listing = sorted(p.name for p in tmp_path.iterdir())

    def bad_fill(store) -> None:
        for n in range(3):
            text = b"<not n-triples" if n == bad_chunk else _nt(100 * n, 100 * n + 100)
            store.bulk_load(text, format=ox.RdfFormat.N_TRIPLES)

    with pytest.raises(SyntaxError):
        write_graph(tmp_path, bad_fill)
    assert sorted(p.name for p in tmp_path.iterdir()) == listing
    assert read_manifest(tmp_path).build_id == first.build_id


def test_a_failing_turtle_dump_leaves_the_previous_graph(tmp_path, monkeypatch):
    # the dump runs beside the projection, in a thread: its error must still stop the build
    first = write_graph(tmp_path, bulk_fill)
    listing = sorted(p.name for p in tmp_path.iterdir())
    monkeypatch.setattr("graph.store.write.PREFIXES", {"bad prefix": "not an IRI"})
    with pytest.raises(ValueError, match="Invalid prefix"):
        write_graph(tmp_path, bulk_fill, after=lambda local: None)
    assert sorted(p.name for p in tmp_path.iterdir()) == listing
    assert read_manifest(tmp_path).build_id == first.build_id


def test_a_new_build_replaces_the_old_store(tmp_path):
    first = write_graph(tmp_path, fill_two)
    second = write_graph(tmp_path, fill_two)
    assert not (tmp_path / first.store).exists()
    assert (tmp_path / second.store).is_dir()


def test_missing_and_broken_manifests(tmp_path):
    with pytest.raises(GraphNotFoundError, match="holds no built graph"):
        read_manifest(tmp_path)
    (tmp_path / MANIFEST).write_text("{not json")
    with pytest.raises(GraphNotFoundError, match="is not a careergraph manifest"):
        read_manifest(tmp_path)
    (tmp_path / MANIFEST).write_text(json.dumps({"format": 99}))
    with pytest.raises(GraphNotFoundError):
        read_manifest(tmp_path)


def test_environment_variable_chooses_the_graph(tmp_path, monkeypatch):
    write_graph(tmp_path, fill_two)
    monkeypatch.setenv("CAREERGRAPH_GRAPH", str(tmp_path))
    assert resolve_graph_dir() == tmp_path
    monkeypatch.delenv("CAREERGRAPH_GRAPH")
    assert resolve_graph_dir() == builtin_graph_dir()


def test_builtin_graph_is_cached_by_content(builtin_dir):
    assert builtin_graph_dir() == builtin_dir
    assert builtin_dir.name.startswith("builtin-")


def test_syntax_errors_are_usage_errors(store):
    with pytest.raises(QuerySyntaxError) as info:
        store.select("SELEC ?x WHERE { ?x ?p ?o }")
    assert info.value.exit_code == 2


@pytest.mark.parametrize(
    ("term", "value"),
    [
        (ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), 42),
        (
            ox.Literal("1.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
            Decimal("1.5"),
        ),
        (
            ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
            True,
        ),
        (ox.Literal("x", language="en"), "x"),
        (ox.NamedNode(EX), EX),
        (ox.BlankNode("b1"), "_:b1"),
        (None, None),
    ],
)
def test_term_to_python(term, value):
    assert term_to_python(term) == value


# ---------------------------------------------------------------------------
# The projection cache beside a graph: damaged or outdated, it is rebuilt (or refused clearly)


def _path_json(graph_dir) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "graph", "path", "TPM", "Director of TPM", "--k", "2",
         "--graph", str(graph_dir), "--format", "json"],
        capture_output=True, text=True, env=env, cwd=graph_dir.parent, timeout=600,
    )  # fmt: skip


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_projection_cache_is_rebuilt(built_copy, damage):
    cache = LocalStore(built_copy).projection_cache()
    first = _path_json(built_copy)
    assert first.returncode == 0, first.stderr
    assert cache is not None and cache.is_file()  # written by the first run (or the build)
    good = cache.read_bytes()
    cache.write_bytes(
        {"garbage": b"\x00\xffnot a projection" * 50, "truncated": good[: len(good) // 2],
         "empty": b""}[damage]
    )  # fmt: skip
    again = _path_json(built_copy)
    if again.returncode == 0:  # rebuilt: the same answer, and a readable cache again
        assert json.loads(again.stdout) == json.loads(first.stdout)
        assert again.stderr == ""
        third = _path_json(built_copy)
        assert third.returncode == 0 and third.stdout == first.stdout
    else:  # or refused with one line that says where and what to do
        assert again.returncode == 1 and "Traceback" not in again.stderr
        assert again.stderr.startswith("Error: ") and again.stderr.count("\n") == 1
        assert str(cache) in again.stderr


def test_a_projection_cache_of_another_version_is_rebuilt(built_copy, monkeypatch):
    from graph.projection import cache as projection
    from graph.projection import network

    store = LocalStore(built_copy)
    monkeypatch.setattr(projection, "_MEMO", {})
    old = projection.load_projection(store)
    cache = store.projection_cache()
    assert cache.is_file() and old.graph["version"] == network.PROJECTION_VERSION
    written = cache.read_bytes()
    # a newer careergraph reads the cache the older one wrote: it builds the projection anew
    monkeypatch.setattr(network, "PROJECTION_VERSION", network.PROJECTION_VERSION + 1)
    monkeypatch.setattr(projection, "_MEMO", {})
    new = projection.load_projection(LocalStore(built_copy))
    assert new.graph["version"] == network.PROJECTION_VERSION
    assert sorted(new.nodes) == sorted(old.nodes) and sorted(new.edges) == sorted(old.edges)
    assert cache.read_bytes() != written  # and replaces the outdated cache
    # which the next run reads instead of building again
    monkeypatch.setattr(projection, "_MEMO", {})

    def no_build(_store):
        raise AssertionError("the projection was built again instead of read from the cache")

    monkeypatch.setattr(network, "build_projection", no_build)
    assert projection.load_projection(LocalStore(built_copy)).graph["version"] == (
        network.PROJECTION_VERSION
    )
