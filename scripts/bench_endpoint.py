"""Cold ``careergraph path`` time against a SPARQL server, next to the embedded store.

Pushes a graph folder (e.g. an O*NET import) to the server, then runs
``careergraph --endpoint URL path FROM TO`` in fresh processes and prints medians:

* cold: a new process and no projection cache (route search fetches the
  projection from the server with a few SELECT queries);
* cached: a new process with the projection cached for this build;
* local: the same command on the embedded store (projection cached), for reference;
* local-cold: the embedded store with no projection cache (a copy of the folder without it).

Each run's JSON output is compared with the embedded store's.

    eval "$(scripts/ci_services.sh start)"
    python scripts/bench_endpoint.py --graph output/onet --runs 5

Endpoints default to ``$CAREERGRAPH_TEST_VIRTUOSO`` (and ``..._UPDATE``, ``..._GSP``);
credentials come from ``$CAREERGRAPH_TEST_VIRTUOSO_USER``/``..._PASSWORD`` or
``$CAREERGRAPH_ENDPOINT_USER``/``..._PASSWORD``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH_GRAPH = "https://w3id.org/careergraph/id/graph/bench"


def _run(args: list[str], env: dict[str, str]) -> tuple[float, bytes]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "graph", *args], cwd=REPO, env=env, capture_output=True
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"careergraph {' '.join(args)} failed:\n{done.stderr.decode()}")
    return seconds, done.stdout


def _summary(name: str, times: list[float]) -> str:
    return (
        f"{name:<10} median {statistics.median(times):6.3f} s   "
        f"min {min(times):6.3f}   max {max(times):6.3f}   ({len(times)} runs)"
    )


def main() -> None:
    env_default = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, help="graph folder (default: the built-in graph)")
    parser.add_argument("--endpoint", default=env_default("CAREERGRAPH_TEST_VIRTUOSO"))
    parser.add_argument(
        "--update-endpoint", default=env_default("CAREERGRAPH_TEST_VIRTUOSO_UPDATE")
    )
    parser.add_argument("--graph-store", default=env_default("CAREERGRAPH_TEST_VIRTUOSO_GSP"))
    parser.add_argument("--named-graph", default=BENCH_GRAPH)
    parser.add_argument("--no-push", action="store_true", help="the server holds it already")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--from", dest="source", default="Technical Program Manager")
    parser.add_argument("--to", dest="target", default="Director of Technical Program Management")
    opts = parser.parse_args()
    if not opts.endpoint:
        sys.exit('Give --endpoint URL (or start one: eval "$(scripts/ci_services.sh start)").')

    sys.path.insert(0, str(REPO))
    from graph.build.builtin import resolve_graph_dir
    from graph.store.push import push

    env = dict(os.environ)
    for name in ("USER", "PASSWORD"):
        value = env.get(f"CAREERGRAPH_TEST_VIRTUOSO_{name}")
        if value and not env.get(f"CAREERGRAPH_ENDPOINT_{name}"):
            env[f"CAREERGRAPH_ENDPOINT_{name}"] = os.environ[f"CAREERGRAPH_ENDPOINT_{name}"] = value
    env["CAREERGRAPH_NAMED_GRAPH"] = opts.named_graph
    env.pop("CAREERGRAPH_ENDPOINT", None)
    graph_dir = resolve_graph_dir(opts.graph)

    if not opts.no_push:
        report = push(
            graph_dir,
            opts.endpoint,
            opts.update_endpoint,
            named_graph=opts.named_graph,
            replace=True,
            graph_store=opts.graph_store,
        )
        print(
            f"push     {report.seconds:6.2f} s for {report.triples:,} triples via "
            f"{report.protocol} ({report.triples / max(report.seconds, 1e-9):,.0f} triples/s)"
        )

    path = ["path", opts.source, opts.target, "--format", "json"]
    local_env = dict(env, CAREERGRAPH_CACHE=tempfile.mkdtemp(prefix="bench-local-"))
    _run([*path, "--graph", str(graph_dir)], local_env)  # writes the projection cache if missing
    local_times, expected = [], b""
    for _ in range(opts.runs):
        seconds, expected = _run([*path, "--graph", str(graph_dir)], local_env)
        local_times.append(seconds)

    local_cold = []
    for _ in range(opts.runs):
        copy = Path(tempfile.mkdtemp(prefix="bench-graph-")) / "graph"
        shutil.copytree(graph_dir, copy, ignore=shutil.ignore_patterns("projection-*", "*.ttl"))
        seconds, out = _run([*path, "--graph", str(copy)], local_env)
        local_cold.append(seconds)
        shutil.rmtree(copy.parent)

    remote = ["--endpoint", opts.endpoint, *path]
    cold, cached = [], []
    same = True
    for _ in range(opts.runs):
        run_env = dict(env, CAREERGRAPH_CACHE=tempfile.mkdtemp(prefix="bench-remote-"))
        seconds, out = _run(remote, run_env)
        cold.append(seconds)
        seconds, out2 = _run(remote, run_env)
        cached.append(seconds)
        same = same and out == expected and out2 == expected

    print(f"graph    {graph_dir}")
    print(f"server   {opts.endpoint} <{opts.named_graph}>")
    print(f"command  careergraph --endpoint URL path '{opts.source}' '{opts.target}'")
    print(_summary("cold", cold))
    print(_summary("cached", cached))
    print(_summary("local", local_times))
    print(_summary("local-cold", local_cold))
    print(f"same JSON as the embedded store: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
