"""Roles as people see them: the role list and a role's card.

Both read the graph through SPARQL (:class:`graph.store.base.Store`), so they give
the same answers on the embedded store and on a remote endpoint. The card
holds every fact of the role's guide, in the guide's order, plus what other
sources (O*NET, ESCO, wages) say about the role.
"""

from __future__ import annotations

from typing import Any

from graph.store.base import Store

__all__ = ["list_roles", "role_card", "sparql_iri"]


def sparql_iri(iri: str) -> str:
    """Return an IRI as a SPARQL term, refusing characters that could break out of it.

    Examples
    --------
    >>> sparql_iri("https://w3id.org/careergraph/id/role/x")
    '<https://w3id.org/careergraph/id/role/x>'
    """
    if any(c in iri for c in '<>"{}|^`\\ \n\t'):
        raise ValueError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


ROLES_Q = """
SELECT ?role ?label ?guide ?origin ?code
       (COUNT(DISTINCT ?out) AS ?moves_out) (COUNT(DISTINCT ?in) AS ?moves_in)
       (COUNT(DISTINCT ?skill) AS ?skills) WHERE {
  ?role a cg:Role ; skos:prefLabel ?label .
  OPTIONAL { ?role cg:guide ?guide . OPTIONAL { ?guide cg:origin/rdfs:label ?origin } }
  OPTIONAL { ?role skos:notation ?code }
  OPTIONAL { ?out cg:fromRole ?role }
  OPTIONAL { ?in cg:toRole ?role }
  OPTIONAL { ?role cg:requiresSkill ?skill }
} GROUP BY ?role ?label ?guide ?origin ?code ORDER BY LCASE(?label)
"""


def list_roles(store: Store, *, with_guide_only: bool = False) -> list[dict[str, Any]]:
    """List the roles of the graph with their guide origin and move counts.

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> roles = list_roles(open_store())
    >>> any(r["label"].startswith("Technical Program Manager") for r in roles)
    True
    """
    rows = store.select(ROLES_Q)
    roles = []
    seen = set()
    for row in rows:
        if row["role"] in seen:
            continue
        seen.add(row["role"])
        if with_guide_only and "guide" not in row:
            continue
        roles.append(
            {
                "id": row["role"],
                "label": row["label"],
                "guide": row.get("origin"),
                "code": row.get("code"),
                "skills": int(row.get("skills", 0)),
                "moves_out": int(row.get("moves_out", 0)),
                "moves_in": int(row.get("moves_in", 0)),
            }
        )
    return roles


def _row_key(row: dict[str, Any]) -> tuple[Any, ...]:
    """Sort by position, then by every value, so any server gives the same order."""
    return (row.get("position") or 0, sorted((k, str(v)) for k, v in row.items()))


def _ordered(store: Store, query: str) -> list[dict[str, Any]]:
    return sorted(store.select(query), key=_row_key)


