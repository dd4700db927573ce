"""Who runs the app's SPARQL queries: a pool of worker processes, or threads of this process."""

from __future__ import annotations

import os
from typing import Any

from graph.namespaces import sparql_prologue
from graph.sparql.run import QueryResult, run_with_timeout, serialize_capped
from graph.store.base import Store
from graph.syntax import query_kind

__all__ = []


class _StoreRunner:
    """Runs queries through any Store (e.g. a remote one) when no worker pool can be used."""

    def __init__(self, store: Store, timeout: float, max_rows: int | None) -> None:
        self.store = store
        self.timeout = timeout
        self.max_rows = max_rows

    def run(self, query: str, result_format: str) -> QueryResult:
        import pyoxigraph as ox

        kind = query_kind(query)
        graph_result = kind in ("construct", "describe")
        wire = "ntriples" if graph_result else "json"
        full = sparql_prologue(query) + query
        body, _ = run_with_timeout(
            lambda: self.store.query_raw(full, wire, timeout=self.timeout), self.timeout
        )
        if graph_result:
            parsed: Any = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        else:
            parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        return serialize_capped(parsed, result_format, self.max_rows)

    def close(self) -> None:
        """Nothing to stop: queries run in daemon threads."""


def _runner_for(store: Store, timeout: float, max_rows: int | None, workers: int) -> Any:
    from graph.sparql.pool import QueryPool
    from graph.store.local import LocalStore

    # worker processes get their socket by fd inheritance, which needs POSIX
    if isinstance(store, LocalStore) and os.name == "posix":
        return QueryPool(
            store.graph_dir / store.manifest.store,
            workers=workers,
            timeout=timeout,
            max_rows=max_rows,
        )
    return _StoreRunner(store, timeout, max_rows)
