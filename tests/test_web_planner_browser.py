"""The route planner of ``careergraph serve`` in a real headless Chromium (Debian's ``chromium``).

A server is started for real on 127.0.0.1 over the shipped guides plus a hostile
guide whose title and skills hold markup. Every request the page makes is
recorded and any request to another origin refused; console errors and
dialogs are collected.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium "
        "(apt-get install chromium chromium-driver)",
    ),
]
pytest.importorskip("playwright.sync_api", reason="needs Playwright for Python")

HOSTILE_ROLE = "Markup Tester <img src=x onerror=alert(1)>"
TPM = "Technical Program Manager (Infrastructure & Delivery)"
DIRECTOR = "Director of Technical Program Management"
ANSWERED = "body[data-plan=ready]"


@pytest.fixture(scope="module")
def hostile_store(hostile_dir) -> Any:
    """The shipped guides plus the hostile guide (conftest.py: built once per run)."""
    from graph.store.local import LocalStore

    return LocalStore(hostile_dir)


@pytest.fixture(scope="module")
def P(hostile_store) -> Any:
    from graph.projection.cache import load_projection

    return load_projection(hostile_store)


@pytest.fixture(scope="module")
def base(hostile_store) -> Iterator[str]:
    from graph.web.app import create_app
    from graph.web.serving import BackgroundServer

    with BackgroundServer(create_app(hostile_store, workers=1)) as url:
        yield url


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
    base: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def outside(self) -> list[str]:
        return [u for u in self.requests if not u.startswith((self.base, "data:"))]

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def clean(self) -> None:
        assert self.errors == []
        assert self.outside == []
        assert self.dialogs == []


@pytest.fixture
def visit(browser, base) -> Iterator[Any]:
    contexts = []

    def open_page(
        query: str = "", width: int = 1400, height: int = 900, server: str | None = None
    ) -> Visit:
        origin = server or base
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        seen = Visit(page, origin)

        def gate(route: Any) -> None:
            seen.requests.append(route.request.url)
            if route.request.url.startswith((origin, "data:")):
                route.continue_()
            else:
                route.abort()

        def on_dialog(dialog: Any) -> None:
            seen.dialogs.append(dialog.message)
            dialog.dismiss()

        context.route("**/*", gate)
        page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: seen.errors.append(str(e)))
        page.on("dialog", on_dialog)
        page.goto(origin + query)
        # attributes, not JS predicates: the page's CSP forbids the eval a predicate needs
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
        return seen

    yield open_page
    for context in contexts:
        context.close()


def _options(seen: Visit, listbox: str) -> list[str]:
    seen.page.wait_for_selector(f"#{listbox} li[role=option]", timeout=10_000)
    return seen.js(
        f"() => [...document.querySelectorAll('#{listbox} li')]"
        ".map(li => li.firstChild.textContent)"
    )


def _drawn(seen: Visit) -> dict[str, Any]:
    """What the map shows: red route roles, route edges (with labels), faded roles."""
    return seen.js("""() => {
      const G = window.careerGraph;
      const nodes = G.nodes.get(), edges = G.edges.get();
      return {
        roles: nodes.filter(n => n.color && n.color.background === '#e11d48').map(n => n.id),
        steps: edges.filter(e => e.color && e.color.color === '#e11d48')
                    .map(e => [e.from, e.to, e.label]),
        faded: nodes.filter(n => n.opacity !== undefined && n.opacity < 1).length,
        total: nodes.length,
      };
    }""")


def _expect_answer(
    seen: Visit, P: Any, source: str, target: str, *, k: int = 3, have: tuple[str, ...] = ()
) -> dict[str, Any]:
    from graph.routes.reports import gap_report, next_report, path_report

    seen.page.wait_for_selector(ANSWERED, state="attached", timeout=30_000)
    report = path_report(P, source, target, k=k, have=have)
    roles = {s[key] for r in report["routes"] for s in r["steps"] for key in ("from_id", "to_id")}
    steps = {(s["from_id"], s["to_id"]) for r in report["routes"] for s in r["steps"]}
    drawn = _drawn(seen)
    assert set(drawn["roles"]) == roles
    assert {(a, b) for a, b, _ in drawn["steps"]} == steps
    labels = {(s["from_id"], s["to_id"]): s for r in report["routes"] for s in r["steps"]}
    for a, b, label in drawn["steps"]:
        # a step into or out of a role without a skill profile says so, never "no new skills"
        unknown = labels[a, b]["skills_unknown"]
        expected = ("skills unknown",) if unknown else ("+ ", "no new skills")
        assert label.startswith(expected), (a, b, label)
    # the panel: one item per route, each step with its skills to gain
    items = seen.page.locator("#plan-routes > li")
    assert items.count() == len(report["routes"])
    for i, route in enumerate(report["routes"]):
        text = items.nth(i).inner_text()
        for step in route["steps"]:
            assert f"{step['from']} → {step['to']}" in text
            if step["skills_unknown"]:
                assert "Skills to gain: unknown" in text
            elif step["skills_to_gain"]:
                assert "Gain: " + ", ".join(step["skills_to_gain"]) in text
    gap = gap_report(P, source, target, have=have)
    gap_text = seen.page.inner_text("#plan-gap")
    assert f"{gap['from']['label']} → {gap['to']['label']}" in gap_text
    assert all(skill in gap_text for skill in gap["skills_to_gain"])
    moves = next_report(P, source, top=8, have=have)
    assert seen.js(
        "() => [...document.querySelectorAll('#plan-next > li > span:first-child')]"
        ".map(s => s.textContent)"
    ) == [o["role"] for o in moves["options"]]
    query = parse_qs(urlsplit(seen.page.url).query)
    assert query["from"] == [seen.page.input_value("#plan-from")]
    assert query["to"] == [seen.page.input_value("#plan-to")]
    assert query["k"] == [str(k)]
    assert query.get("have", []) == list(have)
    return report


def test_type_pick_and_see_the_routes_drawn_and_the_panel_filled(visit, P):
    seen = visit()
    page = seen.page
    assert seen.js("() => window.careerGraph.nodes.length") == P.number_of_nodes()
    page.fill("#plan-from", "tpm")
    options = _options(seen, "plan-from-options")
    assert options[0] == TPM  # the role 'careergraph path tpm ...' resolves to
    assert page.get_attribute("#plan-from", "aria-expanded") == "true"
    page.click("#plan-from-options li >> nth=0")
    assert page.input_value("#plan-from") == TPM
    assert page.get_attribute("#plan-from", "aria-expanded") == "false"
    page.fill("#plan-to", "director of tech")
    assert DIRECTOR in _options(seen, "plan-to-options")
    page.click(f"#plan-to-options li:has-text('{DIRECTOR}')")
    page.fill("#plan-have", "risk man")
    assert _options(seen, "plan-have-options")[0] == "Risk management"
    page.click("#plan-have-options li >> nth=0")
    assert seen.js(
        "() => [...document.querySelectorAll('#plan-have-chips li span')].map(s => s.textContent)"
    ) == ["Risk management"]
    page.fill("#plan-k", "2")
    page.click("#plan-go")
    _expect_answer(seen, P, TPM, DIRECTOR, k=2, have=("Risk management",))
    drawn = _drawn(seen)
    assert drawn["faded"] == drawn["total"] - len(drawn["roles"]) > 0
    assert page.inner_text("#plan-status").startswith("2 routes from " + TPM)
    # a next move's button plans a route to it, drawn in place of the first answer
    target = page.inner_text("#plan-next > li:nth-child(1) > span:first-child")
    page.click("#plan-next > li:nth-child(1) button")
    page.wait_for_selector(f"#plan-status:has-text('to {target}')", timeout=30_000)
    _expect_answer(seen, P, TPM, target, k=2, have=("Risk management",))
    seen.clean()


def test_where_you_stand_shrinks_the_preparation(visit, P):
    from graph.routes.reports import next_report, path_report

    seen = visit()
    page = seen.page
    page.fill("#plan-from", TPM)
    page.fill("#plan-to", DIRECTOR)
    page.select_option("#plan-education", "masters")
    page.fill("#plan-years", "4")
    page.click("#plan-go")
    page.wait_for_selector(ANSWERED, state="attached", timeout=30_000)
    report = path_report(P, TPM, DIRECTOR, k=3, education="masters", years=4)
    first = page.inner_text("#plan-routes > li:nth-child(1)")
    low, high = report["routes"][0]["years_to_ready"]
    assert f"ready in {low:g}–{high:g} yrs" in first, first
    assert "Preparation: " + report["routes"][0]["preparation"]["basis"] in first
    assert "6-11 yrs to go" in report["routes"][0]["preparation"]["basis"]
    moves = next_report(P, TPM, top=8, education="masters", years=4)
    assert f"Why: {moves['options'][0]['why']}" in page.inner_text("#plan-next > li:nth-child(1)")
    query = parse_qs(urlsplit(page.url).query)
    assert query["education"] == ["masters"] and query["years"] == ["4"]
    # a shared link keeps where the person stands
    again = visit("?" + urlsplit(page.url).query)
    assert again.page.input_value("#plan-education") == "masters"
    assert again.page.input_value("#plan-years") == "4"
    again.page.wait_for_selector(ANSWERED, state="attached", timeout=30_000)
    assert f"ready in {low:g}–{high:g} yrs" in again.page.inner_text("#plan-routes > li")
    seen.clean()
    again.clean()


def test_a_step_without_a_skill_profile_says_unknown(visit, P):
    """Roles named by a guide but without one of their own: their steps' skills are unknown,
    never 'no new skills'."""
    from graph.routes.reports import path_report

    source = "Technical Program Manager (Platform)"
    report = path_report(P, source, DIRECTOR, k=3)
    assert any(s["skills_unknown"] for r in report["routes"] for s in r["steps"])
    seen = visit("?from=" + quote(source) + "&to=" + quote(DIRECTOR) + "&k=3")
    _expect_answer(seen, P, source, DIRECTOR)
    assert "Skills to gain: unknown" in seen.page.inner_text("#plan-routes")
    seen.clean()


def test_keyboard_only(visit, P):
    seen = visit()
    page = seen.page
    for _ in range(6):  # the form comes first in the page's tab order
        page.keyboard.press("Tab")
        if seen.js("() => document.activeElement.id") == "plan-from":
            break
    assert seen.js("() => document.activeElement.id") == "plan-from"
    page.keyboard.type("Sr. TPM")
    _options(seen, "plan-from-options")
    page.keyboard.press("ArrowDown")
    chosen = page.get_attribute("#plan-from", "aria-activedescendant")
    assert chosen and page.get_attribute(f"#{chosen}", "aria-selected") == "true"
    label = page.inner_text(f"#{chosen}").split("\n")[0]
    page.keyboard.press("Enter")
    assert page.input_value("#plan-from") == label
    page.keyboard.press("Tab")
    page.keyboard.type("Director of TPM")
    _options(seen, "plan-to-options")
    page.keyboard.press("Escape")  # closes the list, keeps what was typed
    assert page.get_attribute("#plan-to", "aria-expanded") == "false"
    page.keyboard.press("Tab")
    page.keyboard.type("executive comm")
    _options(seen, "plan-have-options")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.type("people management")
    page.keyboard.press("Enter")  # typed text without a pick is added as written
    chips = seen.js(
        "() => [...document.querySelectorAll('#plan-have-chips li span')].map(s => s.textContent)"
    )
    assert chips == ["Executive communication", "people management"]
    assert seen.js("() => document.activeElement.id") == "plan-have"
    page.keyboard.press("Tab")  # to k
    assert seen.js("() => document.activeElement.id") == "plan-k"
    page.keyboard.press("Enter")  # submits the form
    _expect_answer(
        seen, P, label, "Director of TPM", have=("Executive communication", "people management")
    )
    # a route's button selects it on the map, from the keyboard
    page.focus("#plan-routes > li:nth-child(2) button")
    page.keyboard.press("Enter")
    assert "active" in page.get_attribute("#plan-routes > li:nth-child(2)", "class")
    assert len(seen.js("() => window.careerGraph.network.getSelectedNodes()")) >= 2
    seen.clean()


def test_reload_restores_a_shared_answer(visit, P):
    query = "?from=tpm&to=Director%20of%20TPM&k=2&have=Risk%20management"
    seen = visit(query)
    assert seen.page.input_value("#plan-from") == "tpm"
    _expect_answer(seen, P, "tpm", "Director of TPM", k=2, have=("Risk management",))
    # the server's own route panel gives way to the planner's
    assert seen.js("() => document.getElementById('routes').hidden") is True
    seen.clean()


def test_phone_width(visit, P):
    seen = visit(width=375, height=740)
    page = seen.page
    for selector in ("#plan-from", "#plan-to", "#plan-have", "#plan-k", "#plan-go"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, selector
    page.fill("#plan-from", "tpm")
    page.click("#plan-from-options li >> nth=0")
    page.fill("#plan-to", DIRECTOR)
    page.click("#plan-go")
    _expect_answer(seen, P, TPM, DIRECTOR)
    for selector in ("#plan-routes", "#plan-gap", "#network"):
        box = page.locator(selector).bounding_box()
        assert box["width"] > 300 and box["x"] + box["width"] <= 375, selector
    assert page.locator("#network").bounding_box()["height"] > 300
    assert seen.js("() => document.documentElement.scrollWidth") <= 375
    seen.clean()


def test_unknown_role_offers_the_closest_names(visit, P):
    from graph.projection.resolve import suggest_roles

    seen = visit()
    page = seen.page
    page.fill("#plan-from", "Tecnical Progam Mangr of Everything")
    page.fill("#plan-to", DIRECTOR)
    page.click("#plan-go")
    page.wait_for_selector("body[data-plan=error]", state="attached", timeout=30_000)
    assert "Unknown role 'Tecnical Progam Mangr of Everything'" in page.inner_text("#plan-status")
    offered = seen.js(
        "() => [...document.querySelectorAll('#plan-suggest button')].map(b => b.textContent)"
    )
    assert offered == suggest_roles(P, "Tecnical Progam Mangr of Everything", 3)
    pick = next(i for i, name in enumerate(offered) if name != DIRECTOR)
    page.click(f"#plan-suggest button >> nth={pick}")
    _expect_answer(seen, P, offered[pick], DIRECTOR)
    assert page.input_value("#plan-from") == offered[pick]
    # console errors for the 404 the API answered are the browser's, not the page's
    seen.errors = [e for e in seen.errors if "404" not in e]
    seen.clean()


def test_markup_in_names_stays_text(visit, P):
    seen = visit()
    page = seen.page
    page.fill("#plan-from", "markup tester")
    options = _options(seen, "plan-from-options")
    assert HOSTILE_ROLE in options
    page.click("#plan-from-options li >> nth=0")
    page.fill("#plan-to", DIRECTOR)
    page.click("#plan-go")
    _expect_answer(seen, P, HOSTILE_ROLE, DIRECTOR)
    assert HOSTILE_ROLE in page.inner_text("#plan-routes")
    assert seen.js("() => document.images.length") == 0
    assert seen.js("() => document.querySelectorAll('#planner img, #planner b').length") == 0
    seen.clean()


def test_a_graph_too_big_to_draw_starts_empty_and_draws_the_answer(
    visit, P, hostile_store, monkeypatch
):
    import graph.viz.page
    from graph.web.app import create_app
    from graph.web.serving import BackgroundServer

    monkeypatch.setattr(graph.viz.page, "viz_page", partial(graph.viz.page.viz_page, max_nodes=5))
    with BackgroundServer(create_app(hostile_store, workers=1)) as url:
        _empty_map_answers(visit(server=url), P)


def _empty_map_answers(seen: Visit, P: Any) -> None:
    assert seen.js("() => window.careerGraph.nodes.length") == 0
    assert "too many to draw at once" in seen.page.inner_text("#subtitle")
    seen.page.fill("#plan-from", TPM)
    seen.page.fill("#plan-to", DIRECTOR)
    seen.page.click("#plan-go")
    report = _expect_answer(seen, P, TPM, DIRECTOR)
    roles = {s[key] for r in report["routes"] for s in r["steps"] for key in ("from_id", "to_id")}
    assert seen.js("() => window.careerGraph.nodes.length") == len(roles)
    seen.clean()
