"""Shared fixtures. The built-in graph is built once per session into a temporary cache."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Before any careergraph import: keep the user's cache and graph settings out of the tests,
# for this process and every CLI subprocess it starts.
os.environ["CAREERGRAPH_CACHE"] = tempfile.mkdtemp(prefix="careergraph-test-cache-")
for _name in ("CAREERGRAPH_GRAPH", "CAREERGRAPH_ENDPOINT", "CAREERGRAPH_UPDATE_ENDPOINT"):
    os.environ.pop(_name, None)

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
SHARED_DATA = REPO.parent / "shared" / "data"
SEED = REPO / "graph" / "data" / "guides" / "technical-program-manager-infrastructure-delivery.txt"
SEED_ROLE = "https://w3id.org/careergraph/id/role/technical-program-manager-infrastructure-delivery"


@pytest.fixture(scope="session")
def builtin_dir() -> Path:
    """The built-in graph folder (built on first use)."""
    from graph.store import builtin_graph_dir

    return builtin_graph_dir()


@pytest.fixture(scope="session")
def store(builtin_dir: Path):
    """The built-in graph's embedded store."""
    from graph.store import LocalStore

    return LocalStore(builtin_dir)


@pytest.fixture(scope="session")
def projection(store):
    """The route-search projection of the built-in graph."""
    from graph.network import load_projection

    return load_projection(store)


@pytest.fixture
def runner():
    """A click CliRunner that keeps stderr apart from stdout."""
    from click.testing import CliRunner

    try:
        return CliRunner(mix_stderr=False)
    except TypeError:  # click >= 8.2 always keeps them apart
        return CliRunner()
