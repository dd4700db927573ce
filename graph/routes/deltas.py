"""Skill and preparation deltas of one step, and what a step costs.

A step's skill delta is what the target role needs that the source lacks:
a skill the source does not list, or one whose required level rises by more
than ``level_rise``; either only when the target rates its importance at
least ``min_importance`` (unrated guide skills always count). A curated
move's stored ``skills_to_gain`` is used when it has any. An O*NET
occupation without ratings stands in through its SOC group's rated
occupations, or its delta is unknown. The preparation delta comes from
:mod:`graph.routes.preparation`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import networkx as nx

from graph.levels import MAX_TECH_TO_GAIN
from graph.routes.memo import _label, _memo, _skill_labels
from graph.routes.preparation import Standing, prep_delta, step_burden
from graph.routes.skillview import ranked_technology, technologies, useful_technology
from graph.routes.weights import Weights

__all__ = [
    "preparation",
    "years_mid",
    "SkillDelta",
    "skill_delta",
    "salary_change",
    "step_cost",
    "skills_note",
]


@dataclass(frozen=True)
class SkillDelta:
    """What moving from one role to another asks you to learn.

    Attributes
    ----------
    to_gain : tuple of str
        Skill IRIs to gain, most important first.
    kept : tuple of str
        Skill IRIs the target needs that the source (or you) already has.
    levels : dict
        ``{skill: (from_level, to_level)}`` for skills whose level rises.
    unknown : bool
        True when a role has no skill profile, so the delta is not known.
    curated : bool
        True when ``to_gain`` comes from the move's stored skills to gain.
    estimated_from : tuple of str
        When a role O*NET has not rated stands in through its SOC group: the
        rated roles whose average ratings were compared.
    """

    to_gain: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    levels: dict[str, tuple[float, float]] | None = None
    unknown: bool = False
    curated: bool = False
    estimated_from: tuple[str, ...] = ()

    def given(self, held: dict[str, float], level_rise: float = 1.0) -> SkillDelta:
        """The delta for someone who already holds ``held`` (``{skill: level}``).

        A held skill is no longer to gain unless the step raises its level
        by more than ``level_rise`` above the held level (``math.inf`` for a
        skill held at any level, as with ``--have``).

        Examples
        --------
        >>> import math
        >>> d = SkillDelta(("x", "y"), (), {"x": (2.0, 5.0)})
        >>> d.given({"y": math.inf}).to_gain, d.given({"x": 4.5}).to_gain
        (('x',), ('y',))
        """
        if not held:
            return self
        dropped = []
        for skill in self.to_gain:
            if skill not in held:
                continue
            level = (self.levels or {}).get(skill)
            if level is None or level[1] - held[skill] <= level_rise:
                dropped.append(skill)
        if not dropped:
            return self
        return replace(
            self,
            to_gain=tuple(s for s in self.to_gain if s not in dropped),
            kept=self.kept + tuple(dropped),
        )


def _order(profile: dict[str, Any], P: nx.DiGraph, skills: Iterable[str]) -> tuple[str, ...]:
    """Most important (then highest level) first, then by label."""
    skills = list(skills)
    lower = {s: label.lower() for s, label in zip(skills, _skill_labels(P, skills), strict=True)}

    def key(skill: str) -> tuple[float, float, str]:
        rating = profile.get(skill) or {}
        return (
            -(rating.get("importance") or 0.0),
            -(rating.get("level") or 0.0),
            lower[skill],
        )

    return tuple(sorted(skills, key=key))


def skill_delta(
    P: nx.DiGraph, source: str, target: str, weights: Weights | None = None
) -> SkillDelta:
    """The skills moving from ``source`` to ``target`` asks for.

    Uses the curated move's stored skills to gain when it has any, else
    compares the two roles' skill profiles (level-aware where rated). A
    role without a profile gives an empty delta marked ``unknown``.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph()
    >>> P.add_node("a", skills={"x": {"importance": 4.0, "level": 3.0},
    ...                         "y": {"importance": 4.0, "level": 2.0}})
    >>> P.add_node("b", skills={"x": {"importance": 4.0, "level": 5.0},
    ...                         "y": {"importance": 3.5, "level": 2.5},
    ...                         "z": {"importance": 3.5, "level": 4.0},
    ...                         "w": {"importance": 1.5, "level": 1.0}})
    >>> P.add_node("c", skills={})
    >>> d = skill_delta(P, "a", "b")
    >>> d.to_gain, d.kept, d.levels
    (('x', 'z'), ('y',), {'x': (3.0, 5.0)})
    >>> skill_delta(P, "a", "c").unknown
    True
    """
    return _delta(P, source, target, weights or Weights(), True)


def _delta(
    P: nx.DiGraph, source: str, target: str, weights: Weights, with_kept: bool
) -> SkillDelta:
    """:func:`skill_delta`; without ``with_kept``, its ``kept`` may be left empty (ordering
    the hundreds of technologies two roles share is most of the work, and ``next`` does not
    show them)."""
    memo = _memo(P).setdefault(("delta", weights.min_importance, weights.level_rise), {})
    found = memo.get((source, target))
    if found is None and not with_kept:
        found = memo.get((source, target, "no kept"))
    if found is not None:
        return found  # type: ignore[no-any-return]
    gain, levels, unknown, curated = _gain(P, source, target, weights)
    if unknown:
        delta = SkillDelta(unknown=True)
    else:
        tgt = _skills(P, target)
        kept = _profile(P, source, weights)[0] & tgt.keys() - gain if with_kept else ()
        # an import's stored delta out of an unrated occupation was computed the same way
        estimated = tuple(
            peer
            for role in (source, target)
            for peer in (P.nodes[role].get("est_from") or ())
            if _uses_estimate(P, role)
        )
        delta = SkillDelta(
            _order(tgt, P, gain),
            _order(tgt, P, kept),
            levels,
            curated=curated,
            estimated_from=tuple(dict.fromkeys(estimated)),
        )
    memo[(source, target) if with_kept or unknown else (source, target, "no kept")] = delta
    return delta


class _Profile(NamedTuple):
    """What route search needs of one role's skill profile (see :func:`_profile`)."""

    #: every skill the role lists
    keys: frozenset[str]
    #: those important enough to gain (unrated ones count)
    important: frozenset[str]
    #: rated levels, and those of the important skills
    levels: dict[str, float]
    important_levels: dict[str, float]
    #: the important skills that are not technologies, and the technologies
    important_other: frozenset[str]
    important_tech: frozenset[str]
    #: whether every important technology is one the role's own profile lists
    #: (so :func:`graph.routes.skillview.ranked_technology` ranks them all)
    tech_ranked: bool
    #: an O*NET occupation without ratings of its own; and without a stand-in either
    unrated: bool
    unknown: bool


