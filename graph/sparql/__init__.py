"""SPARQL over a store: named queries, parameters, running, the query pool, updates."""
