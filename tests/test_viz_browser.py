"""The graph page in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

Each page is opened from a ``file://`` URL with every request recorded and any
request to another scheme or host refused, console errors and dialogs
collected. The graph is built from the shipped guides plus a hostile guide
whose title, skills and employer hold markup.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import CHROMIUM

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# without Chromium or Playwright these skip (conftest.py), or fail under
# CAREERGRAPH_REQUIRE_SERVICES=1
pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "viz"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE_ROLE = f"Markup Tester {IMG}"
HOSTILE_SKILL = "Escaping <img src=x onerror=alert>"
HOSTILE_EMPLOYER = "Evil <b>Corp</b> </script><script>alert(2)</script>"
DIRECTOR = "Director of Technical Program Management"
ALL_TYPES = "role,skill,sector,employer,salary"


@pytest.fixture(scope="module")
def hostile_store(hostile_dir) -> Any:
    from graph.store.local import LocalStore

    return LocalStore(hostile_dir)


@pytest.fixture(scope="module")
def P(hostile_store) -> Any:
    from graph.projection.cache import load_projection

    return load_projection(hostile_store)


@pytest.fixture(scope="module")
def pages(hostile_store, tmp_path_factory) -> dict[str, Path]:
    """The pages under test, written the way ``careergraph viz`` writes them."""
    from graph.viz.page import viz_page, write_page

    folder = tmp_path_factory.mktemp("pages")
    return {
        "focus": write_page(
            viz_page(hostile_store, focus=HOSTILE_ROLE, depth=1, types=ALL_TYPES),
            folder / "focus.html",
        ),
        "path": write_page(
            viz_page(hostile_store, path=(HOSTILE_ROLE, DIRECTOR), types="role,skill,employer"),
            folder / "path.html",
        ),
        "tpm": write_page(
            viz_page(hostile_store, path=("Technical Program Manager", DIRECTOR)),
            folder / "tpm.html",
        ),
        "full": write_page(viz_page(hostile_store), folder / "full.html"),
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def outside(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file:", "data:"))]

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)


@pytest.fixture
def visit(browser) -> Iterator[Any]:
    contexts = []

    def open_page(path: Path) -> Visit:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        contexts.append(context)
        page = context.new_page()
        seen = Visit(page)

        def gate(route: Any) -> None:
            seen.requests.append(route.request.url)
            if route.request.url.startswith(("file:", "data:")):
                route.continue_()
            else:
                route.abort()

        context.route("**/*", gate)
        page.on("request", lambda r: seen.requests.append(r.url))
        page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: seen.errors.append(str(e)))

        def on_dialog(dialog: Any) -> None:
            seen.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(path.as_uri())
        # an attribute, not a JS predicate: the page's CSP forbids the eval a predicate needs
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
        return seen

    yield open_page
    for context in contexts:
        context.close()


NODES_JS = "() => window.network.body.data.nodes.get().map(n => n.id)"
EDGES_JS = "() => window.network.body.data.edges.get().map(e => [e.from, e.to, e.kind])"


@pytest.mark.parametrize("name", ["full", "focus", "path", "tpm"])
def test_page_loads_offline_without_errors(visit, pages, name):
    seen = visit(pages[name])
    assert seen.errors == []
    assert seen.outside == []
    assert seen.dialogs == []
    assert seen.js("() => document.scripts.length") == 3


def test_drawn_network_holds_the_expected_nodes_and_edges(visit, pages, P):
    from graph.viz.data import page_data

    expected = page_data(P, focus=HOSTILE_ROLE, depth=1, types=ALL_TYPES)
    seen = visit(pages["focus"])
    assert sorted(seen.js(NODES_JS)) == sorted(n["id"] for n in expected["nodes"])
    assert sorted(map(tuple, seen.js(EDGES_JS))) == sorted(
        (e["from"], e["to"], e["kind"]) for e in expected["edges"]
    )
    kinds = seen.js("() => [...new Set(network.body.data.nodes.get().map(n => n.kind))].sort()")
    assert kinds == ["employer", "role", "salary", "sector", "skill"]


def test_path_highlights_exactly_the_route_roles(visit, pages, P):
    from graph.routes.reports import path_report

    report = path_report(P, "Technical Program Manager", DIRECTOR)
    on_routes = {s[k] for r in report["routes"] for s in r["steps"] for k in ("from_id", "to_id")}
    steps = {(s["from_id"], s["to_id"]) for r in report["routes"] for s in r["steps"]}
    seen = visit(pages["tpm"])
    highlighted = seen.js("() => network.body.data.nodes.get().filter(n => n.route).map(n => n.id)")
    assert set(highlighted) == on_routes
    drawn_steps = seen.js(
        "() => network.body.data.edges.get().filter(e => e.routes)"
        ".map(e => [e.from, e.to, e.label])"
    )
    assert {(a, b) for a, b, _ in drawn_steps} == steps
    assert all(label.startswith("+ ") for _, _, label in drawn_steps)
    # the context around the routes is drawn, faded
    faded = seen.js("() => network.body.data.nodes.get().filter(n => n.opacity < 1).length")
    assert faded == len(seen.js(NODES_JS)) - len(on_routes) > 0
    assert seen.js("() => document.querySelectorAll('#route-list > li').length") == len(
        report["routes"]
    )


def _hover(seen: Visit, node_id: str) -> str:
    """Move the pointer onto a node and return the text of vis-network's tooltip."""
    box = seen.js("() => document.getElementById('network').getBoundingClientRect().toJSON()")
    point = seen.js("id => network.canvasToDOM(network.getPosition(id))", node_id)
    seen.page.mouse.move(box["x"] + point["x"] + 40, box["y"] + point["y"] + 40)
    seen.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"], steps=4)
    tooltip = seen.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
    return str(tooltip.inner_text())


