"""Serving the app on 127.0.0.1: a socket bound first, uvicorn, a background server for tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from graph.errors import (
    UsageError,
)
from graph.store.base import Store
from graph.web.app import DEFAULT_MAX_ROWS, create_app

__all__ = ["serve", "BackgroundServer"]


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto named explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose proto
    # is IPPROTO_TCP, and without it every reply on a kept-alive connection waits ~40 ms
    # for the client's delayed ACK
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(
            f"Cannot listen on {host}:{port}: {exc.strerror or exc}. Pick another --port."
        ) from exc
    sock.listen(128)
    return sock


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(
    store: Store,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    timeout: float = 30.0,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    workers: int = 2,
    announce: Callable[[str], None] | None = None,
    base_url: str | None = None,
) -> None:
    """Serve ``store`` on ``host:port`` until interrupted (see :func:`create_app`).

    Raises
    ------
    UsageError
        If the address cannot be bound (e.g. the port is taken).
    """
    import uvicorn

    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise UsageError(f"--base-url {base_url!r} is not an http:// or https:// address.")
    sock = _bind(host, port)
    app = create_app(
        store,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        base_url=base_url or _url(sock),
    )
    # Ctrl-C should not wait for a long query to reach its time limit
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=3)
    server = uvicorn.Server(config)
    if announce is not None:
        announce(_url(sock))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


class BackgroundServer:
    """The app served by uvicorn in a background thread (tests, benchmarks).

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> import httpx
    >>> with BackgroundServer(create_app(open_store(), workers=1)) as url:
    ...     httpx.get(url + "health").json()["status"]
    'ok'
    """

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        import uvicorn

        self.sock = _bind(host, port)
        self.url = _url(self.sock)
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, timeout_graceful_shutdown=3
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def start(self, wait: float = 60.0) -> str:
        """Start serving; return the base URL once requests are accepted."""
        self.thread.start()
        deadline = time.monotonic() + wait
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"The test server at {self.url} did not start.")
            time.sleep(0.02)
        return self.url

    def stop(self) -> None:
        """Stop serving and wait for the thread (workers are stopped by the app)."""
        self.server.should_exit = True
        self.thread.join(30)
        self.sock.close()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
