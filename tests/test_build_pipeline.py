"""The built graph holds every fact of every guide, conforms to its shapes, builds atomically."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, GOLDEN, REPO, SEED_ROLE
from rdflib import Graph
from rdflib.compare import isomorphic

from graph import resources
from graph.build.pipeline import (
    build_graph,
    ontology_graph,
    parse_guides,
    validate_folder,
    validate_graph,
)
from graph.errors import GuideError, ValidationError
from graph.guides import parse_file
from graph.guides.triples import guide_graph, role_title_variants
from graph.skills import slugify
from graph.sparql.roles import sparql_iri

SHIPPED = resources.shipped_guides()


def role_iri(title: str) -> str:
    return f"https://w3id.org/careergraph/id/role/{slugify(title)}"


def values(store, query: str, var: str = "v") -> list:
    return [row[var] for row in store.select(query)]


def test_corpus_has_the_seed_and_a_guide_for_every_role_it_names():
    seed = parse_file(
        resources.guides_dir() / "technical-program-manager-infrastructure-delivery.txt"
    )
    titles = {parse_file(p).title for p in SHIPPED}
    named = seed.can_lead_to + seed.transition_opportunities + seed.adjacent_titles
    assert len(named) == 14
    assert set(named) <= titles
    assert len(SHIPPED) == 15


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_fact_of_a_guide_is_a_triple_linked_to_its_role(store, path: Path):
    guide = parse_file(path)
    r = sparql_iri(role_iri(guide.title))
    assert values(store, f"SELECT ?v {{ {r} skos:prefLabel ?v }}") == [guide.title]
    ordered = {
        "responsibilities": f"{r} cg:responsibility ?x . ?x rdfs:label ?v",
        "top_skills": f"{r} cg:skillRequirement ?x . ?x cg:phrase ?v",
        "skill_gaps": f"{r} cg:skillGap ?x . ?x cg:phrase ?v",
        "next_steps": f"{r} cg:nextStep ?x . ?x rdfs:label ?v",
    }
    for key, pattern in ordered.items():
        got = values(store, f"SELECT ?v {{ {pattern} ; cg:position ?n }} ORDER BY ?n")
        assert got == getattr(guide, key), key
    for key, kind in (
        ("can_lead_to", "Progression"),
        ("transition_opportunities", "LateralTransition"),
    ):
        got = values(
            store,
            f"SELECT ?v {{ ?t cg:fromRole {r} ; cg:transitionKind cg:{kind} ; cg:phrase ?v ;"
            " cg:position ?n } ORDER BY ?n",
        )
        assert got == getattr(guide, key), key
    employers = values(store, f"SELECT ?v {{ {r} cg:employer/schema:name ?v }}")
    assert sorted(employers) == sorted(guide.employers)
    sectors = values(store, f"SELECT ?v {{ {r} cg:sector/skos:prefLabel ?v }}")
    assert sorted(sectors) == sorted(guide.sectors)
    adjacent_labels = values(
        store,
        f"SELECT ?v {{ {r} cg:adjacentRole ?a . "
        "{ ?a skos:prefLabel ?v } UNION { ?a skos:altLabel ?v } UNION { ?a skos:hiddenLabel ?v } }",
    )
    assert set(guide.adjacent_titles) <= set(adjacent_labels)
    assert values(store, f"SELECT ?v {{ {r} cg:growthTrend ?v }}") == [guide.growth_trend]
    dev = values(store, f"SELECT ?v {{ {r} cg:developmentSuggestions ?v }}")
    assert dev == ([guide.development_suggestions] if guide.development_suggestions else [])
    bands = store.select(
        f"""SELECT ?level ?min ?max ?cur ?open ?years ?note {{
              {r} cg:salaryBand ?b . ?b schema:name ?level ; schema:minValue ?min ;
              schema:maxValue ?max ; schema:currency ?cur ; cg:openEnded ?open ; cg:position ?n .
              OPTIONAL {{ ?b cg:yearsOfExperience ?years }} OPTIONAL {{ ?b rdfs:comment ?note }}
            }} ORDER BY ?n"""
    )
    got_bands = [
        {
            "level": b["level"],
            "min": b["min"],
            "max": b["max"],
            "currency": b["cur"],
            "open_ended": b["open"],
            "years": b.get("years"),
            "note": b.get("note"),
        }
        for b in bands
    ]
    assert got_bands == [band.__dict__ for band in guide.salary]


def test_the_seed_role_card_gives_back_the_parsed_seed(store):
    from graph.sparql.roles import role_card

    guide = parse_file(
        resources.guides_dir() / "technical-program-manager-infrastructure-delivery.txt"
    )
    card = role_card(store, SEED_ROLE)
    assert card["responsibilities"] == guide.responsibilities
    assert [s["as_written"] for s in card["top_skills"]] == guide.top_skills
    assert [g["as_written"] for g in card["skill_gaps"]] == guide.skill_gaps
    assert [m["as_written"] for m in card["can_lead_to"]] == guide.can_lead_to
    assert [m["as_written"] for m in card["transition_opportunities"]] == (
        guide.transition_opportunities
    )
    assert sorted(card["employers"]) == sorted(guide.employers)
    assert card["next_steps"] == guide.next_steps
    assert [(b["min"], b["max"], b["open_ended"]) for b in card["salary"]] == [
        (115000, 150000, False),
        (150000, 190000, False),
        (190000, 250000, True),
    ]
    assert card["guide"]["origin"] == "seed"


def test_provenance_marks_the_seed_and_authored_guides(store):
    origins = {
        row["file"]: row["origin"]
        for row in store.select(
            "SELECT ?file ?origin { ?g a cg:CareerGuide ; cg:fileName ?file ;"
            " cg:origin/rdfs:label ?origin }"
        )
    }
    assert origins.pop("technical-program-manager-infrastructure-delivery.txt") == "seed"
    assert set(origins.values()) == {"authored"} and len(origins) == 14
    derived = values(
        store,
        "SELECT ?v { ?g cg:origin cg:AuthoredGuide ; prov:wasDerivedFrom ?s . ?s cg:fileName ?v }",
    )
    assert set(derived) == {"technical-program-manager-infrastructure-delivery.txt"}
    unsourced = store.select(
        """SELECT ?x { VALUES ?c { cg:Transition cg:SalaryBand cg:Responsibility cg:NextStep
                                   cg:SkillRequirement cg:SkillGap }
                       ?x a ?c FILTER NOT EXISTS { ?x dcterms:source ?s } }"""
    )
    assert unsourced == []


def test_a_role_named_in_several_guides_is_one_node(store):
    senior = role_iri("Senior/Lead Technical Program Manager")
    labels = values(store, f"SELECT ?v {{ {sparql_iri(senior)} skos:altLabel ?v }}")
    assert {"Senior Technical Program Manager", "Lead Technical Program Manager"} <= set(labels)
    incoming = values(
        store, f"SELECT DISTINCT ?v {{ ?t cg:toRole {sparql_iri(senior)} ; cg:fromRole ?v }}"
    )
    assert SEED_ROLE in incoming
    assert values(store, f"SELECT ?v {{ {sparql_iri(senior)} cg:guide ?v }}")


def test_the_same_skill_in_two_guides_is_one_node(store):
    shared = store.select(
        """SELECT ?skill (COUNT(DISTINCT ?role) AS ?n) {
             ?role cg:requiresSkill ?skill } GROUP BY ?skill HAVING (COUNT(DISTINCT ?role) > 3)"""
    )
    assert len(shared) >= 5
    phrases = store.select(
        """SELECT ?skill (COUNT(DISTINCT ?phrase) AS ?n) {
             ?req cg:skill ?skill ; cg:phrase ?phrase }
           GROUP BY ?skill HAVING (COUNT(DISTINCT ?phrase) > 1)"""
    )
    assert phrases, "no skill concept joins two different phrases"


def test_transitions_carry_the_skills_to_gain(store):
    r = sparql_iri(SEED_ROLE)
    to_gain = values(
        store,
        rf"""SELECT ?v {{ ?t cg:fromRole {r} ;
              cg:toRole cgr:role\/solutions-architect-cloud-platform-focused ;
              cg:skillToGain ?v }}""",
    )
    have = set(values(store, f"SELECT ?v {{ {r} cg:requiresSkill ?v }}"))
    assert to_gain and not (set(to_gain) & have)


def test_the_builtin_graph_conforms_to_its_shapes(builtin_dir):
    violations, triples = validate_folder(builtin_dir)
    assert violations == []
    assert triples > 5000


def test_shapes_catch_a_bad_salary_band_and_a_broken_transition():
    data, _ = guide_graph([parse_file(FIXTURES / "build" / "site-reliability-engineer.txt")])
    bad = data + ontology_graph()
    bad.update(
        """PREFIX cg: <https://w3id.org/careergraph/ontology#>
           PREFIX schema: <https://schema.org/>
           DELETE { ?b schema:minValue ?min } INSERT { ?b schema:minValue 999999 }
           WHERE { ?b a cg:SalaryBand ; schema:minValue ?min ; schema:name "Entry Level" } ;
           INSERT { ?t cg:fromRole <https://w3id.org/careergraph/id/role/x> }
           WHERE { ?t a cg:Transition }"""
    )
    violations = validate_graph(bad)
    assert any("salary minimum must not exceed its maximum" in v for v in violations)
    assert any("exactly one from-role" in v for v in violations)


def test_a_user_guide_joins_the_existing_roles(tmp_path):
    # no SHACL check: test_cli.py builds the same guides with it, and prints "conforms"
    report = build_graph(tmp_path / "g", [FIXTURES / "build"], validate=False)
    assert "site-reliability-engineer.txt" in report.guides
    assert report.counts["roles"] > 15
    assert "Kubernetes operations" in report.new_skills
    from graph.store.local import LocalStore

    store = LocalStore(tmp_path / "g")
    targets = values(
        store,
        "SELECT ?v { ?t cg:fromRole cgr:role\\/site-reliability-engineer ; cg:toRole ?v }",
    )
    assert role_iri("TPM (Cloud/Infra)") in targets
    assert role_iri("Delivery/Operations Leader (Release Management, Reliability)") in targets
    origin = values(
        store, "SELECT ?v { ?g cg:fileName 'site-reliability-engineer.txt' ; cg:origin ?v }"
    )
    assert origin == ["https://w3id.org/careergraph/ontology#UserGuide"]


def test_a_failed_build_leaves_the_previous_graph_as_it_was(tmp_path, built_copy):
    out = built_copy
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    turtle = (out / "graph.ttl").read_bytes()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "broken.txt").write_text("Just a title\nand nothing else\n", encoding="utf-8")
    with pytest.raises(GuideError):
        build_graph(out, [bad])
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    assert (out / "graph.ttl").read_bytes() == turtle


def test_an_invalid_graph_is_not_written(tmp_path, monkeypatch):
    import graph.build.pipeline as build_module

    monkeypatch.setattr(build_module, "validate_graph", lambda g: ["x: y: broken"])
    with pytest.raises(ValidationError, match="1 violations"):
        build_graph(tmp_path / "g")
    assert not (tmp_path / "g" / "manifest.json").exists()


def test_two_user_guides_for_one_role_are_an_error(tmp_path):
    for name in ("a.txt", "b.txt"):
        shutil.copy(FIXTURES / "build" / "site-reliability-engineer.txt", tmp_path / name)
    with pytest.raises(GuideError, match="also the title of"):
        parse_guides([tmp_path])


@pytest.mark.parametrize(
    ("title", "variants"),
    [
        (
            "Principal/Staff Technical Program Manager",
            ["Principal Technical Program Manager", "Staff Technical Program Manager"],
        ),
        (
            "Delivery/Operations Leader (Release Management, Reliability)",
            [
                "Delivery Leader (Release Management, Reliability)",
                "Operations Leader (Release Management, Reliability)",
            ],
        ),
        ("Solutions Architect (cloud/platform-focused)", []),
        ("Release Program Manager", []),
    ],
)
def test_role_title_variants(title, variants):
    assert role_title_variants(title) == variants


def test_small_graph_matches_the_golden_turtle():
    data, _ = guide_graph([parse_file(FIXTURES / "build" / "site-reliability-engineer.txt")])
    golden = Graph().parse(GOLDEN / "site-reliability-engineer.ttl", format="turtle")
    assert isomorphic(data, golden)


def test_build_report_is_json_serialisable(tmp_path):
    report = build_graph(tmp_path / "g", validate=False)  # the SHACL check is tested above
    assert json.loads(json.dumps(report.to_dict()))["counts"]["roles"] == report.counts["roles"]


def _with_education(section: str) -> str:
    text = (FIXTURES / "build" / "site-reliability-engineer.txt").read_text(encoding="utf-8")
    return text.replace("Salary & Demand", section + "Salary & Demand", 1)


def test_a_guide_education_section_becomes_preparation():
    from graph.guides.parser import parse_text
    from graph.vocab import CG

    guide = parse_text(
        _with_education(
            "Education & Certifications\nEducation: Bachelor's degree in computer science or "
            "equivalent experience\n- Certification: CKA (Certified Kubernetes Administrator)\n"
            "- State engineering licence\n"
        ),
        "sre.txt",
    )
    assert guide.education.startswith("Bachelor's degree")
    assert guide.certifications == [
        "CKA (Certified Kubernetes Administrator)",
        "State engineering licence",
    ]
    assert guide.to_dict()["certifications"] == guide.certifications
    data, _ = guide_graph([guide])
    roles = {s for s, _ in data.subject_objects(CG.credential)}
    assert len(roles) == 1
    role = roles.pop()
    from graph.vocab import SCHEMA

    assert data.value(role, SCHEMA.educationRequirements) == CG.BachelorDegree
    categories = sorted(
        str(data.value(c, SCHEMA.credentialCategory)) for c in data.objects(role, CG.credential)
    )
    assert categories == ["certification", "licence"]
    assert validate_graph(data + ontology_graph()) == []


def test_guides_without_the_section_keep_their_json():
    guide = parse_file(FIXTURES / "build" / "site-reliability-engineer.txt")
    assert "education" not in guide.to_dict() and "certifications" not in guide.to_dict()
    assert not any("Education" in w for w in guide.warnings)


def test_salary_band_years_become_experience_requirements(store):
    rows = store.select(
        f"""SELECT ?level ?min ?max ?months WHERE {{
          {sparql_iri(role_iri("Director of Technical Program Management"))}
              schema:experienceRequirements ?x .
          ?x cg:experienceLevel/skos:prefLabel ?level ; cg:minYears ?min ;
             schema:monthsOfExperience ?months .
          OPTIONAL {{ ?x cg:maxYears ?max }} }} ORDER BY ?min"""
    )
    got = [
        (r["level"], int(r["min"]), r.get("max") and int(r["max"]), int(r["months"])) for r in rows
    ]
    assert got == [
        ("Entry Level", 10, 15, 120),
        ("Mid Level", 12, 18, 144),
        ("Senior Level", 15, None, 180),
    ]


_FIRST_COMMAND = """
import json, sys, time
import graph.build.pipeline as pipeline
from graph.build.builtin import builtin_graph_dir

build = pipeline.build_graph


def slow_build(**kwargs):
    time.sleep(1.5)  # both processes are past their first look for the graph by then
    return build(**kwargs)


pipeline.build_graph = slow_build
path = builtin_graph_dir()
print(json.loads((path / "manifest.json").read_text())["build_id"])
"""


def test_two_first_commands_at_once_build_the_builtin_graph_once(tmp_path: Path) -> None:
    # a second build would replace the first one's build id while the first command reads it
    env = {**os.environ, "CAREERGRAPH_CACHE": str(tmp_path / "cache")}
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _FIRST_COMMAND],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    seen = [run.communicate(timeout=300)[0].strip() for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    built = list((tmp_path / "cache").glob("builtin-*/manifest.json"))
    assert len(built) == 1
    assert seen == [json.loads(built[0].read_text())["build_id"]] * 2
