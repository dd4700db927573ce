"""The networkx projection of the RDF graph, used by route search.

RDF is the single source of truth: the projection is built only from SPARQL
SELECT queries through the :class:`graph.store.base.Store` interface (so the same
code works on the embedded store and on a remote endpoint), and cached beside
the store, keyed by the build id. Nothing is known only to networkx.

Nodes are role IRIs with these attributes:

``label``, ``labels``
    The preferred label and every label (alt, hidden).
``skills``
    ``{skill_iri: {"importance": float | None, "level": float | None}}``;
    a technology also has ``"hot"`` and ``"in_demand"`` (O*NET's flags) when known.
``gaps``
    Skill IRIs the role's guide calls commonly missing.
``salary``, ``midpoint``, ``currency``
    Salary bands (dicts) and one representative midpoint used to compare roles.
``wage``
    The published wage line of a role's national band, or None: ``{"line",
    "title", "proxy", "pct10", "pct25", "median"}`` (see :mod:`graph.routes.payview`).
``sectors``, ``employers``
    ``[(iri, label), ...]``.
``has_guide``, ``code``, ``level``
    Whether a guide describes it, its O*NET/ESCO code, its experience rank.
``prep``
    Its preparation (see :mod:`graph.routes.preparation`): ``zone`` (O*NET Job
    Zone), ``education`` (rank 1-12) with ``education_source`` and
    ``education_estimated`` (the roles it was averaged from), ``experience``
    (years low, high or None), ``experience_source``, ``experience_held``
    (the years someone in the role typically has: a guide's mid level), ``training``,
    ``onsite``, ``credentials``, ``isco`` (ISCO skill level), ``regulated``.
``est_skills``, ``est_from``
    For an O*NET occupation without skill ratings: the average ratings of the
    rated occupations of its SOC broad group (else minor group) and those
    occupations' IRIs; empty when none is rated.

Edges are curated transitions with ``kind`` (``progression`` or
``transition``), ``iri``, ``skills_to_gain`` (skill IRIs), ``source``,
``tier`` and ``index``. ``P.graph`` holds ``skills`` (``{iri: {"label",
"type", "labels"}}``, a technology also its ``"class"``: the UNSPSC
commodity it is an example of), ``level_anchors`` (``{skill_iri: [(level, words),
...]}``, lowest first), ``label_index`` (normalized label -> role IRIs), ``fingerprint``,
``similarity`` (the model of :mod:`graph.projection.similarity`) and
``technology_counts`` (how many roles list each technology, and each
technology's class: :func:`technology_counts`, counted once here so a command
need not read every role's skills to rank a few technologies).

The cache file (``projection-<build id>.cgproj``) holds JSON and raw numeric
arrays only (see :func:`dumps_projection`): reading it can never run code,
whatever a shared graph folder holds. Pickle files are never read.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import chain
from typing import Any

import networkx as nx

from graph.collector import collector_paused
from graph.projection.queries import (
    CG,
    CLOSE_EDUCATION_Q,
    CREDENTIALS_Q,
    EDUCATION_Q,
    EMPLOYERS_Q,
    ESTIMATED_Q,
    EXPERIENCE_Q,
    GAPS_Q,
    ISCO_Q,
    LABELS_Q,
    LEVEL_ANCHORS_Q,
    MOVE_SKILLS_Q,
    MOVES_Q,
    PREPARATION_Q,
    ROLES_Q,
    SALARY_Q,
    SECTORS_Q,
    SKILL_ALT_LABELS_Q,
    SKILL_LABELS_Q,
    SKILLS_Q,
    TECH_CLASS_Q,
    TECH_FLAGS_Q,
    WAGE_LINE_Q,
    ZONE_Q,
    AskedTwice,
    label_keys,
    sort_rows,
    sorted_select,
)
from graph.store.base import Store

__all__ = [
    "PROJECTION_VERSION",
    "build_projection",
    "role_midpoint",
    "is_unrated",
    "technology_counts",
]


#: bump when the projection's shape or file format changes, so old caches are rebuilt
PROJECTION_VERSION = 8


#: an O*NET-SOC code: its SOC groups are its first 6 (broad) and 5 (minor) characters
_ONET_CODE = re.compile(r"^\d\d-\d{4}\.\d\d$")


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _flag(value: Any) -> bool:
    """An xsd:boolean as a store returns it (a bool, or 'true'/'1' from a server)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def role_midpoint(bands: list[dict[str, Any]]) -> tuple[float | None, str | None]:
    """Return one representative pay figure of a role and its currency.

    The median of an all-levels band (national wages) when there is one, else
    the midpoint of the mid-level band, else the mean of the bands' midpoints.

    Examples
    --------
    >>> role_midpoint([{"level": "Entry Level", "rank": 1, "min": 100, "max": 140,
    ...                 "currency": "USD", "median": None},
    ...                {"level": "Mid Level", "rank": 2, "min": 150, "max": 190,
    ...                 "currency": "USD", "median": None}])
    (170.0, 'USD')
    """
    if not bands:
        return None, None
    currency = bands[0]["currency"]
    for band in bands:
        if band.get("median") is not None and band.get("rank") in (0, None):
            return float(band["median"]), band["currency"]
    mids = [b for b in bands if (b.get("level") or "").lower().startswith("mid")]
    chosen = mids or bands
    same = [b for b in chosen if b["currency"] == currency]
    value = sum((b["min"] + b["max"]) / 2 for b in same) / len(same)
    return float(value), currency


