"""Role names resolve as a person types them."""

from __future__ import annotations

import networkx as nx
import pytest
from conftest import SEED_ROLE

from graph.errors import AmbiguousRoleError, UnknownRoleError
from graph.projection.queries import label_key
from graph.projection.resolve import resolve_role, suggest_roles


@pytest.mark.parametrize(
    "typed",
    [
        "Technical Program Manager (Infrastructure & Delivery)",
        "technical program manager (infrastructure and delivery)",
        "Technical Program Manager",
        "TPM",
        "tpm",
        "technical-program-manager-infrastructure-delivery",
        SEED_ROLE,
        "Tecnical Program Manager (Infrastructure & Delivery)",
    ],
)
def test_the_seed_role_resolves(projection, typed):
    assert resolve_role(projection, typed) == SEED_ROLE


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("Senior TPM", "Senior/Lead Technical Program Manager"),
        ("Lead Technical Program Manager", "Senior/Lead Technical Program Manager"),
        ("staff tpm", "Principal/Staff Technical Program Manager"),
        ("Director of Technical Program Management", "Director of Technical Program Management"),
        ("Solutions Architect", "Solutions Architect (cloud/platform-focused)"),
        ("Head of Technical Programs", "Infrastructure Program Lead / Head of Technical Programs"),
        ("TPM (Cloud/Infra)", "TPM (Cloud/Infra)"),
    ],
)
def test_titles_aliases_and_abbreviations(projection, typed, label):
    assert projection.nodes[resolve_role(projection, typed)]["label"] == label


def test_unknown_role_suggests_three_names(projection):
    with pytest.raises(UnknownRoleError) as info:
        resolve_role(projection, "Astronaut")
    assert len(info.value.suggestions) == 3
    assert str(info.value).startswith("Unknown role 'Astronaut'. Did you mean: ")


def test_typo_suggestions_name_the_intended_role(projection):
    assert suggest_roles(projection, "Directer of Technical Program Managment", 1) == [
        "Director of Technical Program Management"
    ]


def test_an_ambiguous_name_lists_its_candidates(projection):
    with pytest.raises(AmbiguousRoleError) as info:
        resolve_role(projection, "Director of")
    assert "Director of Technical Program Management" in info.value.candidates
    assert "Director of Engineering" in info.value.candidates


def test_empty_name_is_unknown(projection):
    with pytest.raises(UnknownRoleError):
        resolve_role(projection, "   ")


def onet_like() -> nx.DiGraph:
    """A small projection with O*NET-style list titles and shared alternate titles."""
    P = nx.DiGraph()
    roles = {
        "clerks": ["Bookkeeping, Accounting, and Auditing Clerks", "Bookkeeper"],
        "rn": ["Registered Nurses", "Registered Nurse", "Staff Nurse"],
        "midwife": ["Nurse Midwives", "Registered Nurse"],
        "teachers": ["Business Teachers, Postsecondary"],
        "farmers": ["Farmers, Ranchers, and Other Agricultural Managers"],
        "analysts": ["Financial and Investment Analysts"],
    }
    index: dict[str, set[str]] = {}
    for role, labels in roles.items():
        P.add_node(role, label=labels[0], labels=labels)
        for label in labels:
            index.setdefault(label_key(label), set()).add(role)
    P.graph["label_index"] = index
    return P


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        ("Bookkeeping clerks", "clerks"),
        ("bookkeeping clerk", "clerks"),
        ("Clerks, bookkeeping", "clerks"),
        ("Accounting clerk", "clerks"),
        ("Auditing Clerks", "clerks"),
        ("Bookkeepers", "clerks"),
        ("Registered nurse", "rn"),  # an alternate title of two roles, the label of one
        ("nurses registered", "rn"),
        ("Postsecondary business teacher", "teachers"),
        ("Business teacher", "teachers"),
        ("Rancher", "farmers"),
        ("Investment and financial analyst", "analysts"),
    ],
)
def test_plurals_word_order_and_list_titles_resolve(typed, role):
    assert resolve_role(onet_like(), typed) == role


def test_an_unknown_name_still_gets_three_suggestions():
    with pytest.raises(UnknownRoleError) as info:
        resolve_role(onet_like(), "Astronaut")
    assert len(info.value.suggestions) == 3
