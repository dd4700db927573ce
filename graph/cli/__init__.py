"""The click commands and terminal tables (the only place that imports click).

``careergraph = "graph.cli:main"`` and ``python -m graph`` start here.
"""

from graph.cli.commands import cli, main

__all__ = ["cli", "main"]
