"""A new build written to a graph folder atomically: Turtle, embedded store, manifest.

The previous build stays readable until the new manifest replaces it; stores
and caches of earlier builds are removed afterwards.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.namespaces import PREFIXES
from graph.store.base import XSD
from graph.store.folder import (
    GRAPH_IRI,
    MANIFEST,
    PROJECTION_SUFFIX,
    Manifest,
    _safe_name,
    folder_lock,
)
from graph.store.local import LocalStore

__all__ = ["write_graph"]


def _new_build_id() -> str:
    return time.strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:8]


def write_graph(
    out_dir: Path,
    fill: Callable[[Any], None],
    *,
    counts: Callable[[Any], dict[str, int]] | None = None,
    sources: list[dict[str, Any]] | None = None,
    warnings: list[str] | None = None,
    after: Callable[[LocalStore], None] | None = None,
) -> Manifest:
    """Write a graph folder atomically.

    ``fill(store)`` loads the triples into a fresh writable ``pyoxigraph.Store``.
    The Turtle dump, the embedded store, the projection cache and finally the
    manifest follow; if anything fails, the temporary files are removed and
    the previous graph in ``out_dir`` is left exactly as it was.

    The store ``fill`` gets is held in memory: loading, counting, the Turtle
    dump and the queries behind the projection run several times faster there
    than on disk (a million triples fit in a few hundred MB). What ``fill``
    bulk-loads as text (the importers load chunks of N-Triples) is loaded in
    threads, into memory and then into the embedded store on disk, while
    ``fill`` goes on. ``after`` starts as soon as the store in memory holds
    everything: the last loads into the store on disk (the chunks it had no
    time for yet wait in a file, not in memory), its compaction and closing go
    on in a thread beside it. A ``fill`` that writes otherwise gets the store
    on disk copied from memory after ``after``. The Turtle dump runs in a
    thread beside ``after``.

    Parameters
    ----------
    out_dir : Path
        The graph folder; created if missing.
    fill : callable
        Loads triples into the ``pyoxigraph.Store`` it is given.
    counts : callable, optional
        Returns the counts to record in the manifest, given the filled store.
    sources, warnings : list, optional
        Recorded in the manifest.
    after : callable, optional
        Called with the new graph opened read-only before it is committed
        (e.g. to write the projection cache); may raise to abort.
    """
    out_dir = Path(out_dir)
    with folder_lock(out_dir):
        return _write_graph(out_dir, fill, counts, sources, warnings, after)


def _write_graph(
    out_dir: Path,
    fill: Callable[[Any], None],
    counts: Callable[[Any], dict[str, int]] | None,
    sources: list[dict[str, Any]] | None,
    warnings: list[str] | None,
    after: Callable[[LocalStore], None] | None,
) -> Manifest:
    import pyoxigraph as ox

    build_id = _new_build_id()
    store_name = f"store-{build_id}"
    tmp_store = out_dir / f".tmp-{store_name}"
    tmp_ttl = out_dir / f".tmp-graph-{build_id}.ttl"
    tmp_manifest = out_dir / f".tmp-manifest-{build_id}.json"
    final_store = out_dir / store_name
    committed = False
    tee: _Tee | None = None
    disk_tee: _Tee | None = None
    turtle: _Background | None = None
    compacting: _Background | None = None
    try:
        store = ox.Store()
        # what fill bulk-loads goes to the disk store as well, in threads beside fill
        tee = _Tee(store, tmp_store)
        fill(tee)
        tee.settle()
        manifest = Manifest(
            build_id=build_id,
            store=store_name,
            turtle="graph.ttl",
            projection=f"projection-{build_id}.cgproj",
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            counts=counts(store) if counts else {"triples": len(store)},
            sources=list(sources or []),
            warnings=list(warnings or []),
        )
        _stamp(store, manifest)
        # the Turtle dump releases the GIL: it runs beside the projection's Python work
        turtle = _Background(
            store.dump,
            str(tmp_ttl),
            ox.RdfFormat.TURTLE,
            from_graph=ox.DefaultGraph(),
            prefixes=PREFIXES,
        )
        if tee.loading_disk():
            # the disk loads may still be going on: they end, and the store on disk is
            # stamped, compacted and closed, in a thread beside ``after`` (all of it releases
            # the GIL); an error there is raised by ``compacting.result()`` below
            compacting = _Background(_finish_disk, tee, manifest)
            disk_tee = tee
        else:
            tee.finish()
        tee = None  # finished by now, or by the thread
        tmp_manifest.write_text(json.dumps(manifest.to_dict(), indent=2), encoding="utf-8")
        if after is not None:
            # the new graph through the reader every command uses, over the same triples
            local = LocalStore(out_dir, manifest=manifest, raw=store)
            after(local)
            local.close()
        if compacting is not None:
            compacting.result()
        if not tmp_store.exists():
            # last: memory the bulk loader leaves behind would raise the peak of ``after``
            _copy_store(store, tmp_store)
        turtle.result()
        del store
        os.replace(tmp_store, final_store)
        os.replace(tmp_ttl, out_dir / "graph.ttl")
        os.replace(tmp_manifest, out_dir / MANIFEST)
        committed = True
    finally:
        if tee is not None:
            tee.finish(check=False)  # a failure before the disk loads ended: stop them first
        if disk_tee is not None and not committed:
            disk_tee.abort()  # a failure beside the last disk loads: stop them
        if turtle is not None:
            turtle.wait()
        if compacting is not None:
            compacting.wait()
        for tmp in (tmp_store, tmp_ttl, tmp_manifest):
            if tmp.is_dir():
                shutil.rmtree(tmp, ignore_errors=True)
            elif tmp.exists():
                tmp.unlink()
        if not committed:
            shutil.rmtree(final_store, ignore_errors=True)
            (out_dir / f"projection-{build_id}.cgproj").unlink(missing_ok=True)
    _remove_stale(out_dir, manifest)
    return manifest


class _Background:
    """``function(*args, **kwargs)`` in a thread; :meth:`result` waits and raises its error."""

    def __init__(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._error: BaseException | None = None

        def run() -> None:
            try:
                function(*args, **kwargs)
            except BaseException as exc:  # raised by result()
                self._error = exc

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def wait(self) -> None:
        self._thread.join()

    def result(self) -> None:
        self.wait()
        if self._error is not None:
            raise self._error


class _Tee:
    """The store ``fill`` gets: bulk loads go to the in-memory store and then to disk, in threads.

    The in-memory store answers the projection's queries; the store on disk
    is what the folder keeps. Each chunk of N-Triples text is loaded into the
    memory store by one thread and then into the disk store by another, while
    ``fill`` makes the next chunk (both loaders release the GIL); that
    also saves dumping and re-parsing a million quads afterwards. The load
    into memory is the one the projection waits for, and the load on disk
    takes twice as long: chunks it has no time for yet wait in a file beside
    the store (:attr:`spill`), not in memory, so the text held at once stays
    a few chunks. Any other use of the store (``add``, ``extend``, a query, a
    stream to load) waits for the loads so far and makes the disk copy void:
    the store is then copied from memory afterwards, as before.
    """

    def __init__(self, store: Any, path: Path) -> None:
        self._store = store
        self._path = path
        self._to_memory: queue.Queue[tuple[Any, dict[str, Any]] | None] = queue.Queue(maxsize=1)
        # a chunk's text, or where it is in the spill file: (offset, size)
        self._to_disk: queue.Queue[tuple[Any, dict[str, Any]] | None] = queue.Queue()
        #: where chunks wait for the disk load when it is behind (removed by :meth:`finish`)
        self.spill = path.with_name(path.name + ".chunks")
        self._spill_fd: int | None = None
        self._spilled = 0
        self._error: BaseException | None = None  # of a load into memory
        self._disk_error: BaseException | None = None
        self._void = False
        self._abort = False
        self._disk: Any = None
        self._threads: list[threading.Thread] = []
        self._finished = False

    def bulk_load(self, input: Any = None, format: Any = None, **kwargs: Any) -> None:  # noqa: A002
        if self._void or not isinstance(input, (bytes, str)) or "path" in kwargs:
            self.settle()
            self._void = True
            self._store.bulk_load(input, format, **kwargs)
            return
        if not self._threads:
            self._threads = [
                threading.Thread(target=self._load_memory, daemon=True),
                threading.Thread(target=self._load_disk, daemon=True),
            ]
            for thread in self._threads:
                thread.start()
        if self._error is not None:  # an earlier chunk did not load: stop here
            self.settle()
        self._to_memory.put((input, dict(kwargs, format=format)))

    def __getattr__(self, name: str) -> Any:
        self.settle()
        self._void = True
        return getattr(self._store, name)

    def __len__(self) -> int:
        self.settle()
        return len(self._store)

    def settle(self) -> None:
        """Wait until the in-memory store holds every chunk given so far; raise a load's error."""
        self._to_memory.join()
        if self._error is not None:
            raise self._error

    def loading_disk(self) -> bool:
        """Whether chunks went to the store on disk, so :meth:`finish` may return it."""
        return bool(self._threads) and not self._void and not self._finished

    def _load_memory(self) -> None:
        while (item := self._to_memory.get()) is not None:
            to_disk = None
            try:
                if self._error is None:
                    # into memory, a plain load takes a third less time than the bulk loader
                    # for the same store (same quads, same order when read)
                    self._store.load(item[0], **item[1])
                    if not self._void:
                        # parsed just now (strictly, unless told otherwise): no need to check again
                        to_disk = (item[0], dict(item[1], lenient=True))
            except BaseException as exc:  # raised by settle and finish
                self._error = exc
            finally:
                # the memory store has the chunk: ``settle`` need not wait for the disk
                self._to_memory.task_done()
            if to_disk is not None:
                self._to_disk.put(self._spill(*to_disk))
            del item, to_disk
        self._to_memory.task_done()

    def _spill(self, text: Any, kwargs: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """The chunk as the disk load gets it: itself if that load is waiting, else in the file."""
        if self._to_disk.empty() or self._disk_error is not None:
            return text, kwargs
        data = text.encode("utf-8") if isinstance(text, str) else text
        try:
            if self._spill_fd is None:
                self._spill_fd = os.open(self.spill, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
            view = memoryview(data)
            while view:
                view = view[os.write(self._spill_fd, view) :]
        except OSError as exc:  # reported by finish
            self._disk_error = exc
            return text, kwargs
        offset, self._spilled = self._spilled, self._spilled + len(data)
        return (offset, len(data)), kwargs

    def _load_disk(self) -> None:
        import pyoxigraph as ox

        try:
            self._disk = ox.Store(str(self._path))
        except BaseException as exc:  # reported by finish
            self._disk_error = exc
        while (item := self._to_disk.get()) is not None:
            if self._disk_error is None and not self._abort:
                try:
                    text = item[0]
                    if isinstance(text, tuple):
                        offset, size = text
                        assert self._spill_fd is not None
                        text = os.pread(self._spill_fd, size, offset)
                        if len(text) != size:
                            raise OSError(f"{self.spill} lost part of a chunk")
                    self._disk.bulk_load(text, **item[1])
                except BaseException as exc:  # reported by finish
                    self._disk_error = exc
            del item

    def abort(self) -> None:
        """The build failed: chunks not yet on disk stay off it, and :meth:`finish` drops it."""
        self._abort = True

    def finish(self, check: bool = True) -> Any:
        """Wait for every load; return the store on disk, or None if it must be copied.

        With ``check``, an error of a load is raised here.
        """
        if self._finished:
            return None
        self._finished = True
        if not check:
            self.abort()
        if self._threads:
            self._to_memory.put(None)
            self._threads[0].join()
            self._to_disk.put(None)
            self._threads[1].join()
        if self._spill_fd is not None:
            os.close(self._spill_fd)
            self._spill_fd = None
        self.spill.unlink(missing_ok=True)
        disk, self._disk = self._disk, None
        error = self._error or (None if self._void else self._disk_error)
        if self._void or self._abort or error is not None or disk is None:
            del disk
            shutil.rmtree(self._path, ignore_errors=True)
            if check and error is not None:
                raise error
            return None
        return disk


def _finish_disk(tee: _Tee, manifest: Manifest) -> None:
    """Wait for the loads into the store on disk, stamp it, compact it and close it."""
    copied = tee.finish()
    if copied is not None:
        _stamp(copied, manifest)
        copied.flush()
        # each chunk's load left table files of its own; one per index makes lookups cheap
        _compact_and_close([copied])
        del copied


def _compact_and_close(holder: list[Any]) -> None:
    """Compact the store in ``holder`` (its only reference), close it and give its memory back."""
    store = holder.pop()
    store.optimize()
    del store  # closes it
    _give_back_memory()


def _give_back_memory() -> None:
    """Return the memory freed by the bulk loader's threads to the system (glibc only).

    Without it the freed memory stays in the threads' malloc arenas, and the
    projection built next would start from a peak of memory a few hundred MB
    higher.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


COPY_CHUNK = 32 * 2**20


def _copy_store(source: Any, path: Path, chunk: int = COPY_CHUNK) -> None:
    """Write every quad of ``source`` into a new on-disk store at ``path``.

    One bulk load of a million quads holds about 1 GB; chunks of whole lines
    read from an N-Quads file keep it to a fraction of that at the same speed.
    Each chunk leaves table files of its own on disk, overlapping the others,
    so every lookup of a query would search all of them; compacting them into
    one file per index at the end (about a second and 30 MB for a million
    quads) halves the time of a join over the O*NET ratings.
    """
    import pyoxigraph as ox

    dump = path.with_name(path.name + ".nq")
    try:
        source.dump(str(dump), ox.RdfFormat.N_QUADS)
        target = ox.Store(str(path))
        with dump.open("rb") as handle:
            while data := handle.read(chunk):
                target.bulk_load(data + handle.readline(), format=ox.RdfFormat.N_QUADS)
        target.flush()
        target.optimize()
        del target
    finally:
        dump.unlink(missing_ok=True)


def _stamp(store: Any, manifest: Manifest) -> None:
    """Record the build id and date in the graph, so a copy on a server can be recognised."""
    import pyoxigraph as ox

    dct = "http://purl.org/dc/terms/"
    node = ox.NamedNode(GRAPH_IRI)
    store.add(ox.Quad(node, ox.NamedNode(dct + "identifier"), ox.Literal(manifest.build_id)))
    created = ox.Literal(manifest.created, datatype=ox.NamedNode(XSD + "dateTime"))
    store.add(ox.Quad(node, ox.NamedNode(dct + "created"), created))


def _remove_stale(out_dir: Path, manifest: Manifest) -> None:
    """Remove stores and caches of earlier builds (a reader may still hold them open)."""
    keep = {manifest.store, f"projection-{_safe_name(manifest.build_id)}{PROJECTION_SUFFIX}"}
    for path in out_dir.iterdir():
        if path.name in keep:
            continue
        if path.name.startswith("store-") and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith("projection-") and path.suffix in (".pickle", ".cgproj"):
            path.unlink(missing_ok=True)  # old caches; a pickle is never read
