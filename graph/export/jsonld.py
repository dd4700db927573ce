"""Write a store's default graph as compact JSON-LD, one subject at a time.

The document is ``{"@context": JSONLD_CONTEXT, "@graph": [node, ...]}``: one
node object per subject, written as the subject's triples are read from the
store (a graph folder's store gives them grouped by subject), so memory holds
one subject at a time whatever the size of the graph. Where a store gives a
subject's triples apart (an in-memory store after later additions), the
subject gets one node object per run of its triples, which readers merge.

In a node object IRIs are compact IRIs (``cgr:role/data-analyst``) where the
context has a prefix for them, ``rdf:type`` is ``@type``, an ``xsd:string``
literal is a plain JSON string, other literals are value objects with
``@language`` (and ``@direction``) or ``@type``, blank nodes are ``_:``
identifiers. Every string is escaped by :func:`json.dumps`, since labels come
from guides and data files.

A JSON-LD reader takes ``cg:Role`` for a compact IRI, so an IRI whose scheme is
one of the context's prefixes (the IRI ``cg:Role``, not ``https://...``) cannot
be written as it is: a node object holding one gets ``"@context": null`` and
only full IRIs. An IRI whose local part would start with ``//`` stays full, as
readers take ``cgr://x`` for an absolute IRI.
"""

from __future__ import annotations

import json
import re
from typing import IO, Any

from graph.errors import CareerGraphError
from graph.namespaces import PREFIXES

__all__ = ["JSONLD_CONTEXT", "compact_iri", "write_jsonld"]


#: the JSON-LD context: schema.org and SKOS first, then careergraph's own namespaces
JSONLD_CONTEXT: dict[str, Any] = {
    "schema": PREFIXES["schema"],
    "skos": PREFIXES["skos"],
    "cg": PREFIXES["cg"],
    "cgr": PREFIXES["cgr"],
    "rdf": PREFIXES["rdf"],
    "rdfs": PREFIXES["rdfs"],
    "owl": PREFIXES["owl"],
    "xsd": PREFIXES["xsd"],
    "dcterms": PREFIXES["dcterms"],
    "prov": PREFIXES["prov"],
    "sh": PREFIXES["sh"],
}

_RDF_TYPE = PREFIXES["rdf"] + "type"
_XSD_STRING = PREFIXES["xsd"] + "string"
_RDF_LANG_STRING = PREFIXES["rdf"] + "langString"

# the longest namespace first, so a namespace inside another one loses
_NAMESPACE = re.compile(
    "|".join(re.escape(ns) for ns in sorted(JSONLD_CONTEXT.values(), key=len, reverse=True))
)
_PREFIX_OF = {ns: prefix for prefix, ns in JSONLD_CONTEXT.items()}
# IRI schemes are case-insensitive; a reader might not treat them so, so neither do we
_CONFUSED = re.compile("(?:" + "|".join(map(re.escape, JSONLD_CONTEXT)) + "):", re.IGNORECASE)


def compact_iri(iri: str) -> str | None:
    """The IRI as the context writes it, or ``None`` where a reader would misread it.

    ``None`` means the IRI's scheme is one of the context's prefixes: only
    a node object without the context (``"@context": null``) can hold it.

    Examples
    --------
    >>> compact_iri("https://w3id.org/careergraph/id/role/data-analyst")
    'cgr:role/data-analyst'
    >>> compact_iri("https://w3id.org/careergraph/id/a:b/c#d")
    'cgr:a:b/c#d'
    >>> compact_iri("https://w3id.org/careergraph/id/")  # no local part
    'https://w3id.org/careergraph/id/'
    >>> compact_iri("https://w3id.org/careergraph/id///x")  # cgr://x is an absolute IRI
    'https://w3id.org/careergraph/id///x'
    >>> compact_iri("http://example.org/x")
    'http://example.org/x'
    >>> compact_iri("cg:Role") is None  # the IRI with the scheme "cg"
    True
    """
    match = _NAMESPACE.match(iri)
    if match is not None:
        local = iri[match.end() :]
        if local and not local.startswith("//"):
            return _PREFIX_OF[match.group()] + ":" + local
    if _CONFUSED.match(iri):
        return None
    return iri


def _full_iri(iri: str) -> str:
    return iri


