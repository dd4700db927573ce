"""Cold CLI commands as multiples of the interpreter's floor, measured side by side.

A person runs one command and waits for the interpreter, its imports and the
graph. The floor is ``python -c "import click, networkx"``: what any CLI on
this stack pays before doing anything. Each round runs the floor and every
command once, in a fresh interpreter each, from this one process, alternating
the order from round to round, so machine drift (other processes on a shared
machine) hits both alike; the ratio of each command to the floor run next to it
is what the script reports (median over rounds), beside the median seconds and
the same ratio of CPU time (user + system), which other processes on a shared
machine disturb less than wall time.

Usage::

    python scripts/bench_cold.py                       # built-in graph only
    python scripts/bench_cold.py output/onet --runs 7  # plus the O*NET commands
    python scripts/bench_cold.py output/onet --vs /tmp/old  # beside another checkout

The O*NET commands need a graph folder imported with
``careergraph import onet ... --wages ...``; without one they are skipped.
Every command runs once untimed first, so caches (the built-in graph) exist
and so does the bytecode of the package, as after ``pip install``: the runs
ignore ``PYTHONDONTWRITEBYTECODE`` unless ``--source`` is given, which
measures compiling every module from source on every run instead.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

FLOOR = ["-c", "import click, networkx"]

#: the GROUP BY over every O*NET skill rating (50,530 on O*NET 29.3)
GROUP_BY = (
    "SELECT ?skill (AVG(?imp) AS ?avg) (COUNT(*) AS ?n) WHERE { ?r cg:skillRequirement ?q . "
    "?q cg:skill ?skill ; cg:importance ?imp } GROUP BY ?skill ORDER BY DESC(?n) LIMIT 3"
)

#: the O*NET roles the route commands run between
ONET_FROM = "Software Developers"
ONET_TO = "Computer and Information Systems Managers"
#: the O*NET role a named query's parameter names
ONET_NAMED_ROLE = "Registered Nurses"
#: a named query whose role parameter is given by label
NAMED = ["--name", "moves-into-role", "-p", f"role={ONET_NAMED_ROLE}"]


def commands(onet: Path | None) -> dict[str, list[str]]:
    """Name -> arguments after ``python -m graph``, for every cold command measured."""
    jobs = {"path TPM (built-in)": ["path", "TPM", "Director of Technical Program Management"]}
    if onet is not None:
        g = ["--graph", str(onet)]
        jobs.update(
            {
                "path (O*NET)": ["path", ONET_FROM, ONET_TO, *g],
                "next (O*NET)": ["next", ONET_FROM, *g],
                "gap (O*NET)": ["gap", ONET_FROM, ONET_TO, *g],
                "similar (O*NET)": ["similar", ONET_FROM, *g],
                "sparql GROUP BY (O*NET)": ["sparql", GROUP_BY, *g],
                # a role named by its label: found through the label index (made in the untimed run)
                "sparql named, role= (O*NET)": ["sparql", *NAMED, *g],
            }
        )
    return jobs


def run(argv: list[str], env: dict[str, str], cwd: Path = REPO) -> float:
    """Wall seconds of one fresh interpreter running ``argv`` in ``cwd``; exits if it fails."""
    return run_timed(argv, env, cwd)[0]


def run_timed(argv: list[str], env: dict[str, str], cwd: Path = REPO) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one fresh interpreter running ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *argv], cwd=cwd, env=env, capture_output=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(
            f"{shlex.join(['python', *argv])} (in {cwd}) failed with exit code "
            f"{done.returncode}:\n{done.stderr.decode(errors='replace')}"
        )
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu


def machine() -> str:
    load = "/".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores, load average {load} (1/5/15 min), "
        f"Python {platform.python_version()} ({platform.machine()})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "onet", nargs="?", type=Path, help="an O*NET graph folder (import onet --wages)"
    )
    parser.add_argument("--runs", type=int, default=5, help="rounds (default 5)")
    parser.add_argument(
        "--source", action="store_true", help="no bytecode cache: compile modules on every run"
    )
    parser.add_argument(
        "--vs",
        type=Path,
        metavar="CHECKOUT",
        help="also run every command in this other checkout, in the same rounds, and print "
        "the ratio of this tree's time to its (e.g. 'git worktree add /tmp/old REV')",
    )
    args = parser.parse_args()
    env = dict(os.environ)
    if not args.source:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.onet is not None and not (args.onet / "manifest.json").is_file():
        sys.exit(f"{args.onet} holds no built graph (no manifest.json).")
    if args.vs is not None and not (args.vs / "graph" / "__main__.py").is_file():
        sys.exit(f"{args.vs} is no careergraph checkout (no graph/__main__.py).")
    jobs = {name: ["-m", "graph", *argv] for name, argv in commands(args.onet).items()}
    print(f"machine: {machine()}")
    print(f"bytecode: {'none, compiled from source each run' if args.source else 'cached'}")
    # (name, checkout) -> arguments; the other checkout's runs are named "<name> @vs"
    where = {name: REPO for name in jobs}
    if args.vs is not None:
        where.update({f"{name} @vs": args.vs.resolve() for name in jobs})
    for name, cwd in where.items():
        run(jobs[name.removesuffix(" @vs")], env, cwd)  # untimed: builds caches
    names = ["floor", *where]
    argvs = {"floor": FLOOR, **{name: jobs[name.removesuffix(" @vs")] for name in where}}
    cwds = {"floor": REPO, **where}
    seconds: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    ratios: dict[str, list[float]] = {name: [] for name in where}
    cpu_ratios: dict[str, list[float]] = {name: [] for name in where}
    for n in range(args.runs):
        # floor first in even rounds, last in odd ones: drift within a round cancels out
        order = names if n % 2 == 0 else names[1:] + names[:1]
        for name in order:
            wall, used = run_timed(argvs[name], env, cwds[name])
            seconds[name].append(wall)
            cpu[name].append(used)
        for name in where:
            ratios[name].append(seconds[name][-1] / seconds["floor"][-1])
            cpu_ratios[name].append(cpu[name][-1] / cpu["floor"][-1])
    floor = statistics.median(seconds["floor"])
    print(
        f"floor  python {shlex.join(FLOOR)}: median {floor:.3f} s, CPU "
        f"{statistics.median(cpu['floor']):.3f} s ({args.runs} runs)"
    )
    # CPU time (user + system) varies less than wall time when other processes share the cores
    width = max(len(name) for name in jobs)
    for name, argv in jobs.items():
        print(
            f"{name:<{width}}  median {statistics.median(seconds[name]):.3f} s  "
            f"{statistics.median(ratios[name]):.2f}x floor  (CPU "
            f"{statistics.median(cpu_ratios[name]):.2f}x)   python {shlex.join(argv)}"
        )
    if args.vs is not None:
        print(f"the same in {args.vs}, and this tree's time as a multiple of it, round by round:")
        for name in jobs:
            other = f"{name} @vs"
            vs_wall = [a / b for a, b in zip(seconds[name], seconds[other], strict=True)]
            vs_cpu = [a / b for a, b in zip(cpu[name], cpu[other], strict=True)]
            print(
                f"{name:<{width}}  median {statistics.median(seconds[other]):.3f} s  "
                f"{statistics.median(ratios[other]):.2f}x floor  (CPU "
                f"{statistics.median(cpu_ratios[other]):.2f}x);  this tree "
                f"{statistics.median(vs_wall):.2f}x its time (CPU {statistics.median(vs_cpu):.2f}x)"
            )
    print(f"machine after: {machine()}")


if __name__ == "__main__":
    main()
