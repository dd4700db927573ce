"""`careergraph serve` against hostile requests, on a real server on 127.0.0.1.

A listener on 127.0.0.1 records every connection made to it: no query may make
the engine (or its syntax check) connect anywhere. Queries nested too deep for
the engine's parser are refused before it sees them, a chunked body is cut at
the size limit, any role id gets 404 or 400, and role cards never echo the
request's Host header.
"""

from __future__ import annotations

import json
import os
import platform
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import UsageError
from graph.sparql.run import run_query
from graph.store.local import LocalStore
from graph.web.app import MAX_QUERY_BYTES, create_app
from graph.web.serving import BackgroundServer


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it is sent."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


@pytest.fixture(scope="module")
def url(builtin_dir: Path) -> Iterator[str]:
    app = create_app(LocalStore(builtin_dir), workers=1, timeout=5)
    with BackgroundServer(app) as base:
        yield base


@pytest.fixture(scope="module")
def http(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=60) as client:
        yield client


def service_queries(port: int) -> list[str]:
    target = f"http://127.0.0.1:{port}/internal"
    return [
        # the payload: an escape in an IRI turned the rest into a "comment"
        f"SELECT ?x WHERE {{ BIND(<http://a/\\u0041#> AS ?y) SERVICE <{target}> {{ ?s ?p ?x }} }}",
        f"ASK {{ BIND(<http://a/\\u0041#> AS ?y) SERVICE <{target}> {{ ?s ?p ?x }} }}",
        # an escaped IRI opening a long string the escape-blind tokenizer would believe
        f"SELECT * {{ BIND(<http://a/\\u0041'''> AS ?y) BIND(\"\\u0022\" AS ?z) "
        f"SERVICE <{target}> {{ ?s ?p ?x }} BIND(\"\\u0022\" AS ?w) BIND(<http://b/'''> AS ?v) }}",
        # a comment ends at a carriage return
        f"SELECT * {{ # note\rSERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX ex: <http://127.0.0.1:{port}/> SELECT * {{ sErViCe ex:internal {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
    ]


def test_service_never_reaches_a_listener(http: httpx.Client, listener: Listener) -> None:
    for query in service_queries(listener.port):
        response = http.get("/sparql", params={"query": query})
        assert response.status_code == 400, (query, response.text)
        assert "SERVICE" in response.text
    time.sleep(0.2)
    assert listener.connections == 0
    assert http.get("/health").json()["status"] == "ok"


def test_service_refused_by_the_library_and_the_local_store(
    store: LocalStore, listener: Listener
) -> None:
    for query in service_queries(listener.port):
        with pytest.raises(UsageError, match="SERVICE"):
            run_query(store, query)
        with pytest.raises(UsageError, match="SERVICE"):
            store.select(query)
    assert listener.connections == 0


def deep_queries() -> dict[str, str]:
    return {
        "parentheses": "SELECT * WHERE { ?s ?p ?o FILTER("
        + "(" * 5000
        + "1"
        + ")" * 5000
        + ") } LIMIT 1",
        "braces": "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000,
        "or-chain": "SELECT * WHERE { ?s ?p ?o FILTER("
        + " || ".join(["?o = 1"] * 10_000)
        + ") } LIMIT 1",
    }


@pytest.mark.parametrize("name", sorted(deep_queries()))
def test_deep_queries_are_refused_and_the_server_lives(http: httpx.Client, name: str) -> None:
    query = deep_queries()[name]
    response = http.post("/sparql", data={"query": query})
    assert response.status_code == 400, response.text
    assert "at most" in response.text
    response = http.post(
        "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 400
    assert http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_chunked_body_is_cut_at_the_limit(url: str) -> None:
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    offered = 40 * MAX_QUERY_BYTES
    chunk = b"query=" + b"a" * (64 * 1024 - 6)
    sent = 0
    answer = b""
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
        )
        conn.setblocking(False)
        deadline = time.monotonic() + 60
        while sent < offered and time.monotonic() < deadline:
            readable, writable, _ = select.select([conn], [conn], [], 1)
            if readable:
                answer = conn.recv(65536)
                break
            if writable:
                try:
                    conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                    break
                sent += len(chunk)
        if not answer:
            conn.setblocking(True)
            conn.settimeout(30)
            try:
                conn.sendall(b"0\r\n\r\n")
            except OSError:
                pass
            answer = conn.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    # the answer came long before the whole body was offered
    assert sent < offered / 2


