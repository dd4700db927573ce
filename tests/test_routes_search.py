"""Route search, skill deltas, next moves, gaps and similar roles on small hand-made projections."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.errors import NoRouteError, UnknownRoleError, UsageError
from graph.projection.similarity import SimilarityModel
from graph.routes.deltas import SkillDelta, salary_change, skill_delta, step_cost
from graph.routes.have import resolve_skills, split_have
from graph.routes.next import next_moves
from graph.routes.reports import gap_report, next_report, path_report, similar_report
from graph.routes.search import _all_suggestions, _suggestions, k_routes, routing_graph
from graph.routes.weights import Weights, parse_weights

SKILLS = {
    "plan": "Program planning",
    "comm": "Stakeholder communication",
    "risk": "Risk management",
    "exec": "Executive communication",
    "people": "People management",
    "budget": "Budgeting",
    "cloud": "Cloud architecture",
    "sales": "Pre-sales",
}


def model_of(pairs: dict[tuple[str, str], float], roles: list[str]) -> SimilarityModel:
    """A similarity model from symmetric pair scores (unlisted pairs score 0)."""
    roles = sorted(roles)
    index = {r: i for i, r in enumerate(roles)}
    score = np.zeros((len(roles), len(roles)), dtype=np.float32)
    for (a, b), s in pairs.items():
        score[index[a], index[b]] = score[index[b], index[a]] = s
    np.fill_diagonal(score, -1)
    order = np.argsort(-score, axis=1, kind="stable")[:, : len(roles) - 1]
    rows = np.arange(len(roles))[:, None]
    kept = score[rows, order]
    # like the real model: -1 pads a row after its last role with a positive score
    neighbours = np.where(kept > 0, order, -1).astype(np.int32)
    return SimilarityModel(roles, index, neighbours, np.clip(kept, 0, 1))


def add_role(P: nx.DiGraph, name: str, skills: dict[str, dict], mid: float | None, **extra):
    P.add_node(
        name,
        label=name.title(),
        labels=[name.title()],
        skills=skills,
        gaps=set(extra.pop("gaps", ())),
        midpoint=mid,
        currency=extra.pop("currency", "USD" if mid is not None else None),
        **extra,
    )


def unrated(*names: str) -> dict[str, dict]:
    return {n: {"importance": None, "level": None} for n in names}


@pytest.fixture
def P() -> nx.DiGraph:
    """tpm -> senior -> director (curated), tpm -> director (curated, stored skills),
    tpm -> pm (curated, pm has no profile); sa and island only reachable by similarity."""
    P = nx.DiGraph()
    P.graph["skills"] = {k: {"label": v, "type": "skill"} for k, v in SKILLS.items()}
    P.graph["skills"]["comm"]["labels"] = ["Stakeholder management"]
    add_role(P, "tpm", unrated("plan", "comm", "risk"), 170000.0, gaps={"cloud", "risk"})
    add_role(P, "senior", unrated("plan", "comm", "risk", "exec"), 220000.0)
    add_role(
        P,
        "director",
        unrated("plan", "comm", "exec", "people", "budget"),
        310000.0,
        gaps={"budget"},
    )
    add_role(P, "sa", unrated("cloud", "comm", "sales"), 175000.0, gaps={"sales"})
    add_role(P, "pm", {}, None)
    add_role(P, "island", unrated("sales"), 100000.0)
    P.add_edge("tpm", "senior", kind="progression", skills_to_gain=[])
    P.add_edge("senior", "director", kind="progression", skills_to_gain=[])
    P.add_edge("tpm", "director", kind="progression", skills_to_gain=["exec", "people", "budget"])
    P.add_edge("tpm", "pm", kind="transition", skills_to_gain=[])
    P.graph["similarity"] = model_of(
        {
            ("tpm", "sa"): 0.4,
            ("senior", "sa"): 0.3,
            ("tpm", "senior"): 0.8,
            ("senior", "director"): 0.6,
            ("tpm", "director"): 0.5,
            ("island", "sa"): 0.1,
        },
        list(P),
    )
    P.graph["label_index"] = {n: {n} for n in P}
    return P


# --- weights ---------------------------------------------------------------


def test_weights_prefer_curated_moves():
    w = Weights()
    assert w.progression < w.transition < w.suggested


@pytest.mark.parametrize(
    "items, message",
    [
        (["skill"], "--weight skill: expected NAME=VALUE, e.g. --weight skill=0.5."),
        (["skill=-1"], "--weight skill=-1: the value must be a number >= 0."),
        (["skill=abc"], "--weight skill=abc: the value must be a number >= 0."),
        (
            ["nope=1"],
            "Unknown weight 'nope' in --weight nope=1. Known weights: progression, "
            "transition, suggested, skill, unknown, salary_drop, suggest_top, suggest_min, "
            "min_importance, level_rise, next_progression, next_transition, next_salary, "
            "next_salary_drop, prep_year, next_prep.",
        ),
    ],
)
def test_parse_weights_rejects(items, message):
    with pytest.raises(UsageError) as err:
        parse_weights(items)
    assert str(err.value) == message


def test_parse_weights_overrides():
    w = parse_weights(["skill=0.5", "salary-drop=0", "suggested=4"])
    assert (w.skill, w.salary_drop, w.suggested, w.transition) == (0.5, 0.0, 4.0, 1.5)


# --- skill deltas ------------------------------------------------------------


def test_delta_uses_stored_skills_of_a_curated_move(P):
    d = skill_delta(P, "tpm", "director")
    assert d.curated and set(d.to_gain) == {"exec", "people", "budget"}
    assert set(d.kept) == {"plan", "comm"}


def test_delta_computed_from_profiles(P):
    d = skill_delta(P, "senior", "director")
    assert not d.curated and not d.unknown
    assert set(d.to_gain) == {"people", "budget"}
    assert set(d.kept) == {"plan", "comm", "exec"}


def test_delta_unknown_without_profile(P):
    d = skill_delta(P, "tpm", "pm")
    assert d == SkillDelta(unknown=True)


def test_delta_level_aware():
    P = nx.DiGraph()
    add_role(
        P,
        "a",
        {"x": {"importance": 4.0, "level": 3.0}, "y": {"importance": 4.0, "level": 4.0}},
        None,
    )
    add_role(
        P,
        "b",
        {
            "x": {"importance": 4.0, "level": 4.5},  # rises by 1.5 -> gain
            "y": {"importance": 4.0, "level": 4.8},  # rises by 0.8 -> kept
            "z": {"importance": 3.0, "level": 2.0},  # new and important -> gain
            "w": {"importance": 2.9, "level": 6.0},
        },
        None,
    )  # new, minor -> ignored
    d = skill_delta(P, "a", "b")
    assert d.to_gain == ("x", "z")
    assert d.kept == ("y",)
    assert d.levels == {"x": (3.0, 4.5)}
    assert skill_delta(P, "a", "b", Weights(min_importance=2.0)).to_gain == ("x", "z", "w")
    # most important first, then highest level
    assert skill_delta(P, "a", "b", Weights(level_rise=0.5)).to_gain == ("y", "x", "z")


def test_min_importance_applies_to_level_rises_and_stored_skills():
    """Cashiers -> Tellers: a level rise of a skill the target rates 1.88 of 5 is not to gain."""
    P = nx.DiGraph()
    add_role(
        P,
        "a",
        {"qca": {"importance": 1.38, "level": 0.38}, "mon": {"importance": 3.0, "level": 2.0}},
        None,
    )
    add_role(
        P,
        "b",
        {"qca": {"importance": 1.88, "level": 1.5}, "mon": {"importance": 4.0, "level": 4.25}},
        None,
    )
    assert skill_delta(P, "a", "b").to_gain == ("mon",)
    assert skill_delta(P, "a", "b", Weights(min_importance=1.5)).to_gain == ("mon", "qca")
    assert skill_delta(P, "a", "b", Weights(min_importance=5)).to_gain == ()
    # a curated move's stored skills follow the same rule (a new graph: deltas are memoized)
    P = P.copy()
    P.add_edge("a", "b", kind="transition", skills_to_gain=["qca", "mon", "guide-skill"])
    assert skill_delta(P, "a", "b").to_gain == ("mon", "guide-skill")
    assert skill_delta(P, "a", "b", Weights(min_importance=5)).to_gain == ("guide-skill",)
    # when min_importance leaves none of the stored skills, the move still asks for none
    P = P.copy()
    P.edges["a", "b"]["skills_to_gain"] = ["qca", "mon"]
    delta = skill_delta(P, "a", "b", Weights(min_importance=5))
    assert (delta.to_gain, delta.curated) == ((), True)


def test_given_drops_held_skills_unless_the_level_rises_further():
    d = SkillDelta(("x", "y"), ("k",), {"x": (2.0, 5.0)})
    assert d.given({}) is d
    assert d.given({"y": math.inf}) == SkillDelta(("x",), ("k", "y"), {"x": (2.0, 5.0)})
    assert d.given({"x": 3.5}).to_gain == ("x", "y")  # 5.0 - 3.5 > 1.0: still to gain
    assert d.given({"x": 4.5}).to_gain == ("y",)


def test_salary_change(P):
    assert salary_change(P, "tpm", "director") == 140000.0
    assert salary_change(P, "director", "tpm") == -140000.0
    assert salary_change(P, "tpm", "pm") is None
    P.nodes["sa"]["currency"] = "GBP"
    assert salary_change(P, "tpm", "sa") is None


# --- step cost ------------------------------------------------------------------


def test_step_cost_parts(P):
    w = Weights()
    assert step_cost(P, "tpm", "director", "progression") == w.progression + 3 * w.skill
    assert step_cost(P, "tpm", "director", "progression", frozenset({"exec"})) == (
        w.progression + 2 * w.skill
    )
    assert step_cost(P, "tpm", "pm", "transition") == w.transition + w.unknown
    drop = (310000 - 220000) / 310000
    assert step_cost(P, "director", "senior", "suggested") == pytest.approx(
        w.suggested + w.skill + w.salary_drop * drop  # the skill: Risk management
    )


# --- routing graph and routes ------------------------------------------------------


def test_routing_graph_adds_suggested_moves_only_where_none_is_curated(P):
    R = routing_graph(P)
    assert R.edges["tpm", "senior"]["kind"] == "progression"
    assert R.edges["tpm", "sa"] == {"kind": "suggested", "similarity": pytest.approx(0.4)}
    assert R.edges["sa", "senior"]["kind"] == "suggested"
    assert not R.has_edge("island", "sa")  # similarity 0.1 < suggest_min
    assert not any(d["kind"] == "suggested" for _, v, d in R.edges(data=True) if v == "pm")
    assert not any(R.has_edge(r, "island") for r in R)


def test_k_routes_prefer_cheap_curated_routes(P):
    routes = k_routes(P, "tpm", "director", k=5)
    assert [[v for _, v, _ in steps] for _, steps in routes][:2] == [
        ["director"],
        ["senior", "director"],
    ]
    assert routes[0][0] == 1.75 and routes[1][0] == 2.75
    assert [c for c, _ in routes] == sorted(c for c, _ in routes)


def test_k_routes_use_a_suggested_move_when_no_curated_one_exists(P):
    (cost, steps), *_ = k_routes(P, "tpm", "sa", k=1)
    assert steps == [("tpm", "sa", "suggested")]
    assert cost == Weights().suggested + 2 * Weights().skill


def test_k_routes_limits(P):
    assert len(k_routes(P, "tpm", "director", k=1)) == 1
    one_step = k_routes(P, "tpm", "director", k=3, max_steps=1)
    assert [len(steps) for _, steps in one_step] == [1]
    avoided = k_routes(P, "tpm", "director", k=1, avoid={"senior"})
    assert avoided[0][1] == [("tpm", "director", "progression")]
    around = k_routes(P, "tpm", "director", k=3, avoid={"sa"})
    assert all("sa" not in (u, v) for _, steps in around for u, v, _ in steps)


def test_same_role_is_a_usage_error(P):
    with pytest.raises(UsageError) as err:
        k_routes(P, "tpm", "tpm")
    assert str(err.value) == "FROM and TO are the same role ('Tpm'); name two different roles."


def test_avoiding_an_end_is_a_usage_error(P):
    with pytest.raises(UsageError) as err:
        k_routes(P, "tpm", "director", avoid={"director"})
    assert str(err.value) == ("Cannot --avoid 'Director': it is where the route starts or ends.")


def test_no_route_target_without_incoming_moves(P):
    with pytest.raises(NoRouteError) as err:
        k_routes(P, "tpm", "island")
    assert str(err.value) == (
        "No route from 'Tpm' to 'Island': 'Island' has no incoming moves (no guide or import "
        "names a move into it, and no role is similar enough (at least 0.25) to suggest one). "
        "Nearest reachable roles: Sa; Director; Pm."
    )
    # the similar one first, then the closest in steps
    assert err.value.nearest == ["Sa", "Director", "Pm"]


def test_no_route_source_without_outgoing_moves(P):
    with pytest.raises(NoRouteError) as err:
        k_routes(P, "pm", "director")
    assert str(err.value) == (
        "No route from 'Pm' to 'Director': 'Pm' has no outgoing moves (no guide or import names "
        "a move from it, and no role is similar enough (at least 0.25) to suggest one). Add a "
        "guide for it."
    )


def test_no_route_all_routes_avoided(P):
    P.remove_edge("tpm", "director")
    with pytest.raises(NoRouteError) as err:
        k_routes(P, "tpm", "director", avoid={"senior"}, weights=Weights(suggest_top=0))
    assert str(err.value) == (
        "No route from 'Tpm' to 'Director': every route passes through an avoided role "
        "(Senior). Drop an --avoid option. Nearest reachable roles: Pm."
    )


def test_no_route_max_steps_too_small(P):
    P.remove_edge("tpm", "director")
    with pytest.raises(NoRouteError) as err:
        k_routes(P, "tpm", "director", max_steps=1, weights=Weights(suggest_top=0))
    assert str(err.value) == (
        "No route from 'Tpm' to 'Director': the shortest route takes 2 steps, more than "
        "--max-steps 1. Raise --max-steps. Nearest reachable roles: Senior; Pm."
    )


# --- --have ----------------------------------------------------------------------


def test_resolve_skills_labels_alt_labels_fuzzy(P):
    assert resolve_skills(P, ["budgeting", "Stakeholder management", "Risk managment"]) == {
        "budget",
        "comm",
        "risk",
    }
    assert resolve_skills(P, ["exec", ""]) == {"exec"}  # an IRI as it is


def test_resolve_skills_unknown(P):
    with pytest.raises(UsageError) as err:
        resolve_skills(P, ["Underwater basket weaving"])
    assert str(err.value) == (
        "Unknown skill 'Underwater basket weaving' in --have. No skill has a close name; "
        "`careergraph show ROLE` lists a role's skills."
    )
    with pytest.raises(UsageError) as err:
        resolve_skills(P, ["exec communication"])
    assert str(err.value).startswith(
        "Unknown skill 'exec communication' in --have. Did you mean: Executive communication"
    )


def test_split_have_takes_credentials_without_bogus_suggestions(P):
    skills, credentials = split_have(P, ["Executive communication", "bar exam", "PMP"])
    assert credentials == ("bar exam", "PMP")
    assert len(skills) == 1
    with pytest.raises(UsageError) as err:
        split_have(P, ["Underwater basket weaving"])
    assert "Did you mean" not in str(err.value)


def test_split_have_takes_a_credential_a_role_lists_whatever_its_words(P):
    with pytest.raises(UsageError, match="Unknown skill 'Series 7'"):
        split_have(P, ["Series 7"])
    Q = P.copy()
    role = next(iter(Q))
    Q.nodes[role]["prep"] = {**(Q.nodes[role].get("prep") or {}), "credentials": ["Series 7"]}
    assert split_have(Q, ["series  7", "Executive communication"])[1] == ("series  7",)


# --- reports ------------------------------------------------------------------------


def test_path_report_contract(P):
    report = path_report(P, "tpm", "director", k=2)
    assert report["from"] == {"id": "tpm", "label": "Tpm"}
    assert report["to"] == {"id": "director", "label": "Director"}
    for route in report["routes"]:
        assert {"cost", "steps", "skills_to_gain", "salary_change"} <= set(route)
        assert isinstance(route["cost"], float) and route["salary_change"] == 140000.0
        for step in route["steps"]:
            assert {"from", "to", "kind", "skills_to_gain", "skills_kept", "salary_change"} <= set(
                step
            )
            assert step["kind"] in ("progression", "transition", "suggested")
            assert all(isinstance(s, str) for s in step["skills_to_gain"] + step["skills_kept"])
    two = report["routes"][1]
    assert [s["skills_to_gain"] for s in two["steps"]] == [
        ["Executive communication"],
        ["Budgeting", "People management"],
    ]
    # the route's total is what the finish asks of the start, whatever the stops
    assert sorted(two["skills_to_gain"]) == [
        "Budgeting",
        "Executive communication",
        "People management",
    ]
    assert two["skills_on_the_way"] == []


def test_path_report_have_shrinks_deltas(P):
    before = path_report(P, "tpm", "director", k=1)["routes"][0]
    after = path_report(P, "tpm", "director", k=1, have=["Budgeting"])["routes"][0]
    assert after["skills_to_gain"] == [s for s in before["skills_to_gain"] if s != "Budgeting"]
    assert "Budgeting" in after["steps"][0]["skills_kept"]
    assert after["cost"] == before["cost"] - Weights().skill


def test_path_report_skills_learnt_earlier_are_not_gained_again():
    P = nx.DiGraph(skills={k: {"label": v, "type": "skill"} for k, v in SKILLS.items()})
    add_role(P, "a", unrated("plan"), None)
    add_role(P, "b", unrated("plan", "exec"), None)
    add_role(P, "c", unrated("people"), None)
    add_role(P, "d", unrated("exec", "people", "budget"), None)
    P.add_edge("a", "b", kind="progression")
    P.add_edge("b", "c", kind="transition")
    P.add_edge("c", "d", kind="progression")
    P.graph["label_index"] = {n: {n} for n in P}
    steps = path_report(P, "a", "d", k=1)["routes"][0]["steps"]
    assert [s["skills_to_gain"] for s in steps] == [
        ["Executive communication"],
        ["People management"],
        ["Budgeting"],
    ]
    assert steps[2]["skills_kept"] == ["People management", "Executive communication"]


def test_path_report_unknown_role(P):
    P.graph["label_index"] = {"tpm": {"tpm"}, "director": {"director"}}
    with pytest.raises(UnknownRoleError):
        path_report(P, "nobody at all", "director")


def test_next_moves_rank_curated_and_suggested(P):
    options = next_moves(P, "tpm")
    assert [(o["role"], o["kind"]) for o in options] == [
        ("Senior", "progression"),
        ("Director", "progression"),
        ("Sa", "suggested"),
        ("Pm", "transition"),
    ]
    senior = options[0]
    assert senior["overlap"] == 0.75
    assert senior["score"] == round(0.75 + 0.3 + 0.3 * (50000 / 170000), 4)
    assert options[2]["similarity"] == pytest.approx(0.4)
    assert options[3]["skills_unknown"] is True and options[3]["overlap"] == 0.0
    assert next_moves(P, "tpm", top=2)[1]["role"] == "Director"


def test_next_report_have_raises_overlap(P):
    report = next_report(P, "tpm", have=["Executive communication"])
    senior = report["options"][0]
    assert (senior["role"], senior["overlap"], senior["skills_to_gain"]) == ("Senior", 1.0, [])
    assert report["role"] == {"id": "tpm", "label": "Tpm"}


def test_gap_report(P):
    gap = gap_report(P, "tpm", "sa")
    assert gap["move"] is None
    assert gap["skills_to_gain"] == ["Cloud architecture", "Pre-sales"]
    assert gap["skills_kept"] == ["Stakeholder communication"]
    assert gap["missing_per_target_guide"] == ["Pre-sales"]
    assert gap["missing_per_source_guide"] == ["Cloud architecture"]
    assert gap["salary_change"] == 5000.0
    assert gap_report(P, "tpm", "sa", have=["Pre-sales"])["missing_per_target_guide"] == []
    with pytest.raises(UsageError):
        gap_report(P, "sa", "sa")


def test_similar_report(P):
    report = similar_report(P, "tpm", top=2)
    assert report["role"] == {"id": "tpm", "label": "Tpm"}
    assert [(r["role"], r["score"]) for r in report["similar"]] == [
        ("Senior", pytest.approx(0.8)),
        ("Director", pytest.approx(0.5)),
    ]
    assert similar_report(P, "pm")["similar"] == []
    assert similar_report(P, "pm")["skills_unknown"] is True


def test_a_delta_keeps_flagged_specific_technologies_not_generic_ones():
    """Cashiers -> Tellers: teller software, not Microsoft Outlook (listed by most occupations)."""
    P = nx.DiGraph()
    names = ["outlook", "facebook", "freedomware", *(f"t{i}" for i in range(7))]
    P.graph["skills"] = {n: {"label": n, "type": "technology"} for n in names}
    flagged = {"importance": None, "level": None, "hot": True, "in_demand": False}
    demand = {**flagged, "hot": False, "in_demand": True}
    plain = {**flagged, "hot": False}
    for n in range(20):  # outlook is listed by every occupation, facebook by half
        add_role(
            P, f"other{n}", {"outlook": flagged, **({"facebook": flagged} if n < 10 else {})}, None
        )
    add_role(P, "a", {"outlook": flagged}, None)
    tellers = {"outlook": demand, "facebook": flagged, "freedomware": plain, "t0": demand}
    tellers.update({f"t{i}": flagged for i in range(1, 7)})
    add_role(P, "b", tellers, None)
    add_role(P, "c", {"t1": flagged, "t2": flagged}, None)  # t1, t2 are less specific to b
    gain = skill_delta(P, "a", "b").to_gain
    assert {"outlook", "facebook", "freedomware"}.isdisjoint(gain)
    assert len(gain) == 5 and "t0" in gain and not {"t1", "t2"} & set(gain)
    # a curated move's stored technologies are filtered the same way
    P = P.copy()
    P.add_edge("a", "b", kind="transition", skills_to_gain=["outlook", "t0", "t1"])
    assert skill_delta(P, "a", "b").to_gain == ("t0", "t1")


# --- preparation, honest deltas, feasibility ------------------------------------------------


def rated(**levels: float) -> dict[str, dict]:
    return {n: {"importance": 4.0, "level": lv} for n, lv in levels.items()}


@pytest.fixture
def onet_like() -> nx.DiGraph:
    """A small O*NET-like projection: rated occupations with codes, Job Zones and education.

    rn (29-1141.00) -> np (29-1171.00, master's) and -> doc (29-1214.00, unrated, medical
    school, much better paid); doc's SOC group has one rated occupation, fam (29-1215.00);
    odd (29-9999.00) is unrated and alone in its group; aide (31-1131.00) is a step down."""
    from graph.projection.network import _estimate_skills

    P = nx.DiGraph()
    P.graph["skills"] = {k: {"label": k.title(), "type": "skill"} for k in "abcdef"}
    P.graph["skills"]["t"] = {"label": "Some App", "type": "technology"}

    def occ(name, code, skills, mid, edu, zone, exp=(1.0, 2.0)):
        add_role(
            P,
            name,
            skills,
            mid,
            code=code,
            prep={"education": edu, "zone": zone, "experience": exp, "credentials": []},
        )

    occ("rn", "29-1141.00", rated(a=4, b=4, c=3), 90000.0, 6, 3)
    occ("np", "29-1171.00", rated(a=4.5, b=4, c=3.5, d=3), 120000.0, 8, 5)
    occ("doc", "29-1214.00", {"t": {"importance": None, "level": None}}, 300000.0, 12, 5)
    occ("fam", "29-1215.00", rated(a=6, b=5, e=5), 250000.0, 12, 5)
    occ("odd", "29-9999.00", {"t": {"importance": None, "level": None}}, 95000.0, 6, 3)
    occ("aide", "31-1131.00", rated(a=3, b=3), 38000.0, 2, 2)
    for target in ("np", "doc", "odd", "aide"):
        P.add_edge("rn", target, kind="progression", skills_to_gain=["t"])
    P.graph["label_index"] = {n: {n} for n in P}
    _estimate_skills(P)
    return P


def test_an_unrated_target_is_compared_through_its_soc_group(onet_like):
    report = gap_report(onet_like, "rn", "doc")
    # not the technology-only delta the import stored, not an empty one
    # A rises 4 -> 6, E is new; B's rise (4 -> 5) is not above the threshold
    assert report["skills_to_gain"][:2] == ["A", "E"]
    assert report["skills_unknown"] is False
    assert report["skills_estimated_from"] == ["Fam"]
    assert report["skills_note"] == (
        "O*NET has not rated Doc; compared through the rated occupations of its SOC group (Fam)."
    )


def test_an_unrated_target_without_a_rated_group_is_unknown(onet_like):
    report = gap_report(onet_like, "rn", "odd")
    assert report["skills_unknown"] is True and report["skills_to_gain"] == []
    assert report["skills_note"] == (
        "What Odd asks is unknown: O*NET has not rated Odd, nor any occupation of its SOC group."
    )


def test_every_step_carries_its_preparation(onet_like):
    step = path_report(onet_like, "rn", "np", k=1)["routes"][0]["steps"][0]
    prep = step["preparation"]
    assert (prep["education_from"], prep["education_to"]) == (
        "Bachelor's degree",
        "Master's degree",
    )
    # a year or two of study, and up to a year more of related experience
    assert step["years_to_ready"] == [1.0, 3.0]
    assert prep["basis"].startswith("Bachelor's degree -> Master's degree: 1-2 yrs of study")


def test_next_never_lets_pay_outrank_years_of_schooling(onet_like):
    options = next_moves(onet_like, "rn")
    names = [o["role"] for o in options]
    # doc pays 233% more and shares most skills, but is 6-9 years of school away
    assert names.index("Np") < names.index("Doc")
    doc = options[names.index("Doc")]
    assert "ready in 6-10 yrs" in doc["why"] and doc["years_to_ready"] == [6.0, 10.0]
    # the best possible pay bonus is worth less than two years of preparation
    w = Weights()
    assert w.next_salary * 1.0 < w.next_prep * 2


def test_step_downs_only_when_asked(onet_like):
    assert "Aide" not in [o["role"] for o in next_moves(onet_like, "rn")]
    assert "Aide" in [o["role"] for o in next_moves(onet_like, "rn", step_downs=True)]


def test_standing_and_max_years(onet_like):
    from graph.routes.preparation import Standing

    options = next_moves(onet_like, "rn", max_years=3)
    assert "Doc" not in [o["role"] for o in options] and "Np" in [o["role"] for o in options]
    report = next_report(onet_like, "rn", education="masters", years=5)
    np_ = next(o for o in report["options"] if o["role"] == "Np")
    assert np_["years_to_ready"] == [0.0, 0.0]
    assert report["standing"] == {"education": "Master's degree", "years": 5.0, "credentials": []}
    assert next_moves(onet_like, "rn", standing=Standing(education=8))[0]["role"] == "Np"
    with pytest.raises(NoRouteError) as err:
        path_report(onet_like, "rn", "doc", max_years=2)
    assert "ready within 2 years (--max-years)" in str(err.value)


def test_have_takes_a_credential(onet_like):
    report = gap_report(onet_like, "rn", "np", have=["NCLEX-RN", "board certification"])
    assert report["credentials"] == ["NCLEX-RN", "board certification"]


def test_route_totals_apply_level_rises_start_to_finish():
    """a: x at level 2; b: x at 2.9 (a rise of 0.9, under the threshold); c: x at 3.8.
    Step by step no rise passes 1.0, start to finish it is 1.8: the route must list x."""
    P = nx.DiGraph()
    P.graph["skills"] = {"x": {"label": "X", "type": "skill"}, "y": {"label": "Y", "type": "skill"}}
    add_role(P, "a", rated(x=2.0, y=3.0), 100.0)
    add_role(P, "b", rated(x=2.9, y=3.0), 100.0)
    add_role(P, "c", rated(x=3.8, y=3.0), 100.0)
    P.add_edge("a", "b", kind="progression", skills_to_gain=[])
    P.add_edge("b", "c", kind="progression", skills_to_gain=[])
    P.graph["label_index"] = {n: {n} for n in P}
    report = path_report(P, "a", "c", k=1)
    route = report["routes"][0]
    assert [s["to"] for s in route["steps"]] == ["B", "C"]
    assert route["skills_to_gain"] == ["X"]
    assert route["steps"][1]["skills_to_gain"] == ["X"]  # 3.8 against the start's 2.0
    assert route["skills_to_gain"] == gap_report(P, "a", "c")["skills_to_gain"]


def test_a_direct_comparison_competes_with_chains():
    """a and c share a skill but c is not among a's similar roles; the chain a-b-c is made of
    suggested moves. The direct move is a candidate and, asking the same, costs less."""
    P = nx.DiGraph()
    P.graph["skills"] = {k: {"label": k.upper(), "type": "skill"} for k in "xyz"}
    add_role(P, "a", unrated("x", "y"), None)
    add_role(P, "b", unrated("x", "y", "z"), None)
    add_role(P, "c", unrated("x", "z"), None)
    P.graph["similarity"] = model_of({("a", "b"): 0.9, ("b", "c"): 0.9}, ["a", "b", "c"])
    P.graph["label_index"] = {n: {n} for n in P}
    routes = k_routes(P, "a", "c", k=2)
    assert [[s[1] for s in steps] for _, steps in routes] == [["c"], ["b", "c"]]
    assert not routing_graph(P).has_edge("a", "c")  # the search left the shared graph as it was


def test_step_costs_remembered_per_have_give_the_same_routes(projection):
    from graph.routes.have import resolve_skills
    from graph.routes.memo import _MEMO
    from graph.routes.search import COST_TABLES, k_routes
    from graph.routes.weights import Weights

    source = next(r for r in projection if projection.nodes[r]["label"].startswith("Technical P"))
    # a target with a skill profile, so that what you have changes the costs
    director = "Director of Technical Program Management"
    target = next(r for r in projection if projection.nodes[r]["label"] == director)
    haves = [
        frozenset(),
        resolve_skills(projection, ["People management"]),
        resolve_skills(projection, ["Executive communication", "Financial acumen"]),
    ]

    def fresh(have: frozenset[str]) -> list:
        _MEMO.pop(projection, None)
        return k_routes(projection, source, target, 4, have)

    expected = [fresh(have) for have in haves]
    assert expected[0] != expected[1]  # what you have changes the costs
    # asked in turns on warm tables, each answer is the one computed from nothing
    for _ in range(2):
        for have, routes in zip(haves, expected, strict=True):
            assert k_routes(projection, source, target, 4, have) == routes
    for n in range(COST_TABLES + 3):
        k_routes(projection, source, target, 1, frozenset(), weights=Weights(skill=1 + n / 10))
    assert len(_MEMO[projection]["cost_tables"]) == COST_TABLES


# --- the search's shortcuts give what comparing whole profiles gives ----------------------

RATED = ["r0", "r1", "r2", "r3"]
TECHS = [f"t{i}" for i in range(12)]
CLASSES = ["c0", "c1", None]


def plain_counts(P: nx.DiGraph) -> tuple[int, dict[str, int], dict[str, int]]:
    """Roles listing any technology, roles listing each one, roles listing each class."""
    skills = P.graph["skills"]
    counts: dict[str, int] = {}
    classes: dict[str, int] = {}
    listing = 0
    for _, profile in P.nodes(data="skills"):
        listed = [s for s in profile or () if skills.get(s, {}).get("type") == "technology"]
        listing += bool(listed)
        for s in listed:
            counts[s] = counts.get(s, 0) + 1
        for kind in {skills[s].get("class") for s in listed} - {None}:
            classes[kind] = classes.get(kind, 0) + 1
    return listing, counts, classes


def plain_useful(P: nx.DiGraph, target: str, techs: list[str]) -> list[str]:
    """useful_technology worked out from scratch, share by share."""
    from graph.routes import skillview as sv

    skills = P.graph["skills"]
    listing, counts, classes = plain_counts(P)
    n = max(1, listing)
    share = {s: (c / n, c, classes.get(skills[s].get("class"), 0) / n) for s, c in counts.items()}
    profile = P.nodes[target].get("skills") or {}
    kept = []
    for tech in techs:
        rating = profile.get(tech) or {}
        demand = rating.get("in_demand", True)
        part, count, kind = share.get(tech, (0.0, 0, 0.0))
        if not (rating.get("hot", True) or demand) or (kind > sv.CLASS_SHARE and not demand):
            continue
        if part <= (sv.IN_DEMAND_SHARE if demand else sv.GENERIC_SHARE) or count < sv.GENERIC_MIN:
            kept.append(tech)
    key = lambda t: (  # noqa: E731
        not (profile.get(t) or {}).get("in_demand", False),
        share.get(t, (0.0, 0, 0.0))[0],
        t,
    )
    return sorted(kept, key=key)


def plain_gain(P: nx.DiGraph, source: str, target: str, w: Weights) -> tuple:
    """What _gain answers, worked out from the two whole profiles and the move."""
    from graph.levels import MAX_TECH_TO_GAIN

    def view(role: str) -> tuple[set[str], set[str], dict[str, float]]:
        profile = P.nodes[role].get("skills") or {}
        important = {
            s for s, r in profile.items() if r["importance"] is None or r["importance"] >= 3.0
        }
        return (
            set(profile),
            important,
            {s: r["level"] for s, r in profile.items() if r["level"] is not None},
        )

    def cap(gain: set[str]) -> frozenset[str]:
        tech = [s for s in gain if P.graph["skills"][s]["type"] == "technology"]
        kept = plain_useful(P, target, tech)[:MAX_TECH_TO_GAIN]
        return frozenset(gain - set(tech)) | frozenset(kept)

    (src, _, src_lv), (tgt, important, tgt_lv) = view(source), view(target)
    levels = {
        s: (src_lv[s], tgt_lv[s])
        for s in src_lv.keys() & tgt_lv.keys() & important
        if tgt_lv[s] - src_lv[s] > w.level_rise
    }
    stored = set(P.edges[source, target]["skills_to_gain"]) if P.has_edge(source, target) else ()
    if stored:
        stored = {s for s in stored if s in important or s not in tgt}
        return cap(stored), {s: v for s, v in levels.items() if s in stored}, False, True
    if not src or not tgt:
        return frozenset(), {}, True, False
    return cap((important - src) | levels.keys()), levels, False, False


def random_projection(draw) -> nx.DiGraph:
    """Roles listing rated skills and O*NET-like flagged technologies, and curated moves
    whose stored skills may name technologies the target does not list."""
    from hypothesis import strategies as st

    P = nx.DiGraph()
    P.graph["skills"] = {s: {"label": s.upper(), "type": "skill"} for s in RATED}
    for t in TECHS:
        kind = draw(st.sampled_from(CLASSES))
        P.graph["skills"][t] = {"label": t.upper(), "type": "technology", "class": kind}
    roles = [f"role{n}" for n in range(draw(st.integers(2, 7)))]
    for role in roles:
        profile = {}
        for s in draw(st.lists(st.sampled_from(RATED), unique=True)):
            profile[s] = {
                "importance": draw(st.sampled_from([None, 1.5, 3.0, 4.5])),
                "level": draw(st.sampled_from([None, 1.0, 2.5, 4.0, 6.0])),
            }
        for t in draw(st.lists(st.sampled_from(TECHS), unique=True)):
            profile[t] = {"importance": None, "level": None}
            for flag in ("hot", "in_demand"):
                value = draw(st.sampled_from([True, False, None]))
                if value is not None:
                    profile[t][flag] = value
        P.add_node(role, label=role, skills=profile)
    for source in roles:
        for target in draw(st.lists(st.sampled_from(roles), unique=True, max_size=3)):
            if target != source:
                stored = draw(st.lists(st.sampled_from(RATED + TECHS), unique=True, max_size=8))
                P.add_edge(source, target, kind="transition", skills_to_gain=stored)
    return P


def test_deltas_and_technology_shortcuts_match_whole_profiles():
    """Technologies ranked once per role, profiles split once, shares counted lazily: every
    move's delta and every technology pick is the one worked out from scratch."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from graph.routes import skillview
    from graph.routes.deltas import _gain

    @settings(max_examples=60, deadline=None)
    @given(st.data())
    def check(data) -> None:
        P = random_projection(data.draw)
        w = Weights()
        for source in P:
            for target in P:
                if source != target:
                    assert _gain(P, source, target, w) == plain_gain(P, source, target, w)
            techs = data.draw(st.lists(st.sampled_from(TECHS), unique=True))
            assert skillview.useful_technology(P, source, techs) == plain_useful(P, source, techs)

    with pytest.MonkeyPatch.context() as patch:
        # a handful of roles: let "generic" (listed by many) happen at all
        patch.setattr("graph.routes.skillview.GENERIC_MIN", 2)
        check()


