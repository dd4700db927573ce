"""A real Virtuoso (scripts/ci_services.sh starts one); the tests skip without it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import SHARED_DATA, import_onet, made_once, require
from support.fake_sparql import (
    NETWORK_QUERIES,
    READING_COMMANDS,
    XSD,
    compare_commands,
    compare_viz,
    sorted_rows,
)
from support.onet_slice import slice_onet

from graph.cli import cli
from graph.errors import (
    QueryError,
)
from graph.projection import queries
from graph.store.push import push
from graph.store.remote import DEFAULT_NAMED_GRAPH, RemoteStore

pytestmark = pytest.mark.usefixtures("clean_endpoint_env")


# ---------------------------------------------------------------------------
# A real Virtuoso (scripts/ci_services.sh starts one). Without it the tests marked
# 'virtuoso' skip, or fail under CAREERGRAPH_REQUIRE_SERVICES=1 (conftest.py).
# ---------------------------------------------------------------------------


def _virtuoso_urls() -> dict[str, str]:
    return {
        "query": os.environ["CAREERGRAPH_TEST_VIRTUOSO"],
        "update": os.environ["CAREERGRAPH_TEST_VIRTUOSO_UPDATE"],
        "gsp": os.environ["CAREERGRAPH_TEST_VIRTUOSO_GSP"],
    }


def _set_virtuoso_credentials(mp: pytest.MonkeyPatch) -> None:
    mp.setenv("CAREERGRAPH_ENDPOINT_USER", os.environ["CAREERGRAPH_TEST_VIRTUOSO_USER"])
    mp.setenv("CAREERGRAPH_ENDPOINT_PASSWORD", os.environ["CAREERGRAPH_TEST_VIRTUOSO_PASSWORD"])


@pytest.fixture
def virtuoso(monkeypatch) -> dict[str, str]:
    """Virtuoso's endpoints, with its writer's credentials in the environment."""
    _set_virtuoso_credentials(monkeypatch)
    return _virtuoso_urls()


@pytest.fixture(scope="module")
def virtuoso_builtin(builtin_dir: Path) -> dict[str, str]:
    """Virtuoso holding the built-in graph in the default named graph (pushed once)."""
    urls = _virtuoso_urls()
    with pytest.MonkeyPatch.context() as mp:
        _set_virtuoso_credentials(mp)
        report = push(
            builtin_dir, urls["query"], urls["update"], graph_store=urls["gsp"], replace=True
        )
    assert report.remote_triples == report.triples
    return urls


# The O*NET comparison runs first among the Virtuoso tests: after many small pushes and
# reads, Virtuoso 7.2 has been seen holding a lock long enough to time out the count check
# of a million-triple push (SR171).
ONET_ROLES = [
    ["path", "Software Developers", "Computer and Information Systems Managers"],
    ["next", "Registered Nurses"],
    ["similar", "Data Scientists"],
    ["gap", "Software Developers", "Computer and Information Systems Managers"],
    ["show", "Data Scientists"],  # technology skills: many share a rank, so order matters
]


@pytest.fixture(scope="module")
def onet_graph() -> Path:
    """The real O*NET with wages, cut to the occupations above and those related to them.

    About 70 occupations (and the built-in guides) in 120,000 triples, three batches of a
    push: real text, ratings, technologies, wages and moves, without pushing the million
    triples of the whole release (half a minute on an idle machine, well over a minute on a
    busy one).
    """
    require("realdata")
    titles = {title for args in ONET_ROLES for title in args[1:]}

    def run(out: Path) -> None:
        files = out.with_name("onet-slice-files")
        shutil.rmtree(files, ignore_errors=True)
        slice_onet(SHARED_DATA / "onet" / "tsv_from_xlsx", files, titles)
        import_onet(files, out)

    return made_once("onet-slice", run)


@pytest.mark.virtuoso
@pytest.mark.realdata
def test_virtuoso_onet_graph_answers_like_the_embedded_store(
    runner, virtuoso, onet_graph, monkeypatch
):
    graph = DEFAULT_NAMED_GRAPH + "/test-onet"
    report = push(
        onet_graph,
        virtuoso["query"],
        virtuoso["update"],
        graph_store=virtuoso["gsp"],
        named_graph=graph,
        replace=True,
    )
    assert report.remote_triples == report.triples
    monkeypatch.setenv("CAREERGRAPH_NAMED_GRAPH", graph)
    try:
        for args in ONET_ROLES:
            args = [*args, "--format", "json"]
            local = runner.invoke(cli, [*args, "--graph", str(onet_graph)])
            remote = runner.invoke(cli, ["--endpoint", virtuoso["query"], *args])
            assert local.exit_code == 0, local.stderr
            assert remote.exit_code == 0, remote.stderr
            assert json.loads(remote.stdout) == json.loads(local.stdout)
    finally:
        RemoteStore(virtuoso["query"]).client.request(
            "POST", virtuoso["update"], data={"update": f"DROP SILENT GRAPH <{graph}>"}, write=True
        )


@pytest.mark.virtuoso
@pytest.mark.parametrize("name", sorted(READING_COMMANDS))
def test_virtuoso_answers_every_command_like_the_embedded_store(
    runner, virtuoso_builtin, builtin_dir: Path, name
):
    compare_commands(runner, virtuoso_builtin["query"], builtin_dir, name)


@pytest.mark.virtuoso
def test_virtuoso_draws_the_same_viz_page(runner, virtuoso_builtin, builtin_dir, tmp_path):
    compare_viz(runner, virtuoso_builtin["query"], builtin_dir, tmp_path)


@pytest.mark.virtuoso
@pytest.mark.parametrize("name", NETWORK_QUERIES)
def test_virtuoso_projection_queries(virtuoso_builtin, store, name):
    query = getattr(queries, name)
    remote = RemoteStore(virtuoso_builtin["query"])
    assert sorted_rows(remote.select(query)) == sorted_rows(store.select(query))


@pytest.fixture(scope="module")
def no_duration_graph(builtin_dir: Path, tmp_path_factory) -> Path:
    """The built-in graph without xsd:duration literals, which Virtuoso's SPARQL Update refuses."""
    from graph.store.local import LocalStore
    from graph.store.write import write_graph

    source = LocalStore(builtin_dir)
    quads = [
        q
        for q in source.raw.quads_for_pattern(None, None, None)
        if getattr(q.object, "datatype", None) != ox.NamedNode(XSD + "duration")
    ]
    source.close()
    out = tmp_path_factory.mktemp("no-duration")
    write_graph(out, lambda store: store.extend(quads))
    return out


