"""Writing the projection cache file: JSON texts and raw numeric arrays, never pickle.

What :func:`dumps_projection` writes, :mod:`graph.projection.cacheread` reads;
:mod:`graph.projection.cache` puts the file beside the store and decides when
to read, write or rebuild it.
"""

from __future__ import annotations

import json
import struct
import sys
from array import array
from collections.abc import Iterable, Sized
from itertools import accumulate, chain
from typing import Any

import networkx as nx

from graph.projection import network

__all__ = ["dumps_projection"]


#: the first bytes of every projection cache file
_MAGIC = b"CGPROJ\x00\x01"


#: format version, then the bytes of: the index (JSON), the texts (JSON), the arrays
_HEAD = struct.Struct("<IQQQ")


#: one-key JSON objects holding a tuple and a set (JSON has lists only)
_TUPLE = "\u0000tuple"
_SET = "\u0000set"


def _plain(value: Any) -> bool:
    """Whether JSON gives ``value`` back as it is (no tuple or set anywhere in it)."""
    if isinstance(value, dict):
        return all(_plain(x) for x in value.values())
    if isinstance(value, list):
        return all(_plain(x) for x in value)
    return not isinstance(value, tuple | set | frozenset)


def _tag(value: Any) -> Any:
    """``value`` with every tuple and set in it made a one-key object, for JSON."""
    if isinstance(value, tuple):
        return {_TUPLE: [_tag(x) for x in value]}
    if isinstance(value, set | frozenset):
        return {_SET: sorted(_tag(x) for x in value)}
    if isinstance(value, list):
        return [_tag(x) for x in value]
    if isinstance(value, dict):
        return {k: _tag(x) for k, x in value.items()}
    return value


#: how a JSON text of the file is turned into the values it holds (see :class:`_Texts`)
_JSON, _TAGGED, _RATINGS, _INTERNED, _IRI_LISTS, _SKILL_TABLE, _TECH_COUNTS = range(7)


#: role attributes written as rating tables, and move attributes written as lists of IRIs
_RATING_COLUMNS = ("skills", "est_skills")
_IRI_LIST_COLUMNS = ("skills_to_gain",)


#: the attributes of a move, as :func:`graph.projection.network.build_projection` gives them
_MOVE_KEYS = ("kind", "iri", "skills_to_gain", "source", "tier", "index")


#: the types of rating values JSON gives back as they are, and whose equal values of one
#: type have one JSON text (but a float 0 and NaN: see :func:`_rating_table`)
_SCALARS = frozenset({float, int, bool, str, type(None)})


def _is_ratings(column: list[Any]) -> bool:
    scalars = _SCALARS
    for value in column:
        if type(value) is not dict:
            if not isinstance(value, dict):
                return False
        for rating in value.values():
            if type(rating) is not dict:
                if not isinstance(rating, dict):
                    return False
            if not scalars.issuperset(map(type, rating.values())) and not _plain(rating):
                return False
    return True


def _rating_table(column: list[dict[str, dict[str, Any]]]) -> tuple[list[Any], list[list[int]]]:
    """Each distinct rating once (equal as JSON with sorted keys, the first met kept), and for
    each value of ``column`` the numbers of its ratings in that list.

    Examples
    --------
    >>> _rating_table([{"a": {"x": 1.0, "y": None}, "b": {"x": 2.0}}, {"c": {"y": None, "x": 1.0}}])
    ([{'x': 1.0, 'y': None}, {'x': 2.0}], [[0, 1], [0]])
    """
    ratings: list[Any] = []
    chosen = []
    # A JSON text per rating is what tells ratings apart, and most of the work. Ratings of
    # text keys and scalar values are told apart by their items and the types of their
    # values instead (keys sorted: JSON sorts them): for these, equal items of equal types
    # have equal texts and unequal ones unequal texts, but for a float 0 (-0.0 == 0.0, their
    # texts differ) and NaN (unequal to itself, one text): such ratings take the texts' way.
    # ``seen`` finds a rating met before with the keys in the same order, without sorting.
    seen: dict[tuple[Any, ...], int] = {}
    items_of: dict[tuple[Any, ...], int] = {}
    texts: dict[str, int] = {}
    scalars = _SCALARS
    encode = json.JSONEncoder(sort_keys=True).encode
    for value in column:
        row = []
        for rating in value.values():
            values = rating.values()
            found = None
            if scalars.issuperset(map(type, values)):
                key = (*rating.items(), *map(type, values))
                found = seen.get(key)
                if found is None and (
                    all(type(k) is str for k in rating)
                    and not any(type(x) is float and (x == 0 or x != x) for x in values)
                ):
                    items = sorted(rating.items())
                    found = items_of.setdefault(
                        (*items, *(type(x) for _, x in items)), len(ratings)
                    )
                    seen[key] = found
            if found is None:
                found = texts.setdefault(encode(rating), len(ratings))
            if found == len(ratings):
                ratings.append(rating)
            row.append(found)
        chosen.append(row)
    return ratings, chosen


