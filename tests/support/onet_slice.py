"""A slice of the real O*NET files: some occupations and the occupations related to them.

The Virtuoso comparison on real data needs real text, real ratings and real
moves, not the million triples of all 1,016 occupations: pushing those takes
a minute and proves nothing more. This cuts the O*NET text files down to the
rows of a few named occupations and of the occupations O*NET lists as related
to them (about 70 occupations for four names); the importer then reads the
slice as it reads the whole release.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["slice_onet"]

CODE = "O*NET-SOC Code"
RELATED = "Related Occupations.txt"


def _rows(path: Path) -> Iterable[list[str]]:
    # O*NET's text files are tab-separated without quoting: one line, one row
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line in handle:
            yield line.rstrip("\r\n").split("\t")


def slice_onet(src: Path, out: Path, titles: Iterable[str]) -> set[str]:
    """Write to ``out`` the O*NET files of ``src`` cut to ``titles`` and the ones related to them.

    Files keyed by occupation keep the rows of the chosen occupations (Related
    Occupations: the rows between two of them); the others (scales,
    categories, content model) are linked as they are. Returns the codes kept.
    """
    wanted = set(titles)
    named = {row[0] for row in _rows(src / "Occupation Data.txt") if row[1] in wanted}
    found = {row[1] for row in _rows(src / "Occupation Data.txt") if row[0] in named}
    if found != wanted:
        raise ValueError(f"not in {src}: {sorted(wanted - found)}")
    keep = set(named)
    keep.update(row[2] for row in _rows(src / RELATED) if row[0] in named)
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(src.iterdir()):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = handle.readline()
            if not header.startswith(CODE + "\t"):
                os.symlink(path.resolve(), out / path.name)
                continue
            columns = header.rstrip("\r\n").split("\t")
            related = columns.index(f"Related {CODE}") if path.name == RELATED else None
            with (out / path.name).open("w", encoding="utf-8", newline="") as sliced:
                sliced.write(header)
                for line in handle:
                    cells = line.split("\t")
                    if cells[0] in keep and (related is None or cells[related] in keep):
                        sliced.write(line)
    return keep
