"""Tables and lines into a pipe or a file, as rich prints them, without importing rich.

Into a pipe or a file rich prints plain text: no colours, no styles. Importing
rich and laying a table out with it costs a cold command ~30 ms, a sixth of
the interpreter's whole start, so :class:`PlainConsole` and :class:`PlainTable`
do the same for what the commands print: lines, and tables with the
``SIMPLE_HEAD`` box, left or right aligned columns, ``fold`` or ``ellipsis``
overflow, minimum and maximum widths, titles and sections. They follow rich's
own steps (column measuring, collapsing, word wrapping and cropping) for text
whose every character is one cell wide, and hand anything else (a tab, a wide
or combining character, an emoji code, markup, another renderable) to rich
itself, so the output is rich's, byte for byte. A terminal gets rich as before
(:func:`plain_output`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

__all__ = ["PlainConsole", "PlainTable", "plain_output"]


#: characters rich counts as one cell wide without looking them up (rich.cells), and newline
_ONE_CELL = frozenset(
    chr(c)
    for start, end in (
        (0x20, 0x7E),
        (0xA0, 0xAC),
        (0xAE, 0x2FF),
        (0x370, 0x482),
        (0x2500, 0x25FC),
        (0x2800, 0x28FF),
    )
    for c in range(start, end + 1)
) | {"\n"}

#: what rich would read as an emoji code (``:smile:``), even with markup off
_EMOJI = re.compile(r":\S*?:")
_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")


def plain_output(stream: Any = None) -> bool:
    """Whether rich prints plain text to ``stream`` (stdout): no terminal, UTF-8, no colour forced.

    The environment variables are the ones rich reads (``TTY_COMPATIBLE``,
    ``FORCE_COLOR``); in IPython and on Windows rich decides alone.
    """
    import builtins

    stream = sys.stdout if stream is None else stream
    if hasattr(builtins, "get_ipython") or sys.platform == "win32":
        return False
    tty = os.environ.get("TTY_COMPATIBLE", "")
    if tty == "1":
        return False
    if tty != "0":
        force = os.environ.get("FORCE_COLOR")
        if force is not None:
            if force != "":
                return False
        else:
            try:
                if stream.isatty():
                    return False
            except (AttributeError, ValueError):
                pass
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower()
    return encoding.startswith("utf")


def _plain_text(text: str) -> bool:
    return _ONE_CELL.issuperset(text) and not _EMOJI.search(text)


def _divide_line(text: str, width: int, fold: bool) -> list[int]:
    """Where rich breaks a line to fit ``width`` (rich._wrap.divide_line, one-cell text)."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:
            if fold:
                chunks = [word[i : i + width] for i in range(0, len(word), width)]
                for n, chunk in enumerate(chunks):
                    if start:
                        breaks.append(start)
                    if n == len(chunks) - 1:
                        offset = len(chunk)
                    else:
                        start += len(chunk)
            else:
                if start:
                    breaks.append(start)
                offset = len(word)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return breaks


def _truncate(text: str, width: int, overflow: str, pad: bool = False) -> str:
    length = len(text)
    if length > width:
        text = text[: width - 1] + "…" if overflow == "ellipsis" else text[:width]
    if pad and length < width:
        text += " " * (width - length)
    return text


def _wrap(text: str, width: int, justify: str, overflow: str) -> list[str]:
    """rich's ``Text.wrap``: word-wrapped lines, justified, none wider than ``width``."""
    lines: list[str] = []
    for line in text.split("\n"):
        cuts = [0, *_divide_line(line, width, overflow == "fold"), len(line)]
        pieces = []
        for start, end in zip(cuts, cuts[1:], strict=False):
            piece = line[start:end]
            if len(piece) > width:
                trailing = _TRAILING_SPACE.search(piece)
                if trailing:
                    piece = piece[: -min(len(trailing.group(0)), len(piece) - width)]
            pieces.append(piece)
        if justify == "left":
            pieces = [_truncate(p, width, overflow, pad=True) for p in pieces]
        elif justify == "right":
            pieces = [_truncate(p.rstrip(), width, overflow) for p in pieces]
            pieces = [" " * (width - len(p)) + p for p in pieces]
        lines.extend(_truncate(p, width, overflow) for p in pieces)
    return lines


def _normalize(low: int, high: int) -> tuple[int, int]:
    low = min(max(0, low), high)
    return max(0, low), max(0, max(low, high))


