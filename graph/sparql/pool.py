"""Worker processes that run SPARQL queries for the server; a query past its time is killed.

pyoxigraph cannot cancel a running query, so each worker is a process of its
own holding the store open read-only; a query that runs past the timeout has
its worker killed and replaced, and the caller gets
:class:`~graph.errors.QueryTimeoutError`. POSIX only: elsewhere
:mod:`graph.web.app` falls back to threads.
"""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import QueryError, QuerySyntaxError, QueryTimeoutError, UsageError
from graph.namespaces import PREFIXES
from graph.sparql.check import ENGINE_STACK_BYTES, _syntax_message
from graph.sparql.run import QueryResult, serialize_capped
from graph.syntax import screen_query

__all__ = ["QueryPool", "no_network"]


#: (seccomp audit architecture, number of the socket() system call) per machine
_SOCKET_SYSCALL = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}


def no_network() -> bool:
    """Forbid this process (and threads it starts later) to open internet sockets.

    A seccomp filter makes ``socket(AF_INET | AF_INET6, ...)`` fail with
    EACCES; Unix sockets (the link to the parent) and files still work. The
    query workers call it first thing, so whatever query reaches the engine,
    it cannot connect anywhere: the second guard behind
    :func:`graph.sparql.query.screen_query`'s refusal of ``SERVICE``. Linux on
    x86_64 or aarch64 only; elsewhere it does nothing and returns False.

    Returns
    -------
    bool
        Whether the filter is in place.
    """
    import ctypes
    import platform

    found = _SOCKET_SYSCALL.get(platform.machine())
    if not sys.platform.startswith("linux") or found is None:
        return False
    arch, socket_nr = found
    ld, jeq, ret = 0x20, 0x15, 0x06  # BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, BPF_RET|BPF_K
    allow, deny = 0x7FFF0000, 0x00050000 | 13  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EACCES
    program = [
        (ld, 0, 0, 4),  # the architecture
        (jeq, 0, 5, arch),
        (ld, 0, 0, 0),  # the system call
        (jeq, 0, 3, socket_nr),
        (ld, 0, 0, 16),  # its first argument: the address family
        (jeq, 2, 0, socket.AF_INET),
        (jeq, 1, 0, socket.AF_INET6),
        (ret, 0, 0, allow),
        (ret, 0, 0, deny),
    ]

    class Instruction(ctypes.Structure):
        _fields_ = [
            ("code", ctypes.c_uint16),
            ("jt", ctypes.c_uint8),
            ("jf", ctypes.c_uint8),
            ("k", ctypes.c_uint32),
        ]

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Instruction))]

    code = (Instruction * len(program))(*[Instruction(*step) for step in program])
    libc = ctypes.CDLL(None, use_errno=True)
    # PR_SET_NO_NEW_PRIVS, then PR_SET_SECCOMP with SECCOMP_MODE_FILTER
    if libc.prctl(38, 1, 0, 0, 0) != 0:
        return False
    return bool(libc.prctl(22, 2, ctypes.byref(Program(len(program), code)), 0, 0) == 0)


def _worker_main(fd: int, store_path: str) -> None:
    """Serve queries on one read-only store until the parent goes away.

    Started by :class:`QueryPool` as ``python -c`` with one end of a socket
    pair, so nothing of the parent's main module is imported again. The
    process cannot open internet sockets (:func:`no_network`); queries run in
    a thread with a large stack (the engine's parser recurses).
    """
    no_network()
    threading.stack_size(ENGINE_STACK_BYTES)
    thread = threading.Thread(target=_serve, args=(fd, store_path), name="careergraph-worker")
    thread.start()
    thread.join()


def _serve(fd: int, store_path: str) -> None:
    from multiprocessing.connection import Connection

    import pyoxigraph as ox

    from graph.namespaces import sparql_prologue
    from graph.sparql.counts import plan_raw
    from graph.syntax import query_kind

    conn = Connection(fd)
    store = ox.Store.read_only(store_path)
    counts: dict[str, Any] = {}  # the planner's triple counts, for this worker's life
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        query, fmt, max_rows = message
        try:
            screen_query(query)  # the parent screened it too; this engine never sees SERVICE
            if query_kind(query) == "select":
                # the same regrouping as `careergraph sparql` (see graph.sparql.plan)
                plan = plan_raw(store, sparql_prologue(query) + query, counts)
                if plan.rewritten:
                    query = plan.query
            result = store.query(query, prefixes=PREFIXES)
            reply: tuple[str, Any] = ("ok", serialize_capped(result, fmt, max_rows))
        except SyntaxError as exc:
            reply = ("syntax", _syntax_message(query, str(exc)))
        except UsageError as exc:
            reply = ("usage", str(exc))
        except Exception as exc:  # reported to the client, the worker lives on
            reply = ("error", f"The query failed: {exc}")
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return


