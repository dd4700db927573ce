"""The graph for other tools: GraphML, GEXF, Neo4j CSV, JSON-LD, N-Quads."""
