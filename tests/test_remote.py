"""A SPARQL 1.1 endpoint as the store, and ``push``.

Most tests talk HTTP to a small SPARQL server run here on 127.0.0.1 (backed by
pyoxigraph, with knobs for auth, failures and a row cap). Tests marked
``virtuoso`` use a real Virtuoso given by ``$CAREERGRAPH_TEST_VIRTUOSO`` (see
``scripts/ci_services.sh``) and skip without it.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pyoxigraph as ox
import pytest

from graph.cli import cli
from graph.errors import (
    EndpointError,
    QueryError,
    QuerySyntaxError,
    QueryTimeoutError,
    UpdateRefusedError,
    UsageError,
)
from graph.projection import queries
from graph.store.endpoint import EndpointClient
from graph.store.push import batches, push
from graph.store.remote import DEFAULT_NAMED_GRAPH, RemoteStore, query_form

XSD = "http://www.w3.org/2001/XMLSchema#"
TARGET = "Director of Technical Program Management"
NETWORK_QUERIES = [
    "ROLES_Q",
    "LABELS_Q",
    "SKILLS_Q",
    "GAPS_Q",
    "SKILL_LABELS_Q",
    "MOVES_Q",
    "MOVE_SKILLS_Q",
    "SALARY_Q",
    "SECTORS_Q",
    "EMPLOYERS_Q",
]
# every reading command with arguments that exercise it; compared local vs remote
READING_COMMANDS = {
    "roles": ["roles"],
    "show": ["show", "TPM"],
    "path": ["path", "TPM", TARGET],
    "next": ["next", "TPM"],
    "gap": ["gap", "TPM", TARGET],
    "similar": ["similar", "TPM"],
    "sparql": [
        "sparql",
        "SELECT ?role ?label WHERE { ?role a cg:Role ; skos:prefLabel ?label } ORDER BY ?role",
    ],
}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in (
        "CAREERGRAPH_ENDPOINT_USER",
        "CAREERGRAPH_ENDPOINT_PASSWORD",
        "CAREERGRAPH_NAMED_GRAPH",
        "CAREERGRAPH_GRAPH_STORE",
    ):
        monkeypatch.delenv(name, raising=False)


# ---------------------------------------------------------------------------
# A small SPARQL server: /sparql (read only), /update (SPARQL Update), /gsp (Graph Store)
# ---------------------------------------------------------------------------


class FakeSparql:
    def __init__(self) -> None:
        self.store = ox.Store()
        self.user: tuple[str, str] | None = None  # basic auth on /update and /gsp
        self.fail_loads: list[int] = []  # statuses for the next data-loading requests
        self.gsp_status: int | None = None  # e.g. 404: no Graph Store Protocol here
        self.max_rows: int | None = None  # Virtuoso-style row cap with X-SPARQL-MaxRows
        self.lose_triples = False  # drops one triple of every load
        self.extra_headers: dict[str, str] = {}
        self.log: list[tuple[str, dict[str, str]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                parts = urlsplit(self.path)
                fake.log.append((parts.path, dict(self.headers)))
                status, headers, payload = fake.handle(parts, dict(self.headers), body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # a short poll: shutdown() waits up to one interval, 0.5 s by default, per test
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def graphs(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for quad in self.store.quads_for_pattern(None, None, None):
            name = getattr(quad.graph_name, "value", "")
            counts[name] = counts.get(name, 0) + 1
        return counts

    def _authorized(self, headers: dict[str, str]) -> bool:
        if self.user is None:
            return True
        token = base64.b64encode(f"{self.user[0]}:{self.user[1]}".encode()).decode()
        return headers.get("Authorization") == f"Basic {token}"

    def _load_failure(self) -> tuple[int, dict[str, str], bytes] | None:
        if self.fail_loads:
            return self.fail_loads.pop(0), {"Content-Type": "text/plain"}, b"busy"
        return None

    def handle(self, parts: Any, headers: dict[str, str], body: bytes) -> tuple[int, dict, bytes]:
        text = {"Content-Type": "text/plain"}
        if parts.path in ("/update", "/gsp") and not self._authorized(headers):
            return 401, {**text, "WWW-Authenticate": 'Basic realm="fake"'}, b"who are you"
        try:
            if parts.path == "/sparql":
                return self._query(parse_qs(body.decode()))
            if parts.path == "/update":
                if headers.get("Content-Type", "").startswith("application/sparql-update"):
                    update = body.decode()
                else:
                    update = parse_qs(body.decode())["update"][0]
                if "INSERT DATA" in update:
                    failure = self._load_failure()
                    if failure:
                        return failure
                    if self.lose_triples:
                        update = update.replace(" .\n", " .\n#", 1)
                self.store.update(update)
                return 200, text, b"ok"
            if parts.path == "/gsp":
                if self.gsp_status:
                    return self.gsp_status, text, b"no graph store here"
                if body:
                    failure = self._load_failure()
                    if failure:
                        return failure
                    if self.lose_triples:
                        body = body.split(b"\n", 1)[1]
                graph = ox.NamedNode(parse_qs(parts.query)["graph"][0])
                self.store.load(body, format=ox.RdfFormat.TURTLE, to_graph=graph)
                return 201, text, b""
        except SyntaxError as exc:
            return 400, text, f"syntax error: {exc}".encode()
        return 404, text, b"not found"

    def _query(self, form: dict[str, list[str]]) -> tuple[int, dict, bytes]:
        query = form["query"][0]
        graphs = [ox.NamedNode(g) for g in form.get("default-graph-uri", [])]
        result = self.store.query(query, default_graph=graphs or None)
        headers = dict(self.extra_headers)
        if isinstance(result, ox.QueryTriples):
            body = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b""
            return 200, {**headers, "Content-Type": "application/n-triples"}, body
        data = json.loads(result.serialize(format=ox.QueryResultsFormat.JSON) or b"{}")
        bindings = data.get("results", {}).get("bindings")
        if bindings and "ORDER BY" not in query.upper():
            # no order asked for: answer in another order than the embedded store, as servers do
            bindings.reverse()
        if self.max_rows is not None and bindings is not None and len(bindings) >= self.max_rows:
            data["results"]["bindings"] = bindings[: self.max_rows]
            headers["X-SPARQL-MaxRows"] = str(self.max_rows)
        headers["Content-Type"] = "application/sparql-results+json"
        return 200, headers, json.dumps(data).encode()


@pytest.fixture
def fake() -> Iterator[FakeSparql]:
    server = FakeSparql()
    yield server
    server.close()


@pytest.fixture
def pushed(fake: FakeSparql, builtin_dir: Path) -> FakeSparql:
    """The fake server holding the built-in graph in the default named graph."""
    push(builtin_dir, fake.url + "/sparql", fake.url + "/update", graph_store=fake.url + "/gsp")
    return fake


@pytest.fixture(scope="module")
def served(builtin_dir: Path) -> Iterator[FakeSparql]:
    """Like ``pushed``, shared by the tests that only read."""
    server = FakeSparql()
    push(
        builtin_dir, server.url + "/sparql", server.url + "/update", graph_store=server.url + "/gsp"
    )
    yield server
    server.close()


def _mock(handler: Any) -> EndpointClient:
    return EndpointClient(transport=httpx.MockTransport(handler), retries=2, backoff=0)


def _sorted(rows: list[dict[str, Any]]) -> list[list[tuple[str, str]]]:
    return sorted(sorted((k, repr(v)) for k, v in row.items()) for row in rows)


# ---------------------------------------------------------------------------
# Query text
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("prefix ex: <http://example.org/a#b> # SELECT in a comment\n ask {}", "ASK"),
        ("BASE <http://example.org/>\nPREFIX : <x#>\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://example.org/a>", "DESCRIBE"),
        ("PREFIX cg: <https://w3id.org/careergraph/ontology#> INSERT DATA {}", "INSERT"),
        ("# nothing but a comment", ""),
    ],
)
def test_query_form(query, form):
    assert query_form(query) == form


def test_credentials_in_the_url_are_refused():
    with pytest.raises(UsageError) as err:
        RemoteStore("http://me:secret@127.0.0.1:8890/sparql")
    assert str(err.value) == (
        "Credentials in the endpoint URL http://127.0.0.1:8890/sparql are not accepted; set "
        "CAREERGRAPH_ENDPOINT_USER and CAREERGRAPH_ENDPOINT_PASSWORD instead."
    )


def test_updates_are_refused_by_the_reading_store():
    store = RemoteStore("http://127.0.0.1:9/sparql", client=_mock(lambda r: httpx.Response(500)))
    with pytest.raises(UpdateRefusedError, match="^DROP is a SPARQL update; reading commands"):
        store.select("DROP GRAPH <http://example.org/g>")


# ---------------------------------------------------------------------------
# Results: Virtuoso's JSON dialect, row caps, partial results
# ---------------------------------------------------------------------------

VIRTUOSO_JSON = {
    "head": {"link": [], "vars": ["s", "n", "d", "b", "l", "x"]},
    "results": {
        "distinct": False,
        "ordered": True,
        "bindings": [
            {
                "s": {"type": "uri", "value": "https://w3id.org/careergraph/id/role/a"},
                "n": {"type": "typed-literal", "datatype": XSD + "integer", "value": "3"},
                "d": {"type": "typed-literal", "datatype": XSD + "decimal", "value": "4.5"},
                "b": {"type": "bnode", "value": "nodeID://b10001"},
                "l": {"type": "literal", "xml:lang": "en", "value": "Café"},
            }
        ],
    },
}


def test_select_reads_virtuoso_json_and_sends_the_named_graph():
    seen: list[dict[str, list[str]]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(parse_qs(request.content.decode()))
        return httpx.Response(200, json=VIRTUOSO_JSON)

    store = RemoteStore(
        "http://127.0.0.1:9/sparql", named_graph=DEFAULT_NAMED_GRAPH, client=_mock(handler)
    )
    rows = store.select("SELECT * WHERE { ?s cg:rank ?n }")
    assert rows == [
        {
            "s": "https://w3id.org/careergraph/id/role/a",
            "n": 3,
            "d": Decimal("4.5"),
            "b": "_:b10001",
            "l": "Café",
        }
    ]
    assert seen[0]["default-graph-uri"] == [DEFAULT_NAMED_GRAPH]
    assert seen[0]["query"][0].startswith("PREFIX cg: <https://w3id.org/careergraph/ontology#>")
    # a query naming its own dataset gets no second one from the protocol
    store.select("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }")
    assert "default-graph-uri" not in seen[1]


def test_a_session_asks_the_server_once_per_query():
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, json=VIRTUOSO_JSON)

    store = RemoteStore(URL, client=_mock(handler))
    first = store.select("SELECT * WHERE { ?s ?p ?o }")
    first[0]["s"] = "changed by the caller"
    again = store.select("SELECT * WHERE { ?s ?p ?o }")
    assert len(calls) == 1 and again[0]["s"] == "https://w3id.org/careergraph/id/role/a"
    RemoteStore(URL, client=_mock(handler), remember=False).select("SELECT * { ?s ?p ?o }")
    assert len(calls) == 2


def test_query_raw_turns_virtuoso_json_into_standard_formats():
    store = RemoteStore(
        "http://127.0.0.1:9/sparql", client=_mock(lambda r: httpx.Response(200, json=VIRTUOSO_JSON))
    )
    body, media = store.query_raw("SELECT * WHERE { ?s ?p ?o }", "csv")
    assert media.startswith("text/csv")
    assert body.decode().splitlines() == [
        "s,n,d,b,l,x",
        "https://w3id.org/careergraph/id/role/a,3,4.5,_:b10001,Café,",
    ]
    data = json.loads(store.query_raw("SELECT * WHERE { ?s ?p ?o }", "json")[0])
    assert data["results"]["bindings"][0]["n"] == {
        "type": "literal",
        "datatype": XSD + "integer",
        "value": "3",
    }


def test_a_capped_result_is_read_page_by_page(pushed: FakeSparql, store):
    pushed.max_rows = 40
    remote = RemoteStore(pushed.url + "/sparql")
    rows = remote.select(queries.LABELS_Q)
    local = store.select(queries.LABELS_Q)
    assert len(local) > 80
    assert _sorted(rows) == _sorted(local)
    assert remote.requests == 1 + (len(local) // 40 + 1)


def test_a_capped_result_with_its_own_limit_is_an_error(pushed: FakeSparql):
    pushed.max_rows = 5
    remote = RemoteStore(pushed.url + "/sparql")
    with pytest.raises(EndpointError) as err:
        remote.select("SELECT ?r WHERE { ?r a cg:Role } LIMIT 50")
    assert str(err.value) == (
        f"The SPARQL endpoint {pushed.url}/sparql cut the result at 5 rows (its result size "
        "limit); raise it (Virtuoso: ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)."
    )


def test_virtuoso_partial_results_are_a_timeout(pushed: FakeSparql):
    pushed.extra_headers = {"X-SQL-State": "S1TAT"}
    with pytest.raises(QueryTimeoutError, match="stopped the query at its time limit"):
        RemoteStore(pushed.url + "/sparql").select("SELECT * WHERE { ?s ?p ?o }")


def test_fingerprint_is_the_build_id_on_the_server(served: FakeSparql, store, tmp_path):
    remote = RemoteStore(served.url + "/sparql")
    assert remote.fingerprint == store.fingerprint
    cache = remote.projection_cache()
    assert cache is not None and cache.parent.name == "remote"
    assert cache.name.endswith(f"-{store.fingerprint}.cgproj")
    other = RemoteStore(served.url + "/sparql", named_graph="https://example.org/other")
    with pytest.raises(EndpointError) as err:
        _ = other.fingerprint
    assert str(err.value) == (
        f"The SPARQL endpoint {served.url}/sparql holds no careergraph graph in the named graph "
        f"<https://example.org/other>; load one with 'careergraph push --endpoint "
        f"{served.url}/sparql'."
    )


@pytest.mark.parametrize("name", NETWORK_QUERIES)
def test_projection_queries_give_what_the_embedded_store_gives(served: FakeSparql, store, name):
    query = getattr(queries, name)
    remote = RemoteStore(served.url + "/sparql")
    assert _sorted(remote.select(query)) == _sorted(store.select(query))


def test_construct_is_turtle_with_our_prefixes(served: FakeSparql, store):
    query = "CONSTRUCT WHERE { ?r a cg:Role ; skos:prefLabel ?l }"
    remote = RemoteStore(served.url + "/sparql").construct(query)
    assert b"@prefix cg: <https://w3id.org/careergraph/ontology#> .\n" in remote
    parse = lambda body: set(ox.parse(body, format=ox.RdfFormat.TURTLE))  # noqa: E731
    assert parse(remote) == parse(store.construct(query))


# ---------------------------------------------------------------------------
# HTTP failures: one clear line each
# ---------------------------------------------------------------------------

URL = "http://127.0.0.1:9/sparql"


@pytest.mark.parametrize(
    ("response", "error", "message"),
    [
        (
            httpx.Response(404, text="Not found"),
            EndpointError,
            f"There is no SPARQL endpoint at {URL} (HTTP 404); check the URL (Virtuoso: "
            ".../sparql, Fuseki: .../DATASET/sparql, GraphDB: .../repositories/REPOSITORY).",
        ),
        (
            httpx.Response(403, text="Forbidden"),
            EndpointError,
            f"The SPARQL endpoint {URL} refused the request (HTTP 403): Forbidden.",
        ),
        (
            httpx.Response(
                500,
                text="Virtuoso 42000 Error SR186:SECURITY: No permission to execute procedure "
                "DB.DBA.SPARUL_DROP\n\nSPARQL query:\nDROP GRAPH <g>",
            ),
            EndpointError,
            f"The SPARQL endpoint {URL} refused the request (HTTP 500): Virtuoso 42000 Error "
            "SR186:SECURITY: No permission to execute procedure DB.DBA.SPARUL_DROP.",
        ),
        (
            httpx.Response(
                400,
                text="Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error at "
                "'SELEC'\n\nSPARQL query:\nSELEC *",
            ),
            QuerySyntaxError,
            f"The SPARQL endpoint {URL} rejected the request: Virtuoso 37000 Error SP030: "
            "SPARQL compiler, line 1: syntax error at 'SELEC'.",
        ),
        (
            httpx.Response(503, text="Service Unavailable"),
            QueryError,
            f"The SPARQL endpoint {URL} failed after 3 attempts (HTTP 503): Service Unavailable.",
        ),
        (
            httpx.Response(401, headers={"WWW-Authenticate": 'Digest realm="x", nonce="1"'}),
            EndpointError,
            f"The SPARQL endpoint {URL} asks for credentials (HTTP 401); set "
            "CAREERGRAPH_ENDPOINT_USER and CAREERGRAPH_ENDPOINT_PASSWORD.",
        ),
    ],
)
def test_http_errors_are_one_clear_line(response, error, message):
    store = RemoteStore(URL, client=_mock(lambda request: response))
    with pytest.raises(error) as err:
        store.select("SELECT * WHERE { ?s ?p ?o }")
    assert str(err.value) == message


def test_a_write_too_large_for_virtuoso_is_not_retried():
    text = (
        "Virtuoso 40005 Error SR325: Transaction aborted because it's log after image size "
        "went above the limit\n\nSPARQL query:\nMOVE <a> TO <b>"
    )
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(500, text=text)

    with pytest.raises(EndpointError) as err:
        _mock(handler).request("POST", URL, data={"update": "MOVE <a> TO <b>"}, write=True)
    assert len(calls) == 1
    assert str(err.value) == (
        f"The SPARQL endpoint {URL} refused an update too large for its transaction log "
        "(Virtuoso 40005 Error SR325: Transaction aborted because it's log after image size "
        "went above the limit); raise TransactionAfterImageLimit in the [Parameters] section of "
        "virtuoso.ini, or push into a new --named-graph without --replace."
    )


def test_transient_failures_are_retried():
    answers = [httpx.Response(503), httpx.Response(502), httpx.Response(200, json=VIRTUOSO_JSON)]
    client = _mock(lambda request: answers.pop(0))
    rows = RemoteStore(URL, client=client).select("SELECT * WHERE { ?s ?p ?o }")
    assert len(rows) == 1 and client.retried == 2


def test_a_timeout_names_the_endpoint_and_the_limit():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    store = RemoteStore(URL, client=_mock(handler))
    with pytest.raises(QueryTimeoutError) as err:
        store.select("SELECT * WHERE { ?s ?p ?o }", timeout=2.5)
    assert str(err.value) == f"The SPARQL endpoint {URL} did not answer within 2.5 s."


def test_an_unreachable_server_is_one_line():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/sparql"
    with pytest.raises(EndpointError) as err:
        RemoteStore(url).ask("ASK {}")
    assert str(err.value) == (
        f"Cannot reach the SPARQL endpoint {url}: Connection refused. "
        "Is the server running, and is the URL right?"
    )


def test_digest_auth_answers_the_challenge(monkeypatch):
    monkeypatch.setenv("CAREERGRAPH_ENDPOINT_USER", "careergraph")
    monkeypatch.setenv("CAREERGRAPH_ENDPOINT_PASSWORD", "s3cret")
    sent: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers.get("Authorization"))
        if request.headers.get("Authorization", "").startswith("Digest "):
            return httpx.Response(200, json={"head": {}, "boolean": True})
        challenge = 'Digest realm="virtuoso", nonce="abc", qop="auth"'
        return httpx.Response(401, headers={"WWW-Authenticate": challenge})

    client = EndpointClient(transport=httpx.MockTransport(handler))
    assert RemoteStore(URL, client=client).ask("ASK {}") is True
    assert RemoteStore(URL, client=client).ask("ASK {}") is True
    # nothing sent before the challenge, one answer to it, then the nonce is reused
    assert sent[0] is None and len(sent) == 3
    assert 'username="careergraph"' in str(sent[1]) and "s3cret" not in str(sent[1])
    assert str(sent[2]).startswith("Digest ")


# ---------------------------------------------------------------------------
# push
# ---------------------------------------------------------------------------


def test_batches_keep_blank_node_structures_together():
    s = ox.Store()
    s.load(
        b"@prefix : <http://example.org/> .\n"
        b":a :p 1, 2, 3, 4, 5 .\n"
        b":a :q [ :r [ :s 1 ] ; :t ( 1 2 3 ) ] .\n",
        format=ox.RdfFormat.TURTLE,
    )
    out = list(batches(s, 2))
    assert sum(n for n, _ in out) == len(s)
    linked = [body for _, body in out if b"_:" in body]
    assert len(linked) == 1  # the whole blank-node structure in one request
    assert sum(1 for _, body in out if b"_:" in body) == 1


def test_push_through_the_graph_store_protocol(fake: FakeSparql, builtin_dir: Path, store):
    seen: list[tuple[int, int]] = []
    report = push(
        builtin_dir,
        fake.url + "/sparql",
        fake.url + "/update",
        graph_store=fake.url + "/gsp",
        progress=lambda done, total: seen.append((done, total)),
        batch_size=2000,
    )
    total = len(list(store.raw.quads_for_pattern(None, None, None)))
    assert (report.protocol, report.triples, report.remote_triples) == ("graph-store", total, total)
    assert report.replaced is False and report.build_id == store.fingerprint
    assert fake.graphs() == {DEFAULT_NAMED_GRAPH: total}
    assert seen[-1] == (total, total) and len(seen) == -(-total // 2000)


def test_push_through_sparql_update(fake: FakeSparql, builtin_dir: Path):
    report = push(builtin_dir, fake.url + "/sparql", fake.url + "/update", batch_size=3000)
    assert report.protocol == "update" and report.warnings == []
    assert fake.graphs() == {DEFAULT_NAMED_GRAPH: report.triples}


def test_push_falls_back_to_update_without_graph_store(fake: FakeSparql, builtin_dir: Path):
    fake.gsp_status = 405
    report = push(
        builtin_dir, fake.url + "/sparql", fake.url + "/update", graph_store=fake.url + "/gsp"
    )
    assert report.protocol == "update"
    assert report.warnings == [
        f"{fake.url}/gsp does not speak the Graph Store Protocol (HTTP 405); loaded through "
        "SPARQL Update instead."
    ]
    assert fake.graphs() == {DEFAULT_NAMED_GRAPH: report.triples}


def test_push_into_a_full_graph_needs_replace(pushed: FakeSparql, builtin_dir: Path):
    before = pushed.graphs()
    with pytest.raises(UsageError) as err:
        push(builtin_dir, pushed.url + "/sparql", pushed.url + "/update")
    assert str(err.value) == (
        f"The named graph <{DEFAULT_NAMED_GRAPH}> on {pushed.url}/sparql already holds "
        f"{before[DEFAULT_NAMED_GRAPH]} triples; add --replace to swap it for this graph."
    )
    report = push(builtin_dir, pushed.url + "/sparql", pushed.url + "/update", replace=True)
    assert report.replaced is True
    assert pushed.graphs() == before  # no temporary graph left behind


def test_push_retries_transient_failures(fake: FakeSparql, builtin_dir: Path):
    fake.fail_loads = [503, 500]
    client = EndpointClient(retries=3, backoff=0)
    report = push(builtin_dir, fake.url + "/sparql", fake.url + "/update", client=client)
    assert report.retries == 2
    assert fake.graphs() == {DEFAULT_NAMED_GRAPH: report.triples}


def test_a_failed_replace_leaves_the_graph_as_it_was(pushed: FakeSparql, builtin_dir: Path):
    before = pushed.graphs()
    pushed.fail_loads = [500] * 10
    client = EndpointClient(retries=2, backoff=0)
    with pytest.raises(QueryError, match=r"failed after 3 attempts \(HTTP 500\): busy\.$"):
        push(
            builtin_dir, pushed.url + "/sparql", pushed.url + "/update", replace=True, client=client
        )
    assert pushed.graphs() == before


def test_a_count_mismatch_stops_the_swap(pushed: FakeSparql, builtin_dir: Path):
    before = pushed.graphs()
    pushed.lose_triples = True
    with pytest.raises(EndpointError, match=r"^Count check failed: sent \d+ triples but ") as err:
        push(
            builtin_dir,
            pushed.url + "/sparql",
            pushed.url + "/update",
            graph_store=pushed.url + "/gsp",
            replace=True,
        )
    assert f"; <{DEFAULT_NAMED_GRAPH}> was left as it was." in str(err.value)
    assert pushed.graphs() == before


def test_push_credentials_come_from_the_environment(
    fake: FakeSparql, builtin_dir: Path, monkeypatch
):
    fake.user = ("loader", "pa55")
    with pytest.raises(EndpointError) as err:
        push(builtin_dir, fake.url + "/sparql", fake.url + "/update")
    assert str(err.value) == (
        f"The SPARQL endpoint {fake.url}/update asks for credentials (HTTP 401); set "
        "CAREERGRAPH_ENDPOINT_USER and CAREERGRAPH_ENDPOINT_PASSWORD."
    )
    monkeypatch.setenv("CAREERGRAPH_ENDPOINT_USER", "loader")
    monkeypatch.setenv("CAREERGRAPH_ENDPOINT_PASSWORD", "wrong")
    with pytest.raises(EndpointError, match=r"refused the credentials in CAREERGRAPH_ENDPOINT"):
        push(builtin_dir, fake.url + "/sparql", fake.url + "/update")
    monkeypatch.setenv("CAREERGRAPH_ENDPOINT_PASSWORD", "pa55")
    report = push(builtin_dir, fake.url + "/sparql", fake.url + "/update")
    assert report.remote_triples == report.triples
    # the public query endpoint never saw them
    assert not any("Authorization" in h for path, h in fake.log if path == "/sparql")


# ---------------------------------------------------------------------------
# The command line: push, and every reading command against an endpoint
# ---------------------------------------------------------------------------


def test_push_command_needs_an_endpoint(runner):
    result = runner.invoke(cli, ["push"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: push needs the server: give --endpoint URL (or $CAREERGRAPH_ENDPOINT).\n"
    )


def test_push_command(runner, fake: FakeSparql, builtin_dir: Path):
    args = ["--endpoint", fake.url + "/sparql", "--update-endpoint", fake.url + "/update"]
    result = runner.invoke(
        cli, [*args, "push", "--graph", str(builtin_dir), "--graph-store", fake.url + "/gsp"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"Loaded <{DEFAULT_NAMED_GRAPH}> on {fake.url}/sparql with ")
    again = runner.invoke(cli, [*args, "push", "--graph", str(builtin_dir)])
    assert again.exit_code == 2
    assert "add --replace to swap it" in again.stderr
    swapped = runner.invoke(cli, [*args, "push", "--replace", "--format", "json"])
    assert swapped.exit_code == 0, swapped.stderr
    report = json.loads(swapped.stdout)
    assert report["replaced"] is True and report["triples"] == report["remote_triples"]


def test_reading_from_an_unreachable_endpoint_is_exit_1(runner):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = runner.invoke(cli, ["--endpoint", f"http://127.0.0.1:{port}/sparql", "roles"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Cannot reach the SPARQL endpoint http://127.0.0.1:{port}/sparql: Connection "
        "refused. Is the server running, and is the URL right?\n"
    )


def _compare_commands(runner, endpoint: str, graph_dir: Path, name: str) -> None:
    assert name in cli.commands, f"the '{name}' command is gone; update READING_COMMANDS"
    args = [*READING_COMMANDS[name], "--format", "json"]
    local = runner.invoke(cli, [*args, "--graph", str(graph_dir)])
    remote = runner.invoke(cli, ["--endpoint", endpoint, *args])
    assert local.exit_code == 0, local.stderr
    assert remote.exit_code == 0, remote.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout)


def _compare_viz(runner, endpoint: str, graph_dir: Path, tmp_path: Path) -> None:
    assert "viz" in cli.commands, "the 'viz' command is gone"
    args = ["viz", "--focus", "TPM", "--types", "role,skill,salary", "-o"]
    local = runner.invoke(cli, [*args, str(tmp_path / "local.html"), "--graph", str(graph_dir)])
    remote = runner.invoke(cli, ["--endpoint", endpoint, *args, str(tmp_path / "remote.html")])
    assert local.exit_code == 0, local.stderr
    assert remote.exit_code == 0, remote.stderr
    page = (tmp_path / "remote.html").read_text(encoding="utf-8")
    assert page == (tmp_path / "local.html").read_text(encoding="utf-8")


def test_the_viz_page_is_the_same_remotely(runner, served: FakeSparql, builtin_dir, tmp_path):
    _compare_viz(runner, served.url + "/sparql", builtin_dir, tmp_path)


@pytest.mark.parametrize("name", sorted(READING_COMMANDS))
def test_every_reading_command_answers_the_same_remotely(
    runner, served: FakeSparql, builtin_dir: Path, name
):
    _compare_commands(runner, served.url + "/sparql", builtin_dir, name)


# ---------------------------------------------------------------------------
# A real Virtuoso (scripts/ci_services.sh starts one). Without it the tests marked
# 'virtuoso' skip, or fail under CAREERGRAPH_REQUIRE_SERVICES=1 (conftest.py).
# ---------------------------------------------------------------------------


def _virtuoso_urls() -> dict[str, str]:
    return {
        "query": os.environ["CAREERGRAPH_TEST_VIRTUOSO"],
        "update": os.environ["CAREERGRAPH_TEST_VIRTUOSO_UPDATE"],
        "gsp": os.environ["CAREERGRAPH_TEST_VIRTUOSO_GSP"],
    }


def _set_virtuoso_credentials(mp: pytest.MonkeyPatch) -> None:
    mp.setenv("CAREERGRAPH_ENDPOINT_USER", os.environ["CAREERGRAPH_TEST_VIRTUOSO_USER"])
    mp.setenv("CAREERGRAPH_ENDPOINT_PASSWORD", os.environ["CAREERGRAPH_TEST_VIRTUOSO_PASSWORD"])


@pytest.fixture
def virtuoso(monkeypatch) -> dict[str, str]:
    """Virtuoso's endpoints, with its writer's credentials in the environment."""
    _set_virtuoso_credentials(monkeypatch)
    return _virtuoso_urls()


@pytest.fixture(scope="module")
def virtuoso_builtin(builtin_dir: Path) -> dict[str, str]:
    """Virtuoso holding the built-in graph in the default named graph (pushed once)."""
    urls = _virtuoso_urls()
    with pytest.MonkeyPatch.context() as mp:
        _set_virtuoso_credentials(mp)
        report = push(
            builtin_dir, urls["query"], urls["update"], graph_store=urls["gsp"], replace=True
        )
    assert report.remote_triples == report.triples
    return urls


# The O*NET comparison runs first among the Virtuoso tests: after many small pushes and
# reads, Virtuoso 7.2 has been seen holding a lock long enough to time out the count check
# of a million-triple push (SR171).
ONET_ROLES = [
    ["path", "Software Developers", "Computer and Information Systems Managers"],
    ["next", "Registered Nurses"],
    ["similar", "Data Scientists"],
    ["gap", "Software Developers", "Computer and Information Systems Managers"],
    ["show", "Data Scientists"],  # technology skills: many share a rank, so order matters
]


@pytest.fixture(scope="module")
def onet_graph(onet_real: tuple[Path, dict]) -> Path:
    return onet_real[0]  # O*NET with wages, imported once per run (conftest.py)


@pytest.mark.virtuoso
@pytest.mark.realdata
def test_virtuoso_onet_graph_answers_like_the_embedded_store(
    runner, virtuoso, onet_graph, monkeypatch
):
    graph = DEFAULT_NAMED_GRAPH + "/test-onet"
    report = push(
        onet_graph,
        virtuoso["query"],
        virtuoso["update"],
        graph_store=virtuoso["gsp"],
        named_graph=graph,
        replace=True,
    )
    assert report.remote_triples == report.triples
    monkeypatch.setenv("CAREERGRAPH_NAMED_GRAPH", graph)
    try:
        for args in ONET_ROLES:
            args = [*args, "--format", "json"]
            local = runner.invoke(cli, [*args, "--graph", str(onet_graph)])
            remote = runner.invoke(cli, ["--endpoint", virtuoso["query"], *args])
            assert local.exit_code == 0, local.stderr
            assert remote.exit_code == 0, remote.stderr
            assert json.loads(remote.stdout) == json.loads(local.stdout)
    finally:
        RemoteStore(virtuoso["query"]).client.request(
            "POST", virtuoso["update"], data={"update": f"DROP SILENT GRAPH <{graph}>"}, write=True
        )


@pytest.mark.virtuoso
@pytest.mark.parametrize("name", sorted(READING_COMMANDS))
def test_virtuoso_answers_every_command_like_the_embedded_store(
    runner, virtuoso_builtin, builtin_dir: Path, name
):
    _compare_commands(runner, virtuoso_builtin["query"], builtin_dir, name)


@pytest.mark.virtuoso
def test_virtuoso_draws_the_same_viz_page(runner, virtuoso_builtin, builtin_dir, tmp_path):
    _compare_viz(runner, virtuoso_builtin["query"], builtin_dir, tmp_path)


@pytest.mark.virtuoso
@pytest.mark.parametrize("name", NETWORK_QUERIES)
def test_virtuoso_projection_queries(virtuoso_builtin, store, name):
    query = getattr(queries, name)
    remote = RemoteStore(virtuoso_builtin["query"])
    assert _sorted(remote.select(query)) == _sorted(store.select(query))


@pytest.fixture(scope="module")
def no_duration_graph(builtin_dir: Path, tmp_path_factory) -> Path:
    """The built-in graph without xsd:duration literals, which Virtuoso's SPARQL Update refuses."""
    from graph.store.local import LocalStore
    from graph.store.write import write_graph

    source = LocalStore(builtin_dir)
    quads = [
        q
        for q in source.raw.quads_for_pattern(None, None, None)
        if getattr(q.object, "datatype", None) != ox.NamedNode(XSD + "duration")
    ]
    source.close()
    out = tmp_path_factory.mktemp("no-duration")
    write_graph(out, lambda store: store.extend(quads))
    return out