def _profile(P: nx.DiGraph, role: str, weights: Weights) -> _Profile:
    """A role's skills, those important enough to gain, and the rated levels; memoized."""
    memo = _memo(P).setdefault(("profile", weights.min_importance), {})
    found = memo.get(role)
    if found is not None:
        return found  # type: ignore[no-any-return]
    from graph.projection.network import is_unrated

    skills = _skills(P, role)
    minimum, technology = weights.min_importance, technologies(P)
    other: list[str] = []
    tech: list[str] = []
    levels: dict[str, float] = {}
    important_levels: dict[str, float] = {}
    # one pass: a role lists some 80 skills and route search reads a few hundred roles
    for skill, rating in skills.items():
        importance, level = rating.get("importance"), rating.get("level")
        if level is not None:
            levels[skill] = level
        if importance is None or importance >= minimum:
            (tech if skill in technology else other).append(skill)
            if level is not None:
                important_levels[skill] = level
    data = P.nodes[role]
    unrated = is_unrated(data)
    found = memo[role] = _Profile(
        frozenset(skills),
        frozenset(other + tech),
        levels,
        important_levels,
        frozenset(other),
        frozenset(tech),
        frozenset(tech).issubset(data.get("skills") or ()),
        unrated,
        unrated and not data.get("est_from"),
    )
    return found


