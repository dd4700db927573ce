"""Export a graph for other tools: Gephi, Cytoscape, networkx, RDF tools and Neo4j.

Two kinds of export:

- the **projection** (roles, skills, sectors and moves; what route search
  sees) as GraphML, GEXF, or CSV files in the layout ``neo4j-admin database
  import`` reads;
- the **whole graph** (every triple, ontology included) as N-Quads, Turtle or
  JSON-LD with a compact schema.org/SKOS context.

Every output is written beside its target and then renamed over it, so a
failed export leaves any earlier output as it was.

In the projection exports every node has ``kind`` (``role``, ``skill``,
``sector``) and ``label``; edges have ``kind`` (``move``, ``requires``,
``in_sector``) and a ``weight``: for a move its route cost with the default
weights (lower is an easier step, see :func:`graph.routes.deltas.step_cost`), for a
requirement the O*NET importance (1-5, 1.0 where unrated), 1.0 otherwise.
Attributes are only strings, integers, floats and booleans (a missing value
is left out, never ``None``), which Gephi and Cytoscape need. The credit the
licences of imported data ask for (O*NET's CC BY 4.0, ESCO's) travels with
the export: a graph attribute ``credit`` (GraphML), the ``<description>``
(GEXF), ``CREDITS.txt`` (CSV), and the ``cg:Dataset`` triples (RDF formats).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from graph.errors import CareerGraphError, UsageError
from graph.export.jsonld import JSONLD_CONTEXT, write_jsonld
from graph.export.neo4j import CREDITS_FILE, CSV_FILES, NEO4J_COMMAND, _csv_rows
from graph.namespaces import PREFIXES
from graph.store.base import Store

__all__ = [
    "FORMATS",
    "RDF_FORMATS",
    "DEFAULT_OUT",
    "JSONLD_CONTEXT",
    "ExportReport",
    "data_credits",
    "export_projection",
    "export_graph",
]


#: every format, with what it holds
FORMATS: dict[str, str] = {
    "graphml": "the projection (roles, skills, sectors, moves) as GraphML",
    "gexf": "the projection as GEXF (Gephi)",
    "csv": "the projection as neo4j-admin import CSV files (a folder)",
    "jsonld": "the whole graph as JSON-LD (schema.org/SKOS context)",
    "nquads": "the whole graph as N-Quads",
    "turtle": "the whole graph as Turtle",
}


#: formats that hold every triple of the store
RDF_FORMATS = ("jsonld", "nquads", "turtle")


#: where each format goes when no --out is given (not output/ itself: a build's graph.ttl is there)
DEFAULT_OUT: dict[str, str] = {
    "graphml": "output/export/graph.graphml",
    "gexf": "output/export/graph.gexf",
    "csv": "output/export/neo4j",
    "jsonld": "output/export/graph.jsonld",
    "nquads": "output/export/graph.nq",
    "turtle": "output/export/graph.ttl",
}


#: the datasets a graph holds, with the credit their licences ask for
CREDITS_Q = """
SELECT DISTINCT ?title ?citation WHERE {
  ?d a cg:Dataset ; dcterms:title ?title .
  OPTIONAL { ?d dcterms:bibliographicCitation ?citation }
} ORDER BY ?title"""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class ExportReport:
    """What an export wrote: the format, where, its files, counts and the data credits."""

    format: str
    path: str
    files: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    credits: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _text(value: Any) -> str:
    # XML 1.0 cannot hold control characters; text from guides and data files is untrusted
    return _CONTROL.sub("", str(value))


def _iri_tail(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def data_credits(store: Store | None) -> list[str]:
    """The credit each imported dataset's licence asks for (O*NET, ESCO, ...), one per dataset."""
    if store is None:
        return []
    return [row.get("citation") or row["title"] for row in store.select(CREDITS_Q)]


