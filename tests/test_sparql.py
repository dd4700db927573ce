"""SPARQL: query checks, parameters, named queries, results formats, timeouts, updates, the CLI."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.errors import (
    AmbiguousRoleError,
    QueryError,
    QuerySyntaxError,
    QueryTimeoutError,
    UnknownRoleError,
    UpdateRefusedError,
    UsageError,
)
from graph.namespaces import PREFIXES, sparql_prologue
from graph.sparql.check import check_query
from graph.sparql.named import NamedQuery, named_queries, named_query, parse_header
from graph.sparql.params import bind_params, parse_param_args, resolve_name
from graph.sparql.pool import QueryPool
from graph.sparql.run import run_query, serialize_capped
from graph.sparql.update import apply_update
from graph.store.base import results_format
from graph.store.folder import read_manifest
from graph.store.local import LocalStore
from graph.store.write import write_graph
from graph.syntax import _token_unicode, _tokens, code_tokens, query_kind, uses_service

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "sparql" / "careers-mini.ttl"
R = "https://w3id.org/careergraph/id/role/"
S = "https://w3id.org/careergraph/id/skill/"


def make_graph(out: Path) -> Path:
    """The test graph folder: the ontology plus the small careers fixture."""

    def fill(store: ox.Store) -> None:
        store.load(path=str(REPO / "ontology" / "careers.ttl"), format=ox.RdfFormat.TURTLE)
        store.load(path=str(FIXTURE), format=ox.RdfFormat.TURTLE)

    write_graph(out, fill)
    return out


@pytest.fixture(scope="module")
def mini_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_graph(tmp_path_factory.mktemp("sparql") / "graph")


@pytest.fixture(scope="module")
def mini(mini_dir: Path) -> LocalStore:
    return LocalStore(mini_dir)


def select(store: LocalStore, name: str, **params: str) -> list[dict]:
    text = bind_params(named_query(name).text, params, store)
    return store.select(sparql_prologue(text) + text)


# ---------------------------------------------------------------------------
# Recognising and checking queries
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, kind",
    [
        ("SELECT * WHERE { ?s ?p ?o }", "select"),
        ("PREFIX ex: <http://e.org/select#>\nBASE <http://b/>\nask { ?s ?p ?o }", "ask"),
        ("# INSERT in a comment\nCONSTRUCT WHERE { ?s ?p ?o }", "construct"),
        ("DESCRIBE <http://e.org/a>", "describe"),
        ("INSERT DATA { <http://e.org/a> <http://e.org/b> 1 }", "update"),
        ("PREFIX ex: <http://e.org/>\nDELETE WHERE { ?s ?p ?o }", "update"),
        ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "update"),
        ("LOAD <http://e.org/data.ttl>", "update"),
        ("clear all", "update"),
        ("DROP GRAPH <http://g>", "update"),
        ("CREATE GRAPH <http://g>", "update"),
        ("", "unknown"),
    ],
)
def test_query_kind(query: str, kind: str) -> None:
    assert query_kind(query) == kind


@pytest.mark.parametrize(
    "query, message",
    [
        (
            "SELECT * WHERE { ?s ?p }",
            "The SPARQL query does not parse at line 1, column 18: unexpected '?s'\n"
            "  SELECT * WHERE { ?s ?p }\n"
            "                   ^",
        ),
        (
            "SELECT ?r WHERE {\n  ?r a cg:Role .\n  FILTER(?r = ) }",
            "The SPARQL query does not parse at line 3, column 3: unexpected 'FILTER'\n"
            "    FILTER(?r = ) }\n"
            "    ^",
        ),
        (
            "SELECT ?x WHERE {\n  ?x a cg:Role",
            "The SPARQL query does not parse at line 2, column 15: the query ends too early "
            "(an unclosed '{' or '(', or a missing term?)\n"
            "    ?x a cg:Role\n"
            "                ^",
        ),
        (
            "SELECT * WHERE { ?s foo:bar ?o }",
            "The SPARQL query does not parse at line 1, column 21: the prefix 'foo:' is not "
            "declared; declare it with PREFIX foo: <...> (declared for you: cg:, cgr:, rdf:, "
            "rdfs:, owl:, xsd:, skos:, schema:, prov:, dcterms:, sh:)\n"
            "  SELECT * WHERE { ?s foo:bar ?o }\n"
            "                      ^",
        ),
        (
            "SELEC * WHERE {}",
            "The SPARQL query does not parse at line 1, column 1: unexpected 'SELEC'\n"
            "  SELEC * WHERE {}\n"
            "  ^",
        ),
    ],
)
def test_syntax_errors_name_line_and_column(query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        check_query(query)
    assert str(info.value) == message
    assert info.value.exit_code == 2


def test_known_prefixes_need_no_declaration() -> None:
    assert check_query("SELECT ?r WHERE { ?r a cg:Role ; skos:prefLabel ?l }") == "select"


@pytest.mark.parametrize("word", ["INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "WITH"])
def test_updates_are_refused(word: str) -> None:
    with pytest.raises(UpdateRefusedError, match=f"SPARQL updates \\({word}\\) are refused"):
        check_query(f"{word} ...")


def test_service_can_be_refused() -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert check_query(query, allow_service=True) == "select"
    with pytest.raises(UsageError, match="SERVICE"):
        check_query(query)
    assert not uses_service('SELECT * WHERE { ?s rdfs:label "SERVICE" }')


_SPARQL_BITS = [
    "SELECT", "?s", "$p", "ex:a.b", ":x", "a:b\\,c", "<http://e.org/#x>", '"s\\"t"', "'''l'''",
    "# c\n", "{", "}", "(", ".", "-", "_:b", "1.5e3", " ", "\t", "\r\n", "\x1c", "<a b>",
]  # fmt: skip


@given(
    st.lists(
        st.sampled_from(_SPARQL_BITS) | st.text(st.characters(max_codepoint=127), max_size=6),
        max_size=30,
    ).map("".join)
)
def test_ascii_text_is_tokenized_as_by_the_full_tokenizer(text: str) -> None:
    # ASCII text skips the non-ASCII letter classes, which are slow to compile
    assert text.isascii()
    tokens = [(m.lastgroup, m.group()) for m in _tokens(text)]
    assert tokens == [(m.lastgroup, m.group()) for m in _token_unicode().finditer(text)]


def test_names_with_letters_beyond_ascii_are_one_token() -> None:
    tokens = [t for t, _ in code_tokens("SELECT ?café { ?café ex:naïve·x é:ü }")]
    assert tokens == ["SELECT", "?café", "{", "?café", "ex:naïve·x", "é:ü", "}"]


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ['x" } ; DROP ALL ; #', 'a\\"b', "line\nbreak } UNION { ?s ?p ?o", "'''", "${other}"],
)
def test_parameter_values_cannot_change_the_query(mini: LocalStore, value: str) -> None:
    text = bind_params("SELECT ?v WHERE { BIND($v AS ?v) }", {"v": value})
    rows = mini.select(text)
    assert rows == [{"v": value}]


def test_parameter_iris_are_checked() -> None:
    with pytest.raises(UsageError, match="is not a valid IRI"):
        bind_params("SELECT * WHERE { $s ?p ?o }", {"s": "<http://e.org/a> } #>"})
    text = bind_params("SELECT * WHERE { $s ?p ?o }", {"s": "cgr:role/tpm"})
    assert text == f"SELECT * WHERE {{ <{R}tpm> ?p ?o }}"


@pytest.mark.parametrize(
    "value, term",
    [
        ("42", '"42"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ("4.5", '"4.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
        ("true", '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
        ("Risk management", '"Risk management"'),
        ("https://e.org/x", "<https://e.org/x>"),
    ],
)
def test_untyped_parameter_values(value: str, term: str) -> None:
    assert bind_params("ASK { ?s ?p $v }", {"v": value}) == f"ASK {{ ?s ?p {term} }}"


def test_parameters_only_replace_variables_in_code() -> None:
    query = 'SELECT * WHERE { ?s ?p $v . ?s rdfs:comment "$v" } # $v'
    assert bind_params(query, {"v": "1"}) == (
        'SELECT * WHERE { ?s ?p "1"^^<http://www.w3.org/2001/XMLSchema#integer> . '
        '?s rdfs:comment "$v" } # $v'
    )


def test_parameter_mistakes() -> None:
    with pytest.raises(UsageError) as info:
        bind_params("SELECT * WHERE { $role ?p ?o }", {"rol": "x"})
    assert str(info.value) == (
        "The query has no parameter $rol (its parameters: $role). "
        "Write $rol in the query where the value goes."
    )
    query = "# A query.\n# param role: Role -- the role you are in\nSELECT * WHERE { $role ?p ?o }"
    with pytest.raises(UsageError) as info:
        bind_params(query, {})
    assert str(info.value) == "The query needs --param role=... (the role you are in)."
    with pytest.raises(UsageError, match="--param takes NAME=VALUE, got 'role'"):
        parse_param_args(["role"])
    with pytest.raises(UsageError, match="is not an integer"):
        bind_params("# x\n# param n: integer\nASK { ?s ?p $n }", {"n": "many"})


def test_header_mistakes_name_the_line() -> None:
    with pytest.raises(UsageError, match=r"q.rq:2: unknown parameter type 'Person'"):
        parse_header("# A query.\n# param who: Person\nSELECT", source="q.rq")
    with pytest.raises(UsageError, match=r"q.rq:2: a parameter line reads"):
        parse_header("# A query.\n# param who Role\nSELECT", source="q.rq")


@pytest.mark.parametrize(
    "value",
    [
        "Technical Program Manager (Infrastructure & Delivery)",
        "technical program manager",  # an alternative title, any case
        "TPM",  # an abbreviation (hidden label)
        "tpm",  # the slug
        f"<{R}tpm>",
        "cgr:role/tpm",
        "(Infrastructure & Delivery",  # a part of exactly one label
    ],
)
def test_roles_are_found_by_name_or_iri(mini: LocalStore, value: str) -> None:
    assert resolve_name(mini, "Role", value) == R + "tpm"


def test_unknown_and_ambiguous_names(mini: LocalStore) -> None:
    with pytest.raises(UnknownRoleError) as unknown:
        resolve_name(mini, "Role", "Technical Progam Manger")
    assert str(unknown.value).startswith(
        "Unknown role 'Technical Progam Manger'. Did you mean: Technical Program Manager"
    )
    with pytest.raises(AmbiguousRoleError) as ambiguous:
        resolve_name(mini, "Role", "Program Manager")
    assert "Principal/Staff Technical Program Manager" in str(ambiguous.value)
    with pytest.raises(UsageError, match="Unknown skill 'Juggling'"):
        resolve_name(mini, "Skill", "Juggling")
    with pytest.raises(UsageError, match="is not a role in this graph"):
        resolve_name(mini, "Role", S + "budgeting")
    assert resolve_name(mini, "ExperienceLevel", "senior") == (
        "https://w3id.org/careergraph/ontology#SeniorLevel"
    )


# ---------------------------------------------------------------------------
# Named queries on the fixture graph: exact answers
# ---------------------------------------------------------------------------


def test_named_queries_are_listed_with_descriptions() -> None:
    queries = {q.name: q for q in named_queries()}
    for name in (
        "roles-needing-skill",
        "moves-from-role",
        "moves-into-role",
        "skills-to-gain",
        "salary-bands",
        "employers-by-sector",
        "roles-by-sector",
        "skills-in-demand",
        "ladder-to-role",
    ):
        assert queries[name].description, name
        check_query(queries[name].text)
    with pytest.raises(UsageError) as info:
        named_query("ladder")
    assert str(info.value) == (
        "Unknown named query 'ladder'. Did you mean: ladder-to-role? "
        "Run 'careergraph sparql --list' to see them all."
    )


def test_roles_needing_a_skill(mini: LocalStore) -> None:
    rows = select(mini, "roles-needing-skill", skill="risk management")
    assert [r["role"] for r in rows] == [R + "tpm", R + "principal-tpm", R + "senior-tpm"]
    assert rows[0]["phrase"] == "Risk management" and float(rows[0]["importance"]) == 4.0


def test_moves_out_of_and_into_a_role(mini: LocalStore) -> None:
    rows = select(mini, "moves-from-role", role="TPM")
    assert [(r["toLabel"], r["kind"], r["skillsToGain"]) for r in rows] == [
        ("Senior/Lead Technical Program Manager", "progression", "Budgeting"),
        ("Engineering Manager (Platform/Infrastructure)", "transition", "People management"),
    ]
    rows = select(mini, "moves-into-role", role="tpm")
    assert [(r["fromLabel"], r["kind"]) for r in rows] == [
        ("Product Manager (Platform/Developer Experience)", "transition")
    ]


def test_skills_to_gain(mini: LocalStore) -> None:
    rows = select(mini, "skills-to-gain", **{"from": "TPM", "to": "director"})
    assert [(r["skillLabel"], r["reasons"]) for r in rows] == [
        ("Budgeting", "needed by the target role"),
        ("People management", "commonly missing in people moving in; needed by the target role"),
    ]


def test_salary_bands_by_level(mini: LocalStore) -> None:
    rows = select(mini, "salary-bands", level="Senior Level")
    assert [(r["role"], r["min"], r["max"], r["openEnded"]) for r in rows] == [
        (R + "director-tpm", 250000, 350000, False),
        (R + "senior-tpm", 200000, 260000, False),
        (R + "tpm", 190000, 250000, True),
    ]
    every = select(mini, "salary-bands")
    assert [r["levelLabel"] for r in every] == ["Entry Level"] + ["Mid Level"] * 2 + [
        "Senior Level"
    ] * 3


def test_employers_and_roles_by_sector(mini: LocalStore) -> None:
    rows = select(mini, "employers-by-sector", sector="Fintech and banking")
    assert [(r["employerName"], r["roles"]) for r in rows] == [
        ("Stripe", 3),
        ("Amazon (AWS)", 1),
        ("Google", 1),
    ]
    rows = select(mini, "roles-by-sector", sector="cloud-and-saas")
    assert [r["role"] for r in rows] == [
        R + "director-tpm",
        R + "principal-tpm",
        R + "senior-tpm",
        R + "tpm",
    ]
    assert len(select(mini, "roles-by-sector")) == 7


def test_skills_most_in_demand(mini: LocalStore) -> None:
    rows = select(mini, "skills-in-demand")
    assert [(r["skillLabel"], r["roles"], r["flagged"]) for r in rows] == [
        ("Program planning", 4, 0),
        ("Stakeholder management", 4, 0),
        ("Budgeting", 3, 0),
        ("Risk management", 3, 0),
        ("Cloud fundamentals", 2, 1),
        ("People management", 2, 0),
        ("Product strategy", 1, 0),
    ]


def test_shortest_progression_ladder(mini: LocalStore) -> None:
    rows = select(mini, "ladder-to-role", role="Director of Technical Program Management")
    assert [(r["start"], r["steps"]) for r in rows] == [
        (R + "principal-tpm", 1),
        (R + "senior-tpm", 1),
        (R + "tpm", 2),
    ]
    assert rows[2]["ladder"] == (
        "Technical Program Manager (Infrastructure & Delivery) → "
        "Senior/Lead Technical Program Manager → Director of Technical Program Management"
    )
    only = select(mini, "ladder-to-role", role="director", **{"from": "TPM"})
    assert [r["start"] for r in only] == [R + "tpm"]
    assert select(mini, "ladder-to-role", role="Product Manager") == []


# ---------------------------------------------------------------------------
# Named queries on the built-in graph
# ---------------------------------------------------------------------------


# each named query's example parameters on the built-in graph: the first row it must give, and
# a column every row must carry the example value in (the parameter was applied)
E = "https://w3id.org/careergraph/id/employer/"
BUILTIN_FIRST_ROWS = {
    "employers-by-sector": (
        {"sectorLabel": "Fintech and banking", "employer": E + "microsoft",
         "employerName": "Microsoft", "roles": 9},
        ("sectorLabel", "Fintech and banking"),
    ),
    "ladder-to-role": (
        {"start": R + "chief-of-staff-engineering-technology-leadership",
         "steps": 1},
        None,
    ),
    "move-preparation": (
        {"aspect": "experience (years, entry level)", "fromValue": "0", "toValue": "10"},
        None,
    ),
    "moves-from-role": (
        {"to": R + "director-of-technical-program-management",
         "toLabel": "Director of Technical Program Management", "kind": "progression"},
        None,
    ),
    "moves-into-role": (
        {"from": R + "chief-of-staff-engineering-technology-leadership", "kind": "progression",
         "skillsToGain": "People management; Portfolio management; Risk management"},
        None,
    ),
    "roles-by-sector": (
        {"role": R + "chief-of-staff-engineering-technology-leadership"},
        ("sectorLabel", "Cloud and SaaS"),
    ),
    "roles-needing-skill": (
        {"role": R + "director-of-technical-program-management",
         "phrase": "Risk management and problem solving under pressure"},
        None,
    ),
    "salary-bands": (
        {"role": R + "director-of-technical-program-management", "min": 340000, "max": 450000,
         "currency": "USD", "openEnded": True},
        ("levelLabel", "Senior Level"),
    ),
    "skills-in-demand": (
        {"skill": S + "stakeholder-communication", "skillLabel": "Stakeholder management",
         "roles": 9, "flagged": 0},
        None,
    ),
    "skills-to-gain": (
        {"skill": S + "executive-communication",
         "reasons": "needed by the target role; named by the move; commonly missing in people "
                    "moving in"},
        None,
    ),
}  # fmt: skip


def test_every_named_query_has_an_expected_answer() -> None:
    assert sorted(BUILTIN_FIRST_ROWS) == sorted(q.name for q in named_queries())


@pytest.mark.parametrize("named", named_queries(), ids=lambda q: q.name)
def test_named_queries_answer_on_the_builtin_graph(store: LocalStore, named: NamedQuery) -> None:
    rows = select(store, named.name, **named.examples())
    first, every = BUILTIN_FIRST_ROWS[named.name]
    assert rows, f"{named.name} gave no rows with {named.examples()}"
    matching = [r for r in rows if all(r.get(k) == v for k, v in first.items())]
    assert matching, f"{named.name}: no row has {first}; first rows: {rows[:3]}"
    if named.name != "skills-to-gain":  # its rows are ordered by label, not by the first key
        assert rows[0] == matching[0], f"{named.name}: {rows[0]} comes before {first}"
    if every is not None:
        column, value = every
        assert {r[column] for r in rows} == {value}


def test_builtin_ladder_and_gaps_from_the_seed_role(store: LocalStore) -> None:
    seed = R + "technical-program-manager-infrastructure-delivery"
    ladder = select(store, "ladder-to-role", role="Director of Technical Program Management")
    assert seed in [r["start"] for r in ladder]
    assert all(r["steps"] >= 1 for r in ladder)
    moves = select(store, "moves-from-role", role="TPM")
    assert ("Director of Technical Program Management", "progression") in {
        (r["toLabel"], r["kind"]) for r in moves
    }
    gaps = select(store, "skills-to-gain", **{"from": "TPM", "to": "Director of TPM"})
    assert gaps and all(r["skill"].startswith(S) for r in gaps)
    prep = select(store, "move-preparation", **{"from": "TPM", "to": "Director of TPM"})
    assert [(r["aspect"], r["fromValue"], r["toValue"]) for r in prep] == [
        ("experience (years, entry level)", "0", "10")
    ]


# ---------------------------------------------------------------------------
# Running: formats, caps, timeouts, the worker pool
# ---------------------------------------------------------------------------

ROLES = "SELECT ?r ?l WHERE { ?r a cg:Role ; skos:prefLabel ?l } ORDER BY ?r"


MINI_ROLES = [
    ("director-tpm", "Director of Technical Program Management"),
    ("engineering-manager", "Engineering Manager (Platform/Infrastructure)"),
    ("principal-tpm", "Principal/Staff Technical Program Manager"),
    ("product-manager", "Product Manager (Platform/Developer Experience)"),
    ("senior-tpm", "Senior/Lead Technical Program Manager"),
    ("tpm", "Technical Program Manager (Infrastructure & Delivery)"),
]


def _rows_of(body: bytes, fmt: str) -> list[tuple[str, str]]:
    """The (role id, label) rows of a ROLES result, read without the code under test."""
    if fmt == "csv":
        lines = body.decode().split("\r\n")
        assert lines[0] == "r,l" and lines[-1] == ""
        return [tuple(line.removeprefix(R).split(",", 1)) for line in lines[1:-1]]
    if fmt == "tsv":
        lines = body.decode().split("\n")
        assert lines[0] == "?r\t?l" and lines[-1] == ""
        cells = [line.split("\t") for line in lines[1:-1]]
        return [(r.removeprefix("<" + R).removesuffix(">"), lab.strip('"')) for r, lab in cells]
    if fmt == "json":
        doc = json.loads(body)
        assert doc["head"] == {"vars": ["r", "l"]}
        return [
            (b["r"]["value"].removeprefix(R), b["l"]["value"]) for b in doc["results"]["bindings"]
        ]
    from xml.etree import ElementTree

    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    root = ElementTree.fromstring(body)
    return [
        (
            result.find("s:binding[@name='r']/s:uri", ns).text.removeprefix(R),
            result.find("s:binding[@name='l']/s:literal", ns).text,
        )
        for result in root.iterfind("s:results/s:result", ns)
    ]


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_results_formats(mini: LocalStore, fmt: str, media_type: str) -> None:
    result = run_query(mini, ROLES, fmt)
    assert result.media_type.split(";")[0] == media_type
    assert _rows_of(result.body, fmt) == MINI_ROLES
    capped = serialize_capped(mini.raw.query(ROLES, prefixes=PREFIXES), fmt, None)
    assert capped.body == result.body and not capped.truncated


def test_serialize_capped_cuts_rows_and_triples(mini: LocalStore) -> None:
    out = serialize_capped(mini.raw.query(ROLES, prefixes=PREFIXES), "json", 4)
    assert (out.rows, out.truncated) == (4, True)
    assert len(json.loads(out.body)["results"]["bindings"]) == 4
    construct = "CONSTRUCT WHERE { ?r a cg:Role }"
    out = serialize_capped(mini.raw.query(construct, prefixes=PREFIXES), "ntriples", 2)
    assert (out.rows, out.truncated, out.body.count(b"\n")) == (2, True, 2)


def test_construct_gives_turtle_and_select_refuses_it(mini: LocalStore) -> None:
    result = run_query(mini, "CONSTRUCT WHERE { ?r a cg:Role }", "json")
    assert result.media_type == "text/turtle"
    assert len(list(ox.parse(result.body, format=ox.RdfFormat.TURTLE))) == 6
    with pytest.raises(UsageError, match="use --format table|json|xml|csv|tsv"):
        run_query(mini, ROLES, "turtle")


class SlowStore:
    """A store whose queries take far longer than any test's time limit."""

    fingerprint = "slow"

    def query_raw(self, query: str, result_format: str, timeout: float | None = None):
        time.sleep(30)
        return b"", "text/plain"


