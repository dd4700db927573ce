"""Join planning for SELECT queries that scan large parts of a graph folder's store.

The embedded engine plans joins without statistics: in ``{ ?r cg:skillRequirement
?q . ?q cg:skill ?s ; cg:importance ?i }`` it reads one pattern and looks each of
its rows up in the others, one index lookup per row in the on-disk store (about
10 microseconds each: 0.5 s for the 50,530 O*NET skill ratings). Reading each
pattern once and joining the rows in memory (a hash join) does the same work
in a third of the time; the engine joins that way when each pattern stands in
a subquery of its own.

:func:`plan_query` makes that change, and only when it is safe and pays off:

- the query is a SELECT whose WHERE clause is one group of plain triple
  patterns (FILTERs allowed; no OPTIONAL, UNION, GRAPH, subquery, blank node,
  property path or numeric literal), so the regrouped query has the same
  solutions;
- counts from the store say that every pattern matches many triples
  (:data:`MIN_ROWS` for the one read first) and that reading them all costs less than the lookups
  (:data:`LOOKUPS_PER_ROW`). A pattern with a fixed subject or object is
  selective, so a query holding one is left as written.

The solutions are the same multiset; only the order of rows the query does
not order itself can differ (SPARQL leaves it open), as between two engines.
``careergraph sparql --as-written`` runs a query unchanged.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from graph.syntax import code_tokens, decode_codepoints

__all__ = [
    "Counts",
    "Plan",
    "Pattern",
    "plan_query",
    "read_patterns",
    "LOOKUPS_PER_ROW",
    "MIN_ROWS",
]


#: below this many triples in the pattern the engine reads first a query is left as written:
#: the lookups take a few milliseconds at most
MIN_ROWS = 2_000

#: one index lookup costs about as much as reading and hashing this many rows
#: (measured on the O*NET store: ~10 us against ~0.4 us); the query is regrouped
#: when the rows every pattern reads number fewer than the lookups times this
LOOKUPS_PER_ROW = 20

#: a group with more triple patterns runs as written (working out the engine's join order
#: takes time growing with the cube of their number, and request text chooses it)
MAX_PATTERNS = 16

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: words that end or change a group of triple patterns: the query is left as written
_UNSAFE_WORDS = {
    "OPTIONAL", "UNION", "MINUS", "GRAPH", "SERVICE", "BIND", "VALUES", "SELECT",
    "EXISTS", "NOT", "TRUE", "FALSE", "UNDEF", "LATERAL",
}  # fmt: skip

#: what an IRI may hold once its escapes are decoded (anything else: run as written)
_IRI_TEXT = re.compile(r"[^<>\"{}|^`\\\x00-\x20]*\Z")

_PNAME = re.compile(r"^([A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]*)?:(.*)$", re.S)


@dataclass(frozen=True)
class Pattern:
    """One triple pattern: its text as the engine reads it, and what its size depends on.

    ``predicate`` is the expanded IRI; ``fixed`` tells whether the subject or
    object is a term rather than a variable (``rdf:type`` with a class counts
    as ``cls`` instead).
    """

    text: str
    predicate: str
    fixed: bool
    cls: str | None = None


@dataclass
class Plan:
    """What :func:`plan_query` decided: the text to run and why.

    ``sizes`` holds each pattern's estimated rows (in the order written);
    ``query`` is the original text when ``rewritten`` is false.
    """

    query: str
    rewritten: bool
    reason: str
    sizes: list[int] = field(default_factory=list)


class _NotPlain(Exception):
    """The query is not one this planner may regroup; it runs as written."""


def _unescape_local(local: str) -> str:
    return re.sub(r"\\(.)", r"\1", local)


class _Reader:
    """Triple patterns and FILTERs of one group, from its tokens."""

    def __init__(self, tokens: list[tuple[str, int]], query: str, prefixes: dict[str, str]):
        self.tokens = tokens
        self.query = query
        self.prefixes = prefixes
        self.i = 0

    def peek(self) -> str:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else ""

    def take(self) -> str:
        if self.i >= len(self.tokens):
            raise _NotPlain("the group ends early")
        text = self.tokens[self.i][0]
        self.i += 1
        return text

    def expand(self, text: str) -> str:
        """The IRI an IRI token or prefixed name stands for.

        The planner's counting queries are made from it, so an IRI that would
        end early there (an escaped ``>``, a space) is refused.
        """
        iri = self._expand(text)
        if not _IRI_TEXT.match(iri):
            raise _NotPlain(f"an IRI the planner will not quote: {text}")
        return iri

    def _expand(self, text: str) -> str:
        if text.startswith("<"):
            iri = decode_codepoints(text[1:-1])
            if ":" not in iri:
                raise _NotPlain("a relative IRI")
            return iri
        match = _PNAME.match(text)
        if match is None or text.startswith("_:"):
            raise _NotPlain(f"not a name: {text}")
        base = self.prefixes.get(match.group(1) or "")
        if base is None:
            raise _NotPlain(f"undeclared prefix in {text}")
        return base + _unescape_local(match.group(2))

    def split_dots(self) -> None:
        """A prefixed name glued to the '.' after it is one token here; cut it off."""
        if self.i >= len(self.tokens):
            return
        text, offset = self.tokens[self.i]
        if len(text) > 1 and text.endswith(".") and ":" in text and not text.startswith("<"):
            stripped = text.rstrip(".")
            dots = [(".", offset + len(stripped) + k) for k in range(len(text) - len(stripped))]
            self.tokens[self.i : self.i + 1] = [(stripped, offset), *dots]

    def term(self, role: str) -> tuple[str, str | None]:
        """``(text, IRI or None)`` of the next term; None for a variable or literal."""
        self.split_dots()
        text = self.take()
        if text[0] in "?$" and len(text) > 1:
            return text, None
        if role == "predicate" and text == "a":
            return text, RDF_TYPE
        if text.startswith("<") and text.endswith(">") and len(text) > 1:
            return text, self.expand(text)
        if text[0] in "\"'" and role == "object":
            if self.peek() == "@":
                self.take()
                self.split_dots()
                return f"{text}@{self.take()}", ""
            if self.peek() == "^":
                self.take()
                if self.take() != "^":
                    raise _NotPlain("a lone ^")
                self.split_dots()
                datatype = self.take()
                self.expand(datatype)
                return f"{text}^^{datatype}", ""
            return text, ""
        if ":" in text and not text.startswith("_:") and text[0] not in "\"'":
            return text, self.expand(text)
        raise _NotPlain(f"{text!r} in {role} position")

    def filter(self) -> str:
        start = self.tokens[self.i][1]
        self.take()  # FILTER
        if self.peek() != "(":
            raise _NotPlain("FILTER without parentheses")
        depth = 0
        while True:
            text, offset = self.tokens[self.i]
            self.i += 1
            if text == "(":
                depth += 1
            elif text == ")":
                depth -= 1
                if depth == 0:
                    return self.query[start : offset + 1]
            if self.i >= len(self.tokens):
                raise _NotPlain("an unclosed FILTER")

    def group(self) -> tuple[list[Pattern], list[str]]:
        patterns: list[Pattern] = []
        filters: list[str] = []
        while self.i < len(self.tokens):
            self.split_dots()
            word = self.peek()
            if word == ".":
                self.take()
                continue
            if word.upper() == "FILTER":
                filters.append(self.filter())
                continue
            subject, subject_iri = self.term("subject")
            if subject_iri == "":
                raise _NotPlain("a literal subject")
            while True:
                predicate, predicate_iri = self.term("predicate")
                if predicate_iri is None:
                    raise _NotPlain("a variable predicate")
                while True:
                    obj, obj_iri = self.term("object")
                    fixed = subject_iri is not None or obj_iri is not None
                    cls = obj_iri if predicate_iri == RDF_TYPE and obj_iri else None
                    patterns.append(
                        Pattern(f"{subject} {predicate} {obj}", predicate_iri, fixed, cls)
                    )
                    self.split_dots()
                    if self.peek() != ",":
                        break
                    self.take()
                if self.peek() != ";":
                    break
                while self.peek() == ";":
                    self.take()
                    self.split_dots()
                if self.peek() in ("", ".") or self.peek().upper() == "FILTER":
                    break
            nxt = self.peek()
            if nxt not in ("", ".") and nxt.upper() != "FILTER":
                raise _NotPlain(f"{nxt!r} after a triple")
        return patterns, filters


def _prologue(tokens: list[tuple[str, int]]) -> tuple[dict[str, str], int]:
    """The declared prefixes and the index of the query form's keyword."""
    prefixes: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        word = tokens[i][0].upper()
        if word == "PREFIX" and i + 2 < len(tokens):
            name, iri = tokens[i + 1][0], tokens[i + 2][0]
            if not (name.endswith(":") and iri.startswith("<")):
                raise _NotPlain("a PREFIX this planner cannot read")
            prefixes[name[:-1]] = decode_codepoints(iri[1:-1])
            i += 3
        elif word == "BASE":
            raise _NotPlain("BASE")
        else:
            return prefixes, i
    raise _NotPlain("no query form")


