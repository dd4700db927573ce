"""Route answers stay byte-identical: ``--format json`` of path, next, gap and similar.

The golden files hold what each command printed on the built-in graph. A
change to loading, imports or the write path must not change a byte; when an
answer changes on purpose, write them again with
``python tests/test_cli_golden.py`` and review the diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "cli"
DIRECTOR = "Director of Technical Program Management"

COMMANDS = {
    "path": ["path", "TPM", DIRECTOR, "--k", "3"],
    "next": ["next", "TPM"],
    "gap": ["gap", "TPM", DIRECTOR],
    "similar": ["similar", "TPM"],
}


def answer(name: str) -> str:
    result = CliRunner().invoke(cli, [*COMMANDS[name], "--format", "json"])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_answer_is_byte_identical(name: str) -> None:
    golden = (GOLDEN / f"{name}.json").read_text(encoding="utf-8")
    assert answer(name) == golden


if __name__ == "__main__":
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name in COMMANDS:
        (GOLDEN / f"{name}.json").write_text(answer(name), encoding="utf-8")
        print(f"wrote {GOLDEN / f'{name}.json'}", file=sys.stderr)