def _uses_estimate(P: nx.DiGraph, role: str) -> bool:
    """Whether a role stands in through its SOC group's ratings (see graph.projection.network)."""
    data = P.nodes[role]
    return bool(data.get("est_from")) or False


def _skills(P: nx.DiGraph, role: str) -> dict[str, Any]:
    """A role's skill profile; an unrated O*NET occupation's technology plus its SOC group's
    average ratings."""
    data = P.nodes[role]
    if data.get("est_from"):
        memo = _memo(P).setdefault("est_profiles", {})
        if role not in memo:
            memo[role] = {**(data.get("skills") or {}), **data["est_skills"]}
        return memo[role]  # type: ignore[no-any-return]
    return data.get("skills") or {}  # type: ignore[no-any-return]


def _gain(
    P: nx.DiGraph, source: str, target: str, weights: Weights
) -> tuple[frozenset[str], dict[str, tuple[float, float]], bool, bool]:
    """Skills to gain (unordered), level rises, unknown?, curated? -- all route search needs."""
    memo = _memo(P).setdefault(("gain", weights.min_importance, weights.level_rise), {})
    found = memo.get((source, target))
    if found is not None:
        return found  # type: ignore[no-any-return]
    profiles = _memo(P).get(("profile", weights.min_importance)) or {}
    src = profiles.get(source) or _profile(P, source, weights)
    tgt = profiles.get(target) or _profile(P, target, weights)
    src_keys, src_levels = src.keys, src.levels
    tgt_keys, tgt_important, tgt_levels = tgt.keys, tgt.important, tgt.important_levels
    # a level rise counts only where the target rates the skill important enough, like a new skill
    rise = weights.level_rise
    levels = {
        s: (src_levels[s], tgt_levels[s])
        for s in src_levels.keys() & tgt_levels.keys()
        if tgt_levels[s] - src_levels[s] > rise
    }
    edge = P._succ.get(source, {}).get(target) or {}
    raw = frozenset(s for s in edge.get("skills_to_gain") or () if s)
    if raw and tgt.unrated:
        # the import could compare only technology with an unrated target: not a delta
        raw = frozenset()
    # a stored skill the target rates below min_importance is not asked for either
    stored = frozenset(s for s in raw if s in tgt_important or s not in tgt_keys)
    if raw:
        levels = {s: lv for s, lv in levels.items() if s in stored}
        found = (_cap_technology(P, stored, target), levels, False, True)
    elif not src_keys or not tgt_keys or src.unknown or tgt.unknown:
        found = (frozenset(), {}, True, False)
    elif tgt.tech_ranked and levels.keys().isdisjoint(tgt.important_tech):
        # _cap_technology((tgt_important - src_keys) | levels.keys(), target), without
        # building the set of the target's hundreds of technologies the source lacks
        kept = []
        for skill in ranked_technology(P, target)[0]:
            if skill in tgt.important_tech and skill not in src_keys:
                kept.append(skill)
                if len(kept) >= MAX_TECH_TO_GAIN:
                    break
        gain = (tgt.important_other - src_keys) | levels.keys() | frozenset(kept)
        found = (gain, levels, False, False)
    else:
        gain = (tgt_important - src_keys) | levels.keys()
        found = (_cap_technology(P, gain, target), levels, False, False)
    memo[(source, target)] = found
    return found