def export_projection(P: nx.DiGraph) -> nx.DiGraph:
    """The projection as a plain graph of roles, skills, sectors and moves.

    Every node and edge has ``kind`` and a ``label`` or ``weight``; attribute
    values are only str, int, float or bool, so GraphML and GEXF writers
    and the tools that read them (Gephi, Cytoscape) accept them.

    Examples
    --------
    >>> P = nx.DiGraph(skills={"s": {"label": "SQL", "type": "skill"}})
    >>> P.add_node("a", label="A", skills={"s": {"importance": 4.0, "level": None}},
    ...            sectors=[("x", "Banking")], has_guide=True, code=None, level=None,
    ...            midpoint=None, currency=None)
    >>> P.add_node("b", label="B", skills={}, sectors=[], has_guide=False, code="1",
    ...            level=2, midpoint=1.0, currency="USD")
    >>> P.add_edge("a", "b", kind="progression", skills_to_gain=[], tier=None, index=None)
    >>> G = export_projection(P)
    >>> sorted(k for _, k in G.nodes(data="kind"))
    ['role', 'role', 'sector', 'skill']
    >>> G.edges["a", "s"]
    {'kind': 'requires', 'weight': 4.0, 'importance': 4.0}
    """
    from graph.routes.deltas import step_cost

    G = nx.DiGraph(name="careergraph projection")
    skills: dict[str, dict[str, Any]] = P.graph.get("skills", {})
    for role, d in P.nodes(data=True):
        attrs: dict[str, Any] = {
            "kind": "role",
            "label": _text(d.get("label") or _iri_tail(role)),
            "has_guide": bool(d.get("has_guide")),
        }
        if d.get("code"):
            attrs["code"] = _text(d["code"])
        if d.get("level") is not None:
            attrs["experience_rank"] = int(d["level"])
        if d.get("midpoint") is not None:
            attrs["salary_midpoint"] = float(d["midpoint"])
            attrs["currency"] = _text(d.get("currency") or "")
        G.add_node(role, **attrs)
    for skill, s in skills.items():
        G.add_node(
            skill,
            kind="skill",
            label=_text(s.get("label") or _iri_tail(skill)),
            skill_type=_text(s.get("type") or "skill"),
        )
    for role, d in P.nodes(data=True):
        for skill, rating in d.get("skills", {}).items():
            if skill not in G:
                G.add_node(skill, kind="skill", label=_text(_iri_tail(skill)), skill_type="skill")
            importance = rating.get("importance")
            edge: dict[str, Any] = {
                "kind": "requires",
                "weight": float(importance) if importance is not None else 1.0,
            }
            if importance is not None:
                edge["importance"] = float(importance)
            if rating.get("level") is not None:
                edge["level"] = float(rating["level"])
            G.add_edge(role, skill, **edge)
        for sector, label in d.get("sectors", []):
            if sector not in G:
                G.add_node(sector, kind="sector", label=_text(label))
            G.add_edge(role, sector, kind="in_sector", weight=1.0)
    for u, v, e in P.edges(data=True):
        move: dict[str, Any] = {
            "kind": "move",
            "move_kind": _text(e.get("kind", "transition")),
            "weight": round(float(step_cost(P, u, v, e.get("kind", "transition"))), 4),
            "skills_to_gain": len(e.get("skills_to_gain") or ()),
        }
        if e.get("tier") is not None:
            move["tier"] = _text(e["tier"])  # O*NET's relatedness tier, e.g. Primary-Short
        if e.get("index") is not None:
            move["index"] = int(float(e["index"]))
        G.add_edge(u, v, **move)
    return G


def _counts(G: nx.DiGraph) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, kind in G.nodes(data="kind"):
        counts[kind + "s"] = counts.get(kind + "s", 0) + 1
    for _, _, kind in G.edges(data="kind"):
        key = {"move": "moves", "requires": "requirements", "in_sector": "sector links"}[kind]
        counts[key] = counts.get(key, 0) + 1
    return counts


def _write_error(target: Path, exc: OSError) -> CareerGraphError:
    return CareerGraphError(
        f"Cannot write the export to {target}: {exc.strerror or exc}. Any earlier export "
        "there is unchanged; choose another place with --out."
    )


