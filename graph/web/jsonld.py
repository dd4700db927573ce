"""A role card as JSON-LD with the schema.org context."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.namespaces import CG_IRI, ID_IRI, PREFIXES
from graph.web.http import _role_url

__all__ = ["role_jsonld"]


def role_jsonld(card: Mapping[str, Any], base_url: str = "") -> dict[str, Any]:
    """A role card (:func:`graph.sparql.roles.role_card`) as JSON-LD with the schema.org context.

    Moves into the role are written as reverse ``cg:canLeadTo`` /
    ``cg:canTransitionTo`` links, so the document reads back as the graph's triples.

    Examples
    --------
    >>> doc = role_jsonld({"id": "https://w3id.org/careergraph/id/role/x", "label": "X"})
    >>> doc["@type"], doc["name"]
    (['Occupation', 'cg:Role'], 'X')
    """

    def ref(iri: str, label: Any) -> dict[str, Any]:
        return {"@id": iri, "name": label}

    def number(value: Any) -> Any:
        return int(value) if isinstance(value, float) and value.is_integer() else value

    doc: dict[str, Any] = {
        "@context": {
            "@vocab": "https://schema.org/",
            "cg": CG_IRI,
            "cgr": ID_IRI,
            "skos": PREFIXES["skos"],
            "dcterms": PREFIXES["dcterms"],
        },
        "@id": card["id"],
        "@type": ["Occupation", "cg:Role"],
        "name": card.get("label"),
        "url": base_url.rstrip("/") + _role_url(card["id"]),
    }
    optional: dict[str, Any] = {
        "alternateName": card.get("labels") or None,
        "description": card.get("description"),
        "occupationalCategory": card.get("code"),
        "responsibilities": card.get("responsibilities") or None,
        "skills": [
            {
                "@type": "DefinedTerm",
                "@id": s["id"],
                "name": s["skill"],
                "cg:phrase": s.get("as_written"),
                **({"cg:importance": s["importance"]} if s.get("importance") is not None else {}),
                **({"cg:level": s["level"]} if s.get("level") is not None else {}),
            }
            for s in card.get("top_skills", [])
        ]
        or None,
        "cg:commonlyMissingSkill": [ref(g["id"], g["skill"]) for g in card.get("skill_gaps", [])]
        or None,
        "estimatedSalary": [
            {
                "@type": "MonetaryAmountDistribution",
                "name": b.get("level"),
                "minValue": b["min"],
                "maxValue": b["max"],
                "currency": b["currency"],
                **({"median": number(b["median"])} if b.get("median") is not None else {}),
                **({"cg:openEnded": True} if b.get("open_ended") else {}),
                **({"cg:yearsOfExperience": b["years"]} if b.get("years") else {}),
            }
            for b in card.get("salary", [])
        ]
        or None,
        "cg:sector": [{"@type": "cg:Sector", "name": n} for n in card.get("sectors", [])] or None,
        "cg:employer": [{"@type": "Organization", "name": n} for n in card.get("employers", [])]
        or None,
        "cg:nextStep": card.get("next_steps") or None,
        "cg:growthTrend": card.get("growth_trend"),
        "cg:developmentSuggestions": card.get("development_suggestions"),
        "cg:canLeadTo": [ref(m["id"], m["label"]) for m in card.get("can_lead_to", [])] or None,
        "cg:canTransitionTo": [
            ref(m["id"], m["label"]) for m in card.get("transition_opportunities", [])
        ]
        or None,
    }
    doc.update({k: v for k, v in optional.items() if v is not None})
    moves_in = card.get("moves_in", [])
    reverse: dict[str, Any] = {}
    for kind, prop in (("progression", "cg:canLeadTo"), ("transition", "cg:canTransitionTo")):
        refs = [ref(m["id"], m["label"]) for m in moves_in if m.get("kind") == kind]
        if refs:
            reverse[prop] = refs
    if reverse:
        doc["@reverse"] = reverse
    return doc
