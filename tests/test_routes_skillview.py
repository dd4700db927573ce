"""Which skills a step shows, how levels read in words, which technologies count."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.routes.skillview import (
    GENERIC_MIN,
    SHOW_SKILLS,
    SHOW_TECHNOLOGY,
    level_words,
    rank_skills,
    select_skills,
    useful_technology,
)

ANCHORS = {
    "mon": [
        (2.0, "Proofread and correct a letter"),
        (4.0, "Monitor a meeting"),
        (6.0, "Review corporate productivity"),
    ],
}


def projection() -> nx.DiGraph:
    """Cashiers -> Tellers in miniature: rated skills, a generic and a specific technology."""
    P = nx.DiGraph()
    P.graph["skills"] = {
        "mon": {"label": "Monitoring", "type": "skill"},
        "math-s": {"label": "Mathematics", "type": "skill"},
        "math-k": {"label": "Mathematics", "type": "knowledge"},
        "speak": {"label": "Speaking", "type": "skill"},
        "guide": {"label": "Cash handling", "type": "skill"},
        "outlook": {"label": "Microsoft Outlook", "type": "technology"},
        "teller": {"label": "TellerPro", "type": "technology"},
        "plain": {"label": "Freedomware", "type": "technology"},
    }
    P.graph["level_anchors"] = ANCHORS
    flags = {"importance": None, "level": None, "hot": True, "in_demand": True}
    for n in range(GENERIC_MIN):
        P.add_node(f"o{n}", skills={"outlook": dict(flags)})
    P.add_node(
        "cashier",
        skills={
            "mon": {"importance": 3.0, "level": 2.38},
            "speak": {"importance": 3.5, "level": 3.0},
        },
    )
    P.add_node(
        "teller",
        skills={
            "mon": {"importance": 3.5, "level": 4.25},  # rises 1.87: score 6.55
            "math-s": {"importance": 3.0, "level": 3.0},  # new: 9.0
            "math-k": {"importance": 4.0, "level": 1.0},  # new: 4.0
            "speak": {"importance": 4.0, "level": 3.0},
            "guide": {"importance": None, "level": None},
            "outlook": dict(flags),
            "teller": {**flags, "hot": False},
            "plain": {**flags, "hot": False, "in_demand": False},
        },
    )
    return P


def test_levels_read_as_the_nearest_anchor():
    P = projection()
    assert level_words(P, "mon", 4.25) == '"Monitor a meeting"'
    assert level_words(P, "mon", 2.9) == '"Proofread and correct a letter"'
    assert level_words(P, "mon", 7.0) == '"Review corporate productivity"'
    assert level_words(P, "mon", 0.5) == 'less than "Proofread and correct a letter"'
    assert level_words(P, "mon", None) is None
    assert level_words(P, "speak", 3.0) is None  # no anchors in the graph: no words


def test_generic_and_unflagged_technology_is_not_worth_learning():
    P = projection()
    assert useful_technology(P, "teller", ["outlook", "teller", "plain"]) == ["teller"]
    # a graph read before the flags existed keeps what it cannot judge, minus the generic
    for rating in P.nodes["teller"]["skills"].values():
        rating.pop("hot", None), rating.pop("in_demand", None)
    P2 = P.copy()
    assert useful_technology(P2, "teller", ["outlook", "teller", "plain"]) == ["plain", "teller"]


def test_skills_rank_by_importance_times_gap_with_words():
    P = projection()
    ranked = rank_skills(
        P,
        "cashier",
        "teller",
        ["mon", "math-k", "math-s", "guide", "teller"],
        {"mon": (2.38, 4.25)},
    )
    assert [r["id"] for r in ranked] == ["guide", "math-s", "mon", "math-k", "teller"]
    mon = ranked[2]
    assert mon["score"] == pytest.approx(3.5 * (4.25 - 2.38), abs=0.01)
    assert (mon["from_words"], mon["to_words"]) == (
        '"Proofread and correct a letter"',
        '"Monitor a meeting"',
    )
    assert ranked[1]["from_level"] == 0.0 and ranked[1]["from_words"] is None  # new: from 0
    assert ranked[0]["score"] is None  # a guide's skill is unrated


def test_a_long_list_shows_the_few_that_matter_most():
    ranked = [{"skill": f"s{n}", "type": "skill"} for n in range(30)]
    ranked += [{"skill": f"t{n}", "type": "technology"} for n in range(5)]
    shown = select_skills(ranked)
    assert [r["skill"] for r in shown] == [f"s{n}" for n in range(SHOW_SKILLS)] + [
        f"t{n}" for n in range(SHOW_TECHNOLOGY)
    ]
    assert 5 <= len(shown) <= 8
    # without technologies, their room goes to skills
    assert len(select_skills(ranked[:30])) == SHOW_SKILLS + SHOW_TECHNOLOGY
    assert select_skills(ranked[:3]) == ranked[:3]


def test_a_widely_listed_technology_counts_where_the_target_demands_it():
    """SQL: listed by many occupations, but In Demand for data roles."""
    P = nx.DiGraph(skills={"sql": {"label": "SQL", "type": "technology"}})
    hot = {"importance": None, "level": None, "hot": True, "in_demand": False}
    for n in range(100):  # 20 of 100 occupations list SQL
        P.add_node(f"o{n}", skills={"sql": dict(hot)} if n < 20 else {"x": {}})
    P.graph["skills"]["x"] = {"label": "X", "type": "technology"}
    P.add_node("analyst", skills={"sql": {**hot, "in_demand": True}})
    P.add_node("clerk", skills={"sql": dict(hot)})
    assert useful_technology(P, "analyst", ["sql"]) == ["sql"]
    assert useful_technology(P, "clerk", ["sql"]) == []


def test_a_hot_technology_of_a_kind_most_occupations_list_is_generic():
    """Apple Safari: few occupations name it, but most name some web browser."""
    P = nx.DiGraph(
        skills={
            "safari": {"label": "Apple Safari", "type": "technology", "class": "browsers"},
            "chrome": {"label": "Google Chrome", "type": "technology", "class": "browsers"},
            "jira": {"label": "Atlassian JIRA", "type": "technology", "class": "project"},
        }
    )
    hot = {"importance": None, "level": None, "hot": True, "in_demand": False}
    for n in range(20):  # 12 of 20 list a browser; one names Safari
        P.add_node(
            f"o{n}",
            skills={"chrome" if n else "safari": dict(hot)} if n < 12 else {"jira": dict(hot)},
        )
    P.add_node("target", skills={"safari": dict(hot), "jira": dict(hot)})
    assert useful_technology(P, "target", ["safari", "jira"]) == ["jira"]
    # in demand for the target, it counts whatever its kind
    P.nodes["target"]["skills"]["safari"]["in_demand"] = True
    assert useful_technology(P.copy(), "target", ["safari", "jira"]) == ["safari", "jira"]
