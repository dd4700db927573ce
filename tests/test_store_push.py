"""``push``: a built graph loaded into a SPARQL 1.1 server, swapped in only when complete."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from support.fake_sparql import FakeSparql

from graph.errors import (
    EndpointError,
    QueryError,
    UsageError,
)
from graph.store.endpoint import EndpointClient
from graph.store.push import batches, push
from graph.store.remote import DEFAULT_NAMED_GRAPH

pytestmark = pytest.mark.usefixtures("clean_endpoint_env")


# ---------------------------------------------------------------------------
# push
# ---------------------------------------------------------------------------


def test_batches_keep_blank_node_structures_together():
    s = ox.Store()
    s.load(
        b"@prefix : <http://example.org/> .\n"
        b":a :p 1, 2, 3, 4, 5 .\n"
        b":a :q [ :r [ :s 1 ] ; :t ( 1 2 3 ) ] .\n",
        format=ox.RdfFormat.TURTLE,
    )
    out = list(batches(s, 2))
    assert sum(n for n, _ in out) == len(s)
    linked = [body for _, body in out if b"_:" in body]
    assert len(linked) == 1  # the whole blank-node structure in one request
    assert sum(1 for _, body in out if b"_:" in body) == 1


def test_push_through_the_graph_store_protocol(fake: FakeSparql, builtin_dir: Path, store):
    seen: list[tuple[int, int]] = []
    report = push(
        builtin_dir,
        fake.url + "/sparql",
        fake.url + "/update",
        graph_store=fake.url + "/gsp",
        progress=lambda done, total: seen.append((done, total)),
        batch_size=2000,
    )
    total = len(list(store.raw.quads_for_pattern(None, None, None)))
    assert (report.protocol, report.triples, report.remote_triples) == ("graph-store", total, total)
    assert report.replaced is False and report.build_id == store.fingerprint
    assert fake.graphs() == {DEFAULT_NAMED_GRAPH: total}
    assert seen[-1] == (total, total) and len(seen) == -(-total // 2000)


def test_push_through_sparql_update(fake: FakeSparql, builtin_dir: Path):
    report = push(builtin_dir, fake.url + "/sparql", fake.url + "/update", batch_size=3000)
    assert report.protocol == "update" and report.warnings == []
    assert fake.graphs() == {DEFAULT_NAMED_GRAPH: report.triples}


def test_push_falls_back_to_update_without_graph_store(fake: FakeSparql, builtin_dir: Path):
    fake.gsp_status = 405
    report = push(
        builtin_dir, fake.url + "/sparql", fake.url + "/update", graph_store=fake.url + "/gsp"
    )
    assert report.protocol == "update"
    assert report.warnings == [
        f"{fake.url}/gsp does not speak the Graph Store Protocol (HTTP 405); loaded through "
        "SPARQL Update instead."
    ]
    assert fake.graphs() == {DEFAULT_NAMED_GRAPH: report.triples}


def test_push_into_a_full_graph_needs_replace(pushed: FakeSparql, builtin_dir: Path):
    before = pushed.graphs()
    with pytest.raises(UsageError) as err:
        push(builtin_dir, pushed.url + "/sparql", pushed.url + "/update")
    assert str(err.value) == (
        f"The named graph <{DEFAULT_NAMED_GRAPH}> on {pushed.url}/sparql already holds "
        f"{before[DEFAULT_NAMED_GRAPH]} triples; add --replace to swap it for this graph."
    )
    report = push(builtin_dir, pushed.url + "/sparql", pushed.url + "/update", replace=True)
    assert report.replaced is True
    assert pushed.graphs() == before  # no temporary graph left behind


def test_push_retries_transient_failures(fake: FakeSparql, builtin_dir: Path):
    fake.fail_loads = [503, 500]
    client = EndpointClient(retries=3, backoff=0)
    report = push(builtin_dir, fake.url + "/sparql", fake.url + "/update", client=client)
    assert report.retries == 2
    assert fake.graphs() == {DEFAULT_NAMED_GRAPH: report.triples}


def test_a_failed_replace_leaves_the_graph_as_it_was(pushed: FakeSparql, builtin_dir: Path):
    before = pushed.graphs()
    pushed.fail_loads = [500] * 10
    client = EndpointClient(retries=2, backoff=0)
    with pytest.raises(QueryError, match=r"failed after 3 attempts \(HTTP 500\): busy\.$"):
        push(
            builtin_dir, pushed.url + "/sparql", pushed.url + "/update", replace=True, client=client
        )
    assert pushed.graphs() == before


def test_a_count_mismatch_stops_the_swap(pushed: FakeSparql, builtin_dir: Path):
    before = pushed.graphs()
    pushed.lose_triples = True
    with pytest.raises(EndpointError, match=r"^Count check failed: sent \d+ triples but ") as err:
        push(
            builtin_dir,
            pushed.url + "/sparql",
            pushed.url + "/update",
            graph_store=pushed.url + "/gsp",
            replace=True,
        )
    assert f"; <{DEFAULT_NAMED_GRAPH}> was left as it was." in str(err.value)
    assert pushed.graphs() == before


def test_push_credentials_come_from_the_environment(
    fake: FakeSparql, builtin_dir: Path, monkeypatch
):
    fake.user = ("loader", "pa55")
    with pytest.raises(EndpointError) as err:
        push(builtin_dir, fake.url + "/sparql", fake.url + "/update")
    assert str(err.value) == (
        f"The SPARQL endpoint {fake.url}/update asks for credentials (HTTP 401); set "
        "CAREERGRAPH_ENDPOINT_USER and CAREERGRAPH_ENDPOINT_PASSWORD."
    )
    monkeypatch.setenv("CAREERGRAPH_ENDPOINT_USER", "loader")
    monkeypatch.setenv("CAREERGRAPH_ENDPOINT_PASSWORD", "wrong")
    with pytest.raises(EndpointError, match=r"refused the credentials in CAREERGRAPH_ENDPOINT"):
        push(builtin_dir, fake.url + "/sparql", fake.url + "/update")
    monkeypatch.setenv("CAREERGRAPH_ENDPOINT_PASSWORD", "pa55")
    report = push(builtin_dir, fake.url + "/sparql", fake.url + "/update")
    assert report.remote_triples == report.triples
    # the public query endpoint never saw them
    assert not any("Authorization" in h for path, h in fake.log if path == "/sparql")
