"""Median time and peak memory of the O*NET (+ wages) and ESCO imports.

Each run is a fresh ``careergraph import`` process (interpreter start
included) writing into a temporary folder; its peak resident memory comes from
``resource.getrusage(RUSAGE_CHILDREN)`` measured in a small parent process per
run, so runs do not mask each other.

    python scripts/bench_import.py [--runs 3] [--only onet|esco]

Targets (issue 6): O*NET with wages <= 60 s and <= 2 GB; ESCO <= 120 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"

# runs one command and reports its wall time and peak memory (KiB on Linux)
MEASURE = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(json.dumps({"rc": rc, "seconds": time.perf_counter() - t,
                  "peak_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

JOBS = {
    "onet": lambda out: [
        "import", "onet", str(DATA / "onet" / "tsv_from_xlsx"),
        "--wages", str(DATA / "oews" / "oews_national_may2025.csv"), "--out", str(out),
    ],
    "esco": lambda out: ["import", "esco", str(DATA / "esco"), "--out", str(out)],
}


def measure(job: str, runs: int) -> dict[str, float]:
    seconds, peaks = [], []
    for _ in range(runs):
        out = Path(tempfile.mkdtemp(prefix=f"careergraph-bench-{job}-"))
        try:
            cmd = [sys.executable, "-m", "graph", *JOBS[job](out)]
            raw = subprocess.run(
                [sys.executable, "-c", MEASURE, *cmd], cwd=REPO, capture_output=True, text=True,
                check=True,
            ).stdout
            result = json.loads(raw)
            if result["rc"] != 0:
                sys.exit(f"{' '.join(cmd)} failed with exit code {result['rc']}")
            seconds.append(result["seconds"])
            peaks.append(result["peak_kib"] / 1024)
        finally:
            shutil.rmtree(out, ignore_errors=True)
    return {"seconds": statistics.median(seconds), "peak_mib": statistics.median(peaks)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="repetitions per import")
    parser.add_argument("--only", choices=sorted(JOBS), help="run one import only")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"No data in {DATA}.")
    for job in [args.only] if args.only else sorted(JOBS, reverse=True):
        result = measure(job, args.runs)
        print(f"import {job}: median {result['seconds']:.1f} s, peak memory "
              f"{result['peak_mib']:.0f} MiB ({args.runs} runs)")


if __name__ == "__main__":
    main()