def role_card(store: Store, role: str) -> dict[str, Any]:
    """Return every fact the graph holds about one role, as plain data.

    Parameters
    ----------
    store : Store
        Where to read.
    role : str
        The role's IRI (see :func:`graph.projection.resolve.resolve_role`).

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> iri = "https://w3id.org/careergraph/id/role/technical-program-manager-infrastructure-delivery"
    >>> card = role_card(open_store(), iri)
    >>> card["salary"][0]["min"], len(card["employers"])
    (115000, 20)

    ``top_skills`` lists the most important first (a guide's in its order),
    each with its ``type`` (skill, knowledge or technology) and, for a
    technology, O*NET's ``hot`` and ``in_demand`` flags.
    """
    r = sparql_iri(role)
    head = store.select(
        f"""SELECT ?label ?guide ?title ?origin ?file ?growth ?dev ?code ?description WHERE {{
          {r} skos:prefLabel ?label .
          OPTIONAL {{ {r} cg:guide ?guide . ?guide dcterms:title ?title .
                     OPTIONAL {{ ?guide cg:origin/rdfs:label ?origin }}
                     OPTIONAL {{ ?guide cg:fileName ?file }} }}
          OPTIONAL {{ {r} cg:growthTrend ?growth }}
          OPTIONAL {{ {r} cg:developmentSuggestions ?dev }}
          OPTIONAL {{ {r} skos:notation ?code }}
          OPTIONAL {{ {r} schema:description ?description }}
        }} LIMIT 1"""
    )
    info = head[0] if head else {}
    labels = store.select(
        f"""SELECT DISTINCT ?text WHERE {{ {{ {r} skos:altLabel ?text }}
            UNION {{ {r} skos:hiddenLabel ?text }} }} ORDER BY ?text"""
    )
    skills = _ordered(
        store,
        f"""SELECT ?skill ?label ?text ?position ?importance ?level ?knowledge ?tech ?hot ?demand
        WHERE {{
          {r} cg:skillRequirement ?req . ?req cg:skill ?skill . ?skill skos:prefLabel ?label .
          OPTIONAL {{ ?req cg:phrase ?text }} OPTIONAL {{ ?req cg:position ?position }}
          OPTIONAL {{ ?req cg:importance ?importance }} OPTIONAL {{ ?req cg:level ?level }}
          OPTIONAL {{ ?skill a ?knowledge . FILTER(?knowledge = cg:Knowledge) }}
          OPTIONAL {{ ?skill a ?tech . FILTER(?tech = cg:Technology) }}
          OPTIONAL {{ ?req cg:hotTechnology ?hot }} OPTIONAL {{ ?req cg:inDemand ?demand }}
        }}""",
    )
    # most important first; unrated (guide) skills keep the guide's order (a stable sort)
    skills.sort(key=lambda s: -float(s.get("importance") or 0))
    gaps = _ordered(
        store,
        f"""SELECT ?skill ?label ?text ?position WHERE {{
          {r} cg:skillGap ?gap . ?gap cg:skill ?skill ; cg:phrase ?text .
          ?skill skos:prefLabel ?label . OPTIONAL {{ ?gap cg:position ?position }}
        }}""",
    )
    responsibilities = _ordered(
        store,
        f"""SELECT ?text ?position WHERE {{ {r} cg:responsibility ?x . ?x rdfs:label ?text .
            OPTIONAL {{ ?x cg:position ?position }} }}""",
    )
    steps = _ordered(
        store,
        f"""SELECT ?text ?position WHERE {{ {r} cg:nextStep ?x . ?x rdfs:label ?text .
            OPTIONAL {{ ?x cg:position ?position }} }}""",
    )
    salary = _ordered(
        store,
        f"""SELECT ?level ?min ?max ?currency ?open ?years ?note ?median ?position ?source
        WHERE {{
          {r} cg:salaryBand ?band . ?band schema:minValue ?min ; schema:maxValue ?max ;
                                         schema:currency ?currency .
          OPTIONAL {{ ?band schema:name ?bandName }}
          OPTIONAL {{ ?band cg:experienceLevel/skos:prefLabel ?levelLabel }}
          BIND(COALESCE(?bandName, ?levelLabel) AS ?level)
          OPTIONAL {{ ?band cg:openEnded ?open }} OPTIONAL {{ ?band cg:yearsOfExperience ?years }}
          OPTIONAL {{ ?band rdfs:comment ?note }} OPTIONAL {{ ?band schema:median ?median }}
          OPTIONAL {{ ?band cg:position ?position }}
          OPTIONAL {{ ?band dcterms:source/dcterms:title ?source }}
        }}""",
    )
    moves = _ordered(
        store,
        f"""SELECT ?to ?label ?kind ?text ?position WHERE {{
          ?move cg:fromRole {r} ; cg:toRole ?to ; cg:transitionKind ?k .
          ?to skos:prefLabel ?label . ?k rdfs:label ?kind .
          OPTIONAL {{ ?move cg:phrase ?text }} OPTIONAL {{ ?move cg:position ?position }}
        }}""",
    )
    moves_in = store.select(
        f"""SELECT ?from ?label ?kind WHERE {{
          ?move cg:toRole {r} ; cg:fromRole ?from ; cg:transitionKind ?k .
          ?from skos:prefLabel ?label . ?k rdfs:label ?kind .
        }} ORDER BY LCASE(?label)"""
    )
    adjacent = store.select(
        f"""SELECT ?role ?label WHERE {{ {r} cg:adjacentRole ?role . ?role skos:prefLabel ?label }}
            ORDER BY ?label"""
    )
    names = {}
    for attr in ("employer", "sector"):
        names[attr] = [
            row["label"]
            for row in store.select(
                f"""SELECT DISTINCT ?label WHERE {{ {r} cg:{attr} ?x . ?x skos:prefLabel ?label }}
                    ORDER BY LCASE(?label)"""
            )
        ]
    matches = store.select(
        f"""SELECT ?match ?label ?code WHERE {{ {r} skos:closeMatch ?match .
            OPTIONAL {{ ?match skos:prefLabel ?label }}
            OPTIONAL {{ ?match skos:notation ?code }} }}"""
    )

    def move_list(kind: str) -> list[dict[str, Any]]:
        return [
            {"id": m["to"], "label": m["label"], "as_written": m.get("text", m["label"])}
            for m in moves
            if m["kind"] == kind
        ]

    return {
        "id": role,
        "label": info.get("label"),
        "labels": [row["text"] for row in labels],
        "code": info.get("code"),
        "description": info.get("description"),
        "guide": (
            {"title": info["title"], "origin": info.get("origin"), "file": info.get("file")}
            if "guide" in info
            else None
        ),
        "responsibilities": [row["text"] for row in responsibilities],
        "top_skills": [
            {
                "skill": s["label"],
                "id": s["skill"],
                "as_written": s.get("text", s["label"]),
                "importance": _float(s.get("importance")),
                "level": _float(s.get("level")),
                "type": _skill_type(s),
                "hot": _flag(s.get("hot")),
                "in_demand": _flag(s.get("demand")),
            }
            for s in skills
        ],
        "skill_gaps": [
            {"skill": g["label"], "id": g["skill"], "as_written": g["text"]} for g in gaps
        ],
        "development_suggestions": info.get("dev"),
        "salary": [
            {
                "level": b.get("level"),
                "min": int(b["min"]),
                "max": int(b["max"]),
                "currency": b["currency"],
                "open_ended": bool(b.get("open", False)),
                "years": b.get("years"),
                "note": b.get("note"),
                "median": _float(b.get("median")),
                "source": b.get("source"),
            }
            for b in salary
        ],
        "growth_trend": info.get("growth"),
        "employers": names["employer"],
        "sectors": names["sector"],
        "next_steps": [row["text"] for row in steps],
        "can_lead_to": move_list("progression"),
        "transition_opportunities": move_list("transition"),
        "adjacent_titles": [{"id": a["role"], "label": a["label"]} for a in adjacent],
        "moves_in": [{"id": m["from"], "label": m["label"], "kind": m["kind"]} for m in moves_in],
        "close_matches": [
            {"id": m["match"], "label": m.get("label"), "code": m.get("code")} for m in matches
        ],
        "preparation": role_preparation(store, role),
    }


