"""Public taxonomies (O*NET, ESCO, BLS OEWS wages) -> the same triples as the guides.

Each importer writes a whole graph folder: the ontology, the shipped guides and
the imported data, so every command works on the result.
"""

from graph.importers.common import ImportReport, Progress, terminal_progress
from graph.importers.esco import import_esco
from graph.importers.onet import import_onet

__all__ = ["ImportReport", "Progress", "terminal_progress", "import_onet", "import_esco"]
