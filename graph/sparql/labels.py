"""The labels of a class's instances, lowercased, for finding what a parameter value names.

:func:`graph.sparql.params.resolve_name` first matches a value against every
label of every instance of a class, case-insensitively. As SPARQL that reads
every label in the store (85,000 on an O*NET import: 0.15-0.7 s of CPU) for
each value. A :class:`LabelIndex` holds lowercased label -> instances for one
class, made with one query and kept in the cache folder under the graph's
build id, so a later lookup reads one file instead. The index answers only
when it finds exactly one instance; anything else (no match, several) goes the
SPARQL way, so the answers and error messages stay the store's.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from graph.sparql.cachefiles import cache_file, read_cached, write_cached
from graph.store.base import Store

__all__ = ["LABEL_PATH", "LabelIndex", "label_index", "lowercase"]


#: the label properties a name is matched against, as a SPARQL property path
LABEL_PATH = "rdfs:label|skos:prefLabel|skos:altLabel|skos:hiddenLabel|skos:notation|schema:name"

#: the index file's layout; another version is rebuilt, never read
VERSION = 2

_MEMO: dict[tuple[str, str, str], LabelIndex] = {}
_LOCK = threading.Lock()


class LabelIndex:
    """Lowercased label -> the instances of one class that carry it.

    Parameters
    ----------
    iris : list of str
        Every instance of the class that has a label (the ones a name can match).
    labels : dict
        Lowercased label -> a position in ``iris``, or a list of positions.

    Examples
    --------
    >>> index = LabelIndex(["urn:a", "urn:b"], {"nurse": [0, 1], "rn": 0})
    >>> index.only("rn"), index.only("nurse"), index.only("chef")
    ('urn:a', None, None)
    >>> index.only("b", also="urn:b"), index.only("rn", also="urn:b")
    ('urn:b', None)
    """

    def __init__(self, iris: list[str], labels: dict[str, Any]) -> None:
        self.iris = iris
        self.labels = labels
        self._known: frozenset[str] | None = None

    def only(self, key: str, also: str | None = None) -> str | None:
        """The one instance whose lowercased label is ``key``, else None.

        ``key`` is lowercased by the store (:func:`lowercase`), as the labels
        were. ``also``: an IRI that counts as a match too when it is an
        instance with a label (the value read as a slug).
        """
        found = self.labels.get(key)
        hits = {found} if isinstance(found, int) else set(found or ())
        named = {self.iris[i] for i in hits}
        if also is not None:
            if self._known is None:
                self._known = frozenset(self.iris)
            if also in self._known:
                named.add(also)
        return next(iter(named)) if len(named) == 1 else None


def lowercase(store: Store, literal: str) -> str:
    """``LCASE`` of an N-Triples literal, worked out by the store.

    The store lowercases the labels in the index and in the query the index
    stands in for; Python's ``str.lower`` follows another Unicode version and
    differs on a few letters, so the store lowercases the value too.
    """
    return str(store.select(f"SELECT (LCASE({literal}) AS ?k) WHERE {{}}")[0]["k"])


def _build(store: Store, cls: str) -> LabelIndex:
    rows = store.select(
        f"SELECT ?x (LCASE(STR(?l)) AS ?k) WHERE {{ ?x a/rdfs:subClassOf* <{cls}> ; "
        f"{LABEL_PATH} ?l }}"
    )
    iris: list[str] = []
    position: dict[str, int] = {}
    labels: dict[str, Any] = {}
    for row in rows:
        iri = str(row["x"])
        i = position.get(iri)
        if i is None:
            i = position[iri] = len(iris)
            iris.append(iri)
        key = str(row["k"])
        held = labels.get(key)
        if held is None:
            labels[key] = i
        elif isinstance(held, int):
            if held != i:
                labels[key] = [held, i]
        elif i not in held:
            held.append(i)
    return LabelIndex(iris, labels)


def _read(path: Path, fingerprint: str) -> LabelIndex | None:
    data = read_cached(path, VERSION, fingerprint)
    try:
        return None if data is None else LabelIndex(list(data["iris"]), dict(data["labels"]))
    except (TypeError, KeyError, ValueError):
        return None  # damaged: made again


def label_index(store: Store, ptype: str, cls: str) -> LabelIndex | None:
    """The label index of class ``cls`` (declared type ``ptype``) in ``store``.

    Read from the cache folder, else made with one query and written there.
    None for a store that is not a graph folder (an endpoint answers the
    lookups itself).
    """
    path = cache_file(store, "labels", ptype)
    if path is None:
        return None
    key = (str(path), store.fingerprint, cls)
    index = _MEMO.get(key)
    if index is None:
        index = _read(path, store.fingerprint)
        if index is None:
            index = _build(store, cls)
            write_cached(
                path, VERSION, store.fingerprint, {"iris": index.iris, "labels": index.labels}
            )
        with _LOCK:
            index = _MEMO.setdefault(key, index)
    return index
