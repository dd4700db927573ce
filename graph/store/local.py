"""Where the triples live: a built graph folder with an embedded store.

A graph folder (written by ``careergraph build`` or an import) holds:

``manifest.json``
    The commit point: names the store, the Turtle file and the projection
    cache of the current build, with counts. It is replaced last, atomically,
    so a failed build leaves the previous graph as it was.
``graph.ttl``
    The whole graph (ontology and data) as Turtle, for people and other tools.
``store-<id>/``
    A pyoxigraph (RocksDB) store of the same triples; every query runs here,
    so nothing re-parses Turtle.
``projection-<id>.cgproj``
    The networkx projection used by route search (see :mod:`graph.projection.network`).

Readers go through the :class:`Store` interface (``select``, ``ask``,
``construct``, ``query_raw``), implemented by :class:`LocalStore` here and by
a remote SPARQL endpoint in :mod:`graph.store.remote`."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from graph.errors import GraphNotFoundError, QueryError, QuerySyntaxError, UsageError
from graph.namespaces import PREFIXES

__all__ = [
    "PROJECTION_SUFFIX",
    "MANIFEST",
    "GRAPH_IRI",
    "Manifest",
    "Store",
    "LocalStore",
    "read_manifest",
    "write_graph",
    "term_to_python",
    "literal_value",
]


MANIFEST = "manifest.json"


FORMAT_VERSION = 1


XSD = "http://www.w3.org/2001/XMLSchema#"


_INT_TYPES = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "unsignedInt",
        "unsignedLong",
    )
}


@dataclass
class Manifest:
    """What a graph folder holds; see the module docstring."""

    build_id: str
    store: str
    turtle: str
    projection: str
    created: str
    counts: dict[str, int] = field(default_factory=dict)
    sources: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: int = FORMAT_VERSION

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def read_manifest(graph_dir: Path) -> Manifest:
    """Read ``manifest.json`` of a graph folder.

    Raises
    ------
    GraphNotFoundError
        If the folder holds no built graph, or an unreadable manifest.
    """
    path = Path(graph_dir) / MANIFEST
    if not path.is_file():
        raise GraphNotFoundError(
            f"{graph_dir} holds no built graph (no {MANIFEST}). "
            "Run 'careergraph build --out DIR' or an import first."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (ValueError, TypeError) as exc:
        raise GraphNotFoundError(f"{path} is not a careergraph manifest: {exc}") from exc
    except OSError as exc:
        raise GraphNotFoundError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    for name in ("build_id", "store", "turtle", "projection"):
        value = getattr(manifest, name)
        # names of files in this very folder: nothing that points elsewhere
        if (
            not isinstance(value, str)
            or not value
            or value in (".", "..")
            or "/" in value
            or "\\" in value
            or "\x00" in value
        ):
            raise GraphNotFoundError(
                f"{path} is not a careergraph manifest: '{name}' must be the name of a file "
                f"in the folder, not {value!r}. Build the graph again."
            )
    for name in ("counts", "sources", "warnings"):
        kind = dict if name == "counts" else list
        if not isinstance(getattr(manifest, name), kind):
            raise GraphNotFoundError(
                f"{path} is not a careergraph manifest: '{name}' must be a {kind.__name__}. "
                "Build the graph again."
            )
    if manifest.format != FORMAT_VERSION:
        raise GraphNotFoundError(
            f"{graph_dir} was built by another careergraph version (format {manifest.format}); "
            "build it again."
        )
    return manifest


def term_to_python(term: Any) -> Any:
    """Turn a pyoxigraph term into a plain Python value.

    IRIs become ``str``; literals their Python value (int, float, Decimal,
    bool or str); blank nodes ``"_:id"``.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> term_to_python(ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")))
    3
    >>> term_to_python(ox.NamedNode("https://example.org/a"))
    'https://example.org/a'
    """
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        return literal_value(term.value, term.datatype.value)
    return str(term)


def literal_value(value: str, datatype: str | None) -> Any:
    """Turn a literal's lexical form and datatype into the Python value local stores give.

    Examples
    --------
    >>> literal_value("3", "http://www.w3.org/2001/XMLSchema#integer")
    3
    >>> literal_value("4.5", "http://www.w3.org/2001/XMLSchema#decimal")
    Decimal('4.5')
    >>> literal_value("true", "http://www.w3.org/2001/XMLSchema#boolean")
    True
    >>> literal_value("Director", None)
    'Director'
    """
    convert = _CONVERT.get(datatype) if datatype else None
    if convert is None:
        return value
    try:
        return convert(value)
    except (ValueError, ArithmeticError):
        return value


def _boolean(value: str) -> bool:
    return value in ("true", "1")


#: literal datatype -> the Python value local stores give; other literals stay strings
_CONVERT: dict[str, Callable[[str], Any]] = {
    **{t: int for t in _INT_TYPES},
    XSD + "decimal": Decimal,
    XSD + "double": float,
    XSD + "float": float,
    XSD + "boolean": _boolean,
}


class Store:
    """The read interface every command uses, local or remote."""

    #: a short string naming this store's content; caches are keyed on it
    fingerprint: str = ""

    def select(self, query: str, timeout: float | None = None) -> list[dict[str, Any]]:
        """Run a SELECT query; return one dict per solution, unbound variables absent."""
        raise NotImplementedError

    def ask(self, query: str, timeout: float | None = None) -> bool:
        """Run an ASK query."""
        raise NotImplementedError

    def construct(self, query: str, timeout: float | None = None) -> bytes:
        """Run a CONSTRUCT or DESCRIBE query; return Turtle bytes."""
        raise NotImplementedError

    def query_raw(
        self, query: str, result_format: str, timeout: float | None = None
    ) -> tuple[bytes, str]:
        """Run any query; return ``(body, media_type)`` in a standard results format.

        ``result_format`` is one of ``json``, ``xml``, ``csv``, ``tsv`` (SELECT,
        ASK) or ``turtle``, ``ntriples`` (CONSTRUCT, DESCRIBE).
        """
        raise NotImplementedError

    def projection_cache(self) -> Path | None:
        """Where the networkx projection of this store is cached, if anywhere."""
        return None

    def close(self) -> None:
        """Release the store."""


def _syntax_error(exc: Exception) -> QuerySyntaxError:
    return QuerySyntaxError(f"The SPARQL query does not parse: {exc}")


class LocalStore(Store):
    """A built graph folder, queried through its embedded pyoxigraph store.

    Parameters
    ----------
    graph_dir : Path
        The graph folder.
    manifest : Manifest, optional
        Its manifest, when already read.
    raw : pyoxigraph.Store, optional
        A store already holding the folder's triples, read instead of opening
        the folder's own (:func:`write_graph` passes its in-memory copy).

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> store = open_store()
    >>> rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?r a cg:Role }")
    >>> rows[0]["n"] > 10
    True
    """

    def __init__(
        self, graph_dir: Path, manifest: Manifest | None = None, *, raw: Any = None
    ) -> None:
        import pyoxigraph as ox

        self.graph_dir = Path(graph_dir)
        self.manifest = manifest or read_manifest(self.graph_dir)
        self.fingerprint = self.manifest.build_id
        if raw is not None:
            # the builder's in-memory copy of the same triples (see write_graph)
            self._store = raw
            return
        store_path = self.graph_dir / self.manifest.store
        try:
            self._store = ox.Store.read_only(str(store_path))
        except OSError as exc:
            raise GraphNotFoundError(
                f"Cannot open the store {store_path}: {exc}. Build the graph again."
            ) from exc

    @property
    def raw(self) -> Any:
        """The underlying ``pyoxigraph.Store`` (read-only)."""
        return self._store

    def _query(self, query: str) -> Any:
        from graph.syntax import screen_query

        # every query this engine runs passes the same screen: no SERVICE, nothing too deep
        screen_query(query)
        try:
            return self._store.query(query, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise _syntax_error(exc) from exc
        except OSError as exc:
            raise QueryError(f"The query failed: {exc}") from exc

    def select(self, query: str, timeout: float | None = None) -> list[dict[str, Any]]:
        import pyoxigraph as ox

        result = self._query(query)
        columns = list(enumerate(v.value for v in result.variables))
        named, literal = ox.NamedNode, ox.Literal
        rows = []
        for solution in result:
            row = {}
            for i, name in columns:
                term = solution[i]
                if term is None:
                    continue
                # IRIs and literals inline: the projection of an import reads millions of terms
                kind = type(term)
                if kind is named:
                    row[name] = term.value
                elif kind is literal:
                    row[name] = literal_value(term.value, term.datatype.value)
                else:
                    row[name] = term_to_python(term)
            rows.append(row)
        return rows

    def ask(self, query: str, timeout: float | None = None) -> bool:
        return bool(self._query(query))

    def construct(self, query: str, timeout: float | None = None) -> bytes:
        import pyoxigraph as ox

        triples = self._query(query)
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""

    def query_raw(
        self, query: str, result_format: str, timeout: float | None = None
    ) -> tuple[bytes, str]:
        import pyoxigraph as ox

        result = self._query(query)
        if isinstance(result, ox.QueryTriples):
            fmt = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}.get(
                result_format, ox.RdfFormat.TURTLE
            )
            body = ox.serialize(result, format=fmt, prefixes=PREFIXES) or b""
            return body, fmt.media_type
        rfmt = {
            "json": ox.QueryResultsFormat.JSON,
            "xml": ox.QueryResultsFormat.XML,
            "csv": ox.QueryResultsFormat.CSV,
            "tsv": ox.QueryResultsFormat.TSV,
        }.get(result_format, ox.QueryResultsFormat.JSON)
        return result.serialize(format=rfmt) or b"", rfmt.media_type

    def projection_cache(self) -> Path | None:
        # the file name only, in this folder, in the one format careergraph reads (never pickle)
        return self.graph_dir / f"projection-{_safe_name(self.fingerprint)}{PROJECTION_SUFFIX}"

    def close(self) -> None:
        del self._store


def _safe_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text).lstrip(".") or "_"


#: the lock file of a graph folder: builds, imports and updates of one folder take turns
LOCK_FILE = ".lock"


_HELD: dict[str, int] = {}  # 'thread folder' -> depth


_HELD_LOCK = threading.Lock()


#: temporary names only a build writes (the build holding the lock removes leftovers)
_BUILD_TEMPS = (".tmp-store-", ".tmp-graph-", ".tmp-manifest-")


@contextmanager
def folder_lock(out_dir: Path) -> Iterator[None]:
    """Hold the graph folder's lock; wait while another build, import or update holds it.

    The lock is an ``fcntl`` lock on ``out_dir/.lock``, so it is released
    when its holder ends, however it ends. Re-entrant within one thread.
    Once held, temporary files that a killed build left behind are removed.

    Raises
    ------
    UsageError
        If the folder cannot be created or its lock file not written.
    """
    out_dir = Path(out_dir)
    key = f"{threading.get_ident()} {out_dir.resolve()}"
    with _HELD_LOCK:
        if _HELD.get(key):
            _HELD[key] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _HELD_LOCK:
                _HELD[key] -= 1
        return
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = open(out_dir / LOCK_FILE, "a+b")  # noqa: SIM115 -- held until the end
    except OSError as exc:
        raise UsageError(
            f"Cannot write the graph folder {out_dir}: {exc.strerror or exc}. "
            "Choose another folder."
        ) from exc
    try:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            fcntl = None  # type: ignore[assignment]
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # waits for the other writer
        with _HELD_LOCK:
            _HELD[key] = 1
        try:
            _remove_leftovers(out_dir)
            yield
        finally:
            with _HELD_LOCK:
                _HELD.pop(key, None)
    finally:
        handle.close()  # releases the lock


def _remove_leftovers(out_dir: Path) -> None:
    """Remove what killed builds left: their temporary files, and old unfinished caches."""
    for path in out_dir.iterdir():
        name = path.name
        stale = name.startswith(_BUILD_TEMPS) or (
            name.startswith(".tmp-projection-") and time.time() - path.stat().st_mtime > 3600
        )
        if not stale:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


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
    than on disk (a million triples fit in a few hundred MB). The embedded
    store on disk is then bulk-loaded from it in chunks, which keeps the bulk
    loader's memory small; it is done after ``after`` rather than beside it,
    so their peaks of memory do not add up.

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
    try:
        store = ox.Store()
        fill(store)
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
        store.dump(
            str(tmp_ttl), ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES
        )
        tmp_manifest.write_text(json.dumps(manifest.to_dict(), indent=2), encoding="utf-8")
        if after is not None:
            # the new graph through the reader every command uses, over the same triples
            local = LocalStore(out_dir, manifest=manifest, raw=store)
            after(local)
            local.close()
        # last: memory the bulk loader leaves behind would raise the peak of ``after``
        _copy_store(store, tmp_store)
        del store
        os.replace(tmp_store, final_store)
        os.replace(tmp_ttl, out_dir / "graph.ttl")
        os.replace(tmp_manifest, out_dir / MANIFEST)
        committed = True
    finally:
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


#: bytes of N-Quads per bulk load into the on-disk store (about 200,000 quads)
#: the file ending of a folder's cached projection (one data format, never pickle)
PROJECTION_SUFFIX = ".cgproj"

COPY_CHUNK = 32 * 2**20


def _copy_store(source: Any, path: Path, chunk: int = COPY_CHUNK) -> None:
    """Write every quad of ``source`` into a new on-disk store at ``path``.

    One bulk load of a million quads holds about 1 GB; chunks of whole lines
    read from an N-Quads file keep it to a fraction of that at the same speed.
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
        del target
    finally:
        dump.unlink(missing_ok=True)


#: the IRI of the graph itself, which carries the build id (remote stores key caches on it)
GRAPH_IRI = "https://w3id.org/careergraph/id/graph"


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
