"""One exception tree for careergraph; the CLI maps each class to an exit code.

Exit codes follow the usual convention: 0 ok, 1 a data or query problem,
2 a usage problem (unknown role, bad flag, a query that does not parse).
"""

from __future__ import annotations

__all__ = [
    "CareerGraphError",
    "DataError",
    "GuideError",
    "ImportDataError",
    "GraphNotFoundError",
    "ValidationError",
    "QueryError",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "UpdateRefusedError",
    "UsageError",
    "UnknownRoleError",
    "AmbiguousRoleError",
    "NoRouteError",
    "EndpointError",
]


class CareerGraphError(Exception):
    """Base class of every error careergraph raises on purpose.

    ``exit_code`` is what the command line exits with; the message is what
    it prints after ``Error:``.
    """

    exit_code = 1


class DataError(CareerGraphError):
    """Input data (a guide, an import file, a built graph) is unusable."""


class GuideError(DataError):
    """A career guide could not be parsed.

    Parameters
    ----------
    message : str
        What is wrong.
    path : str, optional
        The guide's file name.
    line : int, optional
        1-based line number where the problem was found.
    section : str, optional
        The guide section (e.g. ``"Median Salary Range"``) being read.
    """

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        section: str | None = None,
    ) -> None:
        self.reason = message
        self.path = path
        self.line = line
        self.section = section
        where = []
        if path:
            where.append(str(path) + (f":{line}" if line else ""))
        elif line:
            where.append(f"line {line}")
        if section:
            where.append(f"section '{section}'")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class ImportDataError(DataError):
    """A taxonomy file (O*NET, ESCO, OEWS) is missing, malformed or truncated."""


class GraphNotFoundError(DataError):
    """A ``--graph`` folder does not hold a built graph."""


class ValidationError(DataError):
    """The graph does not conform to its SHACL shapes."""


class QueryError(CareerGraphError):
    """A SPARQL query failed while running."""


class QueryTimeoutError(QueryError):
    """A SPARQL query ran past its time limit."""


class EndpointError(CareerGraphError):
    """A remote SPARQL endpoint is unreachable, refused us, or lacks a feature."""


class UsageError(CareerGraphError):
    """The user asked for something that cannot be, e.g. a bad option value."""

    exit_code = 2


class QuerySyntaxError(UsageError):
    """A SPARQL query does not parse; the message names line and column."""


class UpdateRefusedError(UsageError):
    """A SPARQL update was sent where only reading is allowed."""


class UnknownRoleError(UsageError):
    """No role matches what the user typed.

    Parameters
    ----------
    name : str
        What the user typed.
    suggestions : list of str
        Up to three close role labels, best first.
    """

    def __init__(self, name: str, suggestions: list[str] | None = None) -> None:
        self.name = name
        self.suggestions = list(suggestions or [])
        msg = f"Unknown role '{name}'."
        if self.suggestions:
            msg += " Did you mean: " + "; ".join(self.suggestions) + "?"
        else:
            msg += " Run 'careergraph roles' to list the roles."
        super().__init__(msg)


class AmbiguousRoleError(UsageError):
    """What the user typed matches several roles equally well."""

    def __init__(self, name: str, candidates: list[str]) -> None:
        self.name = name
        self.candidates = list(candidates)
        super().__init__(
            f"Role '{name}' is ambiguous; it matches: "
            + "; ".join(self.candidates)
            + ". Type more of the title."
        )


class NoRouteError(CareerGraphError):
    """There is no route between two roles; the message says why."""

    def __init__(self, message: str, nearest: list[str] | None = None) -> None:
        self.nearest = list(nearest or [])
        if self.nearest:
            message += " Nearest reachable roles: " + "; ".join(self.nearest) + "."
        super().__init__(message)
