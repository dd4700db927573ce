"""The SELECTs that feed the projection and the similarity model, and how their rows are read.

Each query has one text, so a remote server sees each question once; rows are
sorted (:func:`sorted_select`) because servers return them in any order and
the projection must not depend on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import itemgetter, methodcaller
from typing import Any

from graph.store.base import Store

__all__ = ["sorted_select", "sort_rows", "label_key", "label_keys", "AskedTwice"]


CG = "https://w3id.org/careergraph/ontology#"


#: abbreviations people type, expanded the same way in labels and in queries
ABBREVIATIONS = {
    "tpm": "technical program manager",
    "tpms": "technical program manager",
    "em": "engineering manager",
    "sa": "solutions architect",
    "sre": "site reliability engineering",
    "sr": "senior",
    "jr": "junior",
    "mgr": "manager",
    "eng": "engineering",
    "cto": "chief technology officer",
    "cio": "chief information officer",
    "coo": "chief operating officer",
    "vp": "vice president",
    "svp": "senior vice president",
    "dir": "director",
}


ROLES_Q = """
SELECT ?role ?label ?guide ?code ?levelRank WHERE {
  ?role a cg:Role ; skos:prefLabel ?label .
  OPTIONAL { ?role cg:guide ?guide }
  OPTIONAL { ?role skos:notation ?code }
  OPTIONAL { ?role cg:experienceLevel/cg:rank ?levelRank }
}"""


LABELS_Q = """
SELECT ?role ?label WHERE {
  ?role a cg:Role .
  { ?role skos:altLabel ?label } UNION { ?role skos:hiddenLabel ?label }
  UNION { ?role rdfs:label ?label }
}"""


SKILLS_Q = """
SELECT ?role ?skill ?importance ?level WHERE {
  ?role cg:skillRequirement ?req . ?req cg:skill ?skill .
  OPTIONAL { ?req cg:importance ?importance }
  OPTIONAL { ?req cg:level ?level }
}"""


TECH_FLAGS_Q = """
SELECT ?role ?skill ?hot ?demand WHERE {
  ?role cg:skillRequirement ?req . ?req cg:skill ?skill .
  { ?req cg:hotTechnology ?hot } UNION { ?req cg:inDemand ?demand }
}"""


WAGE_LINE_Q = """
SELECT ?role ?line ?title ?proxy ?p10 ?p25 ?median WHERE {
  ?role cg:salaryBand ?band . ?band cg:wageLine ?line .
  OPTIONAL { ?band cg:wageLineTitle ?title }
  OPTIONAL { ?band cg:proxyWage ?proxy }
  OPTIONAL { ?band schema:percentile10 ?p10 }
  OPTIONAL { ?band schema:percentile25 ?p25 }
  OPTIONAL { ?band schema:median ?median }
}"""


LEVEL_ANCHORS_Q = """
SELECT ?skill ?level ?text WHERE {
  ?skill cg:levelAnchor ?anchor . ?anchor cg:anchorLevel ?level ; rdfs:label ?text .
}"""


GAPS_Q = "SELECT ?role ?skill WHERE { ?role cg:commonlyMissingSkill ?skill }"


SKILL_LABELS_Q = """
SELECT ?skill ?label ?type WHERE {
  VALUES ?type { cg:Skill cg:Knowledge cg:Technology }
  ?skill a ?type ; skos:prefLabel ?label .
}"""


TECH_CLASS_Q = """
SELECT ?skill ?class WHERE { ?skill a cg:Technology ; skos:broader ?class . }"""


SKILL_ALT_LABELS_Q = """
SELECT ?skill ?label WHERE { ?skill a cg:Skill ; skos:altLabel ?label . }"""


MOVES_Q = """
SELECT ?move ?from ?to ?kind ?source ?tier ?index WHERE {
  ?move a cg:Transition ; cg:fromRole ?from ; cg:toRole ?to ; cg:transitionKind ?kind .
  OPTIONAL { ?move dcterms:source ?source }
  OPTIONAL { ?move cg:relatedTier ?tier }
  OPTIONAL { ?move cg:relatedIndex ?index }
}"""


MOVE_SKILLS_Q = "SELECT ?move ?skill WHERE { ?move a cg:Transition ; cg:skillToGain ?skill }"


SALARY_Q = """
SELECT ?role ?band ?levelLabel ?rank ?min ?max ?currency ?median ?open ?position WHERE {
  ?role cg:salaryBand ?band .
  ?band schema:minValue ?min ; schema:maxValue ?max ; schema:currency ?currency .
  OPTIONAL { ?band cg:experienceLevel ?lv . ?lv skos:prefLabel ?levelLabel .
             OPTIONAL { ?lv cg:rank ?rank } }
  OPTIONAL { ?band schema:median ?median }
  OPTIONAL { ?band cg:openEnded ?open }
  OPTIONAL { ?band cg:position ?position }
}"""


ZONE_Q = """
SELECT ?role ?zone WHERE {
  ?role cg:experienceLevel ?z .
  VALUES (?z ?zone) {
    (cg:JobZone1 1) (cg:JobZone2 2) (cg:JobZone3 3) (cg:JobZone4 4) (cg:JobZone5 5)
  }
}"""


EDUCATION_Q = """
SELECT ?role ?rank WHERE {
  ?role schema:educationRequirements ?e . ?e a cg:EducationLevel ; cg:rank ?rank
}"""


CLOSE_EDUCATION_Q = """
SELECT ?role ?rank WHERE {
  ?role cg:guide ?g ; skos:closeMatch ?o . ?o schema:educationRequirements/cg:rank ?rank
}"""


PREPARATION_Q = """
SELECT ?role ?scale ?category ?label ?min ?max WHERE {
  ?role cg:preparation ?p . ?p cg:preparationScale/skos:notation ?scale ;
     cg:typicalCategory ?category ; rdfs:label ?label .
  OPTIONAL { ?p cg:minYears ?min } OPTIONAL { ?p cg:maxYears ?max }
}"""


ESTIMATED_Q = """
SELECT ?role ?scale ?from WHERE {
  ?role cg:preparation ?p . ?p cg:preparationScale/skos:notation ?scale ; cg:estimatedFrom ?from
}"""


EXPERIENCE_Q = """
SELECT ?role ?min ?max ?rank ?label WHERE {
  ?role schema:experienceRequirements ?x . ?x cg:minYears ?min .
  OPTIONAL { ?x cg:maxYears ?max }
  OPTIONAL { ?x cg:experienceLevel ?lv . ?lv cg:rank ?rank . ?lv skos:prefLabel ?label }
}"""


ISCO_Q = """
SELECT ?role ?isco ?regulated WHERE {
  ?role a cg:Role .
  OPTIONAL { ?role cg:iscoSkillLevel ?isco }
  OPTIONAL { ?role cg:regulatedProfession ?regulated }
  FILTER(BOUND(?isco) || BOUND(?regulated))
}"""


CREDENTIALS_Q = "SELECT ?role ?label WHERE { ?role cg:credential ?c . ?c rdfs:label ?label }"


SECTORS_Q = (
    "SELECT ?role ?item ?label WHERE { ?role cg:sector ?item . ?item skos:prefLabel ?label }"
)


EMPLOYERS_Q = (
    "SELECT ?role ?item ?label WHERE { ?role cg:employer ?item . ?item skos:prefLabel ?label }"
)


#: the similarity model's texts: every role, its responsibilities, its description and phrases
ROLE_IRIS_Q = "SELECT ?role WHERE { ?role a cg:Role }"
TASKS_Q = "SELECT ?role ?text WHERE { ?role cg:responsibility ?r . ?r rdfs:label ?text }"
# phrases first: the few requirements with one, not every requirement of every role
ROLE_TEXT_Q = """
SELECT ?role ?text WHERE {
  { ?role a cg:Role ; schema:description ?text }
  UNION { ?req cg:phrase ?text . ?role cg:skillRequirement ?req }
}
"""


def _row_key(row: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((k, str(v)) for k, v in row.items())


def sorted_select(store: Store, query: str) -> list[dict[str, Any]]:
    """Run a SELECT and sort its rows: servers return rows in any order; the projection must not.

    Rows are ordered by their ``(variable, text)`` pairs in variable order
    (:func:`_row_key`); an import's projection sorts half a million rows, so
    the same order is reached without a list of pairs per row
    (:func:`sort_rows`).

    Examples
    --------
    >>> class Rows:
    ...     def select(self, query):
    ...         return [{"b": 1, "a": "y"}, {"a": "x", "b": 2}, {"a": "x", "b": 10}, {"b": 0}]
    >>> [row["b"] for row in sorted_select(Rows(), "")]
    [10, 2, 1, 0]
    """
    if isinstance(store, AskedTwice):
        return store.sorted_select(query)
    return sort_rows(store.select(query))


def sort_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` in the order of :func:`sorted_select`.

    Each row's key is one string, the quickest to make and to compare: per
    variable, in variable order, ``"\\x01"`` and the value's text when the row
    binds it, else ``"\\x02"`` when it binds a later variable, else nothing,
    these parts joined with ``"\\x00"``. Strings compare as those ``(variable,
    text)`` lists do while no text holds a ``"\\x00"``; if one does, the keys
    are made column by column (:func:`_sort_rows_by_columns`).

    Examples
    --------
    >>> [row["b"] for row in sort_rows([{"b": 1, "a": "y"}, {"a": "x", "b": 2}, {"b": 0}])]
    [2, 1, 0]
    """
    names = sorted(set().union(*rows))
    if not names:
        return rows
    # rows of one shape (the variables they bind, in their order) share a format and a getter;
    # "%s" gives str() of a value, as _row_key does
    plans = {}
    for shape in dict.fromkeys(map(tuple, rows)):
        bound = [name for name in names if name in shape]
        parts = [
            "\x01%s" if name in shape else "\x02" if set(names[i + 1 :]) & set(shape) else ""
            for i, name in enumerate(names)
        ]
        plans[shape] = ("\x00".join(parts), _getter(bound))
    if len(plans) == 1:
        ((form, get),) = plans.values()
        keys = list(map(form.__mod__, map(get, rows)))
    else:
        keys = []
        for row in rows:
            form, get = plans[tuple(row)]
            keys.append(form % get(row))
    if sum(map(methodcaller("count", "\x00"), keys)) != len(rows) * (len(names) - 1):
        return _sort_rows_by_columns(rows, names)  # some text holds a "\x00"
    return [rows[i] for i in sorted(range(len(rows)), key=keys.__getitem__)]


