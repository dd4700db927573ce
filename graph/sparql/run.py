"""Run SPARQL queries on a store, with a timeout and a cap on the rows serialized.

Every query goes through the :class:`graph.store.base.Store` interface, so the same
code reads a local graph folder or a remote endpoint. The ontology's prefixes
(``cg:``, ``cgr:``, ``skos:``, ``schema:`` ...) are declared for the user.
Named queries are in :mod:`graph.sparql.named`, parameters in
:mod:`graph.sparql.params`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

from graph.errors import (
    QueryError,
    QueryTimeoutError,
    UpdateRefusedError,
    UsageError,
)
from graph.namespaces import PREFIXES, sparql_prologue
from graph.sparql.check import T, call_in_thread, check_query
from graph.sparql.params import XSD, bind_params
from graph.sparql.plan import Plan
from graph.store.base import Store, results_format
from graph.syntax import query_kind

__all__ = [
    "RESULT_FORMATS",
    "GRAPH_FORMATS",
    "QueryResult",
    "run_query",
    "execute",
    "explain",
    "run_with_timeout",
    "serialize_capped",
]


#: results formats of SELECT and ASK: name -> media type
RESULT_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}


#: formats of CONSTRUCT and DESCRIBE results: name -> media type
GRAPH_FORMATS: dict[str, str] = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}


@dataclass
class QueryResult:
    """What a query returned, serialized in a standard format."""

    body: bytes
    media_type: str
    kind: str
    #: solutions or triples in the body (None when not counted)
    rows: int | None = None
    #: true when a row cap cut the results short
    truncated: bool = False


def run_with_timeout(func: Callable[[], T], timeout: float | None) -> T:
    """Call ``func`` in a worker thread and stop waiting after ``timeout`` seconds.

    The embedded store cannot cancel a running query, so the thread is left to
    finish on its own (it is a daemon: a command exits without waiting for it).
    Long-running servers use :class:`QueryPool`, which kills its workers.

    Raises
    ------
    QueryTimeoutError
        When ``func`` has not returned in time.

    Examples
    --------
    >>> run_with_timeout(lambda: 41 + 1, timeout=5)
    42
    """
    if not timeout or timeout <= 0:
        return func()
    finished, value = call_in_thread(func, timeout, "careergraph-query")
    if not finished:
        raise QueryTimeoutError(
            f"Query stopped after {timeout:g} s. Narrow it (more specific patterns, LIMIT) "
            "or give a longer --timeout."
        )
    return value


def run_query(
    store: Store,
    query: str,
    result_format: str = "json",
    *,
    timeout: float | None = 30.0,
    allow_service: bool = False,
    as_written: bool = False,
) -> QueryResult:
    """Check and run a read query on a store; return its serialized results.

    Parameters
    ----------
    store : graph.store.base.Store
        Local or remote; only ``query_raw`` is used.
    query : str
        A SELECT, ASK, CONSTRUCT or DESCRIBE query; the usual prefixes are declared.
    result_format : str
        ``json``, ``xml``, ``csv`` or ``tsv`` for SELECT and ASK; CONSTRUCT and
        DESCRIBE always give ``turtle`` unless ``ntriples`` is asked for.
    timeout : float, optional
        Seconds to wait before giving up with :class:`QueryTimeoutError`.
    as_written : bool
        Run a SELECT exactly as written; by default a graph folder's store runs
        it as :func:`graph.sparql.plan.plan_query` regroups it (same rows).

    Raises
    ------
    QuerySyntaxError, UpdateRefusedError, QueryTimeoutError, QueryError

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> result = run_query(open_store(), "ASK { ?r a cg:Role }")
    >>> result.kind, json.loads(result.body)["boolean"]
    ('ask', True)
    """
    kind = check_query(query, allow_service=allow_service, timeout=timeout)
    if kind in ("construct", "describe"):
        fmt = result_format if result_format in ("turtle", "ntriples") else "turtle"
    elif result_format in RESULT_FORMATS:
        fmt = result_format
    else:
        raise UsageError(
            f"A {kind.upper()} query gives a results table; use --format "
            + "|".join(["table", *RESULT_FORMATS])
            + "."
        )
    # a remote store needs the prefixes spelled out; locally they are redundant and harmless
    full = sparql_prologue(query) + query

    def run() -> tuple[bytes, str]:
        text = full
        if kind == "select" and not as_written:
            from graph.sparql.counts import plan_local

            text = plan_local(store, full).query
        return store.query_raw(text, fmt, timeout=timeout)

    body, media_type = run_with_timeout(run, timeout)
    return QueryResult(body, media_type, kind)


def execute(
    store: Store,
    query: str,
    params: Mapping[str, str] | None = None,
    result_format: str = "json",
    *,
    timeout: float | None = 30.0,
    as_written: bool = False,
) -> QueryResult:
    """Put parameter values into a query and run it: what ``careergraph sparql`` does.

    See :func:`bind_params` for ``params`` and :func:`run_query` for the rest.
    An update is refused with a hint about ``--allow-update`` (see
    :func:`apply_update`).

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> from graph.sparql.named import named_query
    >>> text = named_query("moves-from-role").text
    >>> result = execute(open_store(), text, {"role": "TPM"}, "csv")
    >>> result.body.splitlines()[0]
    b'to,toLabel,kind,skillsToGain'
    """
    if query_kind(query) == "update":
        try:
            check_query(query)
        except UpdateRefusedError as exc:
            raise UpdateRefusedError(
                f"{exc} Add --allow-update to change the graph folder named with --graph."
            ) from exc
    bound = bind_params(query, params or {}, store)
    return run_query(store, bound, result_format, timeout=timeout, as_written=as_written)


def explain(store: Store, query: str, params: Mapping[str, str] | None = None) -> Plan:
    """How :func:`execute` would run a query: the text the engine gets and why.

    The prefixes careergraph declares for every query are left out of the text.

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> explain(open_store(), "SELECT * WHERE { ?r a cg:Role }").reason
    'one triple pattern: nothing to join'
    """
    from graph.sparql.counts import plan_local

    bound = bind_params(query, params or {}, store)
    kind = check_query(bound)
    prologue = sparql_prologue(bound)
    if kind != "select":
        return Plan(bound, False, f"a {kind.upper()} query runs as written")
    plan = plan_local(store, prologue + bound)
    plan.query = plan.query.removeprefix(prologue)
    return plan


def _term_json(term: Any) -> dict[str, Any]:
    """A term in the SPARQL 1.1 JSON results form."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _term_json(term.subject),
                "predicate": _term_json(term.predicate),
                "object": _term_json(term.object),
            },
        }
    raise QueryError(f"Cannot serialize the result term {term!r}.")


