"""What a step costs: the weights of route search, parsed from ``--weight name=value``.

A step costs ``base cost of its kind + skill x skills to gain (minus --have)
+ unknown if either role has no skill profile + salary_drop x relative pay
drop + prep_year x years of preparation``; all of it lives in :class:`Weights`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace

from graph.errors import UsageError
from graph.levels import IMPORTANT, LEVEL_RISE

__all__ = ["Weights", "parse_weights"]


#: IRIs of the shipped skill vocabulary's concepts (graph/data/skills.tsv)
SKILL_NS = "https://w3id.org/careergraph/id/skill/"


#: fuzzy score (0-100, token-sort ratio) at which a --have phrase takes a skill
SKILL_FUZZY_ACCEPT = 90


@dataclass(frozen=True)
class Weights:
    """Every knob of route search and ranking, with its default.

    Route cost of one step::

        cost = {progression | transition | suggested}
               + skill * (skills to gain, minus --have)
               + unknown            (if either role has no skill profile)
               + salary_drop * max(0, (pay_from - pay_to) / pay_from)
               + prep_year * years to ready (middle of the range)

    Attributes
    ----------
    progression, transition, suggested : float
        Base cost of a move by kind: a curated step up, a curated sideways
        move, a move inferred from similarity. Curated moves are preferred.
    skill : float
        Cost per skill to gain (a new skill or a level rise).
    unknown : float
        Cost of a step whose delta is unknown (a role named in a guide but
        without a skill profile), so such steps are not free.
    salary_drop : float
        Cost of a pay cut, per whole relative drop (0.2 = a 20% cut costs
        ``0.2 * salary_drop``). Pay rises cost nothing.
    suggest_top : float
        How many similar roles each role gets suggested moves to.
    suggest_min : float
        Least similarity (0-1) for a suggested move.
    min_importance : float
        A rated skill (O*NET/ESCO importance) counts as to gain, whether the
        source lacks it or needs it at a lower level, only when the target rates
        it at this importance or above; unrated (guide) skills always count.
    level_rise : float
        A skill both roles rate counts as to gain when the target's level
        exceeds the source's by more than this.
    next_progression, next_transition : float
        Bonus added to ``next``'s score for curated moves (suggested: 0).
    next_salary : float
        Weight of the relative pay change (clipped to -1..1) in ``next``'s score.
    next_salary_drop : float
        ``next``: weight of a relative pay cut (a lateral move that pays less
        is not a step forward).
    prep_year : float
        Route cost per year of preparation: the middle of the years of study
        plus a quarter of the middle of the related experience still to gain
        (experience is gained while paid).
    next_prep : float
        ``next``: score taken off per year of time to ready. With the default
        ``next_salary`` the best possible pay rise (0.3) is worth less than
        two years of preparation (0.4), so pay never outranks schooling.

    Examples
    --------
    >>> Weights().suggested > Weights().transition > Weights().progression
    True
    """

    progression: float = 1.0
    transition: float = 1.5
    suggested: float = 3.0
    skill: float = 0.25
    unknown: float = 1.0
    salary_drop: float = 4.0
    suggest_top: float = 3
    suggest_min: float = 0.25
    min_importance: float = IMPORTANT
    level_rise: float = LEVEL_RISE
    next_progression: float = 0.3
    next_transition: float = 0.1
    next_salary: float = 0.3
    next_salary_drop: float = 1.0
    prep_year: float = 0.5
    next_prep: float = 0.2

    def base(self, kind: str) -> float:
        """Base cost of a move of ``kind``."""
        return float(getattr(self, kind))


def parse_weights(items: Iterable[str], base: Weights | None = None) -> Weights:
    """Return ``base`` (default :class:`Weights`) with ``NAME=VALUE`` overrides.

    Raises
    ------
    UsageError
        An item is not ``NAME=VALUE``, names no weight, or its value is not a
        non-negative number.

    Examples
    --------
    >>> parse_weights(["skill=0.5", "suggested=4"]).skill
    0.5
    >>> parse_weights(["skil=1"])
    Traceback (most recent call last):
    ...
    graph.errors.UsageError: Unknown weight 'skil' in --weight skil=1. Known weights: \
progression, transition, suggested, skill, unknown, salary_drop, suggest_top, suggest_min, \
min_importance, level_rise, next_progression, next_transition, next_salary, \
next_salary_drop, prep_year, next_prep.
    """
    weights = base or Weights()
    names = [f.name for f in fields(Weights)]
    changes: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep:
            raise UsageError(f"--weight {item}: expected NAME=VALUE, e.g. --weight skill=0.5.")
        if name not in names:
            raise UsageError(
                f"Unknown weight '{name}' in --weight {item}. Known weights: {', '.join(names)}."
            )
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if not number >= 0 or number == float("inf"):
            raise UsageError(f"--weight {item}: the value must be a number >= 0.")
        changes[name] = number
    return replace(weights, **changes)


#: least fuzzy score (0-100, edit-distance ratio) for a skill to be offered as "Did you mean";
#: partial-match scores are not used: they offer "R" for "bar exam"
SKILL_FUZZY_SUGGEST = 60
