"""Plain tables and lines (graph.cli.plain) print what rich prints into a pipe, byte for byte."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.console import Console

from graph.cli.plain import PlainConsole, PlainTable, plain_output

REPO = Path(__file__).resolve().parents[1]

#: one-cell text the plain console lays out itself, with the spaces and breaks that matter
_PLAIN = st.text(alphabet=st.sampled_from("aab  cdE-/(),.:;+$é\u00a0\n"), max_size=40)
#: anything else it must hand to rich: tabs, wide and combining characters, emoji codes, markup
_OTHER = st.lists(
    st.sampled_from(["a", " ", "\t", "日本", "e\u0301", ":smile:", "[b]", "\r", "–"]), max_size=8
).map("".join)
_CELL = st.one_of(_PLAIN, _PLAIN, _PLAIN, _OTHER)


def _by_rich(width: int, *objects: Any, **options: Any) -> str:
    console = Console(highlight=False, soft_wrap=False, width=width, file=io.StringIO())
    with console.capture() as captured:
        console.print(*objects, **options)
    return captured.get()


def _by_plain(width: int, *objects: Any, **options: Any) -> str:
    console = PlainConsole(width)
    with console.capture() as captured:
        console.print(*objects, **options)
    return captured.get()


@st.composite
def tables(draw: Any) -> PlainTable:
    # mostly tables the plain console lays out itself; some it must hand to rich
    cell = _CELL if draw(st.integers(0, 9)) == 0 else _PLAIN
    table = PlainTable(draw(st.one_of(st.none(), cell)))
    for _ in range(draw(st.integers(1, 6))):
        table.add_column(
            draw(cell),
            justify=draw(st.sampled_from(["left", "right"])),
            overflow=draw(st.sampled_from(["fold", "ellipsis"])),
            max_width=draw(st.one_of(st.none(), st.integers(1, 50))),
            min_width=draw(st.one_of(st.none(), st.integers(0, 15))),
        )
    for _ in range(draw(st.integers(0, 5))):
        cells = [draw(cell) for _ in table.columns]
        table.add_row(*cells, end_section=draw(st.booleans()))
    return table


@settings(max_examples=400, deadline=None)
@given(table=tables(), width=st.integers(5, 130))
@example(  # the header of a wrapped column sits at the bottom of the header row
    table=(lambda t: (t.add_column("Pay change"), t.add_column("a long header here"), t)[-1])(
        PlainTable("A title longer than the table is wide")
    ),
    width=14,
)
def test_a_table_prints_as_rich_prints_it(table: PlainTable, width: int) -> None:
    assert _by_plain(width, table, markup=False) == _by_rich(width, table, markup=False)


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(_PLAIN, _CELL, st.text(max_size=30)),
    width=st.integers(5, 130),
    soft_wrap=st.sampled_from([None, False, True]),
    crop=st.booleans(),
)
@example(text="x" * 30 + "   " + "y" * 30, width=31, soft_wrap=None, crop=True)
def test_a_line_prints_as_rich_prints_it(
    text: str, width: int, soft_wrap: bool | None, crop: bool
) -> None:
    options = {"markup": False, "soft_wrap": soft_wrap, "crop": crop, "style": "bold"}
    assert _by_plain(width, text, **options) == _by_rich(width, text, **options)


def test_an_empty_print_is_an_empty_line_and_markup_goes_to_rich() -> None:
    assert _by_plain(40) == "\n"
    assert _by_plain(40, "[bold]x[/bold]") == _by_rich(40, "[bold]x[/bold]") == "x\n"


@pytest.mark.parametrize(
    ("env", "tty", "encoding", "plain"),
    [
        ({}, False, "utf-8", True),
        ({}, True, "utf-8", False),
        ({}, False, "ascii", False),  # rich draws the box in ASCII then
        ({"FORCE_COLOR": "1"}, False, "utf-8", False),
        ({"FORCE_COLOR": ""}, True, "utf-8", True),
        ({"TTY_COMPATIBLE": "1"}, False, "utf-8", False),
        ({"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"}, True, "utf-8", True),
    ],
)
def test_plain_output_is_chosen_exactly_when_rich_prints_plain_text(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], tty: bool, encoding: str, plain: bool
) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return tty

        @property
        def encoding(self) -> str:  # type: ignore[override]
            return encoding

    stream = Stream()
    assert plain_output(stream) is plain
    # rich agrees: colour and styles (or an ASCII box) exactly when output is not plain
    console = Console(file=stream, width=30, highlight=False)
    table = PlainTable()
    table.add_column("h")
    table.add_row("x")
    console.print(table, markup=False, style="bold")
    assert (stream.getvalue() == _by_plain(30, table, markup=False)) is plain


def test_route_commands_do_not_import_rich_into_a_pipe() -> None:
    code = (
        "import sys; from graph.cli import main; sys.argv = ['careergraph', 'path', 'TPM', "
        "'Director of Technical Program Management']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rich'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert "Route 1:" in done.stdout
    assert done.stdout.splitlines()[-1] == "[]"
