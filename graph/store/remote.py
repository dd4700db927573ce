"""Any SPARQL 1.1 endpoint as the store: Virtuoso, Fuseki, GraphDB, Neptune, Stardog.

:class:`RemoteStore` implements the :class:`graph.store.local.Store` interface over
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
import threading
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from graph.errors import (
    EndpointError,
    QueryError,
    QuerySyntaxError,
    QueryTimeoutError,
    UpdateRefusedError,
    UsageError,
)
from graph.namespaces import PREFIXES, sparql_prologue
from graph.store.local import GRAPH_IRI, XSD, Store, literal_value
from graph.syntax import code_tokens

if TYPE_CHECKING:
    import httpx

__all__ = [
    "USER_ENV",
    "PASSWORD_ENV",
    "DEFAULT_NAMED_GRAPH",
    "NAMED_GRAPH_ENV",
    "EndpointClient",
    "RemoteStore",
    "query_form",
    "literal_value",
    "check_endpoint_url",
    "server_message",
]

#: environment variable holding the user name for a protected endpoint
USER_ENV = "CAREERGRAPH_ENDPOINT_USER"
#: environment variable holding the password for a protected endpoint
PASSWORD_ENV = "CAREERGRAPH_ENDPOINT_PASSWORD"
#: the named graph ``careergraph push`` loads into and reading commands query
DEFAULT_NAMED_GRAPH = GRAPH_IRI
#: environment variable naming another graph to read, for a server holding several
NAMED_GRAPH_ENV = "CAREERGRAPH_NAMED_GRAPH"

SPARQL_JSON = "application/sparql-results+json"
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
# HTTP statuses worth retrying: the server or a proxy in front of it is busy or restarting
_TRANSIENT = {429, 502, 503, 504}


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


def check_endpoint_url(url: str) -> str:
    """Check that ``url`` is an http(s) URL without credentials in it; return it.

    Raises
    ------
    UsageError
        For another scheme, or a ``user:password@`` part (credentials belong
        in the environment, never on a command line or in shell history).

    Examples
    --------
    >>> check_endpoint_url("http://127.0.0.1:8890/sparql")
    'http://127.0.0.1:8890/sparql'
    >>> check_endpoint_url("ftp://example.org/sparql")
    Traceback (most recent call last):
    ...
    graph.errors.UsageError: 'ftp://example.org/sparql' is not an http(s) URL of a SPARQL endpoint.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises for a port that is not a number
    except ValueError as exc:
        raise UsageError(f"'{url}' is not a valid URL ({exc}).") from exc
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"'{url}' is not an http(s) URL of a SPARQL endpoint.")
    if "@" in parts.netloc:
        safe = url.replace(parts.netloc, parts.netloc.rsplit("@", 1)[1])
        raise UsageError(
            f"Credentials in the endpoint URL {safe} are not accepted; set {USER_ENV} and "
            f"{PASSWORD_ENV} instead."
        )
    return url


def server_message(response: httpx.Response, limit: int = 300) -> str:
    """Return the first meaningful line(s) of an error response, for a one-line message.

    Examples
    --------
    >>> import httpx
    >>> server_message(httpx.Response(400, text="Error SP030: syntax error\\n\\nSPARQL query:\\nX"))
    'Error SP030: syntax error.'
    """
    text = response.text if response.content else ""
    if "html" in response.headers.get("content-type", ""):
        text = re.sub(r"<[^>]+>", " ", text)
    lines = []
    for line in text.splitlines():
        # Virtuoso appends the whole query after 'SPARQL query:'; what is wrong comes before
        if line.strip().lower().startswith("sparql query"):
            break
        if line.strip():
            lines.append(line.strip())
    message = (" ".join(lines[:2]) if lines else response.reason_phrase)[:limit].rstrip()
    return message if message.endswith((".", "!", "?")) else message + "."


