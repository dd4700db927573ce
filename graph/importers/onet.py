"""The O*NET database (text layout) -> roles, rated skills, tasks and related-occupation moves.

Reads the official tab-separated files of an O*NET release (29.x layout) and
emits, for every occupation:

- a ``cg:Role`` ``cgr:onet/<O*NET-SOC code>`` with its title, description,
  code (``skos:notation``), Job Zone (``cg:experienceLevel``: ``cg:JobZone1`` to
  ``cg:JobZone5``),
  alternate titles (``skos:altLabel``, at most :data:`MAX_ALT_TITLES`, the
  most widely reported first) and short titles (``skos:hiddenLabel``);
- a ``cg:SkillRequirement`` per rated Skill and Knowledge element, with the
  importance (IM scale, 1-5) and level (LV scale, 0-7); ``cg:requiresSkill``
  shortcuts for the important ones (importance >= :data:`IMPORTANT`);
- a requirement per Technology Skill example (``cgr:onet-tech/<slug>``, its
  UNSPSC commodity as ``skos:broader``) with the hot and in-demand flags;
- a ``cg:Responsibility`` per task statement;
- its preparation from Education, Training, and Experience (optional files):
  a ``cg:PreparationRequirement`` per scale (required education, related work
  experience, on-site and on-the-job training) with the distribution and the
  typical category (the median respondent's), ``schema:educationRequirements``
  and ``schema:experienceRequirements``; an occupation not surveyed takes its
  SOC group's average (``cg:estimatedFrom``), see :func:`estimate_preparation`;
- the Level Scale Anchors of every skill and knowledge element, as
  ``cg:LevelAnchor`` nodes (``cg:levelAnchor``): what a level means in words,
  e.g. Mathematics at 2 = "Count the amount of change to be given to a customer";
- a ``cg:Transition`` per Related Occupation, keeping its tier and index: a
  ``cg:Progression`` when it is a step up a person would call one (see
  :func:`is_progression`), else a lateral move. Its skills to gain are
  level-aware, see :func:`skills_to_gain`.

Ratings flagged "Recommend Suppress" (too few respondents or too uncertain)
are dropped: a suppressed importance drops the requirement, a suppressed level
keeps the importance only. An element rated "Not Relevant" is not a
requirement at all.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import ImportDataError
from graph.importers.common import (
    ImportReport,
    Progress,
    Quads,
    Table,
    guide_fill,
    read_table,
    write_import,
)
from graph.importers.sources import open_source
from graph.importers.wages import OEWS_META, Wages, add_wage_band, read_oews, wages_for

__all__ = [
    "ONET_META",
    "FILES",
    "IMPORTANT",
    "LEVEL_RISE",
    "MAX_ALT_TITLES",
    "OnetData",
    "read_onet",
    "onet_quads",
    "skills_to_gain",
    "estimate_ratings",
    "estimate_preparation",
    "is_progression",
    "PREP_SCALES",
    "read_mapping",
    "import_onet",
]

ONET_META = {
    "title": "O*NET 29.3 Database",
    "license": "https://creativecommons.org/licenses/by/4.0/",
    "url": "https://www.onetcenter.org/database.html",
    "version": "29.3",
    "publisher": "U.S. Department of Labor, Employment and Training Administration (USDOL/ETA)",
    "citation": (
        "This product includes information from the O*NET 29.3 Database by the U.S. Department "
        "of Labor, Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0 "
        "license. O*NET® is a trademark of USDOL/ETA. USDOL/ETA has not approved, endorsed, or "
        "tested this product."
    ),
}

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

#: an element is "important" to an occupation from this importance on (IM scale 1-5: 3 = Important)
IMPORTANT = 3.0
#: a move asks you to gain an element when its required level rises by more than this (LV 0-7)
LEVEL_RISE = 1.0
#: at most this many in-demand technologies a move asks you to gain
MAX_TECH_TO_GAIN = 5
#: alternate titles kept per occupation (the file has up to 2,750 for one occupation)
MAX_ALT_TITLES = 30

_CODE = re.compile(r"^\d\d-\d{4}\.\d\d$")
_ELEMENT = re.compile(r"^\d(\.[A-Za-z0-9]+)+$")


def _slug(text: str) -> str:
    from graph.skills import slugify

    return slugify(text, max_length=100)


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


def _code_check(cells: list[str]) -> str | None:
    if not _CODE.match(cells[0]):
        return f"O*NET-SOC Code '{cells[0]}' is not like 15-1252.00"
    return None


def _rating_check(cells: list[str]) -> str | None:
    why = _code_check(cells)
    if why:
        return why
    if not _ELEMENT.match(cells[1]):
        return f"Element ID '{cells[1]}' is not like 2.A.1.a"
    if cells[3] not in ("IM", "LV"):
        return None  # other scales are allowed and ignored
    try:
        value = float(cells[4])
    except ValueError:
        return f"Data Value '{cells[4]}' is not a number"
    if not 0 <= value <= 7:
        return f"Data Value {cells[4]} is outside 0-7"
    return None


def _flag_check(*positions: int) -> Any:
    def check(cells: list[str]) -> str | None:
        why = _code_check(cells)
        if why:
            return why
        for i in positions:
            if cells[i] not in ("Y", "N", ""):
                return f"flag '{cells[i]}' is not Y or N"
        return None

    return check


def _zone_check(cells: list[str]) -> str | None:
    why = _code_check(cells)
    if why:
        return why
    if cells[1] not in ("1", "2", "3", "4", "5"):
        return f"Job Zone '{cells[1]}' is not 1-5"
    return None


def _task_check(cells: list[str]) -> str | None:
    why = _code_check(cells)
    if why:
        return why
    if not cells[1].isdigit():
        return f"Task ID '{cells[1]}' is not a number"
    if not cells[2]:
        return "the Task is empty"
    return None


def _prep_check(cells: list[str]) -> str | None:
    why = _code_check(cells)
    if why or cells[1] not in PREP_SCALES:
        return why
    if not cells[2].isdigit():
        return f"Category '{cells[2]}' is not a number"
    try:
        value = float(cells[3])
    except ValueError:
        return f"Data Value '{cells[3]}' is not a number"
    if not 0 <= value <= 100:
        return f"Data Value {cells[3]} is not a percentage"
    return None


def _related_check(cells: list[str]) -> str | None:
    why = _code_check(cells)
    if why:
        return why
    if not _CODE.match(cells[1]):
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
    if not _ELEMENT.match(cells[0]):
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


def read_onet(
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


def skills_to_gain(
    have: dict[str, Rating], want: dict[str, Rating]
) -> list[tuple[str, float | None, float]]:
    """Elements a move from one occupation to another asks you to gain, level-aware.

    An element counts when it is important in the target (importance >=
    :data:`IMPORTANT`) and either the source does not need it at all, or the
    required level rises by more than :data:`LEVEL_RISE` points on O*NET's
    0-7 level scale.

    Returns
    -------
    list of (element id, level in the source or None, level in the target)
        Biggest rise first.

    Examples
    --------
    >>> have = {"2.A.1.a": Rating(importance=3.5, level=3.0)}
    >>> want = {"2.A.1.a": Rating(importance=4.0, level=4.5),
    ...         "2.C.1.a": Rating(importance=3.2, level=4.0),
    ...         "2.A.1.b": Rating(importance=2.0, level=5.0)}
    >>> skills_to_gain(have, want)
    [('2.C.1.a', None, 4.0), ('2.A.1.a', 3.0, 4.5)]
    """
    out = []
    for eid, target in want.items():
        if (target.importance or 0) < IMPORTANT or target.level is None:
            continue
        source = have.get(eid)
        level_from = source.level if source is not None else None
        rise = target.level - (level_from or 0.0)
        if rise > LEVEL_RISE:
            out.append((eid, level_from, target.level, rise))
    out.sort(key=lambda t: (-t[3], t[0]))
    return [(eid, a, b) for eid, a, b, _ in out]


def estimate_ratings(data: OnetData, code: str) -> tuple[dict[str, Rating], list[str]]:
    """Average ratings of the rated occupations in the same SOC group as an unrated one.

    O*NET leaves some occupations unrated (e.g. 15-1252.00 Software Developers
    in 29.3). Moves out of them still need a level-aware skill delta, so the
    delta compares against the mean of the rated occupations of the same SOC
    broad group (``15-125``), else minor group (``15-12``). The estimate is used
    for the delta only; the graph never records it as a rating.

    Returns
    -------
    (dict, list of str)
        The estimated ratings, and the codes they were averaged from (empty
        when no group member is rated).
    """
    for width in (6, 5):
        peers = sorted(c for c in data.ratings if c[:width] == code[:width] and data.ratings[c])
        if peers:
            break
    else:
        return {}, []
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for peer in peers:
        for eid, r in data.ratings[peer].items():
            acc = sums[eid]
            acc[0] += r.importance or 0.0
            if r.level is not None:
                acc[1] += r.level
                acc[2] += 1
    n = len(peers)
    out = {
        eid: Rating(importance=imp / n, level=(lv / k if k else None))
        for eid, (imp, lv, k) in sums.items()
    }
    return out, peers


def estimate_preparation(
    data: OnetData, code: str, scale: str
) -> tuple[dict[int, float], list[str]]:
    """Average preparation distribution of the surveyed occupations of a SOC group.

    Used for an occupation O*NET has not surveyed on ``scale`` (e.g. 29-1214.00
    Emergency Medicine Physicians in 29.3): the broad group (``29-121``), else
    the minor group (``29-12``). The graph records the estimate with
    ``cg:estimatedFrom`` naming the occupations it comes from.

    Returns
    -------
    (dict, list of str)
        ``{category: percent}`` and the codes averaged (both empty when none).
    """
    for width in (6, 5):
        peers = sorted(
            c for c, scales in data.preparation.items()
            if c != code and c[:width] == code[:width] and scales.get(scale)
        )
        if peers:
            break
    else:
        return {}, []
    sums: dict[int, float] = defaultdict(float)
    for peer in peers:
        for category, share in data.preparation[peer][scale].items():
            sums[category] += share / len(peers)
    return dict(sums), peers


def _typical_education(data: OnetData, code: str) -> int | None:
    from graph.levels import typical_category

    distribution = data.preparation.get(code, {}).get("RL") or {}
    if not sum(distribution.values()):
        distribution, _ = estimate_preparation(data, code, "RL")
    return typical_category(distribution) if sum(distribution.values()) else None


def is_progression(data: OnetData, code: str, other: str) -> bool:
    """Whether a related occupation is a step up a person would call a progression.

    The target's Job Zone is higher, or it supervises or manages (at no lower
    a Job Zone) while the source does not; it is in the same SOC major group (the
    same field of work) or it manages or supervises (SOC major group 11, or a
    first-line supervisor group ``NN-10``); and its typical education is at
    most one level above (a bachelor's to a master's, never a bachelor's to a
    medical degree). Anything else is a transition: Claims Adjusters -> Lawyers
    changes field and needs a law degree.
    """
    zone_from, zone_to = data.job_zones.get(code, 0), data.job_zones.get(other, 0)

    def leads(soc: str) -> bool:
        return soc.startswith("11-") or soc[3:5] == "10"

    # a step up: more preparation, or supervising the work one did (Cashiers -> First-Line
    # Supervisors of Retail Sales Workers share Job Zone 2)
    up = zone_to > zone_from or (leads(other) and not leads(code) and zone_to >= zone_from)
    if not (up and zone_from > 0) or not (code[:2] == other[:2] or leads(other)):
        return False
    edu_from, edu_to = _typical_education(data, code), _typical_education(data, other)
    if edu_from is None or edu_to is None:
        return zone_to - zone_from == 1
    return edu_to - edu_from <= 2


def _preparation_quads(data: OnetData, q: Quads, code: str, role: Any, src: Any) -> int:
    """Emit one occupation's preparation (O*NET Education, Training, and Experience)."""
    from graph.levels import EDUCATION, category_years, typical_category, years_text

    emitted = 0
    for scale, term in PREP_SCALES.items():
        distribution = data.preparation.get(code, {}).get(scale) or {}
        peers: list[str] = []
        if not distribution or not sum(distribution.values()):
            distribution, peers = estimate_preparation(data, code, scale)
        if not distribution or not sum(distribution.values()):
            continue
        typical = typical_category(distribution)
        try:
            lo, hi = category_years(scale, typical)
        except KeyError:
            continue
        node = q.id(f"onet-prep/{code}/{scale}")
        q.add(node, q.type, q.cg("PreparationRequirement"))
        q.add(node, q.cg("preparationScale"), q.cg(term))
        q.add(node, q.cg("typicalCategory"), q.integer(typical))
        name = data.categories.get((scale, typical))
        if scale == "RL":
            name = EDUCATION[typical][1]
        q.add(node, q.rdfs("label"), q.text(name or years_text((lo, hi))))
        q.add(node, q.cg("distribution"), q.text(
            " ".join(f"{c}:{round(v, 2):g}" for c, v in sorted(distribution.items()))
        ))
        q.add(node, q.cg("minYears"), q.decimal(round(lo, 3)))
        q.add(node, q.cg("maxYears"), q.decimal(round(hi, 3)))
        q.add(node, q.dct("source"), src)
        for peer in peers:
            q.add(node, q.cg("estimatedFrom"), q.id(f"onet/{peer}"))
        if peers:
            q.add(node, q.rdfs("comment"), q.text(
                f"O*NET has not surveyed {data.occupations[code][0]} on this scale; this is the "
                f"average of {len(peers)} occupation(s) of its SOC group."
            ))
        q.add(role, q.cg("preparation"), node)
        if scale == "RL":
            q.add(role, q.schema("educationRequirements"), q.cg(EDUCATION[typical][0]))
        elif scale == "RW":
            exp = q.id(f"onet-experience/{code}")
            q.add(exp, q.type, q.schema("OccupationalExperienceRequirements"))
            q.add(exp, q.schema("monthsOfExperience"), q.decimal(round(lo * 12, 2)))
            q.add(exp, q.cg("minYears"), q.decimal(round(lo, 3)))
            q.add(exp, q.cg("maxYears"), q.decimal(round(hi, 3)))
            q.add(exp, q.dct("source"), src)
            q.add(role, q.schema("experienceRequirements"), exp)
        emitted += 1
    return emitted