def _getter(names: list[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A function giving the values of ``names`` in a row, as a tuple."""
    if len(names) > 1:
        return itemgetter(*names)
    if names:
        name = names[0]
        return lambda row: (row[name],)
    return lambda row: ()


def _sort_rows_by_columns(rows: list[dict[str, Any]], names: list[str]) -> list[dict[str, Any]]:
    """:func:`sort_rows`, its keys made column by column: each variable gives the text of its
    value and, where rows may lack it, a flag saying how such a list would compare there (1
    bound, 2 unbound with a later variable bound, 0 unbound with none after it: the list has
    ended, and a shorter list sorts first)."""
    every = {len(names)} == set(map(len, rows))
    columns: list[list[Any]] = []
    later = [False] * len(rows)  # whether the row binds a variable after this one
    for name in reversed(names):
        values = [row.get(name, _UNBOUND) for row in rows]
        columns.append(["" if v is _UNBOUND else str(v) for v in values])
        if not every:
            pairs = list(zip(values, later, strict=True))
            columns.append([1 if v is not _UNBOUND else 2 if on else 0 for v, on in pairs])
            later = [on or v is not _UNBOUND for v, on in pairs]
    columns.reverse()
    keys = columns[0] if len(columns) == 1 else list(zip(*columns, strict=True))
    return [rows[i] for i in sorted(range(len(rows)), key=keys.__getitem__)]


#: what a row lacking a variable holds there, in :func:`sorted_select`
_UNBOUND: Any = object()


class AskedTwice(Store):
    """A store that keeps its answer to each of ``queries`` for the second asking, then drops it.

    The projection and the similarity model both read the skill ratings and
    the role labels (on an import, 80,000 and 30,000 rows); this saves running
    and reading them twice, sorting them twice (:func:`sorted_select` keeps
    its sorted rows), and holds the rows no longer than needed.

    Examples
    --------
    >>> class Counting(Store):
    ...     runs = 0
    ...     def select(self, query, timeout=None):
    ...         self.runs += 1
    ...         return [{"n": self.runs}]
    >>> inner = Counting()
    >>> store = AskedTwice(inner, ["Q"])
    >>> [store.select("Q"), store.select("Q"), store.select("Q")]
    [[{'n': 1}], [{'n': 1}], [{'n': 2}]]
    """

    def __init__(self, store: Store, queries: Iterable[str]) -> None:
        self._store = store
        self.fingerprint = store.fingerprint
        self._twice = set(queries)
        # query -> its rows, and whether they are sorted
        self._kept: dict[str, tuple[list[dict[str, Any]], bool]] = {}

    def select(self, query: str, timeout: float | None = None) -> list[dict[str, Any]]:
        kept = self._kept.pop(query, None)
        if kept is not None:
            return kept[0]
        rows = self._store.select(query, timeout)
        if query in self._twice:
            self._twice.discard(query)
            self._kept[query] = (rows, False)
        return rows

    def sorted_select(self, query: str) -> list[dict[str, Any]]:
        """:func:`sorted_select` on the store, its rows kept sorted for the second asking."""
        kept = self._kept.pop(query, None)
        if kept is not None:
            return kept[0] if kept[1] else sort_rows(kept[0])
        rows = sort_rows(self._store.select(query))
        if query in self._twice:
            self._twice.discard(query)
            self._kept[query] = (rows, True)
        return rows

    def ask(self, query: str, timeout: float | None = None) -> bool:
        return self._store.ask(query, timeout)

    def construct(self, query: str, timeout: float | None = None) -> bytes:
        return self._store.construct(query, timeout)

    def query_raw(
        self, query: str, result_format: str, timeout: float | None = None
    ) -> tuple[bytes, str]:
        return self._store.query_raw(query, result_format, timeout)


def label_key(text: str) -> str:
    """Return the key role labels are indexed and looked up by.

    Lowercase words, '&' as 'and', abbreviations expanded.

    Examples
    --------
    >>> label_key("Sr. TPM (Cloud/Infra)")
    'senior technical program manager cloud infra'
    """
    return label_keys([text])[0]


def label_keys(texts: Iterable[str]) -> list[str]:
    """:func:`label_key` of each of ``texts`` (an import indexes 30,000 labels at once).

    Examples
    --------
    >>> label_keys(["R&D", "Sr. TPM"])
    ['r and d', 'senior technical program manager']
    """
    from graph.skills import words

    expand = ABBREVIATIONS.get
    return [" ".join([expand(w, w) for w in words(text)]) for text in texts]
