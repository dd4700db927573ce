"""The projection's cache file: JSON and raw numeric arrays, never pickle.

The cache (``projection-<build id>.cgproj``) sits beside the store, keyed by
the build id. Reading it can never run code, whatever a shared graph folder
holds (see :func:`dumps_projection`).
"""

from __future__ import annotations

import gc
import json
import os
import struct
import tempfile
from pathlib import Path
from typing import Any

import networkx as nx

from graph.errors import GraphNotFoundError
from graph.projection import network
from graph.store.base import Store
from graph.store.folder import PROJECTION_SUFFIX

__all__ = ["load_projection", "write_projection", "dumps_projection", "loads_projection"]


#: the name ending of projection cache files
_MAGIC = b"CGPROJ\x00\x01"


_HEAD = struct.Struct("<IQ")  # format version, bytes of JSON


_MEMO: dict[tuple[str, str], nx.DiGraph] = {}


class ProjectionFormatError(ValueError):
    """A projection cache file that is not one this version wrote."""


#: the keys of a skill rating written as columns; any others follow as a dict
_RATING = ("importance", "level")


#: a JSON object holding one tuple (JSON has lists only, and the projection uses both)
_TUPLE = "\u0000tuple"


def _tag(value: Any) -> Any:
    """``value`` with every tuple in it made a one-key object, for JSON."""
    if isinstance(value, tuple):
        return {_TUPLE: [_tag(x) for x in value]}
    if isinstance(value, list):
        return [_tag(x) for x in value]
    if isinstance(value, dict):
        return {k: _tag(x) for k, x in value.items()}
    return value


def _untag(value: Any) -> Any:
    """Undo :func:`_tag`."""
    if isinstance(value, list):
        return [_untag(x) for x in value]
    if isinstance(value, dict):
        if len(value) == 1 and _TUPLE in value:
            return tuple(_untag(x) for x in value[_TUPLE])
        return {k: _untag(x) for k, x in value.items()}
    return value


def dumps_projection(P: nx.DiGraph) -> bytes:
    """The projection as bytes: a header, JSON, then the similarity arrays raw.

    JSON keeps everything but the two similarity arrays, which follow as
    little-endian int32 and float32; nothing in the file is code, so reading
    a crafted one gives an error or wrong numbers, never a program run. Role
    and skill IRIs are written once, in a table, and referred to by number
    (it loads faster than repeating them).

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> P = network.build_projection(open_store())
    >>> Q = loads_projection(dumps_projection(P))
    >>> dict(Q.nodes(data=True)) == dict(P.nodes(data=True))
    True
    """
    table: dict[str, int] = {}

    def ref(iri: str) -> int:
        found = table.get(iri)
        if found is None:
            found = table[iri] = len(table)
        return found

    graph = {k: _tag(v) for k, v in P.graph.items() if k != "label_index"}
    graph["label_index"] = P.graph.get("label_index", {})
    model = graph.pop("similarity", None)
    graph["label_index"] = {
        k: sorted(ref(r) for r in v) for k, v in graph.get("label_index", {}).items()
    }
    arrays: list[bytes] = []
    sim = None
    if model is not None:
        neighbours = model.neighbours.astype("<i4", copy=False)
        scores = model.scores.astype("<f4", copy=False)
        arrays = [neighbours.tobytes(), scores.tobytes()]
        sim = {
            "roles": [ref(r) for r in model.roles],
            "method": model.method,
            "info": model.info,
            "shape": list(neighbours.shape),
        }
    nodes = []
    for n, d in P.nodes(data=True):
        attrs = {k: _tag(v) for k, v in d.items() if k not in ("skills", "gaps")}
        skills = d.get("skills", {})
        extra = [{k: x for k, x in v.items() if k not in _RATING} for v in skills.values()]
        attrs["skills"] = [
            [ref(k) for k in skills],
            [v["importance"] for v in skills.values()],
            [v["level"] for v in skills.values()],
            [_tag(x) if x else 0 for x in extra],
        ]
        attrs["gaps"] = sorted(ref(g) for g in d.get("gaps", ()))
        nodes.append([ref(n), attrs])
    edges = []
    for u, v, d in P.edges(data=True):
        attrs = {k: _tag(x) for k, x in d.items()}
        attrs["skills_to_gain"] = [ref(x) for x in d.get("skills_to_gain", [])]
        edges.append([ref(u), ref(v), attrs])
    doc: dict[str, Any] = {"graph": graph, "similarity": sim, "nodes": nodes, "edges": edges}
    doc["iris"] = list(table)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"".join([_MAGIC, _HEAD.pack(network.PROJECTION_VERSION, len(text)), text, *arrays])


