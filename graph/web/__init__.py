"""The HTTP app: the FastAPI server, its API, the route planner and its worker pool."""
