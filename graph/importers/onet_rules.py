"""What the import infers from O*NET ratings: skills to gain, progressions, estimates."""

from __future__ import annotations

from collections import defaultdict

from graph.importers.onet_files import OnetData, Rating
from graph.levels import IMPORTANT, LEVEL_RISE

__all__ = [
    "skills_to_gain",
    "gain_candidates",
    "estimate_ratings",
    "estimate_preparation",
    "preparation_groups",
    "is_progression",
]


def gain_candidates(want: dict[str, Rating]) -> list[tuple[str, float]]:
    """The elements a move into an occupation rated ``want`` may ask to gain, with their levels.

    Those important there (importance >= :data:`IMPORTANT`) and with a level;
    for :func:`skills_to_gain` when one target is met in many moves.

    Examples
    --------
    >>> gain_candidates({"2.A.1.a": Rating(importance=4.0, level=4.5),
    ...                  "2.A.1.b": Rating(importance=2.0, level=5.0),
    ...                  "2.A.1.c": Rating(importance=4.0)})
    [('2.A.1.a', 4.5)]
    """
    return [
        (eid, target.level)
        for eid, target in want.items()
        if (target.importance or 0) >= IMPORTANT and target.level is not None
    ]


def skills_to_gain(
    have: dict[str, Rating],
    want: dict[str, Rating],
    *,
    candidates: list[tuple[str, float]] | None = None,
) -> list[tuple[str, float | None, float]]:
    """Elements a move from one occupation to another asks you to gain, level-aware.

    An element counts when it is important in the target (importance >=
    :data:`IMPORTANT`) and either the source does not need it at all, or the
    required level rises by more than :data:`LEVEL_RISE` points on O*NET's
    0-7 level scale.

    ``candidates``, when given, must be ``gain_candidates(want)``.

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
    if candidates is None:
        candidates = gain_candidates(want)
    out = []
    for eid, level in candidates:
        source = have.get(eid)
        level_from = source.level if source is not None else None
        rise = level - (level_from or 0.0)
        if rise > LEVEL_RISE:
            out.append((-rise, eid, level_from, level))
    out.sort()  # biggest rise first, then by id: ids are unique, so no two tuples tie further
    return [(eid, a, b) for _, eid, a, b in out]


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


def preparation_groups(data: OnetData) -> dict[tuple[str, str], list[str]]:
    """The surveyed occupations of each SOC broad and minor group, per scale, in order.

    ``{(group, scale): codes}``, the group a code's first 6 or 5 characters:
    for :func:`estimate_preparation` when it is called for many occupations.

    Examples
    --------
    >>> data = OnetData(preparation={"29-1214.00": {"RL": {}}, "29-1215.00": {"RL": {6: 100.0}}})
    >>> preparation_groups(data)
    {('29-121', 'RL'): ['29-1215.00'], ('29-12', 'RL'): ['29-1215.00']}
    """
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for code in sorted(data.preparation):
        for scale, distribution in data.preparation[code].items():
            if distribution:
                for width in (6, 5):
                    groups[(code[:width], scale)].append(code)
    return dict(groups)


def estimate_preparation(
    data: OnetData,
    code: str,
    scale: str,
    *,
    groups: dict[tuple[str, str], list[str]] | None = None,
) -> tuple[dict[int, float], list[str]]:
    """Average preparation distribution of the surveyed occupations of a SOC group.

    Used for an occupation O*NET has not surveyed on ``scale`` (e.g. 29-1214.00
    Emergency Medicine Physicians in 29.3): the broad group (``29-121``), else
    the minor group (``29-12``). The graph records the estimate with
    ``cg:estimatedFrom`` naming the occupations it comes from. ``groups``,
    when given, must be ``preparation_groups(data)``.

    Returns
    -------
    (dict, list of str)
        ``{category: percent}`` and the codes averaged (both empty when none).
    """
    if groups is None:
        groups = preparation_groups(data)
    for width in (6, 5):
        peers = [c for c in groups.get((code[:width], scale), ()) if c != code]
        if peers:
            break
    else:
        return {}, []
    sums: dict[int, float] = defaultdict(float)
    for peer in peers:
        for category, share in data.preparation[peer][scale].items():
            sums[category] += share / len(peers)
    return dict(sums), peers


def _typical_education(
    data: OnetData, code: str, groups: dict[tuple[str, str], list[str]]
) -> int | None:
    from graph.levels import typical_category

    distribution = data.preparation.get(code, {}).get("RL") or {}
    if not sum(distribution.values()):
        distribution, _ = estimate_preparation(data, code, "RL", groups=groups)
    return typical_category(distribution) if sum(distribution.values()) else None


def is_progression(
    data: OnetData,
    code: str,
    other: str,
    *,
    education: dict[str, int | None] | None = None,
    groups: dict[tuple[str, str], list[str]] | None = None,
) -> bool:
    """Whether a related occupation is a step up a person would call a progression.

    The target's Job Zone is higher, or it supervises or manages (at no lower
    a Job Zone) while the source does not; it is in the same SOC major group (the
    same field of work) or it manages or supervises (SOC major group 11, or a
    first-line supervisor group ``NN-10``); and its typical education is at
    most one level above (a bachelor's to a master's, never a bachelor's to a
    medical degree). Anything else is a transition: Claims Adjusters -> Lawyers
    changes field and needs a law degree.

    ``education``, when given, keeps each occupation's typical education
    category once worked out (the caller keeps ``data`` unchanged meanwhile);
    ``groups``, when given, must be ``preparation_groups(data)``.
    """
    zone_from, zone_to = data.job_zones.get(code, 0), data.job_zones.get(other, 0)

    def leads(soc: str) -> bool:
        return soc.startswith("11-") or soc[3:5] == "10"

    # a step up: more preparation, or supervising the work one did (Cashiers -> First-Line
    # Supervisors of Retail Sales Workers share Job Zone 2)
    up = zone_to > zone_from or (leads(other) and not leads(code) and zone_to >= zone_from)
    if not (up and zone_from > 0) or not (code[:2] == other[:2] or leads(other)):
        return False
    if education is None:
        education = {}
    for soc in (code, other):
        if soc not in education:
            if groups is None:
                groups = preparation_groups(data)
            education[soc] = _typical_education(data, soc, groups)
    edu_from, edu_to = education[code], education[other]
    if edu_from is None or edu_to is None:
        return zone_to - zone_from == 1
    return edu_to - edu_from <= 2
