"""How many roles, skills, moves, sectors, employers and triples a graph holds.

One SPARQL count over any store: the build report, the import report and the
manifest of an updated folder all say the same numbers.
"""

from __future__ import annotations

from typing import Any

from graph.vocab import PREFIXES

__all__ = ["graph_counts"]


COUNT_QUERY = """
SELECT
  (COUNT(DISTINCT ?role) AS ?roles) (COUNT(DISTINCT ?skill) AS ?skills)
  (COUNT(DISTINCT ?move) AS ?transitions) (COUNT(DISTINCT ?sector) AS ?sectors)
  (COUNT(DISTINCT ?employer) AS ?employers)
WHERE {
  { ?role a cg:Role } UNION { ?skill a ?sk . VALUES ?sk { cg:Skill cg:Knowledge cg:Technology } }
  UNION { ?move a cg:Transition } UNION { ?sector a cg:Sector } UNION { ?employer a cg:Employer }
}
"""


def graph_counts(store: Any) -> dict[str, int]:
    """Count roles, skills, transitions, sectors, employers and triples in a pyoxigraph store."""
    from graph.store.base import term_to_python

    solution = next(iter(store.query(COUNT_QUERY, prefixes=PREFIXES)))
    counts = {
        name: int(term_to_python(solution[name]) or 0)
        for name in ("roles", "skills", "transitions", "sectors", "employers")
    }
    counts["triples"] = len(store)
    return counts