def _offsets(rows: Iterable[Sized]) -> list[int]:
    """Where each row starts in the rows laid end to end, and where the last ends."""
    return [0, *accumulate(map(len, rows))]


class _Texts:
    """What a file holds after its index: JSON texts, then arrays of 4-byte numbers.

    A list over the roles (or the moves) is written in the form quickest to
    read back: as it is (``_JSON``), with its tuples and sets tagged
    (``_TAGGED``), as skill ratings (``_RATINGS``: each distinct rating dict
    once; each role's skills as numbers into the string table and into those
    ratings, in arrays), as few distinct texts (``_INTERNED``) or as lists of
    IRIs (``_IRI_LISTS``, numbers into the string table). Numbers that only
    point elsewhere are written as arrays, which are read without parsing.
    """

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.arrays: list[bytes] = []
        self.array_size = 0
        self.strings: dict[str, int] = {}

    def ref(self, text: str) -> int:
        found = self.strings.get(text)
        if found is None:
            found = self.strings[text] = len(self.strings)
        return found

    def _refs(self, texts: Iterable[str]) -> list[int]:
        """:meth:`ref` of each of ``texts``."""
        strings = self.strings
        out = []
        for text in texts:
            found = strings.get(text)
            if found is None:
                found = strings[text] = len(strings)
            out.append(found)
        return out

    def numbers(self, values: Any, code: str = "I") -> list[Any]:
        """Write 4-byte numbers (``"I"`` unsigned, ``"i"`` signed, ``"f"`` float), little-endian;
        return ``[offset, count, code]``."""
        if isinstance(values, bytes):
            raw = values
        else:
            packed = array(code, values)
            if sys.byteorder != "little":
                packed.byteswap()
            raw = packed.tobytes()
        self.arrays.append(raw)
        self.array_size += len(raw)
        return [self.array_size - len(raw), len(raw) // 4, code]

    def _write(self, value: Any, how: int) -> list[Any]:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.parts.append(text)
        self.size += len(text)
        return [self.size - len(text), self.size, how]

    def add(self, values: Any) -> list[Any]:
        """Write ``values``; return ``[start, end, how]`` to find and read them again."""
        if _plain(values):
            return self._write(values, _JSON)
        return self._write(_tag(values), _TAGGED)

    def add_column(self, key: str, column: list[Any]) -> list[Any]:
        """Write one attribute of every role (or move), in the quickest form to read."""
        if key in _RATING_COLUMNS and _is_ratings(column):
            where = self.numbers(_offsets(column))
            keys = self.numbers(self._refs(chain.from_iterable(column)))
            # equal ratings are written once: read back, roles share one dict for them
            ratings, chosen = _rating_table(column)
            values = self.numbers(chain.from_iterable(chosen))
            return self._write([ratings, where, keys, values], _RATINGS)
        if key in _IRI_LIST_COLUMNS and all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in column
        ):
            refs = self.numbers(self._refs(chain.from_iterable(column)))
            return self._write([self.numbers(_offsets(column)), refs], _IRI_LISTS)
        if all(v is None or isinstance(v, str) for v in column):
            distinct = list(dict.fromkeys(column))
            if 4 * len(distinct) < len(column):
                position = {v: i for i, v in enumerate(distinct)}
                refs = self.numbers(position[v] for v in column)
                return self._write([distinct, refs], _INTERNED)
        return self.add(column)

    def add_skill_table(self, skills: dict[str, Any]) -> list[Any]:
        """Write ``P.graph["skills"]`` as columns (IRIs as numbers), or as it is if it cannot be."""
        shapes = (("label", "type", "labels"), ("label", "type", "labels", "class"))
        if not all(
            isinstance(v, dict)
            and tuple(v) in shapes
            and isinstance(v["label"], str)
            and isinstance(v["type"], str)
            and isinstance(v.get("class", ""), str)
            and isinstance(v["labels"], list)
            and v["labels"][:1] == [v["label"]]
            and all(isinstance(x, str) for x in v["labels"])
            for v in skills.values()
        ):
            return self.add(skills)
        types = list(dict.fromkeys(v["type"] for v in skills.values()))
        classes = [None, *dict.fromkeys(v["class"] for v in skills.values() if "class" in v)]
        kind = {t: i for i, t in enumerate(types)}
        group = {c: i for i, c in enumerate(classes)}
        # most skills have one label; the others' further labels, by position
        more = {str(i): v["labels"][1:] for i, v in enumerate(skills.values()) if v["labels"][1:]}
        table = [
            self.numbers(self.ref(k) for k in skills),
            [v["label"] for v in skills.values()],
            types,
            self.numbers(kind[v["type"]] for v in skills.values()),
            classes,
            self.numbers(group[v.get("class")] for v in skills.values()),
            more,
        ]
        return self._write(table, _SKILL_TABLE)

    def add_technology_counts(self, table: Any) -> list[Any]:
        """Write ``P.graph["technology_counts"]``: the IRIs and both counts as arrays of numbers
        (read back as one dict, with no JSON to parse per technology), or as it is."""
        counts = table.get("counts") if isinstance(table, dict) else None
        if not (
            isinstance(counts, dict)
            and tuple(table) == ("listing", "counts")
            and isinstance(table["listing"], int)
            and all(
                isinstance(v, tuple) and len(v) == 2 and all(type(x) is int and x >= 0 for x in v)
                for v in counts.values()
            )
        ):
            return self.add(table)
        keys = self.numbers(self.ref(k) for k in counts)
        roles = self.numbers(v[0] for v in counts.values())
        classes = self.numbers(v[1] for v in counts.values())
        return self._write([table["listing"], keys, roles, classes], _TECH_COUNTS)

    def add_label_index(self, index: dict[str, set[str]], row: dict[str, int]) -> list[Any]:
        """Write the label index: its keys as JSON, the roles of each as numbers."""
        roles = [sorted(row[r] for r in v) for v in index.values()]
        where = self.numbers(_offsets(roles))
        return self._write([list(index), where, self.numbers(r for v in roles for r in v)], _JSON)


