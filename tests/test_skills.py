"""The skill vocabulary maps phrases to shared concepts, and covers the shipped corpus."""

from __future__ import annotations

import pytest

from graph import resources
from graph.guides import parse_file
from graph.skills import SkillConcept, SkillVocabulary, core, normalize

VOCAB = [
    SkillConcept("risk-management", "Risk management", ["Risk management and problem solving"]),
    SkillConcept("incident-management", "Incident management", ["Incident response"]),
]


@pytest.mark.parametrize(
    ("phrase", "concept", "how"),
    [
        ("Risk management", "risk-management", "label"),
        ("risk MANAGEMENT", "risk-management", "label"),
        ("Risk management and problem solving", "risk-management", "alias"),
        ("Incident response (on-call, paging)", "incident-management", "core"),
        ("Incident managment", "incident-management", "fuzzy"),
        ("Capacity planning", "capacity-planning", "new"),
    ],
)
def test_match(phrase, concept, how):
    match = SkillVocabulary(list(VOCAB)).match(phrase)
    assert (match.concept.id, match.how) == (concept, how)


def test_distinct_skills_stay_distinct():
    vocab = SkillVocabulary(list(VOCAB))
    assert vocab.match("Risk management").concept is not vocab.match("Incident management").concept


def test_new_phrases_are_one_concept_and_reported():
    vocab = SkillVocabulary(list(VOCAB))
    first = vocab.match("Kubernetes operations (EKS)")
    again = vocab.match("Kubernetes operations")
    assert first.concept is again.concept
    assert [c.label for c in vocab.new_concepts] == ["Kubernetes operations"]


def test_normalize_and_core():
    assert normalize("CI/CD & Release") == "ci cd and release"
    assert core("Technical documentation (decision records, runbooks)") == "technical documentation"


def test_shipped_vocabulary_has_no_label_in_two_concepts():
    vocab = SkillVocabulary.load()
    owners: dict[str, str] = {}
    for concept in vocab.concepts.values():
        for text in {normalize(t) for t in [concept.label, *concept.alt_labels]}:
            assert owners.setdefault(text, concept.id) == concept.id, text


@pytest.mark.parametrize("path", resources.shipped_guides(), ids=lambda p: p.stem)
def test_every_skill_phrase_of_the_corpus_is_in_the_vocabulary(path):
    vocab = SkillVocabulary.load()
    guide = parse_file(path)
    for phrase in guide.top_skills + guide.skill_gaps:
        assert vocab.match(phrase).how in {"label", "alias"}, phrase