def test_timeout_stops_waiting() -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError) as info:
        run_query(SlowStore(), "SELECT * WHERE { ?s ?p ?o }", timeout=0.3)
    assert time.monotonic() - started < 5
    assert str(info.value) == (
        "Query stopped after 0.3 s. Narrow it (more specific patterns, LIMIT) "
        "or give a longer --timeout."
    )


HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_pool_kills_a_query_past_its_time(mini: LocalStore, mini_dir: Path) -> None:
    pool = QueryPool(mini_dir / mini.manifest.store, workers=1, timeout=1.0, max_rows=3)
    processes = []
    try:
        first = pool._all[0].process
        with pytest.raises(QueryTimeoutError, match="Query stopped after 1 s"):
            pool.run(HEAVY, "json")
        assert first.wait(5) is not None  # killed, not left running
        out = pool.run(ROLES, "csv")
        assert (out.rows, out.truncated) == (3, True)
        with pytest.raises(QuerySyntaxError, match="line 1"):
            pool.run("SELECT * WHERE { ?s ?p }", "json")
        processes = [w.process for w in pool._all]
    finally:
        pool.close()
    assert processes and all(p.poll() is not None for p in processes)


def test_closing_the_pool_stops_a_running_query(mini: LocalStore, mini_dir: Path) -> None:
    pool = QueryPool(mini_dir / mini.manifest.store, workers=1, timeout=60.0)
    processes = [w.process for w in pool._all]
    errors: list[str] = []

    def run() -> None:
        try:
            pool.run(HEAVY, "json")
        except QueryError as exc:
            errors.append(str(exc))

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)
    pool.close()
    thread.join(15)
    assert errors == ["The server is shutting down."]
    assert all(p.poll() is not None for p in processes) and pool._all == []


