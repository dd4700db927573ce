"""Ontology + career guides -> one validated RDF graph in a graph folder.

The steps of ``careergraph build``:

1. parse the shipped guides and any extra folders (:func:`parse_guides`);
2. decide which titles name the same role (:class:`RoleRegistry`) and which
   phrases name the same skill (:class:`graph.skills.SkillVocabulary`);
3. turn every fact into triples (:func:`guide_graph`), with the skills to gain
   on every transition derived from the two roles' skills;
4. check the graph against the SHACL shapes (:func:`validate_graph`);
5. write the graph folder atomically (:func:`graph.store.write.write_graph`): Turtle,
   the embedded store and the route-search projection.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, Graph, URIRef

from graph import resources
from graph.errors import DataError, GuideError, ValidationError
from graph.guides import Guide, parse_file
from graph.guides.triples import BuildReport, guide_graph
from graph.skills import normalize
from graph.store.counts import graph_counts

__all__ = [
    "SEED_FILE",
    "parse_guides",
    "ontology_graph",
    "validate_graph",
    "load_into",
    "build_graph",
    "validate_folder",
]


#: the scraped guide the shipped corpus was written from
SEED_FILE = "technical-program-manager-infrastructure-delivery.txt"


def parse_guides(extra_dirs: Sequence[Path] = (), include_shipped: bool = True) -> list[Guide]:
    """Parse the shipped guides and every ``*.txt`` guide in ``extra_dirs``.

    A user guide with the same title as a shipped one replaces it (with a
    warning); two user guides with one title are an error.

    Raises
    ------
    GuideError
        If a guide does not parse, naming file, line and section.
    DataError
        If an extra folder does not exist or holds no guide.
    """
    shipped = [parse_file(p) for p in resources.shipped_guides()] if include_shipped else []
    for guide in shipped:
        guide.origin = "seed" if Path(guide.source or "").name == SEED_FILE else "authored"
    users: list[Guide] = []
    for folder in extra_dirs:
        folder = Path(folder)
        if folder.is_file():
            files = [folder]
        elif folder.is_dir():
            files = sorted(folder.glob("*.txt"))
            if not files:
                raise DataError(f"{folder} holds no guide (*.txt files).")
        else:
            raise DataError(f"Guide folder {folder} does not exist.")
        for path in files:
            guide = parse_file(path)
            guide.origin = "user"
            users.append(guide)
    by_title: dict[str, Guide] = {}
    for guide in shipped + users:
        key = normalize(guide.title)
        previous = by_title.get(key)
        if previous is not None:
            if previous.origin == "user":
                raise GuideError(
                    f"guide title '{guide.title}' is also the title of {previous.source}; "
                    "give each role one guide",
                    path=guide.source,
                    line=1,
                    section="title",
                )
            guide.warnings.append(f"replaces the shipped guide {Path(previous.source or '').name}")
        by_title[key] = guide
    return list(by_title.values())


def ontology_graph() -> Graph:
    """Return the OWL ontology as an rdflib Graph."""
    return Graph().parse(resources.ontology_path(), format="turtle")


def validate_graph(data: Graph, shapes: Graph | None = None) -> list[str]:
    """Validate a graph (data and ontology) against the SHACL shapes.

    Returns
    -------
    list of str
        One line per violation: focus node, path and message; empty when the
        graph conforms.
    """
    import pyshacl

    shapes = shapes or Graph().parse(resources.shapes_path(), format="turtle")
    conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    if conforms:
        return []
    sh = "http://www.w3.org/ns/shacl#"
    lines = []
    for result in results.subjects(RDF.type, URIRef(sh + "ValidationResult")):
        focus = results.value(result, URIRef(sh + "focusNode"))
        path = results.value(result, URIRef(sh + "resultPath"))
        message = results.value(result, URIRef(sh + "resultMessage"))
        label = data.value(focus, RDFS.label) if focus is not None else None
        focus_text = f"{focus} ({label})" if label else str(focus)
        path_text = data.namespace_manager.normalizeUri(path) if isinstance(path, URIRef) else path
        lines.append(f"{focus_text}: {path_text}: {message}")
    return sorted(lines)


def load_into(store: Any, g: Graph) -> None:
    """Load an rdflib Graph into a pyoxigraph store (through N-Triples, which is fast)."""
    import pyoxigraph as ox

    data = g.serialize(format="nt", encoding="utf-8")
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())


def build_graph(
    out_dir: Path | str = "output",
    guide_dirs: Sequence[Path] = (),
    *,
    validate: bool = True,
) -> BuildReport:
    """Build the graph from the shipped guides plus ``guide_dirs`` into a graph folder.

    Parameters
    ----------
    out_dir : path
        The graph folder to write (``output/`` by default). The previous graph
        there is left untouched if anything fails.
    guide_dirs : list of path
        Extra folders (or files) of guides in the shipped layout.
    validate : bool
        Check the graph against the SHACL shapes first (on by default).

    Raises
    ------
    GuideError
        A guide does not parse.
    ValidationError
        The graph does not conform to the shapes; nothing is written.
    """
    from graph.projection.cache import write_projection
    from graph.store.write import write_graph

    guides = parse_guides(guide_dirs)
    data, report = guide_graph(guides)
    ontology = ontology_graph()
    if validate:
        violations = validate_graph(data + ontology)
        if violations:
            shown = "\n  ".join(violations[:20])
            more = f"\n  ... and {len(violations) - 20} more" if len(violations) > 20 else ""
            raise ValidationError(
                f"The graph does not conform to its shapes ({len(violations)} violations); "
                f"nothing was written:\n  {shown}{more}"
            )

    def fill(store: Any) -> None:
        load_into(store, ontology)
        load_into(store, data)

    sources = [
        {"kind": "guide", "file": name, "origin": g.origin}
        for name, g in zip(report.guides, guides, strict=True)
    ]
    manifest = write_graph(
        Path(out_dir),
        fill,
        counts=graph_counts,
        sources=sources,
        warnings=report.warnings,
        after=write_projection,
    )
    report.counts = manifest.counts
    report.out_dir = str(out_dir)
    report.build_id = manifest.build_id
    return report


def validate_folder(graph_dir: Path | str) -> tuple[list[str], int]:
    """Validate the Turtle of a built graph folder against the shapes.

    The folder to read is chosen by the caller (see
    :func:`graph.build.builtin.resolve_graph_dir`).

    Returns
    -------
    (violations, triples)
        The violation lines (empty when the graph conforms) and how many
        triples were checked.
    """
    from graph.store.folder import read_manifest

    folder = Path(graph_dir)
    manifest = read_manifest(folder)
    data = Graph()
    try:
        data.parse(folder / manifest.turtle, format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise DataError(f"Cannot read {folder / manifest.turtle}: {exc}") from exc
    return validate_graph(data), len(data)