@pytest.mark.virtuoso
def test_virtuoso_push_through_sparql_update_into_another_graph(
    runner, virtuoso, no_duration_graph: Path, monkeypatch
):
    graph = DEFAULT_NAMED_GRAPH + "/test-update"
    report = push(
        no_duration_graph,
        virtuoso["query"],
        virtuoso["update"],
        named_graph=graph,
        replace=True,
        graph_store="",
    )
    assert (report.protocol, report.remote_triples) == ("update", report.triples)
    monkeypatch.setenv("CAREERGRAPH_NAMED_GRAPH", graph)
    try:
        for name in ("show", "path"):  # show: text with non-ASCII characters (–, →)
            _compare_commands(runner, virtuoso["query"], no_duration_graph, name)
    finally:
        RemoteStore(virtuoso["query"]).client.request(
            "POST", virtuoso["update"], data={"update": f"DROP SILENT GRAPH <{graph}>"}, write=True
        )


@pytest.mark.virtuoso
def test_virtuoso_update_cannot_carry_durations_and_says_so(virtuoso, tmp_path):
    from graph.store.write import write_graph

    duration = ox.Literal("P1Y", datatype=ox.NamedNode(XSD + "duration"))
    node = ox.NamedNode("https://w3id.org/careergraph/id/salary/x")
    write_graph(
        tmp_path,
        lambda s: s.add(ox.Quad(node, ox.NamedNode("https://schema.org/duration"), duration)),
    )
    graph = DEFAULT_NAMED_GRAPH + "/test-duration"
    with pytest.raises(QueryError) as err:
        push(tmp_path, virtuoso["query"], virtuoso["update"], named_graph=graph, graph_store="")
    assert str(err.value).startswith(
        f"The SPARQL endpoint {virtuoso['update']} failed (HTTP 500): Virtuoso 22023 Error "
        "SR553: Literal of type xsd:duration can not be created"
    )
    # through its Graph Store endpoint (found beside /sparql-auth) the same graph loads
    report = push(tmp_path, virtuoso["query"], virtuoso["update"], named_graph=graph)
    assert report.protocol == "graph-store" and report.remote_triples == report.triples
    RemoteStore(virtuoso["query"]).client.request(
        "POST", virtuoso["update"], data={"update": f"DROP SILENT GRAPH <{graph}>"}, write=True
    )


