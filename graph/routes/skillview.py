"""Skill lists a person can act on: the few that matter most, levels in words, no tool noise.

A move between two O*NET occupations can ask for 20-35 skills, knowledge
areas and technologies. This module picks what to show and how to say it:

* :func:`useful_technology` keeps the technologies worth learning for a
  target: those O*NET flags Hot Technology or In Demand for it, leaving out
  generic ones many occupations list (e-mail, office suites, social media);
  rarer (more specific to the target) first.
* :func:`rank_skills` orders skills to gain by importance x gap (the target's
  importance, 1-5, times the rise in level, 0-7) and :func:`select_skills`
  keeps the :data:`SHOW_SKILLS` that matter most plus :data:`SHOW_TECHNOLOGY`
  technologies.
* :func:`level_words` says a level in words from O*NET's Level Scale Anchors
  (``cg:levelAnchor`` in the graph): Monitoring at 4.25 reads "Monitor a
  meeting and revise the agenda to ensure important topics are discussed".

Every function is a plain function of the projection ``P``
(:func:`graph.projection.cache.load_projection`); none prints.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx

from graph.projection.network import technology_counts

__all__ = [
    "SHOW_SKILLS",
    "SHOW_TECHNOLOGY",
    "GENERIC_SHARE",
    "IN_DEMAND_SHARE",
    "GENERIC_MIN",
    "CLASS_SHARE",
    "technologies",
    "useful_technology",
    "ranked_technology",
    "level_words",
    "rank_skills",
    "select_skills",
    "skills_by_label",
]

#: skills, knowledge areas (and unrated guide skills) shown per step, most important first
SHOW_SKILLS = 6
#: technologies shown per step besides them
SHOW_TECHNOLOGY = 2
#: a technology listed by more than this share of occupations is generic (Facebook) ...
GENERIC_SHARE = 0.10
#: ... unless the target flags it In Demand: then only above this share (Microsoft Outlook; not SQL)
IN_DEMAND_SHARE = 0.25
#: ... when at least this many list it (in a graph of a few roles every tool is widely shared)
GENERIC_MIN = 10
#: a merely hot technology of a kind more than this share of occupations list is generic too
#: (a web browser: few occupations name Apple Safari, most name some browser)
CLASS_SHARE = 0.5
#: below the lowest anchor by more than this, a level reads "less than" that anchor
BELOW_ANCHOR = 1.0

_MEMO: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


def _memo(P: nx.DiGraph) -> dict[str, Any]:
    memo = _MEMO.get(P)
    if memo is None:
        memo = _MEMO[P] = {}
    return memo


def skills_by_label(P: nx.DiGraph, label: Callable[[str], str]) -> dict[str, str]:
    """Skill label (as ``label`` gives it) -> skill IRI, for every skill of ``P``; memoized.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph(skills={"s/m": {"label": "Monitoring", "type": "skill"}})
    >>> skills_by_label(P, lambda s: P.graph["skills"][s]["label"])
    {'Monitoring': 's/m'}
    """
    memo = _memo(P)
    if "by_label" not in memo:
        memo["by_label"] = {label(s): s for s in P.graph.get("skills", {})}
    return memo["by_label"]  # type: ignore[no-any-return]


def technologies(P: nx.DiGraph) -> frozenset[str]:
    """The IRIs of the skills of type ``technology``; memoized.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph(skills={"t": {"type": "technology"}, "s": {"type": "skill"}})
    >>> sorted(technologies(P))
    ['t']
    """
    memo = _memo(P)
    if "technologies" not in memo:
        skills = P.graph.get("skills", {})
        memo["technologies"] = frozenset(
            s for s, info in skills.items() if info.get("type") == "technology"
        )
    return memo["technologies"]  # type: ignore[no-any-return]


class _TechShare(dict[str, tuple[float, int, float]]):
    """Technology IRI -> (share of the occupations listing any technology that list it,
    how many do, share that list some technology of its class); (0.0, 0, 0.0) for one no
    occupation lists. Each figure is worked out when first asked (a command asks for a few
    hundred of O*NET's ~9,000 technologies) from the counts of
    :func:`graph.projection.network.technology_counts`."""

    def __init__(self, counts: dict[str, tuple[int, int]], listing: int):
        super().__init__()
        self.counts = counts
        self.n = max(1, listing)

    def __missing__(self, tech: str) -> tuple[float, int, float]:
        count, kind = self.counts.get(tech) or (0, 0)
        if not count:
            return (0.0, 0, 0.0)
        found = self[tech] = (count / self.n, count, kind / self.n)
        return found


def _tech_share(P: nx.DiGraph) -> _TechShare:
    """Technology IRI -> (share of the occupations listing any technology that list it,
    how many do, share that list some technology of its class); see :class:`_TechShare`.

    The counts come with the projection (``P.graph["technology_counts"]``, counted when
    it was built), so no role's skills are read; a projection without them (made by
    hand) has them counted here."""
    memo = _memo(P)
    if "tech_share" not in memo:
        table = P.graph.get("technology_counts") or technology_counts(P)
        memo["tech_share"] = _TechShare(table["counts"], table["listing"])
    return memo["tech_share"]  # type: ignore[no-any-return]


def useful_technology(P: nx.DiGraph, target: str, techs: Iterable[str]) -> list[str]:
    """The technologies among ``techs`` worth learning for ``target``, best first.

    Kept: those the target's O*NET profile flags Hot Technology or In Demand,
    unless generic: listed by at least :data:`GENERIC_MIN` occupations and by
    more than :data:`GENERIC_SHARE` of them (:data:`IN_DEMAND_SHARE` for one the
    target flags In Demand: SQL is in demand for data roles, though many list it),
    or, when only hot, of a class more than :data:`CLASS_SHARE` of occupations
    list (web browsers, e-mail).
    In-demand ones come first, then the rarer (more specific to the target),
    then by name.
    A technology without flags in the graph (a graph imported before the flags
    were read) counts as flagged, so nothing is dropped for want of data.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph(skills={t: {"label": t, "type": "technology"}
    ...                        for t in ("outlook", "sap", "tellerpro", "niche")})
    >>> for n in range(20):
    ...     P.add_node(n, skills={"outlook": {"hot": True, "in_demand": True}})
    >>> P.add_node("a", skills={"sap": {}})
    >>> P.add_node("teller", skills={"outlook": {"hot": True, "in_demand": True},
    ...                              "sap": {"hot": True, "in_demand": False},
    ...                              "tellerpro": {"hot": False, "in_demand": True},
    ...                              "niche": {"hot": False, "in_demand": False}})
    >>> useful_technology(P, "teller", ["outlook", "sap", "tellerpro", "niche"])
    ['tellerpro', 'sap']
    """
    techs = list(techs)
    chosen = set(techs)
    ranked, listed = ranked_technology(P, target)
    if len(chosen) == len(techs) and chosen <= listed:
        # what is kept of each, and its place, depends only on the target and the technology
        return [t for t in ranked if t in chosen]
    return _useful(P, target, techs)


def _useful(P: nx.DiGraph, target: str, techs: Iterable[str]) -> list[str]:
    """:func:`useful_technology`, worked out one technology at a time."""
    profile: dict[str, Any] = P.nodes[target].get("skills") or {}
    share = _tech_share(P)
    kept = []
    for tech in techs:
        rating = profile.get(tech) or {}
        demand = rating.get("in_demand", True)
        if not (rating.get("hot", True) or demand):
            continue
        part, count, kind = share[tech]
        if kind > CLASS_SHARE and not demand:
            continue
        if part <= (IN_DEMAND_SHARE if demand else GENERIC_SHARE) or count < GENERIC_MIN:
            # in-demand ones first, then the rarer, then by IRI
            kept.append((not rating.get("in_demand", False), part, tech))
    kept.sort()
    return [tech for _, _, tech in kept]


def ranked_technology(P: nx.DiGraph, role: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """The technologies ``role``'s own profile lists: those worth learning, best first
    (:func:`useful_technology`), and all of them; memoized per role.

    What :func:`useful_technology` keeps of a technology, and its place, depends only on
    the role and the technology, so for ``techs`` among the role's own it is ``ranked``
    without the others: route search asks it for hundreds of moves into the same role.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph(skills={t: {"label": t, "type": "technology"} for t in "abc"})
    >>> P.add_node("r", skills={"a": {"hot": True}, "b": {"hot": False, "in_demand": False},
    ...                         "c": {"in_demand": True}})
    >>> ranked, listed = ranked_technology(P, "r")
    >>> ranked, sorted(listed)
    (('c', 'a'), ['a', 'b', 'c'])
    """
    memo = _memo(P).setdefault("ranked_technology", {})
    found = memo.get(role)
    if found is None:
        profile = P.nodes[role].get("skills") or {}
        listed = technologies(P).intersection(profile)
        found = memo[role] = (tuple(_useful(P, role, listed)), listed)
    return found  # type: ignore[no-any-return]


def level_words(P: nx.DiGraph, skill: str, level: float | None) -> str | None:
    """A level of ``skill`` in words, from its nearest Level Scale Anchor; None without anchors.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph(level_anchors={"math": [(2.0, "Count change"), (4.0, "Work out an area"),
    ...                                         (6.0, "Build a model")]})
    >>> level_words(P, "math", 4.38)
    '"Work out an area"'
    >>> level_words(P, "math", 0.38)
    'less than "Count change"'
    >>> level_words(P, "math", 5.0)  # half way: the higher anchor
    '"Build a model"'
    >>> level_words(P, "other", 3.0) is None
    True
    """
    anchors = P.graph.get("level_anchors", {}).get(skill)
    if not anchors or level is None:
        return None
    if level < anchors[0][0] - BELOW_ANCHOR:
        return f'less than "{anchors[0][1]}"'
    _, text = min(anchors, key=lambda a: (abs(a[0] - level), -a[0]))
    return f'"{text}"'


def rank_skills(
    P: nx.DiGraph,
    source: str,
    target: str,
    to_gain: Iterable[str],
    levels: dict[str, tuple[float, float]] | None = None,
    label: Callable[[str], str] | None = None,
) -> list[dict[str, Any]]:
    """Skills to gain with what they mean, most important first (importance x gap).

    ``levels`` holds the level rises ``{skill: (from, to)}``; a skill the
    source lacks rises from 0. Unrated skills (guides) keep their order ahead
    of rated ones: a guide names only what matters. Technologies follow, in
    the order :func:`useful_technology` gives.

    Returns
    -------
    list of dict
        ``{"skill", "id", "type", "importance", "from_level", "to_level",
        "from_words", "to_words", "score"}``; levels, words and score are
        None where the data has none.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph(skills={"m": {"label": "Monitoring", "type": "skill"},
    ...                        "s": {"label": "Speaking", "type": "skill"}})
    >>> P.add_node("a", skills={"m": {"importance": 3.0, "level": 2.0}})
    >>> P.add_node("b", skills={"m": {"importance": 4.0, "level": 4.0},
    ...                         "s": {"importance": 3.0, "level": 2.0}})
    >>> [(r["skill"], r["score"]) for r in rank_skills(P, "a", "b", ["s", "m"],
    ...                                                 {"m": (2.0, 4.0)})]
    [('Monitoring', 8.0), ('Speaking', 6.0)]
    """
    skills = P.graph.get("skills", {})
    tgt: dict[str, Any] = P.nodes[target].get("skills") or {}
    src: dict[str, Any] = P.nodes[source].get("skills") or {}
    levels = levels or {}
    name = label or (lambda s: str(skills.get(s, {}).get("label") or s.rsplit("/", 1)[-1]))
    unrated: list[dict[str, Any]] = []
    rated: list[dict[str, Any]] = []
    techs: list[dict[str, Any]] = []
    for skill in to_gain:
        kind = skills.get(skill, {}).get("type") or "skill"
        rating = tgt.get(skill) or {}
        importance, to_level = rating.get("importance"), rating.get("level")
        if skill in levels:
            from_level, to_level = levels[skill]
        elif to_level is not None:
            from_level = (src.get(skill) or {}).get("level") or 0.0
        else:
            from_level = None
        score = None
        if importance is not None:
            gap = (to_level - from_level) if to_level is not None and from_level is not None else 1
            score = round(importance * gap, 2)
        row: dict[str, Any] = {
            "skill": name(skill),
            "id": skill,
            "type": kind,
            "importance": importance,
            "from_level": from_level,
            "to_level": to_level,
            "from_words": level_words(P, skill, from_level) if from_level else None,
            "to_words": level_words(P, skill, to_level),
            "score": score,
        }
        if kind == "technology":
            techs.append(row)
        elif score is None:
            unrated.append(row)
        else:
            rated.append(row)
    rated.sort(key=lambda r: (-r["score"], r["skill"].lower()))
    order = {t: n for n, t in enumerate(useful_technology(P, target, [r["id"] for r in techs]))}
    techs.sort(key=lambda r: (order.get(r["id"], len(order)), r["skill"].lower()))
    return unrated + rated + techs


def select_skills(
    ranked: list[dict[str, Any]], show: int = SHOW_SKILLS, tech: int = SHOW_TECHNOLOGY
) -> list[dict[str, Any]]:
    """The skills to show: the first ``show`` non-technologies and ``tech`` technologies.

    A list short enough (``show + tech`` or fewer) is shown whole.

    Examples
    --------
    >>> ranked = [{"skill": f"s{n}", "type": "skill"} for n in range(8)]
    >>> ranked += [{"skill": f"t{n}", "type": "technology"} for n in range(3)]
    >>> [r["skill"] for r in select_skills(ranked)]
    ['s0', 's1', 's2', 's3', 's4', 's5', 't0', 't1']
    >>> len(select_skills(ranked[:7]))
    7
    """
    if len(ranked) <= show + tech:
        return list(ranked)
    others = [r for r in ranked if r["type"] != "technology"]
    techs = [r for r in ranked if r["type"] == "technology"]
    # room a short list of one kind leaves goes to the other
    n_tech = min(len(techs), max(tech, show + tech - len(others)))
    return others[: show + tech - n_tech] + techs[:n_tech]
