"""Parameter values bound into a query as RDF terms, never as raw text.

A query names a parameter by writing ``$name`` where its value goes; a value
given with ``--param name=value`` replaces every ``$name`` with an RDF term:
an IRI (``<...>``, ``http(s)://...`` or a known ``prefix:name``) or an escaped
literal, so a value cannot change the query's shape. A name given for a
class-typed parameter is looked up case-insensitively in the labels,
alternative titles and abbreviations (:func:`resolve_name`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from graph.errors import (
    AmbiguousRoleError,
    UnknownRoleError,
    UsageError,
)
from graph.namespaces import ID_IRI, PREFIXES
from graph.sparql.labels import LABEL_PATH, label_index, lowercase
from graph.sparql.named import CLASS_TYPES, ParamSpec, parse_header
from graph.store.base import Store
from graph.syntax import _tokens

__all__ = ["parse_param_args", "bind_params"]


XSD = PREFIXES["xsd"]


def parse_param_args(args: Iterable[str]) -> dict[str, str]:
    """Turn ``name=value`` strings into a dict.

    Examples
    --------
    >>> parse_param_args(["role=Technical Program Manager", "n=3"])
    {'role': 'Technical Program Manager', 'n': '3'}
    """
    values: dict[str, str] = {}
    for arg in args:
        name, sep, value = arg.partition("=")
        name = name.strip().lstrip("$?")
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise UsageError(f"--param takes NAME=VALUE, got '{arg}'.")
        values[name] = value
    return values


def _iri_of(value: str) -> str | None:
    """The IRI a parameter value spells, if it spells one."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if re.match(r"^(https?|urn|mailto|file):", text):
        return text
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and " " not in local:
        return PREFIXES[prefix] + local
    return None


def _named_node(iri: str, value: str) -> Any:
    import pyoxigraph as ox

    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise UsageError(f"'{value}' is not a valid IRI: {exc}") from exc


def _literal_term(value: str, ptype: str) -> Any:
    """An RDF literal for a value of a literal parameter type (or a guess when untyped)."""
    import pyoxigraph as ox

    def typed(text: str, dt: str) -> Any:
        return ox.Literal(text, datatype=ox.NamedNode(XSD + dt))

    text = value.strip()
    if ptype == "integer" or (ptype == "" and re.fullmatch(r"[+-]?\d+", text)):
        if not re.fullmatch(r"[+-]?\d+", text):
            raise UsageError(f"'{value}' is not an integer.")
        return typed(text, "integer")
    if ptype == "decimal" or (ptype == "" and re.fullmatch(r"[+-]?\d*\.\d+", text)):
        try:
            Decimal(text)
        except InvalidOperation as exc:
            raise UsageError(f"'{value}' is not a decimal number.") from exc
        return typed(text, "decimal")
    if ptype == "boolean" or (ptype == "" and text in ("true", "false")):
        if text.lower() not in ("true", "false"):
            raise UsageError(f"'{value}' is not true or false.")
        return typed(text.lower(), "boolean")
    return ox.Literal(value)


def _slug_iri(value: str, slug_ns: str | None) -> str | None:
    """The IRI ``value`` spells as a slug (``technical-program-manager``), if it can be one."""
    if slug_ns and re.fullmatch(r"[A-Za-z0-9][\w.-]*", value.strip()):
        return f"{ID_IRI}{slug_ns}{value.strip()}"
    return None


def _label_matches(store: Store, cls: str, value: str, slug_ns: str | None) -> list[dict[str, Any]]:
    import pyoxigraph as ox

    wanted = str(ox.Literal(value.strip()))
    slug = _slug_iri(value, slug_ns)
    slug_filter = f" || ?x = <{slug}>" if slug else ""
    return store.select(
        f"""SELECT ?x (SAMPLE(?name) AS ?label) WHERE {{
  ?x a/rdfs:subClassOf* <{cls}> ; {LABEL_PATH} ?l .
  FILTER(LCASE(STR(?l)) = LCASE({wanted}){slug_filter})
  OPTIONAL {{ ?x skos:prefLabel|rdfs:label|schema:name ?name }}
}} GROUP BY ?x ORDER BY ?x"""
    )