def build_projection(store: Store) -> nx.DiGraph:
    """Build the projection from a store with a few SELECT queries.

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> P = build_projection(open_store())
    >>> P.number_of_nodes() > 10 and P.number_of_edges() > 10
    True
    """
    with collector_paused(freeze=True):
        return _build_projection(store)


def _build_projection(store: Store) -> nx.DiGraph:  # noqa: C901
    """:func:`build_projection`."""
    # the similarity model reads the ratings and labels again
    store = AskedTwice(store, (SKILLS_Q, LABELS_Q))
    P = nx.DiGraph()
    P.graph["version"] = PROJECTION_VERSION
    P.graph["fingerprint"] = store.fingerprint
    for row in sorted_select(store, ROLES_Q):
        P.add_node(
            row["role"],
            label=row["label"],
            labels=[row["label"]],
            skills={},
            gaps=set(),
            salary=[],
            midpoint=None,
            currency=None,
            wage=None,
            sectors=[],
            employers=[],
            has_guide="guide" in row,
            code=row.get("code"),
            level=row.get("levelRank"),
        )
    nodes = P._node
    for row in sorted_select(store, LABELS_Q):
        labels = nodes[row["role"]]["labels"] if row["role"] in nodes else None
        if labels is not None and row["label"] not in labels:
            labels.append(row["label"])
    ratings_of = {role: data["skills"] for role, data in nodes.items()}
    for row in sorted_select(store, SKILLS_Q):  # 80,000 rows on an import: _num inlined
        ratings = ratings_of.get(row["role"])
        if ratings is not None:
            importance, level = row.get("importance"), row.get("level")
            ratings[row["skill"]] = {
                "importance": None if importance is None else float(importance),
                "level": None if level is None else float(level),
            }
    del ratings_of
    _add_technology_flags(nodes, store.select(TECH_FLAGS_Q))
    for row in sorted_select(store, GAPS_Q):
        if row["role"] in nodes:
            nodes[row["role"]]["gaps"].add(row["skill"])
    skills: dict[str, dict[str, Any]] = {}
    for row in sorted_select(store, SKILL_LABELS_Q):
        kind = row["type"].removeprefix(CG).lower()
        current = skills.get(row["skill"])
        if current is None or current["type"] == "skill":
            skills[row["skill"]] = {"label": row["label"], "type": kind, "labels": [row["label"]]}
    for row in sorted_select(store, TECH_CLASS_Q):
        if row["skill"] in skills:
            skills[row["skill"]]["class"] = row["class"]
    for row in sorted_select(store, SKILL_ALT_LABELS_Q):
        if row["skill"] in skills:
            skills[row["skill"]]["labels"].append(row["label"])
    P.graph["skills"] = skills
    anchors: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for row in sorted_select(store, LEVEL_ANCHORS_Q):
        anchors[row["skill"]].append((float(row["level"]), row["text"]))
    P.graph["level_anchors"] = {k: sorted(v) for k, v in anchors.items()}
    bands: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in sorted_select(store, SALARY_Q):
        bands[row["role"]].append(
            {
                "level": row.get("levelLabel"),
                "rank": row.get("rank"),
                "min": int(row["min"]),
                "max": int(row["max"]),
                "currency": row["currency"],
                "median": _num(row.get("median")),
                "open_ended": bool(row.get("open", False)),
                "position": row.get("position"),
            }
        )
    for role, role_bands in bands.items():
        if role in nodes:
            role_bands.sort(key=lambda b: (b["position"] or 0, b["rank"] or 0, b["min"]))
            nodes[role]["salary"] = role_bands
            nodes[role]["midpoint"], nodes[role]["currency"] = role_midpoint(role_bands)
    _add_preparation(P, store)
    _estimate_skills(P)
    for row in sorted_select(store, WAGE_LINE_Q):
        if row["role"] in nodes:
            nodes[row["role"]]["wage"] = {
                "line": row["line"],
                "title": row.get("title"),
                "proxy": _flag(row.get("proxy", False)),
                "pct10": _num(row.get("p10")),
                "pct25": _num(row.get("p25")),
                "median": _num(row.get("median")),
            }
    for query, attr in ((SECTORS_Q, "sectors"), (EMPLOYERS_Q, "employers")):
        for row in sorted_select(store, query):
            if row["role"] in nodes:
                nodes[row["role"]][attr].append((row["item"], row["label"]))
    for role in nodes:
        nodes[role]["sectors"].sort(key=lambda item: item[1])
        nodes[role]["employers"].sort(key=lambda item: item[1])
    move_skills: dict[str, list[str]] = defaultdict(list)
    rows = store.select(MOVE_SKILLS_Q)
    if not all(type(row["move"]) is str and type(row["skill"]) is str for row in rows):
        rows = sort_rows(rows)  # else each move's skills are sorted below: any order will do
    for row in rows:
        move_skills[row["move"]].append(row["skill"])
    del rows
    for row in sorted_select(store, MOVES_Q):
        if row["from"] not in nodes or row["to"] not in nodes:
            continue
        kind = "progression" if row["kind"] == CG + "Progression" else "transition"
        previous = P.get_edge_data(row["from"], row["to"])
        if previous is not None and previous["kind"] == "progression":
            continue  # a pair both listed as progression and transition counts as progression
        P.add_edge(
            row["from"],
            row["to"],
            kind=kind,
            iri=row["move"],
            skills_to_gain=sorted(move_skills.get(row["move"], [])),
            source=row.get("source"),
            tier=row.get("tier"),
            index=row.get("index"),
        )
    index: dict[str, set[str]] = defaultdict(set)
    roles = [role for role, data in nodes.items() for _ in data["labels"]]
    labels = chain.from_iterable(data["labels"] for data in nodes.values())
    for role, key in zip(roles, label_keys(labels), strict=True):
        index[key].add(role)
    P.graph["label_index"] = dict(index)
    P.graph["technology_counts"] = technology_counts(P)
    from graph.projection.similarity import build_model

    P.graph["similarity"] = build_model(store)
    return P


