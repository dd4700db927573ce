"""The Store protocol every reader uses, and RDF terms as Python values.

A store answers SPARQL; the embedded one (:mod:`graph.store.local`) and a
remote endpoint (:mod:`graph.store.remote`) give the same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = ["Store", "term_to_python", "literal_value"]


XSD = "http://www.w3.org/2001/XMLSchema#"


_INT_TYPES = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "unsignedInt",
        "unsignedLong",
    )
}


def results_format(name: str) -> Any:
    """The pyoxigraph format of SPARQL results named ``name`` (json, xml, csv, tsv; else JSON)."""
    import pyoxigraph as ox

    return {
        "json": ox.QueryResultsFormat.JSON,
        "xml": ox.QueryResultsFormat.XML,
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
    }.get(name, ox.QueryResultsFormat.JSON)


def term_to_python(term: Any) -> Any:
    """Turn a pyoxigraph term into a plain Python value.

    IRIs become ``str``; literals their Python value (int, float, Decimal,
    bool or str); blank nodes ``"_:id"``.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> term_to_python(ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")))
    3
    >>> term_to_python(ox.NamedNode("https://example.org/a"))
    'https://example.org/a'
    """
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        return literal_value(term.value, term.datatype.value)
    return str(term)


def literal_value(value: str, datatype: str | None) -> Any:
    """Turn a literal's lexical form and datatype into the Python value local stores give.

    Examples
    --------
    >>> literal_value("3", "http://www.w3.org/2001/XMLSchema#integer")
    3
    >>> literal_value("4.5", "http://www.w3.org/2001/XMLSchema#decimal")
    Decimal('4.5')
    >>> literal_value("true", "http://www.w3.org/2001/XMLSchema#boolean")
    True
    >>> literal_value("Director", None)
    'Director'
    """
    convert = _CONVERT.get(datatype) if datatype else None
    if convert is None:
        return value
    try:
        return convert(value)
    except (ValueError, ArithmeticError):
        return value


def _boolean(value: str) -> bool:
    return value in ("true", "1")


#: literal datatype -> the Python value local stores give; other literals stay strings
_CONVERT: dict[str, Callable[[str], Any]] = {
    **{t: int for t in _INT_TYPES},
    XSD + "decimal": Decimal,
    XSD + "double": float,
    XSD + "float": float,
    XSD + "boolean": _boolean,
}


class Store:
    """The read interface every command uses, local or remote."""

    #: a short string naming this store's content; caches are keyed on it
    fingerprint: str = ""

    def select(self, query: str, timeout: float | None = None) -> list[dict[str, Any]]:
        """Run a SELECT query; return one dict per solution, unbound variables absent."""
        raise NotImplementedError

    def ask(self, query: str, timeout: float | None = None) -> bool:
        """Run an ASK query."""
        raise NotImplementedError

    def construct(self, query: str, timeout: float | None = None) -> bytes:
        """Run a CONSTRUCT or DESCRIBE query; return Turtle bytes."""
        raise NotImplementedError

    def query_raw(
        self, query: str, result_format: str, timeout: float | None = None
    ) -> tuple[bytes, str]:
        """Run any query; return ``(body, media_type)`` in a standard results format.

        ``result_format`` is one of ``json``, ``xml``, ``csv``, ``tsv`` (SELECT,
        ASK) or ``turtle``, ``ntriples`` (CONSTRUCT, DESCRIBE).
        """
        raise NotImplementedError

    def projection_cache(self) -> Path | None:
        """Where the networkx projection of this store is cached, if anywhere."""
        return None

    def close(self) -> None:
        """Release the store."""
