"""The networkx projection of the RDF graph, used by route search.

RDF is the single source of truth: the projection is built only from SPARQL
SELECT queries through the :class:`graph.store.Store` interface (so the same
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
    "title", "proxy", "pct10", "pct25", "median"}`` (see :mod:`graph.payview`).
``sectors``, ``employers``
    ``[(iri, label), ...]``.
``has_guide``, ``code``, ``level``
    Whether a guide describes it, its O*NET/ESCO code, its experience rank.

Edges are curated transitions with ``kind`` (``progression`` or
``transition``), ``iri``, ``skills_to_gain`` (skill IRIs), ``source``,
``tier`` and ``index``. ``P.graph`` holds ``skills`` (``{iri: {"label",
"type", "labels"}}``, a technology also its ``"class"``: the UNSPSC
commodity it is an example of), ``level_anchors`` (``{skill_iri: [(level, words),
...]}``, lowest first), ``label_index`` (normalized label -> role IRIs), ``fingerprint``
and ``similarity`` (the model of :mod:`graph.similarity`).
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx

from graph.errors import GraphNotFoundError

__all__ = [
    "PROJECTION_VERSION",
    "build_projection",
    "sorted_select",
    "load_projection",
    "write_projection",
    "label_key",
    "role_midpoint",
]

#: bump when the projection's shape changes, so old caches are rebuilt
PROJECTION_VERSION = 3

CG = "https://w3id.org/careergraph/ontology#"

#: abbreviations people type, expanded the same way in labels and in queries
ABBREVIATIONS = {
    "tpm": "technical program manager",
    "tpms": "technical program manager",
    "em": "engineering manager",
    "sa": "solutions architect",
    "sre": "site reliability engineering",
    "sr": "senior",
    "jr": "junior",
    "mgr": "manager",
    "eng": "engineering",
    "cto": "chief technology officer",
    "cio": "chief information officer",
    "coo": "chief operating officer",
    "vp": "vice president",
    "svp": "senior vice president",
    "dir": "director",
}

ROLES_Q = """
SELECT ?role ?label ?guide ?code ?levelRank WHERE {
  ?role a cg:Role ; skos:prefLabel ?label .
  OPTIONAL { ?role cg:guide ?guide }
  OPTIONAL { ?role skos:notation ?code }
  OPTIONAL { ?role cg:experienceLevel/cg:rank ?levelRank }
}"""

LABELS_Q = """
SELECT ?role ?label WHERE {
  ?role a cg:Role .
  { ?role skos:altLabel ?label } UNION { ?role skos:hiddenLabel ?label }
  UNION { ?role rdfs:label ?label }
}"""

SKILLS_Q = """
SELECT ?role ?skill ?importance ?level WHERE {
  ?role cg:skillRequirement ?req . ?req cg:skill ?skill .
  OPTIONAL { ?req cg:importance ?importance }
  OPTIONAL { ?req cg:level ?level }
}"""

TECH_FLAGS_Q = """
SELECT ?role ?skill ?hot ?demand WHERE {
  ?role cg:skillRequirement ?req . ?req cg:skill ?skill .
  { ?req cg:hotTechnology ?hot } UNION { ?req cg:inDemand ?demand }
}"""

WAGE_LINE_Q = """
SELECT ?role ?line ?title ?proxy ?p10 ?p25 ?median WHERE {
  ?role cg:salaryBand ?band . ?band cg:wageLine ?line .
  OPTIONAL { ?band cg:wageLineTitle ?title }
  OPTIONAL { ?band cg:proxyWage ?proxy }
  OPTIONAL { ?band schema:percentile10 ?p10 }
  OPTIONAL { ?band schema:percentile25 ?p25 }
  OPTIONAL { ?band schema:median ?median }
}"""

LEVEL_ANCHORS_Q = """
SELECT ?skill ?level ?text WHERE {
  ?skill cg:levelAnchor ?anchor . ?anchor cg:anchorLevel ?level ; rdfs:label ?text .
}"""

GAPS_Q = "SELECT ?role ?skill WHERE { ?role cg:commonlyMissingSkill ?skill }"

SKILL_LABELS_Q = """
SELECT ?skill ?label ?type WHERE {
  VALUES ?type { cg:Skill cg:Knowledge cg:Technology }
  ?skill a ?type ; skos:prefLabel ?label .
}"""

TECH_CLASS_Q = """
SELECT ?skill ?class WHERE { ?skill a cg:Technology ; skos:broader ?class . }"""

SKILL_ALT_LABELS_Q = """
SELECT ?skill ?label WHERE { ?skill a cg:Skill ; skos:altLabel ?label . }"""

MOVES_Q = """
SELECT ?move ?from ?to ?kind ?source ?tier ?index WHERE {
  ?move a cg:Transition ; cg:fromRole ?from ; cg:toRole ?to ; cg:transitionKind ?kind .
  OPTIONAL { ?move dcterms:source ?source }
  OPTIONAL { ?move cg:relatedTier ?tier }
  OPTIONAL { ?move cg:relatedIndex ?index }
}"""

MOVE_SKILLS_Q = "SELECT ?move ?skill WHERE { ?move a cg:Transition ; cg:skillToGain ?skill }"

SALARY_Q = """
SELECT ?role ?band ?levelLabel ?rank ?min ?max ?currency ?median ?open ?position WHERE {
  ?role cg:salaryBand ?band .
  ?band schema:minValue ?min ; schema:maxValue ?max ; schema:currency ?currency .
  OPTIONAL { ?band cg:experienceLevel ?lv . ?lv skos:prefLabel ?levelLabel .
             OPTIONAL { ?lv cg:rank ?rank } }
  OPTIONAL { ?band schema:median ?median }
  OPTIONAL { ?band cg:openEnded ?open }
  OPTIONAL { ?band cg:position ?position }
}"""

SECTORS_Q = (
    "SELECT ?role ?item ?label WHERE { ?role cg:sector ?item . ?item skos:prefLabel ?label }"
)
EMPLOYERS_Q = (
    "SELECT ?role ?item ?label WHERE { ?role cg:employer ?item . ?item skos:prefLabel ?label }"
)


def _row_key(row: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((k, str(v)) for k, v in row.items())


def sorted_select(store: Any, query: str) -> list[dict[str, Any]]:
    """Run a SELECT and sort its rows: servers return rows in any order; the projection must not."""
    return sorted(store.select(query), key=_row_key)


def label_key(text: str) -> str:
    """Return the key role labels are indexed and looked up by.

    Lowercase words, '&' as 'and', abbreviations expanded.

    Examples
    --------
    >>> label_key("Sr. TPM (Cloud/Infra)")
    'senior technical program manager cloud infra'
    """
    from graph.skills import normalize

    words = normalize(text).split()
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)


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


def build_projection(store: Any) -> nx.DiGraph:
    """Build the projection from a store with a few SELECT queries.

    Examples
    --------
    >>> from graph.store import open_store
    >>> P = build_projection(open_store())
    >>> P.number_of_nodes() > 10 and P.number_of_edges() > 10
    True
    """
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
    nodes = P.nodes
    for row in sorted_select(store, LABELS_Q):
        labels = nodes[row["role"]]["labels"] if row["role"] in nodes else None
        if labels is not None and row["label"] not in labels:
            labels.append(row["label"])
    for row in sorted_select(store, SKILLS_Q):
        if row["role"] in nodes:
            nodes[row["role"]]["skills"][row["skill"]] = {
                "importance": _num(row.get("importance")),
                "level": _num(row.get("level")),
            }
    for row in sorted_select(store, TECH_FLAGS_Q):
        rating = nodes[row["role"]]["skills"].get(row["skill"]) if row["role"] in nodes else None
        if rating is not None:
            if "hot" in row:
                rating["hot"] = _flag(row["hot"])
            if "demand" in row:
                rating["in_demand"] = _flag(row["demand"])
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
    for row in sorted_select(store, MOVE_SKILLS_Q):
        move_skills[row["move"]].append(row["skill"])
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
    for role, data in nodes.items():
        for label in data["labels"]:
            index[label_key(label)].add(role)
    P.graph["label_index"] = dict(index)
    from graph.similarity import build_model

    P.graph["similarity"] = build_model(store)
    return P


def _write_atomic(path: Path, P: nx.DiGraph) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-projection-")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(P, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_projection(store: Any) -> nx.DiGraph:
    """Build the projection of ``store`` and write it to the store's cache path."""
    P = build_projection(store)
    path = store.projection_cache()
    if path is not None:
        _write_atomic(Path(path), P)
    return P


_MEMO: dict[tuple[str, str], nx.DiGraph] = {}


def load_projection(store: Any) -> nx.DiGraph:
    """Return the projection of ``store``: from memory, from its cache, or built anew.

    The cache is keyed by the store's fingerprint (the build id), so it is
    rebuilt exactly when the graph changes.
    """
    path = store.projection_cache()
    key = (str(path), store.fingerprint)
    if key in _MEMO:
        return _MEMO[key]
    P = None
    if path is not None and Path(path).is_file():
        try:
            with open(path, "rb") as handle:
                P = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            P = None  # a damaged or outdated cache is rebuilt below
        if P is not None and (
            P.graph.get("version") != PROJECTION_VERSION
            or P.graph.get("fingerprint") != store.fingerprint
        ):
            P = None
    if P is None:
        P = build_projection(store)
        if path is not None:
            try:
                _write_atomic(Path(path), P)
            except OSError:
                pass  # a read-only graph folder: keep the projection in memory only
    if P.number_of_nodes() == 0:
        raise GraphNotFoundError("The graph holds no roles; build it or import a taxonomy first.")
    _MEMO[key] = P
    return P
