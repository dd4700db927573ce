"""The graph page: its data, its HTML (offline, escaped) and the ``viz`` command."""

from __future__ import annotations

import base64
import hashlib
import html as html_module
import json
import re
from pathlib import Path

import networkx as nx
import pytest

from graph.cli import cli
from graph.errors import CareerGraphError, UsageError
from graph.viz.data import MAX_NODES, page_data, parse_types
from graph.viz.nodes import TOP_SKILLS
from graph.viz.page import render_page, viz_page, write_page

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "viz"
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(2)</script>"
ID = "https://w3id.org/careergraph/id/"
DIRECTOR = "Director of Technical Program Management"


def _role(label: str, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "label": label,
        "labels": [label],
        "skills": {},
        "gaps": set(),
        "salary": [],
        "midpoint": None,
        "currency": None,
        "sectors": [],
        "employers": [],
        "has_guide": False,
        "code": None,
        "level": None,
    }
    data.update(extra)
    return data


@pytest.fixture
def small() -> nx.DiGraph:
    """A -> B -> D, A -> C -> D, D -> E; A carries skills, a sector, an employer, pay."""
    skills = {f"s:{i}": {"label": f"Skill {i}", "type": "skill"} for i in range(12)}
    skills["s:evil"] = {"label": IMG, "type": "technology"}
    P = nx.DiGraph(skills=skills, fingerprint="test-build")
    P.add_node(
        "r:a",
        **_role(
            f"Analyst {SCRIPT}",
            has_guide=True,
            skills={s: {"importance": float(i), "level": None} for i, s in enumerate(skills)},
            sectors=[("sec:1", "Fintech & <b>banks</b>")],
            employers=[("emp:1", f"Evil {IMG}")],
            salary=[
                {
                    "level": "Mid Level",
                    "rank": 2,
                    "min": 100000,
                    "max": 140000,
                    "currency": "USD",
                    "median": None,
                    "open_ended": True,
                    "position": 1,
                }
            ],
        ),
    )
    for key, label in (("b", "Lead"), ("c", "Architect"), ("d", "Director"), ("e", "VP")):
        P.add_node(f"r:{key}", **_role(label))
    for u, v, kind in (
        ("a", "b", "progression"),
        ("b", "d", "progression"),
        ("a", "c", "transition"),
        ("c", "d", "progression"),
        ("d", "e", "progression"),
    ):
        P.add_edge(f"r:{u}", f"r:{v}", kind=kind, skills_to_gain=["s:1"], iri=f"t:{u}{v}")
    return P


def _ids(items: list[dict], kind: str | None = None) -> set[str]:
    return {i["id"] for i in items if kind is None or i["kind"] == kind}


def test_full_page_draws_every_role_and_move(small):
    data = page_data(small)
    assert _ids(data["nodes"]) == {"r:a", "r:b", "r:c", "r:d", "r:e"}
    assert {(e["from"], e["to"], e["kind"]) for e in data["edges"]} == {
        ("r:a", "r:b", "progression"),
        ("r:b", "r:d", "progression"),
        ("r:a", "r:c", "transition"),
        ("r:c", "r:d", "progression"),
        ("r:d", "r:e", "progression"),
    }
    by_id = {n["id"]: n for n in data["nodes"]}
    # size: moves passing through the role, in and out
    assert by_id["r:d"]["value"] == 3 and by_id["r:e"]["value"] == 1
    assert by_id["r:a"]["card"]["salary"] == ["Mid Level: $100k–$140k+"]
    assert by_id["r:a"]["card"]["employers"] == [f"Evil {IMG}"]
    assert data["meta"]["mode"] == "full" and data["routes"] == []


def test_types_attach_skills_sectors_employers_and_salary(small):
    data = page_data(small, types="role,skill,sector,employer,salary")
    skill_ids = _ids(data["nodes"], "skill")
    assert len(skill_ids) == TOP_SKILLS
    # the most important skills first: importance 12 (the evil one) down to 5
    assert "s:evil" in skill_ids and "s:0" not in skill_ids
    assert _ids(data["nodes"], "sector") == {"sec:1"}
    assert _ids(data["nodes"], "employer") == {"emp:1"}
    assert _ids(data["nodes"], "salary") == {"r:a#salary-1"}
    kinds = {e["kind"] for e in data["edges"]}
    assert {"requires", "sector", "hires", "salary"} <= kinds
    hires = [e for e in data["edges"] if e["kind"] == "hires"]
    assert [(e["from"], e["to"]) for e in hires] == [("emp:1", "r:a")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("role", ("role",)),
        ("skills, sector", ("role", "skill", "sector")),
        (["employer", "salary band"], ("role", "employer", "salary")),
        ("", ("role",)),
    ],
)
def test_parse_types(text, expected):
    assert parse_types(text) == expected