def loads_projection(data: bytes) -> nx.DiGraph:
    """Read what :func:`dumps_projection` wrote.

    Raises
    ------
    ProjectionFormatError
        If the bytes are not a projection of this format version.
    """
    start = len(_MAGIC) + _HEAD.size
    if len(data) < start or not data.startswith(_MAGIC):
        raise ProjectionFormatError("not a careergraph projection file")
    version, size = _HEAD.unpack_from(data, len(_MAGIC))
    if version != network.PROJECTION_VERSION or start + size > len(data):
        expected = network.PROJECTION_VERSION
        raise ProjectionFormatError(f"projection format {version}, not {expected}")
    # nothing made here is garbage: collecting while the many small objects appear
    # only costs time (it more than doubles the load time)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _from_doc(json.loads(data[start : start + size]), data, start + size)
    except ProjectionFormatError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ProjectionFormatError(f"a damaged projection file ({exc!r})") from exc
    finally:
        if enabled:
            gc.enable()


def _from_doc(doc: dict[str, Any], data: bytes, offset: int) -> nx.DiGraph:
    import numpy as np

    from graph.projection.similarity import SimilarityModel

    iris: list[str] = doc["iris"]
    if not all(isinstance(i, str) for i in iris):
        raise ProjectionFormatError("the IRI table holds something other than text")
    P = nx.DiGraph()
    graph = {k: (v if k == "label_index" else _untag(v)) for k, v in doc["graph"].items()}
    graph["label_index"] = {k: {iris[i] for i in v} for k, v in graph["label_index"].items()}
    P.graph.update(graph)
    nodes = []
    for n, attrs in doc["nodes"]:
        keys, importance, level, extra = attrs["skills"]
        attrs["skills"] = {
            iris[k]: {"importance": i, "level": lv, **(_untag(x) if x else {})}
            for k, i, lv, x in zip(keys, importance, level, extra, strict=True)
        }
        for k, v in attrs.items():
            if k != "skills" and isinstance(v, dict | list):
                attrs[k] = _untag(v)
        attrs["gaps"] = {iris[g] for g in attrs["gaps"]}
        attrs["sectors"] = [tuple(x) for x in attrs["sectors"]]
        attrs["employers"] = [tuple(x) for x in attrs["employers"]]
        nodes.append((iris[n], attrs))
    # filled in place, as add_nodes_from/add_edges_from would, without copying every dict
    succ, pred = P._succ, P._pred
    for node, attrs in nodes:
        P._node[node] = attrs
        succ[node] = {}
        pred[node] = {}
    for u, v, attrs in doc["edges"]:
        attrs["skills_to_gain"] = [iris[x] for x in attrs["skills_to_gain"]]
        for k, x in attrs.items():
            if isinstance(x, dict | list):
                attrs[k] = _untag(x)
        source, target = iris[u], iris[v]
        if source not in succ or target not in succ:
            raise ProjectionFormatError("an edge names a role that is not a node")
        succ[source][target] = attrs
        pred[target][source] = attrs
    nx._clear_cache(P)
    sim = doc["similarity"]
    if sim is not None:
        rows, cols = (int(x) for x in sim["shape"])
        count = rows * cols
        if rows < 0 or cols < 0 or offset + 8 * count != len(data):
            raise ProjectionFormatError("the similarity arrays are cut short")
        neighbours = np.frombuffer(data, dtype="<i4", count=count, offset=offset)
        scores = np.frombuffer(data, dtype="<f4", count=count, offset=offset + 4 * count)
        roles = [iris[r] for r in sim["roles"]]
        P.graph["similarity"] = SimilarityModel(
            roles=roles,
            index={r: i for i, r in enumerate(roles)},
            neighbours=neighbours.reshape(rows, cols),
            scores=scores.reshape(rows, cols),
            method=sim["method"],
            info=sim["info"],
        )
    return P


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
    if key in _MEMO:
        return _MEMO[key]
    P = None
    if path is not None and Path(path).suffix != PROJECTION_SUFFIX:
        path = None  # never read (or write) a file of another format, e.g. a pickle
    if path is not None and Path(path).is_file():
        try:
            P = loads_projection(Path(path).read_bytes())
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
