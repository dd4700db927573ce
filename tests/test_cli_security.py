"""Bad input through the command line: one ``Error:`` line, the documented exit code, no traceback.

The commands run in a subprocess: the installed ``careergraph`` script when it
sits beside this interpreter, else ``python -m graph``. Also: two builds into
one folder take turns and leave a valid graph; a killed build's temporary
files are cleaned up; the query limits hold from the command line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.store.folder import LOCK_FILE, folder_lock, read_manifest
from graph.store.local import LocalStore

REPO = Path(__file__).resolve().parents[1]


def command() -> list[str]:
    script = Path(sys.executable).with_name("careergraph")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "graph"]


def run(
    args: list[str], stdin: bytes | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return subprocess.run(
        command() + args,
        input=stdin,
        capture_output=True,
        env=env,
        cwd=REPO,
        timeout=timeout,
    )


@pytest.fixture
def folder(builtin_dir: Path, tmp_path: Path) -> Path:
    out = tmp_path / "graph"
    shutil.copytree(builtin_dir, out)
    return out


def _edit_manifest(key: str, value: object) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        path = folder / "manifest.json"
        manifest = json.loads(path.read_text())
        manifest[key] = value
        path.write_text(json.dumps(manifest))
        return ["roles", "--graph", str(folder)]

    return make


def _write(name: str, data: bytes, args: list[str]) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        (folder.parent / name).write_bytes(data)
        return [a.replace("{file}", str(folder.parent / name)) for a in args]

    return make


def _manifest_list(folder: Path) -> list[str]:
    (folder / "manifest.json").write_text("[]")
    return ["roles", "--graph", str(folder)]


def _projection_not_a_graph(folder: Path) -> list[str]:
    for cached in folder.glob("projection-*"):
        cached.write_bytes(b"\x80\x04K\x05.")  # the pickle of the number 5
    return ["path", "TPM", "Solutions Architect", "--graph", str(folder)]


def _file_in_the_way(folder: Path) -> list[str]:
    (folder.parent / "afile").write_text("x")
    return ["build", "--no-validate", "--out", str(folder.parent / "afile" / "sub")]


DEEP = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") } LIMIT 1"
BRACES = "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000
ORS = "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(["?o = 1"] * 10_000) + ") } LIMIT 1"
SSRF = (
    "SELECT ?x WHERE { BIND(<http://a/\\u0041#> AS ?y) "
    "SERVICE <http://127.0.0.1:9/x> { ?s ?p ?x } }"
)

# (name, how to make the arguments, stdin, exit code, words the message must hold)
CASES = [
    ("manifest store 123", _edit_manifest("store", 123), None, 1, "'store'"),
    ("manifest projection 5", _edit_manifest("projection", 5), None, 1, "'projection'"),
    ("manifest store path", _edit_manifest("store", "../elsewhere"), None, 1, "'store'"),
    ("manifest not an object", _manifest_list, None, 1, "is not a careergraph manifest"),
    ("projection not a graph", _projection_not_a_graph, None, 0, None),
    ("build --out /proc/nope", lambda f: ["build", "--no-validate", "--out", "/proc/nope"], None, 2,
     "Cannot write the graph folder /proc/nope"),
    ("build --out afile/sub", _file_in_the_way, None, 2, "Cannot write the graph folder"),
    ("bad IPv6 endpoint", lambda f: ["--endpoint", "http://[::1", "roles"], None, 2,
     "not a valid URL"),
    ("sparql -f binary", _write("q.rq", bytes(range(256)) * 4, ["sparql", "-f", "{file}"]), None, 2,
     "is not UTF-8 text"),
    ("sparql - non-UTF-8", lambda f: ["sparql", "-"], b"\xff\xfeSELECT * { ?s ?p ?o }", 2,
     "standard input is not UTF-8 text"),
    ("sparql deep parentheses", _write("d.rq", DEEP.encode(), ["sparql", "-f", "{file}"]), None, 2,
     "at most 100"),
    ("sparql deep braces", _write("b.rq", BRACES.encode(), ["sparql", "-f", "{file}"]), None, 2,
     "at most 100"),
    ("sparql long ||", _write("o.rq", ORS.encode(), ["sparql", "-f", "{file}"]), None, 2,
     "operators"),
    ("sparql SERVICE", lambda f: ["sparql", SSRF], None, 2, "SERVICE"),
]  # fmt: skip


@pytest.mark.parametrize("name,make,stdin,code,words", CASES, ids=[c[0] for c in CASES])
def test_bad_input_gives_one_error_line(
    folder: Path, name: str, make, stdin: bytes | None, code: int, words: str | None
) -> None:
    result = run(make(folder), stdin=stdin)
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert result.returncode == code, (result.returncode, err)
    if code == 0:
        assert not [line for line in err.splitlines() if line.startswith("Error:")]
        return
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert words in lines[0]


def test_two_builds_into_one_folder_take_turns(tmp_path: Path) -> None:
    out = tmp_path / "graph"
    for _ in range(3):
        # without the SHACL check (the same writes, in a third of the time): the race is in
        # writing the folder, which is what the lock guards
        procs = [
            subprocess.Popen(
                command() + ["build", "--no-validate", "--out", str(out)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                cwd=REPO,
                env={**os.environ, "PYTHONPATH": str(REPO)},
            )
            for _ in range(2)
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err.decode()
        manifest = read_manifest(out)
        assert (out / manifest.store).is_dir()
        stores = sorted(p.name for p in out.iterdir() if p.name.startswith("store-"))
        assert stores == [manifest.store]
        assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]
        assert LocalStore(out).ask("ASK { ?r a cg:Role }")


def test_a_killed_builds_leftovers_are_removed(folder: Path) -> None:
    leftovers = [folder / ".tmp-store-20200101000000-dead", folder / ".tmp-graph-x.ttl"]
    leftovers[0].mkdir()
    (leftovers[0] / "000001.sst").write_bytes(b"x" * 100)
    leftovers[1].write_text("partial")
    with folder_lock(folder):
        pass
    assert not any(p.exists() for p in leftovers)
    assert (folder / LOCK_FILE).exists()
    assert read_manifest(folder).store  # the graph itself untouched


def test_update_waits_for_the_folder_lock(folder: Path) -> None:
    import threading

    from graph.sparql.update import apply_update

    done = threading.Event()

    def update() -> None:
        apply_update(folder, "INSERT DATA { <urn:x:a> <urn:x:b> 1 }")
        done.set()

    with folder_lock(folder):
        thread = threading.Thread(target=update)
        thread.start()
        assert not done.wait(1.5)  # held off while the lock is held
    thread.join(120)
    assert done.is_set()
    assert LocalStore(folder).ask("ASK { <urn:x:a> <urn:x:b> 1 }")


def test_an_update_cannot_call_service_either(folder: Path) -> None:
    update = (
        "INSERT { <urn:x:a> <urn:x:b> ?o } WHERE { BIND(<http://a/\\u0041#> AS ?y) "
        "SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"
    )
    before = read_manifest(folder).build_id
    result = run(["sparql", "--graph", str(folder), "--allow-update", update])
    err = result.stderr.decode()
    assert result.returncode == 2 and err.startswith("Error: SERVICE"), err
    assert read_manifest(folder).build_id == before
