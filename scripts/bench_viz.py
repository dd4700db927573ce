"""Benchmark the graph page on an O*NET-sized graph; prints medians.

By default a synthetic projection of 1,000 roles (20 moves and 30 skills
each, like an O*NET import) is used; ``--graph DIR`` benchmarks a real graph
folder instead. Reports how long rendering takes for a ``--focus`` page and a
``--path`` page, whether a whole-graph page is refused, and, with
``--browser``, how long headless Chromium takes until the layout has settled.

    python scripts/bench_viz.py [--roles 1000] [--graph DIR] [--browser]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def synthetic(roles: int, seed: int = 1) -> Any:
    import networkx as nx

    rng = random.Random(seed)
    skills = {f"s:{i}": {"label": f"Skill {i}", "type": "skill"} for i in range(400)}
    P = nx.DiGraph(skills=skills, fingerprint="synthetic")
    for i in range(roles):
        P.add_node(
            f"r:{i}",
            label=f"Occupation {i}",
            labels=[f"Occupation {i}"],
            skills={
                s: {"importance": rng.random() * 5, "level": rng.random() * 7}
                for s in rng.sample(sorted(skills), 30)
            },
            gaps=set(),
            salary=[],
            midpoint=None,
            currency=None,
            sectors=[],
            employers=[],
            has_guide=False,
            code=f"{i:06d}",
            level=None,
        )
    for i in range(roles):
        for j in rng.sample(range(roles), 20):
            if j != i:
                P.add_edge(f"r:{i}", f"r:{j}", kind="transition", skills_to_gain=[])
    return P


def median_ms(func: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", type=int, default=1000)
    parser.add_argument("--graph", help="A graph folder to use instead of a synthetic graph.")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--browser", action="store_true", help="Also time page loads in Chromium.")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()

    from graph.errors import UsageError
    from graph.viz.page import render_page, write_page

    if args.graph:
        from graph.build.builtin import open_store
        from graph.projection.cache import load_projection

        P = load_projection(open_store(args.graph))
    else:
        P = synthetic(args.roles)
    print(f"graph: {P.number_of_nodes():,} roles, {P.number_of_edges():,} moves")
    hub = max(P, key=P.degree)
    far = max(P, key=lambda r: (P.in_degree(r), r != hub))
    routes = [
        {
            "steps": [
                {
                    "from_id": hub,
                    "from": "",
                    "to_id": far,
                    "to": "",
                    "kind": "transition",
                    "skills_to_gain": [],
                }
            ]
        }
    ]
    try:
        render_page(P)
        print("full page: rendered")
    except UsageError as exc:
        print(f"full page: refused ({exc})")
    cases = {
        "focus depth 1": {"focus": hub, "depth": 1},
        "focus depth 1 + skills": {"focus": hub, "depth": 1, "types": "role,skill"},
        "path": {"paths": routes},
    }
    pages = {}
    for name, kwargs in cases.items():
        try:
            ms = median_ms(lambda kw=kwargs: render_page(P, **kw), args.repeat)  # type: ignore
        except UsageError as exc:
            print(f"{name}: refused ({exc})")
            continue
        html = render_page(P, **kwargs)  # type: ignore[arg-type]
        pages[name] = html
        print(f"{name}: render median {ms:.0f} ms, {len(html) / 1e6:.2f} MB")
    if not args.browser:
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=ARGS)
        for name, html in pages.items():
            path = write_page(html, Path(folder) / "page.html")
            times = []
            for _ in range(max(1, args.repeat // 2)):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                start = time.perf_counter()
                page.goto(path.as_uri())
                page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
                times.append((time.perf_counter() - start) * 1000)
                page.close()
            print(f"{name}: open until settled, median {statistics.median(times):.0f} ms")
        browser.close()


if __name__ == "__main__":
    main()
