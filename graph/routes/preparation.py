"""Preparation: the education, experience, training and credentials a role asks, and the delta.

Plain data and functions, no graph access: the projection
(:mod:`graph.projection.network`) gives every role a ``prep`` dict read from the RDF
(``schema:educationRequirements``, ``schema:experienceRequirements``,
``cg:preparation``, ``cg:iscoSkillLevel``, ``cg:credential``), and
:func:`prep_delta` compares two of them for a person's :class:`Standing`.

The time to ready of a move is a low-high range of years:

    years of study between the two education levels (cg:EducationLevel
    cg:minYears/cg:maxYears, years after high school)
  + the related experience the target expects, minus the years the person has

On-the-job training happens after hiring and is shown, not counted. A
credential is listed when a source names it; its time is not guessed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.levels import (
    EDUCATION,
    ISCO_STUDY,
    ZONE_EDUCATION,
    _norm,
    education_label,
    years_text,
)

__all__ = [
    "Standing",
    "prep_delta",
    "route_prep",
    "burden",
    "step_burden",
    "is_step_down",
    "merge_prep",
    "prep_lines",
]


@dataclass(frozen=True)
class Standing:
    """What a person brings: education rank, years of experience, credentials held.

    ``None`` means "not said": the person is then taken to have what their
    current role typically asks.
    """

    education: int | None = None
    years: float | None = None
    credentials: frozenset[str] = field(default_factory=frozenset)


def _education(prep: dict[str, Any]) -> tuple[int | None, str]:
    """A role's education rank and where it comes from (rated, SOC group, Job Zone)."""
    if prep.get("education"):
        return int(prep["education"]), "group" if prep.get("education_estimated") else "rated"
    zone = prep.get("zone")
    if zone in ZONE_EDUCATION:
        return ZONE_EDUCATION[zone], "zone"
    return None, ""


def _study(prep: dict[str, Any], rank: int | None) -> tuple[float, float] | None:
    if rank in EDUCATION:
        return EDUCATION[rank][2], EDUCATION[rank][3]
    if prep.get("isco") in ISCO_STUDY:
        return ISCO_STUDY[prep["isco"]]
    return None


def _experience(prep: dict[str, Any]) -> tuple[float, float | None] | None:
    span = prep.get("experience")
    if span is None:
        return None
    return float(span[0]), (None if span[1] is None else float(span[1]))


def _level_of(prep: dict[str, Any]) -> tuple[str, int] | None:
    """The measure to tell a step down: education rank, else Job Zone, else ISCO level."""
    rank, how = _education(prep)
    if rank is not None and how != "zone":
        return "education", rank
    if prep.get("zone"):
        return "zone", int(prep["zone"])
    if prep.get("isco"):
        return "isco", int(prep["isco"])
    return None


def _other_field(src: dict[str, Any], dst: dict[str, Any]) -> bool:
    """Whether two roles known only by ISCO skill level lie in different ISCO minor groups
    (the first three digits), at a level (3-4) that asks study of its own.

    Examples
    --------
    >>> nurse, pharmacist = {"isco": 4, "isco_group": "2221"}, {"isco": 4, "isco_group": "2262"}
    >>> _other_field(nurse, pharmacist), _other_field(nurse, {"isco": 4, "isco_group": "2221"})
    (True, False)
    """
    a, b = str(src.get("isco_group") or ""), str(dst.get("isco_group") or "")
    level = dst.get("isco")
    return bool(a and b and level in ISCO_STUDY and int(level) >= 3 and a[:3] != b[:3])


def is_step_down(src: dict[str, Any], dst: dict[str, Any]) -> bool:
    """True when the target asks clearly less preparation than the source.

    Compared on the first measure both have: Job Zone, ISCO skill level, then
    education rank (two ranks down).

    Examples
    --------
    >>> is_step_down({"isco": 4}, {"isco": 2}), is_step_down({"zone": 3}, {"zone": 3})
    (True, False)
    """
    if src.get("zone") and dst.get("zone"):
        return int(dst["zone"]) < int(src["zone"])
    if src.get("isco") and dst.get("isco"):
        return int(dst["isco"]) < int(src["isco"])
    a, b = _level_of(src), _level_of(dst)
    if a and b and a[0] == b[0] == "education":
        return b[1] <= a[1] - 2
    return False


