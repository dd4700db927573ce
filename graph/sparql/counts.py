"""Triple counts of a graph's predicates and classes, for the join planner.

:func:`graph.sparql.plan.plan_query` asks how many triples a predicate (or
``rdf:type`` class) has and how many distinct subjects and objects. Each is one
query over that predicate; the answers for a graph folder's store are kept in
the cache folder under its build id (:mod:`graph.sparql.cachefiles`), so a
predicate is counted once per build, and in memory by the server's workers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from graph.sparql.cachefiles import cache_file, read_cached, write_cached
from graph.sparql.plan import RDF_TYPE, Counts, Pattern, Plan, plan_query
from graph.store.base import Store

__all__ = ["count_pattern", "plan_local", "plan_raw"]

#: the counts file's layout; another version is counted again, never read
VERSION = 1

#: the most counts a server worker keeps
MAX_REMEMBERED = 10_000

_MEMO: dict[str, dict[str, Any]] = {}
_LOCK = threading.Lock()


def _key(pattern: Pattern) -> str:
    return f"class {pattern.cls}" if pattern.cls else f"predicate {pattern.predicate}"


def count_pattern(select: Callable[[str], Any], pattern: Pattern) -> Counts:
    """Count a pattern's predicate (or class) with ``select``, which runs one SELECT.

    ``select`` returns the first row as a sequence of three integers.
    """
    if pattern.cls:
        where = f"?s <{RDF_TYPE}> <{pattern.cls}>"
        rows, subjects = select(
            f"SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?s2) WHERE {{ {where} }}"
        )
        return Counts(rows, subjects, 1)
    where = f"?s <{pattern.predicate}> ?o"
    rows, subjects, objects = select(
        "SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?s2) (COUNT(DISTINCT ?o) AS ?o2) "
        f"WHERE {{ {where} }}"
    )
    return Counts(rows, subjects, objects)


def plan_local(store: Store, query: str) -> Plan:
    """Plan ``query`` (every prefix declared) for a graph folder's store; counts kept per build."""
    path = cache_file(store, "counts", "predicates")
    if path is None:
        return Plan(query, False, "not a graph folder: the endpoint plans its own queries")
    fingerprint = getattr(store, "fingerprint", "")
    memo_key = f"{path}\0{fingerprint}"
    # read on the first count only: most queries are planned without any
    known: dict[str, Any] | None = None
    added = False

    def select(text: str) -> list[int]:
        row = store.select(text)[0]
        return [int(v) for v in row.values()]

    def count(pattern: Pattern) -> Counts:
        nonlocal known, added
        if known is None:
            with _LOCK:
                known = _MEMO.get(memo_key)
            if known is None:
                data = read_cached(path, VERSION, fingerprint)
                held = data.get("counts") if data else None
                known = dict(held) if isinstance(held, dict) else {}
        key = _key(pattern)
        value = known.get(key)
        if isinstance(value, list) and len(value) == 3 and all(isinstance(v, int) for v in value):
            return Counts(*value)
        counts = count_pattern(select, pattern)
        known[key] = [counts.rows, counts.subjects, counts.objects]
        added = True
        return counts

    plan = plan_query(query, count)
    if known is not None:
        with _LOCK:
            _MEMO[memo_key] = known
        if added:
            write_cached(path, VERSION, fingerprint, {"counts": known})
    return plan


def plan_raw(raw: Any, query: str, memo: dict[str, Counts]) -> Plan:
    """Plan ``query`` for an open ``pyoxigraph.Store``, counts kept in ``memo`` (a worker's)."""

    def select(text: str) -> list[int]:
        return [int(term.value) for term in next(iter(raw.query(text)))]

    def count(pattern: Pattern) -> Counts:
        key = _key(pattern)
        if key not in memo and len(memo) >= MAX_REMEMBERED:
            memo.clear()  # requests naming ever new predicates do not grow a worker
        if key not in memo:
            memo[key] = count_pattern(select, pattern)
        return memo[key]

    return plan_query(query, count)
