"""Precision@10 of ``careergraph similar`` against O*NET's Related Occupations.

O*NET's analysts list, for 923 occupations, the ten most related occupations
(the two primary tiers, indexes 1-10). This script imports O*NET *without*
Related Occupations (so the model cannot see them), builds the similarity
model from the imported graph exactly as the projection does, and counts how
many of each occupation's top ten similar O*NET occupations are in its
related list.

    python scripts/eval_similar.py [--onet DIR] [--graph DIR] [--baseline]

``--graph DIR`` reuses (or creates, if empty) an imported graph folder; by
default a temporary one is used. ``--baseline`` also prints the cosine over
centred Skills+Knowledge importance, for comparison.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from graph.importers.onet import import_onet
from graph.projection import similarity
from graph.store.folder import MANIFEST
from graph.store.local import LocalStore

ONET = REPO.parent / "shared" / "data" / "onet" / "tsv_from_xlsx"
ID = "https://w3id.org/careergraph/id/onet/"


def related_primary(onet_dir: Path) -> dict[str, set[str]]:
    """O*NET code -> its related occupations in the primary tiers (indexes 1-10)."""
    out: dict[str, set[str]] = defaultdict(set)
    with (onet_dir / "Related Occupations.txt").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["Relatedness Tier"].startswith("Primary") and int(row["Index"]) <= 10:
                out[row["O*NET-SOC Code"]].add(row["Related O*NET-SOC Code"])
    return out


def precision_at_10(model: similarity.SimilarityModel, truth: dict[str, set[str]]) -> float:
    """Mean share of each occupation's top ten that O*NET lists as related."""
    others = [r for r in model.roles if not r.startswith(ID)]
    hits = total = 0
    for code, related in truth.items():
        iri = ID + code
        if iri not in model:
            continue
        top = similarity.similar(model, iri, top=10, exclude=others)
        hits += sum(1 for r, _ in top if r[len(ID) :] in related)
        total += 10
    return hits / total if total else 0.0


def baseline(store: LocalStore, truth: dict[str, set[str]]) -> float:
    """Cosine over centred Skills+Knowledge importance: the figure to beat (about 0.40)."""
    import numpy as np

    rows = store.select(
        """SELECT ?role ?skill ?imp WHERE {
             ?role cg:skillRequirement ?req . ?req cg:skill ?skill ; cg:importance ?imp .
             FILTER(STRSTARTS(STR(?role), "https://w3id.org/careergraph/id/onet/"))
             FILTER(STRSTARTS(STR(?skill), "https://w3id.org/careergraph/id/onet-element/")) }"""
    )
    roles = sorted({r["role"] for r in rows})
    skills = sorted({r["skill"] for r in rows})
    ri = {r: i for i, r in enumerate(roles)}
    si = {s: j for j, s in enumerate(skills)}
    m = np.zeros((len(roles), len(skills)))
    for r in rows:
        m[ri[r["role"]], si[r["skill"]]] = float(r["imp"])
    m -= m.mean(axis=0)
    m /= np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-9)
    sim = m @ m.T
    np.fill_diagonal(sim, -np.inf)
    hits = total = 0
    for code, related in truth.items():
        if ID + code not in ri:
            continue
        top = np.argsort(-sim[ri[ID + code]])[:10]
        hits += sum(1 for j in top if roles[j][len(ID) :] in related)
        total += 10
    return hits / total if total else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--onet", type=Path, default=ONET, help="O*NET text files")
    parser.add_argument("--graph", type=Path, help="graph folder to reuse or create")
    parser.add_argument("--baseline", action="store_true", help="also print the baseline")
    args = parser.parse_args()
    if not (args.onet / "Occupation Data.txt").is_file():
        sys.exit(f"No O*NET files in {args.onet}; pass --onet DIR.")
    truth = related_primary(args.onet)
    graph_dir = args.graph or Path(tempfile.mkdtemp(prefix="careergraph-eval-"))
    if not (graph_dir / MANIFEST).is_file():
        print(f"Importing O*NET without Related Occupations into {graph_dir} ...", file=sys.stderr)
        import_onet(args.onet, graph_dir, include_related=False, include_guides=False)
    store = LocalStore(graph_dir)
    moves = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?t a cg:Transition }")[0]["n"]
    if moves:
        print(f"warning: the graph holds {moves} transitions (the model never reads them)")
    started = time.perf_counter()
    model = similarity.build_model(store)
    seconds = time.perf_counter() - started
    if args.baseline:
        print(
            f"baseline precision@10 (cosine, centred Skills+Knowledge importance): "
            f"{baseline(store, truth):.3f}"
        )
    p = precision_at_10(model, truth)
    n = sum(1 for code in truth if ID + code in model)
    print(f"similarity: {model.method}")
    print(
        f"precision@10 against O*NET Related Occupations (primary, 1-10): {p:.3f} "
        f"over {n} occupations (model built in {seconds:.1f} s)"
    )


if __name__ == "__main__":
    main()
