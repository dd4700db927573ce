"""Send a bounded number of concurrent SPARQL queries to a careergraph server on this machine.

Without --url it starts ``careergraph serve`` (a child process) on a free
127.0.0.1 port over the chosen graph (default: the built-in graph). Each of --clients
threads sends --requests queries (the named queries with their example
values, plus two plain ones) over one HTTP connection; the script prints the
throughput and the latency percentiles. Only loopback addresses are accepted.

Usage::

    python scripts/load_sparql.py                          # 8 clients x 50 queries
    python scripts/load_sparql.py --clients 16 --requests 100 --server-workers 2
    python scripts/load_sparql.py --url http://127.0.0.1:7878/
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.sparql.named import named_queries
from graph.sparql.params import bind_params

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PLAIN = {
    "list roles": "SELECT ?r ?l WHERE { ?r a cg:Role ; skos:prefLabel ?l } ORDER BY ?l",
    "count triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
}


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def workload(base: str) -> dict[str, str]:
    """The queries to send: named queries with example values bound through the server."""
    from graph.store.remote import RemoteStore

    remote = RemoteStore(base + "sparql", named_graph="")
    queries = {}
    for named in named_queries():
        queries[named.name] = bind_params(named.text, named.examples(), remote)
    remote.close()
    queries.update(PLAIN)
    return queries


def run(base: str, clients: int, requests: int) -> None:
    queries = workload(base)
    names = list(queries)
    with httpx.Client(base_url=base, timeout=60) as warm:
        for name in names:  # first use warms the workers and caches; not measured
            warm.post("/sparql", data={"query": queries[name]}).raise_for_status()

    latencies: list[float] = []
    by_query: dict[str, list[float]] = defaultdict(list)
    errors: dict[int, int] = defaultdict(int)
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        with httpx.Client(base_url=base, timeout=120) as http:
            start.wait()
            for i in range(requests):
                name = names[(index + i) % len(names)]
                began = time.perf_counter()
                response = http.post(
                    "/sparql",
                    data={"query": queries[name]},
                    headers={"Accept": "application/sparql-results+json"},
                )
                spent = time.perf_counter() - began
                with lock:
                    if response.status_code == 200:
                        latencies.append(spent)
                        by_query[name].append(spent)
                    else:
                        errors[response.status_code] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began

    total = clients * requests
    ms = 1000
    print(f"{total} queries from {clients} clients in {wall:.2f} s: {total / wall:.1f} queries/s")
    print(
        f"latency p50 {percentile(latencies, 50) * ms:.1f} ms, "
        f"p95 {percentile(latencies, 95) * ms:.1f} ms, "
        f"p99 {percentile(latencies, 99) * ms:.1f} ms, "
        f"max {max(latencies, default=float('nan')) * ms:.1f} ms"
    )
    print("errors: " + (", ".join(f"{n} x HTTP {c}" for c, n in sorted(errors.items())) or "none"))
    print("median latency per query:")
    for name in names:
        print(f"  {name:<22} {statistics.median(by_query[name]) * ms:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="A running server's base URL (loopback only).")
    parser.add_argument("--graph", type=Path, help="Graph folder to serve (default: built-in).")
    parser.add_argument("--clients", type=int, default=8, help="Concurrent clients (default 8).")
    parser.add_argument("--requests", type=int, default=50, help="Queries per client (default 50).")
    parser.add_argument(
        "--server-workers",
        type=int,
        default=2,
        help="Query processes of the started server (default 2).",
    )
    args = parser.parse_args()
    if not (1 <= args.clients <= 64 and 1 <= args.requests <= 10_000):
        parser.error("keep to 1-64 clients and 1-10000 queries each")

    if args.url:
        base = args.url if args.url.endswith("/") else args.url + "/"
        if urlsplit(base).hostname not in LOOPBACK:
            parser.error("only a server on this machine (127.0.0.1, localhost, ::1) is loaded")
        run(base, args.clients, args.requests)
        return

    # the server runs in its own process, as 'careergraph serve' does, so the clients'
    # threads do not share its interpreter
    command = [
        sys.executable,
        "-m",
        "graph",
        "serve",
        "--port",
        "0",
        "--workers",
        str(args.server_workers),
    ]
    if args.graph:
        command += ["--graph", str(args.graph)]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = server.stderr.readline() if server.stderr else ""
        found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if not found:
            sys.exit(f"The server did not start: {line.strip()}")
        base = found.group(1)
        print(f"server: {base} ({args.server_workers} query processes)")
        run(base, args.clients, args.requests)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)


if __name__ == "__main__":
    main()