def dumps_projection(P: nx.DiGraph) -> bytes:
    """The projection as bytes: a header, an index, JSON texts, arrays of numbers.

    Each role attribute is one JSON text (a list over the roles, or a table
    and arrays of numbers pointing into it), and so is each entry of
    ``P.graph``; the index says where each lies, so a reader makes only what it
    reads. The similarity arrays follow raw, as little-endian int32 and
    float32. Nothing in the file is code, so reading a crafted one gives an
    error or wrong numbers, never a program run.

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> from graph.projection.cacheread import loads_projection
    >>> P = network.build_projection(open_store())
    >>> Q = loads_projection(dumps_projection(P))
    >>> dict(Q.nodes(data=True)) == dict(P.nodes(data=True))
    True
    """
    texts = _Texts()
    nodes = list(P)
    row = {n: i for i, n in enumerate(nodes)}
    shapes: dict[tuple[str, ...], int] = {}
    shape = [shapes.setdefault(tuple(d), len(shapes)) for d in P._node.values()]
    columns = {}
    for key in dict.fromkeys(k for keys in shapes for k in keys):
        columns[key] = texts.add_column(key, [d.get(key) for d in P._node.values()])
    graph: dict[str, Any] = {}
    model = None
    for key, value in P.graph.items():
        if key == "similarity":
            model = value
            graph[key] = None
        elif key == "label_index":
            graph[key] = texts.add_label_index(value, row)
        elif key == "skills":
            graph[key] = texts.add_skill_table(value)
        elif key == "technology_counts":
            graph[key] = texts.add_technology_counts(value)
        else:
            graph[key] = texts.add(value)
    edge_keys: dict[tuple[str, ...], int] = {}
    edge_shape = []
    sources, targets, attrs = [], [], []
    for u, v, d in P.edges(data=True):
        sources.append(row[u])
        targets.append(row[v])
        edge_shape.append(edge_keys.setdefault(tuple(d), len(edge_keys)))
        attrs.append(d)
    edge_columns = {
        key: texts.add_column(key, [d.get(key) for d in attrs])
        for key in dict.fromkeys(k for keys in edge_keys for k in keys)
    }
    sim = None
    if model is not None:
        neighbours = model.neighbours
        scores = model.scores
        if hasattr(neighbours, "astype"):  # numpy arrays, as build_model makes them
            neighbours = neighbours.astype("<i4", copy=False)
            scores = scores.astype("<f4", copy=False)
        rows, cols = (int(x) for x in neighbours.shape)
        sim = {
            "roles": [row[r] if r in row else r for r in model.roles],
            "method": model.method,
            "info": texts.add(model.info),
            "shape": [rows, cols],
            "neighbours": texts.numbers(neighbours.tobytes(), "i"),
            "scores": texts.numbers(scores.tobytes(), "f"),
        }
    index = {
        "nodes": nodes,
        "shapes": [list(k) for k in shapes],
        "shape": shape,
        "columns": columns,
        "graph": graph,
        "edges": {
            "source": texts.numbers(sources),
            "target": texts.numbers(targets),
            "shapes": [list(k) for k in edge_keys],
            "shape": edge_shape,
            "columns": edge_columns,
        },
        "similarity": sim,
        "strings": texts.add(list(texts.strings)),
    }
    head = json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    version = network.PROJECTION_VERSION
    sizes = _HEAD.pack(version, len(head), texts.size, texts.array_size)
    return b"".join([_MAGIC, sizes, head, *texts.parts, *texts.arrays])