def _where_group(tokens: list[tuple[str, int]], start: int) -> tuple[int, int]:
    """Token indexes of the WHERE group's braces; the group must hold no other group."""
    depth = 0
    for i in range(start, len(tokens)):
        text = tokens[i][0]
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
        elif text == "{":
            if depth:
                raise _NotPlain("a group inside an expression")
            for j in range(i + 1, len(tokens)):
                inner = tokens[j][0]
                if inner == "}":
                    return i, j
                if inner in ("{", "[") or inner.upper() in _UNSAFE_WORDS:
                    raise _NotPlain(f"{inner} inside the WHERE group")
            break
    raise _NotPlain("no WHERE group")


def read_patterns(query: str) -> tuple[list[Pattern], list[str], int, int]:
    """The WHERE group's patterns and FILTERs and the group's character span.

    Raises ``_NotPlain`` for any query the planner does not regroup.
    """
    tokens = list(code_tokens(query))
    prefixes, form = _prologue(tokens)
    if tokens[form][0].upper() != "SELECT":
        raise _NotPlain("not a SELECT")
    open_at, close_at = _where_group(tokens, form + 1)
    body = tokens[open_at + 1 : close_at]
    patterns, filters = _Reader(body, query, prefixes).group()
    return patterns, filters, tokens[open_at][1], tokens[close_at][1] + 1


