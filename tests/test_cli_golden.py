"""Every command's ``--format json`` answer stays byte-identical.

The golden files hold what each command printed on the built-in graph and on
a graph imported from the O*NET fixtures (with wages): roles, show, path,
next, gap, similar, every named SPARQL query, parse on the seed guide, build
and import. Only volatile fields are normalised: build ids, timings and the
temporary folder a graph was written to. A restructuring must not change a
byte; when an answer changes on purpose, write them again with
``python tests/test_cli_golden.py`` and review the diff.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden" / "cli"
FIXTURES = HERE / "fixtures"
GUIDES = HERE.parent / "graph" / "data" / "guides"
SEED = GUIDES / "technical-program-manager-infrastructure-delivery.txt"
DIRECTOR = "Director of Technical Program Management"
DEVS = "Software Developers"
MANAGERS = "Computer and Information Systems Managers"


def sparql(name: str, *params: str) -> list[str]:
    """The ``sparql`` arguments running the named query ``name`` with ``params``."""
    return ["sparql", "--name", name, *(a for p in params for a in ("-p", p))]


ONET = ["--graph", "{onet}"]
WAGES = str(FIXTURES / "oews" / "oews_national_small.csv")

# name -> arguments, with {onet} and {out} standing for the fixture import and a fresh folder
COMMANDS: dict[str, list[str]] = {
    "path": ["path", "TPM", DIRECTOR, "--k", "3"],
    "next": ["next", "TPM"],
    "gap": ["gap", "TPM", DIRECTOR],
    "similar": ["similar", "TPM"],
    "roles": ["roles"],
    "show": ["show", "TPM"],
    "parse": ["parse", str(SEED)],
    "build": ["build", "--out", "{out}"],
    "sparql-employers-by-sector": sparql("employers-by-sector", "sector=Cloud and SaaS"),
    "sparql-ladder-to-role": sparql("ladder-to-role", f"role={DIRECTOR}"),
    "sparql-move-preparation": sparql("move-preparation", "from=TPM", f"to={DIRECTOR}"),
    "sparql-moves-from-role": sparql("moves-from-role", "role=TPM"),
    "sparql-moves-into-role": sparql("moves-into-role", f"role={DIRECTOR}"),
    "sparql-roles-by-sector": sparql("roles-by-sector", "sector=Cloud and SaaS"),
    "sparql-roles-needing-skill": sparql("roles-needing-skill", "skill=Stakeholder management"),
    "sparql-salary-bands": sparql("salary-bands", "level=Senior Level"),
    "sparql-skills-in-demand": sparql("skills-in-demand"),
    "sparql-skills-to-gain": sparql("skills-to-gain", "from=TPM", f"to={DIRECTOR}"),
    "onet-import": ["import", "onet", str(FIXTURES / "onet"), "--wages", WAGES, "--out", "{out}"],
    "onet-roles": ["roles", *ONET],
    "onet-show": ["show", DEVS, *ONET],
    "onet-path": ["path", DEVS, MANAGERS, *ONET],
    "onet-next": ["next", DEVS, *ONET],
    "onet-gap": ["gap", DEVS, MANAGERS, *ONET],
    "onet-similar": ["similar", DEVS, *ONET],
    "onet-sparql-moves-from-role": [*sparql("moves-from-role", f"role={DEVS}"), *ONET],
    "onet-sparql-salary-bands": [*sparql("salary-bands"), *ONET],
}

_BUILD_ID = re.compile(r'"build_id": "[0-9]{14}-[0-9a-f]{8}"')
_SECONDS = re.compile(r'"seconds": [0-9.]+')


def normalise(text: str, out: Path) -> str:
    """``text`` without the volatile fields: build ids, timings, the temporary output folder."""
    text = text.replace(str(out), "<OUT>")
    text = _BUILD_ID.sub('"build_id": "<BUILD>"', text)
    return _SECONDS.sub('"seconds": 0', text)


def answer(name: str, onet: Path, out: Path) -> str:
    args = [a.format(onet=onet, out=out) for a in COMMANDS[name]]
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return normalise(result.stdout, out)


def import_fixture(folder: Path) -> Path:
    """The O*NET fixture import (with wages) written to ``folder``."""
    args = COMMANDS["onet-import"]
    result = CliRunner().invoke(cli, [a.format(out=folder) for a in args])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def onet_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return import_fixture(tmp_path_factory.mktemp("golden") / "onet")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_answer_is_byte_identical(name: str, onet_graph: Path, tmp_path: Path) -> None:
    golden = (GOLDEN / f"{name}.json").read_text(encoding="utf-8")
    assert answer(name, onet_graph, tmp_path / "out") == golden


def test_normalise_keeps_everything_but_volatile_fields(tmp_path: Path) -> None:
    build = "20261201172008-50f0c52f"
    text = f'{{"out_dir": "{tmp_path}/g", "build_id": "{build}", "seconds": 0.57, "n": 3}}'
    expected = '{"out_dir": "<OUT>/g", "build_id": "<BUILD>", "seconds": 0, "n": 3}'
    assert normalise(text, tmp_path) == expected


def _regenerate(write: Callable[[str, str], None]) -> None:
    base = Path(tempfile.mkdtemp(prefix="golden-"))
    onet = import_fixture(base / "onet")
    for i, name in enumerate(COMMANDS):
        write(name, answer(name, onet, base / f"out{i}"))


if __name__ == "__main__":
    GOLDEN.mkdir(parents=True, exist_ok=True)

    def _write(name: str, text: str) -> None:
        (GOLDEN / f"{name}.json").write_text(text, encoding="utf-8")
        print(f"wrote {GOLDEN / f'{name}.json'}", file=sys.stderr)

    _regenerate(_write)