def _add_technology_flags(nodes: Any, rows: list[dict[str, Any]]) -> None:
    """Give the ratings of technologies O*NET's flags from :data:`TECH_FLAGS_Q`'s rows.

    The rows are read in :func:`sorted_select`'s order, so where a rating has
    several values of a flag the greatest as text is the one kept.
    """
    for row in sort_rows(rows):
        rating = nodes[row["role"]]["skills"].get(row["skill"]) if row["role"] in nodes else None
        if rating is not None:
            if "hot" in row:
                rating["hot"] = _flag(row["hot"])
            if "demand" in row:
                rating["in_demand"] = _flag(row["demand"])


def technology_counts(P: nx.DiGraph) -> dict[str, Any]:
    """How many roles list technology, each technology, and some technology of its class.

    Counted over the roles' own ``skills`` (not the estimated ones). Returns
    ``{"listing": roles listing any technology, "counts": {technology IRI:
    (roles listing it, roles listing some technology of its class)}}``; a
    technology no role lists is left out, and a technology without a class
    counts 0 roles for its class.

    Examples
    --------
    >>> P = nx.DiGraph(skills={"safari": {"type": "technology", "class": "browser"},
    ...                        "chrome": {"type": "technology", "class": "browser"},
    ...                        "vim": {"type": "technology"}, "math": {"type": "skill"}})
    >>> P.add_node("a", skills={"safari": {}, "math": {}})
    >>> P.add_node("b", skills={"chrome": {}, "vim": {}})
    >>> P.add_node("c", skills={"math": {}})
    >>> technology_counts(P)
    {'listing': 2, 'counts': {'safari': (1, 2), 'chrome': (1, 2), 'vim': (1, 0)}}
    """
    class_of = {
        s: info.get("class")
        for s, info in P.graph.get("skills", {}).items()
        if info.get("type") == "technology"
    }
    roles: dict[str, int] = defaultdict(int)
    classes: dict[Any, int] = defaultdict(int)
    listing = 0
    for _, profile in P.nodes(data="skills"):
        listed = class_of.keys() & (profile or {}).keys()
        if not listed:
            continue
        listing += 1
        for tech in listed:
            roles[tech] += 1
        for kind in {class_of[t] for t in listed} - {None}:
            classes[kind] += 1
    counts = {
        tech: (roles[tech], classes[kind] if kind is not None else 0)
        for tech, kind in class_of.items()
        if roles.get(tech)
    }
    return {"listing": listing, "counts": counts}