def _cap_technology(P: nx.DiGraph, gain: frozenset[str], target: str) -> frozenset[str]:
    """Keep the technologies worth learning for ``target``, at most MAX_TECH_TO_GAIN.

    O*NET lists dozens of technology examples per occupation; counting every
    one the source does not list would swamp the skills that matter. Which
    are kept: :func:`graph.routes.skillview.useful_technology`.
    """
    tech = gain & technologies(P)
    if not tech:
        return gain
    ranked, listed = ranked_technology(P, target)
    if tech <= listed:
        # the target's own technologies (see ranked_technology): the first few in the gain
        kept = [skill for skill in ranked if skill in tech][:MAX_TECH_TO_GAIN]
    else:
        kept = useful_technology(P, target, tech)[:MAX_TECH_TO_GAIN]
    return (gain - tech) | frozenset(kept)


def salary_change(P: nx.DiGraph, source: str, target: str) -> float | None:
    """Target pay midpoint minus source pay midpoint; None if unknown or in different currencies.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph()
    >>> P.add_node("a", midpoint=150000.0, currency="USD")
    >>> P.add_node("b", midpoint=190000.0, currency="USD")
    >>> P.add_node("c", midpoint=None, currency=None)
    >>> salary_change(P, "a", "b"), salary_change(P, "a", "c")
    (40000.0, None)
    """
    a, b = P._node[source], P._node[target]
    if a.get("midpoint") is None or b.get("midpoint") is None:
        return None
    if (a.get("currency") or "USD") != (b.get("currency") or "USD"):
        return None
    return float(b["midpoint"]) - float(a["midpoint"])


def _relative_change(P: nx.DiGraph, source: str, target: str) -> float | None:
    change = salary_change(P, source, target)
    base = P._node[source].get("midpoint")
    if change is None or not base:
        return None
    return change / float(base)


def preparation(
    P: nx.DiGraph, source: str, target: str, standing: Standing | None = None
) -> dict[str, Any]:
    """The preparation delta of one move (see :func:`prep_delta`); memoized.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph()
    >>> P.add_node("a", prep={"education": 2, "zone": 2})
    >>> P.add_node("b", prep={"education": 6, "zone": 4})
    >>> preparation(P, "a", "b")["years_to_ready"]
    [4.0, 4.0]
    """
    memo = _memo(P).setdefault(("prep", standing), {})
    found = memo.get((source, target))
    if found is None:
        found = memo[(source, target)] = prep_delta(
            P.nodes[source].get("prep") or {}, P.nodes[target].get("prep") or {}, standing
        )
    return found  # type: ignore[no-any-return]


def years_mid(delta: dict[str, Any]) -> float:
    """The years of preparation a delta weighs in costs and scores (0 when unknown):
    study plus a quarter of the experience still to gain
    (:func:`graph.routes.preparation.burden`)."""
    from graph.routes.preparation import burden

    return burden(delta) if delta.get("years_to_ready") else 0.0


def step_cost(
    P: nx.DiGraph,
    source: str,
    target: str,
    kind: str,
    have: frozenset[str] = frozenset(),
    weights: Weights | None = None,
    standing: Standing | None = None,
) -> float:
    """The cost of one step of a route (see :class:`Weights`).

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph()
    >>> P.add_node("a", skills={"x": {}}, midpoint=200.0, currency="USD")
    >>> P.add_node("b", skills={"x": {}, "y": {}, "z": {}}, midpoint=150.0, currency="USD")
    >>> step_cost(P, "a", "b", "transition")  # 1.5 + 2 skills x 0.25 + 4 x 25% drop
    3.0
    >>> step_cost(P, "a", "b", "transition", have=frozenset({"y"}))
    2.75
    """
    return _step_costs(P, have, weights or Weights(), standing)(source, target, kind)


