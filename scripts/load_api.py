"""Load the route planner's API of a careergraph server on this machine with concurrent clients.

Starts ``careergraph serve`` (a child process) on a free 127.0.0.1 port over
the graph folder given (or uses --url), picks role pairs from ``/api/roles``,
then --clients threads each send up to --requests requests, alternating
``/api/routes?from=&to=&k=3`` and ``/api/next?role=``, each over its own
HTTP connection, and stop early after --max-seconds. Prints the throughput,
the latency percentiles and the error count; exits 1 if any request failed.
Only loopback addresses are accepted.

Usage::

    python scripts/load_api.py output/onet                  # 8 clients x 50 requests
    python scripts/load_api.py output/onet --clients 16 --requests 100 --max-seconds 60
    python scripts/load_api.py --url http://127.0.0.1:7878/
"""

from __future__ import annotations

import argparse
import os
import random
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
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
#: words whose roles make the pool of route ends (and the empty query: the first roles A-Z)
SEEDS = [
    "",
    "manager",
    "engineer",
    "analyst",
    "technician",
    "specialist",
    "developer",
    "director",
    "scientist",
    "designer",
]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def workload(base: str, count: int, seed: int) -> list[tuple[str, dict[str, str]]]:
    """Requests to send: route questions between pairs of roles, and next-move questions.

    Pairs come from ``/api/roles``; a pair with no route between its roles is
    replaced (it is a 404 by design, not a failure), so the measured requests
    all have an answer. Not measured: the first use also warms the server.
    """
    rng = random.Random(seed)
    labels: list[str] = []
    with httpx.Client(base_url=base, timeout=120) as http:
        for word in SEEDS:
            for row in http.get("/api/roles", params={"q": word, "limit": 50}).json():
                if row["label"] not in labels:
                    labels.append(row["label"])
        requests: list[tuple[str, dict[str, str]]] = []
        tries = 0
        while len(requests) < count and tries < count * 5:
            tries += 1
            source, target = rng.sample(labels, 2)
            routes = ("/api/routes", {"from": source, "to": target, "k": "3"})
            if http.get(routes[0], params=routes[1]).status_code != 200:
                continue
            requests.append(routes)
            requests.append(("/api/next", {"role": source}))
    if not requests:
        sys.exit("No two roles of this graph have a route between them.")
    return requests[:count]


def run(base: str, clients: int, per_client: int, max_seconds: float, seed: int) -> int:
    requests = workload(base, min(200, clients * per_client), seed)
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(index: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            start.wait()
            for i in range(per_client):
                if time.perf_counter() > deadline[0]:
                    break
                path, params = requests[(index * per_client + i) % len(requests)]
                error = ""
                began = time.perf_counter()
                try:
                    status = http.get(path, params=params).status_code
                except httpx.HTTPError as exc:
                    status = 0
                    error = type(exc).__name__
                spent = time.perf_counter() - began
                with lock:
                    if status == 200:
                        latencies[path].append(spent)
                    else:
                        errors[f"HTTP {status}" if status else error] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + max_seconds
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began

    every = [t for values in latencies.values() for t in values]
    total = len(every) + sum(errors.values())
    ms = 1000
    print(f"{total} requests from {clients} clients in {wall:.2f} s: {total / wall:.1f} requests/s")
    print(
        f"latency p50 {percentile(every, 50) * ms:.1f} ms, "
        f"p95 {percentile(every, 95) * ms:.1f} ms, "
        f"p99 {percentile(every, 99) * ms:.1f} ms, "
        f"max {max(every, default=float('nan')) * ms:.1f} ms"
    )
    for path, values in sorted(latencies.items()):
        median = statistics.median(values) * ms
        print(
            f"  {path:<12} {len(values):5d} answers, median {median:.1f} ms, "
            f"p95 {percentile(values, 95) * ms:.1f} ms"
        )
    print(
        f"errors: {sum(errors.values())}"
        + (
            " (" + ", ".join(f"{n} x {what}" for what, n in sorted(errors.items())) + ")"
            if errors
            else ""
        )
    )
    return 1 if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "graph", nargs="?", type=Path, help="Graph folder to serve, e.g. an O*NET import."
    )
    parser.add_argument("--url", help="A running server's base URL (loopback only).")
    parser.add_argument("--clients", type=int, default=8, help="Concurrent clients (default 8).")
    parser.add_argument(
        "--requests", type=int, default=50, help="Requests per client (default 50)."
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=120.0,
        help="Stop sending after this long (default 120).",
    )
    parser.add_argument("--seed", type=int, default=14, help="Seed of the role pairs.")
    parser.add_argument(
        "--server-workers", type=int, default=2, help="--workers of the started server (default 2)."
    )
    args = parser.parse_args()
    if not (
        1 <= args.clients <= 64 and 1 <= args.requests <= 10_000 and 0 < args.max_seconds <= 3600
    ):
        parser.error("keep to 1-64 clients, 1-10000 requests each and at most 3600 s")
    if (args.graph is None) == (args.url is None):
        parser.error("give a graph folder or --url, not both")

    if args.url:
        base = args.url if args.url.endswith("/") else args.url + "/"
        if urlsplit(base).hostname not in LOOPBACK:
            parser.error("only a server on this machine (127.0.0.1, localhost, ::1) is loaded")
        sys.exit(run(base, args.clients, args.requests, args.max_seconds, args.seed))

    # the server runs in its own process, as 'careergraph serve' does, so the clients'
    # threads do not share its interpreter
    command = [
        sys.executable,
        "-m",
        "graph",
        "serve",
        "--port",
        "0",
        "--graph",
        str(args.graph),
        "--workers",
        str(args.server_workers),
    ]
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
        print(f"server: {base} over {args.graph}, {args.server_workers} worker processes")
        code = run(base, args.clients, args.requests, args.max_seconds, args.seed)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
    sys.exit(code)


if __name__ == "__main__":
    main()
