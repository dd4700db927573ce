"""Benchmark path, next, gap and similar: cold CLI (a fresh interpreter) and warm library calls.

Prints the median of several runs for each. "Cold" starts a new Python for
every call (interpreter start, imports, reading the cached projection); the
projection cache itself is written by a first untimed run. "Warm" calls the
library function again in one process with the projection already loaded.

Usage::

    python scripts/bench_paths.py                      # the built-in graph
    python scripts/bench_paths.py --graph /tmp/onet \\
        --from "Software Developers" --to "Computer and Information Systems Managers"
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def cold(args: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU (user + system) seconds of ``python -m graph ARGS``, fresh each time.

    CPU time is shown beside wall time because on a busy machine the wall
    time mostly measures the other processes.
    """
    command = [sys.executable, "-m", "graph", *args]
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)  # writes caches
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, cwd=REPO, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def warm(call: Callable[[], Any], runs: int) -> float:
    """Median seconds of a library call in this process (after one untimed call)."""
    call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", help="graph folder (default: the built-in graph)")
    parser.add_argument("--from", dest="source", default="Technical Program Manager")
    parser.add_argument("--to", dest="target", default="Director of Technical Program Management")
    parser.add_argument("--runs", type=int, default=7, help="cold runs per command")
    parser.add_argument("--warm-runs", type=int, default=50, help="warm calls per function")
    opts = parser.parse_args()
    sys.path.insert(0, str(REPO))

    from graph.build.builtin import open_store
    from graph.projection.cache import load_projection
    from graph.routes.reports import gap_report, next_report, path_report, similar_report

    graph_args = ["--graph", opts.graph] if opts.graph else []
    P = load_projection(open_store(opts.graph))
    src, dst = opts.source, opts.target
    cases: list[tuple[str, list[str], Callable[[], Any]]] = [
        ("path", ["path", src, dst], lambda: path_report(P, src, dst, k=3)),
        ("next", ["next", src], lambda: next_report(P, src, top=10)),
        ("gap", ["gap", src, dst], lambda: gap_report(P, src, dst)),
        ("similar", ["similar", src], lambda: similar_report(P, src, top=10)),
    ]
    where = opts.graph or "the built-in graph"
    print(f"{P.number_of_nodes():,} roles, {P.number_of_edges():,} curated moves ({where})")
    print(
        f"python {sys.version.split()[0]}; medians of {opts.runs} cold runs and "
        f"{opts.warm_runs} warm calls"
    )
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(
        f"{'command':<9} {'cold CLI wall (s)':>18} {'cold CLI CPU (s)':>17} {'warm call (ms)':>15}"
    )
    for name, args, call in cases:
        wall, cpu = cold([*args, *graph_args], opts.runs)
        warm_ms = warm(call, opts.warm_runs) * 1000
        print(f"{name:<9} {wall:>18.3f} {cpu:>17.3f} {warm_ms:>15.2f}")


if __name__ == "__main__":
    main()
