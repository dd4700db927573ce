"""Career routes with skill deltas: the algorithms (costs, deltas, k best routes, next moves).

Every function here is a plain function of the networkx projection ``P``
(:func:`graph.projection.cache.load_projection`) and role IRIs; it returns data and
raises :mod:`graph.errors` exceptions, and never prints. :mod:`graph.routes.reports`
turns their results into what the ``path``, ``next``, ``gap`` and ``similar``
commands print.

Routes run over two kinds of moves:

* curated moves, the edges of ``P`` (``progression`` or ``transition``,
  named in a guide or an import), and
* suggested moves, inferred from profile similarity
  (:mod:`graph.projection.similarity`): for each role, its ``suggest_top`` most similar
  roles (score at least ``suggest_min``) it has no curated move to.

A step costs ``base cost of its kind + skill x skills to gain (minus --have)
+ unknown if either role has no skill profile + salary_drop x relative pay
drop + prep_year x years of preparation``; all of it lives in
:class:`Weights`. Yen's algorithm (:func:`networkx.shortest_simple_paths`)
gives candidate routes, the direct move among them, which are ranked by what
they ask from start to finish (:func:`route_cost`).

A step's skill delta is what the target role needs that the source lacks:
a skill the source does not list, or one whose required level rises by more
than ``level_rise`` ("from level X to Y"); either only when the target rates
its importance at least ``min_importance`` (unrated guide skills always count).
A curated move's stored ``skills_to_gain`` (``cg:skillToGain``) is used when it
has any. An O*NET occupation without ratings stands in through its SOC group's
rated occupations, or its delta is unknown (:func:`skills_note` says which).
The preparation delta (education, experience, training, credentials, time to
ready) comes from :mod:`graph.routes.preparation`.
"""

from __future__ import annotations

import math
import re
import threading
import weakref
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

import networkx as nx

from graph.errors import NoRouteError, UsageError
from graph.levels import years_text
from graph.routes.preparation import Standing, prep_delta
from graph.routes.skillview import useful_technology

__all__ = [
    "Weights",
    "Standing",
    "preparation",
    "years_mid",
    "SkillDelta",
    "parse_weights",
    "resolve_skills",
    "split_have",
    "skill_delta",
    "salary_change",
    "step_cost",
    "routing_graph",
    "k_routes",
    "next_moves",
    "route_skills",
    "route_cost",
    "route_preparation",
    "skills_note",
]

#: IRIs of the shipped skill vocabulary's concepts (graph/data/skills.tsv)
SKILL_NS = "https://w3id.org/careergraph/id/skill/"

#: how many candidate routes Yen's algorithm may produce while looking for k within --max-steps
MAX_CANDIDATES = 60

#: when no route exists, route search tries once more with this many suggested moves per role
WIDE_SUGGEST_TOP = 10

#: at most this many technologies (O*NET technology examples) count as to gain in one step
MAX_TECH_TO_GAIN = 5

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
    min_importance: float = 3.0
    level_rise: float = 1.0
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


# ---------------------------------------------------------------------------
# Per-projection memo: things derived from P once and reused by warm calls
# ---------------------------------------------------------------------------

_MEMO: weakref.WeakKeyDictionary[Any, dict[Any, Any]] = weakref.WeakKeyDictionary()


def _memo(P: Any) -> dict[Any, Any]:
    memo = _MEMO.get(P)
    if memo is None:
        memo = _MEMO[P] = {}
    return memo


def _label(P: Any, role: str) -> str:
    return str(P.nodes[role].get("label") or role.rsplit("/", 1)[-1])


def _skill_label(P: Any, skill: str) -> str:
    """A skill's label; with its type when another skill has the same label
    (O*NET's skill "Mathematics" and knowledge area "Mathematics")."""
    info = P.graph.get("skills", {}).get(skill)
    if not info:
        return skill.rsplit("/", 1)[-1]
    label = str(info["label"])
    if label in _shared_labels(P) and info.get("type"):
        return f"{label} ({info['type']})"
    return label


def _shared_labels(P: Any) -> set[str]:
    memo = _memo(P)
    if "shared_labels" not in memo:
        seen: set[str] = set()
        shared: set[str] = set()
        for info in P.graph.get("skills", {}).values():
            label = info.get("label")
            (shared if label in seen else seen).add(label)
        memo["shared_labels"] = shared
    return memo["shared_labels"]  # type: ignore[no-any-return]


def _ref(P: Any, role: str) -> dict[str, str]:
    return {"id": role, "label": _label(P, role)}


# ---------------------------------------------------------------------------
# Skills a person already has (--have)
# ---------------------------------------------------------------------------