def _measure(text: str, max_width: int) -> tuple[int, int]:
    """rich's ``Measurement.get`` of a cell: the text padded one space either side."""
    if max_width < 1:
        return 0, 0
    if max_width - 2 < 1:
        low, high = max_width, max_width
    else:
        lines = text.splitlines()
        longest = max(len(line) for line in lines) if lines else 0
        words = text.split()
        word = max(len(w) for w in words) if words else longest
        low, high = _normalize(word, longest)
        low, high = min(low, max_width), min(high, max_width)
        low, high = (0, 0) if high < 1 else _normalize(low, high)
        low, high = min(low + 2, max_width), min(high + 2, max_width)
    low, high = _normalize(low, high)
    low, high = min(low, max_width), min(high, max_width)
    return (0, 0) if high < 1 else _normalize(low, high)


def _ratio_reduce(
    total: int, ratios: list[int], maximums: list[int], values: list[int]
) -> list[int]:
    ratios = [ratio if most else 0 for ratio, most in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, most, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            given = min(most, round(ratio * remaining / total_ratio))
            result.append(value - given)
            remaining -= given
            total_ratio -= ratio
        else:
            result.append(value)
    return result


class _Column:
    def __init__(
        self,
        header: str,
        justify: str = "left",
        overflow: str = "ellipsis",
        max_width: int | None = None,
        min_width: int | None = None,
    ) -> None:
        self.header = header
        self.justify = justify
        self.overflow = overflow
        self.max_width = max_width
        self.min_width = min_width
        self.cells: list[str] = []

    def measure(self, max_width: int) -> tuple[int, int]:
        if max_width < 1:
            return 0, 0
        sizes = [_measure(text, max_width) for text in (self.header, *self.cells)]
        low = max(size[0] for size in sizes)
        high = max(size[1] for size in sizes)
        low, high = min(low, max_width), min(high, max_width)
        if self.min_width is not None:
            least = max(0, self.min_width + 2)
            low, high = max(low, least), max(high, least)
        if self.max_width is not None:
            low, high = min(low, self.max_width + 2), min(high, self.max_width + 2)
        return low, high


class PlainTable:
    """A table printed as rich prints ``Table(title, box=SIMPLE_HEAD, title_justify="left")``.

    Built like a rich table (``add_column``, ``add_row``); a rich console
    prints it as the rich table it stands for (``__rich__``).

    Examples
    --------
    >>> table = PlainTable("Pets")
    >>> table.add_column("Name")
    >>> table.add_column("Legs", justify="right")
    >>> table.add_row("cat", "4")
    >>> print("\\n".join(line.rstrip() for line in table.lines(40)))
    Pets
    <BLANKLINE>
      Name   Legs
     ─────────────
      cat       4
    <BLANKLINE>
    """

    def __init__(self, title: str | None = None) -> None:
        self.title = title
        self.columns: list[_Column] = []
        self.rows: list[bool] = []  # each row: does a section end after it

    def add_column(self, header: str = "", **options: Any) -> None:
        self.columns.append(_Column(header, **options))

    def add_row(self, *cells: str, end_section: bool = False) -> None:
        for n, column in enumerate(self.columns):
            column.cells.append(cells[n] if n < len(cells) else "")
        self.rows.append(end_section)

    def __rich__(self) -> Any:
        from rich import box
        from rich.table import Table

        table = Table(title=self.title, box=box.SIMPLE_HEAD, title_justify="left", expand=False)
        for column in self.columns:
            table.add_column(
                column.header,
                justify=column.justify,  # type: ignore[arg-type]
                overflow=column.overflow,  # type: ignore[arg-type]
                max_width=column.max_width,
                min_width=column.min_width,
            )
        for n, end_section in enumerate(self.rows):
            table.add_row(*(column.cells[n] for column in self.columns), end_section=end_section)
        return table

    def _widths(self, max_width: int) -> list[int]:
        """rich's ``Table._calculate_column_widths`` (no ratios, no expand, no fixed widths)."""
        columns = self.columns
        widths = [column.measure(max_width)[1] or 1 for column in columns]
        if sum(widths) > max_width:
            excess = sum(widths) - max_width
            while sum(widths) and excess > 0:
                most = max(widths)
                second = max((w if w != most else 0) for w in widths)
                ratios = [1 if w == most else 0 for w in widths]
                if not any(ratios) or not most - second:
                    break
                widths = _ratio_reduce(
                    excess, ratios, [min(excess, most - second)] * len(widths), widths
                )
                excess = sum(widths) - max_width
            if sum(widths) > max_width:
                excess = sum(widths) - max_width
                widths = _ratio_reduce(excess, [1] * len(widths), widths, widths)
            widths = [c.measure(max(0, w))[1] or 0 for w, c in zip(widths, columns, strict=True)]
        return widths

    def lines(self, width: int) -> list[str] | None:
        """The lines rich prints on a console ``width`` wide, or None where rich must print it."""
        texts = [self.title or ""] + [c.header for c in self.columns]
        texts += [cell for c in self.columns for cell in c.cells]
        if not self.columns or not all(_plain_text(text) for text in texts):
            return None
        if "[" in (self.title or ""):
            return None  # rich reads a title's markup whatever the print call says
        extra = 2 + len(self.columns) - 1
        widths = self._widths(max(0, width - extra))
        if any(w < 3 for w in widths):
            return None  # a column too narrow for its padding: rich's corner cases
        table_width = sum(widths) + extra
        out = []
        if self.title:
            out += _wrap(self.title, table_width, "left", "fold")
        blank = " " * table_width
        out.append(blank)
        rows = [(True, False)] + [(False, end) for end in self.rows]
        for n, (header, end_section) in enumerate(rows):
            cells = []
            for column, w in zip(self.columns, widths, strict=True):
                text = column.header if header else column.cells[n - 1]
                wrapped = _wrap(text, w - 2, column.justify, column.overflow)
                cells.append([f" {line[: w - 2].ljust(w - 2)} " for line in wrapped])
            height = max(len(cell) for cell in cells)
            for cell, w in zip(cells, widths, strict=True):
                fill = [" " * w] * (height - len(cell))
                cell[:] = fill + cell if header else cell + fill  # headers sit at the bottom
            out += [" " + " ".join(parts) + " " for parts in zip(*cells, strict=True)]
            if header:
                out.append(" " + "─".join("─" * w for w in widths) + " ")
            elif end_section and n < len(rows) - 1:
                out.append(blank)
        out.append(blank)
        return [line[:width] for line in out]


class PlainConsole:
    """The part of rich's ``Console`` the views use, for plain output ``width`` columns wide.

    Anything it cannot print as rich would (see the module docstring) is
    printed by a rich console made on first need, into the same output.
    """

    is_terminal = False

    def __init__(self, width: int) -> None:
        self.width = width
        self._captured: list[str] | None = None
        self._rich: Any = None

    @property
    def file(self) -> TextIO:
        return sys.stdout

    def _write(self, text: str) -> None:
        if self._captured is not None:
            self._captured.append(text)
        else:
            self.file.write(text)

    def _by_rich(self, *objects: Any, **options: Any) -> None:
        if self._rich is None:
            from rich.console import Console

            self._rich = Console(highlight=False, soft_wrap=False, width=self.width)
        with self._rich.capture() as captured:
            self._rich.print(*objects, **options)
        self._write(captured.get())

    def print(
        self,
        *objects: Any,
        style: str | None = None,
        markup: bool | None = None,
        highlight: bool | None = None,
        crop: bool = True,
        soft_wrap: bool | None = None,
    ) -> None:
        """Print one text or table as rich would (styles are not shown in plain text)."""
        options = {"style": style, "markup": markup, "highlight": highlight, "crop": crop}
        if not objects:
            self._write("\n")
            return
        (thing,) = objects if len(objects) == 1 else (None,)
        if isinstance(thing, PlainTable) and markup is False:
            lines = thing.lines(self.width)
            if lines is not None:
                self._write("".join(line + "\n" for line in lines))
                return
        elif isinstance(thing, str) and markup is False and _plain_text(thing):
            if soft_wrap:
                self._write(thing + "\n")
                return
            lines = _wrap(thing, self.width, "default", "fold")
            self._write("".join((line[: self.width] if crop else line) + "\n" for line in lines))
            return
        self._by_rich(*objects, soft_wrap=soft_wrap, **options)

    @contextmanager
    def capture(self) -> Iterator[Any]:
        """Collect what is printed meanwhile instead of writing it (``.get()`` reads it)."""

        class Captured:
            text = ""

            def get(self) -> str:
                return self.text

        captured = Captured()
        self._captured = []
        try:
            yield captured
        finally:
            captured.text = "".join(self._captured)
            self._captured = None