def test_parse_types_names_the_kinds():
    with pytest.raises(UsageError) as info:
        parse_types("role,people")
    assert str(info.value) == (
        "Unknown node kind 'people' in --types; choose from: role, skill, sector, employer, salary."
    )


@pytest.mark.parametrize(
    ("depth", "expected"),
    [(0, {"r:b"}), (1, {"r:a", "r:b", "r:d"}), (2, {"r:a", "r:b", "r:c", "r:d", "r:e"})],
)
def test_focus_draws_the_neighbourhood(small, depth, expected):
    data = page_data(small, focus="r:b", depth=depth)
    assert _ids(data["nodes"]) == expected
    assert [n["id"] for n in data["nodes"] if n.get("focus")] == ["r:b"]


def test_focus_resolves_what_a_person_types(projection):
    data = page_data(projection, focus="tpm")
    assert data["meta"]["focus"] == ID + "role/technical-program-manager-infrastructure-delivery"


def test_negative_depth_is_refused(small):
    with pytest.raises(UsageError, match=r"--depth must be 0 or more, not -1\."):
        page_data(small, focus="r:a", depth=-1)


ROUTES = [
    {
        "cost": 2.0,
        "steps": [
            {
                "from": f"Analyst {SCRIPT}",
                "to": "Lead",
                "kind": "progression",
                "skills_to_gain": ["Skill 1", "Skill 2", "Skill 3", "Skill 4", "Skill 5"],
            },
            {"from": "Lead", "to": "Director", "kind": "progression", "skills_to_gain": []},
        ],
        "skills_to_gain": ["Skill 1", "Skill 2", "Skill 3", "Skill 4", "Skill 5"],
    },
    {
        "cost": 3.0,
        "steps": [
            {
                "from": f"Analyst {SCRIPT}",
                "to": "Director",
                "kind": "suggested",
                "skills_to_gain": ["Skill 9"],
                "salary_change": 20000.0,
                "currency": "USD",
            }
        ],
        "skills_to_gain": ["Skill 9"],
    },
]


def test_path_highlights_exactly_the_route_roles(small):
    data = page_data(small, paths=ROUTES)
    on_route = {n["id"] for n in data["nodes"] if n.get("route")}
    assert on_route == {"r:a", "r:b", "r:d"}
    # context: the neighbours of route roles, faded, not on the route
    assert _ids(data["nodes"]) == {"r:a", "r:b", "r:c", "r:d", "r:e"}
    steps = {e["id"]: e for e in data["edges"] if e.get("routes")}
    assert set(steps) == {"r:a->r:b", "r:b->r:d", "suggested:r:a->r:d"}
    assert steps["r:a->r:b"]["label"] == "+ Skill 1\n+ Skill 2\n+ Skill 3\n+ 2 more"
    assert steps["r:b->r:d"]["label"] == "no new skills listed"
    assert steps["suggested:r:a->r:d"]["kind"] == "suggested"
    assert steps["suggested:r:a->r:d"]["pay"] == "+$20k"
    assert data["meta"]["start"] == "r:a" and data["meta"]["goal"] == "r:d"
    assert [r["rank"] for r in data["routes"]] == [1, 2]


def test_path_accepts_the_path_report_with_ids(small):
    report = {
        "routes": [
            {
                "steps": [
                    {
                        "from": "x",
                        "from_id": "r:c",
                        "to": "y",
                        "to_id": "r:d",
                        "kind": "progression",
                        "skills_to_gain": [],
                    }
                ]
            }
        ]
    }
    data = page_data(small, paths=report)
    assert {n["id"] for n in data["nodes"] if n.get("route")} == {"r:c", "r:d"}


