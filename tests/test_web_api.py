"""The route planner's JSON API over real HTTP on 127.0.0.1, against the CLI's ``--format json``."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from graph.cli import cli

pytestmark = pytest.mark.server

TPM = "Technical Program Manager"
DIRECTOR = "Director of Technical Program Management"
PRINCIPAL = "Principal/Staff Technical Program Manager"


@pytest.fixture(scope="module")
def base(store) -> Iterator[str]:
    from graph.web.app import create_app
    from graph.web.serving import BackgroundServer

    with BackgroundServer(create_app(store, workers=1)) as url:
        yield url


@pytest.fixture(scope="module")
def http(base) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as client:
        yield client


def page_csp(page: str) -> str:
    import html

    return html.unescape(
        page.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0]
    )


def cli_json(runner: Any, args: list[str]) -> Any:
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize(
    ("url", "params", "args"),
    [
        ("/api/routes", [("from", TPM), ("to", DIRECTOR)], ["path", TPM, DIRECTOR]),
        (
            "/api/routes",
            [
                ("from", "tpm"),
                ("to", "VP of Engineering"),
                ("k", "4"),
                ("have", "Risk management"),
                ("have", "people management"),
                ("max_steps", "3"),
            ],
            [
                "path",
                "tpm",
                "VP of Engineering",
                "--k",
                "4",
                "--have",
                "Risk management",
                "--have",
                "people management",
                "--max-steps",
                "3",
            ],
        ),
        (
            "/api/routes",
            [("from", TPM), ("to", DIRECTOR), ("avoid", PRINCIPAL)],
            ["path", TPM, DIRECTOR, "--avoid", PRINCIPAL],
        ),
        ("/api/next", [("role", TPM)], ["next", TPM]),
        (
            "/api/next",
            [("role", "tpm"), ("top", "3"), ("have", "Risk management")],
            ["next", "tpm", "--top", "3", "--have", "Risk management"],
        ),
        (
            "/api/gap",
            [("from", TPM), ("to", "Solutions Architect")],
            ["gap", TPM, "Solutions Architect"],
        ),
        (
            "/api/gap",
            [("from", TPM), ("to", DIRECTOR), ("have", "Financial acumen")],
            ["gap", TPM, DIRECTOR, "--have", "Financial acumen"],
        ),
        (
            "/api/routes",
            [
                ("from", TPM),
                ("to", DIRECTOR),
                ("education", "masters"),
                ("years", "4"),
                ("max_years", "12"),
            ],
            ["path", TPM, DIRECTOR, "--education", "masters", "--years", "4", "--max-years", "12"],
        ),
        (
            "/api/next",
            [("role", TPM), ("years", "4"), ("step_downs", "true")],
            ["next", TPM, "--years", "4", "--step-downs"],
        ),
        (
            "/api/gap",
            [("from", TPM), ("to", DIRECTOR), ("education", "bachelor"), ("years", "4")],
            ["gap", TPM, DIRECTOR, "--education", "bachelor", "--years", "4"],
        ),
        ("/api/similar", [("role", TPM)], ["similar", TPM]),
        ("/api/similar", [("role", TPM), ("top", "2")], ["similar", TPM, "--top", "2"]),
    ],
)
def test_api_answers_as_the_cli_prints(http, runner, url, params, args):
    response = http.get(url, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == cli_json(runner, args)


def test_unknown_role_is_404_with_the_three_closest_names(http, runner, projection):
    from graph.projection.resolve import suggest_roles

    typed = "Tecnical Progam Mangr of Everything"
    response = http.get("/api/routes", params={"from": typed, "to": DIRECTOR})
    assert response.status_code == 404
    body = response.json()
    assert body["name"] == typed
    assert body["suggestions"] == suggest_roles(projection, typed, 3)
    assert len(body["suggestions"]) == 3
    # the same sentence the CLI prints
    result = runner.invoke(cli, ["path", typed, DIRECTOR])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {body['error']}"
    for url, params in [
        ("/api/next", {"role": typed}),
        ("/api/similar", {"role": typed}),
        ("/api/gap", {"from": TPM, "to": typed}),
    ]:
        other = http.get(url, params=params)
        assert other.status_code == 404, url
        assert other.json()["suggestions"] == body["suggestions"]


def test_ambiguous_role_is_404_with_the_roles_it_fits(http):
    response = http.get("/api/next", params={"role": "Director"})
    assert response.status_code == 404
    body = response.json()
    assert "ambiguous" in body["error"]
    assert DIRECTOR in body["suggestions"] and "Director of Engineering" in body["suggestions"]


def test_no_route_is_404_with_the_nearest_roles(http, runner):
    params = {"from": TPM, "to": "VP of Engineering", "max_steps": "1"}
    response = http.get("/api/routes", params=params)
    assert response.status_code == 404
    body = response.json()
    assert body["nearest"] and "suggestions" not in body
    result = runner.invoke(cli, ["path", TPM, "VP of Engineering", "--max-steps", "1"])
    assert result.stderr.strip() == f"Error: {body['error']}"


@pytest.mark.parametrize(
    ("url", "params", "says"),
    [
        ("/api/routes", {"from": TPM, "to": DIRECTOR, "k": "0"}, "k:"),
        ("/api/routes", {"from": TPM, "to": DIRECTOR, "k": "11"}, "k:"),
        ("/api/routes", {"from": TPM, "to": DIRECTOR, "k": "three"}, "k:"),
        ("/api/routes", {"from": TPM}, "to: Field required"),
        ("/api/routes", {"from": TPM, "to": DIRECTOR, "max_steps": "0"}, "max_steps:"),
        ("/api/routes", {"from": "x" * 301, "to": DIRECTOR}, "from:"),
        (
            "/api/routes",
            {"from": TPM, "to": DIRECTOR, "have": "Underwater basket weavng"},
            "Unknown skill 'Underwater basket weavng'",
        ),
        ("/api/next", {}, "role: Field required"),
        ("/api/next", {"role": TPM, "top": "-1"}, "top:"),
        ("/api/next", {"role": TPM, "top": "51"}, "top:"),
        ("/api/gap", {"from": TPM, "to": "tpm"}, "same role"),
        ("/api/similar", {"role": TPM, "top": "0"}, "top:"),
        ("/api/roles", {"q": "tpm", "limit": "0"}, "limit:"),
        ("/api/skills", {"q": "x", "limit": "100"}, "limit:"),
    ],
)
def test_bad_parameters_are_400_saying_which(http, url, params, says):
    response = http.get(url, params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    assert says in response.json()["error"]


def test_too_many_have_skills_are_refused(http):
    params = [("from", TPM), ("to", DIRECTOR)] + [("have", "Risk management")] * 101
    response = http.get("/api/routes", params=params)
    assert response.status_code == 400
    assert response.json()["error"] == "Give at most 100 'have' skills, not 101."


def test_role_autocomplete_puts_the_resolvers_pick_first(http, projection):
    from graph.projection.resolve import resolve_role

    for typed in ("tpm", "Director TPM", "Sr. TPM", "Tecnical Program Manager"):
        found = http.get("/api/roles", params={"q": typed}).json()
        assert found[0]["id"] == resolve_role(projection, typed), typed
        assert found[0]["label"] == projection.nodes[found[0]["id"]]["label"]
    # an alternate title or abbreviation is shown as what matched
    found = http.get("/api/roles", params={"q": "TPM Dir", "limit": 3}).json()
    assert any(row["match"].lower().startswith("tpm dir") for row in found)
    # preferred titles before alternate ones: every Director role before any alternate title
    directors = sorted(
        projection.nodes[r]["label"]
        for r in projection
        if projection.nodes[r]["label"].startswith("Director")
    )
    found = http.get("/api/roles", params={"q": "director", "limit": len(directors)}).json()
    assert sorted(row["label"] for row in found) == directors
    assert all(row["match"] == row["label"] for row in found)
    assert len(http.get("/api/roles", params={"q": "", "limit": 5}).json()) == 5
    assert http.get("/api/roles", params={"q": "zzzzqqqq"}).json() == []


def test_skill_autocomplete_covers_labels_by_prefix_first(http, projection):
    found = http.get("/api/skills", params={"q": "risk"}).json()
    assert found[0]["label"] == "Risk management"
    skills = projection.graph["skills"]
    assert all(row["id"] in skills and skills[row["id"]]["label"] == row["label"] for row in found)
    assert len(http.get("/api/skills", params={"q": "", "limit": 7}).json()) == 7


@pytest.fixture
def threaded(store) -> Iterator[str]:
    """A server answering in its own threads (no worker processes)."""
    from fastapi import FastAPI

    from graph.web.api import install
    from graph.web.serving import BackgroundServer

    app = FastAPI()
    install(app, store, processes=0)
    with BackgroundServer(app) as url:
        yield url


def test_answers_run_off_the_event_loop(threaded, monkeypatch):
    """While one route is being computed, the server goes on answering others."""
    import graph.routes.reports

    started, release = threading.Event(), threading.Event()
    real = graph.routes.reports.path_report
    seen: list[int] = []

    def slow(P: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(id(P))
        started.set()
        release.wait(20)
        return real(P, *args, **kwargs)

    monkeypatch.setattr(graph.routes.reports, "path_report", slow)
    results: list[int] = []

    def ask() -> None:
        with httpx.Client(base_url=threaded, timeout=60) as client:
            results.append(
                client.get("/api/routes", params={"from": TPM, "to": DIRECTOR}).status_code
            )

    waiting = threading.Thread(target=ask)
    waiting.start()
    try:
        assert started.wait(20)
        with httpx.Client(base_url=threaded, timeout=5) as client:
            assert client.get("/api/next", params={"role": TPM}).status_code == 200
            assert client.get("/api/roles", params={"q": "tpm"}).status_code == 200
        assert not results  # the slow answer is still being computed
    finally:
        release.set()
        waiting.join(30)
    assert results == [200]
    ask()
    assert len(set(seen)) == 1  # every request reads the one projection


def test_a_served_app_answers_in_worker_processes(http, runner, monkeypatch):
    """'serve' answers in its worker processes: breaking the builders here changes nothing."""
    import graph.routes.reports

    expected = cli_json(runner, ["path", TPM, DIRECTOR, "--k", "2"])

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("answered in the server's own process")

    monkeypatch.setattr(graph.routes.reports, "path_report", broken)
    response = http.get("/api/routes", params={"from": TPM, "to": DIRECTOR, "k": 2})
    assert response.status_code == 200
    assert response.json() == expected


def test_openapi_documents_the_api_and_docs_need_no_network(http):
    schema = http.get("/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/routes",
        "/api/next",
        "/api/gap",
        "/api/similar",
        "/api/roles",
        "/api/skills",
    } <= paths
    assert all(p.startswith("/api/") for p in paths)
    names = {p["name"] for p in schema["paths"]["/api/routes"]["get"]["parameters"]}
    assert {"from", "to", "k", "have"} <= names
    assert {"400", "404"} <= set(schema["paths"]["/api/routes"]["get"]["responses"])
    page = http.get("/docs")
    assert page.status_code == 200
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "<script" not in page.text and "cdn" not in page.text.lower()
    assert "GET /api/routes" in page.text
    assert http.get("/redoc").status_code == 404


def test_served_page_has_the_planner_and_a_csp_allowing_only_its_origin(http):
    page = http.get("/").text
    assert 'id="plan-form"' in page and 'role="combobox"' in page
    csp = page_csp(page)
    assert "connect-src 'self'" in csp and "form-action 'self'" in csp
    assert "default-src 'none'" in csp and "unsafe-eval" not in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    assert 'id="plan-preparation"' in page  # where education and years will go


def test_served_route_page_honours_k_and_have_and_refuses_a_bad_k(http):
    page = http.get("/", params=[("from", TPM), ("to", DIRECTOR), ("k", "1")]).text
    assert 'id="plan-form"' in page
    data = json.loads(page.split('id="graph-data">', 1)[1].split("</script>", 1)[0])
    assert len(data["routes"]) == 1
    assert http.get("/", params={"from": TPM, "to": DIRECTOR, "k": "0"}).status_code == 400
    assert http.get("/", params={"from": TPM, "to": DIRECTOR, "k": "x"}).status_code == 400


def test_written_pages_have_no_planner(store):
    from graph.viz.page import viz_page

    page = viz_page(store)
    assert "plan-form" not in page and "connect-src" not in page
    assert "form-action 'none'" in page_csp(page)


def test_planner_page_of_a_graph_too_big_to_draw_starts_empty(store):
    from graph.errors import UsageError
    from graph.viz.page import viz_page

    page = viz_page(store, planner=True, max_nodes=5)
    data = json.loads(page.split('id="graph-data">', 1)[1].split("</script>", 1)[0])
    assert data["nodes"] == [] and data["meta"]["overview"] is False
    assert "too many to draw at once" in page
    with pytest.raises(UsageError, match="more than 5"):
        viz_page(store, max_nodes=5)


def test_without_a_projection_file_the_server_answers_in_its_threads(
    builtin_dir, runner, monkeypatch
):
    import graph.web.routepool
    from graph.store.local import LocalStore
    from graph.web.app import create_app
    from graph.web.serving import BackgroundServer

    class Uncached(LocalStore):
        def projection_cache(self) -> Any:
            return None  # as when the graph folder is read-only

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no projection file to share")

    monkeypatch.setattr(graph.web.routepool, "RoutePool", refuse)
    expected = cli_json(runner, ["path", TPM, DIRECTOR])
    with BackgroundServer(create_app(Uncached(builtin_dir), workers=2)) as url:
        response = httpx.get(url + "api/routes", params={"from": TPM, "to": DIRECTOR}, timeout=60)
    assert response.status_code == 200
    assert response.json() == expected
