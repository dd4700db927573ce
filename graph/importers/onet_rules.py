"""What the import infers from O*NET ratings: skills to gain, progressions, estimates."""

from __future__ import annotations

from collections import defaultdict

from graph.importers.onet_files import OnetData, Rating
from graph.levels import IMPORTANT, LEVEL_RISE

__all__ = [
    "skills_to_gain",
    "estimate_ratings",
    "estimate_preparation",
    "is_progression",
]


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
            c
            for c, scales in data.preparation.items()
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
