"""CAREERGRAPH_REQUIRE_SERVICES=1: a missing service fails the run instead of skipping it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import REPO


def _pytest(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run pytest on this suite in a child process, without Virtuoso and without xdist."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CAREERGRAPH_TEST_VIRTUOSO", "PYTEST_XDIST", "CAREERGRAPH_REQUIRE"))
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0",
         "-p", "no:randomly", "-q", "-rfEs", *args],
        capture_output=True, text=True, cwd=REPO, env={**clean, **env}, timeout=600,
    )  # fmt: skip


def test_without_virtuoso_the_virtuoso_tests_skip_with_a_reason() -> None:
    done = _pytest("-m", "virtuoso", "tests/test_store_virtuoso.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" not in done.stdout and " failed" not in done.stdout
    assert "skipped" in done.stdout
    assert "needs a Virtuoso server (CAREERGRAPH_TEST_VIRTUOSO," in done.stdout


@pytest.mark.parametrize("value", ["1", "yes"])
def test_required_services_turn_the_skips_into_failures(value: str) -> None:
    done = _pytest(
        "-m", "virtuoso", "tests/test_store_virtuoso.py", CAREERGRAPH_REQUIRE_SERVICES=value
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "skipped" not in done.stdout and " passed" not in done.stdout
    assert " errors in " in done.stdout  # every one fails in its set-up
    assert (
        "CAREERGRAPH_REQUIRE_SERVICES=1 but this test needs a Virtuoso server "
        "(CAREERGRAPH_TEST_VIRTUOSO, CAREERGRAPH_TEST_VIRTUOSO_UPDATE, "
        "CAREERGRAPH_TEST_VIRTUOSO_GSP, CAREERGRAPH_TEST_VIRTUOSO_USER, "
        "CAREERGRAPH_TEST_VIRTUOSO_PASSWORD not set; "
        'run eval "$(scripts/ci_services.sh start)")'
    ) in done.stdout


def test_required_services_name_a_missing_data_folder_and_browser(tmp_path) -> None:
    """A test file marked realdata and browser, run from a copy with no ../shared/data."""
    test = tmp_path / "tests" / "test_needs.py"
    test.parent.mkdir()
    (tmp_path / "tests" / "conftest.py").write_text((REPO / "tests" / "conftest.py").read_text())
    test.write_text(
        "import pytest\n\n"
        "@pytest.mark.realdata\ndef test_data():\n    pass\n\n"
        "@pytest.mark.browser\ndef test_page():\n    pass\n"
    )
    env = {"PYTHONPATH": str(REPO)}
    args = ("-c", os.devnull, "--rootdir", str(tmp_path), str(test))
    skipped = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "-q", "-rs",
         *args], capture_output=True, text=True, cwd=tmp_path, env=_env(env), timeout=600,
    )  # fmt: skip
    assert skipped.returncode == 0, skipped.stdout
    data = f"the real data folder ../shared/data ({tmp_path.parent / 'shared' / 'data'}"
    assert f"needs {data} does not exist)" in skipped.stdout
    failed = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "-q", *args],
        capture_output=True, text=True, cwd=tmp_path,
        env=_env({**env, "CAREERGRAPH_REQUIRE_SERVICES": "1"}), timeout=600,
    )  # fmt: skip
    assert failed.returncode == 1, failed.stdout
    assert f"CAREERGRAPH_REQUIRE_SERVICES=1 but this test needs {data}" in failed.stdout
    if _chromium_missing():
        assert "CAREERGRAPH_REQUIRE_SERVICES=1 but this test needs Chromium" in failed.stdout
    else:
        assert "1 passed" in failed.stdout and "1 error" in failed.stdout


def _env(extra: dict[str, str]) -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_XDIST", "CAREERGRAPH_REQUIRE"))
    }
    return {**clean, **extra}


def _chromium_missing() -> bool:
    from conftest import NEEDS

    return NEEDS["browser"]() is not None