def resolve_name(store: Store, ptype: str, value: str) -> str:
    """Return the IRI of the ``ptype`` instance (e.g. a Role) that ``value`` names.

    ``value`` may be an IRI, a slug (``technical-program-manager``), or a label,
    alternative title or abbreviation matched case-insensitively; failing that,
    a part of one label that picks out a single instance.

    Raises
    ------
    UnknownRoleError, AmbiguousRoleError
        For roles, with close labels as suggestions.
    UsageError
        For other types.
    """
    cls, slug_ns = CLASS_TYPES[ptype]
    kind = re.sub(r"(?<!^)([A-Z])", r" \1", ptype).lower()
    iri = _iri_of(value)
    if iri is not None:
        _named_node(iri, value)
        if store.ask(f"ASK {{ <{iri}> a/rdfs:subClassOf* <{cls}> }}"):
            return iri
        raise UsageError(f"<{iri}> is not a {kind} in this graph.")
    index = label_index(store, ptype, cls)
    if index is not None:
        import pyoxigraph as ox

        # a label (or the slug) naming one instance: the common case, answered from the index
        key = lowercase(store, str(ox.Literal(value.strip())))
        found = index.only(key, also=_slug_iri(value, slug_ns))
        if found is not None:
            return found
    rows = _label_matches(store, cls, value, slug_ns)
    if len(rows) == 1:
        return str(rows[0]["x"])
    labels_of = {str(r["x"]): str(r.get("label", r["x"])) for r in rows}
    if not rows:
        every = store.select(
            f"""SELECT ?x ?l WHERE {{ ?x a/rdfs:subClassOf* <{cls}> ;
              rdfs:label|skos:prefLabel|skos:altLabel|schema:name ?l }}"""
        )
        needle = value.strip().lower()
        hits: dict[str, str] = {}
        for row in every:
            if needle and needle in str(row["l"]).lower():
                hits.setdefault(str(row["x"]), str(row["l"]))
        if len(hits) == 1:
            return next(iter(hits))
        labels_of = hits
        if not hits:
            names = sorted({str(r["l"]) for r in every})
            lowered = {n.lower(): n for n in names}
            close = difflib.get_close_matches(needle, list(lowered), n=3, cutoff=0.5)
            suggestions = [lowered[c] for c in close]
            if ptype == "Role":
                raise UnknownRoleError(value, suggestions)
            hint = f" Did you mean: {'; '.join(suggestions)}?" if suggestions else ""
            raise UsageError(f"Unknown {kind} '{value}'.{hint}")
    candidates = sorted(set(labels_of.values()))[:8]
    if ptype == "Role":
        raise AmbiguousRoleError(value, candidates)
    raise UsageError(
        f"{kind.capitalize()} '{value}' is ambiguous; it matches: {'; '.join(candidates)}."
        " Type more of the name."
    )


def _term_for(store: Store | None, spec: ParamSpec | None, value: str) -> str:
    """The N-Triples form of a parameter value: an IRI or an escaped literal."""
    ptype = spec.type if spec else ""
    if ptype in CLASS_TYPES:
        if store is None:
            raise UsageError(f"Looking up a {ptype} by name needs a store.")
        return str(_named_node(resolve_name(store, ptype, value), value))
    if ptype == "iri" or (ptype == "" and _iri_of(value) is not None):
        iri = _iri_of(value)
        return str(_named_node(iri if iri is not None else value, value))
    return str(_literal_term(value, ptype))


def bind_params(query: str, values: Mapping[str, str], store: Store | None = None) -> str:
    """Put parameter values into a query: each ``$name`` becomes an RDF term.

    Values are turned into IRIs or escaped literals (see the module docstring);
    a value can never add syntax to the query. Declared parameters (header
    comments) that are required must be given.

    Raises
    ------
    UsageError
        A value for a parameter the query does not have, a missing required
        parameter, or a value that is not of the declared type.

    Examples
    --------
    >>> bind_params('SELECT * { ?s rdfs:label $name }', {"name": 'a "quoted" } name'})
    'SELECT * { ?s rdfs:label "a \\\\"quoted\\\\" } name" }'
    >>> bind_params("SELECT * { $s ?p ?o }", {"s": "cg:Role"})
    'SELECT * { <https://w3id.org/careergraph/ontology#Role> ?p ?o }'
    """
    _, specs = parse_header(query)
    declared = {s.name: s for s in specs}
    present = [m for m in _tokens(query) if m.lastgroup == "var" and m.group().startswith("$")]
    names = {m.group()[1:] for m in present}
    for name in values:
        if name not in names:
            have = ", ".join(sorted("$" + n for n in names)) or "none"
            raise UsageError(
                f"The query has no parameter ${name} (its parameters: {have}). "
                f"Write ${name} in the query where the value goes."
            )
    missing = [s for s in specs if not s.optional and s.name not in values]
    if missing:
        raise UsageError(
            "The query needs "
            + ", ".join(f"--param {s.name}=... ({s.help or s.type})" for s in missing)
            + "."
        )
    terms = {name: _term_for(store, declared.get(name), value) for name, value in values.items()}
    out: list[str] = []
    last = 0
    for match in present:
        name = match.group()[1:]
        if name in terms:
            out.append(query[last : match.start()])
            out.append(terms[name])
            last = match.end()
    out.append(query[last:])
    return "".join(out)
