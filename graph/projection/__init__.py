"""The networkx projection of the RDF graph.

The queries that feed it, its cache format and the similarity model.
"""
