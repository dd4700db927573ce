"""A SPARQL results document as a terminal table."""

from __future__ import annotations

import json
from typing import Any

from graph.sparql.results import binding_text

__all__ = ["results_table"]


def results_table(json_body: bytes, title: str | None = None) -> Any:
    """Build a rich table from SPARQL JSON results (IRIs shortened with the known prefixes).

    Examples
    --------
    >>> body = b'{"head":{"vars":["r"]},"results":{"bindings":[{"r":{"type":"uri",'
    >>> body += b'"value":"https://w3id.org/careergraph/ontology#Role"}}]}}'
    >>> table = results_table(body)
    >>> table.row_count, table.columns[0].header
    (1, 'r')
    """
    from rich import box
    from rich.table import Table

    data = json.loads(json_body)
    if "boolean" in data:
        table = Table("ask", box=box.SIMPLE_HEAD, title=title)
        table.add_row("true" if data["boolean"] else "false")
        return table
    names = data["head"].get("vars", [])
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left")
    for name in names:
        # fold, not cut: an IRI has no spaces to wrap at and must stay whole
        table.add_column(name, overflow="fold")
    for binding in data["results"]["bindings"]:
        table.add_row(*(binding_text(binding.get(n)) for n in names))
    return table
