"""Benchmark path, next, gap and similar: cold CLI (a fresh interpreter) and warm library calls.

Prints the median of several runs for each. "Cold" starts a new Python for
every call (interpreter start, imports, reading the cached projection); the
projection cache itself is written by a first untimed run. "Warm" calls the
library function again in one process with the projection already loaded.

``--first`` measures instead what a cold command spends answering once the
projection is read: the CPU seconds of the first call of each report on a
freshly read projection (route search and answer assembly with nothing
remembered yet), each round in a fresh interpreter. With ``--vs-rev REV`` the
same runs also come from a copy of the tree at that git revision (``git
archive`` into a temporary folder), interleaved round by round, and the
ratio to it is printed.

Usage::

    python scripts/bench_paths.py                      # the built-in graph
    python scripts/bench_paths.py --graph /tmp/onet \\
        --from "Software Developers" --to "Computer and Information Systems Managers"
    python scripts/bench_paths.py --graph /tmp/onet --first --vs-rev 1e9b1da --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import checkout  # noqa: E402

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


def cases(graph: str | None, src: str, dst: str) -> list[tuple[str, list[str], Any]]:
    """(name, CLI arguments, library call on a projection) for each command measured."""
    from graph.routes.reports import gap_report, next_report, path_report, similar_report

    graph_args = ["--graph", graph] if graph else []
    return [
        ("path", ["path", src, dst, *graph_args], lambda P: path_report(P, src, dst, k=3)),
        ("next", ["next", src, *graph_args], lambda P: next_report(P, src, top=10)),
        ("gap", ["gap", src, dst, *graph_args], lambda P: gap_report(P, src, dst)),
        ("similar", ["similar", src, *graph_args], lambda P: similar_report(P, src, top=10)),
    ]


def first_calls(graph: str | None, src: str, dst: str) -> dict[str, float]:
    """CPU seconds of each report's first call on a freshly read projection (in this process)."""
    import gc

    from graph.build.builtin import open_store
    from graph.projection import cache

    store = open_store(graph)
    found = {}
    for name, _, call in cases(graph, src, dst):
        cache._MEMO.clear()  # read the projection file again: nothing remembered
        P = cache.load_projection(store)
        gc.collect()
        start = time.process_time()
        call(P)
        found[name] = time.process_time() - start
    return found


def compare_first_calls(opts: argparse.Namespace) -> None:
    """Print the median first-call CPU time of each report, per tree, round by round."""
    trees = [("this tree", REPO)]
    with tempfile.TemporaryDirectory(prefix="bench-paths-") as tmp:
        if opts.vs_rev:
            commit = checkout(opts.vs_rev, Path(tmp))
            trees.insert(0, (commit[:7], Path(tmp) / "tree"))
        args = ["--from", opts.source, "--to", opts.target]
        args += ["--graph", opts.graph] if opts.graph else []
        times: dict[str, dict[str, list[float]]] = {name: {} for name, _ in trees}
        for n in range(opts.runs + 1):
            # each round in fresh interpreters, the order alternating so drift hits both alike
            for name, tree in trees if n % 2 else trees[::-1]:
                command = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
                out = subprocess.run(
                    command, cwd=tree, check=True, capture_output=True, text=True
                ).stdout
                if n:  # the first round only writes caches and bytecode
                    for case, seconds in json.loads(out).items():
                        times[name].setdefault(case, []).append(seconds)
    print(f"first call on a freshly read projection ({opts.graph or 'the built-in graph'})")
    print(
        f"CPU ms, medians of {opts.runs} rounds; load average {os.getloadavg()[0]:.2f} "
        f"on {os.cpu_count()} cores"
    )
    names = [name for name, _ in trees]
    print(
        f"{'command':<9}"
        + "".join(f"{name:>12}" for name in names)
        + ("  ratio" * (len(names) > 1))
    )
    for case in times[names[0]]:
        medians = [statistics.median(times[name][case]) * 1000 for name in names]
        ratio = f"  {medians[-1] / medians[0]:.2f}" if len(names) > 1 and medians[0] else ""
        print(f"{case:<9}" + "".join(f"{m:>12.1f}" for m in medians) + ratio)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", help="graph folder (default: the built-in graph)")
    parser.add_argument("--from", dest="source", default="Technical Program Manager")
    parser.add_argument("--to", dest="target", default="Director of Technical Program Management")
    parser.add_argument("--runs", type=int, default=7, help="cold runs (rounds) per command")
    parser.add_argument("--warm-runs", type=int, default=50, help="warm calls per function")
    parser.add_argument(
        "--first", action="store_true", help="time each report's first call, not the CLI"
    )
    parser.add_argument("--vs-rev", metavar="REV", help="with --first: also time this revision")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.child:  # one round of --first, in the tree this runs from
        sys.path.insert(0, os.getcwd())
        print(json.dumps(first_calls(opts.graph, opts.source, opts.target)))
        return
    if opts.first or opts.vs_rev:
        compare_first_calls(opts)
        return
    sys.path.insert(0, str(REPO))

    from graph.build.builtin import open_store
    from graph.projection.cache import load_projection

    P = load_projection(open_store(opts.graph))
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
    for name, args, call in cases(opts.graph, opts.source, opts.target):
        wall, cpu = cold(args, opts.runs)
        warm_ms = warm(lambda call=call: call(P), opts.warm_runs) * 1000
        print(f"{name:<9} {wall:>18.3f} {cpu:>17.3f} {warm_ms:>15.2f}")


if __name__ == "__main__":
    main()
