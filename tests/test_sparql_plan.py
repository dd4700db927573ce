"""The join planner: which queries it regroups; a regrouped query gives the same rows in order."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import graph.sparql.counts as counts_module
from graph.cli import cli
from graph.sparql.cachefiles import cache_file
from graph.sparql.counts import count_pattern, plan_local, plan_raw
from graph.sparql.plan import (
    RDF_TYPE,
    Counts,
    hashed_listing,
    nested_order,
    one_row_each,
    plan_query,
    read_patterns,
    regroup,
)
from graph.sparql.pool import QueryPool
from graph.sparql.run import execute
from graph.store.local import LocalStore
from tests.test_sparql import make_graph

EX = "http://e.org/"
CG = "https://w3id.org/careergraph/ontology#"
BIG = Counts(100_000, 100_000, 100_000)
PREFIX = f"PREFIX ex: <{EX}> PREFIX cg: <{CG}> "

#: an O*NET-like shape: roles -> requirements -> a skill and an importance each
RATINGS = (
    "SELECT ?skill (AVG(?imp) AS ?avg) (COUNT(*) AS ?n) WHERE { ?r cg:skillRequirement ?q . "
    "?q cg:skill ?skill ; cg:importance ?imp } GROUP BY ?skill ORDER BY DESC(?n) LIMIT 3"
)


def _random_store(seed: int, path: Path | None) -> ox.Store:
    """Triples over 60 nodes: p0 one object per subject, p1 one subject per object, p2 p3 any."""
    r = random.Random(seed)
    store = ox.Store(str(path)) if path else ox.Store()
    nodes = [ox.NamedNode(f"{EX}n{i}") for i in range(60)]
    quads = []
    for n in nodes:
        if r.random() < 0.8:
            obj = r.choice(nodes) if r.random() < 0.8 else ox.Literal(str(r.randrange(10)))
            quads.append(ox.Quad(n, ox.NamedNode(EX + "p0"), obj))
        if r.random() < 0.8:
            quads.append(ox.Quad(r.choice(nodes), ox.NamedNode(EX + "p1"), n))
        if r.random() < 0.5:
            cls = ox.NamedNode(f"{EX}C{r.randrange(2)}")
            quads.append(ox.Quad(n, ox.NamedNode(RDF_TYPE), cls))
    for _ in range(300):
        p = ox.NamedNode(f"{EX}p{r.randrange(2, 4)}")
        quads.append(ox.Quad(r.choice(nodes), p, r.choice(nodes)))
    store.extend(quads)
    return store


@st.composite
def _bgps(draw: st.DrawFn) -> str:
    names = ["?a", "?b", "?c", "?d", "?e"]
    used = [draw(st.sampled_from(names))]
    patterns = []
    for _ in range(draw(st.integers(2, 5))):
        if draw(st.integers(0, 6)) == 0:
            patterns.append(f"{draw(st.sampled_from(used))} a ex:C{draw(st.integers(0, 1))}")
            continue
        x, y = draw(st.sampled_from(used)), draw(st.sampled_from(names))
        if draw(st.booleans()):
            x, y = y, x
        used += [x, y]
        patterns.append(f"{x} ex:p{draw(st.sampled_from([0, 0, 1, 1, 2, 3]))} {y}")
    text = " . ".join(patterns)
    if "?a" in text and "?b" in text and draw(st.booleans()):
        text += " FILTER(?a != ?b)"
    return f"{PREFIX}SELECT * WHERE {{ {text} }}"


def _rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    result = store.query(query)
    names = [v.value for v in result.variables]
    return [tuple(str(row[name]) for name in names) for row in result]


@pytest.fixture(scope="module")
def disk_stores(tmp_path_factory: pytest.TempPathFactory) -> list[ox.Store]:
    return [_random_store(seed, tmp_path_factory.mktemp(f"store{seed}")) for seed in range(4)]


@settings(max_examples=300, deadline=None)
@given(query=_bgps(), which=st.integers(0, 3))
def test_regrouped_rows_come_in_the_same_order(
    disk_stores: list[ox.Store], query: str, which: int
) -> None:
    # every size check passed (as if each pattern matched thousands): whatever the
    # planner agrees to regroup gives the rows, in their order, of the query as written
    store = disk_stores[which]
    patterns, filters, start, end = read_patterns(query)
    nested = nested_order(patterns)
    if nested is None:
        return
    counts = [
        count_pattern(lambda q: [int(t.value) for t in next(iter(store.query(q)))], p)
        for p in patterns
    ]
    if not one_row_each(patterns, nested, counts):
        return
    listing = hashed_listing(patterns, nested[0])
    if listing is None:
        return
    regrouped = regroup(query, patterns, filters, listing, start, end)
    assert regrouped != query
    assert _rows(store, regrouped) == _rows(store, query)


def test_without_the_one_row_check_the_order_would_change(disk_stores: list[ox.Store]) -> None:
    # why one_row_each exists: p3 gives a subject several objects, and a hash table
    # hands several matches back in another order than the lookups find them
    store = disk_stores[0]
    query = f"{PREFIX}SELECT * WHERE {{ ?a ex:p2 ?e . ?e ex:p3 ?c }}"
    patterns, filters, start, end = read_patterns(query)
    nested = nested_order(patterns)
    assert nested is not None
    counts = [
        count_pattern(lambda q: [int(t.value) for t in next(iter(store.query(q)))], p)
        for p in patterns
    ]
    assert not one_row_each(patterns, nested, counts)
    listing = hashed_listing(patterns, nested[0])
    assert listing is not None
    regrouped = regroup(query, patterns, filters, listing, start, end)
    assert sorted(_rows(store, regrouped)) == sorted(_rows(store, query))
    assert _rows(store, regrouped) != _rows(store, query)


@pytest.mark.parametrize(
    "where",
    [
        "?r cg:skillRequirement ?q OPTIONAL { ?q cg:skill ?s }",
        "{ ?r cg:skillRequirement ?q } UNION { ?q cg:skill ?s }",
        "GRAPH ?g { ?r cg:skillRequirement ?q . ?q cg:skill ?s }",
        "?r cg:skillRequirement _:q . _:q cg:skill ?s",
        "?r cg:skillRequirement [ cg:skill ?s ]",
        "?r cg:skillRequirement/cg:skill ?s . ?r cg:skillRequirement ?q",
        "?r ^cg:skillRequirement ?q . ?q cg:skill ?s",
        "?r cg:skillRequirement* ?q . ?q cg:skill ?s",
        "?r cg:skillRequirement ?q . ?q cg:importance 3",
        "?r cg:skillRequirement ?q . ?q cg:skill ?s BIND(1 AS ?x)",
        "?r cg:skillRequirement ?q . ?q cg:skill ?s VALUES ?s { cg:x }",
        "?r cg:skillRequirement ?q . ?q ?p ?s",
        "?r cg:skillRequirement ?q . { SELECT ?q ?s WHERE { ?q cg:skill ?s } }",
        "?r cg:skillRequirement ?q . ?q cg:skill ?s FILTER NOT EXISTS { ?q cg:level ?l }",
        "?r cg:skillRequirement ?q . ?q cg:skill ?s MINUS { ?q cg:level ?l }",
        "?r cg:skillRequirement ?q . ?q cg:skill <relative>",
        "?r cg:skillRequirement ?q . ?q cg:skill 'x'",
        "cgr:onet/1 cg:skillRequirement ?q . ?q cg:skill ?s",
        "?r cg:skillRequirement ?q . ?x cg:skill ?s",
    ],
)
def test_queries_it_leaves_as_written(where: str) -> None:
    query = f"{PREFIX}PREFIX cgr: <https://w3id.org/careergraph/id/> SELECT * WHERE {{ {where} }}"
    plan = plan_query(query, lambda p: BIG)
    assert not plan.rewritten, plan.reason
    assert plan.query == query


@pytest.mark.parametrize(
    "query",
    [
        f"BASE <{EX}> {PREFIX}SELECT * WHERE {{ ?r cg:skillRequirement ?q . ?q cg:skill ?s }}",
        f"{PREFIX}ASK {{ ?r cg:skillRequirement ?q . ?q cg:skill ?s }}",
        f"{PREFIX}CONSTRUCT {{ ?r ?p ?q }} WHERE {{ ?r cg:skillRequirement ?q . ?q cg:skill ?s }}",
        f"{PREFIX}SELECT (EXISTS {{ ?x ?y ?z }} AS ?e) "
        "WHERE { ?r cg:skillRequirement ?q . ?q cg:skill ?s }",
        f"{PREFIX}SELECT * WHERE {{ ?r cg:skillRequirement ?q . ?q zz:skill ?s }}",
        f"{PREFIX}SELECT * WHERE {{ ?r cg:skillRequirement ?q . ?q cg:skill ?s ",
        f"{PREFIX}SELECT * WHERE {{ ?r cg:skillRequirement ?q ; ; }}",
        f"{PREFIX}SELECT * WHERE {{ ?r cg:skillRequirement ?q . ?q cg:skill ?s FILTER ?s }}",
        "garbage",
        "",
    ],
)
def test_other_forms_and_broken_text_run_as_written(query: str) -> None:
    plan = plan_query(query, lambda p: BIG)
    assert not plan.rewritten
    assert plan.query == query


def test_what_it_regroups_keeps_filters_lists_and_modifiers() -> None:
    query = (
        f"{PREFIX}SELECT ?s WHERE {{ ?r cg:skillRequirement ?q . "
        "?q cg:skill ?s ; cg:ignored ?x , ?y FILTER(?x != ?y) } ORDER BY ?s"
    )
    plan = plan_query(query, lambda p: BIG)
    assert plan.rewritten, plan.reason
    body = plan.query[plan.query.index("WHERE") :]
    for pattern in (
        "?r cg:skillRequirement ?q",
        "?q cg:ignored ?x",
        "?q cg:ignored ?y",
        "?q cg:skill ?s",
    ):
        assert f"{{ SELECT * WHERE {{ {pattern} }} }}" in body
    assert body.endswith("FILTER(?x != ?y) } ORDER BY ?s")
    # the pattern the engine reads first as written is one the others hang on: no listing
    # keeps its rows' order, so that query runs as written
    hub = f"{PREFIX}SELECT * WHERE {{ ?r cg:skillRequirement ?q . ?r cg:z ?w . ?q cg:skill ?s }}"
    assert plan_query(hub, lambda p: BIG).reason == "no listing of subqueries keeps the rows' order"


def test_a_name_glued_to_the_dot_after_it_is_read_as_two_tokens() -> None:
    patterns, _, _, _ = read_patterns(
        f"{PREFIX}SELECT * {{ ?r a cg:Role.?r cg:x ex:y.. ?r cg:z ?w }}"
    )
    assert [p.text for p in patterns] == ["?r a cg:Role", "?r cg:x ex:y", "?r cg:z ?w"]
    assert patterns[0].cls == CG + "Role"
    # a class pattern is where the engine starts either way: such a query runs as written
    assert not plan_query(
        f"{PREFIX}SELECT * {{ ?r a cg:Role . ?r cg:z ?w }}", lambda p: BIG
    ).rewritten


@pytest.mark.parametrize(
    ("sizes", "rewritten"),
    [
        ((100_000, 100_000, 100_000), True),
        ((1_000, 100_000, 100_000), False),  # the first read is small: lookups are few
        ((100_000, 900, 1_000_000_000), False),  # reading everything costs more
    ],
)
def test_it_regroups_only_when_reading_everything_is_cheaper(
    sizes: tuple[int, int, int], rewritten: bool
) -> None:
    by_predicate = dict(zip(["skillRequirement", "skill", "importance"], sizes, strict=True))

    def count(p: object) -> Counts:
        rows = by_predicate[p.predicate.rsplit("#", 1)[1]]  # type: ignore[attr-defined]
        return Counts(rows, rows, rows)

    plan = plan_query(PREFIX + RATINGS, count)
    assert plan.rewritten is rewritten, plan.reason


def _ratings_graph(out: Path, roles: int = 60, skills: int = 40) -> Path:
    """A graph folder with roles x skills ratings: every pattern of RATINGS matches thousands."""
    from graph.store.write import write_graph

    r = random.Random(7)

    def fill(store: ox.Store) -> None:
        lines = []
        for i in range(roles):
            for j in range(skills):
                if r.random() < 0.9:
                    q = f"<{EX}req/{i}/{j}>"
                    lines.append(f"<{EX}role/{i}> <{CG}skillRequirement> {q} .")
                    lines.append(f"{q} <{CG}skill> <{EX}skill/{j}> .")
                    if r.random() < 0.7:
                        value = f'"{r.randrange(100, 500) / 100}"^^<http://www.w3.org/2001/XMLSchema#decimal>'
                        lines.append(f"{q} <{CG}importance> {value} .")
        store.load("\n".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES)

    write_graph(out, fill)
    return out


@pytest.fixture(scope="module")
def ratings_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _ratings_graph(tmp_path_factory.mktemp("ratings") / "graph")


def test_cli_regroups_the_ratings_query_and_answers_the_same(
    ratings_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREERGRAPH_CACHE", str(tmp_path / "cache"))
    runner = CliRunner()
    graph = ["--graph", str(ratings_dir)]
    explained = runner.invoke(cli, ["sparql", RATINGS, "--explain", *graph])
    assert explained.exit_code == 0, explained.output
    assert explained.output.startswith("Runs regrouped: 3 patterns of ")
    assert "{ SELECT * WHERE { ?r cg:skillRequirement ?q } } } GROUP BY" in explained.output
    assert "PREFIX rdfs:" not in explained.output
    for fmt in ("csv", "json", "table"):
        planned = runner.invoke(cli, ["sparql", RATINGS, "--format", fmt, *graph])
        written = runner.invoke(cli, ["sparql", RATINGS, "--format", fmt, "--as-written", *graph])
        assert planned.exit_code == written.exit_code == 0, planned.output + written.output
        assert planned.output == written.output
    # the counts are kept for the build, and a damaged file is counted again
    path = cache_file(LocalStore(ratings_dir), "counts", "predicates")
    assert path is not None
    kept = json.loads(path.read_text(encoding="utf-8"))["counts"]
    assert kept[f"predicate {CG}skill"][0] == kept[f"predicate {CG}skill"][1] > 2_000
    path.write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(counts_module, "_MEMO", {})  # as a new process would start
    again = runner.invoke(cli, ["sparql", RATINGS, "--explain", *graph])
    assert again.output == explained.output
    assert json.loads(path.read_text(encoding="utf-8"))["counts"] == kept


def test_small_graphs_and_selective_queries_run_as_written(
    ratings_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREERGRAPH_CACHE", str(tmp_path / "cache"))
    small = LocalStore(make_graph(tmp_path / "small"))
    plan = plan_local(small, PREFIX + RATINGS)
    assert not plan.rewritten
    one_role = RATINGS.replace("?r cg:skillRequirement", f"<{EX}role/1> cg:skillRequirement")
    assert not plan_local(LocalStore(ratings_dir), PREFIX + one_role).rewritten
    assert plan_local(LocalStore(ratings_dir), PREFIX + RATINGS).rewritten


def test_the_server_workers_regroup_and_answer_the_same(ratings_dir: Path) -> None:
    store = LocalStore(ratings_dir)
    written = execute(store, RATINGS, result_format="csv", as_written=True).body
    memo: dict[str, Counts] = {}
    assert plan_raw(store.raw, PREFIX + RATINGS, memo).rewritten
    pool = QueryPool(ratings_dir / store.manifest.store, workers=1, timeout=30)
    try:
        assert pool.run(RATINGS, "csv").body == written
    finally:
        pool.close()


@pytest.mark.parametrize(
    "predicate",
    [
        "<http://e.org/x\\u003E\\u0020?o\\u0020\\u007D\\u0020SERVICE\\u0020\\u003Chttp://127.0.0.1:9/\\u003E"
        "\\u0020\\u007B\\u0020?a\\u0020?b\\u0020?c\\u0020\\u007D\\u0020#>",
        "<http://e.org/x\\U0000003e>",
        "<http://e.org/a\\u0020b>",
        "ex:x\\>",
    ],
)
def test_an_iri_that_would_break_out_of_a_counting_query_is_never_counted(predicate: str) -> None:
    # the counting queries are made from the decoded IRI: one ending early there would let
    # request text choose the query (a SERVICE call from a server worker); such a query runs
    # as written, to be parsed (or refused) whole by the engine
    query = f"{PREFIX}SELECT * WHERE {{ ?r {predicate} ?q . ?q cg:skill ?s }}"

    def count(pattern: object) -> Counts:
        raise AssertionError(f"counted {pattern}")

    plan = plan_query(query, count)
    assert not plan.rewritten
    assert "will not quote" in plan.reason


def test_a_server_worker_keeps_a_bounded_number_of_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    store = _random_store(1, None)
    monkeypatch.setattr(counts_module, "MAX_REMEMBERED", 5)
    memo: dict[str, Counts] = {}
    for i in range(20):
        plan_raw(store, f"{PREFIX}SELECT * WHERE {{ ?a ex:q{i} ?b . ?b ex:p0 ?c }}", memo)
        assert len(memo) <= 5


def test_a_group_of_thousands_of_patterns_runs_as_written_without_working_out_an_order() -> None:
    # request text of the largest size accepted: ordering its patterns would take hours
    chain = " . ".join(f"?v{i} ex:p0 ?v{i + 1}" for i in range(10_000))
    plan = plan_query(f"{PREFIX}SELECT * WHERE {{ {chain} }}", lambda p: BIG)
    assert not plan.rewritten
    assert plan.reason == "10,000 triple patterns: more than 16"
