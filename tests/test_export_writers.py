"""Exports: GraphML/GEXF/CSV of the projection and JSON-LD/N-Quads/Turtle of the whole graph."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from conftest import FIXTURES

from graph.cli import cli
from graph.errors import CareerGraphError, UsageError
from graph.export.neo4j import CSV_FILES
from graph.export.writers import JSONLD_CONTEXT, export_graph, export_projection


def _sectors(P: nx.DiGraph) -> set[str]:
    return {iri for _, d in P.nodes(data=True) for iri, _ in d["sectors"]}


def _requirements(P: nx.DiGraph) -> int:
    return sum(len(d["skills"]) for _, d in P.nodes(data=True))


def _by_kind(G: nx.DiGraph) -> tuple[Counter[str], Counter[str]]:
    nodes = Counter(d["kind"] for _, d in G.nodes(data=True))
    edges = Counter(d["kind"] for _, _, d in G.edges(data=True))
    return nodes, edges


@pytest.mark.parametrize(("fmt", "read"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_projection_reads_back_with_the_same_counts(tmp_path, store, projection, fmt, read):
    report = export_graph(store, fmt, tmp_path / f"g.{fmt}", projection=projection)
    G = read(report.path)
    nodes, edges = _by_kind(G)
    assert nodes == {
        "role": projection.number_of_nodes(),
        "skill": len(projection.graph["skills"]),
        "sector": len(_sectors(projection)),
    }
    assert edges == {
        "move": projection.number_of_edges(),
        "requires": _requirements(projection),
        "in_sector": sum(len(d["sectors"]) for _, d in projection.nodes(data=True)),
    }
    # labels and weights survive, with their types
    seed = "https://w3id.org/careergraph/id/role/technical-program-manager-infrastructure-delivery"
    assert G.nodes[seed]["label"] == projection.nodes[seed]["label"]
    for u, v in projection.edges:
        assert isinstance(G.edges[u, v]["weight"], float) and G.edges[u, v]["weight"] > 0


def test_projection_attributes_are_plain_values(projection):
    G = export_projection(projection)
    allowed = (str, int, float, bool)
    for _, d in G.nodes(data=True):
        assert "label" in d and all(isinstance(x, allowed) for x in d.values()), d
    for _, _, d in G.edges(data=True):
        assert "weight" in d and all(isinstance(x, allowed) for x in d.values()), d
    # one type per attribute name, or GraphML gets two keys with the same name
    types: dict[tuple[str, str], set[type]] = {}
    for scope, rows in (("node", G.nodes(data=True)), ("edge", G.edges(data=True))):
        for row in rows:
            for key, value in row[-1].items():
                types.setdefault((scope, key), set()).add(type(value))
    assert {k: t for k, t in types.items() if len(t) > 1} == {}


def test_control_characters_in_labels_do_not_break_the_xml(tmp_path):
    P = nx.DiGraph(skills={"s": {"label": "bell\x07 tab\tok", "type": "skill"}})
    common = {"skills": {"s": {"importance": None, "level": 2.0}}, "sectors": [], "has_guide": True}
    P.add_node("a", label="A\x00\x1b<b>&", code=None, level=None, midpoint=None, **common)
    P.add_node("b", label="B", code=None, level=3, midpoint=None, **common)
    P.add_edge("a", "b", kind="progression", skills_to_gain=["s"], tier="Primary-Short", index=2)
    out = tmp_path / "g.graphml"
    export_graph(None, "graphml", out, projection=P)
    G = nx.read_graphml(out)
    assert G.nodes["a"]["label"] == "A<b>&"
    assert G.nodes["s"]["label"] == "bell tab\tok"
    assert G.edges["a", "b"]["tier"] == "Primary-Short" and G.edges["a", "b"]["index"] == 2


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"),
    [("jsonld", "json-ld"), ("nquads", "nquads"), ("turtle", "turtle")],
)
def test_whole_graph_parses_into_as_many_triples_as_the_store(tmp_path, store, fmt, rdflib_format):
    report = export_graph(store, fmt, tmp_path / f"graph.{fmt}")
    data = rdflib.Graph()
    data.parse(report.path, format=rdflib_format)
    assert len(store.raw) > 1000
    assert report.counts == {"triples": len(store.raw)}
    assert len(data) == len(store.raw)


def test_jsonld_uses_the_compact_context(tmp_path, store, projection):
    report = export_graph(store, "jsonld", tmp_path / "graph.jsonld")
    doc = json.loads(Path(report.path).read_text(encoding="utf-8"))
    assert doc["@context"] == JSONLD_CONTEXT
    assert doc["@context"]["schema"] == "https://schema.org/"

    def types(node: dict) -> list:
        value = node.get("@type", [])
        return value if isinstance(value, list) else [value]

    roles = [node for node in doc["@graph"] if "cg:Role" in types(node)]
    assert len(roles) == projection.number_of_nodes()
    assert all("skos:prefLabel" in node for node in roles)


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def test_csv_is_in_the_neo4j_admin_layout(tmp_path, store, projection):
    report = export_graph(store, "csv", tmp_path / "neo4j", projection=projection)
    folder = Path(report.path)
    headers = {
        name: _read_csv(folder / name)[0] for name in sorted(report.files) if name.endswith(".csv")
    }
    assert headers == {
        "moves.csv": [
            ":START_ID",
            ":END_ID",
            ":TYPE",
            "move_kind",
            "weight:float",
            "skills_to_gain:int",
            "tier",
            "index:int",
        ],
        "requirements.csv": [
            ":START_ID",
            ":END_ID",
            ":TYPE",
            "weight:float",
            "importance:float",
            "level:float",
        ],
        "roles.csv": [
            "id:ID",
            "label",
            "code",
            "experience_rank:int",
            "has_guide:boolean",
            "salary_midpoint:float",
            "currency",
            ":LABEL",
        ],
        "sectors.csv": ["id:ID", "label", ":LABEL"],
        "sectors_of_roles.csv": [":START_ID", ":END_ID", ":TYPE"],
        "skills.csv": ["id:ID", "label", "skill_type", ":LABEL"],
    }
    ids: list[str] = []
    for name in CSV_FILES["nodes"]:
        ids += [row[0] for row in _read_csv(folder / name)[1]]
    assert len(ids) == len(set(ids))  # one ID space across the node files
    assert len(_read_csv(folder / "roles.csv")[1]) == projection.number_of_nodes()
    moves = _read_csv(folder / "moves.csv")[1]
    assert len(moves) == projection.number_of_edges()
    assert {row[2] for row in moves} == {"CAN_LEAD_TO", "CAN_TRANSITION_TO"}
    assert len(_read_csv(folder / "requirements.csv")[1]) == _requirements(projection)
    for name in CSV_FILES["relationships"]:
        for row in _read_csv(folder / name)[1]:
            assert row[0] in ids and row[1] in ids
    command = (folder / "neo4j-admin-import.txt").read_text(encoding="utf-8")
    assert "neo4j-admin database import full --nodes=roles.csv" in command


def test_a_failed_export_leaves_the_earlier_file(tmp_path, store, projection, monkeypatch):
    out = tmp_path / "g.graphml"
    export_graph(store, "graphml", out, projection=projection)
    before = out.read_bytes()

    def broken(G, path, **kw):
        Path(path).write_text("<half", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(nx, "write_graphml", broken)
    with pytest.raises(CareerGraphError, match="No space left on device"):
        export_graph(store, "graphml", out, projection=projection)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["g.graphml"]


def test_a_failed_csv_export_leaves_the_earlier_folder(tmp_path, store, projection, monkeypatch):
    import graph.export.writers as export

    out = tmp_path / "neo4j"
    export_graph(store, "csv", out, projection=projection)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(G, tmp, credits):
        (tmp / "roles.csv").write_text("id:ID\n", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "_csv_rows", broken)
    with pytest.raises(CareerGraphError, match="No space left on device"):
        export_graph(store, "csv", out, projection=projection)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["neo4j"]


def test_csv_refuses_a_folder_with_other_files(tmp_path, store, projection):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match=r"holds other files \(notes.txt\)"):
        export_graph(store, "csv", tmp_path, projection=projection)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_imported_data_is_credited_in_every_export(runner, tmp_path):
    from graph.importers.onet import ONET_META, import_onet

    graph = tmp_path / "onet"
    import_onet(FIXTURES / "onet", graph, include_guides=False)
    credit = ONET_META["citation"]
    args = ["--graph", str(graph)]
    result = runner.invoke(cli, ["export", "--format", "csv", "--out", str(tmp_path / "c"), *args])
    assert result.exit_code == 0, result.output
    assert result.output.endswith(f"  Credit: {credit}\n")
    assert (tmp_path / "c" / "CREDITS.txt").read_text(encoding="utf-8") == credit + "\n"
    runner.invoke(
        cli, ["export", "--format", "graphml", "--out", str(tmp_path / "g.graphml"), *args]
    )
    assert nx.read_graphml(tmp_path / "g.graphml").graph["credit"] == credit
    runner.invoke(cli, ["export", "--format", "gexf", "--out", str(tmp_path / "g.gexf"), *args])
    gexf = (tmp_path / "g.gexf").read_text(encoding="utf-8")
    assert f"<description>{credit}</description>" in gexf
    assert nx.read_gexf(tmp_path / "g.gexf").number_of_nodes() > 0
    result = runner.invoke(
        cli, ["export", "--format", "nquads", "--out", str(tmp_path / "g.nq"), *args]
    )
    assert result.output.endswith(f"  Credit: {credit}\n")
    assert credit in (tmp_path / "g.nq").read_text(encoding="utf-8")


def test_export_format_choices_match_the_library():
    from graph.export.writers import FORMATS

    options = {p.name: p for p in cli.commands["export"].params}
    assert sorted(options["fmt"].type.choices) == sorted(FORMATS)


def test_whole_graph_formats_need_a_local_folder():
    class Remote:
        pass

    with pytest.raises(UsageError, match="give --graph DIR instead of --endpoint"):
        export_graph(Remote(), "nquads", "x.nq")


def test_cli_export_writes_and_reports(runner, tmp_path, builtin_dir):
    out = tmp_path / "g.gexf"
    result = runner.invoke(
        cli, ["export", "--format", "gexf", "--out", str(out), "--graph", str(builtin_dir)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {out} (gexf: ")
    assert "roles" in result.output and "moves" in result.output
    assert nx.read_gexf(out).number_of_nodes() > 0


def test_cli_export_default_place_leaves_a_build_alone(runner, builtin_dir):
    with runner.isolated_filesystem():
        Path("output").mkdir()
        Path("output/graph.ttl").write_text("a build's Turtle", encoding="utf-8")
        result = runner.invoke(cli, ["export", "--format", "turtle", "--graph", str(builtin_dir)])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("Wrote output/export/graph.ttl (turtle: ")
        assert Path("output/graph.ttl").read_text(encoding="utf-8") == "a build's Turtle"
        assert rdflib.Graph().parse("output/export/graph.ttl", format="turtle")


def test_cli_export_bad_paths(runner, tmp_path, builtin_dir):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    graph = ["--graph", str(builtin_dir)]
    result = runner.invoke(
        cli, ["export", "--format", "graphml", "--out", str(blocker / "g.graphml"), *graph]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Cannot write the export to {blocker / 'g.graphml'}: File exists. Any earlier "
        "export there is unchanged; choose another place with --out.\n"
    )
    result = runner.invoke(cli, ["export", "--format", "turtle", "--out", str(tmp_path), *graph])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {tmp_path} is a folder; give a file name for --out, e.g. "
        f"{tmp_path / 'graph.ttl'}.\n"
    )
    result = runner.invoke(cli, ["export", "--format", "csv", "--out", str(blocker), *graph])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {blocker} is a file; the csv export writes a folder: give a folder.\n"
    )