@pytest.mark.virtuoso
def test_virtuoso_refusals_are_one_line(runner, virtuoso, builtin_dir: Path, monkeypatch):
    graph = ["--named-graph", DEFAULT_NAMED_GRAPH + "/test-refused", "--graph", str(builtin_dir)]
    anonymous = runner.invoke(cli, ["--endpoint", virtuoso["query"], "push", *graph])
    assert anonymous.exit_code == 1
    assert anonymous.stderr.startswith(
        f"Error: The SPARQL endpoint {virtuoso['query']} refused the request (HTTP 500): "
        "Virtuoso 42000 Error SR186:SECURITY: No permission"
    )
    assert anonymous.stderr.endswith(
        "GraphDB: http://HOST:7200/repositories/REPOSITORY/statements).\n"
    )
    monkeypatch.setenv("CAREERGRAPH_ENDPOINT_PASSWORD", "not-the-password")
    wrong = runner.invoke(
        cli,
        ["--endpoint", virtuoso["query"], "--update-endpoint", virtuoso["update"], "push", *graph],
    )
    assert wrong.exit_code == 1
    assert wrong.stderr == (
        f"Error: The SPARQL endpoint {virtuoso['update']} refused the credentials in "
        "CAREERGRAPH_ENDPOINT_USER and CAREERGRAPH_ENDPOINT_PASSWORD (HTTP 401).\n"
    )