def read_mapping(path: Path | None = None) -> list[tuple[str, str, int]]:
    """Read ``onet_mapping.tsv``: guide role title -> O*NET-SOC codes, closest first.

    Examples
    --------
    >>> rows = read_mapping()
    >>> ("Technical Program Manager (Infrastructure & Delivery)", "15-1299.09", 1) in rows
    True
    """
    from graph import resources

    path = path or resources.data_path("onet_mapping.tsv")
    rows: list[tuple[str, str, int]] = []
    with Path(path).open(encoding="utf-8") as handle:
        lines = [ln for ln in handle if ln.strip() and not ln.startswith("#")]
    for n, line in enumerate(lines[1:], 2):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 4 or not _CODE.match(parts[1]) or not parts[3].isdigit():
            raise ImportDataError(f"{path}: line {n} is not 'role<TAB>code<TAB>title<TAB>rank'.")
        rows.append((parts[0], parts[1], int(parts[3])))
    return rows


def onet_quads(
    data: OnetData,
    q: Quads,
    *,
    wages: dict[str, Wages] | None = None,
    guide_roles: dict[str, str] | None = None,
    mapping: Sequence[tuple[str, str, int]] = (),
    progress: Progress | None = None,
) -> dict[str, int]:
    """Emit the triples of an O*NET release (and wages) into ``q``.

    Returns
    -------
    dict
        Counts of what was emitted (roles, requirements, transitions, ...).
    """
    from graph.skills import normalize

    progress = progress or Progress()
    counts: dict[str, int] = defaultdict(int)
    src = q.id("dataset/onet")
    q.dataset(src, ONET_META)
    oews = q.id("dataset/oews")
    if wages is not None:
        q.dataset(oews, OEWS_META)
    scheme = q.id("onet-occupations")
    q.labelled(scheme, "O*NET-SOC occupations", q.skos("ConceptScheme"))
    q.add(scheme, q.dct("source"), src)
    tech_scheme = q.id("onet-technology-classes")
    q.labelled(
        tech_scheme, "O*NET technology classes (UNSPSC commodities)", q.skos("ConceptScheme")
    )
    skills_scheme = q.id("skills")
    role_cls, occ_cls, concept = q.cg("Role"), q.schema("Occupation"), q.skos("Concept")
    label, alt, hidden = (
        q.rdfs("label"),
        q.skos("altLabel"),
        q.skos("hiddenLabel"),
    )
    dsource, in_scheme = q.dct("source"), q.skos("inScheme")

    # skills and knowledge elements
    element_node: dict[str, Any] = {}
    for eid, (name, kind) in sorted(data.elements.items()):
        node = q.id(f"onet-element/{eid}")
        element_node[eid] = node
        classes = [q.cg("Skill"), concept] + ([q.cg("Knowledge")] if kind == "knowledge" else [])
        q.labelled(node, name, *classes)
        q.add(node, q.skos("notation"), q.text(eid))
        q.add(node, in_scheme, skills_scheme)
        q.add(node, dsource, src)
        if eid in data.definitions:
            q.add(node, q.skos("definition"), q.text(data.definitions[eid]))
        for value, text in data.anchors.get(eid, []):
            anchor = q.id(f"onet-anchor/{eid}/{value}")
            q.add(anchor, q.type, q.cg("LevelAnchor"))
            q.add(anchor, label, q.text(text))
            q.add(anchor, q.cg("anchorLevel"), q.decimal(value))
            q.add(anchor, dsource, src)
            q.add(node, q.cg("levelAnchor"), anchor)
            counts["level_anchors"] += 1
        counts["skills"] += 1

    # technology examples and their commodity classes
    tech_node: dict[str, Any] = {}
    commodity_node: dict[str, Any] = {}
    for entries in data.tech.values():
        for example, ccode, ctitle, _hot, _demand in entries:
            if ccode and ccode not in commodity_node:
                cnode = q.id(f"onet-tech/{ccode}")
                commodity_node[ccode] = cnode
                q.labelled(cnode, ctitle or ccode, concept)
                q.add(cnode, q.skos("notation"), q.text(ccode))
                q.add(cnode, in_scheme, tech_scheme)
                q.add(cnode, dsource, src)
            slug = _slug(example)
            if slug not in tech_node:
                node = q.id(f"onet-tech/{slug}")
                tech_node[slug] = node
                q.labelled(node, example, q.cg("Skill"), q.cg("Technology"), concept)
                q.add(node, in_scheme, skills_scheme)
                q.add(node, dsource, src)
                if ccode:
                    q.add(node, q.skos("broader"), commodity_node[ccode])
                counts["technologies"] += 1

    progress.start("Emitting occupations", len(data.occupations))
    requires = q.cg("requiresSkill")
    req_prop, skill_prop = q.cg("skillRequirement"), q.cg("skill")
    imp_prop, lvl_prop = q.cg("importance"), q.cg("level")
    req_cls = q.cg("SkillRequirement")
    resp_prop, resp_cls, position = q.cg("responsibility"), q.cg("Responsibility"), q.cg("position")
    for code, (title, desc) in data.occupations.items():
        role = q.id(f"onet/{code}")
        q.labelled(role, title, role_cls, occ_cls, concept)
        q.add(role, in_scheme, scheme)
        q.add(role, q.skos("notation"), q.text(code))
        q.add(role, dsource, src)
        if desc:
            q.add(role, q.schema("description"), q.text(desc))
        zone = data.job_zones.get(code)
        if zone:
            q.add(role, q.cg("experienceLevel"), q.cg(f"JobZone{zone}"))
        counts["preparation"] += _preparation_quads(data, q, code, role, src)
        seen = {normalize(title)}
        kept = 0
        ranked = sorted(data.alt_titles.get(code, []), key=lambda t: (-t[2], len(t[0]), t[0]))
        for alt_title, short, _n in ranked:
            if kept < MAX_ALT_TITLES and normalize(alt_title) not in seen:
                seen.add(normalize(alt_title))
                q.add(role, alt, q.text(alt_title))
                kept += 1
            if short and normalize(short) not in seen:
                seen.add(normalize(short))
                q.add(role, hidden, q.text(short))
        counts["alt_titles"] += kept
        for eid, rating in data.ratings.get(code, {}).items():
            req = q.id(f"onet-req/{code}/{eid}")
            q.add(req, q.type, req_cls)
            q.add(req, skill_prop, element_node[eid])
            q.add(req, imp_prop, q.decimal(rating.importance_text or rating.importance or 0))
            if rating.level_text is not None:
                q.add(req, lvl_prop, q.decimal(rating.level_text))
            q.add(req, dsource, src)
            q.add(role, req_prop, req)
            if (rating.importance or 0) >= IMPORTANT:
                q.add(role, requires, element_node[eid])
            counts["ratings"] += 1
        for example, _ccode, _ctitle, hot, demand in data.tech.get(code, []):
            slug = _slug(example)
            req = q.id(f"onet-req/{code}/tech/{slug}")
            q.add(req, q.type, req_cls)
            q.add(req, skill_prop, tech_node[slug])
            q.add(req, q.cg("hotTechnology"), q.boolean(hot))
            q.add(req, q.cg("inDemand"), q.boolean(demand))
            q.add(req, dsource, src)
            q.add(role, req_prop, req)
            if hot or demand:
                q.add(role, requires, tech_node[slug])
            counts["technology_requirements"] += 1
        for n, (task_id, task) in enumerate(data.tasks.get(code, []), 1):
            node = q.id(f"onet-task/{task_id}")
            q.add(node, q.type, resp_cls)
            q.add(node, label, q.text(task))
            q.add(node, position, q.integer(n))
            q.add(node, dsource, src)
            q.add(role, resp_prop, node)
            counts["tasks"] += 1
        if wages is not None:
            w = wages_for(code, wages)
            if w is not None:
                add_wage_band(q, role, code, w, oews)
                counts["salary_bands"] += 1
        progress.advance()
    counts["roles"] = len(data.occupations)

    progress.start("Emitting related-occupation moves", len(data.related))
    in_demand = {
        code: [_slug(e[0]) for e in entries if e[4]] for code, entries in data.tech.items()
    }
    uses = {code: {_slug(e[0]) for e in entries} for code, entries in data.tech.items()}
    for code, other, tier, index in data.related:
        node = q.id(f"onet-transition/{code}--{other}")
        a, b = q.id(f"onet/{code}"), q.id(f"onet/{other}")
        up = is_progression(data, code, other)
        q.add(node, q.type, q.cg("Transition"))
        q.add(node, label, q.text(f"{data.occupations[code][0]} → {data.occupations[other][0]}"))
        q.add(node, q.cg("fromRole"), a)
        q.add(node, q.cg("toRole"), b)
        q.add(node, q.cg("transitionKind"), q.cg("Progression" if up else "LateralTransition"))
        q.add(node, q.cg("relatedTier"), q.text(tier))
        q.add(node, q.cg("relatedIndex"), q.integer(index))
        q.add(node, dsource, src)
        q.add(a, q.cg("canLeadTo" if up else "canTransitionTo"), b)
        have_ratings = data.ratings.get(code) or {}
        if not have_ratings and data.ratings.get(other):
            have_ratings, peers = estimate_ratings(data, code)
            if peers:
                names = "; ".join(data.occupations[p][0] for p in peers[:3])
                more = f" and {len(peers) - 3} more" if len(peers) > 3 else ""
                q.add(node, q.rdfs("comment"), q.text(
                    f"O*NET has no skill ratings for {data.occupations[code][0]}; the skills to "
                    f"gain compare the target with the average ratings of its SOC group "
                    f"({names}{more})."
                ))
        gain = skills_to_gain(have_ratings, data.ratings.get(other, {}))
        for eid, _from, _to in gain:
            q.add(node, q.cg("skillToGain"), element_node[eid])
        have = uses.get(code, set())
        new_tech = [s for s in in_demand.get(other, []) if s not in have][:MAX_TECH_TO_GAIN]
        for slug in new_tech:
            q.add(node, q.cg("skillToGain"), tech_node[slug])
        counts["transitions"] += 1
        progress.advance(1)

    # guide roles -> their nearest O*NET occupations
    guide_roles = guide_roles or {}
    missing_titles = set()
    for title, code, _rank in mapping:
        role_iri = guide_roles.get(normalize(title))
        if role_iri is None:
            missing_titles.add(title)
            continue
        if code not in data.occupations:
            continue
        q.add(q.iri(role_iri), q.skos("closeMatch"), q.id(f"onet/{code}"))
        counts["close_matches"] += 1
    if missing_titles and guide_roles:
        data.warnings.append(
            "onet_mapping.tsv names roles that no guide has: " + "; ".join(sorted(missing_titles))
        )
    return dict(counts)


