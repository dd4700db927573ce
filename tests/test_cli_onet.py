"""What path, gap and show print on a graph imported from the O*NET and OEWS fixtures:
levels in words, proxy wages, newcomers' pay, capped lists and loosely typed names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.cli import cli
from graph.importers.onet import import_onet

FIXTURES = Path(__file__).parent / "fixtures"
PROGRAMMERS = "Computer Programmers"
MANAGERS = "Computer and Information Systems Managers"
IT_PM = "Information Technology Project Managers"


@pytest.fixture(scope="module")
def onet_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("onet") / "graph"
    import_onet(FIXTURES / "onet", out, wages=FIXTURES / "oews" / "oews_national_small.csv")
    return out


@pytest.fixture
def run(onet_dir, runner):
    def invoke(*args: str):
        return runner.invoke(cli, [*args, "--graph", str(onet_dir)])

    return invoke


def test_gap_says_levels_in_words_and_what_a_newcomer_earns(run):
    result = run("gap", PROGRAMMERS, MANAGERS)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "A curated progression. Pay change: +US$49.9k (from a proxy wage)."
    assert (
        '  - Administration and Management: from "Sign a pay voucher" up to "Develop a '
        'multimillion dollar budget"'
    ) in lines
    assert "percentile) at first; the median is US$174.7k." in result.stdout
    assert "would likely earn US$108.2k-US$141.4k (10th-25th" in result.stdout
    # O*NET roles have no guide: no empty "Often missing" sections
    assert "Often missing" not in result.stdout


def test_gap_flags_a_catch_all_wage_line(run):
    result = run("gap", MANAGERS, IT_PM)
    assert result.exit_code == 0, result.output
    assert "Pay change: -US$54.7k (from a proxy wage)." in result.stdout
    assert (
        f"The pay of {IT_PM} is a proxy: the figures of SOC 15-1299 Computer Occupations, All"
        in result.stdout
    )


def test_gap_json_keeps_every_skill_and_adds_the_shown_ones(run):
    result = run("gap", PROGRAMMERS, MANAGERS, "--format", "json")
    data = json.loads(result.stdout)
    assert sorted(data["skills_to_gain"]) == [
        "Administration and Management",
        "Atlassian JIRA",
        "Judgment and Decision Making",
        "Management of Personnel Resources",
    ]
    # shown: importance x gap (4.1 x 4.6 new, 4.4 x 3.3 rise, 4.3 x 1.8 rise), then technology
    assert [s["skill"] for s in data["skills_shown"]] == [
        "Management of Personnel Resources",
        "Administration and Management",
        "Judgment and Decision Making",
        "Atlassian JIRA",
    ]
    shown = {s["skill"]: s for s in data["skills_shown"]}
    assert shown["Administration and Management"]["to_words"] == (
        '"Develop a multimillion dollar budget"'
    )
    assert data["skills_more"] == 0
    assert data["pay"]["to"]["line"] == "11-3021" and data["pay"]["to"]["proxy"] is False
    assert data["pay"]["entry"] == {"pct10": 108160.0, "pct25": 141440.0}
    assert data["has_guide"] == {"from": False, "to": False}


def test_all_skills_lists_levels_as_numbers(run):
    result = run("gap", PROGRAMMERS, MANAGERS, "--all-skills")
    assert result.exit_code == 0, result.output
    assert "  - Administration and Management (level 1.8 -> 5.1)" in result.stdout.splitlines()


def test_path_cells_show_newcomers_pay_and_proxy(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")  # wide enough that no cell wraps mid-phrase
    result = run("path", PROGRAMMERS, MANAGERS, "--k", "1")
    assert result.exit_code == 0, result.output
    assert "start ~US$141.4k" in result.stdout and "(proxy wage)" in result.stdout
    assert "Administration and Management, up to" in result.stdout


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("restaurant cook", "Cooks, Restaurant"),
        ("Cook, restaurant", "Cooks, Restaurant"),
        ("computer programmer", PROGRAMMERS),
        ("project managers information technology", IT_PM),
    ],
)
def test_names_as_people_type_them(run, typed, label):
    result = run("show", typed, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["label"] == label


def test_show_lists_skills_most_important_first_and_technologies_apart(run):
    result = run("show", MANAGERS)
    assert result.exit_code == 0, result.output
    text = result.stdout
    skills = text.split("Top skills\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert skills[0] == "  - Administration and Management"  # importance 4.4 of 5
    card = json.loads(run("show", MANAGERS, "--format", "json").stdout)
    importance = [s["importance"] or 0 for s in card["top_skills"]]
    assert importance == sorted(importance, reverse=True)
    assert "Atlassian JIRA" not in "\n".join(skills)
    assert "Technologies (in demand and hot first)\n  - Atlassian JIRA (in demand)" in text


def test_the_projection_reads_wage_lines_anchors_and_technology_flags(onet_dir):
    from graph.projection.cache import load_projection
    from graph.store.local import LocalStore

    P = load_projection(LocalStore(onet_dir))
    onet = "https://w3id.org/careergraph/id/onet/"
    assert P.nodes[onet + "15-1299.09"]["wage"] == {
        "line": "15-1299",
        "title": "Computer Occupations, All Other",
        "proxy": True,
        "pct10": 68000.0,
        "pct25": 91000.0,
        "median": 120000.0,
    }
    anchors = P.graph["level_anchors"]["https://w3id.org/careergraph/id/onet-element/2.C.1.a"]
    assert anchors == [(2.0, "Sign a pay voucher"), (6.0, "Develop a multimillion dollar budget")]
    jira = "https://w3id.org/careergraph/id/onet-tech/atlassian-jira"
    assert P.nodes[onet + "11-3021.00"]["skills"][jira] == {
        "importance": None,
        "level": None,
        "hot": True,
        "in_demand": True,
    }
    assert P.graph["skills"][jira]["class"].endswith("onet-tech/43232201")


def test_technologies_are_ranked_from_stored_counts_without_other_roles_skills(onet_dir):
    from graph.projection.cache import dumps_projection, load_projection, loads_projection
    from graph.projection.lazy import PENDING
    from graph.projection.network import technology_counts
    from graph.routes.skillview import ranked_technology
    from graph.store.local import LocalStore

    P = loads_projection(dumps_projection(load_projection(LocalStore(onet_dir))))
    role = "https://w3id.org/careergraph/id/onet/11-3021.00"
    ranked, listed = ranked_technology(P, role)
    assert ranked and set(ranked) <= listed
    # how widely each technology is listed came with the projection: one role's skills made
    made = [r for r in P if dict.__getitem__(P._node[r], "skills") is not PENDING]
    assert made == [role]
    # the same ranking, and the same counts, as counting every role's skills now
    assert P.graph["technology_counts"] == technology_counts(P)
    counted = P.copy()
    del counted.graph["technology_counts"]
    assert ranked_technology(counted, role) == (ranked, listed)


def test_a_shared_wage_line_claims_no_pay_change(capsys):
    from graph.cli.routeviews import gap_view

    rn = {
        "line": "29-1141",
        "title": "Registered Nurses",
        "proxy": False,
        "shared_by": 2,
        "median": 93600.0,
        "pct10": 66000.0,
        "pct25": 78000.0,
    }
    report = {
        "from": {"label": "Registered Nurses"},
        "to": {"label": "Clinical Nurse Specialists"},
        "move": "progression",
        "salary_change": 0.0,
        "currency": "USD",
        "skills_to_gain": [],
        "skills_kept": [],
        "level_changes": [],
        "skills_unknown": False,
        "missing_per_target_guide": [],
        "missing_per_source_guide": [],
        "skills_shown": [],
        "skills_more": 0,
        "has_guide": {"from": False, "to": False},
        "pay": {
            "from": rn,
            "to": {**rn, "proxy": True},
            "same_wage_line": True,
            "entry": {"pct10": 66000.0, "pct25": 78000.0},
            "proxy": True,
        },
    }
    gap_view(report)
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "A curated progression. Pay change: not known (one wage line)."
    assert lines[2].startswith(
        "Both roles take their pay from one wage line (SOC 29-1141 Registered Nurses): the data"
    )
    assert "+US$0" not in "\n".join(lines)


def test_show_caps_long_sections_unless_all(capsys):
    from graph.cli.tables import CARD_LIMIT, role_card_view

    card = {
        "label": "Software Developers",
        "labels": [],
        "responsibilities": [],
        "top_skills": [
            {
                "skill": f"Tool {n:02}",
                "as_written": f"Tool {n:02}",
                "type": "technology",
                "hot": n == 30,
                "in_demand": False,
                "importance": None,
            }
            for n in range(40)
        ]
        + [
            {"skill": "Mathematics", "as_written": "Mathematics", "type": t, "importance": i}
            for t, i in (("knowledge", 3.5), ("skill", 3.0))
        ],
        "can_lead_to": [],
        "transition_opportunities": [],
        "skill_gaps": [],
        "salary": [],
        "employers": [],
        "sectors": [],
        "next_steps": [],
        "adjacent_titles": [],
        "moves_in": [],
        "close_matches": [],
    }
    role_card_view(card)
    out = capsys.readouterr().out
    assert "  - Mathematics (knowledge)\n  - Mathematics (skill)\n" in out
    assert "Technologies (in demand and hot first)\n  - Tool 30 (hot)\n  - Tool 00\n" in out
    assert f"  ... and {40 - CARD_LIMIT} more (--all)" in out
    role_card_view(card, full=True)
    full = capsys.readouterr().out
    assert "more (--all)" not in full and "  - Tool 39" in full


def test_a_long_route_names_its_most_important_skills_first(capsys):
    from graph.cli.routeviews import ROUTE_SHOWN, routes_view

    def step(n: int, score: float) -> dict:
        names = [f"skill {n}-{i}" for i in range(8)]
        return {
            "from": f"r{n}",
            "to": f"r{n + 1}",
            "kind": "suggested",
            "salary_change": None,
            "skills_to_gain": names,
            "level_changes": [],
            "skills_more": 0,
            "skills_shown": [{"skill": s, "type": "skill", "score": score} for s in names],
        }

    steps = [step(0, 1.0), step(1, 9.0)]
    union = [s for st in steps for s in st["skills_to_gain"]]
    routes_view(
        {
            "from": {"label": "r0"},
            "to": {"label": "r2"},
            "routes": [
                {"cost": 9.0, "steps": steps, "skills_to_gain": union, "salary_change": None}
            ],
        }
    )
    out = capsys.readouterr().out
    line = out.split("Skills to gain on this route, start to finish (16): ", 1)[1]
    line = " ".join(line.split())
    assert line.startswith("skill 1-0; skill 1-1;")  # the later step's skills matter more
    assert line.endswith(f"... and {16 - ROUTE_SHOWN} more (--all-skills)")
    routes_view(
        {
            "from": {"label": "r0"},
            "to": {"label": "r2"},
            "routes": [
                {"cost": 9.0, "steps": steps, "skills_to_gain": union, "salary_change": None}
            ],
        },
        all_skills=True,
    )
    assert "more (--all-skills)" not in capsys.readouterr().out


def test_a_route_within_one_wage_line_claims_no_pay_change(capsys):
    from graph.cli.routeviews import routes_view

    step = {
        "from": "Registered Nurses",
        "to": "Clinical Nurse Specialists",
        "kind": "progression",
        "salary_change": 0.0,
        "skills_to_gain": [],
        "level_changes": [],
        "pay": {"same_wage_line": True, "proxy": True, "entry": None},
    }
    routes_view(
        {
            "from": {"label": "Registered Nurses"},
            "to": {"label": "Clinical Nurse Specialists"},
            "routes": [
                {
                    "cost": 1.0,
                    "steps": [step],
                    "skills_to_gain": [],
                    "salary_change": 0.0,
                    "pay": step["pay"],
                }
            ],
        }
    )
    out = capsys.readouterr().out
    assert "Route 1: 1 step, cost 1, pay n/a (one wage line)" in out
    assert "n/a: one" in out and "+US$0" not in out


@pytest.mark.parametrize(
    "args",
    [
        ("path", PROGRAMMERS, MANAGERS),
        ("next", PROGRAMMERS),
        ("gap", PROGRAMMERS, MANAGERS),
        ("similar", PROGRAMMERS),
        ("show", PROGRAMMERS),
        ("roles",),
    ],
)
def test_tables_of_imported_data_end_with_its_credit(run, runner, args):
    # O*NET's licence (CC BY 4.0) asks for credit wherever its data is shown
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().splitlines()[-1] == (
        "Data: O*NET 29.3 (CC BY 4.0); BLS OEWS May 2025 (public domain)."
    )
    # the JSON contract is unchanged, and the built-in graph (guides alone) credits nobody
    assert "Data:" not in run(*args, "--format", "json").stdout
    builtin = runner.invoke(cli, ["similar", "TPM"])
    assert builtin.exit_code == 0 and "Data:" not in builtin.stdout
