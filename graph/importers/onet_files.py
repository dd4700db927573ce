"""The O*NET text release read and checked: which files, which columns, which values.

Every row is checked (codes, ratings, flags, Job Zones, tasks, preparation
categories, related occupations) before anything is built; a bad row is an
:class:`graph.errors.ImportDataError` naming the file and line.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.collector import collector_paused
from graph.errors import ImportDataError
from graph.importers.common import (
    Progress,
    Table,
    read_table,
)

__all__ = ["FILES", "OnetData", "read_onet", "PREP_SCALES"]


#: what ``import onet`` reads, for messages
ONET_RELEASE = "the O*NET text release (db_29_3_text.zip or the folder of its .txt files)"


#: file -> (columns used, what it is needed for, required?)
FILES: dict[str, tuple[list[str], str, bool]] = {
    "Occupation Data.txt": (
        ["O*NET-SOC Code", "Title", "Description"],
        "the occupations (every role)",
        True,
    ),
    "Skills.txt": (
        [
            "O*NET-SOC Code",
            "Element ID",
            "Element Name",
            "Scale ID",
            "Data Value",
            "Recommend Suppress",
            "Not Relevant",
        ],
        "the skill ratings (importance and level of every skill)",
        True,
    ),
    "Knowledge.txt": (
        [
            "O*NET-SOC Code",
            "Element ID",
            "Element Name",
            "Scale ID",
            "Data Value",
            "Recommend Suppress",
            "Not Relevant",
        ],
        "the knowledge ratings (importance and level of every knowledge area)",
        True,
    ),
    "Technology Skills.txt": (
        [
            "O*NET-SOC Code",
            "Example",
            "Commodity Code",
            "Commodity Title",
            "Hot Technology",
            "In Demand",
        ],
        "the technology skills of each occupation",
        True,
    ),
    "Job Zones.txt": (
        ["O*NET-SOC Code", "Job Zone"],
        "the experience level (Job Zone) of each occupation",
        True,
    ),
    "Alternate Titles.txt": (
        ["O*NET-SOC Code", "Alternate Title", "Short Title", "Source(s)"],
        "the alternate titles people search roles by",
        True,
    ),
    "Task Statements.txt": (
        ["O*NET-SOC Code", "Task ID", "Task", "Task Type"],
        "the tasks (responsibilities) of each occupation",
        True,
    ),
    "Related Occupations.txt": (
        ["O*NET-SOC Code", "Related O*NET-SOC Code", "Relatedness Tier", "Index"],
        "the moves between occupations (transitions)",
        True,
    ),
    "Content Model Reference.txt": (
        ["Element ID", "Element Name", "Description"],
        "the definitions of skills and knowledge areas (optional)",
        False,
    ),
    "Level Scale Anchors.txt": (
        ["Element ID", "Scale ID", "Anchor Value", "Anchor Description"],
        "the levels of skills and knowledge areas in words (optional)",
        False,
    ),
    "Education, Training, and Experience.txt": (
        ["O*NET-SOC Code", "Scale ID", "Category", "Data Value", "Recommend Suppress"],
        "the education, experience and training each occupation asks (optional)",
        False,
    ),
    "Education, Training, and Experience Categories.txt": (
        ["Scale ID", "Category", "Category Description"],
        "the names of the education, experience and training categories (optional)",
        False,
    ),
}


#: O*NET preparation scales -> their ontology terms
PREP_SCALES = {
    "RL": "RequiredEducation",
    "RW": "RelatedWorkExperience",
    "PT": "OnSiteTraining",
    "OJ": "OnTheJobTraining",
}


_CODE = re.compile(r"^\d\d-\d{4}\.\d\d$")


_ELEMENT = re.compile(r"^\d(\.[A-Za-z0-9]+)+$")


@dataclass
class Rating:
    """One (occupation, element) rating after the suppression rules."""

    importance: float | None = None
    level: float | None = None
    importance_text: str | None = None
    level_text: str | None = None
    drop: bool = False


@dataclass
class OnetData:
    """The parts of an O*NET release the graph uses, checked and indexed."""

    occupations: dict[str, tuple[str, str]] = field(default_factory=dict)
    elements: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (name, kind)
    definitions: dict[str, str] = field(default_factory=dict)
    ratings: dict[str, dict[str, Rating]] = field(default_factory=dict)
    tech: dict[str, list[tuple[str, str, str, bool, bool]]] = field(default_factory=dict)
    job_zones: dict[str, int] = field(default_factory=dict)
    alt_titles: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    tasks: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    related: list[tuple[str, str, str, int]] = field(default_factory=list)
    #: code -> scale -> {category: percent of respondents}
    preparation: dict[str, dict[str, dict[int, float]]] = field(default_factory=dict)
    #: (scale, category) -> O*NET's description of the category
    categories: dict[tuple[str, int], str] = field(default_factory=dict)
    anchors: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # id -> (value, text)
    warnings: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


@lru_cache(maxsize=8192)
def _is_code(text: str) -> bool:
    # a release repeats each of its ~1,000 codes in hundreds of rows: match each once
    return _CODE.match(text) is not None


@lru_cache(maxsize=8192)
def _is_element(text: str) -> bool:
    return _ELEMENT.match(text) is not None


def _code_check(cells: list[str]) -> str | None:
    if not _is_code(cells[0]):
        return f"O*NET-SOC Code '{cells[0]}' is not like 15-1252.00"
    return None


def _after_code(check: Callable[[list[str]], str | None]) -> Callable[[list[str]], str | None]:
    """``check`` run on a row whose first cell is a well-formed O*NET-SOC code."""

    def checked(cells: list[str]) -> str | None:
        return _code_check(cells) or check(cells)

    return checked


def _number_check(text: str, name: str, low: float, high: float, outside: str) -> str | None:
    """Why ``text`` (the cell ``name``) is not a number from ``low`` to ``high``, or None."""
    try:
        value = float(text)
    except ValueError:
        return f"{name} '{text}' is not a number"
    if not low <= value <= high:
        return f"{name} {text} {outside}"
    return None


@_after_code
def _rating_check(cells: list[str]) -> str | None:
    if not _is_element(cells[1]):
        return f"Element ID '{cells[1]}' is not like 2.A.1.a"
    if cells[3] not in ("IM", "LV"):
        return None  # other scales are allowed and ignored
    return _number_check(cells[4], "Data Value", 0, 7, "is outside 0-7")


def _flag_check(*positions: int) -> Any:
    @_after_code
    def check(cells: list[str]) -> str | None:
        for i in positions:
            if cells[i] not in ("Y", "N", ""):
                return f"flag '{cells[i]}' is not Y or N"
        return None

    return check


@_after_code
def _zone_check(cells: list[str]) -> str | None:
    if cells[1] not in ("1", "2", "3", "4", "5"):
        return f"Job Zone '{cells[1]}' is not 1-5"
    return None


@_after_code
def _task_check(cells: list[str]) -> str | None:
    if not cells[1].isdigit():
        return f"Task ID '{cells[1]}' is not a number"
    if not cells[2]:
        return "the Task is empty"
    return None


@_after_code
def _prep_check(cells: list[str]) -> str | None:
    if cells[1] not in PREP_SCALES:
        return None
    if not cells[2].isdigit():
        return f"Category '{cells[2]}' is not a number"
    return _number_check(cells[3], "Data Value", 0, 100, "is not a percentage")


@_after_code
def _related_check(cells: list[str]) -> str | None:
    if not _is_code(cells[1]):
        return f"Related O*NET-SOC Code '{cells[1]}' is not like 15-1252.00"
    if not cells[3].isdigit():
        return f"Index '{cells[3]}' is not a number"
    return None


_CHECKS = {
    "Occupation Data.txt": lambda c: _code_check(c) or (None if c[1] else "the Title is empty"),
    "Skills.txt": _rating_check,
    "Knowledge.txt": _rating_check,
    "Technology Skills.txt": lambda c: _flag_check(4, 5)(c) or (None if c[1] else "no Example"),
    "Job Zones.txt": _zone_check,
    "Alternate Titles.txt": lambda c: _code_check(c) or (None if c[1] else "no Alternate Title"),
    "Task Statements.txt": _task_check,
    "Related Occupations.txt": _related_check,
    "Content Model Reference.txt": None,
    "Education, Training, and Experience.txt": _prep_check,
    "Education, Training, and Experience Categories.txt": None,
    "Level Scale Anchors.txt": lambda c: _anchor_check(c),
}


def _anchor_check(cells: list[str]) -> str | None:
    if not _is_element(cells[0]):
        return f"Element ID '{cells[0]}' is not like 2.A.1.a"
    if cells[1] != "LV":
        return None  # other scales are allowed and ignored
    try:
        value = float(cells[2])
    except ValueError:
        return f"Anchor Value '{cells[2]}' is not a number"
    if not 0 <= value <= 7:
        return f"Anchor Value {cells[2]} is outside 0-7"
    if not cells[3]:
        return "the Anchor Description is empty"
    return None


def _read(src: Path, name: str) -> Table | None:
    columns, needed_for, required = FILES[name]
    return read_table(
        src / name,
        columns,
        needed_for=needed_for,
        check=_CHECKS[name],
        optional=not required,
    )


@collector_paused()
def read_onet(  # noqa: C901
    src_dir: Path, progress: Progress | None = None, include_related: bool = True
) -> OnetData:
    """Read and check an O*NET release in its text layout.

    Parameters
    ----------
    src_dir : Path
        The folder of the tab-separated files (official file names).
    progress : Progress, optional
    include_related : bool
        Read Related Occupations (the moves); off for evaluating similarity
        without them.

    Raises
    ------
    ImportDataError
        A required file is missing, lacks columns, or is mostly malformed.
    """
    src = Path(src_dir)
    if not src.is_dir():
        raise ImportDataError(
            f"{src} is not a folder; give the folder of the O*NET text files "
            "(e.g. 'Occupation Data.txt')."
        )
    progress = progress or Progress()
    names = [n for n in FILES if include_related or n != "Related Occupations.txt"]
    # check every required file exists before reading any: one clear message, early
    for name in names:
        if FILES[name][2] and not (src / name).is_file():
            hint = ""
            if (src / name).with_suffix(".xlsx").is_file():
                hint = (
                    f" The folder has the Excel release ({Path(name).stem}.xlsx); careergraph "
                    "reads O*NET's text release: give the folder of the tab-separated .txt files."
                )
            raise ImportDataError(
                f"Missing file {src / name}: it is needed for {FILES[name][1]}.{hint}"
            )
    data = OnetData()
    progress.start("Reading O*NET files", len(names))
    tables: dict[str, Table] = {}
    for name in names:
        table = _read(src, name)
        if table is not None:
            tables[name] = table
            data.rows[name] = len(table.rows)
            summary = table.bad_summary()
            if summary:
                data.warnings.append(summary)
        progress.advance()

    for code, title, desc in tables["Occupation Data.txt"].rows:
        data.occupations[code] = (title, desc)
    unknown: dict[str, set[str]] = defaultdict(set)

    def known(code: str, name: str) -> bool:
        if code in data.occupations:
            return True
        unknown[name].add(code)
        return False

    if "Content Model Reference.txt" in tables:
        for eid, _name, desc in tables["Content Model Reference.txt"].rows:
            if desc:
                data.definitions[eid] = desc

    if "Level Scale Anchors.txt" in tables:
        for eid, scale, value, text in tables["Level Scale Anchors.txt"].rows:
            if scale == "LV":
                data.anchors.setdefault(eid, []).append((value, text))

    for name, kind in (("Skills.txt", "skill"), ("Knowledge.txt", "knowledge")):
        for code, eid, ename, scale, value, suppress, not_relevant in tables[name].rows:
            if scale not in ("IM", "LV") or not known(code, name):
                continue
            data.elements.setdefault(eid, (ename, kind))
            rating = data.ratings.setdefault(code, {}).setdefault(eid, Rating())
            if scale == "IM":
                if suppress == "Y":
                    rating.drop = True
                rating.importance, rating.importance_text = float(value), value
            else:
                if not_relevant == "Y":
                    rating.drop = True
                elif suppress != "Y":
                    rating.level, rating.level_text = float(value), value
    for code in list(data.ratings):
        kept = {e: r for e, r in data.ratings[code].items() if not r.drop and r.importance}
        data.ratings[code] = kept

    for code, example, ccode, ctitle, hot, demand in tables["Technology Skills.txt"].rows:
        if known(code, "Technology Skills.txt"):
            entry = (example, ccode, ctitle, hot == "Y", demand == "Y")
            data.tech.setdefault(code, []).append(entry)

    for code, zone in tables["Job Zones.txt"].rows:
        if known(code, "Job Zones.txt"):
            data.job_zones[code] = int(zone)

    for code, alt, short, sources in tables["Alternate Titles.txt"].rows:
        if known(code, "Alternate Titles.txt"):
            n_sources = len([s for s in sources.split(",") if s.strip()])
            data.alt_titles.setdefault(code, []).append((alt, short, n_sources))

    for code, task_id, task, _type in tables["Task Statements.txt"].rows:
        if known(code, "Task Statements.txt"):
            data.tasks.setdefault(code, []).append((task_id, task))

    # O*NET flags single categories as imprecise ("Recommend Suppress"); the median respondent
    # is still well estimated, so a scale is dropped (and estimated from its SOC group) only
    # when every one of its categories is flagged
    suppressed: dict[tuple[str, str], bool] = {}
    for code, scale, category, value, suppress in (
        tables["Education, Training, and Experience.txt"].rows
        if "Education, Training, and Experience.txt" in tables
        else []
    ):
        if scale not in PREP_SCALES or not known(code, "Education, Training, and Experience.txt"):
            continue
        suppressed[(code, scale)] = suppressed.get((code, scale), True) and suppress == "Y"
        data.preparation.setdefault(code, {}).setdefault(scale, {})[int(category)] = float(value)
    for (code, scale), every in suppressed.items():
        if every:
            del data.preparation[code][scale]
    for scale, category, text in (
        tables["Education, Training, and Experience Categories.txt"].rows
        if "Education, Training, and Experience Categories.txt" in tables
        else []
    ):
        if scale in PREP_SCALES and category.isdigit():
            data.categories[(scale, int(category))] = text

    if "Related Occupations.txt" in tables:
        for code, other, tier, index in tables["Related Occupations.txt"].rows:
            if known(code, "Related Occupations.txt") and known(other, "Related Occupations.txt"):
                if code != other:
                    data.related.append((code, other, tier, int(index)))

    for name, codes in unknown.items():
        shown = ", ".join(sorted(codes)[:5])
        data.warnings.append(
            f"{name}: skipped rows of {len(codes)} occupation code(s) not in Occupation Data "
            f"({shown}{', ...' if len(codes) > 5 else ''})"
        )
    if not data.occupations:
        raise ImportDataError(f"{src / 'Occupation Data.txt'} lists no occupation.")
    return data
