"""Pay a person can trust: which wage line a figure comes from, and what a newcomer earns.

OEWS publishes wages by SOC line; O*NET splits some lines into several
occupations and files others under a catch-all ("Computer Occupations, All
Other"). The importer records each band's wage line (``cg:wageLine``) and
whether it is broader than the role (``cg:proxyWage``). From that,
:func:`pay_facts` says, for a move:

* each side's median and the line it comes from, flagged when it is a proxy;
* whether both roles share one wage line (then a pay change of 0 is no
  finding: the data cannot tell them apart);
* what someone moving in would likely earn: the target's 10th and 25th
  percentiles, beside its median.

Plain functions of the projection ``P``; none prints.
"""

from __future__ import annotations

import weakref
from typing import Any

import networkx as nx

__all__ = ["wage_info", "pay_facts"]

_MEMO: weakref.WeakKeyDictionary[Any, dict[str, int]] = weakref.WeakKeyDictionary()


def _line_counts(P: nx.DiGraph) -> dict[str, int]:
    """Wage line -> how many roles take their pay from it."""
    counts = _MEMO.get(P)
    if counts is None:
        counts = {}
        for _, wage in P.nodes(data="wage"):
            if wage and wage.get("line"):
                counts[wage["line"]] = counts.get(wage["line"], 0) + 1
        _MEMO[P] = counts
    return counts


def wage_info(P: nx.DiGraph, role: str) -> dict[str, Any] | None:
    """A role's published wage line, or None when its pay does not come from one.

    Returns
    -------
    dict or None
        ``{"line", "title", "proxy", "shared_by", "median", "pct10", "pct25"}``;
        ``shared_by`` counts the roles (this one included) paid from the line.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph()
    >>> w = {"line": "15-1299", "title": "Computer Occupations, All Other", "proxy": True,
    ...      "pct10": 60000.0, "pct25": 80000.0, "median": 110000.0}
    >>> P.add_node("a", wage=w); P.add_node("b", wage=dict(w)); P.add_node("c", wage=None)
    >>> wage_info(P, "a")["shared_by"], wage_info(P, "c")
    (2, None)
    """
    wage = P.nodes[role].get("wage")
    if not wage or not wage.get("line"):
        return None
    return {
        "line": wage["line"],
        "title": wage.get("title"),
        "proxy": bool(wage.get("proxy")),
        "shared_by": _line_counts(P).get(wage["line"], 1),
        "median": wage.get("median"),
        "pct10": wage.get("pct10"),
        "pct25": wage.get("pct25"),
    }


def pay_facts(P: nx.DiGraph, source: str, target: str) -> dict[str, Any]:
    """What the pay figures of a move rest on.

    Returns
    -------
    dict
        ``{"from": wage_info | None, "to": wage_info | None, "same_wage_line":
        bool, "entry": {"pct10", "pct25"} | None, "proxy": bool}``: ``entry``
        is what someone moving into ``target`` would likely earn (its 10th to
        25th percentile); ``proxy`` is true when either side's figure stands in
        for a broader line.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph()
    >>> rn = {"line": "29-1141", "title": "Registered Nurses", "proxy": False,
    ...       "pct10": 66000.0, "pct25": 78000.0, "median": 93000.0}
    >>> P.add_node("rn", wage=rn); P.add_node("cns", wage={**rn, "proxy": True})
    >>> facts = pay_facts(P, "rn", "cns")
    >>> facts["same_wage_line"], facts["proxy"], facts["entry"]
    (True, True, {'pct10': 66000.0, 'pct25': 78000.0})
    """
    a, b = wage_info(P, source), wage_info(P, target)
    entry = None
    if b is not None and (b["pct10"] is not None or b["pct25"] is not None):
        entry = {"pct10": b["pct10"], "pct25": b["pct25"]}
    return {
        "from": a,
        "to": b,
        "same_wage_line": a is not None and b is not None and a["line"] == b["line"],
        "entry": entry,
        "proxy": bool((a and a["proxy"]) or (b and b["proxy"])),
    }
