"""Compare the embedded pyoxigraph store with rdflib's in-memory graph on the same SPARQL.

For each graph it times loading (rdflib parsing the Turtle; pyoxigraph parsing
it into memory, bulk-loading it to disk, and opening an already built store,
which is what careergraph does on every command) and a few queries, among
them a GROUP BY, and prints medians and the rdflib / pyoxigraph ratio.

Graphs: the built-in graph, and a synthetic graph of about half a million
triples with the ontology's shape (roles, skill requirements, transitions,
salary bands, sectors, employers), or the graph folders given with --graph
(e.g. one written by an O*NET import).

Usage::

    python scripts/bench_sparql.py                       # built-in + 500k synthetic
    python scripts/bench_sparql.py --triples 100000 --repeat 3
    python scripts/bench_sparql.py --graph /path/to/onet-graph --no-synthetic
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.vocab import CG_IRI, ID_IRI, PREFIXES

QUERIES = {
    "count roles": "SELECT (COUNT(?r) AS ?n) WHERE { ?r a cg:Role }",
    "GROUP BY skills in demand": """
        SELECT ?skill (COUNT(DISTINCT ?role) AS ?roles) WHERE {
          ?role a cg:Role ; cg:requiresSkill ?skill .
        } GROUP BY ?skill ORDER BY DESC(?roles) LIMIT 25""",
    "roles needing a skill (join + filter)": """
        SELECT ?role ?label ?importance WHERE {
          ?skill skos:prefLabel ?sl . FILTER(LCASE(STR(?sl)) = LCASE("{skill}"))
          ?role cg:skillRequirement ?req ; skos:prefLabel ?label .
          ?req cg:skill ?skill . OPTIONAL { ?req cg:importance ?importance }
        } ORDER BY DESC(?importance)""",
    "salary bands by level (GROUP BY)": """
        SELECT ?level (COUNT(?band) AS ?bands) (AVG(?max) AS ?avgMax) WHERE {
          ?role cg:salaryBand ?band . ?band cg:experienceLevel ?level ; schema:maxValue ?max .
        } GROUP BY ?level""",
    "progression reach (property path)": """
        SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { <{role}> cg:canLeadTo+ ?x }""",
}


def median_time(func: Callable[[], Any], repeat: int) -> float:
    return timed(func, repeat)[0]


def timed(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The median time of ``repeat`` calls, and what the last call returned."""
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def synthetic_graph(path: Path, triples: int, seed: int = 7) -> int:
    """Write a Turtle graph of about ``triples`` triples with the ontology's shape."""
    rng = random.Random(seed)
    cg, rdf, rdfs = CG_IRI, PREFIXES["rdf"], PREFIXES["rdfs"]
    skos, schema = PREFIXES["skos"], PREFIXES["schema"]
    dct, xsd = PREFIXES["dcterms"], PREFIXES["xsd"]

    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    def lit(value: Any, dt: str | None = None) -> ox.Literal:
        return ox.Literal(str(value), datatype=n(xsd + dt)) if dt else ox.Literal(str(value))

    out: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: Any) -> None:
        out.append(ox.Triple(s, n(p), o))

    per_role = 165  # triples one synthetic role brings, measured
    n_roles = max(50, triples // per_role)
    n_skills = max(100, n_roles // 3)
    source = n(ID_IRI + "dataset/synthetic")
    add(source, rdf + "type", n(cg + "Dataset"))
    add(source, dct + "title", lit("synthetic benchmark data"))
    skills = [n(f"{ID_IRI}skill/s{i}") for i in range(n_skills)]
    for i, skill in enumerate(skills):
        add(skill, rdf + "type", n(cg + "Skill"))
        add(skill, rdfs + "label", lit(f"Skill {i}"))
        add(skill, skos + "prefLabel", lit(f"Skill {i}"))
        add(skill, skos + "inScheme", n(ID_IRI + "skills"))
    sectors = [n(f"{ID_IRI}sector/x{i}") for i in range(40)]
    for i, sector in enumerate(sectors):
        add(sector, rdf + "type", n(cg + "Sector"))
        add(sector, skos + "prefLabel", lit(f"Sector {i}"))
    employers = [n(f"{ID_IRI}employer/e{i}") for i in range(400)]
    for i, employer in enumerate(employers):
        add(employer, rdf + "type", n(cg + "Employer"))
        add(employer, schema + "name", lit(f"Employer {i}"))
    roles = [n(f"{ID_IRI}role/r{i}") for i in range(n_roles)]
    # five seniority tiers: progressions climb one tier, so ladders stay short as in real data
    tiers: list[list[ox.NamedNode]] = [roles[t::5] for t in range(5)]
    levels = [n(cg + "EntryLevel"), n(cg + "MidLevel"), n(cg + "SeniorLevel")]
    # skills drawn with a skewed popularity, as in real data
    weights = [1.0 / (1 + k) ** 0.8 for k in range(n_skills)]
    for i, role in enumerate(roles):
        add(role, rdf + "type", n(cg + "Role"))
        add(role, rdfs + "label", lit(f"Role {i}"))
        add(role, skos + "prefLabel", lit(f"Role {i}"))
        add(role, skos + "altLabel", lit(f"Role number {i}"))
        add(role, skos + "notation", lit(f"{i:02d}-{i % 9999:04d}.00"))
        chosen = set(rng.choices(range(n_skills), weights=weights, k=15))
        for position, k in enumerate(sorted(chosen), start=1):
            req = n(f"{ID_IRI}req/r{i}-{k}")
            add(role, cg + "requiresSkill", skills[k])
            add(role, cg + "skillRequirement", req)
            add(req, rdf + "type", n(cg + "SkillRequirement"))
            add(req, cg + "skill", skills[k])
            add(req, cg + "importance", lit(f"{rng.uniform(1, 5):.2f}", "decimal"))
            add(req, cg + "level", lit(f"{rng.uniform(0, 7):.2f}", "decimal"))
            add(req, cg + "position", lit(position, "integer"))
            add(req, dct + "source", source)
        tier = i % 5
        for j in range(4):
            up = j < 2 and tier < 4
            target = rng.choice(tiers[tier + 1] if up else tiers[tier])
            if target == role:
                continue
            kind = "Progression" if up else "LateralTransition"
            move = n(f"{ID_IRI}transition/r{i}--{target.value.rsplit('/', 1)[1]}")
            add(move, rdf + "type", n(cg + "Transition"))
            add(move, cg + "fromRole", role)
            add(move, cg + "toRole", target)
            add(move, cg + "transitionKind", n(cg + kind))
            add(move, cg + "skillToGain", skills[rng.randrange(n_skills)])
            add(move, dct + "source", source)
            add(role, cg + ("canLeadTo" if up else "canTransitionTo"), target)
        for level_index, level in enumerate(levels):
            band = n(f"{ID_IRI}salary/r{i}/{level_index}")
            low = 50_000 + 20_000 * level_index + rng.randrange(0, 40_000)
            add(role, cg + "salaryBand", band)
            add(band, rdf + "type", n(cg + "SalaryBand"))
            add(band, cg + "experienceLevel", level)
            add(band, schema + "minValue", lit(low, "integer"))
            add(band, schema + "maxValue", lit(low + 30_000, "integer"))
            add(band, schema + "currency", lit("USD"))
            add(band, dct + "source", source)
        for sector in rng.sample(sectors, 2):
            add(role, cg + "sector", sector)
        for employer in rng.sample(employers, 3):
            add(role, cg + "employer", employer)
    path.write_bytes(ox.serialize(out, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b"")
    return len(out)


def bench_graph(name: str, ttl: Path, repeat: int, rdflib_repeat: int) -> list[tuple]:
    import rdflib

    rows: list[tuple] = []
    work = Path(tempfile.mkdtemp(prefix="bench-sparql-"))
    try:
        holder: dict[str, Any] = {}

        def rdflib_parse() -> None:
            graph = rdflib.Graph()
            graph.parse(str(ttl), format="turtle")
            holder["rdflib"] = graph

        def ox_memory() -> None:
            store = ox.Store()
            store.bulk_load(path=str(ttl), format=ox.RdfFormat.TURTLE)
            holder["memory"] = store

        def ox_disk() -> None:
            folder = work / f"store-{time.perf_counter_ns()}"
            store = ox.Store(str(folder))
            store.bulk_load(path=str(ttl), format=ox.RdfFormat.TURTLE)
            store.flush()
            del store
            holder["disk"] = folder

        # pyoxigraph first, with no rdflib graph alive: millions of Python objects would
        # make every garbage collection during pyoxigraph's timings slow, which is not
        # how careergraph runs
        t_memory = median_time(ox_memory, repeat)
        del holder["memory"]
        t_disk = median_time(ox_disk, min(repeat, 3))
        t_open = median_time(
            lambda: holder.__setitem__("store", ox.Store.read_only(str(holder["disk"]))), repeat
        )
        store = holder["store"]
        size = len(store)
        print(f"\n{name}: {size:,} triples ({ttl})", flush=True)
        top_skill = next(iter(store.query(
            "SELECT ?l WHERE { ?r cg:requiresSkill ?s . ?s skos:prefLabel ?l } "
            "GROUP BY ?l ORDER BY DESC(COUNT(?r)) LIMIT 1", prefixes=PREFIXES,
        )))["l"].value  # fmt: skip
        climber = next(iter(store.query(
            "SELECT ?r WHERE { ?r cg:canLeadTo ?x } GROUP BY ?r ORDER BY DESC(COUNT(?x)) LIMIT 1",
            prefixes=PREFIXES,
        )))["r"].value  # fmt: skip
        queries = {
            label: template.replace("{skill}", top_skill).replace("{role}", climber)
            for label, template in QUERIES.items()
        }
        ox_times = {}
        for label, query in queries.items():
            ox_times[label] = timed(
                lambda q=query, s=store: list(s.query(q, prefixes=PREFIXES)), repeat
            )
        del store, holder["store"]

        t_rdflib = median_time(rdflib_parse, rdflib_repeat)
        graph = holder["rdflib"]
        rows.append((name, "load: parse Turtle into memory", t_rdflib, t_memory))
        rows.append((name, "load: bulk-load Turtle to disk (build)", None, t_disk))
        rows.append((name, "load: open the built store (every command)", t_rdflib, t_open))
        for label, query in queries.items():
            t_ox, ox_rows = ox_times[label]
            try:
                t_rl, rl_rows = timed(
                    lambda q=query, g=graph: list(g.query(q, initNs=PREFIXES)), rdflib_repeat
                )
            except RecursionError:
                print(f"  rdflib failed on '{label}' (recursion too deep)")
                t_rl, rl_rows = None, ox_rows
            if len(ox_rows) != len(rl_rows):
                print(f"  note: '{label}': {len(ox_rows)} rows here, {len(rl_rows)} in rdflib")
            rows.append((name, f"query: {label}", t_rl, t_ox))
        del graph, holder["rdflib"]
        return rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--graph",
        action="append",
        default=[],
        type=Path,
        help="A graph folder to benchmark (repeatable).",
    )
    parser.add_argument(
        "--triples", type=int, default=500_000, help="Size of the synthetic graph (default 500000)."
    )
    parser.add_argument("--no-synthetic", action="store_true", help="Skip the synthetic graph.")
    parser.add_argument("--no-builtin", action="store_true", help="Skip the built-in graph.")
    parser.add_argument("--repeat", type=int, default=5, help="Runs per pyoxigraph timing.")
    parser.add_argument("--rdflib-repeat", type=int, default=3, help="Runs per rdflib timing.")
    args = parser.parse_args()

    graphs: list[tuple[str, Path]] = []
    tmp = Path(tempfile.mkdtemp(prefix="bench-sparql-data-"))
    try:
        if not args.no_builtin:
            from graph.build.builtin import builtin_graph_dir

            graphs.append(("built-in", builtin_graph_dir() / "graph.ttl"))
        for folder in args.graph:
            graphs.append((folder.name, folder / "graph.ttl"))
        if not args.no_synthetic and not args.graph:
            path = tmp / "synthetic.ttl"
            count = synthetic_graph(path, args.triples)
            graphs.append((f"synthetic {count // 1000}k", path))
        rows: list[tuple] = []
        for name, ttl in graphs:
            rows.extend(bench_graph(name, ttl, args.repeat, args.rdflib_repeat))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nMedians (pyoxigraph {ox.__version__}; rdflib in-memory Graph):")
    print(f"{'graph':<16} {'step':<48} {'rdflib':>10} {'pyoxigraph':>11} {'ratio':>8}")
    for name, step, t_rl, t_ox in rows:
        ratio = f"{t_rl / t_ox:,.0f}x" if t_rl is not None and t_ox > 0 else "-"
        print(f"{name:<16} {step:<48} {fmt_seconds(t_rl):>10} {fmt_seconds(t_ox):>11} {ratio:>8}")


if __name__ == "__main__":
    main()