_WORKER_CODE = (
    "import sys; from graph.sparql.pool import _worker_main; "
    "_worker_main(int(sys.argv[1]), sys.argv[2])"
)


@dataclass
class _Worker:
    process: Any
    conn: Any
    _closing: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _conn_closed: bool = field(default=False, repr=False)

    def kill(self) -> None:
        self.process.kill()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            pass
        self.close_conn()

    def close_conn(self) -> None:
        """Close the connection once, whichever thread gets here first.

        ``QueryPool.close`` and the thread whose query it ended both close it;
        two unguarded closes can both pass the connection's own check and close
        the descriptor twice (``EBADF``, or worse, a descriptor reused meanwhile).
        """
        with self._closing:
            if self._conn_closed:
                return
            self._conn_closed = True
        self.conn.close()


@dataclass
class QueryPool:
    """Worker processes that each hold the store open read-only and run one query at a time.

    A query that runs past ``timeout`` has its worker killed and replaced, so
    a runaway query cannot keep a core busy. Waiting for a free worker counts
    towards the same time limit. Needs a POSIX system (socket pairs passed to
    child processes).

    Parameters
    ----------
    store_path : Path
        The pyoxigraph store folder (``graph_dir / manifest.store``).
    workers : int
        How many queries may run at once.
    timeout : float
        Seconds a query may take, waiting included.
    max_rows : int, optional
        Keep at most this many result rows (or triples).
    """

    store_path: Path
    workers: int = 2
    timeout: float = 30.0
    max_rows: int | None = 10_000
    _idle: queue.Queue[_Worker] = field(default_factory=queue.Queue, init=False, repr=False)
    _all: list[_Worker] = field(default_factory=list, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _closed: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        for _ in range(max(1, self.workers)):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        from multiprocessing.connection import Connection

        import graph

        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        # the child finds this very package, installed or not
        root = str(Path(graph.__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _WORKER_CODE, str(theirs.fileno()), str(self.store_path)],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                env=env,
            )
        finally:
            theirs.close()
        worker = _Worker(process, Connection(ours.detach()))
        with self._lock:
            closed = self._closed
            if not closed:
                self._all.append(worker)
        if closed:  # close() ran meanwhile: this worker would be left behind
            worker.kill()
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def run(self, query: str, result_format: str, timeout: float | None = None) -> QueryResult:
        """Run a checked query in a worker; see :func:`serialize_capped` for the result.

        Raises
        ------
        QueryTimeoutError
            No worker became free, or the query ran past the time limit.
        QuerySyntaxError, QueryError
        """
        limit = timeout or self.timeout
        deadline = time.monotonic() + limit
        try:
            worker: _Worker | None = self._idle.get(timeout=limit)
        except queue.Empty:
            raise QueryTimeoutError(
                f"Query stopped after {limit:g} s: all {self.workers} query workers stayed busy."
                " Try again later."
            ) from None
        assert worker is not None
        try:
            worker.conn.send((query, result_format, self.max_rows))
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._retire(worker)
                worker = None
                raise QueryTimeoutError(
                    f"Query stopped after {limit:g} s (the time limit). "
                    "Narrow it with more specific patterns or LIMIT."
                )
            status, payload = worker.conn.recv()
        except (EOFError, OSError) as exc:
            if worker is not None:
                self._retire(worker)
            worker = None
            if self._closed:
                raise QueryError("The server is shutting down.") from exc
            raise QueryError(f"The query worker stopped unexpectedly ({exc}); try again.") from exc
        finally:
            # a killed worker is replaced, unless the pool is closing
            if not self._closed:
                self._idle.put(worker if worker is not None else self._start())
        if status == "syntax":
            raise QuerySyntaxError(payload)
        if status == "usage":
            raise UsageError(payload)
        if status == "error":
            raise QueryError(payload)
        return payload  # type: ignore[no-any-return]

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers, self._all = list(self._all), []
        for worker in workers:
            try:
                worker.conn.send(None)
                worker.process.wait(2)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                worker.process.kill()
                worker.process.wait(5)
            worker.close_conn()