def import_onet(
    src_dir: Path | str,
    out_dir: Path | str,
    *,
    wages: Path | str | None = None,
    include_related: bool = True,
    include_guides: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Import an O*NET release (and optionally OEWS wages) into a graph folder with the guides.

    Parameters
    ----------
    src_dir : path
        The folder of the O*NET text files, or the release zip as published
        (``db_29_3_text.zip``, see :func:`graph.importers.sources.open_source`).
    out_dir : path
        The graph folder to write; its previous graph stays intact on failure.
    wages : path, optional
        A BLS OEWS national CSV: salary bands for the matching occupations.
    include_related : bool
        Import Related Occupations as transitions (off to evaluate similarity).
    include_guides : bool
        Merge the shipped guides (and link them to O*NET with skos:closeMatch).
    progress : Progress, optional
        Told about each step (the CLI passes a terminal progress bar).

    Returns
    -------
    ImportReport

    Raises
    ------
    ImportDataError
        A file is missing, lacks columns or is mostly malformed.
    """
    started = time.perf_counter()
    progress = progress or Progress()
    report = ImportReport(dataset="onet")
    names = [n for n, spec in FILES.items() if spec[2]]
    with open_source(src_dir, "Occupation Data.txt", ONET_RELEASE, names) as src:
        data = read_onet(src, progress, include_related=include_related)
    report.warnings.extend(data.warnings)
    wage_table: dict[str, Wages] | None = None
    if wages is not None:
        wage_table, table = read_oews(Path(wages))
        summary = table.bad_summary()
        if summary:
            report.warnings.append(summary)
    emitted: dict[str, int] = {}

    def fill(store: Any) -> None:
        guide_roles: dict[str, str] = {}
        if include_guides:
            progress.start("Loading the ontology and the guides", 1)
            _g, guide_roles, guide_warnings = guide_fill(store)
            report.warnings.extend(guide_warnings)
            progress.advance()
        else:
            from graph.build.pipeline import load_into, ontology_graph

            load_into(store, ontology_graph())
        q = Quads(store)
        emitted.update(
            onet_quads(
                data,
                q,
                wages=wage_table,
                guide_roles=guide_roles,
                mapping=read_mapping() if include_guides else (),
                progress=progress,
            )
        )
        progress.start("Writing the store and the Turtle file", 1)
        q.flush_into(store)

    sources: list[dict[str, Any]] = [
        {"kind": "dataset", "name": "O*NET", "version": ONET_META["version"], "path": str(src_dir),
         "license": ONET_META["license"]}
    ]
    if wages is not None:
        sources.append(
            {"kind": "dataset", "name": "BLS OEWS", "version": OEWS_META["version"],
             "path": str(wages), "license": OEWS_META["license"]}
        )
    write_import(Path(out_dir), fill, report, sources, progress)
    for key in ("ratings", "technology_requirements", "tasks", "salary_bands", "close_matches"):
        report.counts[key] = emitted.get(key, 0)
    report.seconds = round(time.perf_counter() - started, 2)
    return report