def test_technology_counts_kept_with_the_projection_are_those_of_every_profile():
    """The counts build_projection stores (and the cache writes and reads back) are what
    counting every role's skills gives, and technologies ranked from them are the same."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from graph.projection.cache import dumps_projection, loads_projection
    from graph.projection.network import technology_counts
    from graph.routes import skillview

    @settings(max_examples=60, deadline=None)
    @given(st.data())
    def check(data) -> None:
        P = random_projection(data.draw)
        listing, counts, classes = plain_counts(P)
        kind = {t: P.graph["skills"][t].get("class") for t in counts}
        table = technology_counts(P)
        assert table["listing"] == listing
        assert table["counts"] == {t: (c, classes.get(kind[t], 0)) for t, c in counts.items()}
        P.graph["technology_counts"] = table
        Q = loads_projection(dumps_projection(P))
        assert Q.graph["technology_counts"] == table
        for role in Q:
            techs = data.draw(st.lists(st.sampled_from(TECHS), unique=True))
            assert skillview.useful_technology(Q, role, techs) == plain_useful(P, role, techs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("graph.routes.skillview.GENERIC_MIN", 2)
        check()


def test_a_step_without_its_kept_skills_is_the_same_step(onet_like):
    """next leaves out the skills kept (hundreds of shared technologies on O*NET): the rest of
    each step is what the full step says, in either order of asking."""
    from graph.routes.search import _step

    w = Weights()
    for target in ("np", "doc", "odd", "aide"):
        P = onet_like.copy()
        lean = _step(P, "rn", target, "progression", frozenset(), w, kept=False)
        full = _step(P, "rn", target, "progression", frozenset(), w)
        assert lean["skills_kept"] == [] and full == {**lean, "skills_kept": full["skills_kept"]}
        assert full == _step(onet_like.copy(), "rn", target, "progression", frozenset(), w)
    # the comparison means something: rn keeps skills on the way to np
    assert _step(onet_like, "rn", "np", "progression", frozenset(), w)["skills_kept"]


# ---------------------------------------------------------------------------
# The routing graph's suggested moves, made in one pass, against one role at a time
# ---------------------------------------------------------------------------


@st.composite
def _suggesting(draw: st.DrawFn) -> tuple[nx.DiGraph, int, float]:
    """A projection with curated moves and a similarity model whose rows end early or not."""
    n = draw(st.integers(1, 7))
    roles = [f"r{i}" for i in range(n)]
    P = nx.DiGraph()
    P.add_nodes_from(roles[: draw(st.integers(max(1, n - 2), n))])  # some modelled roles not in P
    for a in list(P):
        for b in list(P):
            if a != b and draw(st.integers(0, 3)) == 0:
                P.add_edge(a, b, kind="progression")
    modelled = draw(st.permutations(roles))[: draw(st.integers(0, n))]
    cols = draw(st.integers(1, n + 1))
    neighbours = np.full((len(modelled), cols), -1, dtype=np.int32)
    scores = np.zeros((len(modelled), cols), dtype=np.float32)
    for i in range(len(modelled)):
        row = draw(st.lists(st.integers(0, len(modelled) - 1), max_size=cols))
        neighbours[i, : len(row)] = row
        values = draw(
            st.lists(
                st.sampled_from([0.0, 0.1, 0.2499, 0.25, 0.25004, 0.9]),
                min_size=cols,
                max_size=cols,
            )
        )
        scores[i] = sorted(values, reverse=True)
    P.graph["similarity"] = SimilarityModel(
        roles=modelled,
        index={r: i for i, r in enumerate(modelled)},
        neighbours=neighbours,
        scores=scores,
    )
    return P, draw(st.integers(-1, 4)), draw(st.sampled_from([0.0, 0.25, 0.5]))


@settings(max_examples=300, deadline=None)
@given(case=_suggesting())
def test_the_routing_graph_suggests_what_each_role_would_be_suggested(
    case: tuple[nx.DiGraph, int, float],
) -> None:
    P, top, minimum = case
    one_by_one = [
        (role, other, score)
        for role in P
        for other, score in _suggestions(P, role, top, minimum, {*P._succ[role], role})
    ]
    assert _all_suggestions(P, top, minimum) == one_by_one
