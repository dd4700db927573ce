"""Any SPARQL 1.1 endpoint as the store: Virtuoso, Fuseki, GraphDB, Neptune, Stardog.

:class:`RemoteStore` implements the :class:`graph.store.base.Store` interface over
the SPARQL 1.1 Protocol, so every reading command runs unchanged against a
triple-store server (``careergraph --endpoint URL ...``). Queries are sent
with ``default-graph-uri`` set to the named graph ``careergraph push`` loaded
(:data:`DEFAULT_NAMED_GRAPH` unless told otherwise), because servers disagree
on what their default graph is (Virtuoso: the union of all graphs).

Credentials come only from the environment (:data:`USER_ENV`,
:data:`PASSWORD_ENV`), never from the command line or the URL; they are sent
only when the server asks (HTTP basic or digest authentication).

Results come back as SPARQL JSON and are turned into the same Python values
the embedded store gives. A server that caps result size (Virtuoso's
``ResultSetMaxRows``, 10000 by default) is read page by page instead of
silently losing rows.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import (
    EndpointError,
    QueryError,
    QuerySyntaxError,
    QueryTimeoutError,
    UpdateRefusedError,
)
from graph.namespaces import PREFIXES, sparql_prologue
from graph.store.base import XSD, Store, literal_value, results_format
from graph.store.folder import GRAPH_IRI
from graph.syntax import code_tokens

if TYPE_CHECKING:
    import httpx
from graph.store.endpoint import SPARQL_JSON, EndpointClient, check_endpoint_url

__all__ = ["DEFAULT_NAMED_GRAPH", "NAMED_GRAPH_ENV", "RemoteStore", "query_form"]


#: the named graph ``careergraph push`` loads into and reading commands query
DEFAULT_NAMED_GRAPH = GRAPH_IRI


#: environment variable naming another graph to read, for a server holding several
NAMED_GRAPH_ENV = "CAREERGRAPH_NAMED_GRAPH"


_UPDATE_WORDS = {
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "CREATE",
    "DROP",
    "COPY",
    "MOVE",
    "ADD",
    "WITH",
}


_QUERY_WORDS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


def _split_prologue(query: str) -> tuple[str, str, str]:
    """Return ``(prologue, form keyword, body)``; the body starts at the keyword."""
    pos = 0
    expect = 0  # tokens still owed to a PREFIX (name, IRI) or BASE (IRI) declaration
    for tok, start in code_tokens(query):
        if expect:
            expect -= 1
            continue
        word = tok.upper()
        if word == "PREFIX":
            expect = 2
        elif word == "BASE":
            expect = 1
        else:
            pos = start
            return query[:pos], word.rstrip(":"), query[pos:]
    return query, "", ""


def query_form(query: str) -> str:
    """Return the form of a SPARQL request: ``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``,
    or the first keyword of an update (``INSERT``, ``DROP``, ...).

    Examples
    --------
    >>> query_form("PREFIX ex: <http://example.org/#x> # a comment\\nselect * { ?s ?p ?o }")
    'SELECT'
    >>> query_form("BASE <http://example.org/> ASK {}")
    'ASK'
    >>> query_form("DROP GRAPH <http://example.org/g>")
    'DROP'
    """
    return _split_prologue(query)[1]


def _bnode_label(value: str) -> str:
    # Virtuoso names blank nodes 'nodeID://b10000'; keep a label that is valid everywhere
    return re.sub(r"[^A-Za-z0-9_]", "", value.removeprefix("nodeID://")) or "b"


def _binding_value(term: dict[str, Any]) -> Any:
    kind = term.get("type")
    if kind == "uri":
        return term["value"]
    if kind == "bnode":
        return "_:" + _bnode_label(term["value"])
    if kind in ("literal", "typed-literal"):
        return literal_value(term["value"], term.get("datatype"))
    return term.get("value")


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint, read through the :class:`graph.store.base.Store` interface.

    Parameters
    ----------
    endpoint : str
        The query endpoint, e.g. ``http://127.0.0.1:8890/sparql`` (Virtuoso),
        ``http://localhost:3030/careers/sparql`` (Fuseki) or
        ``http://localhost:7200/repositories/careers`` (GraphDB).
    update_endpoint : str, optional
        The SPARQL Update endpoint of the same server (used by ``push``).
    named_graph : str, optional
        The graph queries see as their default graph: by default
        ``$CAREERGRAPH_NAMED_GRAPH`` or :data:`DEFAULT_NAMED_GRAPH`; ``""``
        leaves the server's own default graph.
    timeout : float
        Seconds one query may take.
    client : EndpointClient, optional
        Shared HTTP client (tests pass one with a fake transport).
    remember : bool
        Keep SELECT results for the life of this object, so a query asked
        twice in one session (one command) goes to the server once. Off for
        a store that watches the server change (``push``).

    Examples
    --------
    >>> store = RemoteStore("http://127.0.0.1:8890/sparql", named_graph=DEFAULT_NAMED_GRAPH)
    >>> store.named_graph
    'https://w3id.org/careergraph/id/graph'
    >>> store.projection_cache().name.endswith(".cgproj")  # doctest: +SKIP
    True
    """

    def __init__(
        self,
        endpoint: str,
        update_endpoint: str | None = None,
        named_graph: str | None = None,
        timeout: float = 120.0,
        client: EndpointClient | None = None,
        remember: bool = True,
    ) -> None:
        self.endpoint = check_endpoint_url(endpoint)
        self.update_endpoint = check_endpoint_url(update_endpoint) if update_endpoint else None
        if named_graph is None:
            named_graph = os.environ.get(NAMED_GRAPH_ENV) or DEFAULT_NAMED_GRAPH
        self.named_graph = named_graph or None
        self.client = client or EndpointClient(timeout=timeout)
        self._fingerprint: str | None = None
        # SELECT results of this session by query text: the projection and the similarity
        # model ask for the same rows, and a large result costs the server seconds to write
        self._memo: dict[str, list[dict[str, Any]]] | None = {} if remember else None
        #: how many HTTP requests this store sent (route search should need only a few)
        self.requests = 0

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r}, named_graph={self.named_graph!r})"

    # -- the Store interface --------------------------------------------------------------

    @property  # type: ignore[override]
    def fingerprint(self) -> str:
        """The build id of the graph on the server (one cheap query, then remembered).

        Raises
        ------
        EndpointError
            If the named graph holds no careergraph build.
        """
        if self._fingerprint is None:
            rows = self.select(
                f"SELECT ?id WHERE {{ <{GRAPH_IRI}> dcterms:identifier ?id }} LIMIT 1"
            )
            if not rows:
                where = f"the named graph <{self.named_graph}>" if self.named_graph else "it"
                raise EndpointError(
                    f"The SPARQL endpoint {self.endpoint} holds no careergraph graph in {where}; "
                    f"load one with 'careergraph push --endpoint {self.endpoint}'."
                )
            self._fingerprint = str(rows[0]["id"])
        return self._fingerprint

    @fingerprint.setter
    def fingerprint(self, value: str) -> None:
        self._fingerprint = value or None

    def select(self, query: str, timeout: float | None = None) -> list[dict[str, Any]]:
        if self._memo is None:
            return self._select(query, timeout)
        if query not in self._memo:
            self._memo[query] = self._select(query, timeout)
        return [dict(row) for row in self._memo[query]]

    def _select(self, query: str, timeout: float | None) -> list[dict[str, Any]]:
        prologue, form, body = self._check(query)
        data = self._post_query(query, SPARQL_JSON, timeout)
        result = data.json()
        rows = [_row(b) for b in result.get("results", {}).get("bindings", [])]
        cap = _row_cap(data, len(rows))
        if cap is None:
            return rows
        if form != "SELECT" or re.search(r"\b(LIMIT|OFFSET)\b[^{}]*$", body, re.I):
            raise EndpointError(
                f"The SPARQL endpoint {self.endpoint} cut the result at {cap} rows (its result "
                "size limit); raise it (Virtuoso: ResultSetMaxRows in the [SPARQL] section of "
                "virtuoso.ini)."
            )
        return list(self._pages(prologue, body, result["head"].get("vars", []), cap, timeout))

    def ask(self, query: str, timeout: float | None = None) -> bool:
        self._check(query)
        result = self._post_query(query, SPARQL_JSON, timeout).json()
        return bool(result.get("boolean"))

    def construct(self, query: str, timeout: float | None = None) -> bytes:
        return self.query_raw(query, "turtle", timeout)[0]

    def query_raw(
        self, query: str, result_format: str, timeout: float | None = None
    ) -> tuple[bytes, str]:
        import pyoxigraph as ox

        _, form, _ = self._check(query)
        if form in ("CONSTRUCT", "DESCRIBE"):
            response = self._post_query(query, "application/n-triples, text/turtle;q=0.9", timeout)
            media = response.headers.get("content-type", "text/turtle").split(";")[0].strip()
            in_fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.TURTLE
            out_fmt = {"ntriples": ox.RdfFormat.N_TRIPLES}.get(result_format, ox.RdfFormat.TURTLE)
            try:
                triples = list(ox.parse(response.content, format=in_fmt))
            except SyntaxError as exc:
                raise QueryError(
                    f"The endpoint {self.endpoint} sent unreadable RDF: {exc}"
                ) from exc
            # re-serialized, so the output reads as the embedded store's (same prefixes)
            body = ox.serialize(triples, format=out_fmt, prefixes=PREFIXES) or b""
            return body, out_fmt.media_type
        result = self._post_query(query, SPARQL_JSON, timeout).json()
        rfmt = results_format(result_format)
        parsed = ox.parse_query_results(
            json.dumps(_standard_json(result)).encode(), format=ox.QueryResultsFormat.JSON
        )
        return parsed.serialize(format=rfmt) or b"", rfmt.media_type

    def projection_cache(self) -> Path | None:
        """``<cache>/remote/<hash of endpoint and graph>-<build id>.cgproj``."""
        from graph import resources

        key = hashlib.sha256(f"{self.endpoint}\n{self.named_graph or ''}".encode()).hexdigest()
        folder = resources.cache_dir() / "remote"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{key[:16]}-{_safe(self.fingerprint)}.cgproj"

    def close(self) -> None:
        self.client.close()

    # -- helpers -------------------------------------------------------------------------------

    def _check(self, query: str) -> tuple[str, str, str]:
        prologue, form, body = _split_prologue(query)
        if form in _UPDATE_WORDS:
            raise UpdateRefusedError(
                f"{form} is a SPARQL update; reading commands only run queries "
                "(SELECT, ASK, CONSTRUCT, DESCRIBE). Use 'careergraph push' to change the graph."
            )
        if form not in _QUERY_WORDS:
            raise QuerySyntaxError(
                "The SPARQL query does not parse: expected SELECT, ASK, CONSTRUCT or DESCRIBE"
                + (f", found '{form}'." if form else ".")
            )
        return prologue, form, body

    def _post_query(self, query: str, accept: str, timeout: float | None) -> httpx.Response:
        data: dict[str, Any] = {"query": sparql_prologue(query) + query}
        # a query naming its own dataset (FROM) must not get a second one from the protocol
        if self.named_graph and not re.search(r"\bFROM\s+(NAMED\s+)?<", query, re.I):
            data["default-graph-uri"] = self.named_graph
        self.requests += 1
        response = self.client.request(
            "POST", self.endpoint, data=data, headers={"Accept": accept}, timeout=timeout
        )
        # Virtuoso's "anytime" queries: past MaxQueryExecutionTime it answers 200 with partial rows
        state = response.headers.get("x-sql-state", "")
        if state == "S1TAT":
            raise QueryTimeoutError(
                f"The SPARQL endpoint {self.endpoint} stopped the query at its time limit and "
                "sent partial results; raise the limit (Virtuoso: MaxQueryExecutionTime)."
            )
        return response

    def _pages(
        self, prologue: str, body: str, variables: list[str], cap: int, timeout: float | None
    ) -> Iterator[dict[str, Any]]:
        # the order sits in the inner query: Virtuoso pages a sorted subquery past its sort limit
        if not re.search(r"\bORDER\s+BY\b[^{}]*$", body, re.I):
            body = body + "\nORDER BY " + " ".join("?" + v for v in variables)
        offset = 0
        while True:
            page = f"{prologue}SELECT * WHERE {{ {{ {body}\n}} }} LIMIT {cap} OFFSET {offset}"
            response = self._post_query(page, SPARQL_JSON, timeout)
            bindings = response.json().get("results", {}).get("bindings", [])
            yield from (_row(b) for b in bindings)
            if len(bindings) < cap:
                return
            offset += cap


def _row(binding: dict[str, Any]) -> dict[str, Any]:
    return {name: _binding_value(term) for name, term in binding.items()}


def _row_cap(response: httpx.Response, count: int) -> int | None:
    """The server's row cap when it cut this result short, else None."""
    header = response.headers.get("x-sparql-maxrows")
    if header and header.strip().isdigit() and count >= int(header) > 0:
        return int(header)
    return None


def _standard_json(result: dict[str, Any]) -> dict[str, Any]:
    """SPARQL 1.1 JSON from what a server sent (Virtuoso: 'typed-literal', odd bnode labels)."""
    if "boolean" in result:
        return {"head": {}, "boolean": bool(result["boolean"])}
    rows = []
    for binding in result.get("results", {}).get("bindings", []):
        row = {}
        for name, term in binding.items():
            term = dict(term)
            if term.get("type") == "typed-literal":
                term["type"] = "literal"
            elif term.get("type") == "bnode":
                term["value"] = _bnode_label(term["value"])
            if term.get("datatype") == XSD + "string":
                del term["datatype"]
            row[name] = term
        rows.append(row)
    return {"head": {"vars": result.get("head", {}).get("vars", [])}, "results": {"bindings": rows}}


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:80]
