"""Every ontology term used in code or queries exists in the ontology, and the reverse."""

from __future__ import annotations

import re

from conftest import REPO
from rdflib import Graph

from graph import resources
from graph.vocab import CG, CG_IRI


def ontology_terms() -> set[str]:
    g = Graph().parse(resources.ontology_path(), format="turtle")
    return {str(s)[len(CG_IRI) :] for s in g.subjects() if str(s).startswith(CG_IRI)}


def test_vocab_lists_exactly_the_ontology_terms():
    declared = {name for name in CG.__annotations__}
    assert declared == ontology_terms()


def test_every_term_used_in_code_and_queries_exists():
    known = ontology_terms()
    used: dict[str, set[str]] = {}
    files = list((REPO / "graph").rglob("*.py")) + list((REPO / "graph").rglob("*.rq"))
    files += list((REPO / "ontology").glob("shapes.ttl")) + list((REPO / "scripts").rglob("*.py"))
    for path in files:
        if path.name == "vocab.py":
            continue  # its doctest shows a misspelt term on purpose
        text = path.read_text(encoding="utf-8")
        for term in re.findall(r"\bCG\.([A-Za-z_]\w*)", text) + re.findall(
            r"(?<![\w/#])cg:([A-Za-z_]\w*)", text
        ):
            used.setdefault(term, set()).add(path.name)
    unknown = {term: sorted(where) for term, where in used.items() if term not in known}
    assert not unknown, unknown
    assert len(used) > 30


def test_a_misspelt_term_raises():
    import pytest

    with pytest.raises(AttributeError):
        CG.Rolle  # noqa: B018
