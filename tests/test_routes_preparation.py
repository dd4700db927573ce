"""Preparation: education levels as people type them, typical categories, the preparation delta."""

from __future__ import annotations

import pytest

from graph.errors import UsageError
from graph.levels import EDUCATION, education_rank, isco_skill_level, typical_category, years_text
from graph.routes.preparation import (
    Standing,
    burden,
    is_step_down,
    prep_delta,
    prep_lines,
    route_prep,
    step_burden,
)


@pytest.mark.parametrize(
    ("text", "rank"),
    [
        ("high school", 2),
        ("GED", 2),
        ("associate", 5),
        ("Associate's degree", 5),
        ("bachelor", 6),
        ("Bachelors", 6),
        ("masters", 8),
        ("Master's", 8),
        ("MBA", 8),
        ("phd", 11),
        ("PhD", 11),
        ("professional", 10),
        ("JD", 10),
        ("post-doctoral training", 12),
    ],
)
def test_education_as_people_type_it(text: str, rank: int) -> None:
    assert education_rank(text) == rank


def test_unknown_education_lists_the_levels() -> None:
    with pytest.raises(UsageError) as err:
        education_rank("wizard school")
    assert str(err.value).startswith(
        "Unknown education level 'wizard school' in --education. Use one of: "
    )
    assert "masters" in str(err.value)


def test_education_table_matches_the_ontology() -> None:
    from rdflib import Graph

    from graph import resources
    from graph.vocab import CG

    g = Graph().parse(resources.ontology_path(), format="turtle")
    for rank, (term, _label, low, high) in EDUCATION.items():
        node = CG[term]
        assert int(g.value(node, CG.rank)) == rank
        assert float(g.value(node, CG.minYears)) == low
        assert float(g.value(node, CG.maxYears)) == high


def test_typical_category_is_the_median_respondent() -> None:
    # 49% below category 6, so the median respondent is in 6 although 8 has the most
    assert typical_category({2: 20.0, 5: 29.0, 6: 10.0, 8: 41.0}) == 6
    assert typical_category({1: 100.0}) == 1


RN = {"education": 6, "experience": (1.0, 2.0), "zone": 3}
NP = {"education": 8, "experience": (2.0, 4.0), "zone": 5, "training": "over 1 month"}
PHYSICIAN = {"education": 12, "experience": (2.0, 4.0), "zone": 5}


def test_prep_delta_education_and_experience() -> None:
    d = prep_delta(RN, NP)
    assert (d["education_from"], d["education_to"]) == ("Bachelor's degree", "Master's degree")
    assert d["education_years"] == [1.0, 2.0]
    assert d["experience_expected"] == [2.0, 4.0]
    assert d["experience_years"] == [1.0, 3.0]  # someone in RN has its 1 year at least
    assert d["years_to_ready"] == [2.0, 5.0]
    assert d["training"] == "over 1 month"
    assert (d["job_zone_from"], d["job_zone_to"]) == (3, 5)
    assert "1-2 yrs of study" in d["basis"]


def test_standing_shrinks_the_delta() -> None:
    assert prep_delta(RN, NP, Standing(education=8))["education_years"] == [0.0, 0.0]
    assert prep_delta(RN, NP, Standing(years=3))["experience_years"] == [0.0, 1.0]
    # a person with less than the role's typical education is told so
    less = prep_delta(RN, NP, Standing(education=2))
    assert less["education_from"] == "High school diploma or equivalent"
    assert less["education_years"] == [5.0, 6.0]


def test_years_of_medical_school_outweigh_a_masters() -> None:
    assert burden(prep_delta(RN, PHYSICIAN)) > 2 * burden(prep_delta(RN, NP))


def test_credentials_are_listed_and_held_ones_dropped() -> None:
    lawyer = {"education": 10, "credentials": ["Bar exam"]}
    assert prep_delta({"education": 6}, lawyer)["credentials"] == ["Bar exam"]
    held = prep_delta({"education": 6}, lawyer, Standing(credentials=frozenset({"bar exam"})))
    assert held["credentials"] == []


