"""The networkx projection of the RDF graph, used by route search.

RDF is the single source of truth: the projection is built only from SPARQL
SELECT queries through the :class:`graph.store.local.Store` interface (so the same
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
...]}``, lowest first), ``label_index`` (normalized label -> role IRIs), ``fingerprint``
and ``similarity`` (the model of :mod:`graph.projection.similarity`).

The cache file (``projection-<build id>.cgproj``) holds JSON and raw numeric
arrays only (see :func:`dumps_projection`): reading it can never run code,
whatever a shared graph folder holds. Pickle files are never read.
"""

from __future__ import annotations

import gc
import json
import os
import re
import struct
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
    "dumps_projection",
    "loads_projection",
    "PROJECTION_SUFFIX",
    "label_key",
    "role_midpoint",
    "is_unrated",
]

#: bump when the projection's shape or file format changes, so old caches are rebuilt
PROJECTION_VERSION = 5
#: the name ending of projection cache files
PROJECTION_SUFFIX = ".cgproj"
_MAGIC = b"CGPROJ\x00\x01"
_HEAD = struct.Struct("<IQ")  # format version, bytes of JSON

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

ZONE_Q = """
SELECT ?role ?zone WHERE {
  ?role cg:experienceLevel ?z .
  VALUES (?z ?zone) {
    (cg:JobZone1 1) (cg:JobZone2 2) (cg:JobZone3 3) (cg:JobZone4 4) (cg:JobZone5 5)
  }
}"""

EDUCATION_Q = """
SELECT ?role ?rank WHERE {
  ?role schema:educationRequirements ?e . ?e a cg:EducationLevel ; cg:rank ?rank
}"""

CLOSE_EDUCATION_Q = """
SELECT ?role ?rank WHERE {
  ?role cg:guide ?g ; skos:closeMatch ?o . ?o schema:educationRequirements/cg:rank ?rank
}"""

PREPARATION_Q = """
SELECT ?role ?scale ?category ?label ?min ?max WHERE {
  ?role cg:preparation ?p . ?p cg:preparationScale/skos:notation ?scale ;
     cg:typicalCategory ?category ; rdfs:label ?label .
  OPTIONAL { ?p cg:minYears ?min } OPTIONAL { ?p cg:maxYears ?max }
}"""

ESTIMATED_Q = """
SELECT ?role ?scale ?from WHERE {
  ?role cg:preparation ?p . ?p cg:preparationScale/skos:notation ?scale ; cg:estimatedFrom ?from
}"""

EXPERIENCE_Q = """
SELECT ?role ?min ?max ?rank ?label WHERE {
  ?role schema:experienceRequirements ?x . ?x cg:minYears ?min .
  OPTIONAL { ?x cg:maxYears ?max }
  OPTIONAL { ?x cg:experienceLevel ?lv . ?lv cg:rank ?rank . ?lv skos:prefLabel ?label }
}"""

ISCO_Q = """
SELECT ?role ?isco ?regulated WHERE {
  ?role a cg:Role .
  OPTIONAL { ?role cg:iscoSkillLevel ?isco }
  OPTIONAL { ?role cg:regulatedProfession ?regulated }
  FILTER(BOUND(?isco) || BOUND(?regulated))
}"""

CREDENTIALS_Q = "SELECT ?role ?label WHERE { ?role cg:credential ?c . ?c rdfs:label ?label }"

#: an O*NET-SOC code: its SOC groups are its first 6 (broad) and 5 (minor) characters
_ONET_CODE = re.compile(r"^\d\d-\d{4}\.\d\d$")

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
    >>> from graph.store.local import open_store
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
    from graph.projection.similarity import build_model

    P.graph["similarity"] = build_model(store)
    return P


class ProjectionFormatError(ValueError):
    """A projection cache file that is not one this version wrote."""


#: the keys of a skill rating written as columns; any others follow as a dict
_RATING = ("importance", "level")
#: a JSON object holding one tuple (JSON has lists only, and the projection uses both)
_TUPLE = "\u0000tuple"


