"""Pure functions of the projection: weights, deltas, preparation, search, next, reports."""
