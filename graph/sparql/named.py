"""Named queries shipped as ``.rq`` files, and the parameters their header declares.

The comment lines at the top of a query may declare parameters::

    # Roles that need a skill, most important first.
    # param skill: Skill -- the skill: a label, alternative label or IRI
    # param level: ExperienceLevel, optional -- an experience level

A declared type that is a class (``Role``, ``Skill``, ``Sector``, ``Employer``,
``ExperienceLevel``) lets people give a name instead of an IRI. Other types
are ``iri``, ``string``, ``integer``, ``decimal`` and ``boolean``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import (
    UsageError,
)
from graph.namespaces import CG_IRI

__all__ = ["ParamSpec", "NamedQuery", "parse_header", "named_queries", "named_query"]


#: declared parameter types that name a class: looked up by label
CLASS_TYPES: dict[str, tuple[str, str | None]] = {
    "Role": (CG_IRI + "Role", "role/"),
    "Skill": (CG_IRI + "Skill", "skill/"),
    "Sector": (CG_IRI + "Sector", "sector/"),
    "Employer": (CG_IRI + "Employer", "employer/"),
    "ExperienceLevel": (CG_IRI + "ExperienceLevel", None),
}


LITERAL_TYPES = {"iri", "string", "integer", "decimal", "boolean"}


_PARAM_LINE = re.compile(
    r"^param\s+([A-Za-z_]\w*)\s*:\s*(\w+)\s*(?:,\s*(optional))?\s*(?:--\s*(.*))?$"
)


@dataclass
class ParamSpec:
    """A parameter declared in a query's header comment."""

    name: str
    type: str
    optional: bool = False
    help: str = ""
    #: a value that answers well on the built-in graph (``# example: name=value``)
    example: str | None = None

    def usage(self) -> str:
        metavar = self.type.upper() if self.type in CLASS_TYPES else "VALUE"
        text = f"--param {self.name}={metavar}"
        return f"[{text}]" if self.optional else text


@dataclass
class NamedQuery:
    """A query shipped as ``graph/queries/<name>.rq``."""

    name: str
    description: str
    params: list[ParamSpec]
    text: str
    path: Path | None = None

    def examples(self) -> dict[str, str]:
        """The example value of every parameter that has one."""
        return {p.name: p.example for p in self.params if p.example is not None}

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "params": [p.__dict__ for p in self.params],
            "file": self.path.name if self.path else None,
        }


def parse_header(query: str, source: str = "query") -> tuple[str, list[ParamSpec]]:
    """Read the description and declared parameters from a query's leading comments.

    Examples
    --------
    >>> text = "# Roles in a sector.\\n# param sector: Sector, optional -- the sector\\nSELECT"
    >>> description, params = parse_header(text)
    >>> description, params[0].name, params[0].type, params[0].optional
    ('Roles in a sector.', 'sector', 'Sector', True)
    """
    description = ""
    params: list[ParamSpec] = []
    for number, raw in enumerate(query.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        if body.startswith("example:"):
            name, sep, value = body[len("example:") :].strip().partition("=")
            spec = next((p for p in params if p.name == name.strip()), None)
            if not sep or spec is None:
                raise UsageError(
                    f"{source}:{number}: an example line reads '# example: NAME=VALUE' "
                    "after the '# param NAME: ...' line it is for"
                )
            spec.example = value.strip()
        elif body.startswith("param ") or body.startswith("param\t"):
            match = _PARAM_LINE.match(body)
            if not match:
                raise UsageError(
                    f"{source}:{number}: a parameter line reads "
                    "'# param NAME: TYPE[, optional] -- help'"
                )
            name, ptype, optional, help_text = match.groups()
            if ptype not in CLASS_TYPES and ptype not in LITERAL_TYPES:
                known = ", ".join([*CLASS_TYPES, *sorted(LITERAL_TYPES)])
                raise UsageError(
                    f"{source}:{number}: unknown parameter type '{ptype}' (known: {known})"
                )
            params.append(ParamSpec(name, ptype, bool(optional), (help_text or "").strip()))
        elif not description and body:
            description = body
    return description, params


def named_queries() -> list[NamedQuery]:
    """Return the shipped named queries, sorted by name.

    Examples
    --------
    >>> names = [q.name for q in named_queries()]
    >>> "roles-needing-skill" in names and "ladder-to-role" in names
    True
    """
    from graph.resources import queries_dir

    found = []
    for path in sorted(queries_dir().glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        description, params = parse_header(text, source=path.name)
        found.append(NamedQuery(path.stem, description, params, text, path))
    return found


def named_query(name: str) -> NamedQuery:
    """Return one named query.

    Raises
    ------
    UsageError
        If there is no query of that name; the message lists close names.

    Examples
    --------
    >>> named_query("roles-by-sector").params[0].name
    'sector'
    """
    queries = {q.name: q for q in named_queries()}
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.4)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UsageError(
        f"Unknown named query '{name}'.{hint} Run 'careergraph sparql --list' to see them all."
    )