def _auth_class() -> Any:
    import httpx

    class ChallengeAuth(httpx.Auth):
        """HTTP basic or digest authentication, whichever the server asks for.

        Nothing is sent to a URL until it answers 401, so credentials meant
        for a protected update endpoint never travel to a public query endpoint.
        """

        requires_request_body = True

        def __init__(self, user: str, password: str) -> None:
            self._user = user
            self._password = password
            # per endpoint URL: the scheme it asked for, with its own digest state
            self._known: dict[str, httpx.Auth] = {}

        def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, Any, None]:
            where = str(request.url.copy_with(query=None, fragment=None))
            known = self._known.get(where)
            if known is not None:
                yield from known.auth_flow(request)
                return
            response = yield request
            if response.status_code != 401:
                return
            offered = [h.lower() for h in response.headers.get_list("www-authenticate")]
            if any(h.startswith("digest") for h in offered):
                digest = self._known[where] = httpx.DigestAuth(self._user, self._password)
                # hand digest the challenge we already hold instead of asking again
                flow = digest.auth_flow(request)
                next(flow)
                answer = yield flow.send(response)
                try:
                    flow.send(answer)
                except StopIteration:
                    pass
            elif any(h.startswith("basic") for h in offered):
                basic = self._known[where] = httpx.BasicAuth(self._user, self._password)
                yield from basic.auth_flow(request)

    return ChallengeAuth


class EndpointClient:
    """HTTP for SPARQL endpoints: auth from the environment, retries, one-line errors.

    Parameters
    ----------
    timeout : float
        Seconds to wait for an answer (connecting: at most 10 s).
    retries : int
        How often a request is repeated after a transient failure (connection
        reset, HTTP 429/502/503/504, and for writes also 500), waiting
        ``backoff``, ``2 * backoff``, ... seconds in between.
    backoff : float
        The first wait, in seconds.
    transport : httpx.BaseTransport, optional
        For tests.
    """

    def __init__(
        self,
        timeout: float = 120.0,
        retries: int = 3,
        backoff: float = 0.5,
        transport: Any = None,
    ) -> None:
        import httpx

        from graph import __version__

        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.retried = 0
        self._lock = threading.Lock()
        user = os.environ.get(USER_ENV)
        password = os.environ.get(PASSWORD_ENV, "")
        self.has_credentials = bool(user)
        auth = _auth_class()(user, password) if user else None
        self._client = httpx.Client(
            auth=auth,
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
            headers={"User-Agent": f"careergraph/{__version__}"},
            transport=transport,
            follow_redirects=True,
        )

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
        write: bool = False,
        ok: tuple[int, ...] = (),
    ) -> httpx.Response:
        """Send a request; return the response of status 2xx (or one listed in ``ok``).

        Raises
        ------
        EndpointError
            Unreachable, refused (401/403), no such endpoint (404), a feature
            the server lacks (405/415/501), or still failing after the retries.
        QueryTimeoutError
            No answer within the timeout.
        QuerySyntaxError
            The server rejected the request as malformed (400).
        QueryError
            Any other error the server reports.
        """
        import httpx

        kwargs: dict[str, Any] = {"params": params, "headers": headers}
        if data is not None:
            kwargs["data"] = data
        if content is not None:
            kwargs["content"] = content
        if timeout is not None:
            kwargs["timeout"] = httpx.Timeout(timeout, connect=min(10.0, timeout))
        attempt = 0
        while True:
            try:
                response = self._client.request(method, url, **kwargs)
            except httpx.ConnectError as exc:
                if attempt < self.retries and "refused" not in str(exc).lower():
                    attempt = self._wait(attempt)
                    continue
                raise EndpointError(
                    f"Cannot reach the SPARQL endpoint {url}: {_reason(exc)}. "
                    "Is the server running, and is the URL right?"
                ) from exc
            except httpx.TimeoutException as exc:
                seconds = timeout if timeout is not None else self.timeout
                if isinstance(exc, httpx.ConnectTimeout):
                    raise EndpointError(
                        f"Cannot reach the SPARQL endpoint {url}: no answer to connecting "
                        f"within {min(10.0, seconds):g} s. Is the server running, and is the "
                        "URL right?"
                    ) from exc
                raise QueryTimeoutError(
                    f"The SPARQL endpoint {url} did not answer within {seconds:g} s."
                ) from exc
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
                if attempt < self.retries:
                    attempt = self._wait(attempt)
                    continue
                raise EndpointError(
                    f"The connection to {url} kept failing ({_reason(exc)}) after "
                    f"{self.retries + 1} attempts."
                ) from exc
            status = response.status_code
            if 200 <= status < 300 or status in ok:
                return response
            transient = status in _TRANSIENT or (write and status == 500)
            if transient and not _is_permanent(response) and attempt < self.retries:
                attempt = self._wait(attempt)
                continue
            error = self._error(url, response, attempts=attempt + 1)
            error.status = status  # type: ignore[attr-defined]
            raise error

    def _wait(self, attempt: int) -> int:
        time.sleep(self.backoff * (2**attempt))
        with self._lock:
            self.retried += 1
        return attempt + 1

    def _error(self, url: str, response: httpx.Response, attempts: int) -> Exception:
        status = response.status_code
        message = server_message(response)
        if status == 401:
            if not self.has_credentials:
                return EndpointError(
                    f"The SPARQL endpoint {url} asks for credentials (HTTP 401); set "
                    f"{USER_ENV} and {PASSWORD_ENV}."
                )
            return EndpointError(
                f"The SPARQL endpoint {url} refused the credentials in {USER_ENV} and "
                f"{PASSWORD_ENV} (HTTP 401)."
            )
        if _too_large(response):
            return EndpointError(
                f"The SPARQL endpoint {url} refused an update too large for its transaction log "
                f"({message.rstrip('.')}); raise TransactionAfterImageLimit in the [Parameters] "
                "section of virtuoso.ini, or push into a new --named-graph without --replace."
            )
        if status == 500 and "estimated execution time" in message:
            return QueryTimeoutError(
                f"The SPARQL endpoint {url} refused the query as too slow by its own estimate "
                f"({message.rstrip('.')}); raise or remove MaxQueryCostEstimationTime in the "
                "[SPARQL] section of virtuoso.ini."
            )
        if status == 403 or _is_refusal(response):
            return EndpointError(
                f"The SPARQL endpoint {url} refused the request (HTTP {status}): {message}"
            )
        if status == 404:
            return EndpointError(
                f"There is no SPARQL endpoint at {url} (HTTP 404); check the URL "
                "(Virtuoso: .../sparql, Fuseki: .../DATASET/sparql, GraphDB: "
                ".../repositories/REPOSITORY)."
            )
        if status in (405, 415, 501):
            return EndpointError(
                f"The endpoint {url} does not support this request (HTTP {status}): {message}"
            )
        if status == 400:
            return QuerySyntaxError(f"The SPARQL endpoint {url} rejected the request: {message}")
        if status in _TRANSIENT or status >= 500:
            tries = f" after {attempts} attempts" if attempts > 1 else ""
            return QueryError(f"The SPARQL endpoint {url} failed{tries} (HTTP {status}): {message}")
        return QueryError(f"The SPARQL endpoint {url} answered HTTP {status}: {message}")


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    # httpx wraps socket errors as '[Errno 111] Connection refused'
    return re.sub(r"^\[Errno -?\d+\]\s*", "", text)


