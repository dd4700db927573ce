"""The click commands and terminal tables (the only place that imports click).

``careergraph = "graph.cli:main"`` and ``python -m graph`` start here. The
group and the shared options are in :mod:`graph.cli.main`; each command
module adds its commands to the group when imported below.
"""

from graph.cli import building, importing, output, reading
from graph.cli.main import cli, main

__all__ = ["cli", "main", "building", "importing", "output", "reading"]
