"""Reading the projection cache file in parts, each when a command first uses it.

Only the index, the roles and the moves are read at once; the roles'
attributes and the graph's tables are made on first use (see
:mod:`graph.projection.lazy`), so ``similar`` never makes a skill rating, and
no command that reads a projection imports numpy: the similarity model's
neighbours are read as plain numbers. Nothing read can run code.
"""

from __future__ import annotations

import json
import sys
from array import array
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from graph.collector import collector_paused
from graph.errors import DataError
from graph.projection import network
from graph.projection.cachewrite import (
    _HEAD,
    _INTERNED,
    _IRI_LISTS,
    _JSON,
    _MAGIC,
    _MOVE_KEYS,
    _RATINGS,
    _SET,
    _SKILL_TABLE,
    _TAGGED,
    _TECH_COUNTS,
    _TUPLE,
)
from graph.projection.lazy import PENDING, LazyDict
from graph.projection.similarity import SimilarityModel

__all__ = ["loads_projection", "ProjectionFormatError", "DamagedProjectionError", "DAMAGED"]


#: cache files found damaged while read (and removed): a projection read from one is stale
DAMAGED: set[str] = set()


class ProjectionFormatError(ValueError):
    """A projection cache file that is not one this version wrote."""


class DamagedProjectionError(DataError):
    """A part of a projection cache, read on first use, turned out damaged."""


def _hook(value: dict[str, Any]) -> Any:
    """Undo :func:`_tag` for one JSON object (json calls it innermost first)."""
    if len(value) == 1:
        if _TUPLE in value:
            return tuple(value[_TUPLE])
        if _SET in value:
            return set(value[_SET])
    return value


