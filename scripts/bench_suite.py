"""Median wall time of the whole test suite, beside the first release's suite, run by run.

Two clones of this repository side by side in one folder (with ``shared``
beside them, pointing at this repository's ``../shared``, so the real-data
tests run on both sides): the first release (or ``--vs-rev REV``) and this
tree's last commit. Each gets its own virtual environment made with the
README's install command of its revision, and runs the README's test command
of its revision (``python -m pytest ...``, read from that README), with a
fresh graph cache per run. The two suites alternate round by round, so drift
on a shared machine hits both alike; the medians, the median of the
run-by-run ratios and the load average before each run are printed.

A Virtuoso server must be running for both (``eval "$(scripts/ci_services.sh
start)"``), or the Virtuoso tests would skip on both sides; ``--allow-skips``
runs anyway.

    python scripts/bench_suite.py [--rounds 2] [--vs-rev REV] [--dir DIR]

Each run's output is kept in ``DIR/logs``.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

#: the first release, what the suite is compared with by default
FIRST_RELEASE = "fdb227f"

#: when a README names no test command
DEFAULT_COMMAND = "python -m pytest -q"


def git(*args: str, cwd: Path = REPO) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def commit_of(rev: str) -> str:
    try:
        return git("rev-parse", "--verify", f"{rev}^{{commit}}")
    except subprocess.CalledProcessError:
        sys.exit(f"Unknown git revision {rev!r}: give a commit, tag or branch of {REPO}.")


def test_command(clone: Path) -> list[str]:
    """The README's test command of the checked-out revision, from ``python -m pytest`` on."""
    readme = (clone / "README.md").read_text(encoding="utf-8")
    found = re.search(r"python -m pytest[^\n`&|;]*", readme)
    return shlex.split(found.group(0).strip() if found else DEFAULT_COMMAND)


def prepare(clone: Path, commit: str, reinstall: bool) -> None:
    """Clone (or update) ``clone`` at ``commit``; its venv as the README makes it."""
    if not (clone / ".git").exists():
        subprocess.run(["git", "clone", "-q", "--no-checkout", str(REPO), str(clone)], check=True)
    else:
        git("fetch", "-q", "origin", cwd=clone)
    git("checkout", "-q", "--detach", commit, cwd=clone)
    venv = clone / ".venv"
    if not venv.is_dir():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        reinstall = True
    if reinstall:
        print(f"installing {clone.name} ({commit[:10]}) into its venv ...", flush=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", ".[dev]"],
            cwd=clone,
            check=True,
            env=dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1"),
        )


def run_suite(clone: Path, log: Path) -> tuple[int, float, float, str]:
    """Exit code, wall seconds, CPU seconds (pytest and its children) and pytest's summary."""
    venv = clone / ".venv"
    cmd = test_command(clone)
    cmd[0] = str(venv / "bin" / "python")
    with tempfile.TemporaryDirectory(prefix="careergraph-bench-cache-") as cache:
        env = dict(os.environ, CAREERGRAPH_CACHE=cache, VIRTUAL_ENV=str(venv))
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        with log.open("w") as out:
            rc = subprocess.run(cmd, cwd=clone, env=env, stdout=out, stderr=subprocess.STDOUT)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = [line for line in log.read_text().splitlines() if re.search(r" in [\d.]+s", line)]
    summary = re.sub(r"[= ]*$|^[= ]*", "", lines[-1]) if lines else "(no pytest summary)"
    return rc.returncode, seconds, cpu, summary


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="runs of each suite (default 2)")
    parser.add_argument(
        "--vs-rev",
        default=FIRST_RELEASE,
        metavar="REV",
        help=f"the revision whose suite is the reference (default {FIRST_RELEASE})",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "careergraph-suite-bench",
        help="where the clones, their venvs and the logs live (kept between runs)",
    )
    parser.add_argument("--allow-skips", action="store_true", help="run without a Virtuoso server")
    args = parser.parse_args()
    if not os.environ.get("CAREERGRAPH_TEST_VIRTUOSO") and not args.allow_skips:
        sys.exit(
            'No Virtuoso: run eval "$(scripts/ci_services.sh start)" first '
            "(or --allow-skips to let the Virtuoso tests skip on both sides)."
        )
    if not (SHARED / "data").is_dir():
        sys.exit(f"No real data in {SHARED / 'data'}: the real-data tests would skip.")
    if git("status", "--porcelain", "--untracked-files=no"):
        print("note: uncommitted changes are not measured (the clone holds the last commit)")

    args.dir.mkdir(parents=True, exist_ok=True)
    (args.dir / "logs").mkdir(exist_ok=True)
    shared = args.dir / "shared"
    if not shared.exists():
        shared.symlink_to(SHARED.resolve())
    reference = commit_of(args.vs_rev)
    current = commit_of("HEAD")
    clones = {
        f"{args.vs_rev} ({reference[:10]})": (args.dir / f"ref-{reference[:10]}", reference, False),
        f"current ({current[:10]})": (args.dir / "current", current, True),
    }
    for clone, commit, reinstall in clones.values():
        prepare(clone, commit, reinstall)
    for name, (clone, _, _) in clones.items():
        print(f"{name}: {shlex.join(test_command(clone))} in {clone}")

    walls: dict[str, list[float]] = {name: [] for name in clones}
    cpus: dict[str, list[float]] = {name: [] for name in clones}
    for n in range(args.rounds):
        # alternate which suite goes first, so drift within a round cancels out
        names = list(clones) if n % 2 == 0 else list(reversed(clones))
        for name in names:
            clone = clones[name][0]
            before = load()
            log = args.dir / "logs" / f"{clone.name}-{n + 1}.log"
            rc, wall, cpu, summary = run_suite(clone, log)
            walls[name].append(wall)
            cpus[name].append(cpu)
            status = "ok" if rc == 0 else f"FAILED (exit {rc}, see {log})"
            print(
                f"round {n + 1} {name}: {wall:.1f} s wall, {cpu:.1f} s CPU, load before "
                f"{before}: {summary} [{status}]",
                flush=True,
            )
    ref, cur = list(clones)
    for name in clones:
        print(
            f"{name}: median {statistics.median(walls[name]):.1f} s wall, "
            f"{statistics.median(cpus[name]):.1f} s CPU ({args.rounds} runs)"
        )
    ratios = [a / b for a, b in zip(walls[cur], walls[ref], strict=True)]
    cpu_ratios = [a / b for a, b in zip(cpus[cur], cpus[ref], strict=True)]
    print(
        f"current / {args.vs_rev}: {statistics.median(ratios):.2f}x wall, "
        f"{statistics.median(cpu_ratios):.2f}x CPU (medians of run-by-run ratios; "
        f"{os.cpu_count()} cores, load average now {load()})"
    )


if __name__ == "__main__":
    main()
