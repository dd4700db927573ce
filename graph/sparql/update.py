"""SPARQL Update, on request, to a local graph folder: the folder is written as a new build."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import (
    QueryError,
    QuerySyntaxError,
)
from graph.namespaces import PREFIXES
from graph.sparql.check import _syntax_message
from graph.sparql.params import bind_params
from graph.syntax import screen_query

__all__ = ["UpdateReport", "apply_update"]


@dataclass
class UpdateReport:
    """What :func:`apply_update` changed."""

    graph_dir: Path
    triples_before: int
    triples_after: int
    build_id: str


def apply_update(
    graph_dir: Path, update: str, params: Mapping[str, str] | None = None
) -> UpdateReport:
    """Apply a SPARQL update to a graph folder, as a new build of it.

    The current triples are copied into a fresh store, the update runs there,
    and the folder is committed like a build (new ``graph.ttl``, new build id,
    so cached projections are rebuilt). If the update fails, the folder is
    left as it was.

    Raises
    ------
    QuerySyntaxError
        If the update does not parse (with line and column).
    QueryError
        If it fails while running (e.g. a LOAD that cannot be fetched).
    UsageError
        If it uses SERVICE or is over a limit of :func:`screen_query`.
    """
    from graph.store.folder import folder_lock, read_manifest

    graph_dir = Path(graph_dir)
    read_manifest(graph_dir)  # a folder without a graph is an error, not a new empty folder
    # the folder read here is the one written: no build may replace it meanwhile
    with folder_lock(graph_dir):
        return _apply_update(graph_dir, update, params)


def _apply_update(graph_dir: Path, update: str, params: Mapping[str, str] | None) -> UpdateReport:
    import pyoxigraph as ox

    from graph.store.folder import GRAPH_IRI, read_manifest
    from graph.store.write import write_graph

    manifest = read_manifest(graph_dir)
    if params:
        from graph.store.local import LocalStore

        reader = LocalStore(graph_dir, manifest=manifest)
        update = bind_params(update, params, reader)
        reader.close()
    screen_query(update)  # no SERVICE, nothing too deep for the parser
    old = ox.Store.read_only(str(graph_dir / manifest.store))
    before = len(old)
    stamp = ox.NamedNode(GRAPH_IRI)
    sizes: dict[str, int] = {}

    def fill(store: Any) -> None:
        # the old build's stamp is replaced by write_graph's new one
        store.bulk_extend(q for q in old if q.subject != stamp)
        try:
            store.update(update, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QuerySyntaxError(_syntax_message(update, str(exc))) from exc
        except OSError as exc:
            raise QueryError(f"The update failed: {exc}") from exc

    def counts(store: Any) -> dict[str, int]:
        try:
            from graph.store.counts import graph_counts

            found = dict(graph_counts(store))
        except ImportError:
            found = {"triples": len(store)}
        sizes["after"] = len(store)
        return found

    new = write_graph(
        graph_dir,
        fill,
        counts=counts,
        sources=manifest.sources,
        warnings=[*manifest.warnings, "changed by a SPARQL update after the build"],
    )
    # two stamp triples were added by the new build, as they were by the old one
    return UpdateReport(graph_dir, before, sizes.get("after", 0) + 2, new.build_id)