_U64 = 2**64 - 1


def _times(a: int, b: int) -> int:
    return min(a * b, _U64)


def _size_guess(subject_bound: bool, object_bound: bool) -> int:
    """The engine's guess at a pattern's rows, by which of its ends are bound."""
    return {(True, True): 1, (True, False): 10, (False, True): 10_000}.get(
        (subject_bound, object_bound), 1_000_000
    )


def _terms(p: Pattern) -> tuple[str, str]:
    subject, _, rest = p.text.partition(" ")
    return subject, rest.partition(" ")[2]


def _variables(p: Pattern) -> set[str]:
    return {t[1:] for t in _terms(p) if t[:1] in ("?", "$")}


def _greedy(
    patterns: list[Pattern], listing: list[int], cost: Callable[[int, int, set[str]], int]
) -> list[int] | None:
    """The engine's join order: the smallest guess first, then the cheapest connected one.

    Ties go to the one listed first. None when the patterns are not connected.
    """
    start = min(listing, key=lambda k: cost(k, 0, set()))
    seq, bound, so_far = [start], set(_variables(patterns[start])), cost(start, 0, set())
    left = [k for k in listing if k != start]
    while left:
        linked = [k for k in left if _variables(patterns[k]) & bound]
        if not linked:
            return None
        costs = {k: cost(k, so_far, bound) for k in linked}
        best = min(linked, key=costs.__getitem__)
        seq.append(best)
        so_far = costs[best]
        bound |= _variables(patterns[best])
        left.remove(best)
    return seq


@dataclass(frozen=True)
class Counts:
    """How many triples a pattern's predicate (or ``rdf:type`` class) has, and how many ends.

    ``subjects`` and ``objects`` count the distinct ones: a predicate whose
    triples number its subjects gives each subject one object.
    """

    rows: int
    subjects: int
    objects: int


def nested_order(patterns: list[Pattern]) -> list[int] | None:
    """The order the engine joins the patterns in as written (nested loops); None if unconnected.

    The engine reads first the pattern it guesses smallest, then the connected
    pattern it guesses cheapest to look up, ties to the one written first;
    the guesses are its own (``estimate_triple_pattern_size`` and the greedy
    join ordering of its optimizer), worked out here the same way.
    """
    ends = [_terms(p) for p in patterns]

    def is_bound(term: str, bound: set[str]) -> bool:
        return term[:1] not in ("?", "$") or term[1:] in bound

    def cost(k: int, so_far: int, bound: set[str]) -> int:
        subject, obj = ends[k]
        guess = _size_guess(is_bound(subject, bound), is_bound(obj, bound))
        return guess if not bound else _times(so_far, guess)

    return _greedy(patterns, list(range(len(patterns))), cost)


def hashed_listing(patterns: list[Pattern], first: int) -> list[int] | None:
    """An order to list the patterns' subqueries in so the engine reads ``first`` last.

    Joined by hashing, the engine builds a table from the patterns joined so
    far and reads the next one against it, so rows come out in the order of
    the pattern it reads last. Its choice follows its size guesses for
    subqueries, worked out here; None when no listing makes ``first`` last.
    """
    fixed_object = [p.cls is not None for p in patterns]

    def cost(k: int, so_far: int, bound: set[str]) -> int:
        guess = _size_guess(False, fixed_object[k])
        if not bound:
            return guess
        keys = len(_variables(patterns[k]) & bound)
        return _times(so_far, guess) // (1000**keys)

    n = len(patterns)
    rest = sorted(set(range(n)) - {first})
    listings = [[*rest, first]]
    if n <= 6:
        listings += [list(p) for p in itertools.permutations(range(n))]
    for listing in listings:
        seq = _greedy(patterns, listing, cost)
        if seq is not None and seq[-1] == first:
            return listing
    return None