def _skill_index(P: Any) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Normalized label -> skill IRIs, and core form -> skill IRIs."""
    memo = _memo(P)
    if "skill_index" in memo:
        return memo["skill_index"]  # type: ignore[no-any-return]
    from graph.skills import SkillVocabulary, core, normalize

    skills: dict[str, dict[str, Any]] = P.graph.get("skills", {})
    texts: dict[str, set[str]] = {}
    for iri, info in skills.items():
        labels = {info.get("label") or ""}
        labels.update(info.get("labels") or ())
        labels.update(info.get("alt_labels") or ())
        texts.setdefault(iri, set()).update(t for t in labels if t)
    # the shipped vocabulary knows the other phrasings of guide skills
    for concept in SkillVocabulary.load().concepts.values():
        iri = SKILL_NS + concept.id
        if iri in skills:
            texts[iri].update([concept.label, *concept.alt_labels])
    exact: dict[str, set[str]] = {}
    cores: dict[str, set[str]] = {}
    for iri, labels in texts.items():
        for text in labels:
            exact.setdefault(normalize(text), set()).add(iri)
            cores.setdefault(core(text) or normalize(text), set()).add(iri)
    memo["skill_index"] = (exact, cores)
    return exact, cores


def resolve_skills(P: Any, phrases: Iterable[str]) -> frozenset[str]:
    """Map skill names as a person types them to skill IRIs of ``P``.

    A phrase matches a skill's label or alternative label (case and
    punctuation ignored), then the label without parenthetical detail, then
    fuzzily. Skill IRIs are accepted as they are.

    Raises
    ------
    UsageError
        A phrase matches no skill; the message names the three closest.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph(skills={"s/sql": {"label": "SQL", "type": "skill"},
    ...                        "s/go": {"label": "Programming in Go", "type": "skill"}})
    >>> sorted(resolve_skills(P, ["sql", "Programing in Go"]))
    ['s/go', 's/sql']
    >>> resolve_skills(P, ["Programming Rust"])
    Traceback (most recent call last):
    ...
    graph.errors.UsageError: Unknown skill 'Programming Rust' in --have. Did you mean: \
Programming in Go?
    """
    phrases = [p for p in phrases if p.strip()]
    if not phrases:
        return frozenset()
    from graph.skills import core, normalize

    skills: dict[str, Any] = P.graph.get("skills", {})
    exact, cores = _skill_index(P)
    found: set[str] = set()
    for phrase in phrases:
        phrase = phrase.strip()
        if not phrase:
            continue
        if phrase in skills:
            found.add(phrase)
            continue
        key = normalize(phrase)
        hit = exact.get(key) or cores.get(core(phrase) or key)
        if not hit and key:
            from rapidfuzz import fuzz, process

            best = process.extractOne(
                key, list(exact), scorer=fuzz.token_sort_ratio, score_cutoff=SKILL_FUZZY_ACCEPT
            )
            hit = exact[best[0]] if best else None
        if not hit:
            raise UsageError(_unknown_skill(P, phrase, key, exact))
        found.update(hit)
    return frozenset(found)


#: words that make a --have phrase a credential (a licence, exam or certification), not a skill
CREDENTIAL_WORDS = re.compile(
    r"\b(exam|licen[cs]e[ds]?|licensure|certifi\w*|certificate|registered|registration|board|"
    r"bar|chartered|accredit\w*|credential|diploma|degree)\b",
    re.IGNORECASE,
)
#: an acronym such as PMP, CPA, CISSP or NCLEX-RN
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{1,6}(-[A-Z0-9]{1,4})?$")


def split_have(P: Any, phrases: Iterable[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Split ``--have`` phrases into skill IRIs and credentials ("bar exam", "PMP").

    A phrase that names a skill is a skill. One that does not, but names a
    credential a role of the graph lists, or reads like one (an exam,
    licence, certification, degree, or an acronym such as PMP), is a
    credential. Anything else is an unknown skill.

    Raises
    ------
    UsageError
        A phrase is neither; the message names close skills only when some
        are really close.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph(skills={"s/sql": {"label": "SQL", "type": "skill"}})
    >>> split_have(P, ["sql", "bar exam", "PMP"])
    (frozenset({'s/sql'}), ('bar exam', 'PMP'))
    """
    skills: set[str] = set()
    credentials: list[str] = []
    known = {_norm_text(c) for _, prep in P.nodes(data="prep") for c in (prep or {}).get(
        "credentials", ()
    )}
    for phrase in phrases:
        phrase = phrase.strip()
        if not phrase:
            continue
        try:
            skills.update(resolve_skills(P, [phrase]))
        except UsageError:
            if (
                _norm_text(phrase) in known
                or CREDENTIAL_WORDS.search(phrase)
                or _ACRONYM.match(phrase)
            ):
                credentials.append(phrase)
            else:
                raise
    return frozenset(skills), tuple(credentials)


def _norm_text(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split())


#: least fuzzy score (0-100, edit-distance ratio) for a skill to be offered as "Did you mean";
#: partial-match scores are not used: they offer "R" for "bar exam"
SKILL_FUZZY_SUGGEST = 60