class _Reader:
    """The texts and arrays of one file, each read (and checked) when first needed."""

    def __init__(self, data: bytes, base: int, size: int, arrays: memoryview, source: str):
        self.data = data
        self.base = base
        self.size = size
        self.arrays = arrays
        self.source = source
        self.strings_span: Any = None
        self._strings: list[str] | None = None
        self._ratings: dict[int, tuple[Any, ...]] = {}

    def strings(self) -> list[str]:
        if self._strings is None:
            strings = self.read(self.strings_span, "the string table")
            if not isinstance(strings, list) or not set(map(type, strings)) <= {str}:
                raise self.damaged("the string table", ValueError("not a list of texts"))
            self._strings = strings
        return self._strings

    def numbers(self, spec: Any) -> Sequence[Any]:
        """The array ``spec`` (``[offset, count, code]``) names, without copying it."""
        offset, count, code = spec
        if code not in ("I", "i", "f") or not (
            isinstance(offset, int) and isinstance(count, int) and offset % 4 == 0
        ):
            raise ValueError(f"not an array of the file ({spec!r})")
        if not 0 <= offset <= offset + 4 * count <= len(self.arrays):
            raise ValueError("an array past the end of the file")
        raw = self.arrays[offset : offset + 4 * count]
        if sys.byteorder == "little":
            return raw.cast(code)
        values = array(code, raw.tobytes())
        values.byteswap()
        return values

    def read(self, span: Any, what: str) -> Any:
        with collector_paused(freeze=True):
            try:
                return self._read(span, what)
            except (ValueError, TypeError, IndexError, KeyError) as exc:
                raise self.damaged(what, exc) from exc

    def _read(self, span: Any, what: str) -> Any:
        start, end, how = span
        if not (isinstance(start, int) and isinstance(end, int)) or not (
            0 <= start <= end <= self.size
        ):
            raise ValueError("a text past the end of the file")
        text = self.data[self.base + start : self.base + end]
        if how == _TAGGED:
            return json.loads(text, object_hook=_hook)
        value = json.loads(text)
        if how == _JSON:
            return value
        if how == _INTERNED:
            distinct, refs = value
            return list(map(distinct.__getitem__, self.numbers(refs)))
        name = self.strings().__getitem__
        if how == _IRI_LISTS:
            where, refs = (self.numbers(x) for x in value)
            # all names at once, then a slice per row: a third of the time of a map per row
            names = list(map(name, refs))
            bounds = list(where)
            return [names[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
        if how == _RATINGS:
            rating, where, keys, chosen = self._rating_parts(span, value)
            return [
                dict(zip(map(name, keys[a:b]), map(rating, chosen[a:b]), strict=True))
                for a, b in zip(where, where[1:], strict=False)
            ]
        if how == _SKILL_TABLE:
            keys, labels, types, kinds, classes, groups, more = value
            iris = list(map(name, self.numbers(keys)))
            skills = {
                k: (
                    {"label": label, "type": t, "labels": [label]}
                    if c is None
                    else {"label": label, "type": t, "labels": [label], "class": c}
                )
                for k, label, t, c in zip(
                    iris,
                    labels,
                    map(types.__getitem__, self.numbers(kinds)),
                    map(classes.__getitem__, self.numbers(groups)),
                    strict=True,
                )
            }
            for i, further in more.items():
                skills[iris[int(i)]]["labels"].extend(further)
            return skills
        if how == _TECH_COUNTS:
            listing, keys, roles, classes = value
            if not isinstance(listing, int):
                raise ValueError("a count that is not a number")
            techs = map(name, self.numbers(keys))
            pairs = zip(self.numbers(roles), self.numbers(classes), strict=True)
            counts = dict(zip(techs, pairs, strict=True))
            if len(counts) != len(self.numbers(keys)):
                raise ValueError("a technology counted twice")
            return {"listing": listing, "counts": counts}
        raise ValueError(f"an unknown kind of text ({how!r})")

    def _rating_parts(self, span: Any, value: Any = None) -> tuple[Any, ...]:
        parts = self._ratings.get(span[0])
        if parts is None:
            if value is None:
                start, end, _ = span
                if not 0 <= start <= end <= self.size:
                    raise ValueError("a text past the end of the file")
                value = json.loads(self.data[self.base + start : self.base + end])
            ratings, where, keys, chosen = value
            parts = (ratings.__getitem__, *(self.numbers(x) for x in (where, keys, chosen)))
            self._ratings[span[0]] = parts
        return parts

    def rating_row(self, span: Any, row: int, what: str) -> dict[str, Any]:
        """One role's skill ratings from a ``_RATINGS`` text, without making the others'."""
        try:
            rating, where, keys, chosen = self._rating_parts(span)
            a, b = where[row], where[row + 1]
            name = self.strings().__getitem__
            return dict(zip(map(name, keys[a:b]), map(rating, chosen[a:b]), strict=True))
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            raise self.damaged(what, exc) from exc

    def damaged(self, what: str, exc: Exception) -> DamagedProjectionError:
        if self.source:
            # the next run (or, in a server, the next request) builds the projection anew
            Path(self.source).unlink(missing_ok=True)
            DAMAGED.add(self.source)
        where = f" {self.source}" if self.source else ""
        return DamagedProjectionError(
            f"The projection cache{where} is damaged ({what}: {exc}); it has been removed, "
            "so run the command again to rebuild it."
        )


class _Columns:
    """The role attributes of a file, one column (a list over the roles) per attribute."""

    def __init__(self, reader: _Reader, spans: dict[str, Any], count: int) -> None:
        self.reader = reader
        self.spans = spans
        self.count = count
        self.made: dict[str, list[Any]] = {}

    def value(self, key: str, row: int) -> Any:
        column = self.made.get(key)
        if column is None:
            what = f"the role attribute {key!r}"
            span = self.spans[key]
            if span[2] == _RATINGS:
                # skill ratings are made role by role, whatever the number of roles read:
                # as quick per role as all at once, and route search reads a sixth of them
                if not 0 <= row < self.count:
                    raise self.reader.damaged(key, IndexError(row))
                return self.reader.rating_row(span, row, what)
            column = self.reader.read(span, what)
            if not isinstance(column, list) or len(column) != self.count:
                raise self.reader.damaged(key, ValueError("not one value per role"))
            self.made[key] = column
        return column[row]


class _Attrs(LazyDict):
    """A role's attribute dict, made from the columns on first use."""

    __slots__ = ("_columns", "_row")
    _columns: _Columns
    _row: int

    def _load(self, key: Any) -> Any:
        return self._columns.value(key, self._row)


class _LabelIndex(LazyDict):
    """``P.graph["label_index"]``: normalized label -> role IRIs, each set made when read."""

    __slots__ = ("_reader", "_nodes", "_where", "_roles", "_position")
    _reader: _Reader
    _nodes: list[str]
    _where: Sequence[int]
    _roles: Sequence[int]
    _position: dict[str, int] | None

    def _load(self, key: Any) -> Any:
        if self._position is None:
            self._position = {k: i for i, k in enumerate(self)}
        i = self._position[key]
        try:
            return {self._nodes[r] for r in self._roles[self._where[i] : self._where[i + 1]]}
        except (IndexError, TypeError) as exc:
            raise self._reader.damaged("the label index", exc) from exc


def _label_index(reader: _Reader, span: Any, nodes: list[str]) -> _LabelIndex:
    keys, where, roles = reader.read(span, "the label index")
    index = _LabelIndex(dict.fromkeys(keys, PENDING))
    index._reader, index._nodes, index._position = reader, nodes, None
    index._where, index._roles = reader.numbers(where), reader.numbers(roles)
    if len(index) != len(keys) or len(index._where) != len(keys) + 1:
        raise ProjectionFormatError("not one list of roles per label")
    return index


class _Table:
    """A 2-D table of numbers read from raw bytes: ``table[i]`` is row ``i`` (a sequence).

    Stands in for the numpy arrays of :class:`SimilarityModel` once read back
    from a file, so commands that look up neighbours need not import numpy.
    """

    def __init__(self, data: Any, rows: int, cols: int) -> None:
        self.data = data
        self.shape = (rows, cols)

    def __getitem__(self, row: int) -> Sequence[Any]:
        if not 0 <= row < self.shape[0]:
            raise IndexError(row)
        cols = self.shape[1]
        return self.data[row * cols : (row + 1) * cols]

    def __len__(self) -> int:
        return self.shape[0]

    def __reduce__(self) -> tuple[Any, ...]:
        # copy, deepcopy and pickle (a memoryview cannot be pickled): the numbers as an array
        code = getattr(self.data, "typecode", None) or self.data.format
        return (_Table, (array(code, self.data), *self.shape))

    def tobytes(self) -> bytes:
        """The table as little-endian bytes (as the file holds it)."""
        if sys.byteorder == "little":
            return bytes(self.data)
        swapped = array(self.data.typecode, self.data)
        swapped.byteswap()
        return swapped.tobytes()


def loads_projection(data: bytes, source: str = "") -> nx.DiGraph:
    """Read what :func:`dumps_projection` wrote.

    Only the index, the roles and the moves are read at once; the rest when a
    command first reads it. ``source`` names the file in errors: a part found
    damaged then (:class:`DamagedProjectionError`, one line for the person
    running the command) removes the file, so the next run rebuilds it.

    Raises
    ------
    ProjectionFormatError
        If the bytes are not a projection of this format version, or what is
        read at once is damaged.
    """
    start = len(_MAGIC) + _HEAD.size
    if len(data) < start or not data.startswith(_MAGIC):
        raise ProjectionFormatError("not a careergraph projection file")
    version, head, texts, arrays = _HEAD.unpack_from(data, len(_MAGIC))
    if version != network.PROJECTION_VERSION:
        expected = network.PROJECTION_VERSION
        raise ProjectionFormatError(f"projection format {version}, not {expected}")
    if start + head + texts + arrays != len(data):
        raise ProjectionFormatError("the projection file is cut short or too long")
    with collector_paused(freeze=True):
        try:
            index = json.loads(data[start : start + head])
            view = memoryview(data)[start + head + texts :]
            reader = _Reader(data, start + head, texts, view, source)
            reader.strings_span = index["strings"]
            return _from_index(index, reader)
        except DamagedProjectionError as exc:
            raise ProjectionFormatError(str(exc)) from exc
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            raise ProjectionFormatError(f"a damaged projection file ({exc!r})") from exc


def _from_index(index: dict[str, Any], reader: _Reader) -> nx.DiGraph:
    nodes: list[str] = index["nodes"]
    if not isinstance(nodes, list) or not set(map(type, nodes)) <= {str}:
        raise ProjectionFormatError("a role that is not an IRI")
    P = nx.DiGraph()
    columns = _Columns(reader, index["columns"], len(nodes))
    shapes = [tuple(s) for s in index["shapes"]]
    succ, pred, attrs = P._succ, P._pred, P._node
    if len(index["shape"]) != len(nodes):
        raise ProjectionFormatError("not one attribute list per role")
    for row, (node, shape) in enumerate(zip(nodes, index["shape"], strict=True)):
        made = _Attrs(dict.fromkeys(shapes[shape], PENDING))
        made._columns, made._row = columns, row
        attrs[node] = made
        succ[node] = {}
        pred[node] = {}
    if len(attrs) != len(nodes):
        raise ProjectionFormatError("a role listed twice")
    _add_edges(P, index["edges"], reader, nodes)
    # a plain dict: commands read it often (the skills' labels), and it is quick to make
    graph: dict[str, Any] = {}
    for key, span in index["graph"].items():
        if key == "similarity":
            graph[key] = _similarity(reader, index["similarity"], nodes)
        elif key == "label_index":
            graph[key] = _label_index(reader, span, nodes)
        else:
            graph[key] = reader.read(span, f"the table {key!r}")
    P.graph = graph
    return P


def _similarity(reader: _Reader, sim: Any, nodes: list[str]) -> SimilarityModel | None:
    if sim is None:
        return None
    rows, cols = (int(x) for x in sim["shape"])
    neighbours = reader.numbers(sim["neighbours"])
    scores = reader.numbers(sim["scores"])
    if rows < 0 or cols < 0 or not len(neighbours) == len(scores) == rows * cols:
        raise ProjectionFormatError("the similarity arrays are cut short")
    roles = [nodes[r] if isinstance(r, int) else str(r) for r in sim["roles"]]
    if len(roles) != rows:
        raise ProjectionFormatError("not one similarity row per role")
    return SimilarityModel(
        roles=roles,
        index={r: i for i, r in enumerate(roles)},
        neighbours=_Table(neighbours, rows, cols),
        scores=_Table(scores, rows, cols),
        method=sim["method"],
        info=reader.read(sim["info"], "the similarity model"),
    )


def _add_edges(P: nx.DiGraph, edges: dict[str, Any], reader: _Reader, nodes: list[str]) -> None:
    """Fill in the moves, as add_edges_from would, without copying every dict."""
    shapes = [tuple(s) for s in edges["shapes"]]
    columns = {
        key: reader.read(span, f"the move attribute {key!r}")
        for key, span in edges["columns"].items()
    }
    sources, targets = reader.numbers(edges["source"]), reader.numbers(edges["target"])
    count = len(sources)
    if len(targets) != count or not all(len(c) == count for c in columns.values()):
        raise ProjectionFormatError("not one attribute value per move")
    keys = tuple(columns)
    if len(shapes) == 1 and shapes[0] == keys == _MOVE_KEYS:
        # the moves build_projection makes: dict displays are made several times faster
        # than dict(zip(keys, values))
        made = [
            {"kind": k, "iri": i, "skills_to_gain": g, "source": s, "tier": t, "index": x}
            for k, i, g, s, t, x in zip(*columns.values(), strict=True)
        ]
    elif len(shapes) == 1 and shapes[0] == keys:
        rows = zip(*columns.values(), strict=True)
        made = [dict(zip(keys, values, strict=True)) for values in rows] if keys else []
        made = made or [{} for _ in range(count)]
    else:
        made = [{k: columns[k][i] for k in shapes[s]} for i, s in enumerate(edges["shape"])]
    if len(made) != count:
        raise ProjectionFormatError("not one attribute dict per move")
    source = list(map(nodes.__getitem__, sources))
    target = list(map(nodes.__getitem__, targets))
    # succ[u][v] = pred[v][u] = attrs for every move, looped in C (18,000 moves on O*NET):
    # map calls dict.__setitem__ on each triple, and a zero-length deque drains it
    put = dict.__setitem__
    deque(map(put, map(P._succ.__getitem__, source), target, made), maxlen=0)
    deque(map(put, map(P._pred.__getitem__, target), source, made), maxlen=0)
    nx._clear_cache(P)