def _no_markup_ran(seen: Visit) -> None:
    assert seen.dialogs == []
    assert seen.errors == []
    assert seen.js("() => document.images.length") == 0
    assert seen.js("() => document.scripts.length") == 3
    assert seen.js("() => document.querySelectorAll('b, img, iframe').length") == 0


def test_injected_markup_stays_inert_text(visit, pages, P):
    role = next(r for r in P if P.nodes[r]["label"] == HOSTILE_ROLE)
    seen = visit(pages["path"])
    labels = seen.js("() => network.body.data.nodes.get().map(n => n.label)")
    assert {HOSTILE_ROLE, HOSTILE_SKILL, HOSTILE_EMPLOYER} <= set(labels)
    # the page's own text: heading, routes panel
    assert HOSTILE_ROLE in seen.page.inner_text("#subtitle")
    assert HOSTILE_ROLE in seen.page.inner_text("#route-list")
    # the role's tooltip, built with DOM text nodes
    assert HOSTILE_ROLE in _hover(seen, role)
    assert HOSTILE_ROLE in seen.page.inner_text("#details-body")
    _no_markup_ran(seen)
    employer = next(i for i, _ in P.nodes[role]["employers"])
    text = _hover(seen, employer)
    assert HOSTILE_EMPLOYER in text
    _no_markup_ran(seen)


def test_search_centres_a_node_and_filters_hide_kinds(visit, pages, P):
    role = next(r for r in P if P.nodes[r]["label"] == HOSTILE_ROLE)
    seen = visit(pages["focus"])
    page = seen.page
    page.fill("#search", "markup tester")
    page.press("#search", "Enter")
    assert seen.js("() => network.getSelectedNodes()") == [role]
    assert HOSTILE_ROLE in page.inner_text("#details-body")
    page.fill("#search", "no such thing at all")
    page.click("#search-go")
    assert page.inner_text("#search-status") == "No node matches “no such thing at all”."
    hidden = "k => network.body.data.nodes.get().filter(n => n.kind === k && n.hidden).length"
    total = "k => network.body.data.nodes.get().filter(n => n.kind === k).length"
    page.uncheck("input[data-kind=skill]")
    assert seen.js(hidden, "skill") == seen.js(total, "skill") > 0
    assert seen.js(hidden, "role") == 0
    page.check("input[data-kind=skill]")
    assert seen.js(hidden, "skill") == 0
    assert seen.errors == []


def test_layout_settles_and_stops(visit, pages):
    seen = visit(pages["full"])
    assert seen.js("() => network.physics.options.enabled") is False
    before = seen.js("() => JSON.stringify(network.getPositions())")
    seen.page.wait_for_timeout(400)
    assert seen.js("() => JSON.stringify(network.getPositions())") == before
    count = len(json.loads(before))
    assert count == seen.js("() => window.careerGraph.data.nodes.length") > 50