def role_preparation(store: Store, role: str) -> dict[str, Any]:
    """What a role asks before you start: Job Zone, education, experience, training, credentials.

    Returns
    -------
    dict
        ``job_zone`` ({"zone", "meaning"} or None), ``education`` ({"label",
        "source"} or None: "O*NET", "its SOC group", "its guide" or the close
        O*NET match), ``experience`` (list of {"level", "years", "label"}),
        ``training`` and ``onsite`` (labels), ``isco_skill_level``,
        ``regulated`` (bool or None) and ``credentials`` (labels).

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> iri = "https://w3id.org/careergraph/id/role/director-of-technical-program-management"
    >>> role_preparation(open_store(), iri)["experience"][0]["years"]
    [10.0, 15.0]
    """
    from graph.levels import JOB_ZONES

    r = sparql_iri(role)
    rows = store.select(
        f"""SELECT ?zone ?isco ?regulated WHERE {{
          OPTIONAL {{ {r} cg:experienceLevel ?z . ?z cg:rank ?zone .
                     VALUES ?z {{ cg:JobZone1 cg:JobZone2 cg:JobZone3 cg:JobZone4 cg:JobZone5 }} }}
          OPTIONAL {{ {r} cg:iscoSkillLevel ?isco }}
          OPTIONAL {{ {r} cg:regulatedProfession ?regulated }}
        }} LIMIT 1"""
    )
    head = rows[0] if rows else {}
    education = store.select(
        f"""SELECT ?label ?rank WHERE {{ {r} schema:educationRequirements ?e .
            ?e skos:prefLabel ?label ; cg:rank ?rank }} ORDER BY ?rank LIMIT 1"""
    )
    scales = store.select(
        f"""SELECT ?scale ?label (COUNT(?from) AS ?estimated) WHERE {{
          {r} cg:preparation ?p . ?p cg:preparationScale/skos:notation ?scale ; rdfs:label ?label .
          OPTIONAL {{ ?p cg:estimatedFrom ?from }}
        }} GROUP BY ?scale ?label"""
    )
    by_scale = {row["scale"]: row for row in scales}
    edu: dict[str, Any] | None = None
    if education:
        rl = by_scale.get("RL")
        source = "its guide" if role_has_guide(store, role) else "O*NET"
        if rl and int(rl.get("estimated") or 0):
            source = f"O*NET, estimated from {rl['estimated']} occupation(s) of its SOC group"
        edu = {"label": str(education[0]["label"]), "source": source}
    else:
        close = store.select(
            f"""SELECT ?label ?occupation ?rank WHERE {{ {r} skos:closeMatch ?o .
                ?o schema:educationRequirements ?e ; skos:prefLabel ?occupation .
                ?e skos:prefLabel ?label ; cg:rank ?rank }} ORDER BY ?rank ?occupation"""
        )
        if close:
            # the middle of what its close matches ask (the higher of two), as route search uses
            middle = close[len(close) // 2]
            edu = {
                "label": str(middle["label"]),
                "source": f"its close O*NET match {middle['occupation']}",
            }
    experience = store.select(
        f"""SELECT ?level ?min ?max ?label ?rank WHERE {{
          {r} schema:experienceRequirements ?x . ?x cg:minYears ?min .
          OPTIONAL {{ ?x cg:maxYears ?max }} OPTIONAL {{ ?x rdfs:label ?label }}
          OPTIONAL {{ ?x cg:experienceLevel ?lv . ?lv skos:prefLabel ?level ; cg:rank ?rank }}
        }} ORDER BY ?rank"""
    )
    credentials = store.select(
        f"""SELECT ?label WHERE {{ {r} cg:credential ?c . ?c rdfs:label ?label }} ORDER BY ?label"""
    )
    zone = int(head["zone"]) if head.get("zone") is not None else None
    rw = by_scale.get("RW")
    return {
        "job_zone": {"zone": zone, "meaning": JOB_ZONES.get(zone, "")} if zone else None,
        "education": edu,
        "experience": [
            {
                "level": row.get("level"),
                "years": [float(row["min"]), None if row.get("max") is None else float(row["max"])],
                "label": str(rw["label"]) if rw and not row.get("level") else row.get("label"),
            }
            for row in experience
        ],
        "training": str(by_scale["OJ"]["label"]) if "OJ" in by_scale else None,
        "onsite": str(by_scale["PT"]["label"]) if "PT" in by_scale else None,
        "isco_skill_level": int(head["isco"]) if head.get("isco") is not None else None,
        "regulated": (
            str(head["regulated"]).lower() in ("true", "1")
            if head.get("regulated") is not None
            else None
        ),
        "credentials": [str(row["label"]) for row in credentials],
    }


def role_has_guide(store: Store, role: str) -> bool:
    """Whether a guide describes the role."""
    return bool(store.select(f"SELECT ?g WHERE {{ {sparql_iri(role)} cg:guide ?g }} LIMIT 1"))


def _skill_type(row: dict[str, Any]) -> str:
    return "technology" if row.get("tech") else "knowledge" if row.get("knowledge") else "skill"


def _flag(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
