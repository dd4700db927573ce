"""HTTP details of the app: content negotiation, format names, role URLs."""

from __future__ import annotations

from urllib.parse import quote

from graph.namespaces import ID_IRI

__all__ = ["negotiate", "role_id"]


_SELECT_OFFERS = [
    ("application/sparql-results+json", "json"),
    ("application/json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("text/html", "html"),
]


_GRAPH_OFFERS = [
    ("text/turtle", "turtle"),
    ("application/x-turtle", "turtle"),
    ("application/turtle", "turtle"),
    ("application/n-triples", "ntriples"),
    ("text/plain", "ntriples"),
    ("application/rdf+xml", "rdfxml"),
    ("application/ld+json", "jsonld"),
    ("text/html", "html"),
]


_FORMAT_ALIASES = {"ttl": "turtle", "nt": "ntriples", "rdf": "rdfxml", "json-ld": "jsonld"}


def negotiate(accept: str | None, offers: list[tuple[str, str]]) -> str | None:
    """Pick the offer an ``Accept`` header likes best; ``None`` when it accepts none.

    Ties go to the more specific match, then to the order of ``offers``.

    Examples
    --------
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", _SELECT_OFFERS)
    'xml'
    >>> negotiate("text/html,application/xhtml+xml,*/*;q=0.8", _SELECT_OFFERS)
    'html'
    >>> negotiate(None, _SELECT_OFFERS), negotiate("image/png", _SELECT_OFFERS)
    ('json', None)
    """
    if not accept or not accept.strip():
        return offers[0][1]
    ranges = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    best: tuple[float, int, int] | None = None
    choice = None
    for order, (media, name) in enumerate(offers):
        major = media.split("/")[0]
        match = None
        for pattern, q in ranges:
            if pattern == media:
                specificity = 2
            elif pattern == f"{major}/*":
                specificity = 1
            elif pattern == "*/*":
                specificity = 0
            else:
                continue
            if match is None or specificity > match[1]:
                match = (q, specificity)
        if match is None or match[0] <= 0:
            continue
        rank = (match[0], match[1], -order)
        if best is None or rank > best:
            best, choice = rank, name
    return choice


def role_id(iri: str) -> str:
    """The id of a role in ``/roles/{id}`` URLs.

    Examples
    --------
    >>> role_id("https://w3id.org/careergraph/id/role/technical-program-manager")
    'technical-program-manager'
    >>> role_id("https://w3id.org/careergraph/id/onet/15-1252.00")
    'onet/15-1252.00'
    """
    if iri.startswith(ID_IRI + "role/"):
        return iri[len(ID_IRI + "role/") :]
    if iri.startswith(ID_IRI):
        return iri[len(ID_IRI) :]
    return quote(iri, safe="")


def _role_url(iri: str) -> str:
    return "/roles/" + quote(role_id(iri), safe="/")