@pytest.mark.virtuoso
def test_virtuoso_push_through_sparql_update_into_another_graph(
    runner, virtuoso, no_duration_graph: Path, monkeypatch
):
    graph = DEFAULT_NAMED_GRAPH + "/test-update"
    report = push(
        no_duration_graph,
        virtuoso["query"],
        virtuoso["update"],
        named_graph=graph,
        replace=True,
        graph_store="",
    )
    assert (report.protocol, report.remote_triples) == ("update", report.triples)
    monkeypatch.setenv("CAREERGRAPH_NAMED_GRAPH", graph)
    try:
        for name in ("show", "path"):  # show: text with non-ASCII characters (–, →)
            compare_commands(runner, virtuoso["query"], no_duration_graph, name)
    finally:
        RemoteStore(virtuoso["query"]).client.request(
            "POST", virtuoso["update"], data={"update": f"DROP SILENT GRAPH <{graph}>"}, write=True
        )


@pytest.mark.virtuoso
def test_virtuoso_update_cannot_carry_durations_and_says_so(virtuoso, tmp_path):
    from graph.store.write import write_graph

    duration = ox.Literal("P1Y", datatype=ox.NamedNode(XSD + "duration"))
    node = ox.NamedNode("https://w3id.org/careergraph/id/salary/x")
    write_graph(
        tmp_path,
        lambda s: s.add(ox.Quad(node, ox.NamedNode("https://schema.org/duration"), duration)),
    )
    graph = DEFAULT_NAMED_GRAPH + "/test-duration"
    with pytest.raises(QueryError) as err:
        push(tmp_path, virtuoso["query"], virtuoso["update"], named_graph=graph, graph_store="")
    assert str(err.value).startswith(
        f"The SPARQL endpoint {virtuoso['update']} failed (HTTP 500): Virtuoso 22023 Error "
        "SR553: Literal of type xsd:duration can not be created"
    )
    # through its Graph Store endpoint (found beside /sparql-auth) the same graph loads
    report = push(tmp_path, virtuoso["query"], virtuoso["update"], named_graph=graph)
    assert report.protocol == "graph-store" and report.remote_triples == report.triples
    RemoteStore(virtuoso["query"]).client.request(
        "POST", virtuoso["update"], data={"update": f"DROP SILENT GRAPH <{graph}>"}, write=True
    )


@pytest.mark.virtuoso
def test_virtuoso_refusals_are_one_line(runner, virtuoso, builtin_dir: Path, monkeypatch):
    graph = ["--named-graph", DEFAULT_NAMED_GRAPH + "/test-refused", "--graph", str(builtin_dir)]
    anonymous = runner.invoke(cli, ["--endpoint", virtuoso["query"], "push", *graph])
    assert anonymous.exit_code == 1
    assert anonymous.stderr.startswith(
        f"Error: The SPARQL endpoint {virtuoso['query']} refused the request (HTTP 500): "
        "Virtuoso 42000 Error SR186:SECURITY: No permission"
    )
    assert anonymous.stderr.endswith(
        "GraphDB: http://HOST:7200/repositories/REPOSITORY/statements).\n"
    )
    monkeypatch.setenv("CAREERGRAPH_ENDPOINT_PASSWORD", "not-the-password")
    wrong = runner.invoke(
        cli,
        ["--endpoint", virtuoso["query"], "--update-endpoint", virtuoso["update"], "push", *graph],
    )
    assert wrong.exit_code == 1
    assert wrong.stderr == (
        f"Error: The SPARQL endpoint {virtuoso['update']} refused the credentials in "
        "CAREERGRAPH_ENDPOINT_USER and CAREERGRAPH_ENDPOINT_PASSWORD (HTTP 401).\n"
    )
