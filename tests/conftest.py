"""Shared fixtures and the rules for tests that need something outside the project.

The built-in graph is built once per test run (shared by pytest-xdist workers) into a temporary
cache. Tests marked ``virtuoso``, ``browser``, ``realdata`` or ``installed`` need a Virtuoso
server, Chromium, ``../shared/data`` or the installed console script; without it they skip with a
reason, or fail naming what is missing when ``CAREERGRAPH_REQUIRE_SERVICES=1`` (as in CI).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# Before any careergraph import: keep the user's cache and graph settings out of the tests,
# for this process and every CLI subprocess it starts. xdist workers of one run share a cache
# (keyed by the run's id), so the built-in graph is built once per run, not once per worker.
_RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID")
if _RUN:
    _CACHE = Path(tempfile.gettempdir()) / f"careergraph-test-cache-{_RUN}"
    _CACHE.mkdir(exist_ok=True)
else:
    _CACHE = Path(tempfile.mkdtemp(prefix="careergraph-test-cache-"))
os.environ["CAREERGRAPH_CACHE"] = str(_CACHE)
for _name in ("CAREERGRAPH_GRAPH", "CAREERGRAPH_ENDPOINT", "CAREERGRAPH_UPDATE_ENDPOINT"):
    os.environ.pop(_name, None)
# tables are 120 columns wide off a terminal, unless COLUMNS says otherwise (xdist workers
# inherit the controller's terminal width there): the same width in every process
os.environ["COLUMNS"] = "120"

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
SHARED_DATA = REPO.parent / "shared" / "data"
SEED = REPO / "graph" / "data" / "guides" / "technical-program-manager-infrastructure-delivery.txt"
SEED_ROLE = "https://w3id.org/careergraph/id/role/technical-program-manager-infrastructure-delivery"
CHROMIUM = Path("/usr/bin/chromium")

# Hypothesis: HYPOTHESIS_PROFILE=ci (set by .ci/run) draws the same examples on every run and
# keeps no example database; the default profile explores new examples each run.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("default", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# ---------------------------------------------------------------------------
# What the marked tests need: skip without it, or fail under CAREERGRAPH_REQUIRE_SERVICES=1
# ---------------------------------------------------------------------------

REQUIRE_SERVICES = "CAREERGRAPH_REQUIRE_SERVICES"


def services_required() -> bool:
    """True when a missing service must fail the run instead of skipping (CI)."""
    return os.environ.get(REQUIRE_SERVICES, "") not in ("", "0")


def console_script() -> str | None:
    """The installed ``careergraph`` console script beside this Python, or on PATH."""
    beside = Path(sys.executable).with_name("careergraph")
    return str(beside) if beside.is_file() else shutil.which("careergraph")


def _missing_virtuoso() -> str | None:
    names = [
        "CAREERGRAPH_TEST_VIRTUOSO",
        "CAREERGRAPH_TEST_VIRTUOSO_UPDATE",
        "CAREERGRAPH_TEST_VIRTUOSO_GSP",
        "CAREERGRAPH_TEST_VIRTUOSO_USER",
        "CAREERGRAPH_TEST_VIRTUOSO_PASSWORD",
    ]
    unset = [n for n in names if not os.environ.get(n)]
    if unset:
        return (
            f"a Virtuoso server ({', '.join(unset)} not set; "
            'run eval "$(scripts/ci_services.sh start)")'
        )
    return None


def _missing_browser() -> str | None:
    if not CHROMIUM.is_file():
        return f"Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python (pip install '.[test]')"
    return None


def _missing_realdata() -> str | None:
    if not SHARED_DATA.is_dir():
        return f"the real data folder ../shared/data ({SHARED_DATA} does not exist)"
    return None


def _missing_console_script() -> str | None:
    if console_script() is None:
        return f"the installed careergraph console script (none beside {sys.executable} or on PATH)"
    return None


#: marker -> a check returning what is missing, or None
NEEDS: dict[str, Callable[[], str | None]] = {
    "virtuoso": _missing_virtuoso,
    "browser": _missing_browser,
    "realdata": _missing_realdata,
    "installed": _missing_console_script,
}


def require(marker: str) -> None:
    """Skip the running test when what ``marker`` needs is missing (fail under the CI switch)."""
    missing = NEEDS[marker]()
    if missing is None:
        return
    if services_required():
        pytest.fail(f"{REQUIRE_SERVICES}=1 but this test needs {missing}", pytrace=False)
    pytest.skip(f"needs {missing}")


def _builtin_graph() -> Path:
    """Build the built-in graph unless built; one process at a time (xdist workers, doctests)."""
    from graph.build.builtin import builtin_graph_dir

    with open(_CACHE / ".build-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other workers wait for the first build
        try:
            return builtin_graph_dir()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _after_the_build(item: pytest.Item) -> None:
    # the package's doctests open the built-in graph themselves: not while a worker builds it
    runtest = item.runtest

    def run() -> None:
        _builtin_graph()
        runtest()

    item.runtest = run  # type: ignore[method-assign]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if isinstance(item, pytest.DoctestItem):
            _after_the_build(item)

    # Under xdist (pyproject.toml: --dist loadfile --no-loadscope-reorder) each test file is
    # one unit of work, handed out in the order its first test comes here, one at a time to
    # whichever worker is nearly idle: the file holding the import of the whole O*NET release
    # (the longest test, run first) to one worker, the Virtuoso tests (the real-data one
    # first; they take turns on one server) to the other, then the browser tests, the rest.
    def rank(item: pytest.Item) -> int:
        if item.get_closest_marker("realdata") is not None:
            return 0
        if item.get_closest_marker("virtuoso") is not None:
            return 1
        return 2 if item.get_closest_marker("browser") is not None else 3

    items.sort(key=rank)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    # the Virtuoso tests share the server's graphs: under xdist they take turns (set-up, test
    # and tear-down of one at a time), whichever worker runs them
    if item.get_closest_marker("virtuoso") is None:
        return (yield)
    with open(_CACHE / ".virtuoso.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return (yield)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in NEEDS:
        if item.get_closest_marker(marker) is not None:
            require(marker)


# ---------------------------------------------------------------------------
# The built-in graph, built once per run
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def builtin_dir() -> Path:
    """The built-in graph folder (built on first use, once for all xdist workers)."""
    return _builtin_graph()


@pytest.fixture(scope="session")
def store(builtin_dir: Path):
    """The built-in graph's embedded store."""
    from graph.store.local import LocalStore

    return LocalStore(builtin_dir)