def test_no_data_says_so() -> None:
    d = prep_delta({}, {})
    assert d["years_to_ready"] is None
    assert d["basis"] == "no preparation data for these roles"


def test_step_downs() -> None:
    assert is_step_down({"zone": 3}, {"zone": 2})
    assert not is_step_down({"zone": 2}, {"zone": 4})
    assert is_step_down({"isco": 4}, {"isco": 2})
    assert not is_step_down({"education": 6}, {"education": 5})
    assert is_step_down({"education": 8}, {"education": 5})


def test_isco_skill_levels() -> None:
    assert [isco_skill_level(c) for c in ("2221", "3251", "5321", "9112", "1330", "1411")] == [
        4,
        3,
        2,
        1,
        4,
        3,
    ]


def test_route_prep_is_start_to_finish() -> None:
    # the most demanding role on the route, asked of the start: HS -> bachelor = 4 years
    r = route_prep([{"education": 2}, {"education": 6}, {"education": 5}])
    assert r["education_years"] == [4.0, 4.0]
    assert r["education_to"] == "Bachelor's degree"


def test_prep_lines_and_years_text() -> None:
    assert prep_lines(prep_delta(RN, NP)) == [
        "Bachelor's degree -> Master's degree",
        "2-4 yrs related experience",
        "Job Zone 3 -> 5",
        "ready in 2-5 yrs",
    ]
    assert years_text((0.25, 0.5)) == "3-6 months"
    assert years_text((7, None)) == "7+ yrs"


def test_the_same_isco_skill_level_in_another_field_may_ask_study_of_its_own() -> None:
    """ESCO knows only the skill level: nurse (2221) and pharmacist (2262) are both level 4,
    but a nurse is not ready to be a pharmacist in no time; a specialist nurse (2221) is."""
    nurse = {"isco": 4, "isco_group": "2221"}
    pharmacist = {"isco": 4, "isco_group": "2262", "regulated": True}
    specialist = {"isco": 4, "isco_group": "2221"}
    far = prep_delta(nurse, pharmacist)
    assert far["years_to_ready"] == [0.0, 6.0]
    assert far["basis"].startswith(
        "ISCO skill level 4 in another occupation group (222 -> 226): up to 6 yrs of study"
    )
    assert "a licence may be needed" in far["basis"]
    assert prep_lines(far)[0] == "study in the new field, up to 0-6 yrs"
    assert prep_delta(nurse, specialist)["years_to_ready"] == [0.0, 0.0]
    # levels 1-2 ask no study of their own, whatever the field
    assert prep_delta({"isco": 2, "isco_group": "5223"}, {"isco": 2, "isco_group": "9112"})[
        "years_to_ready"
    ] == [0.0, 0.0]


#: preparations of every kind the delta reads: rated or estimated education, Job Zone only,
#: ISCO level and group only, experience with or without a top, credentials, nothing
PREPS = [
    {"education": 6, "experience": (1, 2), "zone": 3},
    {"education": 8, "experience": (2, 4), "zone": 5, "credentials": ["licence"]},
    {"education": 12, "education_estimated": True, "zone": 5, "experience": (7, None)},
    {"zone": 2, "experience_held": 3.0},
    {"zone": 4},
    {"isco": 4, "isco_group": "2221"},
    {"isco": 4, "isco_group": "2262", "regulated": True},
    {"isco": 2, "isco_group": "5223", "experience": (0.5, 1)},
    {},
]


@pytest.mark.parametrize(
    "standing",
    [None, Standing(education=8, years=5), Standing(years=0), Standing(education=2)],
)
def test_step_burden_is_the_burden_of_the_whole_delta(standing: Standing | None) -> None:
    """Route search weighs a step's preparation without building its text: the same figure."""
    for src in PREPS:
        for dst in PREPS:
            delta = prep_delta(src, dst, standing)
            expected = burden(delta) if delta["years_to_ready"] else 0.0
            assert step_burden(src, dst, standing) == expected, (src, dst)