def _study_years(
    src: dict[str, Any],
    dst: dict[str, Any],
    standing: Standing,
    held_rank: int | None,
    dst_rank: int | None,
) -> tuple[float, float] | None:
    """The low-high years of study a move asks (see :func:`prep_delta`); None when unknown."""
    have_study = _study(src, held_rank) if standing.education is None else _study({}, held_rank)
    want_study = _study(dst, dst_rank)
    if want_study is None or have_study is None:
        return None
    e_lo = max(0.0, want_study[0] - have_study[1])
    e_hi = max(0.0, want_study[1] - have_study[0])
    if e_lo > e_hi:
        e_lo = e_hi
    if held_rank and dst_rank and held_rank >= dst_rank:
        e_lo = e_hi = 0.0
    elif not dst_rank and (src.get("isco") or 0) >= (dst.get("isco") or 0):
        e_lo = e_hi = 0.0
        if _other_field(src, dst):
            # the same skill level in another field: its own study may be needed, or
            # may be credited; ISCO cannot tell, so the range runs from none to all of it
            e_hi = ISCO_STUDY[int(dst["isco"])][1]
    return float(e_lo), float(e_hi)


def _experience_years(
    src: dict[str, Any], want_exp: tuple[float, float | None], standing: Standing
) -> tuple[float, float]:
    """The low-high years of related experience still to gain for a target expecting
    ``want_exp``."""
    if standing.years is not None:
        held = float(standing.years)
    elif src.get("experience_held") is not None:
        held = float(src["experience_held"])
    else:
        have_exp = _experience(src)
        held = have_exp[0] if have_exp else 0.0
    top = want_exp[1] if want_exp[1] is not None else want_exp[0]
    return max(0.0, want_exp[0] - held), max(0.0, top - held)


def step_burden(
    src: dict[str, Any], dst: dict[str, Any], standing: Standing | None = None
) -> float:
    """``burden(prep_delta(src, dst, standing))`` when its time to ready is known, else 0:
    the same figure without the rest of the delta (route search weighs thousands of moves).

    Examples
    --------
    >>> rn = {"education": 6, "experience": (1, 2), "zone": 3}
    >>> np_ = {"education": 8, "experience": (2, 4), "zone": 5}
    >>> step_burden(rn, np_) == burden(prep_delta(rn, np_)) == 1.5 + 0.25 * 2.0
    True
    >>> step_burden({}, {})
    0.0
    """
    standing = standing or Standing()
    held_rank = standing.education if standing.education is not None else _education(src)[0]
    study = _study_years(src, dst, standing, held_rank, _education(dst)[0])
    want_exp = _experience(dst)
    if study is None and want_exp is None:
        return 0.0
    return burden(
        {
            "education_years": list(study) if study else None,
            "experience_years": list(_experience_years(src, want_exp, standing))
            if want_exp
            else None,
        }
    )