def _node(quads: list[Any], compact: Any, term: Any, ox: Any) -> dict[str, Any] | None:
    """One subject's node object from its quads; ``None`` if an IRI needs the full form.

    ``compact`` writes the subjects' and objects' IRIs, ``term`` the predicates,
    classes and datatypes (few, so it may remember them). A property with one
    value gets it bare, as JSON-LD compaction does.
    """
    NamedNode, Literal, BlankNode = ox.NamedNode, ox.Literal, ox.BlankNode
    subject = quads[0].subject
    if type(subject) is NamedNode:
        ident = compact(subject.value)
        if ident is None:
            return None
    else:
        ident = "_:" + subject.value
    types: list[str] = []
    values: dict[str, list[Any]] = {}
    value: Any
    for quad in quads:
        predicate = quad.predicate.value
        obj = quad.object
        kind = type(obj)
        if kind is Literal:
            datatype = obj.datatype.value
            if datatype == _XSD_STRING:
                value = obj.value
            elif datatype == _RDF_LANG_STRING or obj.language:
                value = {"@value": obj.value, "@language": obj.language}
                if obj.direction is not None:
                    value["@direction"] = obj.direction.value
            else:
                datatype = term(datatype)
                if datatype is None:
                    return None
                value = {"@value": obj.value, "@type": datatype}
        elif kind is NamedNode:
            if predicate == _RDF_TYPE:
                iri = term(obj.value)
                if iri is None:
                    return None
                types.append(iri)
                continue
            iri = compact(obj.value)
            if iri is None:
                return None
            value = {"@id": iri}
        elif kind is BlankNode:
            value = {"@id": "_:" + obj.value}
        else:
            raise CareerGraphError(
                f"The graph holds a triple term ({obj}) as an object, which JSON-LD cannot "
                "express; export it as nquads instead."
            )
        same = values.get(predicate)
        if same is None:
            values[predicate] = [value]
        else:
            same.append(value)
    node: dict[str, Any] = {"@id": ident}
    if types:
        node["@type"] = types[0] if len(types) == 1 else types
    for predicate, objects in values.items():
        key = term(predicate)
        if key is None:
            return None
        node[key] = objects[0] if len(objects) == 1 else objects
    return node


def write_jsonld(raw: Any, handle: IO[str]) -> int:
    """Write the default graph of a pyoxigraph store as compact JSON-LD; return the node count.

    Parameters
    ----------
    raw : pyoxigraph.Store
        The store (a :class:`graph.store.local.LocalStore`'s ``raw``).
    handle : text file
        Where the document goes (UTF-8).

    Raises
    ------
    CareerGraphError
        The graph holds an RDF 1.2 triple term, which JSON-LD cannot express.

    Examples
    --------
    >>> import io, pyoxigraph as ox
    >>> store = ox.Store()
    >>> role = ox.NamedNode("https://w3id.org/careergraph/id/role/r")
    >>> store.add(ox.Quad(role, ox.NamedNode(PREFIXES["rdf"] + "type"),
    ...                   ox.NamedNode(PREFIXES["cg"] + "Role")))
    >>> store.add(ox.Quad(role, ox.NamedNode(PREFIXES["skos"] + "prefLabel"),
    ...                   ox.Literal('Say "hi"', language="en")))
    >>> out = io.StringIO()
    >>> write_jsonld(store, out)
    1
    >>> node = json.loads(out.getvalue())["@graph"][0]
    >>> node["@id"], node["@type"]
    ('cgr:role/r', 'cg:Role')
    >>> node["skos:prefLabel"]
    {'@value': 'Say "hi"', '@language': 'en'}
    """
    import pyoxigraph as ox

    cache: dict[str, str | None] = {}

    def term(iri: str) -> str | None:
        if iri in cache:
            return cache[iri]
        result = compact_iri(iri)
        if len(cache) < 10_000:
            cache[iri] = result
        return result

    handle.write('{"@context": ' + json.dumps(JSONLD_CONTEXT, indent=1) + ',\n"@graph": [')
    count = 0
    group: list[Any] = []
    last = None

    def flush() -> None:
        nonlocal count
        node = _node(group, compact_iri, term, ox)
        if node is None:
            node = {"@context": None, **(_node(group, _full_iri, _full_iri, ox) or {})}
        handle.write(("\n" if count == 0 else ",\n") + json.dumps(node, ensure_ascii=False))
        count += 1

    for quad in raw.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        subject = quad.subject
        if subject != last and group:
            flush()
            group.clear()
        last = subject
        group.append(quad)
    if group:
        flush()
    handle.write("\n]}\n")
    return count
