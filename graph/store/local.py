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
a remote SPARQL endpoint in :mod:`graph.store.remote`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.errors import GraphNotFoundError, QueryError, QuerySyntaxError
from graph.namespaces import PREFIXES
from graph.store.base import Store, literal_value, results_format, term_to_python
from graph.store.folder import PROJECTION_SUFFIX, Manifest, _safe_name, read_manifest

__all__ = ["LocalStore"]


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
        self.graph_dir = Path(graph_dir)
        self.manifest = manifest or read_manifest(self.graph_dir)
        self.fingerprint = self.manifest.build_id
        # the builder's in-memory copy of the same triples (see write_graph), else the
        # folder's store, opened on first use: a command answered from the projection
        # cache never needs it
        self._opened: Any = raw

    @property
    def _store(self) -> Any:
        if self._opened is None:
            import pyoxigraph as ox

            store_path = self.graph_dir / self.manifest.store
            try:
                self._opened = ox.Store.read_only(str(store_path))
            except OSError as exc:
                raise GraphNotFoundError(
                    f"Cannot open the store {store_path}: {exc}. Build the graph again."
                ) from exc
        return self._opened

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
        rfmt = results_format(result_format)
        return result.serialize(format=rfmt) or b"", rfmt.media_type

    def projection_cache(self) -> Path | None:
        # the file name only, in this folder, in the one format careergraph reads (never pickle)
        return self.graph_dir / f"projection-{_safe_name(self.fingerprint)}{PROJECTION_SUFFIX}"

    def close(self) -> None:
        self._opened = None