def prep_delta(
    src: dict[str, Any], dst: dict[str, Any], standing: Standing | None = None
) -> dict[str, Any]:
    """What moving from a role with preparation ``src`` to ``dst`` asks, for a person.

    Parameters
    ----------
    src, dst : dict
        The ``prep`` attributes of two roles (see :mod:`graph.projection.network`).
    standing : Standing, optional
        The person's education, years and credentials; what is not given is
        taken as what the source role typically asks.

    Returns
    -------
    dict
        ``education_from``, ``education_to`` (labels or None),
        ``education_years`` ([low, high] of study, or None if unknown),
        ``experience_expected`` ([low, high] the target expects, high None if
        open-ended), ``experience_years`` ([low, high] still to gain),
        ``training`` (on-the-job training the target gives, a label),
        ``credentials`` (still to obtain), ``regulated`` (bool),
        ``job_zone_from``, ``job_zone_to``, ``isco_from``, ``isco_to``,
        ``years_to_ready`` ([low, high] or None when nothing is known),
        ``basis`` (one line saying how it was estimated) and ``step_down``.

    Examples
    --------
    >>> rn = {"education": 6, "experience": (1, 2), "zone": 3}
    >>> np_ = {"education": 8, "experience": (2, 4), "zone": 5}
    >>> d = prep_delta(rn, np_)
    >>> d["education_years"], d["experience_years"], d["years_to_ready"]
    ([1.0, 2.0], [1.0, 3.0], [2.0, 5.0])
    >>> for part in d["basis"].split("; "): print(part)
    Bachelor's degree -> Master's degree: 1-2 yrs of study
    2-4 yrs of related experience expected, 1-3 yrs to go
    >>> prep_delta(rn, np_, Standing(education=8, years=5))["years_to_ready"]
    [0.0, 0.0]
    """
    standing = standing or Standing()
    src_rank, _ = _education(src)
    dst_rank, dst_how = _education(dst)
    held_rank = standing.education if standing.education is not None else src_rank
    out: dict[str, Any] = {
        "education_from": education_label(held_rank),
        "education_to": education_label(dst_rank),
        "education_estimated": {"group": "from its SOC group", "zone": "from its Job Zone"}.get(
            dst_how
        ),
        "education_years": None,
        "experience_expected": None,
        "experience_years": None,
        "training": dst.get("training"),
        "credentials": [],
        "regulated": bool(dst.get("regulated")),
        "job_zone_from": src.get("zone"),
        "job_zone_to": dst.get("zone"),
        "isco_from": src.get("isco"),
        "isco_to": dst.get("isco"),
        "years_to_ready": None,
        "basis": "",
        "step_down": is_step_down(src, dst),
    }
    parts: list[str] = []
    lo = hi = 0.0
    known = False
    study = _study_years(src, dst, standing, held_rank, dst_rank)
    if study is not None:
        e_lo, e_hi = study
        out["education_years"] = [e_lo, e_hi]
        lo, hi, known = lo + e_lo, hi + e_hi, True
        if held_rank and dst_rank:
            move = f"{education_label(held_rank)} -> {education_label(dst_rank)}"
        elif _other_field(src, dst):
            move = (
                f"ISCO skill level {dst.get('isco')} in another occupation group "
                f"({src['isco_group'][:3]} -> {dst['isco_group'][:3]})"
            )
        else:
            move = f"ISCO skill level {src.get('isco')} -> {dst.get('isco')}"
        if e_hi > 0 and _other_field(src, dst) and not (held_rank and dst_rank):
            parts.append(
                f"{move}: up to {e_hi:g} yrs of study in the new field, or none if yours counts"
            )
        elif e_hi > 0:
            parts.append(f"{move}: {years_text((e_lo, e_hi))} of study")
        else:
            parts.append(f"{out['education_to'] or 'education'} already held")
    want_exp = _experience(dst)
    if want_exp is not None:
        out["experience_expected"] = [want_exp[0], want_exp[1]]
        x_lo, x_hi = _experience_years(src, want_exp, standing)
        out["experience_years"] = [x_lo, x_hi]
        lo, hi, known = lo + x_lo, hi + x_hi, True
        expected = years_text(want_exp)
        if x_hi > 0:
            to_go = years_text((x_lo, x_hi))
            parts.append(f"{expected} of related experience expected, {to_go} to go")
        else:
            parts.append(f"{expected} of related experience expected, already met")
    held_creds = {_norm(c) for c in standing.credentials}
    out["credentials"] = [c for c in dst.get("credentials") or () if _norm(c) not in held_creds]
    if out["credentials"]:
        parts.append("needs " + ", ".join(out["credentials"]) + " (time not estimated)")
    if out["regulated"] and not out["credentials"]:
        parts.append("a regulated profession: a licence may be needed")
    if known:
        out["years_to_ready"] = [round(lo, 2), round(hi, 2)]
    out["basis"] = "; ".join(parts) if parts else "no preparation data for these roles"
    return out


#: experience still to gain weighs this much against a year of study in costs and scores:
#: it is gained while working and paid, study is not
EXPERIENCE_WEIGHT = 0.25


