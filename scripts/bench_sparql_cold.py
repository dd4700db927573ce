"""Cold ``careergraph sparql`` on O*NET graph folders, as multiples of the floor, side by side.

Every query of :mod:`bench_cold`'s kind: one fresh interpreter per run, the
floor (``python -c "import click, networkx"``) run in the same round, the
order alternating from round to round. The queries are the GROUP BY over
every O*NET skill rating and every named query (with O*NET roles and a
skill as parameters). Given two graph folders (e.g. one imported before a
change and one after), each query runs on both in the same round, so their
ratio is measured side by side too; ``--code-a`` runs graph A's queries with
another checkout (e.g. ``git archive REV | tar -x -C DIR``), so the queries
and code of a revision are measured against this tree's.

Usage::

    python scripts/bench_sparql_cold.py output/onet --runs 5
    python scripts/bench_sparql_cold.py old-onet new-onet --runs 5 --only group-by
    python scripts/bench_sparql_cold.py old-onet new-onet --code-a /tmp/old-checkout
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cold import FLOOR, GROUP_BY, ONET_FROM, ONET_TO, REPO, machine, run  # noqa: E402

#: name -> arguments after ``sparql``; the roles and skill are O*NET's
QUERIES: dict[str, list[str]] = {
    "group-by": [GROUP_BY],
    "employers-by-sector": ["--name", "employers-by-sector"],
    "ladder-to-role": ["--name", "ladder-to-role", "-p", f"role={ONET_TO}"],
    "move-preparation": [
        "--name", "move-preparation",
        "-p", "from=Registered Nurses", "-p", "to=Nurse Practitioners",
    ],
    "moves-from-role": ["--name", "moves-from-role", "-p", f"role={ONET_FROM}"],
    "moves-into-role": ["--name", "moves-into-role", "-p", "role=Registered Nurses"],
    "roles-by-sector": ["--name", "roles-by-sector"],
    "roles-needing-skill": ["--name", "roles-needing-skill", "-p", "skill=Programming"],
    "salary-bands": ["--name", "salary-bands"],
    "skills-in-demand": ["--name", "skills-in-demand"],
    "skills-to-gain": [
        "--name", "skills-to-gain", "-p", f"from={ONET_FROM}", "-p", f"to={ONET_TO}",
    ],
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graphs", nargs="+", type=Path, help="one or two O*NET graph folders")
    parser.add_argument("--runs", type=int, default=5, help="rounds (default 5)")
    parser.add_argument(
        "--only", action="append", choices=sorted(QUERIES), help="just these queries (repeatable)"
    )
    parser.add_argument(
        "--timeout", type=float, default=120, help="--timeout of every query (default 120 s)"
    )
    parser.add_argument(
        "--code-a", type=Path, default=REPO, help="checkout that queries graph A (default: this)"
    )
    args = parser.parse_args()
    if len(args.graphs) > 2:
        sys.exit("Give one or two graph folders.")
    for graph in args.graphs:
        if not (graph / "manifest.json").is_file():
            sys.exit(f"{graph} holds no built graph (no manifest.json).")
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    chosen = args.only or list(QUERIES)
    graphs = [graph.resolve() for graph in args.graphs]
    code = [args.code_a.resolve(), REPO]
    jobs: dict[tuple[str, int], list[str]] = {
        (name, g): [
            "-m", "graph", "sparql", *QUERIES[name], "--format", "json",
            "--timeout", f"{args.timeout:g}", "--graph", str(graph),
        ]
        for name in chosen
        for g, graph in enumerate(graphs)
    }  # fmt: skip
    print(f"machine: {machine()}")
    for (_, g), argv in jobs.items():
        run(argv, env, code[g])  # untimed: bytecode, and the store's files in the page cache
    keys: list[tuple[str, int] | None] = [None, *jobs]
    seconds: dict[tuple[str, int] | None, list[float]] = {key: [] for key in keys}
    ratios: dict[tuple[str, int], list[float]] = {key: [] for key in jobs}
    for n in range(args.runs):
        order = keys if n % 2 == 0 else keys[1:] + keys[:1]
        for key in order:
            argv, cwd = (FLOOR, REPO) if key is None else (jobs[key], code[key[1]])
            seconds[key].append(run(argv, env, cwd))
        for key in jobs:
            ratios[key].append(seconds[key][-1] / seconds[None][-1])
    print(f"floor: median {statistics.median(seconds[None]):.3f} s ({args.runs} runs)")
    for g, graph in enumerate(graphs):
        print(f"graph {'AB'[g]}: {graph} (queried by {code[g]})")
    head = "".join(f"   {'AB'[g]}: median s, x floor" for g in range(len(args.graphs)))
    print(f"{'query':<20}{head}" + ("   B / A" if len(args.graphs) == 2 else ""))
    for name in chosen:
        line = f"{name:<20}"
        for g in range(len(args.graphs)):
            key = (name, g)
            median, ratio = statistics.median(seconds[key]), statistics.median(ratios[key])
            line += f"   {median:8.3f} s {ratio:6.2f}x"
        if len(args.graphs) == 2:
            pairs = [b / a for a, b in zip(seconds[(name, 0)], seconds[(name, 1)], strict=True)]
            line += f"   {statistics.median(pairs):5.2f}"
        print(line)
    print(f"machine after: {machine()}")


if __name__ == "__main__":
    main()