def _add_preparation(P: nx.DiGraph, store: Store) -> None:  # noqa: C901
    """Give every role its ``prep`` dict from the preparation triples."""
    nodes = P._node
    for role in nodes:
        nodes[role]["prep"] = {"credentials": []}
    for row in sorted_select(store, ZONE_Q):
        if row["role"] in nodes:
            nodes[row["role"]]["prep"]["zone"] = int(row["zone"])
    for row in sorted_select(store, EDUCATION_Q):
        if row["role"] in nodes:
            prep = nodes[row["role"]]["prep"]
            prep["education"] = max(prep.get("education") or 0, int(row["rank"]))
            prep["education_source"] = "rated" if nodes[row["role"]].get("code") else "guide"
    estimated: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in sorted_select(store, ESTIMATED_Q):
        estimated[(row["role"], row["scale"])].append(row["from"])
    for row in sorted_select(store, PREPARATION_Q):
        if row["role"] not in nodes:
            continue
        prep = nodes[row["role"]]["prep"]
        label = str(row["label"])
        span = (_num(row.get("min")) or 0.0, _num(row.get("max")))
        peers = estimated.get((row["role"], row["scale"]))
        if row["scale"] == "RL" and peers:
            prep["education_source"] = "group"
            prep["education_estimated"] = peers
        elif row["scale"] == "RW":
            prep["experience"] = span
            prep["experience_source"] = "group" if peers else "rated"
        elif row["scale"] == "OJ":
            prep["training"] = label[:1].lower() + label[1:]
        elif row["scale"] == "PT":
            prep["onsite"] = label[:1].lower() + label[1:]
    guide_experience: dict[str, list[tuple[int, float, float | None, str]]] = defaultdict(list)
    for row in sorted_select(store, EXPERIENCE_Q):
        if row["role"] in nodes and row.get("rank") is not None:
            guide_experience[row["role"]].append(
                (int(row["rank"]), float(row["min"]), _num(row.get("max")), str(row["label"]))
            )
    for role, levels in guide_experience.items():
        # a guide's entry level is what it takes to be hired into the role
        levels.sort()
        rank, low, high, label = levels[0]
        prep = nodes[role]["prep"]
        prep["experience"] = (low, high)
        prep["experience_source"] = f"guide ({label})"
        # someone in the role is typically past its entry level: the next level's years
        prep["experience_held"] = levels[1][1] if len(levels) > 1 else low
    close: dict[str, list[int]] = defaultdict(list)
    for row in sorted_select(store, CLOSE_EDUCATION_Q):
        if row["role"] in nodes:
            close[row["role"]].append(int(row["rank"]))
    for role, ranks in close.items():
        prep = nodes[role]["prep"]
        if prep.get("education_source") == "guide":
            continue
        # what the O*NET occupations a guide role closely matches typically ask: the middle
        # one (the higher of two), so one loosely matched occupation does not decide
        ranks.sort()
        prep["education"] = ranks[len(ranks) // 2]
        prep["education_source"] = "close match"
    for row in sorted_select(store, ISCO_Q):
        if row["role"] in nodes:
            prep = nodes[row["role"]]["prep"]
            if row.get("isco") is not None:
                prep["isco"] = int(row["isco"])
                code = str(nodes[row["role"]].get("code") or "")
                if code[:4].isdigit():
                    # the ISCO-08 unit group (an ESCO code starts with it): tells one field
                    # from another where the skill level alone cannot
                    prep["isco_group"] = code[:4]
            if row.get("regulated") is not None:
                prep["regulated"] = str(row["regulated"]).lower() in ("true", "1")
    for row in sorted_select(store, CREDENTIALS_Q):
        if row["role"] in nodes:
            nodes[row["role"]]["prep"]["credentials"].append(str(row["label"]))


def is_unrated(data: dict[str, Any]) -> bool:
    """An O*NET occupation O*NET has not rated on Skills or Knowledge (technology aside)."""
    code = data.get("code") or ""
    if not _ONET_CODE.match(str(code)):
        return False
    return not any(r.get("importance") is not None for r in (data.get("skills") or {}).values())


def _estimate_skills(P: nx.DiGraph) -> None:
    """Average ratings of the rated occupations of the SOC group of every unrated occupation."""
    groups: dict[str, list[str]] = defaultdict(list)
    unrated = []
    for role, data in P.nodes(data=True):
        data["est_skills"], data["est_from"] = {}, []
        if is_unrated(data):
            unrated.append(role)
        elif _ONET_CODE.match(str(data.get("code") or "")):
            groups[data["code"][:6]].append(role)
            groups[data["code"][:5]].append(role)
    for role in unrated:
        code = P.nodes[role]["code"]
        peers = groups.get(code[:6]) or groups.get(code[:5]) or []
        if not peers:
            continue
        sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        for peer in peers:
            for skill, rating in P.nodes[peer]["skills"].items():
                if rating.get("importance") is None:
                    continue
                acc = sums[skill]
                acc[0] += rating["importance"]
                if rating.get("level") is not None:
                    acc[1] += rating["level"]
                    acc[2] += 1
        n = len(peers)
        P.nodes[role]["est_skills"] = {
            skill: {"importance": round(imp / n, 2), "level": (round(lv / k, 2) if k else None)}
            for skill, (imp, lv, k) in sums.items()
        }
        P.nodes[role]["est_from"] = sorted(peers)
