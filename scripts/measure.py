"""One command in a fresh process: its wall time, CPU time and peak memory (for the benchmarks)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

__all__ = ["measure_command"]

# runs the command and reports on it; a small parent of its own per run, so that
# RUSAGE_CHILDREN holds this command alone and runs do not mask each other's peaks
_CHILD = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "seconds": time.perf_counter() - t,
                  "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_kib": usage.ru_maxrss}))
"""


def measure_command(
    cmd: list[str], cwd: Path, env: dict[str, str] | None = None
) -> dict[str, float]:
    """Wall seconds, CPU seconds and peak MiB of ``cmd`` run in ``cwd``; exits if it fails."""
    raw = subprocess.run(
        [sys.executable, "-c", _CHILD, *cmd],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(raw)
    if result["rc"] != 0:
        sys.exit(f"{' '.join(cmd)} (in {cwd}) failed with exit code {result['rc']}")
    return {
        "seconds": result["seconds"],
        "cpu_seconds": result["cpu_seconds"],
        "peak_mib": result["peak_kib"] / 1024,
    }
