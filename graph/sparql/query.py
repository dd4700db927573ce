"""Run SPARQL queries on a careergraph store; named queries shipped as ``.rq`` files.

Every query goes through the :class:`graph.store.local.Store` interface, so the same
code reads a local graph folder or a remote endpoint. The ontology's prefixes
(``cg:``, ``cgr:``, ``skos:``, ``schema:`` ...) are declared for the user.

Parameters
----------
A query names a parameter by writing ``$name`` where its value goes; a value
given with ``--param name=value`` replaces every ``$name`` with an RDF term:
an IRI (``<...>``, ``http(s)://...`` or a known ``prefix:name``) or an escaped
literal, never raw text, so a value cannot change the query's shape. A
parameter left without a value stays an ordinary variable. The comment lines
at the top of a query may declare parameters::

    # Roles that need a skill, most important first.
    # param skill: Skill -- the skill: a label, alternative label or IRI
    # param level: ExperienceLevel, optional -- an experience level

A declared type that is a class (``Role``, ``Skill``, ``Sector``, ``Employer``,
``ExperienceLevel``) lets people give a name instead of an IRI: it is looked up
case-insensitively in the labels, alternative titles and abbreviations.
Other types are ``iri``, ``string``, ``integer``, ``decimal`` and ``boolean``."""

from __future__ import annotations

import difflib
import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from graph.errors import (
    AmbiguousRoleError,
    QueryError,
    QuerySyntaxError,
    QueryTimeoutError,
    UnknownRoleError,
    UpdateRefusedError,
    UsageError,
)
from graph.namespaces import CG_IRI, ID_IRI, PREFIXES, sparql_prologue
from graph.syntax import _UPDATE_WORDS, _code_words, _tokens, query_kind, screen_query, uses_service

__all__ = [
    "RESULT_FORMATS",
    "GRAPH_FORMATS",
    "ParamSpec",
    "NamedQuery",
    "QueryResult",
    "UpdateReport",
    "check_query",
    "parse_header",
    "named_queries",
    "named_query",
    "parse_param_args",
    "bind_params",
    "run_query",
    "execute",
    "run_with_timeout",
    "serialize_capped",
    "shorten_iri",
    "binding_text",
    "results_table",
    "apply_update",
]


XSD = PREFIXES["xsd"]


T = TypeVar("T")


#: results formats of SELECT and ASK: name -> media type
RESULT_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}


#: formats of CONSTRUCT and DESCRIBE results: name -> media type
GRAPH_FORMATS: dict[str, str] = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}


_POSITION = re.compile(r"error at (\d+):(\d+):?\s*(.*)", re.S)


_RDFLIB_LOCK = threading.Lock()


def _offset(query: str, line: int, column: int) -> int:
    lines = query.split("\n")
    return sum(len(text) + 1 for text in lines[: line - 1]) + column - 1


