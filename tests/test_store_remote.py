"""The remote store: query text, results in Virtuoso's dialect, row caps, HTTP failures."""

from __future__ import annotations

import json
import socket
from decimal import Decimal
from urllib.parse import parse_qs

import httpx
import pyoxigraph as ox
import pytest
from support.fake_sparql import NETWORK_QUERIES, XSD, FakeSparql, mock_client, sorted_rows

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
from graph.store.remote import DEFAULT_NAMED_GRAPH, RemoteStore, query_form

pytestmark = pytest.mark.usefixtures("clean_endpoint_env")


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
    store = RemoteStore(
        "http://127.0.0.1:9/sparql", client=mock_client(lambda r: httpx.Response(500))
    )
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
        "http://127.0.0.1:9/sparql", named_graph=DEFAULT_NAMED_GRAPH, client=mock_client(handler)
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

    store = RemoteStore(URL, client=mock_client(handler))
    first = store.select("SELECT * WHERE { ?s ?p ?o }")
    first[0]["s"] = "changed by the caller"
    again = store.select("SELECT * WHERE { ?s ?p ?o }")
    assert len(calls) == 1 and again[0]["s"] == "https://w3id.org/careergraph/id/role/a"
    RemoteStore(URL, client=mock_client(handler), remember=False).select("SELECT * { ?s ?p ?o }")
    assert len(calls) == 2


def test_query_raw_turns_virtuoso_json_into_standard_formats():
    store = RemoteStore(
        "http://127.0.0.1:9/sparql",
        client=mock_client(lambda r: httpx.Response(200, json=VIRTUOSO_JSON)),
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
    assert sorted_rows(rows) == sorted_rows(local)
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
    assert sorted_rows(remote.select(query)) == sorted_rows(store.select(query))


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
    store = RemoteStore(URL, client=mock_client(lambda request: response))
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
        mock_client(handler).request("POST", URL, data={"update": "MOVE <a> TO <b>"}, write=True)
    assert len(calls) == 1
    assert str(err.value) == (
        f"The SPARQL endpoint {URL} refused an update too large for its transaction log "
        "(Virtuoso 40005 Error SR325: Transaction aborted because it's log after image size "
        "went above the limit); raise TransactionAfterImageLimit in the [Parameters] section of "
        "virtuoso.ini, or push into a new --named-graph without --replace."
    )


def test_transient_failures_are_retried():
    answers = [httpx.Response(503), httpx.Response(502), httpx.Response(200, json=VIRTUOSO_JSON)]
    client = mock_client(lambda request: answers.pop(0))
    rows = RemoteStore(URL, client=client).select("SELECT * WHERE { ?s ?p ?o }")
    assert len(rows) == 1 and client.retried == 2


def test_a_timeout_names_the_endpoint_and_the_limit():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    store = RemoteStore(URL, client=mock_client(handler))
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
