"""careergraph: career paths as an open knowledge graph.

Career guides and public occupation data (O*NET, ESCO) become one RDF graph
under the careergraph ontology; routes between roles are searched on a
networkx projection of it, with the skills to gain at every step.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
