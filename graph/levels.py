"""Preparation scales: education levels, O*NET Job Zones, ISCO skill levels, years of study.

Plain tables and functions read by the build, the importers, the projection
and the routes alike: the same table is in ontology/careers.ttl
(cg:EducationLevel).
"""

from __future__ import annotations

import math
import re

from graph.errors import UsageError

__all__ = [
    "EDUCATION",
    "JOB_ZONES",
    "education_rank",
    "education_label",
    "category_years",
    "typical_category",
    "isco_skill_level",
    "years_text",
    "IMPORTANT",
    "LEVEL_RISE",
    "MAX_TECH_TO_GAIN",
]

#: an element is "important" to a role from this importance on (O*NET IM scale 1-5: 3 =
#: Important); the import's skills to gain and route search's default ``min_importance``
IMPORTANT = 3.0
#: a move asks you to gain an element when its required level rises by more than this
#: (O*NET LV 0-7); the import and route search's default ``level_rise``
LEVEL_RISE = 1.0
#: at most this many in-demand technologies (O*NET technology examples) count as to gain in
#: one step, in the import and in route search
MAX_TECH_TO_GAIN = 5


#: O*NET Required Level of Education categories: rank -> (ontology term, label, years of study
#: after high school low, high). The same table is in ontology/careers.ttl (cg:EducationLevel).
EDUCATION: dict[int, tuple[str, str, float, float]] = {
    1: ("LessThanHighSchool", "Less than a high school diploma", 0, 0),
    2: ("HighSchoolDiploma", "High school diploma or equivalent", 0, 0),
    3: ("PostSecondaryCertificate", "Post-secondary certificate", 0.5, 1),
    4: ("SomeCollege", "Some college courses", 0.5, 2),
    5: ("AssociateDegree", "Associate's degree", 2, 2),
    6: ("BachelorDegree", "Bachelor's degree", 4, 4),
    7: ("PostBaccalaureateCertificate", "Post-baccalaureate certificate", 4.5, 5),
    8: ("MasterDegree", "Master's degree", 5, 6),
    9: ("PostMasterCertificate", "Post-master's certificate", 6, 7),
    10: ("ProfessionalDegree", "First professional degree (e.g. law, medicine, pharmacy)", 7, 8),
    11: ("DoctoralDegree", "Doctoral degree", 8, 10),
    12: ("PostDoctoralTraining", "Post-doctoral training (e.g. medical residency)", 10, 13),
}


#: how people type an education level -> rank
_EDUCATION_WORDS: dict[str, int] = {
    "none": 1,
    "no diploma": 1,
    "less than high school": 1,
    "high school": 2,
    "highschool": 2,
    "hs": 2,
    "ged": 2,
    "secondary": 2,
    "diploma": 2,
    "certificate": 3,
    "post secondary certificate": 3,
    "vocational": 3,
    "trade school": 3,
    "some college": 4,
    "associate": 5,
    "associates": 5,
    "associate degree": 5,
    "aa": 5,
    "as": 5,
    "bachelor": 6,
    "bachelors": 6,
    "bachelor degree": 6,
    "ba": 6,
    "bs": 6,
    "bsc": 6,
    "undergraduate": 6,
    "college": 6,
    "degree": 6,
    "university": 6,
    "post baccalaureate": 7,
    "graduate certificate": 7,
    "master": 8,
    "masters": 8,
    "master degree": 8,
    "ms": 8,
    "msc": 8,
    "ma": 8,
    "mba": 8,
    "post master": 9,
    "post masters": 9,
    "professional": 10,
    "professional degree": 10,
    "jd": 10,
    "md": 10,
    "law degree": 10,
    "medical degree": 10,
    "pharmd": 10,
    "dds": 10,
    "phd": 11,
    "doctorate": 11,
    "doctoral": 11,
    "doctor": 11,
    "postdoc": 12,
    "post doctoral": 12,
    "postdoctoral": 12,
    "post doctoral training": 12,
    "residency": 12,
}


#: O*NET Job Zones: number -> what it means (Job Zone Reference)
JOB_ZONES: dict[int, str] = {
    1: "little or no preparation needed",
    2: "some preparation needed",
    3: "medium preparation needed",
    4: "considerable preparation needed",
    5: "extensive preparation needed",
}


#: the education a Job Zone usually asks (Job Zone Reference), used only when a role has no
#: education rating of its own or of its SOC group
ZONE_EDUCATION = {1: 2, 2: 2, 3: 5, 4: 6, 5: 8}


#: ISCO-08 skill level -> years of study after secondary school (ILO: 3 = 1-3 years of
#: tertiary education, 4 = a degree of 3-6 years)
ISCO_STUDY: dict[int, tuple[float, float]] = {1: (0, 0), 2: (0, 0), 3: (1, 3), 4: (3, 6)}


