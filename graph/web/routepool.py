"""Worker processes that answer the route planner's questions from one shared projection file.

Route search is pure Python, so threads of one server process share one core.
A :class:`RoutePool` runs :func:`graph.web.planner.answer` in processes instead;
each reads the projection from the cache file the server process wrote
(:func:`graph.projection.cache.load_projection`), checks its build id, and only reads
it afterwards. Answers and errors come back as plain data (status, body), so
nothing depends on pickling exception classes.

The workers are started with ``spawn`` (the server process has threads, which
``fork`` would copy in whatever state they are in), so, as with any spawned
pool, a script that builds the app itself must guard its entry point with
``if __name__ == "__main__":``; ``careergraph serve`` does.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from graph.errors import DataError

__all__ = ["RoutePool"]

_P: Any = None


def _init(path: str, fingerprint: str) -> None:
    global _P
    from graph.projection.cache import loads_projection

    # the cache file holds data only (see dumps_projection): never unpickled
    P = loads_projection(Path(path).read_bytes())
    if P.graph.get("fingerprint") != fingerprint:
        raise DataError(f"The projection in {path} is of another build.")
    from graph.web.planner import prepare

    _P = prepare(P)  # the routing graph is built once per worker, before the first question


def _answer(name: str, kwargs: dict[str, Any]) -> tuple[int, Any]:
    from graph.web.planner import answer

    return answer(_P, name, kwargs)


class RoutePool:
    """``processes`` workers answering questions on the projection cached at ``path``.

    Examples
    --------
    >>> from graph.projection.cache import load_projection
    >>> from graph.build.builtin import open_store
    >>> store = open_store()
    >>> P = load_projection(store)
    >>> pool = RoutePool(store.projection_cache(), store.fingerprint, processes=1)
    >>> status, body = pool.submit("similar", {"role": "TPM", "top": 1}).result()
    >>> status, body["role"]["label"]
    (200, 'Technical Program Manager (Infrastructure & Delivery)')
    >>> pool.close()
    """

    def __init__(self, path: Path, fingerprint: str, processes: int = 2) -> None:
        self.path = Path(path)
        self.fingerprint = fingerprint
        self.processes = processes
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init,
            initargs=(str(self.path), self.fingerprint),
        )

    def submit(self, name: str, kwargs: dict[str, Any]) -> Future[tuple[int, Any]]:
        """Ask one question (see :func:`graph.web.planner.answer`); the future gives its answer."""
        return self._executor.submit(_answer, name, kwargs)

    def restart(self) -> None:
        """Replace the workers (after one died)."""
        old, self._executor = self._executor, self._start()
        old.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers."""
        self._executor.shutdown(wait=True, cancel_futures=True)
