"""One vocabulary of options: every command that writes takes --out, and every documented
``careergraph ...`` example (README, --help texts) parses with the real command line."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from conftest import REPO

from graph.cli import cli

#: commands that write files or folders; each must take --out
WRITERS = {"build", "import onet", "import esco", "viz", "export"}
#: path options that name input, not output
INPUTS = {"--graph", "--guides", "--wages", "--file"}


def commands(group: click.Group = cli, prefix: str = "") -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.update(commands(command, prefix + name + " "))
        else:
            found[prefix + name] = command
    return found


def options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option)]


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_writing_command_takes_out(name: str) -> None:
    command = commands()[name]
    outs = [p for p in options(command) if "--out" in p.opts]
    assert outs, f"'{name}' writes but has no --out"
    assert isinstance(outs[0].type, click.Path)


@pytest.mark.parametrize("name", sorted(commands()))
def test_an_output_path_is_always_called_out(name: str) -> None:
    # a path option that is not an input is where the command writes: it must be --out
    for param in options(commands()[name]):
        if isinstance(param.type, click.Path | click.File) and not INPUTS & set(param.opts):
            assert "--out" in param.opts, f"'{name}' writes to {param.opts}, not --out"
            assert name in WRITERS


def test_viz_keeps_its_old_output_names(runner, tmp_path: Path) -> None:
    for flag in ("-o", "--output", "--out"):
        out = tmp_path / f"{flag.strip('-')}.html"
        result = runner.invoke(cli, ["viz", "--focus", "TPM", flag, str(out)])
        assert result.exit_code == 0, result.output
        assert result.output == f"Wrote {out}\n" and out.is_file()


def test_push_accepts_table_like_every_other_command() -> None:
    formats = {
        name: p.type.choices
        for name, command in commands().items()
        for p in options(command)
        if "--format" in p.opts and isinstance(p.type, click.Choice)
    }
    human = {name for name, choices in formats.items() if "table" in choices}
    # every command with a human-readable and a JSON form calls them table and json
    assert {name for name, choices in formats.items() if "json" in choices} - human == {"parse"}


# ---------------------------------------------------------------------------
# Documented examples parse
# ---------------------------------------------------------------------------


def _command_lines(text: str) -> list[str]:
    """``careergraph ...`` command lines of fenced and indented code blocks (with continuations)."""
    lines: list[str] = []
    in_fence = False
    pending = ""
    for raw in text.splitlines():
        if raw.strip().startswith("```"):
            in_fence = not in_fence
            continue
        code = in_fence or raw.startswith("    ")
        if pending:
            pending += " " + raw.strip()
        elif code:
            line = raw.strip().removeprefix("$ ")
            if "&& careergraph " in line:  # install && run, as the README's first command
                line = line[line.index("&& careergraph ") + 3 :]
            if re.match(r"(?:[A-Z_]+=\S* )*careergraph ", line):
                pending = line
        if pending:
            if pending.endswith("\\"):
                pending = pending[:-1].rstrip()
                continue
            if not _complete(pending):
                continue  # a quoted query that goes on over the next lines
            lines.append(pending)
            pending = ""
    return lines


def _complete(line: str) -> bool:
    try:
        shlex.split(line, comments=True)
    except ValueError:
        return False
    return True


def _help_examples() -> list[str]:
    found = []
    for command in commands().values():
        for line in (command.help or "").splitlines():
            if line.strip().startswith("careergraph "):
                found.append(line.strip())
    return found


def _argv(line: str) -> list[str]:
    words = shlex.split(line, comments=True)
    words = words[words.index("careergraph") + 1 :]
    for stop in ("|", "&", "&&", ";"):
        if stop in words:
            words = words[: words.index(stop)]
    return words


def parse(argv: list[str]) -> str:
    """Parse ``argv`` as the command line would, without running it; return the command's name."""
    ctx = cli.make_context("careergraph", list(argv))
    command: click.Command = cli
    names = []
    while isinstance(command, click.Group):
        rest = [*ctx.protected_args, *ctx.args] if hasattr(ctx, "protected_args") else ctx.args
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None and name is not None
        names.append(name)
        ctx = sub.make_context(name, rest, parent=ctx)
        command = sub
    return " ".join(names)


README_EXAMPLES = _command_lines((REPO / "README.md").read_text(encoding="utf-8"))


def test_the_readme_has_examples_to_check() -> None:
    assert len(README_EXAMPLES) > 20
    assert any(line.startswith("careergraph import onet --download") for line in README_EXAMPLES)


@pytest.mark.parametrize("line", README_EXAMPLES + _help_examples())
def test_documented_example_parses(line: str) -> None:
    try:
        name = parse(_argv(line))
    except click.UsageError as exc:
        pytest.fail(f"{line!r} does not parse: {exc.format_message()}")
    assert name in commands()


def test_parse_catches_drift() -> None:
    with pytest.raises(click.UsageError, match="--output-file"):
        parse(_argv("careergraph export --format csv --output-file x"))
    with pytest.raises(click.UsageError, match="No such command 'imports'"):
        parse(_argv("careergraph imports onet x"))