def test_path_with_an_unknown_role_is_refused(small):
    with pytest.raises(UsageError) as info:
        page_data(small, paths=[{"steps": [{"from": "Nobody", "to": "Lead"}]}])
    assert str(info.value) == "A route step names 'Nobody', which is not a role of this graph."


def test_focus_and_path_together_are_refused(small):
    with pytest.raises(UsageError, match=r"^Use --focus or --path, not both\.$"):
        page_data(small, focus="r:a", paths=ROUTES)


def test_too_many_nodes_are_refused_with_advice():
    P = nx.DiGraph(skills={})
    for i in range(MAX_NODES + 1):
        P.add_node(f"r:{i}", **_role(f"Role {i:04}"))
    with pytest.raises(UsageError) as info:
        page_data(P)
    assert str(info.value) == (
        "The page would draw 401 nodes (401 roles); more than 400 are not readable. "
        "Draw part of the graph: --focus ROLE (with --depth N) or --path FROM TO, "
        "or fewer --types."
    )
    assert len(page_data(P, focus="r:7")["nodes"]) == 1


def _scripts(html: str) -> list[tuple[str, str]]:
    return re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)


def test_page_is_self_contained_and_locked_down(small):
    html = render_page(small, types="role,skill,sector,employer,salary", title="Map")
    scripts = _scripts(html)
    code = html.replace(scripts[0][1], "")  # the data is text, never fetched
    # no reference to anything outside the file: no src/href, no stylesheet link, no @import
    assert re.search(r"\s(src|href)\s*=", code) is None
    assert "<link" not in code and "@import" not in code
    assert re.search(r"url\((?!\"?data:)", code) is None
    assert [attrs.strip() for attrs, _ in scripts] == [
        'type="application/json" id="graph-data"',
        "",
        "",
    ]
    # the policy allows exactly the two inline scripts, nothing else loads
    csp = html_module.unescape(
        re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    )
    assert "default-src 'none'" in csp and "connect-src" not in csp
    hashes = set(re.findall(r"'sha256-([^']+)'", csp))
    assert hashes == {
        base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() for _, code in scripts[1:]
    }


def test_untrusted_text_cannot_become_markup(small):
    html = render_page(small, types="role,skill,sector,employer", title=f"Map {IMG}")
    assert IMG not in html and SCRIPT not in html and "<b>banks" not in html
    assert "<title>Map &lt;img src=x onerror=alert(1)&gt;</title>" in html
    # the data survives as text: JSON.parse gives back the original strings
    data = json.loads(_scripts(html)[0][1])
    labels = {n["label"] for n in data["nodes"]}
    assert {f"Analyst {SCRIPT}", IMG, f"Evil {IMG}", "Fintech & <b>banks</b>"} <= labels


def test_inlined_vis_network_cannot_end_its_script(small):
    html = render_page(small)
    vis = _scripts(html)[1][1]
    assert len(vis) > 400_000 and "</script" not in vis.lower() and "<!--" not in vis


def test_write_page_replaces_atomically(tmp_path):
    target = tmp_path / "graph.html"
    write_page("old", target)
    assert write_page("new", target) == target
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