@pytest.mark.parametrize(
    "rid",
    [
        "%0d%0aSet-Cookie:x=1",
        "a%00b",
        "tab%09here",
        "%3Cscript%3Ealert(1)%3C/script%3E",
        "<script>",
        "file:///etc/passwd",
        "file:",
        "a%7Fb",
        "x" * 2000,
        "%22%20a%20cg:Role%20%7D%20#",
        "../../etc/passwd",
        "%E2%80%AE",
    ],
)
def test_any_role_id_is_404_or_400(http: httpx.Client, rid: str) -> None:
    response = http.get("/roles/" + rid, headers={"Accept": "application/ld+json"})
    assert response.status_code in (400, 404), response.text
    assert response.text.strip()


def test_role_card_url_ignores_the_host_header(http: httpx.Client, url: str) -> None:
    rid = http.get("/roles").json()[0]["id"]
    card = http.get(
        f"/roles/{rid}", headers={"Host": "evil.example", "Accept": "application/ld+json"}
    )
    assert card.status_code == 200
    assert card.json()["url"].startswith(url.rstrip("/") + "/roles/")
    assert "evil.example" not in card.text


def test_role_card_url_uses_the_base_url(builtin_dir: Path) -> None:
    app = create_app(LocalStore(builtin_dir), workers=1, base_url="https://careers.example.org/")
    with BackgroundServer(app) as base, httpx.Client(base_url=base, timeout=60) as client:
        rid = client.get("/roles").json()[0]["id"]
        card = client.get(f"/roles/{rid}", headers={"Host": "evil.example"})
        assert card.json()["url"] == f"https://careers.example.org/roles/{rid}"


# ---------------------------------------------------------------------------
# Fuzzing the running server
# ---------------------------------------------------------------------------

_FRAGMENTS = [
    "SELECT", "ASK", "CONSTRUCT", "WHERE", "{", "}", "(", ")", "?s", "?p", "?o", "$x", ".",
    "SERVICE", "service", "SeRvIcE", "SERV\\u0049CE", "S\\u0045RVICE", "SILENT", "#", "\n", "\r",
    '"', "'", '"""', "'''", "\\u0022", "\\u0027", "\\u0023", "\\u003E", "\\u003C", "<", ">",
    "<http://a/\\u0041#>", "<http://a/\\u0041'>", "<http://a/'''>", "ex:", "cg:Role",
    "PREFIX ex: <{target}>", "<{target}>", "ex:internal", "?svc", "BIND(", "AS ?y)",
    "FILTER(", "||", "UNION", "\\U00000041", "\\", "VALUES ?svc { <{target}> }", " ",
]  # fmt: skip


def _query_strategy(target: str) -> st.SearchStrategy[str]:
    pieces = st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=25)
    built = pieces.map(lambda parts: " ".join(parts).replace("{target}", target))
    # mutations of queries that would call the listener if nothing stopped them
    mutated = st.tuples(
        st.sampled_from(service_queries(0)),
        st.integers(0, 200),
        st.text(alphabet="#\"'<>\\{}\r\n u0041SERVICE", max_size=6),
    ).map(lambda t: (t[0][: t[1]] + t[2] + t[0][t[1] :]).replace(":0/", f"{target[16:]}"))
    return st.one_of(built, mutated)


