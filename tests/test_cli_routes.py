"""The path, next, gap and similar commands through click's CliRunner, on the built-in graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.cli import cli

TPM = "Technical Program Manager (Infrastructure & Delivery)"
DIRECTOR = "Director of Technical Program Management"
SA = "Solutions Architect (cloud/platform-focused)"
NEW_GUIDES = Path(__file__).parent / "fixtures" / "paths" / "new-role"


@pytest.fixture
def run(builtin_dir, runner):
    """Run careergraph with --graph set to the built-in graph; return the result."""

    def invoke(*args: str, graph: Path | None = None):
        return runner.invoke(cli, [*args, "--graph", str(graph or builtin_dir)])

    return invoke


def json_of(result) -> dict:
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


# --- path -------------------------------------------------------------------


def test_path_json_contract(run):
    data = json_of(run("path", "Technical Program Manager", DIRECTOR, "--format", "json"))
    assert data["from"] == {
        "id": "https://w3id.org/careergraph/id/role/technical-program-manager-infrastructure-delivery",
        "label": TPM,
    }
    assert data["to"]["label"] == DIRECTOR and isinstance(data["to"]["id"], str)
    assert len(data["routes"]) == 3
    costs = [r["cost"] for r in data["routes"]]
    assert costs == sorted(costs)
    for route in data["routes"]:
        assert {"cost", "steps", "skills_to_gain", "salary_change"} <= route.keys()
        assert isinstance(route["cost"], float)
        assert route["steps"][0]["from"] == TPM and route["steps"][-1]["to"] == DIRECTOR
        union: list[str] = []
        for step in route["steps"]:
            assert {"from", "to", "kind", "skills_to_gain", "skills_kept", "salary_change"} <= (
                step.keys()
            )
            assert step["kind"] in ("progression", "transition", "suggested")
            assert all(isinstance(s, str) for s in step["skills_to_gain"] + step["skills_kept"])
            assert step["salary_change"] is None or isinstance(step["salary_change"], float)
            union += [s for s in step["skills_to_gain"] if s not in union]
            assert "preparation" in step and "years_to_ready" in step
        # the listed total is what the finish asks of the start, the same for every route;
        # what only the stops ask is listed apart
        assert route["skills_to_gain"] == data["routes"][0]["skills_to_gain"]
        assert set(route["skills_on_the_way"]) <= set(union)
    first = data["routes"][0]["steps"]
    assert [(s["to"], s["kind"]) for s in first] == [(DIRECTOR, "progression")]
    assert "Executive communication" in first[0]["skills_to_gain"]


def test_path_table(run):
    result = run("path", "tpm", "Solutions Architect")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"3 routes from {TPM} to {SA}"
    assert any(line.startswith("Route 1: 1 step, cost ") for line in lines)
    assert "transition" in result.stdout and "Cloud architecture" in result.stdout
    assert "Skills to gain on this route, start to finish (8): Cloud architecture;" in (
        result.stdout
    )


def test_path_have_shrinks_deltas(run):
    args = ("path", "tpm", DIRECTOR, "--k", "1", "--format", "json")
    before = json_of(run(*args))["routes"][0]
    after = json_of(run(*args, "--have", "executive communication", "--have", "Financial acumen"))[
        "routes"
    ][0]
    assert "Executive communication" in before["skills_to_gain"]
    assert after["skills_to_gain"] == [
        s
        for s in before["skills_to_gain"]
        if s not in ("Executive communication", "Financial acumen")
    ]
    assert after["cost"] < before["cost"]


def test_path_max_steps_and_avoid(run):
    data = json_of(run("path", "tpm", DIRECTOR, "--max-steps", "1", "--format", "json"))
    assert all(len(r["steps"]) == 1 for r in data["routes"])
    data = json_of(
        run(
            "path",
            "tpm",
            DIRECTOR,
            "--avoid",
            "Senior/Lead Technical Program Manager",
            "--k",
            "5",
            "--format",
            "json",
        )
    )
    assert all(
        s["to"] != "Senior/Lead Technical Program Manager"
        for r in data["routes"]
        for s in r["steps"]
    )


def test_path_weight_override_changes_costs(run):
    base = json_of(run("path", "tpm", DIRECTOR, "--k", "1", "--format", "json"))
    heavier = json_of(
        run("path", "tpm", DIRECTOR, "--k", "1", "--weight", "progression=3", "--format", "json")
    )
    assert heavier["routes"][0]["cost"] == base["routes"][0]["cost"] + 2


@pytest.mark.parametrize(
    "args, code, message",
    [
        (
            ("path", "Teknical Progam Mngr", DIRECTOR),
            2,
            "Error: Unknown role 'Teknical Progam Mngr'. Did you mean: "
            + TPM
            + "; Senior/Lead Technical Program Manager; Principal/Staff Technical Program Manager?",
        ),
        (
            ("path", "tpm", "Technical Program Manager"),
            2,
            f"Error: FROM and TO are the same role ('{TPM}'); name two different roles.",
        ),
        (
            ("path", "tpm", DIRECTOR, "--avoid", DIRECTOR),
            2,
            f"Error: Cannot --avoid '{DIRECTOR}': it is where the route starts or ends.",
        ),
        (
            ("path", "tpm", DIRECTOR, "--weight", "skil=1"),
            2,
            "Error: Unknown weight 'skil' in --weight skil=1. Known weights: progression, "
            "transition, suggested, skill, unknown, salary_drop, suggest_top, suggest_min, "
            "min_importance, level_rise, next_progression, next_transition, next_salary, "
            "next_salary_drop, prep_year, next_prep.",
        ),
        (
            ("path", "tpm", DIRECTOR, "--weight", "skill"),
            2,
            "Error: --weight skill: expected NAME=VALUE, e.g. --weight skill=0.5.",
        ),
    ],
)
def test_path_errors(run, args, code, message):
    result = run(*args)
    assert result.exit_code == code
    assert result.stdout == ""
    if message.endswith(": "):
        assert result.stderr.startswith(message)
    else:
        assert result.stderr == message + "\n"


def test_path_ambiguous_role_lists_candidates(run):
    result = run("path", "Director", "tpm")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Role 'Director' is ambiguous; it matches: ")
    assert DIRECTOR + ";" in result.stderr or DIRECTOR + "." in result.stderr
    assert result.stderr.endswith(". Type more of the title.\n")


def test_path_unknown_have_skill(run):
    result = run("path", "tpm", DIRECTOR, "--have", "Underwater basket weaving")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Unknown skill 'Underwater basket weaving' in --have. No skill has a close name; "
        "`careergraph show ROLE` lists a role's skills.\n"
    )


def test_path_no_route_from_a_role_without_moves(run):
    # a role only named in guides: no guide of its own, so no curated move out of it
    result = run("path", "Director of Engineering", "tpm", "--weight", "suggest_top=0")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: No route from 'Director of Engineering' to '{TPM}': 'Director of Engineering' "
        "has no outgoing moves (no guide or import names a move from it, and suggested moves "
        "are off with suggest_top=0). Add a guide for it.\n"
    )


def test_path_max_steps_too_small_names_nearest_roles(run):
    result = run("path", DIRECTOR, "tpm", "--max-steps", "1", "--weight", "suggest_top=0")
    assert result.exit_code == 1
    head, _, tail = result.stderr.partition(" Nearest reachable roles: ")
    assert head.startswith(
        f"Error: No route from '{DIRECTOR}' to '{TPM}': the shortest route takes "
    )
    assert head.endswith(" steps, more than --max-steps 1. Raise --max-steps.")
    assert len(tail.rstrip(".\n").split("; ")) == 3


# --- a guide added with build --guides ------------------------------------------------


@pytest.fixture(scope="module")
def extended(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("paths-graph") / "graph"
    # without the SHACL check (test_build_pipeline.py checks it): the routes are under test
    args = ["build", "--guides", str(NEW_GUIDES), "--out", str(out), "--no-validate"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    return out


def test_new_guide_routes_through_the_existing_graph(run, extended):
    data = json_of(
        run("path", "Reliability Program Manager", DIRECTOR, "--format", "json", graph=extended)
    )
    assert data["from"]["label"] == "Reliability Program Manager"
    first = data["routes"][0]["steps"]
    # the new guide only names moves to existing roles; the rest of the route is theirs
    assert first[0]["from"] == "Reliability Program Manager"
    assert first[0]["to"] in ("Senior/Lead Technical Program Manager", TPM)
    assert first[0]["kind"] in ("progression", "transition")
    assert first[-1]["to"] == DIRECTOR and len(first) >= 2
    assert any(s["kind"] != "suggested" for s in first[1:])


def test_new_guide_has_similar_roles_and_next_moves(run, extended):
    similar = json_of(
        run("similar", "Reliability Program Manager", "--format", "json", graph=extended)
    )
    assert similar["similar"] and all(0 < r["score"] <= 1 for r in similar["similar"])
    moves = json_of(run("next", "Reliability Program Manager", "--format", "json", graph=extended))
    kinds = {o["role"]: o["kind"] for o in moves["options"]}
    assert kinds["Senior/Lead Technical Program Manager"] == "progression"
    assert kinds[TPM] == "transition"


# --- next, gap, similar ------------------------------------------------------------------


def test_next_json_contract(run):
    data = json_of(run("next", "tpm", "--top", "8", "--format", "json"))
    assert data["role"]["label"] == TPM
    options = data["options"]
    assert 0 < len(options) <= 8
    for option in options:
        assert {"role", "kind", "overlap", "skills_to_gain", "salary_change", "score"} <= (
            option.keys()
        )
        assert 0.0 <= option["overlap"] <= 1.0
        assert option["kind"] in ("progression", "transition", "suggested")
    assert [o["score"] for o in options] == sorted((o["score"] for o in options), reverse=True)
    assert {"progression", "suggested"} <= {o["kind"] for o in options}


def test_next_table(run):
    result = run("next", "tpm", "--top", "3")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"Next moves from {TPM}"
    assert "Overlap" in result.stdout and "progression" in result.stdout


def test_gap_json_and_commonly_missing(run):
    data = json_of(run("gap", "tpm", "Solutions Architect", "--format", "json"))
    assert data["to"]["label"] == SA
    assert data["move"] == "transition"
    assert "Cloud architecture" in data["skills_to_gain"]
    assert "Technical documentation" in data["skills_kept"]
    assert "Cloud architecture" in data["missing_per_target_guide"]
    assert data["missing_per_source_guide"] == ["Infrastructure fundamentals"]
    have = json_of(
        run("gap", "tpm", "Solutions Architect", "--have", "Cloud architecture", "--format", "json")
    )
    assert "Cloud architecture" not in have["skills_to_gain"]
    assert "Cloud architecture" in have["skills_kept"]


def test_gap_table(run):
    result = run("gap", "tpm", "Solutions Architect")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"From {TPM} to {SA}\nA curated transition. Pay change: ")
    assert "  - Cloud architecture  (to gain)" in result.stdout


def test_gap_same_role(run):
    result = run("gap", "tpm", "TPM")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: FROM and TO are the same role ('{TPM}'); name two different roles.\n"
    )


def test_similar_json_and_table(run):
    data = json_of(run("similar", "tpm", "--top", "4", "--format", "json"))
    assert data["role"]["label"] == TPM
    assert 0 < len(data["similar"]) <= 4
    assert all(set(r) >= {"role", "score"} and 0 < r["score"] <= 1 for r in data["similar"])
    assert TPM not in [r["role"] for r in data["similar"]]
    table = run("similar", "tpm", "--top", "4")
    assert table.stdout.splitlines()[0] == f"Roles most like {TPM}"
    assert data["similar"][0]["role"] in table.stdout


def test_similar_of_a_role_without_profile(run):
    data = json_of(run("similar", "Director of Engineering", "--format", "json"))
    assert data["skills_unknown"] is True


@pytest.mark.parametrize("command", ["path", "next", "gap", "similar"])
def test_help(runner, command):
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "--format" in result.stdout and "--graph" in result.stdout


# --- preparation and the person's standing ---------------------------------------------------


def test_years_on_the_guide_graph_say_what_the_director_guide_expects(run):
    data = json_of(run("path", "TPM", DIRECTOR, "--years", "4", "--k", "1", "--format", "json"))
    route = data["routes"][0]
    assert data["standing"] == {"education": None, "years": 4.0, "credentials": []}
    prep = route["preparation"]
    assert prep["experience_expected"] == [10.0, 15.0]
    assert prep["experience_years"] == [6.0, 11.0]
    assert route["years_to_ready"] == [6.0, 11.0]
    assert prep["basis"] == "10-15 yrs of related experience expected, 6-11 yrs to go"
    table = run("path", "TPM", DIRECTOR, "--years", "4", "--k", "1")
    assert "You: 4 years of experience" in table.stdout
    assert "Basis: 10-15 yrs of related experience expected, 6-11 yrs to go" in table.stdout


def test_max_years_keeps_moves_ready_in_time(run):
    options = json_of(run("next", "TPM", "--max-years", "1", "--format", "json"))["options"]
    assert options and all(o["years_to_ready"][0] <= 1 for o in options)
    assert DIRECTOR not in [o["role"] for o in options]
    result = run("path", "TPM", DIRECTOR, "--max-years", "2")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: No route from '{TPM}' to '{DIRECTOR}' is ready within 2 years (--max-years); "
    )


def test_bad_education_is_a_usage_error(run):
    result = run("next", "TPM", "--education", "wizard school")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Unknown education level 'wizard school' in --education. Use one of: less than "
        "high school, high school, certificate, some college, associate, bachelor, masters, "
        "professional, phd, postdoc.\n"
    )


def test_have_accepts_credentials_without_bogus_suggestions(run):
    data = json_of(
        run("gap", "TPM", DIRECTOR, "--have", "PMP", "--have", "bar exam", "--format", "json")
    )
    assert data["credentials"] == ["PMP", "bar exam"]
    table = run("gap", "TPM", DIRECTOR, "--have", "PMP", "--education", "masters")
    assert "You: education Master's degree; holds PMP" in table.stdout


def test_next_says_why_and_leaves_out_step_downs(run):
    data = json_of(run("next", "TPM", "--top", "3", "--format", "json"))
    assert data["step_downs"] is False
    assert all(o["why"] and "preparation" in o for o in data["options"])
    table = run("next", "TPM", "--top", "3")
    assert "Why they rank so" in table.stdout
    assert "Moves to roles that ask less preparation are left out (--step-downs)." in table.stdout


def test_show_prints_preparation_near_the_top(run):
    result = run("show", DIRECTOR)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    at = lines.index("Preparation")
    assert at < lines.index("Key responsibilities")
    assert lines[at + 1] == "  - Experience at Entry Level: 10-15 yrs"
