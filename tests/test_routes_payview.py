"""Pay figures say where they come from: proxy wage lines, shared lines, newcomers' pay."""

from __future__ import annotations

import networkx as nx

from graph.routes.payview import pay_facts, wage_info


def wage(line: str, title: str, proxy: bool, median: float) -> dict:
    return {
        "line": line,
        "title": title,
        "proxy": proxy,
        "pct10": median * 0.6,
        "pct25": median * 0.8,
        "median": median,
    }


def projection() -> nx.DiGraph:
    P = nx.DiGraph()
    P.add_node("rn", wage=wage("29-1141", "Registered Nurses", False, 93600.0))
    P.add_node("cns", wage=wage("29-1141", "Registered Nurses", True, 93600.0))
    P.add_node("dev", wage=wage("15-1252", "Software Developers", False, 133080.0))
    P.add_node("arch", wage=wage("15-1299", "Computer Occupations, All Other", True, 113700.0))
    P.add_node("guide-role", wage=None)
    return P


def test_a_shared_wage_line_is_said_and_counted():
    P = projection()
    facts = pay_facts(P, "rn", "cns")
    assert facts["same_wage_line"] is True
    assert facts["proxy"] is True
    assert wage_info(P, "rn")["shared_by"] == 2


def test_a_proxy_line_is_flagged_and_newcomers_pay_given():
    facts = pay_facts(projection(), "dev", "arch")
    assert facts["same_wage_line"] is False
    assert facts["proxy"] is True and facts["to"]["title"] == "Computer Occupations, All Other"
    assert facts["entry"] == {"pct10": 113700.0 * 0.6, "pct25": 113700.0 * 0.8}


def test_roles_without_a_wage_line_claim_nothing():
    facts = pay_facts(projection(), "guide-role", "dev")
    assert facts["from"] is None and facts["same_wage_line"] is False
    assert facts["proxy"] is False
    assert pay_facts(projection(), "dev", "guide-role")["entry"] is None
