"""Role and skill labels as route answers show them (graph.routes.memo)."""

from __future__ import annotations

import networkx as nx
from hypothesis import example, given, settings
from hypothesis import strategies as st

from graph.routes.memo import _skill_by_label, _skill_labels

_LABELS = st.sampled_from(["Python", "Python (skill)", "Mathematics", "Java (x)", "Java", "a (b"])


@st.composite
def _skill_tables(draw: st.DrawFn) -> nx.DiGraph:
    """Skills whose labels repeat, with and without a type, some looking like a label with one."""
    P = nx.DiGraph()
    skills = {}
    for i in range(draw(st.integers(0, 8))):
        info = {"label": draw(_LABELS), "type": draw(st.sampled_from(["skill", "knowledge", ""]))}
        skills[f"urn:s{i}"] = info
    P.graph["skills"] = skills
    return P


@settings(max_examples=300, deadline=None)
@given(P=_skill_tables(), wanted=st.lists(_LABELS | st.just("Python (skill) (knowledge)")))
@example(
    P=nx.DiGraph(
        skills={
            "urn:a": {"label": "Python (skill)", "type": ""},
            "urn:b": {"label": "Python", "type": "skill"},
            "urn:c": {"label": "Python", "type": "skill"},
        }
    ),
    wanted=["Python (skill)"],
)
def test_a_skill_is_found_by_its_label_as_a_map_of_every_label_finds_it(
    P: nx.DiGraph, wanted: list[str]
) -> None:
    # the plain computation: every skill labelled, the last of a label kept
    skills = list(P.graph["skills"])
    every = dict(zip(_skill_labels(P.copy(), skills), skills, strict=True))
    assert [_skill_by_label(P, label) for label in wanted] == [every.get(w) for w in wanted]