def test_a_failed_write_leaves_the_previous_page(tmp_path, monkeypatch):
    target = tmp_path / "graph.html"
    write_page("old", target)

    def broken(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("graph.viz.page.os.replace", broken)
    with pytest.raises(CareerGraphError) as info:
        write_page("new", target)
    assert str(info.value) == (
        f"Cannot write the page to {target}: No space left on device. "
        "Any previous page there is unchanged; choose another file with --out."
    )
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


def test_viz_page_draws_the_routes_of_path_report(store, projection):
    from graph.routes.reports import path_report

    report = path_report(projection, "TPM", DIRECTOR, k=2)
    html = viz_page(store, path=("TPM", DIRECTOR), k=2)
    data = json.loads(_scripts(html)[0][1])
    expected = {
        step[key]
        for route in report["routes"]
        for step in route["steps"]
        for key in ("from_id", "to_id")
    }
    assert {n["id"] for n in data["nodes"] if n.get("route")} == expected
    assert len(data["routes"]) == 2
    assert "<title>Career routes</title>" in html


# --- the command ---------------------------------------------------------------------------


# hostile_dir (conftest.py): the shipped guides plus a guide whose text holds markup


def test_viz_command_writes_the_page(runner, hostile_dir, tmp_path):
    out = tmp_path / "page.html"
    result = runner.invoke(
        cli,
        [
            "viz",
            "--graph",
            str(hostile_dir),
            "--path",
            f"Markup Tester {IMG}",
            DIRECTOR,
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Wrote {out}\n"
    html = out.read_text()
    assert IMG not in html and "Markup Tester \\u003cimg src=x" in html


def test_viz_command_opens_the_page(runner, hostile_dir, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    out = tmp_path / "page.html"
    result = runner.invoke(
        cli,
        [
            "viz",
            "--graph",
            str(hostile_dir),
            "--focus",
            "Markup Tester",
            "--types",
            "role,employer",
            "-o",
            str(out),
            "--open",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert opened == [out.resolve().as_uri()]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--max-nodes", "10"],
            2,
            "Error: The page would draw {n} nodes ({n} roles); more than 10 are not readable. "
            "Draw part of the graph: --focus ROLE (with --depth N) or --path FROM TO, "
            "or fewer --types.\n",
        ),
        (
            ["--focus", "tpm", "--path", "tpm", "cto"],
            2,
            "Error: Use --focus or --path, not both.\n",
        ),
        (
            ["--types", "role,people"],
            2,
            "Error: Unknown node kind 'people' in --types; choose from: role, skill, sector, "
            "employer, salary.\n",
        ),
        (["--focus", "Qwertyuiop Zxcvbnm"], 2, None),
    ],
)
def test_viz_command_errors(runner, hostile_dir, tmp_path, args, code, message):
    out = tmp_path / "page.html"
    result = runner.invoke(cli, ["viz", "--graph", str(hostile_dir), "-o", str(out), *args])
    assert result.exit_code == code
    if message is None:
        assert result.stderr.startswith("Error: Unknown role 'Qwertyuiop Zxcvbnm'.")
    else:
        from graph.projection.cache import load_projection
        from graph.store.local import LocalStore

        roles = load_projection(LocalStore(hostile_dir)).number_of_nodes()
        assert result.stderr == message.format(n=roles)
    assert not out.exists()


def test_viz_command_cannot_write(runner, hostile_dir, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = runner.invoke(
        cli, ["viz", "--graph", str(hostile_dir), "-o", str(blocker / "page.html")]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: Cannot write the page to {blocker / 'page.html'}: ")
    assert blocker.read_text() == "not a folder"


def test_viz_help_lists_its_options(runner):
    result = runner.invoke(cli, ["viz", "--help"])
    assert result.exit_code == 0
    for option in ("--focus", "--depth", "--path", "--types", "-o, --out, --output", "--open"):
        assert option in result.stdout


def test_route_panel_and_move_tooltips_carry_preparation(small):
    prep = {
        "education_from": "Bachelor's degree",
        "education_to": "Master's degree",
        "education_years": [1.0, 2.0],
        "experience_expected": [2.0, 4.0],
        "years_to_ready": [2.0, 5.0],
        "credentials": [IMG],
        "regulated": False,
        "basis": f"Bachelor's degree -> Master's degree: 1-2 yrs of study; needs {IMG}",
    }
    report = {
        "routes": [
            {
                "cost": 2.0,
                "skills_to_gain": [],
                "preparation": prep,
                "years_to_ready": [2.0, 5.0],
                "steps": [
                    {
                        "from": "x",
                        "from_id": "r:c",
                        "to": "y",
                        "to_id": "r:d",
                        "kind": "progression",
                        "skills_to_gain": [],
                        "preparation": prep,
                    }
                ],
            }
        ]
    }
    data = page_data(small, paths=report)
    route = data["routes"][0]
    assert route["ready"] == "2-5 yrs"
    assert route["prep"].startswith("Bachelor's degree -> Master's degree; 2-4 yrs related")
    assert f"needs {IMG}" in route["steps"][0]["prep"]
    edge = next(e for e in data["edges"] if e.get("routes"))
    assert edge["prep"] == route["steps"][0]["prep"]
    html = render_page(small, paths=report)
    assert IMG not in html  # the credential reaches the page only as escaped JSON
