"""The projection's cache file beside the store: read when valid, else built and written.

The cache (``projection-<build id>.cgproj``) sits beside the store, keyed by
the build id. It holds JSON texts and raw numeric arrays, never pickle
(:mod:`graph.projection.cachewrite`), so reading it can never run code,
whatever a shared graph folder holds; and a command reads only the parts it
uses (:mod:`graph.projection.cacheread`).
"""

from __future__ import annotations

import gc
import os
import tempfile
from pathlib import Path

import networkx as nx

from graph.errors import GraphNotFoundError
from graph.projection import network
from graph.projection.cacheread import (
    DAMAGED,
    DamagedProjectionError,
    ProjectionFormatError,
    loads_projection,
)
from graph.projection.cachewrite import dumps_projection
from graph.store.base import Store
from graph.store.folder import PROJECTION_SUFFIX

__all__ = [
    "load_projection",
    "write_projection",
    "dumps_projection",
    "loads_projection",
    "ProjectionFormatError",
    "DamagedProjectionError",
]


_MEMO: dict[tuple[str, str], nx.DiGraph] = {}


def _write_atomic(path: Path, P: nx.DiGraph) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = dumps_projection(P)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-projection-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_projection(store: Store) -> nx.DiGraph:
    """Build the projection of ``store`` and write it to the store's cache path."""
    P = network.build_projection(store)
    path = store.projection_cache()
    if path is not None:
        _write_atomic(Path(path), P)
    return P


def load_projection(store: Store) -> nx.DiGraph:
    """Return the projection of ``store``: from memory, from its cache, or built anew.

    The cache is keyed by the store's fingerprint (the build id), so it is
    rebuilt exactly when the graph changes.
    """
    path = store.projection_cache()
    key = (str(path), store.fingerprint)
    if key in _MEMO and key[0] not in DAMAGED:
        return _MEMO[key]
    DAMAGED.discard(key[0])
    P = None
    if path is not None and Path(path).suffix != PROJECTION_SUFFIX:
        path = None  # never read (or write) a file of another format, e.g. a pickle
    if path is not None and Path(path).is_file():
        try:
            P = loads_projection(Path(path).read_bytes(), str(path))
        except (OSError, ProjectionFormatError):
            P = None  # a damaged or outdated cache is rebuilt below
        if P is not None and (
            P.graph.get("version") != network.PROJECTION_VERSION
            or P.graph.get("fingerprint") != store.fingerprint
        ):
            P = None
    if P is None:
        P = network.build_projection(store)
        if path is not None:
            try:
                _write_atomic(Path(path), P)
            except OSError:
                pass  # a read-only graph folder: keep the projection in memory only
    if P.number_of_nodes() == 0:
        raise GraphNotFoundError("The graph holds no roles; build it or import a taxonomy first.")
    # the projection lives as long as the process: keep the collector from scanning its
    # hundreds of thousands of objects again and again
    gc.freeze()
    _MEMO[key] = P
    return P
