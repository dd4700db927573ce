"""The IRIs and prefixes of careergraph as plain strings (no rdflib import, so it is cheap).

:mod:`graph.vocab` re-exports these beside the rdflib ``DefinedNamespace``.
"""

from __future__ import annotations

import re

__all__ = ["CG_IRI", "ID_IRI", "PREFIXES", "sparql_prologue"]

#: the ontology's namespace
CG_IRI = "https://w3id.org/careergraph/ontology#"
#: the namespace of the data: roles, skills, transitions, ...
ID_IRI = "https://w3id.org/careergraph/id/"

#: prefixes declared for every SPARQL query and used when writing Turtle
PREFIXES: dict[str, str] = {
    "cg": CG_IRI,
    "cgr": ID_IRI,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
}


def sparql_prologue(query: str = "") -> str:
    """Return ``PREFIX`` lines for every prefix in :data:`PREFIXES` the query does not declare.

    Examples
    --------
    >>> "PREFIX cg: <https://w3id.org/careergraph/ontology#>" in sparql_prologue("SELECT * {}")
    True
    """
    declared = {m.lower() for m in re.findall(r"(?i)PREFIX\s+([A-Za-z_][\w-]*)?:", query)}
    return "".join(
        f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p.lower() not in declared
    )