def _tag(value: Any) -> Any:
    """``value`` with every tuple in it made a one-key object, for JSON."""
    if isinstance(value, tuple):
        return {_TUPLE: [_tag(x) for x in value]}
    if isinstance(value, list):
        return [_tag(x) for x in value]
    if isinstance(value, dict):
        return {k: _tag(x) for k, x in value.items()}
    return value


def _untag(value: Any) -> Any:
    """Undo :func:`_tag`."""
    if isinstance(value, list):
        return [_untag(x) for x in value]
    if isinstance(value, dict):
        if len(value) == 1 and _TUPLE in value:
            return tuple(_untag(x) for x in value[_TUPLE])
        return {k: _untag(x) for k, x in value.items()}
    return value


def dumps_projection(P: nx.DiGraph) -> bytes:
    """The projection as bytes: a header, JSON, then the similarity arrays raw.

    JSON keeps everything but the two similarity arrays, which follow as
    little-endian int32 and float32; nothing in the file is code, so reading
    a crafted one gives an error or wrong numbers, never a program run. Role
    and skill IRIs are written once, in a table, and referred to by number
    (it loads faster than repeating them).

    Examples
    --------
    >>> from graph.store.local import open_store
    >>> P = build_projection(open_store())
    >>> Q = loads_projection(dumps_projection(P))
    >>> dict(Q.nodes(data=True)) == dict(P.nodes(data=True))
    True
    """
    table: dict[str, int] = {}

    def ref(iri: str) -> int:
        found = table.get(iri)
        if found is None:
            found = table[iri] = len(table)
        return found

    graph = {k: _tag(v) for k, v in P.graph.items() if k != "label_index"}
    graph["label_index"] = P.graph.get("label_index", {})
    model = graph.pop("similarity", None)
    graph["label_index"] = {
        k: sorted(ref(r) for r in v) for k, v in graph.get("label_index", {}).items()
    }
    arrays: list[bytes] = []
    sim = None
    if model is not None:
        neighbours = model.neighbours.astype("<i4", copy=False)
        scores = model.scores.astype("<f4", copy=False)
        arrays = [neighbours.tobytes(), scores.tobytes()]
        sim = {
            "roles": [ref(r) for r in model.roles],
            "method": model.method,
            "info": model.info,
            "shape": list(neighbours.shape),
        }
    nodes = []
    for n, d in P.nodes(data=True):
        attrs = {k: _tag(v) for k, v in d.items() if k not in ("skills", "gaps")}
        skills = d.get("skills", {})
        extra = [{k: x for k, x in v.items() if k not in _RATING} for v in skills.values()]
        attrs["skills"] = [
            [ref(k) for k in skills],
            [v["importance"] for v in skills.values()],
            [v["level"] for v in skills.values()],
            [_tag(x) if x else 0 for x in extra],
        ]
        attrs["gaps"] = sorted(ref(g) for g in d.get("gaps", ()))
        nodes.append([ref(n), attrs])
    edges = []
    for u, v, d in P.edges(data=True):
        attrs = {k: _tag(x) for k, x in d.items()}
        attrs["skills_to_gain"] = [ref(x) for x in d.get("skills_to_gain", [])]
        edges.append([ref(u), ref(v), attrs])
    doc: dict[str, Any] = {"graph": graph, "similarity": sim, "nodes": nodes, "edges": edges}
    doc["iris"] = list(table)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"".join([_MAGIC, _HEAD.pack(PROJECTION_VERSION, len(text)), text, *arrays])


def loads_projection(data: bytes) -> nx.DiGraph:
    """Read what :func:`dumps_projection` wrote.

    Raises
    ------
    ProjectionFormatError
        If the bytes are not a projection of this format version.
    """
    start = len(_MAGIC) + _HEAD.size
    if len(data) < start or not data.startswith(_MAGIC):
        raise ProjectionFormatError("not a careergraph projection file")
    version, size = _HEAD.unpack_from(data, len(_MAGIC))
    if version != PROJECTION_VERSION or start + size > len(data):
        raise ProjectionFormatError(f"projection format {version}, not {PROJECTION_VERSION}")
    # nothing made here is garbage: collecting while the many small objects appear
    # only costs time (it more than doubles the load time)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _from_doc(json.loads(data[start : start + size]), data, start + size)
    except ProjectionFormatError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ProjectionFormatError(f"a damaged projection file ({exc!r})") from exc
    finally:
        if enabled:
            gc.enable()