def _unknown_skill(P: Any, phrase: str, key: str, exact: dict[str, set[str]]) -> str:
    from rapidfuzz import fuzz, process

    names: list[str] = []
    for text, _, _ in process.extract(
        key, list(exact), scorer=fuzz.ratio, limit=20, score_cutoff=SKILL_FUZZY_SUGGEST
    ):
        for iri in sorted(exact[text]):
            name = _skill_label(P, iri)
            if name not in names:
                names.append(name)
    message = f"Unknown skill '{phrase}' in --have."
    if names:
        return message + " Did you mean: " + "; ".join(names[:3]) + "?"
    if not exact:
        return message + " The graph names no skills."
    return message + " No skill has a close name; `careergraph show ROLE` lists a role's skills."


# ---------------------------------------------------------------------------
# Skill deltas and step costs
# ---------------------------------------------------------------------------


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


def _order(profile: dict[str, Any], P: Any, skills: Iterable[str]) -> tuple[str, ...]:
    """Most important (then highest level) first, then by label."""

    def key(skill: str) -> tuple[float, float, str]:
        rating = profile.get(skill) or {}
        return (
            -(rating.get("importance") or 0.0),
            -(rating.get("level") or 0.0),
            _skill_label(P, skill).lower(),
        )

    return tuple(sorted(skills, key=key))


def skill_delta(P: Any, source: str, target: str, weights: Weights | None = None) -> SkillDelta:
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
    weights = weights or Weights()
    memo = _memo(P).setdefault(("delta", weights.min_importance, weights.level_rise), {})
    found = memo.get((source, target))
    if found is not None:
        return found  # type: ignore[no-any-return]
    gain, levels, unknown, curated = _gain(P, source, target, weights)
    if unknown:
        delta = SkillDelta(unknown=True)
    else:
        tgt = _skills(P, target)
        kept = _profile(P, source, weights)[0] & tgt.keys() - gain
        # an import's stored delta out of an unrated occupation was computed the same way
        estimated = tuple(
            peer
            for role in (source, target)
            for peer in (P.nodes[role].get("est_from") or ())
            if _uses_estimate(P, role)
        )
        delta = SkillDelta(
            _order(tgt, P, gain), _order(tgt, P, kept), levels, curated=curated,
            estimated_from=tuple(dict.fromkeys(estimated)),
        )
    memo[(source, target)] = delta
    return delta


def _profile(P: Any, role: str, weights: Weights) -> tuple[frozenset[str], frozenset[str], Any]:
    """A role's skills, those important enough to gain, and the rated levels; memoized."""
    memo = _memo(P).setdefault(("profile", weights.min_importance), {})
    found = memo.get(role)
    if found is None:
        skills = _skills(P, role)
        important = frozenset(
            s
            for s, r in skills.items()
            if r.get("importance") is None or r["importance"] >= weights.min_importance
        )
        levels = {s: r["level"] for s, r in skills.items() if r.get("level") is not None}
        found = memo[role] = (frozenset(skills), important, levels)
    return found  # type: ignore[no-any-return]


def _uses_estimate(P: Any, role: str) -> bool:
    """Whether a role stands in through its SOC group's ratings (see graph.projection.network)."""
    data = P.nodes[role]
    return bool(data.get("est_from")) or False


def _unrated(P: Any, role: str) -> bool:
    """An O*NET occupation without ratings of its own nor of its SOC group: its delta is unknown."""
    return role in _unrated_roles(P)[1]


def _unrated_roles(P: Any) -> tuple[frozenset[str], frozenset[str]]:
    """O*NET occupations without ratings of their own, and those of them without a stand-in."""
    memo = _memo(P)
    if "unrated" not in memo:
        from graph.projection.network import is_unrated

        unrated = frozenset(r for r, data in P.nodes(data=True) if is_unrated(data))
        memo["unrated"] = (unrated, frozenset(r for r in unrated if not P.nodes[r].get("est_from")))
    return memo["unrated"]  # type: ignore[no-any-return]


def _skills(P: Any, role: str) -> dict[str, Any]:
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
    P: Any, source: str, target: str, weights: Weights
) -> tuple[frozenset[str], dict[str, tuple[float, float]], bool, bool]:
    """Skills to gain (unordered), level rises, unknown?, curated? -- all route search needs."""
    memo = _memo(P).setdefault(("gain", weights.min_importance, weights.level_rise), {})
    found = memo.get((source, target))
    if found is not None:
        return found  # type: ignore[no-any-return]
    src_keys, _, src_levels = _profile(P, source, weights)
    tgt_keys, tgt_important, tgt_levels = _profile(P, target, weights)
    # a level rise counts only where the target rates the skill important enough, like a new skill
    levels = {
        s: (src_levels[s], tgt_levels[s])
        for s in src_levels.keys() & tgt_levels.keys() & tgt_important
        if tgt_levels[s] - src_levels[s] > weights.level_rise
    }
    edge = P.get_edge_data(source, target) or {}
    raw = frozenset(s for s in edge.get("skills_to_gain") or () if s)
    if raw and target in _unrated_roles(P)[0]:
        # the import could compare only technology with an unrated target: not a delta
        raw = frozenset()
    # a stored skill the target rates below min_importance is not asked for either
    stored = frozenset(s for s in raw if s in tgt_important or s not in tgt_keys)
    if raw:
        levels = {s: lv for s, lv in levels.items() if s in stored}
        found = (_cap_technology(P, stored, target), levels, False, True)
    elif not src_keys or not tgt_keys or _unrated(P, source) or _unrated(P, target):
        found = (frozenset(), {}, True, False)
    else:
        gain = (tgt_important - src_keys) | levels.keys()
        found = (_cap_technology(P, gain, target), levels, False, False)
    memo[(source, target)] = found
    return found