#: years of each category of O*NET's Related Work Experience (RW, 1-11) and training scales
#: (PT and OJ, 1-9), from "Education, Training, and Experience Categories"
CATEGORY_YEARS: dict[str, dict[int, tuple[float, float]]] = {
    "RW": {
        1: (0, 0),
        2: (0, 1 / 12),
        3: (1 / 12, 0.25),
        4: (0.25, 0.5),
        5: (0.5, 1),
        6: (1, 2),
        7: (2, 4),
        8: (4, 6),
        9: (6, 8),
        10: (8, 10),
        11: (10, 12),
    },
    "PT": {
        1: (0, 0),
        2: (0, 1 / 12),
        3: (1 / 12, 0.25),
        4: (0.25, 0.5),
        5: (0.5, 1),
        6: (1, 2),
        7: (2, 4),
        8: (4, 10),
        9: (10, 12),
    },
}
CATEGORY_YEARS["OJ"] = CATEGORY_YEARS["PT"]
CATEGORY_YEARS["RL"] = {rank: (lo, hi) for rank, (_, _, lo, hi) in EDUCATION.items()}


def category_years(scale: str, category: int) -> tuple[float, float]:
    """Years (low, high) of one category of an O*NET preparation scale.

    Examples
    --------
    >>> category_years("RW", 7), category_years("RL", 6)
    ((2, 4), (4, 4))
    """
    return CATEGORY_YEARS[scale][category]


def typical_category(distribution: dict[int, float]) -> int:
    """The category of the median respondent: where the cumulative share first reaches half.

    Examples
    --------
    >>> typical_category({1: 10.0, 2: 30.0, 6: 45.0, 8: 15.0})
    6
    """
    total = sum(distribution.values())
    running = 0.0
    for category in sorted(distribution):
        running += distribution[category]
        if total and running >= total / 2:
            return category
    return max(distribution)


def education_rank(text: str) -> int:
    """The education level (1-12) named as people type it.

    Raises
    ------
    UsageError
        The text names no level; the message lists what is understood.

    Examples
    --------
    >>> education_rank("High School"), education_rank("masters"), education_rank("PhD")
    (2, 8, 11)
    >>> education_rank("Bachelor's degree")
    6
    """
    key = re.sub(r"[^a-z ]+", " ", text.lower().replace("'s", "s").replace("’s", "s"))
    key = " ".join(key.split())
    if key.isdigit():
        key = ""
    if key in _EDUCATION_WORDS:
        return _EDUCATION_WORDS[key]
    for words in (key.removesuffix(" degree"), key.removesuffix(" diploma")):
        if words in _EDUCATION_WORDS:
            return _EDUCATION_WORDS[words]
    for rank, (_, label, _, _) in EDUCATION.items():
        if key and key == " ".join(re.sub(r"[^a-z ]+", " ", label.lower()).split()):
            return rank
    raise UsageError(
        f"Unknown education level '{text}' in --education. Use one of: less than high school, "
        "high school, certificate, some college, associate, bachelor, masters, professional, "
        "phd, postdoc."
    )


def education_label(rank: int | None) -> str | None:
    """The label of an education level, or None."""
    return EDUCATION[rank][1] if rank in EDUCATION else None


def isco_skill_level(code: str) -> int | None:
    """The ISCO-08 skill level (1-4) of an ISCO group code (ILO's table of major groups).

    Examples
    --------
    >>> isco_skill_level("2221"), isco_skill_level("1411"), isco_skill_level("5321")
    (4, 3, 2)
    >>> isco_skill_level("9112"), isco_skill_level("")
    (1, None)
    """
    if not code or not code[0].isdigit():
        return None
    major = code[0]
    if major == "1":
        return 3 if code.startswith("14") else 4
    if major == "0":
        return {"01": 4, "02": 2, "03": 1}.get(code[:2], 2)
    return {"2": 4, "3": 3, "4": 2, "5": 2, "6": 2, "7": 2, "8": 2, "9": 1}[major]


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split())


def years_text(span: tuple[float, float | None] | list[float] | None) -> str:
    """A years range as people read it.

    Examples
    --------
    >>> years_text((0, 0)), years_text((3, 4)), years_text((0.25, 0.5)), years_text((10, None))
    ('0 yrs', '3-4 yrs', '3-6 months', '10+ yrs')
    """
    if span is None:
        return "unknown"
    lo, hi = span[0], span[1]
    if hi is None or (isinstance(hi, float) and math.isinf(hi)):
        return f"{_num(lo)}+ yrs"
    if hi < 1 and hi > 0:
        return f"{_num(lo * 12)}-{_num(hi * 12)} months" if lo != hi else f"{_num(hi * 12)} months"
    if lo == hi:
        return f"{_num(lo)} yrs"
    return f"{_num(lo)}-{_num(hi)} yrs"


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))