def test_a_workers_connection_is_closed_once_when_two_threads_close_it() -> None:
    # pool.close() and the thread whose query it ended both close the connection; a second
    # os.close of the descriptor raised EBADF in that thread (or closed a reused descriptor)
    from graph.sparql.pool import _Worker

    barrier = threading.Barrier(2)
    closes: list[int] = []

    class Conn:
        def close(self) -> None:
            closes.append(1)

    class Process:
        def kill(self) -> None:
            pass

        def wait(self, _timeout: float) -> int:
            return 0

    worker = _Worker(Process(), Conn())

    def close() -> None:
        barrier.wait()
        worker.kill()

    threads = [threading.Thread(target=close) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert closes == [1]


# ---------------------------------------------------------------------------
# Updates on request
# ---------------------------------------------------------------------------


def test_apply_update_commits_a_new_build(tmp_path: Path, mini_dir: Path) -> None:
    graph = tmp_path / "g"
    shutil.copytree(mini_dir, graph)
    before = read_manifest(graph)
    report = apply_update(
        graph, "INSERT DATA { cgr:role\\/tpm skos:altLabel $title }", {"title": "Infra TPM"}
    )
    after = read_manifest(graph)
    assert after.build_id == report.build_id != before.build_id
    assert report.triples_after == report.triples_before + 1
    assert '"Infra TPM"' in (graph / "graph.ttl").read_text(encoding="utf-8")
    store = LocalStore(graph)
    assert store.ask(f'ASK {{ <{R}tpm> skos:altLabel "Infra TPM" }}')
    ids = store.select("SELECT ?id WHERE { cgr:graph dcterms:identifier ?id }")
    assert ids == [{"id": report.build_id}]


def test_failed_update_leaves_the_graph(tmp_path: Path, mini_dir: Path) -> None:
    graph = tmp_path / "g"
    shutil.copytree(mini_dir, graph)
    turtle = (graph / "graph.ttl").read_bytes()
    with pytest.raises(QuerySyntaxError):
        apply_update(graph, "INSERT DATA { <http://e.org/a> }")
    assert (graph / "graph.ttl").read_bytes() == turtle
    assert read_manifest(graph).build_id == read_manifest(mini_dir).build_id


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------


def run_cli(runner, *args: str):
    from graph.cli import cli

    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_cli_table(runner, mini_dir: Path) -> None:
    result = run_cli(runner, "sparql", "--graph", str(mini_dir), ROLES + " LIMIT 2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "cgr:role/director-tpm" in lines[3] and "Director of Technical" in lines[3]
    assert lines[-1] == "2 rows"


def test_cli_named_query_csv(runner, mini_dir: Path) -> None:
    result = run_cli(
        runner, "sparql", "--graph", str(mini_dir), "--name", "skills-to-gain",
        "-p", "from=TPM", "--param", "to=Director of Technical Program Management",
        "--format", "csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode() == (
        "skill,skillLabel,reasons\r\n"
        f"{S}budgeting,Budgeting,needed by the target role\r\n"
        f"{S}people-management,People management,"
        "commonly missing in people moving in; needed by the target role\r\n"
    )


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_cli_results_formats_parse(runner, mini_dir: Path, fmt: str) -> None:
    result = run_cli(runner, "sparql", "--graph", str(mini_dir), ROLES, "--format", fmt)
    assert result.exit_code == 0, result.output
    parsed = ox.parse_query_results(result.stdout_bytes, format=results_format(fmt))
    assert len(list(parsed)) == 6


def test_cli_construct_and_file(runner, mini_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("CONSTRUCT { ?r rdfs:label ?l } WHERE { ?r a cg:Role ; rdfs:label ?l }")
    result = run_cli(runner, "sparql", "--graph", str(mini_dir), "-f", str(path))
    assert result.exit_code == 0, result.output
    assert len(list(ox.parse(result.stdout_bytes, format=ox.RdfFormat.TURTLE))) == 6


def test_cli_list(runner) -> None:
    result = run_cli(runner, "sparql", "--list")
    assert result.exit_code == 0
    assert "ladder-to-role       The shortest progression ladder to a role" in result.stdout
    assert "--param role=ROLE  the role at the top of the ladder" in result.stdout
    listed = json.loads(run_cli(runner, "sparql", "--list", "--format", "json").stdout)
    assert {q["name"] for q in listed} == {q.name for q in named_queries()}


@pytest.mark.parametrize(
    "args, code, message",
    [
        (
            ["SELECT * WHERE { ?s ?p }"],
            2,
            "Error: The SPARQL query does not parse at line 1, column 18: unexpected '?s'\n"
            "  SELECT * WHERE { ?s ?p }\n                   ^\n",
        ),
        (
            ["INSERT DATA { <http://e.org/a> <http://e.org/b> 1 }"],
            2,
            "Error: SPARQL updates (INSERT) are refused: queries here only read the graph. "
            "Add --allow-update to change the graph folder named with --graph.\n",
        ),
        (
            ["--name", "moves-from-role", "-p", "role=Nobody At All"],
            2,
            "Error: Unknown role 'Nobody At All'. Run 'careergraph roles' to list the roles.\n",
        ),
        (
            ["--name", "moves-from-role"],
            2,
            "Error: The query needs --param role=... (the role you are in: a title, "
            "alternative title, abbreviation or IRI).\n",
        ),
        (
            ["--name", "nope"],
            2,
            "Error: Unknown named query 'nope'. Run 'careergraph sparql --list' to see them all.\n",
        ),
        ([], 2, "Error: Give one of QUERY, -f FILE or --name NAME (see --list).\n"),
        (
            ["INSERT DATA { <http://e.org/a> <http://e.org/b> 1 }", "--allow-update"],
            2,
            "Error: --allow-update needs the graph folder to change: give --graph DIR "
            "(the built-in graph is not changed).\n",
        ),
    ],
)
def test_cli_errors(runner, mini_dir: Path, args: list[str], code: int, message: str) -> None:
    graph = [] if "--allow-update" in args else ["--graph", str(mini_dir)]
    result = run_cli(runner, "sparql", *graph, *args)
    assert result.exit_code == code
    assert result.stderr == message


def test_cli_timeout(runner, monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.build.builtin

    monkeypatch.setattr(graph.build.builtin, "open_store", lambda *a, **k: SlowStore())
    result = run_cli(runner, "sparql", "--timeout", "0.2", "SELECT * WHERE { ?s ?p ?o }")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Query stopped after 0.2 s. Narrow it (more specific patterns, LIMIT) "
        "or give a longer --timeout.\n"
    )


def test_cli_allow_update(runner, tmp_path: Path, mini_dir: Path) -> None:
    graph = tmp_path / "g"
    shutil.copytree(mini_dir, graph)
    label = "Product Manager (Platform/Developer Experience)"
    update = f"DELETE WHERE {{ ?r a cg:Role ; skos:prefLabel '{label}' }}"
    result = run_cli(runner, "sparql", "--graph", str(graph), "--allow-update", update)
    assert result.exit_code == 0, result.output
    build = read_manifest(graph).build_id
    assert result.stdout.startswith(f"Updated {graph}: ")
    assert result.stdout.endswith(f"triples; graph.ttl rewritten as build {build}.\n")
    count = run_cli(
        runner, "sparql", "--graph", str(graph), "--format", "csv",
        "SELECT (COUNT(*) AS ?n) WHERE { ?r a cg:Role }",
    )  # fmt: skip
    assert count.stdout_bytes == b"n\r\n5\r\n"
