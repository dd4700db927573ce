"""How a role looks on the page: its node, its pay band, its top skills."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

__all__ = ["NODE_KINDS"]


#: what each node kind looks like; the page's legend and the drawing share this table
NODE_KINDS: dict[str, dict[str, Any]] = {
    "role": {"name": "Role", "shape": "dot", "color": "#2563eb", "border": "#1e3a8a", "size": 16},
    "skill": {
        "name": "Skill",
        "shape": "triangle",
        "color": "#16a34a",
        "border": "#14532d",
        "size": 9,
    },
    "sector": {
        "name": "Sector",
        "shape": "diamond",
        "color": "#9333ea",
        "border": "#581c87",
        "size": 12,
    },
    "employer": {
        "name": "Employer",
        "shape": "square",
        "color": "#ea580c",
        "border": "#7c2d12",
        "size": 9,
    },
    "salary": {
        "name": "Salary band",
        "shape": "hexagon",
        "color": "#ca8a04",
        "border": "#713f12",
        "size": 10,
    },
}


#: skills drawn per role (most important first), so O*NET's long skill lists stay legible
TOP_SKILLS = 8


_CURRENCY = {"USD": "$", "EUR": "€", "GBP": "£", "INR": "₹", "JPY": "¥"}


def _money(value: float, currency: str | None) -> str:
    symbol = _CURRENCY.get(currency or "", f"{currency} " if currency else "")
    if value >= 1000:
        return f"{symbol}{value / 1000:,.0f}k"
    return f"{symbol}{value:,.0f}"


def _band_text(band: Mapping[str, Any]) -> str:
    cur = band.get("currency")
    text = f"{_money(band['min'], cur)}–{_money(band['max'], cur)}"
    if band.get("open_ended"):
        text += "+"
    if band.get("median") is not None:
        text += f" (median {_money(band['median'], cur)})"
    level = band.get("level")
    return f"{level}: {text}" if level else text


def _skill_label(P: nx.DiGraph, iri: str) -> str:
    info = P.graph.get("skills", {}).get(iri)
    if info:
        return str(info["label"])
    return iri.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")


def _top_skills(P: nx.DiGraph, role: str, limit: int) -> list[str]:
    skills = P.nodes[role].get("skills") or {}

    def rank(iri: str) -> tuple[float, float, str]:
        info = skills[iri] or {}
        return (
            -(info.get("importance") or 0.0),
            -(info.get("level") or 0.0),
            _skill_label(P, iri).lower(),
        )

    return sorted(skills, key=rank)[:limit]


def _role_node(P: nx.DiGraph, role: str) -> dict[str, Any]:
    data = P.nodes[role]
    employers = [label for _, label in data.get("employers") or []]
    return {
        "id": role,
        "label": data.get("label") or role,
        "kind": "role",
        "value": P.in_degree(role) + P.out_degree(role),
        "card": {
            "salary": [_band_text(b) for b in data.get("salary") or []],
            "skills": [_skill_label(P, s) for s in _top_skills(P, role, 6)],
            "skillCount": len(data.get("skills") or {}),
            "sectors": [label for _, label in data.get("sectors") or []],
            "employers": employers[:6],
            "employerCount": len(employers),
            "movesIn": P.in_degree(role),
            "movesOut": P.out_degree(role),
            "guide": bool(data.get("has_guide")),
            "code": data.get("code"),
        },
    }
