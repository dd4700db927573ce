"""Which graph a command reads: a folder, ``$CAREERGRAPH_GRAPH``, the built-in graph or an endpoint.

The built-in graph (the shipped guides) is built on first use into the cache
folder, keyed by a hash of everything it is built from.
"""

from __future__ import annotations

import os
from pathlib import Path

from graph.store.base import Store
from graph.store.folder import MANIFEST, folder_lock, read_manifest
from graph.store.local import LocalStore

__all__ = ["builtin_graph_dir", "resolve_graph_dir", "open_store"]


def builtin_graph_dir(rebuild: bool = False) -> Path:
    """Return the folder of the built-in graph, building it on first use.

    The built-in graph (the shipped guides) is built once into the cache
    folder, keyed by a hash of everything it is built from, so
    every command works right after ``pip install .`` with no prior build.
    """
    from graph import resources

    path = resources.cache_dir() / f"builtin-{resources.content_hash()}"
    if rebuild or not (path / MANIFEST).is_file():
        from graph.build.pipeline import build_graph

        with folder_lock(path):
            # two first commands at once: the second waits here, then finds the graph built
            # (building it again would change its build id under the first one's feet)
            if rebuild or not (path / MANIFEST).is_file():
                build_graph(out_dir=path)
    return path


def resolve_graph_dir(graph: str | os.PathLike[str] | None = None) -> Path:
    """Return the graph folder to read: ``graph``, ``$CAREERGRAPH_GRAPH``, or the built-in one."""
    chosen = graph or os.environ.get("CAREERGRAPH_GRAPH")
    if chosen:
        path = Path(chosen)
        if not (path / MANIFEST).is_file():
            read_manifest(path)  # raises with a clear message
        return path
    return builtin_graph_dir()


def open_store(graph: str | os.PathLike[str] | None = None, endpoint: str | None = None) -> Store:
    """Open the store every reading command uses.

    Parameters
    ----------
    graph : path, optional
        A graph folder; defaults to ``$CAREERGRAPH_GRAPH`` or the built-in graph.
    endpoint : str, optional
        A SPARQL endpoint URL; when given, ``graph`` is ignored.
    """
    if endpoint:
        from graph.store.remote import RemoteStore

        return RemoteStore(endpoint)
    return LocalStore(resolve_graph_dir(graph))