def burden(delta: dict[str, Any]) -> float:
    """Years of preparation a move really costs: the middle of the study range plus
    :data:`EXPERIENCE_WEIGHT` times the middle of the experience still to gain.

    Examples
    --------
    >>> burden({"education_years": [3.0, 4.0], "experience_years": [2.0, 4.0]})
    4.25
    """
    study = delta.get("education_years") or [0.0, 0.0]
    experience = delta.get("experience_years") or [0.0, 0.0]
    return (study[0] + study[1]) / 2 + EXPERIENCE_WEIGHT * (experience[0] + experience[1]) / 2


def merge_prep(preps: list[dict[str, Any]]) -> dict[str, Any]:
    """The most any of ``preps`` asks: the target of a whole route, start to finish."""
    merged: dict[str, Any] = {}
    for prep in preps:
        for key in ("education", "zone", "isco"):
            if prep.get(key) and (not merged.get(key) or prep[key] > merged[key]):
                merged[key] = prep[key]
        if prep.get("experience") is not None:
            cur = merged.get("experience")
            if cur is None or prep["experience"][0] > cur[0]:
                merged["experience"] = prep["experience"]
        creds = merged.setdefault("credentials", [])
        creds.extend(c for c in prep.get("credentials") or () if c not in creds)
        merged["regulated"] = merged.get("regulated") or bool(prep.get("regulated"))
        if prep.get("education_estimated") and prep.get("education") == merged.get("education"):
            merged["education_estimated"] = prep["education_estimated"]
    if preps:
        merged["training"] = preps[-1].get("training")
    return merged


def route_prep(preps: list[dict[str, Any]], standing: Standing | None = None) -> dict[str, Any]:
    """Preparation of a whole route, start (``preps[0]``) to finish: what the most
    demanding role on it asks of the start.

    Examples
    --------
    >>> r = route_prep([{"education": 2}, {"education": 5}, {"education": 6}])
    >>> r["education_years"], r["education_to"]
    ([4.0, 4.0], "Bachelor's degree")
    """
    return prep_delta(preps[0], merge_prep(preps[1:]), standing)


def prep_lines(prep: dict[str, Any] | None, short: bool = True) -> list[str]:
    """A preparation delta as lines: education, experience, credentials, time to ready.

    Examples
    --------
    >>> prep_lines({"education_from": "Bachelor's degree", "education_to": "Master's degree",
    ...             "education_years": [1.0, 2.0], "experience_expected": [2.0, 4.0],
    ...             "experience_years": [1.0, 3.0], "years_to_ready": [2.0, 5.0],
    ...             "credentials": [], "regulated": False, "job_zone_from": 3, "job_zone_to": 5})
    ["Bachelor's degree -> Master's degree", '2-4 yrs related experience', 'Job Zone 3 -> 5', \
'ready in 2-5 yrs']
    """
    if not prep:
        return []
    lines = []
    if (prep.get("education_years") or [0, 0])[1] > 0 and prep.get("education_to"):
        lines.append(f"{prep.get('education_from') or '?'} -> {prep.get('education_to')}")
    elif (prep.get("education_years") or [0, 0])[1] > 0:
        # known by ISCO skill level only (ESCO): the study is that of another field
        lines.append(f"study in the new field, up to {years_text(prep['education_years'])}")
    elif prep.get("education_to") and not short:
        lines.append(f"{prep['education_to']} (held)")
    if prep.get("experience_expected"):
        lines.append(f"{years_text(prep['experience_expected'])} related experience")
    zone_from, zone_to = prep.get("job_zone_from"), prep.get("job_zone_to")
    if zone_from and zone_to and zone_from != zone_to:
        lines.append(f"Job Zone {zone_from} -> {zone_to}")
    isco_from, isco_to = prep.get("isco_from"), prep.get("isco_to")
    if isco_from and isco_to and isco_from != isco_to:
        lines.append(f"ISCO skill level {isco_from} -> {isco_to}")
    for credential in prep.get("credentials") or ():
        lines.append(f"needs {credential}")
    if prep.get("regulated") and not prep.get("credentials"):
        lines.append("regulated profession")
    span = prep.get("years_to_ready")
    lines.append(f"ready in {years_text(span)}" if span else "time to ready unknown")
    return lines