def serialize_capped(result: Any, result_format: str, max_rows: int | None) -> QueryResult:
    """Serialize a pyoxigraph query result, keeping at most ``max_rows`` rows or triples.

    The kept rows are serialized by pyoxigraph's own writers, so every format
    is the standard one; ``truncated`` says whether rows were dropped.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> store = ox.Store()
    >>> store.update("INSERT DATA { <http://e.org/a> <http://e.org/p> 1, 2, 3 }")
    >>> out = serialize_capped(store.query("SELECT ?o { ?s ?p ?o }"), "csv", 2)
    >>> out.rows, out.truncated, out.body.count(b"\\r\\n")
    (2, True, 3)
    """
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        fmt = result_format if result_format in RESULT_FORMATS else "json"
        body = result.serialize(format=results_format(fmt)) or b""
        return QueryResult(body, RESULT_FORMATS[fmt], "ask", 1)
    if isinstance(result, ox.QuerySolutions):
        fmt = result_format if result_format in RESULT_FORMATS else "json"
        names = [v.value for v in result.variables]
        rows = list(islice(result, max_rows + 1)) if max_rows is not None else list(result)
        truncated = max_rows is not None and len(rows) > max_rows
        rows = rows[:max_rows] if max_rows is not None else rows
        data = {
            "head": {"vars": names},
            "results": {
                "bindings": [
                    {n: _term_json(row[n]) for n in names if row[n] is not None} for row in rows
                ]
            },
        }
        # re-read through pyoxigraph so every format comes from its standard writer
        kept = ox.parse_query_results(json.dumps(data).encode(), format=ox.QueryResultsFormat.JSON)
        body = kept.serialize(format=results_format(fmt)) or b""
        return QueryResult(body, RESULT_FORMATS[fmt], "select", len(rows), truncated)
    fmt = result_format if result_format in GRAPH_FORMATS else "turtle"
    triples = list(islice(result, max_rows + 1)) if max_rows is not None else list(result)
    truncated = max_rows is not None and len(triples) > max_rows
    triples = triples[:max_rows] if max_rows is not None else triples
    rdf_format = _graph_format(fmt)
    prefixes = PREFIXES if fmt in ("turtle", "rdfxml") else None
    body = ox.serialize(triples, format=rdf_format, prefixes=prefixes) or b""
    return QueryResult(body, GRAPH_FORMATS[fmt], "construct", len(triples), truncated)


def _graph_format(name: str) -> Any:
    import pyoxigraph as ox

    return {
        "turtle": ox.RdfFormat.TURTLE,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "rdfxml": ox.RdfFormat.RDF_XML,
        "jsonld": ox.RdfFormat.JSON_LD,
    }[name]
