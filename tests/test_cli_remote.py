"""The command line against an endpoint: push, and every reading command answering as locally."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from support.fake_sparql import READING_COMMANDS, FakeSparql, compare_commands, compare_viz

from graph.cli import cli
from graph.store.remote import DEFAULT_NAMED_GRAPH

pytestmark = pytest.mark.usefixtures("clean_endpoint_env")


# ---------------------------------------------------------------------------
# The command line: push, and every reading command against an endpoint
# ---------------------------------------------------------------------------


def test_push_command_needs_an_endpoint(runner):
    result = runner.invoke(cli, ["push"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: push needs the server: give --endpoint URL (or $CAREERGRAPH_ENDPOINT).\n"
    )


def test_push_command(runner, fake: FakeSparql, builtin_dir: Path):
    args = ["--endpoint", fake.url + "/sparql", "--update-endpoint", fake.url + "/update"]
    result = runner.invoke(
        cli, [*args, "push", "--graph", str(builtin_dir), "--graph-store", fake.url + "/gsp"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"Loaded <{DEFAULT_NAMED_GRAPH}> on {fake.url}/sparql with ")
    again = runner.invoke(cli, [*args, "push", "--graph", str(builtin_dir)])
    assert again.exit_code == 2
    assert "add --replace to swap it" in again.stderr
    swapped = runner.invoke(cli, [*args, "push", "--replace", "--format", "json"])
    assert swapped.exit_code == 0, swapped.stderr
    report = json.loads(swapped.stdout)
    assert report["replaced"] is True and report["triples"] == report["remote_triples"]


def test_reading_from_an_unreachable_endpoint_is_exit_1(runner):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = runner.invoke(cli, ["--endpoint", f"http://127.0.0.1:{port}/sparql", "roles"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Cannot reach the SPARQL endpoint http://127.0.0.1:{port}/sparql: Connection "
        "refused. Is the server running, and is the URL right?\n"
    )


def test_the_viz_page_is_the_same_remotely(runner, served: FakeSparql, builtin_dir, tmp_path):
    compare_viz(runner, served.url + "/sparql", builtin_dir, tmp_path)


@pytest.mark.parametrize("name", sorted(READING_COMMANDS))
def test_every_reading_command_answers_the_same_remotely(
    runner, served: FakeSparql, builtin_dir: Path, name
):
    compare_commands(runner, served.url + "/sparql", builtin_dir, name)