def _cap_technology(P: Any, gain: frozenset[str], target: str) -> frozenset[str]:
    """Keep the technologies worth learning for ``target``, at most MAX_TECH_TO_GAIN.

    O*NET lists dozens of technology examples per occupation; counting every
    one the source does not list would swamp the skills that matter. Which
    are kept: :func:`graph.routes.skillview.useful_technology`.
    """
    skills = P.graph.get("skills", {})
    tech = [s for s in gain if skills.get(s, {}).get("type") == "technology"]
    if not tech:
        return gain
    kept = useful_technology(P, target, tech)[:MAX_TECH_TO_GAIN]
    return (gain - frozenset(tech)) | frozenset(kept)


def salary_change(P: Any, source: str, target: str) -> float | None:
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
    a, b = P.nodes[source], P.nodes[target]
    if a.get("midpoint") is None or b.get("midpoint") is None:
        return None
    if (a.get("currency") or "USD") != (b.get("currency") or "USD"):
        return None
    return float(b["midpoint"]) - float(a["midpoint"])


def _relative_change(P: Any, source: str, target: str) -> float | None:
    change = salary_change(P, source, target)
    base = P.nodes[source].get("midpoint")
    if change is None or not base:
        return None
    return change / float(base)


def preparation(
    P: Any, source: str, target: str, standing: Standing | None = None
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
    P: Any,
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
    weights = weights or Weights()
    memo = _memo(P).setdefault(("cost", weights, have, standing), {})
    key = (source, target, kind)
    found = memo.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    gain, _, unknown, _ = _gain(P, source, target, weights)
    cost = weights.base(kind)
    if unknown:
        cost += weights.unknown
    else:
        cost += weights.skill * (len(gain - have) if have else len(gain))
    change = _relative_change(P, source, target)
    if change is not None and change < 0:
        cost += weights.salary_drop * -change
    if weights.prep_year:
        cost += weights.prep_year * years_mid(preparation(P, source, target, standing))
    memo[key] = cost
    return cost


# ---------------------------------------------------------------------------
# The routing graph: curated moves plus moves suggested by similarity
# ---------------------------------------------------------------------------


def _suggestions(P: Any, role: str, top: int, minimum: float, exclude: set[str]) -> list[Any]:
    model = P.graph.get("similarity")
    if model is None or top <= 0 or role not in model:
        return []
    from graph.projection.similarity import similar

    return [
        (other, score)
        for other, score in similar(model, role, top=top, exclude=exclude)
        if score >= minimum and score > 0 and other in P
    ]


def routing_graph(P: Any, weights: Weights | None = None) -> nx.DiGraph:
    """The graph routes are searched on: ``P``'s moves plus suggested ones.

    Every edge has ``kind`` (``progression``, ``transition`` or
    ``suggested``); suggested edges also carry ``similarity``. Built once per
    projection and setting, then reused.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph()
    >>> P.add_edge("a", "b", kind="progression")
    >>> R = routing_graph(P)
    >>> R.edges["a", "b"]["kind"]
    'progression'
    """
    weights = weights or Weights()
    top, minimum = int(weights.suggest_top), weights.suggest_min
    memo = _memo(P)
    key = ("routing", top, minimum)
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    R = nx.DiGraph()
    R.add_nodes_from(P)
    # Shallow copies of P's dict-of-dicts adjacency (networkx's documented data
    # structure): R shares P's edge attribute dicts, read-only, which is many
    # times faster than add_edges_from on an 18,000-move O*NET graph.
    R._succ = R._adj = {u: dict(nbrs) for u, nbrs in P._succ.items()}
    R._pred = {v: dict(nbrs) for v, nbrs in P._pred.items()}
    for role in P:
        curated = set(P.successors(role))
        curated.add(role)
        for other, score in _suggestions(P, role, top, minimum, curated):
            R.add_edge(role, other, kind="suggested", similarity=score)
    memo[key] = R
    return R


def _reachable(R: Any, source: str, avoid: set[str], depth: int | None = None) -> dict[str, int]:
    """Roles reachable from ``source`` without passing ``avoid``, with their hop count."""
    hops = {source: 0}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        if depth is not None and hops[node] >= depth:
            continue
        for nxt in R.successors(node):
            if nxt not in hops and nxt not in avoid:
                hops[nxt] = hops[node] + 1
                queue.append(nxt)
    return hops


def _nearest(P: Any, target: str, reachable: dict[str, int], limit: int = 3) -> list[str]:
    """Reachable roles most like the target (by similarity, else closest in steps)."""
    model = P.graph.get("similarity")
    names: list[str] = []
    if model is not None and target in model:
        from graph.projection.similarity import similar

        for role, score in similar(model, target, top=len(model.roles)):
            if score > 0 and role in reachable and reachable[role] > 0:
                names.append(_label(P, role))
                if len(names) == limit:
                    return names
    for role, _ in sorted(reachable.items(), key=lambda item: (item[1], _label(P, item[0]))):
        if reachable[role] > 0 and _label(P, role) not in names:
            names.append(_label(P, role))
            if len(names) == limit:
                break
    return names


def _no_route(
    P: Any,
    R: Any,
    source: str,
    target: str,
    avoid: set[str],
    max_steps: int | None,
    weights: Weights,
) -> NoRouteError:
    """Explain why no route joins source to target, naming the nearest reachable roles."""
    a, b = _label(P, source), _label(P, target)
    head = f"No route from '{a}' to '{b}':"
    free = _reachable(R, source, avoid)
    if int(weights.suggest_top) <= 0:
        unsuggested = "suggested moves are off with suggest_top=0"
    else:
        unsuggested = f"no role is similar enough (at least {weights.suggest_min:g}) to suggest one"
    if R.in_degree(target) == 0:
        hint = "" if P.nodes[target].get("skills") else " Add a guide for it."
        return NoRouteError(
            f"{head} '{b}' has no incoming moves (no guide or import names a move into it, "
            f"and {unsuggested}).{hint}",
            _nearest(P, target, free),
        )
    if R.out_degree(source) == 0:
        hint = "" if P.nodes[source].get("skills") else " Add a guide for it."
        return NoRouteError(
            f"{head} '{a}' has no outgoing moves (no guide or import names a move from it, "
            f"and {unsuggested}).{hint}",
            [],
        )
    if target not in free:
        if target in _reachable(R, source, set()):
            names = "; ".join(sorted(_label(P, r) for r in avoid))
            return NoRouteError(
                f"{head} every route passes through an avoided role ({names}). "
                "Drop an --avoid option.",
                _nearest(P, target, free),
            )
        return NoRouteError(
            f"{head} no chain of moves leads there, even with suggested moves.",
            _nearest(P, target, free),
        )
    shortest = free[target]
    if max_steps is not None and shortest > max_steps:
        within = _reachable(R, source, avoid, max_steps)
        return NoRouteError(
            f"{head} the shortest route takes {shortest} steps, more than --max-steps "
            f"{max_steps}. Raise --max-steps.",
            _nearest(P, target, within),
        )
    return NoRouteError(f"{head} no route within the limits given.", _nearest(P, target, free))


def _pair_similarity(P: Any, source: str, target: str) -> float | None:
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


def route_skills(
    P: Any,
    steps: list[tuple[str, str, str]],
    have: frozenset[str] = frozenset(),
    weights: Weights | None = None,
) -> tuple[list[SkillDelta], SkillDelta, tuple[str, ...]]:
    """What a route asks, step by step and from its start to its finish.

    A step lists what its target asks beyond what the person holds by then:
    the start role's skills, ``have``, and what earlier steps listed (at the
    level they asked). A skill an earlier stop needed only a little more of
    is not learned yet, so level-rise thresholds apply from the start, not
    per step: splitting a move into steps hides nothing.

    Returns
    -------
    (list of SkillDelta, SkillDelta, tuple of str)
        The per-step deltas; the start-to-finish delta (the direct comparison
        of the first and last roles, minus ``have``), which is the route's
        total; and the skills only intermediate stops ask ("on the way").
    """
    weights = weights or Weights()
    start, finish = steps[0][0], steps[-1][1]
    held = {s: math.inf for s in have}
    for skill, rating in _skills(P, start).items():
        level = rating.get("level") if rating else None
        held[skill] = max(held.get(skill, -math.inf), math.inf if level is None else level)
    deltas = []
    for u, v, _kind in steps:
        delta = skill_delta(P, u, v, weights).given(held, weights.level_rise)
        target = _skills(P, v)
        if not delta.unknown and not delta.curated:
            delta = _against_held(delta, target, held, weights)
        deltas.append(delta)
        for skill in delta.to_gain:
            level = (target.get(skill) or {}).get("level")
            held[skill] = math.inf if level is None else level
    total = skill_delta(P, start, finish, weights).given(
        {s: math.inf for s in have}, weights.level_rise
    )
    listed = set(total.to_gain)
    on_the_way: list[str] = []
    for delta in deltas[:-1]:
        on_the_way.extend(s for s in delta.to_gain if s not in listed and s not in on_the_way)
    return deltas, total, tuple(on_the_way)


def _against_held(
    delta: SkillDelta, target: dict[str, Any], held: dict[str, float], weights: Weights
) -> SkillDelta:
    """Add to a step's delta what its target asks beyond what the person holds by then:
    a level an earlier stop needed only a little more of is still the start's level."""
    extra = []
    levels = dict(delta.levels or {})
    for skill, rating in target.items():
        if skill in delta.to_gain or not rating:
            continue
        importance, level = rating.get("importance"), rating.get("level")
        if importance is None or importance < weights.min_importance:
            continue
        have = held.get(skill)
        if have is None:
            extra.append(skill)
        elif level is not None and not math.isinf(have) and level - have > weights.level_rise:
            extra.append(skill)
            levels[skill] = (have, level)
    if not extra:
        return delta
    return replace(
        delta,
        to_gain=delta.to_gain + tuple(extra),
        kept=tuple(s for s in delta.kept if s not in extra),
        levels=levels,
    )


def route_cost(
    P: Any,
    steps: list[tuple[str, str, str]],
    have: frozenset[str] = frozenset(),
    weights: Weights | None = None,
    standing: Standing | None = None,
) -> float:
    """A whole route's cost: its moves' base costs and pay cuts, plus ``skill`` per skill it asks
    from start to finish (and on the way), plus ``prep_year`` per year to ready start to finish.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph()
    >>> P.add_nodes_from("abc", skills={"x": {}})
    >>> P.nodes["c"]["skills"] = {"x": {}, "y": {}}
    >>> route_cost(P, [("a", "b", "progression"), ("b", "c", "progression")])
    2.25
    """
    weights = weights or Weights()
    _, total, on_the_way = route_skills(P, steps, have, weights)
    cost = sum(weights.base(kind) for _, _, kind in steps)
    for u, v, _ in steps:
        change = _relative_change(P, u, v)
        if change is not None and change < 0:
            cost += weights.salary_drop * -change
        if _gain(P, u, v, weights)[2]:
            cost += weights.unknown
    if not total.unknown:
        cost += weights.skill * (len(total.to_gain) + len(on_the_way))
    if weights.prep_year:
        cost += weights.prep_year * years_mid(route_preparation(P, steps, standing))
    return cost


def route_preparation(
    P: Any, steps: list[tuple[str, str, str]], standing: Standing | None = None
) -> dict[str, Any]:
    """The preparation a route asks from start to finish (see :func:`route_prep`)."""
    from graph.routes.preparation import route_prep

    roles = [steps[0][0], *(v for _, v, _ in steps)]
    return route_prep([P.nodes[r].get("prep") or {} for r in roles], standing)


#: step-cost tables kept per projection, for the (have, weights) asked for most recently
COST_TABLES = 8
_COST_LOCK = threading.Lock()


def _cost_table(
    P: Any, have: frozenset[str], weights: Weights, standing: Standing | None
) -> dict[tuple[str, str], float]:
    """Step costs of routing ``P`` for ``have``, ``weights`` and ``standing`` found so far
    (filled as used)."""
    with _COST_LOCK:
        tables = _memo(P).setdefault("cost_tables", {})
        key = (have, weights, standing)
        table = tables.pop(key, None)
        if table is None:
            table = {}
            while len(tables) >= COST_TABLES:
                tables.pop(next(iter(tables)))
        tables[key] = table  # the most recently used last
        return table  # type: ignore[no-any-return]


def k_routes(
    P: Any,
    source: str,
    target: str,
    k: int = 3,
    have: frozenset[str] = frozenset(),
    max_steps: int | None = None,
    avoid: Iterable[str] = (),
    weights: Weights | None = None,
    standing: Standing | None = None,
    max_years: float | None = None,
) -> list[tuple[float, list[tuple[str, str, str]]]]:
    """The ``k`` cheapest simple routes from ``source`` to ``target``.

    Candidates come from Yen's algorithm over per-step costs
    (:func:`step_cost`), always including the direct move (a suggested one
    when no curated move exists), so a direct comparison competes with
    chains; they are then ranked by their whole cost (:func:`route_cost`),
    which counts what a route asks from its start to its finish.

    Parameters
    ----------
    P : networkx.DiGraph
        The projection.
    source, target : str
        Role IRIs.
    k : int
        How many routes.
    have : frozenset of str
        Skill IRIs the person already has; they cost nothing.
    max_steps : int, optional
        Longest route allowed, in steps.
    avoid : iterable of str
        Role IRIs no route may pass through.
    weights : Weights, optional
    standing : Standing, optional
        The person's education, years and credentials.
    max_years : float, optional
        Keep only routes whose time to ready could be this many years or fewer
        (the low end of the range).

    Returns
    -------
    list of (cost, steps)
        Cheapest first; ``steps`` is a list of ``(from, to, kind)``.

    Raises
    ------
    UsageError
        ``source`` equals ``target``, or an avoided role is an end of the route.
    NoRouteError
        No route exists within the limits; the message says why and names
        the nearest reachable roles.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph()
    >>> P.add_nodes_from("abc", skills={"x": {}})
    >>> P.add_edge("a", "b", kind="progression")
    >>> P.add_edge("b", "c", kind="progression")
    >>> P.add_edge("a", "c", kind="transition")
    >>> for cost, steps in k_routes(P, "a", "c", k=2):
    ...     print(cost, [s[1] for s in steps])
    1.5 ['c']
    2.0 ['b', 'c']
    """
    weights = weights or Weights()
    if source == target:
        raise UsageError(
            f"FROM and TO are the same role ('{_label(P, source)}'); name two different roles."
        )
    avoided = set(avoid)
    for end in (source, target):
        if end in avoided:
            raise UsageError(
                f"Cannot --avoid '{_label(P, end)}': it is where the route starts or ends."
            )
    R = routing_graph(P, weights)
    known = _cost_table(P, have, weights, standing)

    def cost(u: str, v: str, data: dict[str, Any]) -> float | None:
        if v in avoided or u in avoided:
            return None  # hides the edge from the search
        # the search asks for the same edges again and again (and so do later searches)
        found = known.get((u, v))
        if found is None:
            found = known[u, v] = step_cost(
                P, u, v, data.get("kind", "transition"), have, weights, standing
            )
        return found

    wanted = k + 2
    candidates: list[tuple[float, list[tuple[str, str, str]]]] = []
    over_years = 0
    direct, score = False, None
    if not R.has_edge(source, target) and weights.suggest_top > 0:
        score = _pair_similarity(P, source, target)
        if score is not None and score >= weights.suggest_min:
            direct = True
        elif not _gain(P, source, target, weights)[2]:
            # not among the source's most similar roles, but the two share skills: the direct
            # move is a candidate too (ESCO's software developer -> ICT project manager)
            direct = _coverage(P, source, target, frozenset(), weights) > 0
    if direct:
        # the direct comparison competes with chains, even when the target is not among the
        # source's few most similar roles
        R.add_edge(source, target, kind="suggested", similarity=score)
    try:
        paths = nx.shortest_simple_paths(R, source, target, weight=cost)
        for n, path in enumerate(paths):
            if n >= MAX_CANDIDATES:
                break
            if max_steps is not None and len(path) - 1 > max_steps:
                continue
            steps = [
                (u, v, R.edges[u, v].get("kind", "transition"))
                for u, v in zip(path, path[1:], strict=False)
            ]
            if max_years is not None:
                span = route_preparation(P, steps, standing).get("years_to_ready")
                if span and span[0] > max_years:
                    over_years += 1
                    continue
            total = route_cost(P, steps, have, weights, standing)
            candidates.append((round(total, 4), steps))
            if len(candidates) >= wanted:
                break
    except nx.NetworkXNoPath:
        pass
    finally:
        if direct:
            R.remove_edge(source, target)
    if not candidates:
        if over_years:
            raise NoRouteError(
                f"No route from '{_label(P, source)}' to '{_label(P, target)}' is ready within "
                f"{max_years:g} years (--max-years); {over_years} route(s) take longer. "
                "Raise --max-years.",
                [],
            )
        raise _no_route(P, R, source, target, avoided, max_steps, weights)
    candidates.sort(key=lambda c: (c[0], len(c[1])))
    return candidates[:k]


def _step(
    P: Any,
    source: str,
    target: str,
    kind: str,
    have: frozenset[str],
    weights: Weights,
    similarity: float | None = None,
    held: dict[str, float] | None = None,
    standing: Standing | None = None,
    delta: SkillDelta | None = None,
) -> dict[str, Any]:
    """One step as the reports print it; ``held`` is what the person holds by then."""
    if delta is None:
        if held is None:
            held = {s: math.inf for s in have}
        delta = skill_delta(P, source, target, weights).given(held, weights.level_rise)
    levels = delta.levels or {}
    prep = preparation(P, source, target, standing)
    step: dict[str, Any] = {
        "from": _label(P, source),
        "to": _label(P, target),
        "kind": kind,
        "skills_to_gain": [_skill_label(P, s) for s in delta.to_gain],
        "skills_kept": [_skill_label(P, s) for s in delta.kept],
        "salary_change": salary_change(P, source, target),
        "currency": P.nodes[target].get("currency") or "USD",
        "from_id": source,
        "to_id": target,
        "cost": round(step_cost(P, source, target, kind, have, weights, standing), 4),
        "level_changes": [
            {"skill": _skill_label(P, s), "from": levels[s][0], "to": levels[s][1]}
            for s in delta.to_gain
            if s in levels
        ],
        "skills_unknown": delta.unknown,
        "skills_note": skills_note(P, source, target, delta),
        "skills_estimated_from": [_label(P, r) for r in delta.estimated_from],
        "preparation": prep,
        "years_to_ready": prep["years_to_ready"],
    }
    if similarity is not None:
        step["similarity"] = similarity
    return step


def skills_note(P: Any, source: str, target: str, delta: SkillDelta) -> str | None:
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
    P: Any, source: str, target: str, have: frozenset[str], weights: Weights | None = None
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


def _why(option: dict[str, Any], kind: str, coverage: float, change: float | None) -> str:
    """A few words on why an option ranks where it does, strongest reasons first."""
    prep = option["preparation"]
    span = prep.get("years_to_ready")
    reasons: list[tuple[float, str]] = []
    if option["skills_unknown"]:
        reasons.append((0.5, "skills unknown"))
    else:
        reasons.append((coverage, f"{round(coverage * 100)}% of its skills held"))
    if kind in ("progression", "transition"):
        reasons.append((0.3, f"a curated {kind}"))
    if span is None:
        reasons.append((0.1, "preparation unknown"))
    elif span[1] <= 0:
        reasons.append((0.4, "no extra preparation"))
    else:
        what = prep.get("education_to") if (prep.get("education_years") or [0, 0])[1] else None
        detail = f" ({what})" if what else ""
        reasons.append((0.2 + 0.2 * min(span[1], 10), f"ready in {years_text(span)}{detail}"))
    if change is not None and abs(change) >= 0.05:
        reasons.append((abs(change), f"pay {'+' if change > 0 else '-'}{abs(change):.0%}"))
    reasons.sort(key=lambda r: -r[0])
    return "; ".join(text for _, text in reasons[:3])


def next_moves(
    P: Any,
    role: str,
    top: int = 10,
    have: frozenset[str] = frozenset(),
    weights: Weights | None = None,
    standing: Standing | None = None,
    step_downs: bool = False,
    max_years: float | None = None,
) -> list[dict[str, Any]]:
    """One-step moves from ``role``, curated and suggested, best first.

    ``score = coverage + kind bonus + next_salary x relative pay change
    - next_prep x years to ready``, where ``coverage`` (0-1) is how much of
    the target's skill profile the source (plus ``have``) covers, weighted by
    importance and level-aware; the kind bonus is ``next_progression``,
    ``next_transition`` or 0 for suggested moves; the pay change is clipped to
    -100%..+100%; the years to ready are the middle of the preparation
    range (capped at 10). Moves to roles that ask less preparation (a lower
    Job Zone or ISCO skill level) are left out unless ``step_downs``; with
    ``max_years`` only moves that could be ready within that many years stay.
    Each option says ``why`` it ranks where it does.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph()
    >>> P.add_node("a", label="A", skills={"x": {}, "y": {}})
    >>> P.add_node("b", label="B", skills={"x": {}, "y": {}, "z": {}})
    >>> P.add_edge("a", "b", kind="progression")
    >>> [(o["role"], o["overlap"], o["score"]) for o in next_moves(P, "a")]
    [('B', 0.6667, 0.9667)]
    """
    weights = weights or Weights()
    curated = {v: d.get("kind", "transition") for _, v, d in P.out_edges(role, data=True)}
    similar_to = dict(
        _suggestions(
            P,
            role,
            max(2 * top, 20, int(weights.suggest_top)),
            weights.suggest_min,
            set(curated) | {role},
        )
    )
    options = []
    for target, kind in [*curated.items(), *((t, "suggested") for t in similar_to)]:
        step = _step(P, role, target, kind, have, weights, similar_to.get(target), None, standing)
        prep = step["preparation"]
        if prep["step_down"] and not step_downs:
            continue
        span = prep["years_to_ready"]
        if max_years is not None and span and span[0] > max_years:
            continue
        if step["skills_unknown"]:
            coverage = similar_to.get(target) or 0.0
        else:
            coverage = _coverage(P, role, target, have, weights)
        change = _relative_change(P, role, target)
        bonus = {
            "progression": weights.next_progression,
            "transition": weights.next_transition,
        }.get(kind, 0.0)
        score = (
            coverage
            + bonus
            + (weights.next_salary if (change or 0.0) > 0 else weights.next_salary_drop)
            * max(-1.0, min(1.0, change or 0.0))
            - weights.next_prep * min(10.0, years_mid(prep))
        )
        option = {
            "role": step["to"],
            "kind": kind,
            "overlap": coverage,
            "skills_to_gain": step["skills_to_gain"],
            "salary_change": step["salary_change"],
            "score": round(score, 4),
            "currency": step["currency"],
            "id": target,
            "level_changes": step["level_changes"],
            "skills_unknown": step["skills_unknown"],
            "skills_note": step["skills_note"],
            "skills_estimated_from": step["skills_estimated_from"],
            "preparation": prep,
            "years_to_ready": span,
        }
        option["why"] = _why(option, kind, coverage, change)
        if kind == "suggested":
            option["similarity"] = similar_to[target]
        options.append(option)
    options.sort(key=lambda o: (-o["score"], o["role"]))
    return options[:top]
