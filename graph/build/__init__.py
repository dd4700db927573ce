"""One pipeline from guides or imported rows to a validated graph folder; the built-in graph."""
