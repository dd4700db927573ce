"""A small SPARQL 1.1 server for tests: /sparql (read only), /update (SPARQL Update), /gsp.

Backed by pyoxigraph, with knobs for auth, failures and a row cap; the tests of
the remote store, push and the CLI against an endpoint share it (fixtures in
``tests/conftest.py``).
"""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pyoxigraph as ox

from graph.cli import cli
from graph.store.endpoint import EndpointClient

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


def mock_client(handler: Any) -> EndpointClient:
    return EndpointClient(transport=httpx.MockTransport(handler), retries=2, backoff=0)


def sorted_rows(rows: list[dict[str, Any]]) -> list[list[tuple[str, str]]]:
    return sorted(sorted((k, repr(v)) for k, v in row.items()) for row in rows)


def compare_commands(runner, endpoint: str, graph_dir: Path, name: str) -> None:
    """A reading command answers the same JSON from an endpoint as from the folder."""
    assert name in cli.commands, f"the '{name}' command is gone; update READING_COMMANDS"
    args = [*READING_COMMANDS[name], "--format", "json"]
    local = runner.invoke(cli, [*args, "--graph", str(graph_dir)])
    remote = runner.invoke(cli, ["--endpoint", endpoint, *args])
    assert local.exit_code == 0, local.stderr
    assert remote.exit_code == 0, remote.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout)


def compare_viz(runner, endpoint: str, graph_dir: Path, tmp_path: Path) -> None:
    """The viz page drawn from an endpoint is the page drawn from the folder."""
    assert "viz" in cli.commands, "the 'viz' command is gone"
    args = ["viz", "--focus", "TPM", "--types", "role,skill,salary", "-o"]
    local = runner.invoke(cli, [*args, str(tmp_path / "local.html"), "--graph", str(graph_dir)])
    remote = runner.invoke(cli, ["--endpoint", endpoint, *args, str(tmp_path / "remote.html")])
    assert local.exit_code == 0, local.stderr
    assert remote.exit_code == 0, remote.stderr
    page = (tmp_path / "remote.html").read_text(encoding="utf-8")
    assert page == (tmp_path / "local.html").read_text(encoding="utf-8")