def test_fuzz_queries_ids_and_bodies(http: httpx.Client, listener: Listener) -> None:
    target = f"http://127.0.0.1:{listener.port}/internal"
    statuses: set[int] = set()

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        query=_query_strategy(target),
        rid=st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
        body=st.binary(max_size=300),
        how=st.sampled_from(["get", "form", "body", "raw"]),
    )
    def one(query: str, rid: str, body: bytes, how: str) -> None:
        if how == "get":
            response = http.get("/sparql", params={"query": query})
        elif how == "form":
            response = http.post("/sparql", data={"query": query})
        elif how == "body":
            response = http.post(
                "/sparql",
                content=query.encode("utf-8", "surrogatepass"),
                headers={"Content-Type": "application/sparql-query"},
            )
        else:
            response = http.post(
                "/sparql", content=body, headers={"Content-Type": "application/sparql-query"}
            )
        statuses.add(response.status_code)
        assert response.status_code < 500 or response.status_code == 503, (query, response.text)
        card = http.get("/roles/" + quote(rid, safe="/:<>"))
        assert card.status_code < 500, (rid, card.text)

    one()
    time.sleep(0.2)
    assert listener.connections == 0
    assert http.get("/health").json()["status"] == "ok"
    assert 400 in statuses


# ---------------------------------------------------------------------------
# The second guard: query workers cannot open internet sockets at all
# ---------------------------------------------------------------------------

_RAW_SERVICE = """
import sys
import pyoxigraph as ox
from graph.sparql.pool import no_network
if sys.argv[2] == "sandboxed":
    assert no_network()
query = "SELECT * {{ SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}"
try:
    list(ox.Store().query(query.format(port=sys.argv[1])))
except Exception as exc:
    print(type(exc).__name__, exc)
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.machine() not in ("x86_64", "aarch64"),
    reason="the socket filter needs Linux on x86_64 or aarch64",
)
def test_a_sandboxed_engine_cannot_connect_even_unscreened() -> None:
    repo = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": repo}
    found = Listener()
    try:
        # the engine given SERVICE directly, past every screen: only the filter stops it
        for mode, connections in (("sandboxed", 0), ("open", 1)):
            before = found.connections
            subprocess.run(
                [sys.executable, "-c", _RAW_SERVICE, str(found.port), mode],
                env=env,
                capture_output=True,
                timeout=120,
                check=True,
            )
            time.sleep(0.3)
            assert (found.connections - before > 0) == bool(connections), mode
    finally:
        found.close()


def test_query_workers_are_sandboxed(builtin_dir: Path) -> None:
    from graph.sparql.pool import QueryPool

    pool = QueryPool(builtin_dir / LocalStore(builtin_dir).manifest.store, workers=1)
    try:
        # answering a query shows the worker is past its start, filter included
        assert json.loads(pool.run("ASK { ?r a cg:Role }", "json").body)["boolean"] is True
        worker = pool._all[0]
        status = Path(f"/proc/{worker.process.pid}/status").read_text()
        seccomp = next(line for line in status.splitlines() if line.startswith("Seccomp:"))
        assert seccomp.split()[1] == "2"  # a filter is in place
    finally:
        pool.close()


def test_example_queries_in_the_page_escape_line_separators(
    builtin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """U+2028 and U+2029 in an example end a line for older JavaScript parsers: escaped."""
    import graph.web.app
    from graph.sparql.named import NamedQuery

    text = "SELECT * WHERE { ?s ?p ?o } # a\u2028b\u2029c </script>"
    example = NamedQuery("odd", "An example with line separators", [], text)
    monkeypatch.setattr(graph.web.app, "named_queries", lambda: [example])
    with BackgroundServer(create_app(LocalStore(builtin_dir), workers=0)) as url:
        page = httpx.get(url + "sparql", headers={"Accept": "text/html"}).text
    script = page.split('<script type="application/json" id="examples">', 1)[1]
    script = script.split("</script>", 1)[0]
    assert "\u2028" not in script and "\u2029" not in script
    assert "\\u2028" in script and "\\u2029" in script and "\\u003c/script" in script
    assert json.loads(script) == [text]