def _write_file(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``target``, then rename it over ``target``."""
    tmp: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-export-")
        os.close(fd)
        tmp = Path(name)
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        raise _write_error(target, exc) from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _write_folder(target: Path, write: Callable[[Path], list[str]]) -> list[str]:
    """Fill a temporary folder beside ``target``, then swap it in for ``target``.

    ``target`` may be missing, empty, or an earlier export (only the files an
    export writes); anything else is refused rather than deleted.
    """
    known = {*CSV_FILES["nodes"], *CSV_FILES["relationships"], NEO4J_COMMAND, CREDITS_FILE}
    if target.exists():
        if not target.is_dir():
            raise UsageError(f"{target} is a file; the csv export writes a folder: give a folder.")
        others = sorted(p.name for p in target.iterdir() if p.name not in known)
        if others:
            raise UsageError(
                f"{target} holds other files ({', '.join(others[:3])}); the csv export replaces "
                "the whole folder, so give a new or empty folder."
            )
    tmp: Path | None = None
    old: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".tmp-export-"))
        files = write(tmp)
        os.chmod(tmp, 0o755)
        if target.exists():
            old = target.with_name(f".old-{target.name}-{os.getpid()}")
            os.replace(target, old)
        try:
            os.replace(tmp, target)
        except OSError:
            if old is not None:
                os.replace(old, target)
                old = None
            raise
        tmp = None
    except OSError as exc:
        raise _write_error(target, exc) from exc
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return files


def _write_gexf(G: nx.DiGraph, tmp: Path, credits: list[str]) -> None:
    from xml.sax.saxutils import escape

    # networkx writes no description; GEXF keeps one in <meta>, where Gephi shows it
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write("<?xml version='1.0' encoding='utf-8'?>\n")
        for line in nx.generate_gexf(G):
            handle.write(line + "\n")
            if credits and line.lstrip().startswith("<meta") and not line.endswith("/>"):
                text = escape(_text(" ".join(credits)))
                handle.write(f"    <description>{text}</description>\n")


def _raw_store(store: Any) -> Any:
    raw = getattr(store, "raw", None)
    if raw is None:
        raise UsageError(
            "Exporting the whole graph (jsonld, nquads, turtle) reads a local graph folder; "
            "give --graph DIR instead of --endpoint, or export the projection "
            "(graphml, gexf, csv)."
        )
    return raw


def _dump(raw: Any, fmt: str, tmp: Path) -> None:
    import pyoxigraph as ox

    if fmt == "nquads":
        raw.dump(str(tmp), ox.RdfFormat.N_QUADS)
    else:
        raw.dump(str(tmp), ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)


def _jsonld(raw: Any, tmp: Path) -> None:
    with tmp.open("w", encoding="utf-8") as handle:
        write_jsonld(raw, handle)


def export_graph(
    store: Any,
    fmt: str,
    out: Path | str | None = None,
    *,
    projection: nx.DiGraph | None = None,
) -> ExportReport:
    """Export a graph in one of :data:`FORMATS`.

    Parameters
    ----------
    store : Store
        The graph (:func:`graph.build.builtin.open_store`); the whole-graph formats
        need a local graph folder.
    fmt : str
        One of :data:`FORMATS`.
    out : path, optional
        The file to write (a folder for ``csv``); default :data:`DEFAULT_OUT`.
    projection : networkx.DiGraph, optional
        The store's projection, if already loaded.

    Returns
    -------
    ExportReport

    Raises
    ------
    UsageError
        An unknown format, a folder where a file is wanted (or the reverse), a
        whole-graph format asked of a remote endpoint.
    CareerGraphError
        The output cannot be written; any earlier output is left as it was.

    Examples
    --------
    >>> import tempfile
    >>> from graph.build.builtin import open_store
    >>> folder = tempfile.mkdtemp()
    >>> report = export_graph(open_store(), "graphml", Path(folder) / "g.graphml")
    >>> G = nx.read_graphml(report.path)
    >>> n = report.counts
    >>> G.number_of_nodes() == n["roles"] + n["skills"] + n["sectors"]
    True
    """
    if fmt not in FORMATS:
        raise UsageError(f"Unknown export format '{fmt}'; use one of: {', '.join(FORMATS)}.")
    started = time.perf_counter()
    target = Path(out if out is not None else DEFAULT_OUT[fmt])
    report = ExportReport(format=fmt, path=str(target))
    if fmt != "csv" and target.is_dir():
        example = target / Path(DEFAULT_OUT[fmt]).name
        raise UsageError(f"{target} is a folder; give a file name for --out, e.g. {example}.")
    if fmt in RDF_FORMATS:
        raw = _raw_store(store)
        if fmt == "jsonld":
            _write_file(target, lambda tmp: _jsonld(raw, tmp))
        else:
            _write_file(target, lambda tmp: _dump(raw, fmt, tmp))
        report.files = [target.name]
        report.counts = {"triples": len(raw)}
        report.credits = data_credits(store)  # the graph itself holds them as cg:Dataset
    else:
        if projection is None:
            from graph.projection.cache import load_projection

            projection = load_projection(store)
        G = export_projection(projection)
        credits = report.credits = data_credits(store)
        if credits:
            G.graph["credit"] = _text(" ".join(credits))
        if fmt == "csv":
            report.files = _write_folder(target, lambda tmp: _csv_rows(G, tmp, credits))
        elif fmt == "graphml":
            _write_file(target, lambda tmp: nx.write_graphml(G, str(tmp), named_key_ids=True))
            report.files = [target.name]
        else:
            _write_file(target, lambda tmp: _write_gexf(G, tmp, credits))
            report.files = [target.name]
        report.counts = _counts(G)
    report.seconds = round(time.perf_counter() - started, 2)
    return report