@pytest.fixture(scope="session")
def projection(store):
    """The route-search projection of the built-in graph."""
    from graph.projection.cache import load_projection

    return load_projection(store)


def made_once(name: str, make: Callable[[Path], None]) -> Path:
    """A folder ``make`` fills once per test run, shared by the xdist workers (read it only)."""
    out = _CACHE / name
    with open(_CACHE / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            done = _CACHE / f".{name}.done"
            if not done.is_file():
                shutil.rmtree(out, ignore_errors=True)
                make(out)
                done.write_text("")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return out


@pytest.fixture(scope="session")
def hostile_dir() -> Path:
    """The shipped guides plus one whose title, skills and employer hold markup (read only)."""

    def build(out: Path) -> None:
        from graph.build.pipeline import build_graph

        build_graph(out, [FIXTURES / "viz" / "hostile-guide.txt"])

    return made_once("hostile-graph", build)


def import_onet(src: Path, out: Path) -> dict:
    """Import the O*NET files in ``src`` (with the OEWS wages) by the CLI; the JSON report."""
    from click.testing import CliRunner

    from graph.cli import cli

    wages = sorted((SHARED_DATA / "oews").glob("oews_national*.csv"))
    result = CliRunner().invoke(
        cli,
        ["import", "onet", str(src), "--out", str(out), "--format", "json",
         *(["--wages", str(wages[0])] if wages else [])],
    )  # fmt: skip
    assert result.exit_code == 0, f"the O*NET import failed: {result.output}"
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def onet_real() -> tuple[Path, dict]:
    """The real O*NET 29.3 with OEWS wages, imported once by the CLI: (folder, JSON report)."""
    require("realdata")

    def run(out: Path) -> None:
        report = import_onet(SHARED_DATA / "onet" / "tsv_from_xlsx", out)
        (out.parent / "onet-real.json").write_text(json.dumps(report))

    out = made_once("onet-real", run)
    return out, json.loads((out.parent / "onet-real.json").read_text())


@pytest.fixture
def built_copy(builtin_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the built-in graph folder, for tests that change or rebuild it.

    Copying takes milliseconds; building (with the SHACL check) takes seconds.
    """
    out = tmp_path / "g"
    shutil.copytree(builtin_dir, out)
    return out


@pytest.fixture
def runner():
    """A click CliRunner that keeps stderr apart from stdout."""
    from click.testing import CliRunner

    try:
        return CliRunner(mix_stderr=False)
    except TypeError:  # click >= 8.2 always keeps them apart
        return CliRunner()


def _worker_cache(config: pytest.Config) -> Path | None:
    """The cache the xdist workers of this run share (in the controller), if any."""
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", None):
        return None
    if config.getoption("testrunuid", None) is None:
        config.option.testrunuid = uuid.uuid4().hex  # xdist hands it to the workers
    return Path(tempfile.gettempdir()) / f"careergraph-test-cache-{config.option.testrunuid}"


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    shared = _worker_cache(session.config)
    if shared is not None:
        shared.mkdir(exist_ok=True)


def pytest_sessionfinish(session: pytest.Session) -> None:
    # the controller (or a run without xdist) removes the caches at the end
    if not hasattr(session.config, "workerinput"):
        if not _RUN:  # (a pytest started by a test under xdist inherits the run's id)
            shutil.rmtree(_CACHE, ignore_errors=True)
        shared = _worker_cache(session.config)
        if shared is not None:
            shutil.rmtree(shared, ignore_errors=True)


# ---------------------------------------------------------------------------
# A small SPARQL server (tests/support/fake_sparql.py) for the endpoint tests
# ---------------------------------------------------------------------------


@pytest.fixture
def clean_endpoint_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No endpoint credentials or graph names from the environment."""
    for name in (
        "CAREERGRAPH_ENDPOINT_USER",
        "CAREERGRAPH_ENDPOINT_PASSWORD",
        "CAREERGRAPH_NAMED_GRAPH",
        "CAREERGRAPH_GRAPH_STORE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake() -> Iterator[Any]:
    """A fresh SPARQL server for one test."""
    from support.fake_sparql import FakeSparql

    server = FakeSparql()
    yield server
    server.close()


@pytest.fixture
def pushed(fake: Any, builtin_dir: Path) -> Any:
    """The fake server holding the built-in graph in the default named graph."""
    from graph.store.push import push

    push(builtin_dir, fake.url + "/sparql", fake.url + "/update", graph_store=fake.url + "/gsp")
    return fake


@pytest.fixture(scope="module")
def served(builtin_dir: Path) -> Iterator[Any]:
    """Like ``pushed``, shared by the tests that only read."""
    from support.fake_sparql import FakeSparql

    from graph.store.push import push

    server = FakeSparql()
    push(
        builtin_dir, server.url + "/sparql", server.url + "/update", graph_store=server.url + "/gsp"
    )
    yield server
    server.close()
