"""Median time and peak memory of the O*NET (+ wages) and ESCO imports, beside a git revision.

Each run is a fresh ``careergraph import`` process (interpreter start
included) writing into a temporary folder; its peak resident memory comes from
``resource.getrusage(RUSAGE_CHILDREN)`` measured in a small parent process per
run, so runs do not mask each other.

With ``--vs-rev REV`` the same imports also run from a copy of the tree at
that git revision (``git archive`` into a temporary folder, run with this
interpreter and ``PYTHONPATH`` pointing there; nothing is added to the
repository), alternating with the current tree run by run so machine drift
hits both alike, and the median ratio current / revision is printed.

    python scripts/bench_import.py [--runs 3] [--only onet|esco] [--vs-rev [REV]] [--data DIR]

``--vs-rev`` alone compares with fdb227f, the first release.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from measure import measure_command

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"

#: the first release, what ``--vs-rev`` compares with when given no revision
FIRST_RELEASE = "fdb227f"


JOBS = {
    "onet": lambda out, DATA: [
        "import",
        "onet",
        str(DATA / "onet" / "tsv_from_xlsx"),
        "--wages",
        str(DATA / "oews" / "oews_national_may2025.csv"),
        "--out",
        str(out),
    ],
    "esco": lambda out, DATA: ["import", "esco", str(DATA / "esco"), "--out", str(out)],
}


def run_once(job: str, tree: Path, data: Path) -> tuple[float, float, float]:
    """Wall seconds, peak MiB and CPU seconds of one import run from the source tree ``tree``."""
    out = Path(tempfile.mkdtemp(prefix=f"careergraph-bench-{job}-"))
    try:
        cmd = [sys.executable, "-m", "graph", *JOBS[job](out, data)]
        env = dict(os.environ, PYTHONPATH=str(tree))
        result = measure_command(cmd, tree, env)
        return result["seconds"], result["peak_mib"], result["cpu_seconds"]
    finally:
        shutil.rmtree(out, ignore_errors=True)


def checkout(rev: str, into: Path) -> str:
    """Extract the tree of ``rev`` into ``into``; returns the full commit id."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--verify", f"{rev}^{{commit}}"],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except subprocess.CalledProcessError:
        sys.exit(f"Unknown git revision {rev!r}: give a commit, tag or branch of {REPO}.")
    archive = into / "tree.tar"
    with archive.open("wb") as handle:
        subprocess.run(
            ["git", "archive", "--format=tar", commit], cwd=REPO, check=True, stdout=handle
        )
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    archive.unlink()
    return commit


def machine() -> str:
    load = "/".join(f"{x:.2f}" for x in os.getloadavg())
    python = platform.python_version()
    return f"{os.cpu_count()} cores, load average {load} (1/5/15 min), Python {python}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="repetitions per import")
    parser.add_argument("--only", choices=sorted(JOBS), help="run one import only")
    parser.add_argument(
        "--vs-rev",
        nargs="?",
        const=FIRST_RELEASE,
        metavar="REV",
        help=f"also run git revision REV side by side (default {FIRST_RELEASE})",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DATA,
        help="the folder holding onet/, oews/ and esco/ (default ../shared/data)",
    )
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"No data in {args.data}; name the folder with --data.")
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="careergraph-bench-rev-") as tmp:
        trees = {"current": REPO}
        if args.vs_rev:
            commit = checkout(args.vs_rev, Path(tmp))
            trees[commit[:10]] = Path(tmp) / "tree"
        for job in [args.only] if args.only else sorted(JOBS, reverse=True):
            seconds: dict[str, list[float]] = {name: [] for name in trees}
            peaks: dict[str, list[float]] = {name: [] for name in trees}
            cpus: dict[str, list[float]] = {name: [] for name in trees}
            for n in range(args.runs):
                # alternate which tree goes first, so drift within a round cancels out
                names = list(trees) if n % 2 == 0 else list(reversed(trees))
                for name in names:
                    s, peak, cpu = run_once(job, trees[name], args.data)
                    seconds[name].append(s)
                    peaks[name].append(peak)
                    cpus[name].append(cpu)
            for name in trees:
                print(
                    f"import {job} ({name}): median {statistics.median(seconds[name]):.1f} s "
                    f"(CPU {statistics.median(cpus[name]):.1f} s), peak memory "
                    f"{statistics.median(peaks[name]):.0f} MiB ({args.runs} runs)"
                )
            if len(trees) == 2:
                rev = list(trees)[1]
                ratios = [a / b for a, b in zip(seconds["current"], seconds[rev], strict=True)]
                cpu = [a / b for a, b in zip(cpus["current"], cpus[rev], strict=True)]
                print(
                    f"import {job}: current / {rev} = {statistics.median(ratios):.2f}x wall, "
                    f"{statistics.median(cpu):.2f}x CPU time (medians of run-by-run ratios)"
                )
    print(f"machine after: {machine()}")


if __name__ == "__main__":
    main()
