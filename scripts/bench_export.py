"""Median time, CPU time, peak memory and size of ``careergraph export`` in every format.

Each run is a fresh ``careergraph export`` process (interpreter start
included) writing into a temporary folder; its peak resident memory comes from
``resource.getrusage(RUSAGE_CHILDREN)`` measured in a small parent process per
run. The formats take turns, one run of each per round. The ratio column
compares each format with the N-Quads dump (pyoxigraph writing the store as
it is), the reference run.

    python scripts/bench_export.py [--graph output/onet] [--runs 3] [--formats csv,graphml]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from measure import measure_command

REPO = Path(__file__).resolve().parents[1]
FORMATS = ["nquads", "turtle", "jsonld", "graphml", "gexf", "csv"]
REFERENCE = "nquads"

# runs one command and reports its wall time, CPU time and peak memory (KiB on Linux)


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir())
    return path.stat().st_size


def measure(graph: str, fmt: str) -> dict[str, float]:
    """One export of ``graph`` as ``fmt``: wall and CPU seconds, peak MiB and size MiB."""
    folder = Path(tempfile.mkdtemp(prefix=f"careergraph-bench-export-{fmt}-"))
    out = folder / f"graph.{fmt}"
    try:
        cmd = [sys.executable, "-m", "graph", "export", "--format", fmt, "--out", str(out)]
        cmd += ["--graph", graph]
        return {
            **measure_command(cmd, REPO),
            "size_mib": _size(out) / 1024**2,
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", default="output/onet", help="graph folder to export")
    parser.add_argument("--runs", type=int, default=3, help="repetitions per format")
    parser.add_argument(
        "--formats", default=",".join(FORMATS), help="comma-separated formats (default: all)"
    )
    args = parser.parse_args()
    if not (Path(args.graph) / "manifest.json").is_file():
        sys.exit(f"No graph in {args.graph}; import one first (see the README).")
    formats = [f for f in args.formats.split(",") if f]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        sys.exit(f"Unknown formats: {', '.join(unknown)}; use some of {', '.join(FORMATS)}.")
    if REFERENCE not in formats:
        formats.insert(0, REFERENCE)
    load_before = os.getloadavg()[0]
    # the formats take turns in each round, so a busy spell slows them alike
    runs: dict[str, list[dict[str, float]]] = {fmt: [] for fmt in formats}
    for _ in range(args.runs):
        for fmt in formats:
            runs[fmt].append(measure(args.graph, fmt))
    results = {fmt: _median(r) for fmt, r in runs.items()}
    base = results[REFERENCE]["seconds"]
    print(f"export of {args.graph}, median of {args.runs} runs (ratio: time / {REFERENCE} time)")
    # other work on the machine slows every format; the load says how much to trust the seconds
    print(f"  load average (1 min): {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(
        f"  {'format':<8} {'seconds':>8} {'ratio':>6} {'CPU s':>6} {'peak MiB':>9} {'size MiB':>9}"
    )
    for fmt, r in results.items():
        print(
            f"  {fmt:<8} {r['seconds']:>8.1f} {r['seconds'] / base:>6.1f} "
            f"{r['cpu_seconds']:>6.1f} {r['peak_mib']:>9.0f} {r['size_mib']:>9.1f}"
        )


if __name__ == "__main__":
    main()