def _from_doc(doc: dict[str, Any], data: bytes, offset: int) -> nx.DiGraph:
    import numpy as np

    from graph.projection.similarity import SimilarityModel

    iris: list[str] = doc["iris"]
    if not all(isinstance(i, str) for i in iris):
        raise ProjectionFormatError("the IRI table holds something other than text")
    P = nx.DiGraph()
    graph = {k: (v if k == "label_index" else _untag(v)) for k, v in doc["graph"].items()}
    graph["label_index"] = {k: {iris[i] for i in v} for k, v in graph["label_index"].items()}
    P.graph.update(graph)
    nodes = []
    for n, attrs in doc["nodes"]:
        keys, importance, level, extra = attrs["skills"]
        attrs["skills"] = {
            iris[k]: {"importance": i, "level": lv, **(_untag(x) if x else {})}
            for k, i, lv, x in zip(keys, importance, level, extra, strict=True)
        }
        for k, v in attrs.items():
            if k != "skills" and isinstance(v, dict | list):
                attrs[k] = _untag(v)
        attrs["gaps"] = {iris[g] for g in attrs["gaps"]}
        attrs["sectors"] = [tuple(x) for x in attrs["sectors"]]
        attrs["employers"] = [tuple(x) for x in attrs["employers"]]
        nodes.append((iris[n], attrs))
    # filled in place, as add_nodes_from/add_edges_from would, without copying every dict
    succ, pred = P._succ, P._pred
    for node, attrs in nodes:
        P._node[node] = attrs
        succ[node] = {}
        pred[node] = {}
    for u, v, attrs in doc["edges"]:
        attrs["skills_to_gain"] = [iris[x] for x in attrs["skills_to_gain"]]
        for k, x in attrs.items():
            if isinstance(x, dict | list):
                attrs[k] = _untag(x)
        source, target = iris[u], iris[v]
        if source not in succ or target not in succ:
            raise ProjectionFormatError("an edge names a role that is not a node")
        succ[source][target] = attrs
        pred[target][source] = attrs
    nx._clear_cache(P)
    sim = doc["similarity"]
    if sim is not None:
        rows, cols = (int(x) for x in sim["shape"])
        count = rows * cols
        if rows < 0 or cols < 0 or offset + 8 * count != len(data):
            raise ProjectionFormatError("the similarity arrays are cut short")
        neighbours = np.frombuffer(data, dtype="<i4", count=count, offset=offset)
        scores = np.frombuffer(data, dtype="<f4", count=count, offset=offset + 4 * count)
        roles = [iris[r] for r in sim["roles"]]
        P.graph["similarity"] = SimilarityModel(
            roles=roles,
            index={r: i for i, r in enumerate(roles)},
            neighbours=neighbours.reshape(rows, cols),
            scores=scores.reshape(rows, cols),
            method=sim["method"],
            info=sim["info"],
        )
    return P


def _add_preparation(P: nx.DiGraph, store: Any) -> None:
    """Give every role its ``prep`` dict from the preparation triples."""
    nodes = P.nodes
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


def _write_atomic(path: Path, P: nx.DiGraph) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = dumps_projection(P)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-projection-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
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
    if path is not None and Path(path).suffix != PROJECTION_SUFFIX:
        path = None  # never read (or write) a file of another format, e.g. a pickle
    if path is not None and Path(path).is_file():
        try:
            P = loads_projection(Path(path).read_bytes())
        except (OSError, ProjectionFormatError):
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
    # the projection lives as long as the process: keep the collector from scanning its
    # hundreds of thousands of objects again and again
    gc.freeze()
    _MEMO[key] = P
    return P