def _line_col(query: str, offset: int) -> tuple[int, int]:
    before = query[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _end_of_code(query: str) -> int:
    """Offset just past the last token that is not a comment or space."""
    end = 0
    for match in _tokens(query):
        if match.lastgroup not in ("comment", "space"):
            end = match.end()
    return end


def _second_opinion(query: str) -> int | None:
    """Where rdflib's parser stops on a query, as an offset (None if it parses)."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    with _RDFLIB_LOCK:  # pyparsing's packrat cache is shared by threads
        try:
            parseQuery(query)
        except ParseException as exc:
            return int(exc.loc)
        except Exception:  # rdflib fails in its own ways; pyoxigraph's answer stands
            return None
    return None


def _syntax_message(query: str, error: str) -> str:
    """Turn a parser message into one naming line and column, with a caret.

    pyoxigraph reports the furthest point its parser reached, which for many
    mistakes is the end of the query; rdflib's parser stops at the start of
    the first construct it cannot continue, so the earlier of the two wins.
    """
    match = _POSITION.search(error)
    if not match:
        return f"The SPARQL query does not parse: {error}"
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    detail = " ".join(detail.split())
    end = _end_of_code(query)
    here = _offset(query, line, column)
    other = _second_opinion(query)
    if other is not None and other < min(here, end):
        line, column = _line_col(query, other)
        found = next((m for m in _tokens(query[other:]) if m.lastgroup != "space"), None)
        detail = f"unexpected '{found.group()}'" if found else "unexpected text"
    elif other is not None and here >= end:
        detail = "the query ends too early (an unclosed '{' or '(', or a missing term?)"
    lines = query.split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if "Prefix not found" in detail:
        # the parser stops just after an undeclared 'prefix:name'
        head = text[: column - 1]
        found_prefix = re.search(r"([A-Za-z_][\w.-]*)?:[\w.%-]*$", head)
        name = (found_prefix.group(1) or "") if found_prefix else "?"
        if found_prefix:
            column = found_prefix.start() + 1
        detail = (
            f"the prefix '{name}:' is not declared; declare it with PREFIX {name}: <...> "
            f"(declared for you: {', '.join(p + ':' for p in PREFIXES)})"
        )
    elif len(detail) > 160:
        detail = detail[:157] + "..."
    message = f"The SPARQL query does not parse at line {line}, column {column}: {detail}"
    if text.strip():
        shown = text.expandtabs(1)
        message += f"\n  {shown}\n  {' ' * max(column - 1, 0)}^"
    return message


_CHECKER: Any = None


_CHECKER_LOCK = threading.Lock()


_STACK_LOCK = threading.Lock()


#: stack of the threads the engine parses in: far deeper than any accepted query needs
ENGINE_STACK_BYTES = 256 * 1024 * 1024


def in_big_stack(func: Callable[[], T], timeout: float | None = None) -> T:
    """Call ``func`` in a thread with a large stack; the second guard against deep queries.

    :func:`screen_query` refuses queries nested too deep for the engine's
    recursive parser; should one slip past, the parser still has room here
    rather than ending the process.

    Raises
    ------
    QueryTimeoutError
        When ``func`` has not returned after ``timeout`` seconds.

    Examples
    --------
    >>> in_big_stack(lambda: 6 * 7)
    42
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = func()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    with _STACK_LOCK:  # stack_size() is process-wide: set it only for this thread
        previous = threading.stack_size(ENGINE_STACK_BYTES)
        try:
            thread = threading.Thread(target=target, name="careergraph-parse", daemon=True)
            thread.start()
        except RuntimeError:  # no room for such a stack: the screen alone has to do
            threading.stack_size(previous)
            thread = threading.Thread(target=target, name="careergraph-parse", daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
    thread.join(timeout if timeout and timeout > 0 else None)
    if thread.is_alive():
        raise QueryTimeoutError(f"Checking the query took over {timeout:g} s. Simplify it.")
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def check_query(
    query: str,
    *,
    allow_update: bool = False,
    allow_service: bool = False,
    timeout: float | None = 30.0,
) -> str:
    """Check that a query parses; return its kind (see :func:`query_kind`).

    The text is screened first (:func:`screen_query`: size, nesting,
    operators, ``SERVICE``); then the query is parsed against an empty
    in-memory store with the usual prefixes, in a thread with a large stack
    and under ``timeout``, so a syntax error is reported with the user's own
    line and column whatever store it is then sent to. A query using
    ``SERVICE`` (only with ``allow_service``, for a remote store) is never
    given to the local engine.

    Raises
    ------
    UpdateRefusedError
        If the request is a SPARQL update and ``allow_update`` is false.
    UsageError
        If the query is over a limit or uses ``SERVICE`` without ``allow_service``.
    QuerySyntaxError
        If the query does not parse; the message names line and column.
    QueryTimeoutError
        If parsing takes longer than ``timeout``.

    Examples
    --------
    >>> check_query("SELECT ?r WHERE { ?r a cg:Role }")
    'select'
    >>> check_query("SELECT ?r WHERE {\\n  ?r a cg:Role . FILTER(?r = ) }")
    Traceback (most recent call last):
    ...
    graph.errors.QuerySyntaxError: The SPARQL query does not parse at line 2, column 18: \
unexpected 'FILTER'
        ?r a cg:Role . FILTER(?r = ) }
                       ^
    """
    global _CHECKER
    kind = query_kind(query)
    if kind == "update":
        if allow_update:
            return kind
        word = next(w.upper() for w in _code_words(query) if w.upper() in _UPDATE_WORDS)
        raise UpdateRefusedError(
            f"SPARQL updates ({word}) are refused: queries here only read the graph."
        )
    screen_query(query, allow_service=allow_service)
    if uses_service(query):
        return kind if kind != "unknown" else "select"  # the remote endpoint will judge it
    import pyoxigraph as ox

    with _CHECKER_LOCK:
        if _CHECKER is None:
            _CHECKER = ox.Store()
        checker = _CHECKER

    def parse() -> None:
        # parsing is eager and evaluation lazy, so nothing runs against the empty store
        try:
            checker.query(query, prefixes=PREFIXES)
        except OSError:
            pass  # an ASK evaluated eagerly; the real store will answer

    try:
        in_big_stack(parse, timeout)
    except SyntaxError as exc:
        raise QuerySyntaxError(_syntax_message(query, str(exc))) from exc
    return kind if kind != "unknown" else "select"


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


def _label_matches(store: Any, cls: str, value: str, slug_ns: str | None) -> list[dict[str, Any]]:
    import pyoxigraph as ox

    wanted = str(ox.Literal(value.strip()))
    slug_filter = ""
    if slug_ns and re.fullmatch(r"[A-Za-z0-9][\w.-]*", value.strip()):
        slug_filter = f" || ?x = <{ID_IRI}{slug_ns}{value.strip()}>"
    return store.select(
        f"""SELECT ?x (SAMPLE(?name) AS ?label) WHERE {{
  ?x a/rdfs:subClassOf* <{cls}> ;
     rdfs:label|skos:prefLabel|skos:altLabel|skos:hiddenLabel|skos:notation|schema:name ?l .
  FILTER(LCASE(STR(?l)) = LCASE({wanted}){slug_filter})
  OPTIONAL {{ ?x skos:prefLabel|rdfs:label|schema:name ?name }}
}} GROUP BY ?x ORDER BY ?x"""
    )


def resolve_name(store: Any, ptype: str, value: str) -> str:
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


def _term_for(store: Any, spec: ParamSpec | None, value: str) -> str:
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


def bind_params(query: str, values: Mapping[str, str], store: Any = None) -> str:
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


@dataclass
class QueryResult:
    """What a query returned, serialized in a standard format."""

    body: bytes
    media_type: str
    kind: str
    #: solutions or triples in the body (None when not counted)
    rows: int | None = None
    #: true when a row cap cut the results short
    truncated: bool = False


def run_with_timeout(func: Callable[[], T], timeout: float | None) -> T:
    """Call ``func`` in a worker thread and stop waiting after ``timeout`` seconds.

    The embedded store cannot cancel a running query, so the thread is left to
    finish on its own (it is a daemon: a command exits without waiting for it).
    Long-running servers use :class:`QueryPool`, which kills its workers.

    Raises
    ------
    QueryTimeoutError
        When ``func`` has not returned in time.

    Examples
    --------
    >>> run_with_timeout(lambda: 41 + 1, timeout=5)
    42
    """
    if not timeout or timeout <= 0:
        return func()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = func()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="careergraph-query", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise QueryTimeoutError(
            f"Query stopped after {timeout:g} s. Narrow it (more specific patterns, LIMIT) "
            "or give a longer --timeout."
        )
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def run_query(
    store: Any,
    query: str,
    result_format: str = "json",
    *,
    timeout: float | None = 30.0,
    allow_service: bool = False,
) -> QueryResult:
    """Check and run a read query on a store; return its serialized results.

    Parameters
    ----------
    store : graph.store.local.Store
        Local or remote; only ``query_raw`` is used.
    query : str
        A SELECT, ASK, CONSTRUCT or DESCRIBE query; the usual prefixes are declared.
    result_format : str
        ``json``, ``xml``, ``csv`` or ``tsv`` for SELECT and ASK; CONSTRUCT and
        DESCRIBE always give ``turtle`` unless ``ntriples`` is asked for.
    timeout : float, optional
        Seconds to wait before giving up with :class:`QueryTimeoutError`.

    Raises
    ------
    QuerySyntaxError, UpdateRefusedError, QueryTimeoutError, QueryError

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> result = run_query(open_store(), "ASK { ?r a cg:Role }")
    >>> result.kind, json.loads(result.body)["boolean"]
    ('ask', True)
    """
    kind = check_query(query, allow_service=allow_service, timeout=timeout)
    if kind in ("construct", "describe"):
        fmt = result_format if result_format in ("turtle", "ntriples") else "turtle"
    elif result_format in RESULT_FORMATS:
        fmt = result_format
    else:
        raise UsageError(
            f"A {kind.upper()} query gives a results table; use --format "
            + "|".join(["table", *RESULT_FORMATS])
            + "."
        )
    # a remote store needs the prefixes spelled out; locally they are redundant and harmless
    full = sparql_prologue(query) + query
    body, media_type = run_with_timeout(
        lambda: store.query_raw(full, fmt, timeout=timeout), timeout
    )
    return QueryResult(body, media_type, kind)


def execute(
    store: Any,
    query: str,
    params: Mapping[str, str] | None = None,
    result_format: str = "json",
    *,
    timeout: float | None = 30.0,
) -> QueryResult:
    """Put parameter values into a query and run it: what ``careergraph sparql`` does.

    See :func:`bind_params` for ``params`` and :func:`run_query` for the rest.
    An update is refused with a hint about ``--allow-update`` (see
    :func:`apply_update`).

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> text = named_query("moves-from-role").text
    >>> result = execute(open_store(), text, {"role": "TPM"}, "csv")
    >>> result.body.splitlines()[0]
    b'to,toLabel,kind,skillsToGain'
    """
    if query_kind(query) == "update":
        try:
            check_query(query)
        except UpdateRefusedError as exc:
            raise UpdateRefusedError(
                f"{exc} Add --allow-update to change the graph folder named with --graph."
            ) from exc
    bound = bind_params(query, params or {}, store)
    return run_query(store, bound, result_format, timeout=timeout)


def _term_json(term: Any) -> dict[str, Any]:
    """A term in the SPARQL 1.1 JSON results form."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _term_json(term.subject),
                "predicate": _term_json(term.predicate),
                "object": _term_json(term.object),
            },
        }
    raise QueryError(f"Cannot serialize the result term {term!r}.")


def serialize_capped(result: Any, result_format: str, max_rows: int | None) -> QueryResult:
    """Serialize a pyoxigraph query result, keeping at most ``max_rows`` rows or triples.

    The kept rows are serialized by pyoxigraph's own writers, so every format
    is the standard one; ``truncated`` says whether rows were dropped.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> store = ox.Store()
    >>> store.update("INSERT DATA { <http://e.org/a> <http://e.org/p> 1, 2, 3 }")
    >>> out = serialize_capped(store.query("SELECT ?o { ?s ?p ?o }"), "csv", 2)
    >>> out.rows, out.truncated, out.body.count(b"\\r\\n")
    (2, True, 3)
    """
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        fmt = result_format if result_format in RESULT_FORMATS else "json"
        body = result.serialize(format=_results_format(fmt)) or b""
        return QueryResult(body, RESULT_FORMATS[fmt], "ask", 1)
    if isinstance(result, ox.QuerySolutions):
        fmt = result_format if result_format in RESULT_FORMATS else "json"
        names = [v.value for v in result.variables]
        rows = list(islice(result, max_rows + 1)) if max_rows is not None else list(result)
        truncated = max_rows is not None and len(rows) > max_rows
        rows = rows[:max_rows] if max_rows is not None else rows
        data = {
            "head": {"vars": names},
            "results": {
                "bindings": [
                    {n: _term_json(row[n]) for n in names if row[n] is not None} for row in rows
                ]
            },
        }
        # re-read through pyoxigraph so every format comes from its standard writer
        kept = ox.parse_query_results(json.dumps(data).encode(), format=ox.QueryResultsFormat.JSON)
        body = kept.serialize(format=_results_format(fmt)) or b""
        return QueryResult(body, RESULT_FORMATS[fmt], "select", len(rows), truncated)
    fmt = result_format if result_format in GRAPH_FORMATS else "turtle"
    triples = list(islice(result, max_rows + 1)) if max_rows is not None else list(result)
    truncated = max_rows is not None and len(triples) > max_rows
    triples = triples[:max_rows] if max_rows is not None else triples
    rdf_format = _graph_format(fmt)
    prefixes = PREFIXES if fmt in ("turtle", "rdfxml") else None
    body = ox.serialize(triples, format=rdf_format, prefixes=prefixes) or b""
    return QueryResult(body, GRAPH_FORMATS[fmt], "construct", len(triples), truncated)


def _results_format(name: str) -> Any:
    import pyoxigraph as ox

    return {
        "json": ox.QueryResultsFormat.JSON,
        "xml": ox.QueryResultsFormat.XML,
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
    }[name]


def _graph_format(name: str) -> Any:
    import pyoxigraph as ox

    return {
        "turtle": ox.RdfFormat.TURTLE,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "rdfxml": ox.RdfFormat.RDF_XML,
        "jsonld": ox.RdfFormat.JSON_LD,
    }[name]


def shorten_iri(iri: str) -> str:
    """Write an IRI with a known prefix when one fits.

    Examples
    --------
    >>> shorten_iri("https://w3id.org/careergraph/id/role/technical-program-manager")
    'cgr:role/technical-program-manager'
    >>> shorten_iri("http://example.org/x")
    '<http://example.org/x>'
    """
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        return f"{best}:{iri[len(PREFIXES[best]) :]}"
    return f"<{iri}>"


def binding_text(binding: Mapping[str, Any] | None) -> str:
    if not binding:
        return ""
    kind = binding.get("type")
    value = str(binding.get("value", ""))
    if kind == "uri":
        return shorten_iri(value)
    if kind == "bnode":
        return "_:" + value
    if kind == "triple":
        parts = binding["value"]
        inner = " ".join(binding_text(parts[k]) for k in ("subject", "predicate", "object"))
        return f"<< {inner} >>"
    if binding.get("xml:lang"):
        return f"{value} @{binding['xml:lang']}"
    return value


def results_table(json_body: bytes, title: str | None = None) -> Any:
    """Build a rich table from SPARQL JSON results (IRIs shortened with the known prefixes).

    Examples
    --------
    >>> body = b'{"head":{"vars":["r"]},"results":{"bindings":[{"r":{"type":"uri",'
    >>> body += b'"value":"https://w3id.org/careergraph/ontology#Role"}}]}}'
    >>> table = results_table(body)
    >>> table.row_count, table.columns[0].header
    (1, 'r')
    """
    from rich import box
    from rich.table import Table

    data = json.loads(json_body)
    if "boolean" in data:
        table = Table("ask", box=box.SIMPLE_HEAD, title=title)
        table.add_row("true" if data["boolean"] else "false")
        return table
    names = data["head"].get("vars", [])
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left")
    for name in names:
        # fold, not cut: an IRI has no spaces to wrap at and must stay whole
        table.add_column(name, overflow="fold")
    for binding in data["results"]["bindings"]:
        table.add_row(*(binding_text(binding.get(n)) for n in names))
    return table


@dataclass
class UpdateReport:
    """What :func:`apply_update` changed."""

    graph_dir: Path
    triples_before: int
    triples_after: int
    build_id: str


def apply_update(
    graph_dir: Path, update: str, params: Mapping[str, str] | None = None
) -> UpdateReport:
    """Apply a SPARQL update to a graph folder, as a new build of it.

    The current triples are copied into a fresh store, the update runs there,
    and the folder is committed like a build (new ``graph.ttl``, new build id,
    so cached projections are rebuilt). If the update fails, the folder is
    left as it was.

    Raises
    ------
    QuerySyntaxError
        If the update does not parse (with line and column).
    QueryError
        If it fails while running (e.g. a LOAD that cannot be fetched).
    UsageError
        If it uses SERVICE or is over a limit of :func:`screen_query`.
    """
    from graph.store.local import folder_lock, read_manifest

    graph_dir = Path(graph_dir)
    read_manifest(graph_dir)  # a folder without a graph is an error, not a new empty folder
    # the folder read here is the one written: no build may replace it meanwhile
    with folder_lock(graph_dir):
        return _apply_update(graph_dir, update, params)


def _apply_update(graph_dir: Path, update: str, params: Mapping[str, str] | None) -> UpdateReport:
    import pyoxigraph as ox

    from graph.store.local import GRAPH_IRI, read_manifest, write_graph

    manifest = read_manifest(graph_dir)
    if params:
        from graph.store.local import LocalStore

        reader = LocalStore(graph_dir, manifest=manifest)
        update = bind_params(update, params, reader)
        reader.close()
    screen_query(update)  # no SERVICE, nothing too deep for the parser
    old = ox.Store.read_only(str(graph_dir / manifest.store))
    before = len(old)
    stamp = ox.NamedNode(GRAPH_IRI)
    sizes: dict[str, int] = {}

    def fill(store: Any) -> None:
        # the old build's stamp is replaced by write_graph's new one
        store.bulk_extend(q for q in old if q.subject != stamp)
        try:
            store.update(update, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QuerySyntaxError(_syntax_message(update, str(exc))) from exc
        except OSError as exc:
            raise QueryError(f"The update failed: {exc}") from exc

    def counts(store: Any) -> dict[str, int]:
        try:
            from graph.store.counts import graph_counts

            found = dict(graph_counts(store))
        except ImportError:
            found = {"triples": len(store)}
        sizes["after"] = len(store)
        return found

    new = write_graph(
        graph_dir,
        fill,
        counts=counts,
        sources=manifest.sources,
        warnings=[*manifest.warnings, "changed by a SPARQL update after the build"],
    )
    # two stamp triples were added by the new build, as they were by the old one
    return UpdateReport(graph_dir, before, sizes.get("after", 0) + 2, new.build_id)
