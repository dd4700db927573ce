"""The HTTP server, started for real on 127.0.0.1 and queried over HTTP (SPARQL 1.1 Protocol)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from graph.sparql.named import named_queries
from graph.store.folder import GRAPH_IRI
from graph.store.local import LocalStore
from graph.store.write import write_graph
from graph.web.app import create_app
from graph.web.http import negotiate
from graph.web.serving import BackgroundServer

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "sparql" / "careers-mini.ttl"
R = "https://w3id.org/careergraph/id/role/"
CAP = 4
ROLES = "SELECT ?r ?l WHERE { ?r a cg:Role ; skos:prefLabel ?l } ORDER BY ?r"
TWO_ROLES = ROLES + " LIMIT 2"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def graph_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    def fill(store: ox.Store) -> None:
        store.load(path=str(REPO / "ontology" / "careers.ttl"), format=ox.RdfFormat.TURTLE)
        store.load(path=str(FIXTURE), format=ox.RdfFormat.TURTLE)

    out = tmp_path_factory.mktemp("server") / "graph"
    write_graph(out, fill)
    return out


@pytest.fixture(scope="module")
def url(graph_dir: Path) -> Iterator[str]:
    app = create_app(LocalStore(graph_dir), timeout=2.0, max_rows=CAP, workers=2)
    with BackgroundServer(app) as base:
        yield base


@pytest.fixture
def http(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as client:
        yield client


def bindings(response: httpx.Response) -> list[dict]:
    return json.loads(response.content)["results"]["bindings"]


# ---------------------------------------------------------------------------
# The protocol: methods and formats
# ---------------------------------------------------------------------------


def test_get_query_json(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": TWO_ROLES})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
    roles = [b["r"]["value"] for b in bindings(response)]
    assert roles == [R + "director-tpm", R + "engineering-manager"]
    assert "x-results-truncated" not in response.headers


def test_post_form(http: httpx.Client) -> None:
    response = http.post("/sparql", data={"query": TWO_ROLES})
    assert response.status_code == 200
    assert len(bindings(response)) == 2


def test_post_sparql_query_body(http: httpx.Client) -> None:
    response = http.post(
        "/sparql",
        content=TWO_ROLES.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert response.status_code == 200
    assert len(bindings(response)) == 2


# the first two roles of TWO_ROLES, as each format writes them (media types and rows literal)
TWO_ROWS = {
    "json": (
        b'{"head":{"vars":["r","l"]},"results":{"bindings":['
        b'{"r":{"type":"uri","value":"' + R.encode() + b'director-tpm"},'
        b'"l":{"type":"literal","value":"Director of Technical Program Management"}},'
        b'{"r":{"type":"uri","value":"' + R.encode() + b'engineering-manager"},'
        b'"l":{"type":"literal","value":"Engineering Manager (Platform/Infrastructure)"}}]}}'
    ),
    "xml": (
        b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        b'<head><variable name="r"/><variable name="l"/></head><results>'
        b'<result><binding name="r"><uri>' + R.encode() + b'director-tpm</uri></binding>'
        b'<binding name="l"><literal>Director of Technical Program Management</literal>'
        b"</binding></result>"
        b'<result><binding name="r"><uri>' + R.encode() + b'engineering-manager</uri></binding>'
        b'<binding name="l"><literal>Engineering Manager (Platform/Infrastructure)</literal>'
        b"</binding></result></results></sparql>"
    ),
    "csv": (
        b"r,l\r\n"
        + R.encode() + b"director-tpm,Director of Technical Program Management\r\n"
        + R.encode() + b"engineering-manager,Engineering Manager (Platform/Infrastructure)\r\n"
    ),
    "tsv": (
        b"?r\t?l\n"
        b"<" + R.encode() + b'director-tpm>\t"Director of Technical Program Management"\n'
        b"<" + R.encode() + b"engineering-manager>\t"
        b'"Engineering Manager (Platform/Infrastructure)"\n'
    ),
}  # fmt: skip
MEDIA_TYPES = {
    "json": "application/sparql-results+json; charset=utf-8",
    "xml": "application/sparql-results+xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}


@pytest.mark.parametrize(
    "accept, fmt",
    [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
        ("text/csv;q=0.2, application/sparql-results+xml;q=0.9", "xml"),
        ("*/*", "json"),
    ],
)
def test_content_negotiation(http: httpx.Client, accept: str, fmt: str) -> None:
    response = http.get("/sparql", params={"query": TWO_ROLES}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == MEDIA_TYPES[fmt]
    assert response.content == TWO_ROWS[fmt]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_format_parameter(http: httpx.Client, fmt: str) -> None:
    # the parameter wins over an Accept header that asks for another format
    accept = "text/csv" if fmt != "csv" else "application/sparql-results+json"
    response = http.get(
        "/sparql", params={"query": TWO_ROLES, "format": fmt}, headers={"Accept": accept}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == MEDIA_TYPES[fmt]
    assert response.content == TWO_ROWS[fmt]


def test_ask(http: httpx.Client) -> None:
    response = http.post("/sparql", data={"query": "ASK { ?r a cg:Role }"})
    assert json.loads(response.content) == {"head": {}, "boolean": True}


@pytest.mark.parametrize(
    "accept, rdf_format",
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
    ],
)
def test_construct_formats(http: httpx.Client, accept: str, rdf_format: ox.RdfFormat) -> None:
    query = "CONSTRUCT { ?r skos:prefLabel ?l } WHERE { ?r cg:canLeadTo ?x ; skos:prefLabel ?l }"
    response = http.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == rdf_format.media_type
    triples = list(ox.parse(response.content, format=rdf_format))
    assert {t.subject.value for t in triples} == {
        R + "tpm", R + "senior-tpm", R + "principal-tpm",
    }  # fmt: skip


def test_default_graph_uri_of_the_graph_is_accepted(http: httpx.Client) -> None:
    ok = http.post("/sparql", data={"query": TWO_ROLES, "default-graph-uri": GRAPH_IRI})
    assert ok.status_code == 200 and len(bindings(ok)) == 2
    other = http.post("/sparql", data={"query": TWO_ROLES, "default-graph-uri": "http://e.org/g"})
    assert other.status_code == 400
    assert "holds one graph" in other.text


# ---------------------------------------------------------------------------
# Refusals and limits
# ---------------------------------------------------------------------------


def test_bad_query_is_400_with_line_and_column(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": "SELECT * WHERE {\n ?s ?p }"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == (
        "The SPARQL query does not parse at line 2, column 2: unexpected '?s'\n   ?s ?p }\n   ^\n"
    )


@pytest.mark.parametrize(
    "method, kwargs",
    [
        ("GET", {"params": {"update": "DROP ALL"}}),
        ("POST", {"data": {"update": "INSERT DATA { <http://e.org/a> <http://e.org/b> 1 }"}}),
        (
            "POST",
            {"content": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
        ),
        ("POST", {"data": {"query": "DELETE WHERE { ?s ?p ?o }"}}),
    ],
)
def test_updates_are_refused(http: httpx.Client, method: str, kwargs: dict) -> None:
    response = http.request(method, "/sparql", **kwargs)
    assert response.status_code == 403
    assert response.text.startswith("This endpoint is read-only")
    count = http.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?r a cg:Role }"})
    assert bindings(count)[0]["n"]["value"] == "6"


def test_other_client_mistakes(http: httpx.Client) -> None:
    missing = http.post("/sparql", data={"other": "x"})
    assert missing.status_code == 400 and missing.text.startswith("No query")
    unacceptable = http.get("/sparql", params={"query": TWO_ROLES}, headers={"Accept": "image/png"})
    assert unacceptable.status_code == 406
    assert "application/sparql-results+json" in unacceptable.text
    wrong_type = http.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"})
    assert wrong_type.status_code == 415
    bad_format = http.get("/sparql", params={"query": TWO_ROLES, "format": "turtle"})
    assert bad_format.status_code == 400 and "does not fit a SELECT query" in bad_format.text
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    refused = http.get("/sparql", params={"query": service})
    assert refused.status_code == 400 and "SERVICE" in refused.text


def test_row_cap(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": ROLES})
    assert response.status_code == 200
    assert len(bindings(response)) == CAP
    assert response.headers["x-results-truncated"] == "true"
    assert response.headers["x-sparql-maxrows"] == str(CAP)
    construct = {"query": "CONSTRUCT WHERE { ?r a cg:Role }", "format": "nt"}
    graph = http.get("/sparql", params=construct)
    assert len(graph.content.splitlines()) == CAP
    assert graph.headers["x-results-truncated"] == "true"


def test_timeout_then_still_serving(http: httpx.Client) -> None:
    started = time.monotonic()
    response = http.get("/sparql", params={"query": HEAVY})
    assert time.monotonic() - started < 15
    assert response.status_code == 503
    assert response.text.startswith("Query stopped after 2 s (the time limit).")
    again = http.get("/sparql", params={"query": TWO_ROLES})
    assert again.status_code == 200 and len(bindings(again)) == 2


# ---------------------------------------------------------------------------
# Real clients
# ---------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_sparqlwrapper_select_ask_construct(url: str) -> None:
    from SPARQLWrapper import CSV, JSON, POST, RDFXML, XML, SPARQLWrapper

    client = SPARQLWrapper(url + "sparql")
    client.setQuery(
        "PREFIX cg: <https://w3id.org/careergraph/ontology#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" + TWO_ROLES
    )
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [r["l"]["value"] for r in rows] == [
        "Director of Technical Program Management",
        "Engineering Manager (Platform/Infrastructure)",
    ]
    client.setMethod(POST)
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert len(document.getElementsByTagName("result")) == 2
    client.setReturnFormat(CSV)
    assert client.query().convert().decode().splitlines()[0] == "r,l"
    client.setQuery("ASK { ?r a <https://w3id.org/careergraph/ontology#Role> }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True
    client.setQuery("CONSTRUCT WHERE { ?r <https://w3id.org/careergraph/ontology#canLeadTo> ?x }")
    client.setReturnFormat(RDFXML)
    graph = client.query().convert()
    assert len(graph) == 4


def test_careergraph_remote_store_reads_it(url: str, graph_dir: Path) -> None:
    from graph.store.remote import RemoteStore

    remote = RemoteStore(url + "sparql")
    assert remote.fingerprint == LocalStore(graph_dir).fingerprint
    # more rows than the server's cap: the client pages through them
    rows = remote.select(ROLES)
    assert [r["r"] for r in rows] == [r["r"] for r in LocalStore(graph_dir).select(ROLES)]
    remote.close()


# ---------------------------------------------------------------------------
# Pages for people
# ---------------------------------------------------------------------------


def test_query_page(http: httpx.Client) -> None:
    response = http.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200
    page = response.text
    assert '<textarea id="query" name="query"' in page
    for named in named_queries():
        assert f">{named.name}</button>" in page
    assert "default-src 'none'" in response.headers["content-security-policy"]
    # no external resources: no src/href attribute leaves this server
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    examples = json.loads(re.search(r'id="examples">(.*?)</script>', page, re.S).group(1))
    ladder = examples[[q.name for q in named_queries()].index("ladder-to-role")]
    assert f"<{R}director-tpm>" in ladder and "$role" not in ladder.split("\n", 3)[3]


def test_html_results_are_escaped(http: httpx.Client) -> None:
    query = "SELECT ?t WHERE { ?x a cg:Responsibility ; rdfs:label ?t } ORDER BY ?t"
    response = http.get("/sparql", params={"query": query}, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in response.text
    assert "<script>alert" not in response.text
    bad = http.get("/sparql", params={"query": "SELECT <script>", "format": "html"})
    assert bad.status_code == 400 and "SELECT <script>" not in bad.text
    assert "SELECT &lt;script&gt;</textarea>" in bad.text
    assert "does not parse at line 1" in bad.text


def test_roles(http: httpx.Client) -> None:
    listed = http.get("/roles").json()
    assert [r["id"] for r in listed][:2] == ["director-tpm", "engineering-manager"]
    assert listed[0]["url"] == "/roles/director-tpm"
    page = http.get("/roles", headers={"Accept": "text/html"})
    assert '<a href="/roles/tpm">Technical Program Manager (Infrastructure &amp; Delivery)</a>' in (
        page.text
    )


def test_role_card_json_ld(http: httpx.Client) -> None:
    response = http.get("/roles/tpm", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    doc = response.json()
    assert doc["@context"]["@vocab"] == "https://schema.org/"
    assert doc["name"] == "Technical Program Manager (Infrastructure & Delivery)"
    assert [b["minValue"] for b in doc["estimatedSalary"]] == [115000, 150000, 190000]
    triples = {
        (t.subject.value, t.predicate.value, t.object.value)
        for t in ox.parse(response.content, format=ox.RdfFormat.JSON_LD)
    }
    assert (R + "tpm", "https://schema.org/name", doc["name"]) in triples
    cg = "https://w3id.org/careergraph/ontology#"
    assert (R + "tpm", cg + "canLeadTo", R + "senior-tpm") in triples
    assert (R + "product-manager", cg + "canTransitionTo", R + "tpm") in triples


def test_role_card_html_escapes_data(http: httpx.Client) -> None:
    response = http.get("/roles/tpm", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; coordinate teams" in response.text
    assert "<script>alert" not in response.text
    assert '<a href="/roles/senior-tpm">Senior/Lead Technical Program Manager</a>' in response.text


def test_role_lookup_by_name_and_unknown(http: httpx.Client) -> None:
    moved = http.get("/roles/TPM", follow_redirects=False)
    assert moved.status_code == 307 and moved.headers["location"] == "/roles/tpm"
    missing = http.get("/roles/Nobody At All")
    assert missing.status_code == 404
    assert missing.text == (
        "Unknown role 'Nobody At All'. Run 'careergraph roles' to list the roles. "
        "The roles are listed at /roles.\n"
    )


def test_graph_page(http: httpx.Client) -> None:
    response = http.get("/")
    assert response.status_code == 200
    assert '"label":"Director of Technical Program Management"' in response.text
    assert http.get("/", params={"focus": "Nobody At All"}).status_code == 404


@pytest.mark.parametrize(
    "accept, offers, chosen",
    [
        ("text/html;q=0.1, application/json", [("text/html", "h"), ("application/json", "j")], "j"),
        ("text/*", [("application/json", "j"), ("text/csv", "c")], "c"),
        ("application/json;q=0", [("application/json", "j")], None),
        ("", [("application/json", "j"), ("text/csv", "c")], "j"),
    ],
)
def test_negotiate(accept: str, offers: list, chosen: str | None) -> None:
    assert negotiate(accept, offers) == chosen


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------


def test_serve_command(graph_dir: Path) -> None:
    process, base = _start_serve("--graph", str(graph_dir))
    try:
        response = httpx.get(base + "sparql", params={"query": TWO_ROLES}, timeout=30)
        assert response.status_code == 200 and len(bindings(response)) == 2
    finally:
        _stop(process)


# ---------------------------------------------------------------------------
# The graph page's views, limits, and serving another endpoint
# ---------------------------------------------------------------------------


def _page_data(response: httpx.Response) -> dict:
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.text, flags=re.S)
    return json.loads(scripts[0][1])


def test_graph_page_route_view(http: httpx.Client) -> None:
    response = http.get("/", params={"from": "TPM", "to": "Director of TPM"})
    assert response.status_code == 200
    assert "<title>Career routes</title>" in response.text
    data = _page_data(response)
    assert (data["meta"]["mode"], data["meta"]["start"], data["meta"]["goal"]) == (
        "path", R + "tpm", R + "director-tpm",
    )  # fmt: skip
    routes = [[(s["from"], s["to"]) for s in route["steps"]] for route in data["routes"]]
    assert routes == [
        [(R + "tpm", R + "senior-tpm"), (R + "senior-tpm", R + "director-tpm")],
        [(R + "tpm", R + "senior-tpm"), (R + "senior-tpm", R + "principal-tpm"),
         (R + "principal-tpm", R + "director-tpm")],
    ]  # fmt: skip
    assert {n["id"] for n in data["nodes"] if n.get("route")} == {
        R + "tpm", R + "senior-tpm", R + "principal-tpm", R + "director-tpm",
    }  # fmt: skip
    half = http.get("/", params={"from": "TPM"})
    assert half.status_code == 400 and "Give both <code>from</code> and <code>to</code>" in (
        half.text
    )
    unknown = http.get("/", params={"from": "TPM", "to": "Nobody At All"})
    assert unknown.status_code == 404 and "Nobody At All" in unknown.text


def test_graph_page_focus_view(http: httpx.Client) -> None:
    response = http.get("/", params={"focus": "Principal/Staff Technical Program Manager"})
    assert response.status_code == 200
    data = _page_data(response)
    assert data["meta"]["mode"] == "focus"
    # the role and the roles one move away (either direction), not those two moves away
    assert {n["id"] for n in data["nodes"]} == {
        R + "principal-tpm", R + "senior-tpm", R + "director-tpm",
    }  # fmt: skip
    full = _page_data(http.get("/"))
    assert len(full["nodes"]) > len(data["nodes"])


def test_an_oversized_request_is_413(http: httpx.Client) -> None:
    from graph.web.app import MAX_QUERY_BYTES

    query = "ASK { ?s ?p ?o }" + " " * MAX_QUERY_BYTES
    response = http.post("/sparql", data={"query": query})
    assert response.status_code == 413
    assert response.text == "The request is over 1000000 bytes.\n"
    body = http.post(
        "/sparql",
        content=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert body.status_code == 413
    # sent in chunks, with no Content-Length to refuse it by: counted as it arrives
    chunked = http.post(
        "/sparql",
        content=iter([query.encode()[:500_000], query.encode()[500_000:]]),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert "content-length" not in chunked.request.headers
    assert chunked.status_code == 413
    again = http.get("/sparql", params={"query": TWO_ROLES})  # still serving
    assert again.status_code == 200 and len(bindings(again)) == 2


def test_serve_on_a_taken_port_is_a_usage_error(graph_dir: Path, runner) -> None:
    import socket

    from graph.cli import cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = runner.invoke(cli, ["serve", "--graph", str(graph_dir), "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: Cannot listen on 127.0.0.1:{port}: Address already in use. Pick another --port.\n"
    )


def _start_serve(*args: str) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # the global --endpoint goes before the command, --graph after it
    argv = [*args, "serve"] if args[0] == "--endpoint" else ["serve", *args]
    process = subprocess.Popen(
        [sys.executable, "-m", "graph", *argv, "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    line = process.stderr.readline()
    match = re.match(r"Serving the graph at (http://127\.0\.0\.1:\d+/) \(SPARQL: \S+\)", line)
    if not match:
        _stop(process)
        raise AssertionError(line + process.stderr.read())
    return process, match.group(1)


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def test_serve_over_another_endpoint(url: str, http: httpx.Client) -> None:
    """careergraph --endpoint URL serve: the same answers, read from a SPARQL server."""
    process, front = _start_serve("--endpoint", url + "sparql")
    try:
        with httpx.Client(base_url=front, timeout=60) as client:
            response = client.get("/sparql", params={"query": TWO_ROLES})
            assert response.status_code == 200
            assert response.content == TWO_ROWS["json"]
            assert client.get("/roles").json() == http.get("/roles").json()
            card = client.get("/roles/tpm", headers={"Accept": "application/ld+json"})
            assert card.json()["name"] == "Technical Program Manager (Infrastructure & Delivery)"
            page = client.get("/", params={"from": "TPM", "to": "Director of TPM"})
            assert page.status_code == 200
            assert _page_data(page)["meta"]["goal"] == R + "director-tpm"
            refused = client.post("/sparql", data={"update": "DROP ALL"})
            assert refused.status_code == 403
    finally:
        _stop(process)