def one_row_each(patterns: list[Pattern], nested: list[int], counts: list[Counts]) -> bool:
    """Whether each pattern after the first matches at most one triple when the engine looks it up.

    Then every row of the first pattern gives at most one answer, joined
    either way, and the answers come in the first pattern's order both ways.
    (A hash table gives back several matches for one row in another order
    than the lookups would.)
    """
    bound = set(_variables(patterns[nested[0]]))
    for k in nested[1:]:
        subject, obj = _terms(patterns[k])
        s_bound = subject[:1] not in ("?", "$") or subject[1:] in bound
        o_bound = obj[:1] not in ("?", "$") or obj[1:] in bound
        c = counts[k]
        if not (s_bound and o_bound):
            if s_bound and c.rows != c.subjects:
                return False
            if o_bound and c.rows != c.objects:
                return False
        bound |= _variables(patterns[k])
    return True


def plan_query(query: str, count: Callable[[Pattern], Counts]) -> Plan:
    """Decide how a SELECT query should run; see the module's text for when it is regrouped.

    Parameters
    ----------
    query : str
        The full query text, every prefix it uses declared in it.
    count : callable
        The :class:`Counts` of a pattern's ``predicate`` (or of its ``cls``
        when it is ``?x a <class>``); called only for patterns whose subject
        and object are variables, or that name a class.

    Examples
    --------
    >>> q = ("PREFIX cg: <https://w3id.org/careergraph/ontology#> SELECT (COUNT(*) AS ?n) "
    ...      "WHERE { ?r cg:skillRequirement ?q . ?q cg:skill ?s }")
    >>> plan = plan_query(q, lambda p: Counts(80_000, 80_000, 80_000))
    >>> plan.rewritten, plan.query[plan.query.index("WHERE"):]
    (True, 'WHERE { { SELECT * WHERE { ?q cg:skill ?s } } \
{ SELECT * WHERE { ?r cg:skillRequirement ?q } } }')
    >>> plan_query(q, lambda p: Counts(500, 500, 500)).reason
    '500 lookups as written: quick enough'
    >>> plan_query(q, lambda p: Counts(80_000, 900, 80_000)).reason
    'a lookup can match several triples: the rows could come in another order'
    >>> plan_query(q.replace("?r cg", "<urn:x:role> cg"), lambda p: Counts(80_000, 1, 1)).reason
    'a pattern with a fixed subject or object: the engine starts from it'
    """
    try:
        patterns, filters, start, end = read_patterns(query)
    except _NotPlain as exc:
        return Plan(query, False, str(exc))
    except (IndexError, ValueError) as exc:  # text the engine will refuse itself
        return Plan(query, False, f"the text was not read ({exc})")
    if len(patterns) < 2:
        return Plan(query, False, "one triple pattern: nothing to join")
    if len(patterns) > MAX_PATTERNS:
        return Plan(query, False, f"{len(patterns):,} triple patterns: more than {MAX_PATTERNS}")
    if any(p.fixed and p.cls is None for p in patterns):
        return Plan(
            query, False, "a pattern with a fixed subject or object: the engine starts from it"
        )
    nested = nested_order(patterns)
    if nested is None:
        return Plan(query, False, "patterns with no variable in common: left to the engine")
    counts = [count(p) for p in patterns]
    sizes = [c.rows for c in counts]
    # as written, every row of the pattern read first is looked up in the next
    lookups, total = sizes[nested[0]], sum(sizes)
    if lookups < MIN_ROWS:
        return Plan(query, False, f"{lookups:,} lookups as written: quick enough", sizes)
    if total > LOOKUPS_PER_ROW * lookups:
        return Plan(
            query, False, f"reading all {total:,} rows costs more than {lookups:,} lookups", sizes
        )
    if not one_row_each(patterns, nested, counts):
        return Plan(
            query,
            False,
            "a lookup can match several triples: the rows could come in another order",
            sizes,
        )
    listing = hashed_listing(patterns, nested[0])
    if listing is None:
        return Plan(query, False, "no listing of subqueries keeps the rows' order", sizes)
    return Plan(
        regroup(query, patterns, filters, listing, start, end),
        True,
        f"{len(patterns)} patterns of {min(sizes):,}-{max(sizes):,} triples joined by hashing",
        sizes,
    )


def regroup(
    query: str, patterns: list[Pattern], filters: list[str], order: list[int], start: int, end: int
) -> str:
    """The query with its WHERE group (characters ``start:end``) as one subquery per pattern."""
    parts = [f"{{ SELECT * WHERE {{ {patterns[k].text} }} }}" for k in order]
    return query[:start] + "{ " + " ".join(parts + filters) + " }" + query[end:]
