"""JSON-LD export: a compact document, written subject by subject, that reads back as the store."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest
import rdflib
from conftest import FIXTURES
from rdflib.compare import graph_diff, isomorphic

import graph.export.writers as writers
from graph.errors import CareerGraphError
from graph.export.jsonld import JSONLD_CONTEXT, write_jsonld
from graph.export.writers import export_graph

HOSTILE = FIXTURES / "export" / "hostile.nt"
ROLE = "https://w3id.org/careergraph/id/role/hostile"


@pytest.fixture
def hostile() -> ox.Store:
    """A store of the hostile triples (its literals as the store keeps them: ``007`` is ``7``)."""
    store = ox.Store()
    store.load(path=str(HOSTILE), format=ox.RdfFormat.N_TRIPLES)
    return store


def _written(raw: ox.Store) -> str:
    out = io.StringIO()
    write_jsonld(raw, out)
    return out.getvalue()


def _triples(raw: ox.Store) -> list[ox.Quad]:
    return list(raw.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def _canonical(quads: list[ox.Quad]) -> set[ox.Quad]:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)  # blank nodes get read anew
    return set(dataset)


def _assert_same_in_rdflib(raw: ox.Store, document: str | Path) -> None:
    nt = raw.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    expected = rdflib.Graph().parse(data=nt.decode("utf-8"), format="nt")
    if isinstance(document, Path):
        got = rdflib.Graph().parse(document, format="json-ld")
    else:
        got = rdflib.Graph().parse(data=document, format="json-ld")
    _, missing, extra = graph_diff(expected, got)
    assert isomorphic(expected, got), (sorted(missing)[:5], sorted(extra)[:5])


def _nodes(document: str) -> dict[str, dict]:
    doc = json.loads(document)
    assert list(doc) == ["@context", "@graph"] and doc["@context"] == JSONLD_CONTEXT
    return {node["@id"]: node for node in doc["@graph"]}


def test_hostile_triples_read_back_the_same_in_pyoxigraph(hostile):
    document = _written(hostile)
    got = list(ox.parse(document, format=ox.RdfFormat.JSON_LD))
    assert len(_triples(hostile)) == 45
    assert _canonical(got) == _canonical(_triples(hostile))


def test_hostile_triples_read_back_the_same_in_rdflib(hostile):
    _assert_same_in_rdflib(hostile, _written(hostile))


def test_hostile_triples_are_written_compact(hostile):
    nodes = _nodes(_written(hostile))
    role = nodes["cgr:role/hostile"]
    assert "@context" not in role  # nothing in it needs the full form
    assert sorted(role["@type"]) == ["cg:Role", "http://example.org/Other"]
    assert role["skos:prefLabel"] == 'Say "hi" \\ back\\slash \\" \\n not a newline'
    labels = role["skos:altLabel"]
    assert {"@id", "@type", "cg:Role", "_:b0", "", "line one\nline two\r\n\ttabbed"} <= set(
        label for label in labels if isinstance(label, str)
    )
    assert {"@value": "Developer", "@language": "en-gb"} in labels
    assert role["cg:experienceRank"] == {"@value": "7", "@type": "xsd:integer"}
    assert {"@value": 'typed "text"', "@type": "cgr:type:with/colon"} in role["cg:note"]
    assert sorted(v["@id"] for v in role["schema:sameAs"]) == [
        "cgr:a:b/c#d",
        "cgr:café/x?y=1&z=%22",
        "http://example.org/plain#x:y",
        # no local part, or one a reader would take for an authority (cgr://...): left whole
        "https://w3id.org/careergraph/id/",
        "https://w3id.org/careergraph/id///double-slash",
        "schema:Person",
        "urn:isbn:0451450523",
    ]
    assert role["cgr:predicate#with/slash:colon"] == "hash"
    blank = role["schema:a:b/c"]["@id"]
    assert blank.startswith("_:") and nodes[blank]["rdfs:label"] == "a blank node"
    # an IRI whose scheme is a prefix (cg:Role, cgr:subject) is kept whole in a node without context
    prefix_like = nodes["https://w3id.org/careergraph/id/role/looks-like-a-prefix"]
    assert prefix_like["@context"] is None
    assert {"@id": "cg:Role"} in prefix_like["https://schema.org/sameAs"]
    assert nodes["cgr:subject"]["@context"] is None
    assert nodes["CG:Upper"]["@context"] is None


def test_a_base_direction_and_a_subject_read_in_two_parts_read_back(hostile):
    label = ox.Literal("مهندس", language="ar", direction=ox.BaseDirection.RTL)
    hostile.add(ox.Quad(ox.NamedNode(ROLE), ox.NamedNode(JSONLD_CONTEXT["rdfs"] + "label"), label))
    document = _written(hostile)
    # an in-memory store gives the added triple apart from the subject's others: two node
    # objects with one @id, which readers merge
    parts = [node for node in json.loads(document)["@graph"] if node["@id"] == "cgr:role/hostile"]
    assert [node["rdfs:label"] for node in parts if "rdfs:label" in node] == [
        {"@value": "مهندس", "@language": "ar", "@direction": "rtl"}
    ]
    got = list(ox.parse(document, format=ox.RdfFormat.JSON_LD))
    assert _canonical(got) == _canonical(_triples(hostile))


def test_text_cannot_break_out_of_its_string(hostile):
    document = _written(hostile)
    ids = [node["@id"] for node in json.loads(document)["@graph"]]
    assert "cgr:injected" not in ids and len(ids) == len(set(ids)) == 7
    assert "\x00" not in document and "\\u0000" in document  # JSON escapes, not raw control text


def test_nodes_are_written_while_the_store_is_read(hostile):
    out = io.StringIO()
    seen: list[int] = []

    class Reading:
        def quads_for_pattern(self, *pattern):
            for quad in hostile.quads_for_pattern(*pattern):
                seen.append(out.getvalue().count('\n{"@id"') + out.getvalue().count('\n{"@c'))
                yield quad

    assert write_jsonld(Reading(), out) == 7
    # when the last subject's triples are read, every other subject is already written
    assert seen[0] == 0 and seen[-1] == 6


def test_a_triple_term_is_refused_and_the_earlier_file_kept(tmp_path, hostile):
    out = tmp_path / "graph.jsonld"
    export_graph(SimpleNamespace(raw=hostile, select=lambda q: []), "jsonld", out)
    before = out.read_bytes()
    a = ox.NamedNode("http://example.org/a")
    hostile.add(ox.Quad(a, a, ox.Triple(a, a, a)))
    with pytest.raises(CareerGraphError, match="export it as nquads instead"):
        export_graph(SimpleNamespace(raw=hostile), "jsonld", out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["graph.jsonld"]


def test_a_failed_jsonld_export_leaves_the_earlier_file(tmp_path, store, monkeypatch):
    out = tmp_path / "graph.jsonld"
    export_graph(store, "jsonld", out)
    before = out.read_bytes()

    def broken(raw, handle):
        handle.write('{"@context": {')
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writers, "write_jsonld", broken)
    with pytest.raises(CareerGraphError, match="No space left on device"):
        export_graph(store, "jsonld", out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["graph.jsonld"]


def test_builtin_graph_reads_back_the_same(tmp_path, store):
    report = export_graph(store, "jsonld", tmp_path / "graph.jsonld")
    path = Path(report.path)
    got = list(ox.parse(path=str(path), format=ox.RdfFormat.JSON_LD))
    assert len(got) > 1000
    assert _canonical(got) == _canonical(_triples(store.raw))
    _assert_same_in_rdflib(store.raw, path)
    # careergraph's own IRIs are compacted everywhere
    text = path.read_text(encoding="utf-8")
    assert text.count("https://w3id.org/careergraph/id/") == 1  # in the context only
    assert text.count("https://w3id.org/careergraph/ontology#") == 1


def test_export_does_not_import_rdflib(tmp_path, builtin_dir):
    out = tmp_path / "g.jsonld"
    code = (
        "import sys\n"
        "from graph.build.builtin import open_store\n"
        "from graph.export.writers import export_graph\n"
        f"export_graph(open_store({str(builtin_dir)!r}), 'jsonld', {str(out)!r})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rdflib'))\n"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"
    assert out.stat().st_size > 0
