"""The write path keeps imported graphs exactly as they were: golden triples of fixture imports.

The golden files are the canonical N-Quads of the fixture imports (O*NET with
wages and the shipped guides; ESCO alone), with the ontology, sorted, without
the build stamp (build id and date). Both the Turtle file and the embedded
store of the graph folder must hold exactly these triples, literal for
literal. When an importer's content changes on purpose, write them again with
``python tests/test_importers_golden.py`` and review the diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.importers.esco import import_esco
from graph.importers.onet import import_onet
from graph.store.folder import GRAPH_IRI
from graph.store.local import LocalStore

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"

IMPORTS = {
    "onet": lambda out: import_onet(
        FIXTURES / "onet", out, wages=FIXTURES / "oews" / "oews_national_small.csv"
    ),
    "esco": lambda out: import_esco(FIXTURES / "esco", out, include_guides=False),
}


def canonical_lines(quads: object) -> list[str]:
    """Sorted canonical N-Quads lines of ``quads``, without the build stamp."""
    dataset = ox.Dataset(q for q in quads if q.subject != ox.NamedNode(GRAPH_IRI))  # type: ignore[attr-defined]
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    text = ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b""
    return sorted(text.decode("utf-8").splitlines())


def folder_lines(folder: Path) -> tuple[list[str], list[str]]:
    """The canonical lines of a graph folder's Turtle file and of its embedded store."""
    turtle = canonical_lines(ox.parse(path=folder / "graph.ttl", format=ox.RdfFormat.TURTLE))
    store = LocalStore(folder)
    try:
        stored = canonical_lines(store.raw.quads_for_pattern(None, None, None))
    finally:
        store.close()
    return turtle, stored


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_import_matches_golden_triples(name: str, tmp_path: Path) -> None:
    IMPORTS[name](tmp_path / "g")
    turtle, stored = folder_lines(tmp_path / "g")
    golden = (GOLDEN / f"import-{name}.nq").read_text(encoding="utf-8").splitlines()
    assert len(turtle) == len(golden)
    assert turtle == golden
    assert stored == golden


def _regenerate() -> None:
    import tempfile

    for name, run in IMPORTS.items():
        out = Path(tempfile.mkdtemp(prefix=f"golden-{name}-")) / "g"
        run(out)
        turtle, stored = folder_lines(out)
        if turtle != stored:
            sys.exit(f"{name}: the Turtle file and the store differ; not writing the golden file")
        (GOLDEN / f"import-{name}.nq").write_text("\n".join(turtle) + "\n", encoding="utf-8")
        print(f"wrote {GOLDEN / f'import-{name}.nq'} ({len(turtle)} quads)")


if __name__ == "__main__":
    _regenerate()