def _too_large(response: httpx.Response) -> bool:
    # Virtuoso: "Error SR325: Transaction aborted because it's log after image size went above
    # the limit" (TransactionAfterImageLimit, 50 MB by default)
    return response.status_code == 500 and "SR325" in (
        response.text[:500] if response.content else ""
    )


def _is_permanent(response: httpx.Response) -> bool:
    """A 500 that asking again cannot fix (a write is otherwise retried)."""
    head = response.text[:200] if response.content else ""
    # Virtuoso names the SQL state: a deadlock (40001) and a transaction that timed out waiting
    # for a lock, e.g. while a large load commits (S1T00 ... SR171), go away by themselves
    state = re.match(r"\s*Virtuoso (\w{5}) Error (\w+)?", head)
    if state and state.group(1) != "40001" and state.group(2) != "SR171":
        return True
    return _is_refusal(response) or _too_large(response)


def _is_refusal(response: httpx.Response) -> bool:
    # Virtuoso reports a missing permission as HTTP 500 "... Error SR186:SECURITY: No permission"
    if response.status_code != 500:
        return False
    head = response.text[:500] if response.content else ""
    return "SECURITY" in head or "No permission" in head


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint, read through the :class:`graph.store.local.Store` interface.

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
        rfmt = {
            "json": ox.QueryResultsFormat.JSON,
            "xml": ox.QueryResultsFormat.XML,
            "csv": ox.QueryResultsFormat.CSV,
            "tsv": ox.QueryResultsFormat.TSV,
        }.get(result_format, ox.QueryResultsFormat.JSON)
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
