"""Benchmark reading the projection cache: the .cgproj format against pickle, side by side.

The projection is read on every cold command. The pickle is made here, in
memory, from the same projection (careergraph itself never reads a pickle),
and loaded with the garbage collector on, as a cache loader would. A .cgproj
is read in parts, each when a command first uses it, so two figures are
printed for it: opening it (what a command reads at once) and opening it then
reading every part. Prints the median of several runs of each and the ratios.

Usage::

    python scripts/bench_projection.py                 # the built-in graph
    python scripts/bench_projection.py --graph /tmp/onet --runs 9
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.build.builtin import open_store
from graph.projection.cache import dumps_projection, load_projection, loads_projection


def median(func: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def read_all(data: bytes) -> object:
    """Open a .cgproj and make every part of it, as pickle.loads does."""
    P = loads_projection(data)
    for _, attrs in P.nodes(data=True):
        dict(attrs)
    for value in P.graph.values():
        if isinstance(value, dict):
            dict(value)
    return P


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--graph", help="a graph folder (default: the built-in graph)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    store = open_store(args.graph)
    P = load_projection(store)
    cached = store.projection_cache()
    data = cached.read_bytes() if cached is not None and cached.is_file() else dumps_projection(P)
    pickled = pickle.dumps(P, protocol=pickle.HIGHEST_PROTOCOL)
    ours = median(lambda: loads_projection(data), args.runs)
    whole = median(lambda: read_all(data), args.runs)
    theirs = median(lambda: pickle.loads(pickled), args.runs)
    print(
        f"graph: {args.graph or 'built-in'} ({P.number_of_nodes()} roles, "
        f"{P.number_of_edges()} moves), {args.runs} runs"
    )
    print(f"{'format':<22} {'bytes':>12} {'median load':>12}")
    print(f"{'cgproj, opened':<22} {len(data):>12,} {ours * 1000:>10.1f}ms")
    print(f"{'cgproj, every part':<22} {len(data):>12,} {whole * 1000:>10.1f}ms")
    print(f"{'pickle':<22} {len(pickled):>12,} {theirs * 1000:>10.1f}ms")
    print(f"ratio cgproj/pickle: opened {ours / theirs:.2f}, every part {whole / theirs:.2f}")


if __name__ == "__main__":
    main()