def _step_costs(
    P: nx.DiGraph, have: frozenset[str], weights: Weights, standing: Standing | None
) -> Callable[[str, str, str], float]:
    """:func:`step_cost` for one ``have``, ``weights`` and ``standing``, as a function of
    ``(source, target, kind)``: route search asks it for thousands of moves."""
    memo = _memo(P).setdefault(("cost", weights, have, standing), {})
    gains = _memo(P).setdefault(("gain", weights.min_importance, weights.level_rise), {})
    nodes = P._node

    def cost_of(source: str, target: str, kind: str) -> float:
        key = (source, target, kind)
        found = memo.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        gain, _, unknown, _ = gains.get((source, target)) or _gain(P, source, target, weights)
        cost = weights.base(kind)
        if unknown:
            cost += weights.unknown
        else:
            cost += weights.skill * (len(gain - have) if have else len(gain))
        change = _relative_change(P, source, target)
        if change is not None and change < 0:
            cost += weights.salary_drop * -change
        if weights.prep_year:
            # the figure years_mid(preparation(...)) gives, without the rest of the delta
            prep = nodes[source].get("prep") or {}, nodes[target].get("prep") or {}
            cost += weights.prep_year * step_burden(*prep, standing)
        memo[key] = cost
        return cost

    return cost_of


def _pair_similarity(P: nx.DiGraph, source: str, target: str) -> float | None:
    """The similarity of two roles when the target is among the source's stored neighbours."""
    model = P.graph.get("similarity")
    if model is None or source not in model or target not in model:
        return None
    i, j = model.index[source], model.index[target]
    for other, score in zip(model.neighbours[i], model.scores[i], strict=True):
        if other < 0:
            break
        if int(other) == j:
            return round(float(score), 4)
    return None


def skills_note(P: nx.DiGraph, source: str, target: str, delta: SkillDelta) -> str | None:
    """One line saying what a delta could not see, or compared through a stand-in; else None.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph()
    >>> P.add_node("a", label="A", skills={"x": {}})
    >>> P.add_node("b", label="B", skills={})
    >>> skills_note(P, "a", "b", SkillDelta(unknown=True))
    'What B asks is unknown: it has no skill profile.'
    """
    from graph.projection.network import is_unrated

    if delta.unknown:
        for role in (target, source):
            data = P.nodes[role]
            if is_unrated(data):
                return (
                    f"What {_label(P, target) if role == target else 'the move'} asks is "
                    f"unknown: O*NET has not rated {_label(P, role)}, nor any occupation of "
                    "its SOC group."
                )
            if not data.get("skills"):
                who = _label(P, role) if role != target else "it"
                return f"What {_label(P, target)} asks is unknown: {who} has no skill profile."
        return "The skill delta is unknown."
    if delta.estimated_from:
        names = [_label(P, r) for r in delta.estimated_from]
        rated = "; ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        standing_in = [_label(P, r) for r in (source, target) if _uses_estimate(P, r)]
        return (
            f"O*NET has not rated {' or '.join(standing_in)}; compared through the rated "
            f"occupations of its SOC group ({rated})."
        )
    return None


def _coverage(
    P: nx.DiGraph, source: str, target: str, have: frozenset[str], weights: Weights | None = None
) -> float:
    """How much of the target's profile the source (plus ``have``) covers, 0-1, level-aware.

    Where the target is rated, only rated elements count (technology examples
    would swamp them), each by its importance, and a skill held at a lower
    level counts in proportion (level 2 of a needed 4 covers half).

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph()
    >>> P.add_node("a", skills={"x": {"importance": 4.0, "level": 2.0}})
    >>> P.add_node("b", skills={"x": {"importance": 4.0, "level": 4.0},
    ...                         "y": {"importance": 4.0, "level": 3.0}})
    >>> _coverage(P, "a", "b", frozenset())
    0.25
    """
    from graph.projection.similarity import overlap

    src, tgt = _skills(P, source), _skills(P, target)
    rated = {s: r for s, r in tgt.items() if r and r.get("importance") is not None}
    if not rated:
        return overlap(set(src) | have, tgt)
    total = covered = 0.0
    for skill, rating in rated.items():
        weight = float(rating["importance"])
        total += weight
        if skill in have:
            covered += weight
        elif skill in src:
            want, got = rating.get("level"), (src[skill] or {}).get("level")
            if want and got is not None:
                covered += weight * min(1.0, got / want)
            else:
                covered += weight
    return round(covered / total, 4) if total else 0.0
