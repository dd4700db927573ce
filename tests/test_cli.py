"""The command line: help everywhere, exit codes, exact messages, console scripts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import FIXTURES, GOLDEN, REPO, SEED, console_script

from graph.cli import cli


def all_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((prefix + name, command))
        if isinstance(command, click.Group):
            found += all_commands(command, prefix + name + " ")
    return found


@pytest.mark.parametrize(("name", "command"), all_commands(cli), ids=lambda x: str(x))
def test_every_command_has_help_text(runner, name, command):
    assert (command.help or "").strip(), f"{name} has no help"
    result = runner.invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_main_help_lists_the_core_commands(runner):
    result = runner.invoke(cli, ["--help"])
    for name in ("build", "parse", "validate", "roles", "show"):
        assert name in result.output


@pytest.mark.installed
def test_console_script_and_module_run():
    exe = console_script()
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("careergraph, version ")
    mod = subprocess.run(
        [sys.executable, "-m", "graph", "--version"], capture_output=True, text=True, check=True
    )
    assert mod.stdout == out.stdout


@pytest.mark.installed
def test_installed_command_works_outside_the_repository(tmp_path):
    """The console script on its own: no source folder on the path, run from elsewhere."""
    exe = console_script()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [exe, *args], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600
        )

    path = run("path", "TPM", "Director of TPM", "--k", "1", "--format", "json")
    assert path.returncode == 0, path.stderr
    steps = json.loads(path.stdout)["routes"][0]["steps"]
    assert [(s["from"], s["to"], s["kind"]) for s in steps] == [
        (
            "Technical Program Manager (Infrastructure & Delivery)",
            "Director of Technical Program Management",
            "progression",
        )
    ]
    query = run("sparql", "--name", "moves-from-role", "--param", "role=TPM", "--format", "csv")
    assert query.returncode == 0, query.stderr
    assert query.stdout.splitlines()[0] == "to,toLabel,kind,skillsToGain"
    assert "Director of Technical Program Management,progression,People management;" in query.stdout
    viz = run("viz", "--focus", "TPM", "-o", "page.html")
    assert viz.returncode == 0, viz.stderr
    assert viz.stdout == "Wrote page.html\n"
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") or page.startswith("<!doctype html>")
    assert '"label":"Director of Technical Program Management"' in page
    # the installed package, not this source tree, answered
    where = subprocess.run(
        [str(Path(exe).with_name("python")), "-c", "import graph; print(graph.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    if where.returncode == 0:
        # the installed copy (a venv may live inside the checkout), not the source tree's graph/
        assert not where.stdout.startswith(str(REPO / "graph")), where.stdout


def test_parse_prints_the_seed_as_its_golden_json(runner):
    result = runner.invoke(cli, ["parse", str(SEED)])
    assert result.exit_code == 0
    golden = json.loads(
        (GOLDEN / "guides" / "technical-program-manager-infrastructure-delivery.json").read_text()
    )
    assert json.loads(result.stdout) == golden


def test_parse_turtle(runner):
    result = runner.invoke(cli, ["parse", str(SEED), "--format", "turtle"])
    assert result.exit_code == 0
    from rdflib import Graph

    g = Graph().parse(data=result.stdout, format="turtle")
    assert len(g) > 150


def test_parse_a_missing_file(runner, tmp_path):
    result = runner.invoke(cli, ["parse", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert "nope.txt" in result.stderr


def test_parse_an_empty_file(runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = runner.invoke(cli, ["parse", str(empty)])
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["parse", "{tmp}/empty.txt"], 1),
        (["parse", "{tmp}/missing.txt"], 1),
        (["roles", "--graph", "{tmp}"], 1),
        (["show", "Technical Program Wizard"], 2),
    ],
)
def test_a_real_process_prints_one_error_line_and_no_traceback(tmp_path, args, code):
    """Outside CliRunner (which catches everything) an escaped exception is a traceback."""
    (tmp_path / "empty.txt").write_text("")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "graph", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr


def test_build_prints_counts_and_writes_the_folder(runner, tmp_path):
    out = tmp_path / "g"
    result = runner.invoke(cli, ["build", "--out", str(out), "--guides", str(FIXTURES / "build")])
    assert result.exit_code == 0, result.stderr
    assert f"Built {out} from 16 guides" in result.stdout
    assert "Kubernetes operations" in result.stdout
    assert "conforms" in result.stdout
    assert (out / "graph.ttl").is_file() and (out / "manifest.json").is_file()
    roles = runner.invoke(cli, ["roles", "--graph", str(out), "--format", "json"])
    labels = {r["label"] for r in json.loads(roles.stdout)}
    assert "Site Reliability Engineer" in labels


def test_build_with_a_bad_guide_exits_1_and_keeps_the_old_graph(runner, tmp_path, built_copy):
    out = built_copy
    manifest = (out / "manifest.json").read_text()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.txt").write_bytes(b"Title\n\xff\xfe broken")
    result = runner.invoke(cli, ["build", "--out", str(out), "--guides", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "x.txt" in result.stderr
    assert (out / "manifest.json").read_text() == manifest


def test_build_with_a_missing_folder(runner, tmp_path):
    result = runner.invoke(cli, ["build", "--out", str(tmp_path / "g"), "--guides", "nowhere"])
    assert result.exit_code == 1
    assert result.stderr == "Error: Guide folder nowhere does not exist.\n"


def test_validate_the_builtin_graph(runner):
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Conforms: ")


def test_validate_reports_violations(runner, built_copy):
    out = built_copy
    ttl = out / "graph.ttl"
    ttl.write_text(
        ttl.read_text()
        + "\n<https://w3id.org/careergraph/id/role/x>"
        + " a <https://w3id.org/careergraph/ontology#Role> .\n"
    )
    result = runner.invoke(cli, ["validate", "--graph", str(out)])
    assert result.exit_code == 1
    assert "role/x" in result.stdout and "rdfs:label" in result.stdout
    assert result.stderr.startswith("Error: ") and "SHACL violations" in result.stderr


def test_graph_option_on_a_folder_without_a_graph(runner, tmp_path):
    result = runner.invoke(cli, ["roles", "--graph", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path} holds no built graph (no manifest.json). "
        "Run 'careergraph build --out DIR' or an import first.\n"
    )


def test_show_prints_the_role_card(runner):
    result = runner.invoke(cli, ["show", "TPM"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Technical Program Manager (Infrastructure & Delivery)\n")
    for text in (
        "Key responsibilities",
        "ServiceNow",
        "JPMorgan Chase",
        "US$190k–US$250k+",
        "Release Program Manager",
    ):
        assert text in result.stdout


def test_show_json_has_every_section(runner):
    result = runner.invoke(cli, ["show", "Director of TPM", "--format", "json"])
    card = json.loads(result.stdout)
    assert card["label"] == "Director of Technical Program Management"
    for key in (
        "responsibilities",
        "top_skills",
        "skill_gaps",
        "salary",
        "employers",
        "sectors",
        "next_steps",
        "can_lead_to",
        "transition_opportunities",
        "moves_in",
    ):
        assert card[key], key


def test_show_unknown_role_exits_2_with_suggestions(runner):
    result = runner.invoke(cli, ["show", "Technical Program Wizard"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Unknown role 'Technical Program Wizard'. Did you mean: "
        "Technical Program Manager (Infrastructure & Delivery); "
        "Infrastructure Program Lead / Head of Technical Programs; "
        "Senior/Lead Technical Program Manager?\n"
    )


def test_markup_in_guide_text_prints_literally(runner, tmp_path):
    text = (FIXTURES / "build" / "site-reliability-engineer.txt").read_text()
    text = text.replace("Linux and networking troubleshooting", "[bold red]Linux[/] <b>kernels</b>")
    (tmp_path / "sre.txt").write_text(text)
    out = tmp_path / "g"
    # no SHACL check: the markup printed back is under test
    build = ["build", "--out", str(out), "--guides", str(tmp_path / "sre.txt"), "--no-validate"]
    assert runner.invoke(cli, build).exit_code == 0
    result = runner.invoke(cli, ["show", "Site Reliability Engineer", "--graph", str(out)])
    assert "[bold red]Linux[/] <b>kernels</b>" in result.stdout


def _table_rows(stdout: str) -> dict[str, list[str]]:
    """Role label -> the other cells of a 'roles' table (columns split on 2+ spaces)."""
    import re

    rows = {}
    for line in stdout.splitlines()[4:]:
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) == 5:
            rows[cells[0]] = cells[1:]
    return rows


def test_roles_table_lists_every_role_with_its_source_and_counts(runner, store):
    result = runner.invoke(cli, ["roles"])
    assert result.exit_code == 0, result.stderr
    total = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?r a cg:Role }")[0]["n"]
    assert result.stdout.splitlines()[0].strip() == f"{total} roles"
    assert result.stdout.splitlines()[2].split() == [
        "Role", "Source", "Skills", "Moves", "out", "Moves", "in",
    ]  # fmt: skip
    rows = _table_rows(result.stdout)
    assert len(rows) == total
    assert rows["Technical Program Manager (Infrastructure & Delivery)"] == [
        "seed guide", "10", "10", "6",
    ]  # fmt: skip
    assert rows["Director of Technical Program Management"] == ["authored guide", "9", "6", "7"]
    assert rows["Cloud Architect"] == ["named", "0", "0", "0"]


def test_roles_guides_only(runner):
    result = runner.invoke(cli, ["roles", "--guides-only"])
    assert result.exit_code == 0, result.stderr
    shipped = len(list((REPO / "graph" / "data" / "guides").glob("*.txt")))  # one role each
    assert result.stdout.splitlines()[0].strip() == f"{shipped} roles"
    rows = _table_rows(result.stdout)
    assert len(rows) == shipped
    assert {cells[0] for cells in rows.values()} == {"seed guide", "authored guide"}
    assert "Cloud Architect" not in rows
    listed = runner.invoke(cli, ["roles", "--guides-only", "--format", "json"])
    data = json.loads(listed.stdout)
    assert sorted(r["label"] for r in data) == sorted(rows)
    assert {r["guide"] for r in data} == {"seed", "authored"}


def test_build_json_report(runner, tmp_path):
    out = tmp_path / "g"
    result = runner.invoke(
        cli,
        [
            "build",
            "--out",
            str(out),
            "--guides",
            str(FIXTURES / "build"),
            "--format",
            "json",
            "--no-validate",
        ],  # fmt: skip
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report["guides"]) == 16
    assert report["counts"]["roles"] >= 16 and report["counts"]["triples"] > 1000
    assert report["build_id"] == json.loads((out / "manifest.json").read_text())["build_id"]
    assert result.stderr == ""  # warnings travel in the JSON, not as extra lines
