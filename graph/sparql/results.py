"""SPARQL results as people read them: short IRIs, one binding as text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.namespaces import PREFIXES

__all__ = ["shorten_iri", "binding_text"]


def shorten_iri(iri: str) -> str:
    """Write an IRI with a known prefix when one fits.

    Examples
    --------
    >>> shorten_iri("https://w3id.org/careergraph/id/role/technical-program-manager")
    'cgr:role/technical-program-manager'
    >>> shorten_iri("http://example.org/x")
    '<http://example.org/x>'
    """
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        return f"{best}:{iri[len(PREFIXES[best]) :]}"
    return f"<{iri}>"


def binding_text(binding: Mapping[str, Any] | None) -> str:
    if not binding:
        return ""
    kind = binding.get("type")
    value = str(binding.get("value", ""))
    if kind == "uri":
        return shorten_iri(value)
    if kind == "bnode":
        return "_:" + value
    if kind == "triple":
        parts = binding["value"]
        inner = " ".join(binding_text(parts[k]) for k in ("subject", "predicate", "object"))
        return f"<< {inner} >>"
    if binding.get("xml:lang"):
        return f"{value} @{binding['xml:lang']}"
    return value
