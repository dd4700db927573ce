"""Load a built graph into a SPARQL 1.1 server: ``careergraph push``.

The triples go up in batches, through the server's SPARQL 1.1 Update
endpoint (``INSERT DATA``) or, when given, its Graph Store Protocol endpoint
(``POST ?graph=...``, faster on large graphs). Every batch is retried with
backoff on transient failures.

The batches always land in a fresh temporary named graph first. Only when
the server holds exactly as many triples there as the graph folder does, one
SPARQL Update ``MOVE`` puts them in place of the target graph, so readers see
the old graph or the new one, never half of one. A failed push drops the
temporary graph and leaves the target as it was.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import CareerGraphError, EndpointError, QueryError, UsageError
from graph.store.endpoint import EndpointClient, check_endpoint_url, server_message
from graph.store.local import LocalStore
from graph.store.remote import DEFAULT_NAMED_GRAPH, RemoteStore

__all__ = ["PushReport", "push", "batches", "virtuoso_graph_store", "DEFAULT_BATCH"]

#: triples per request; a few MB of N-Triples, well inside every server's request limit
DEFAULT_BATCH = {"graph-store": 50_000, "update": 1_000}
# statuses of a batch the server finds too large (Virtuoso: 400 "memory exhausted"); it is halved
TOO_LARGE = (400, 413)

UPDATE_HINT = (
    "Give the server's SPARQL Update endpoint with --update-endpoint (Virtuoso: "
    "http://HOST:8890/sparql-auth, Fuseki: http://HOST:3030/DATASET/update, GraphDB: "
    "http://HOST:7200/repositories/REPOSITORY/statements)."
)


@dataclass
class PushReport:
    """What ``push`` did; ``to_dict()`` is the JSON of ``careergraph push --format json``."""

    endpoint: str
    update_endpoint: str
    named_graph: str
    build_id: str
    triples: int
    remote_triples: int
    protocol: str
    replaced: bool
    requests: int
    retries: int
    seconds: float
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ntriples(triples: list[Any]) -> bytes:
    import pyoxigraph as ox

    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def batches(store: Any, size: int) -> Iterator[tuple[int, bytes]]:
    """Yield ``(triple count, N-Triples bytes)`` batches of the default graph of ``store``.

    Triples joined by a blank node stay in one batch: a server gives each
    request its own blank nodes, so a structure split over two requests would
    fall apart.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> s = ox.Store()
    >>> s.load(b"<http://a> <http://p> 1, 2, 3 . <http://a> <http://q> [ <http://r> 4 ] .",
    ...        format=ox.RdfFormat.TURTLE)
    >>> [n for n, _ in batches(s, 2)]  # the two triples of the blank node travel together
    [2, 1, 2]
    """
    import pyoxigraph as ox

    plain: list[Any] = []
    linked: dict[str, list[Any]] = {}
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        triple = ox.Triple(quad.subject, quad.predicate, quad.object)
        nodes = [t.value for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)]
        if not nodes:
            plain.append(triple)
            if len(plain) >= size:
                yield len(plain), _ntriples(plain)
                plain = []
            continue
        if len(nodes) == 2:
            a, b = root(nodes[0]), root(nodes[1])
            if a != b:
                parent[a] = b
        linked.setdefault(nodes[0], []).append(triple)
    groups: dict[str, list[Any]] = {}
    for node, triples in linked.items():
        groups.setdefault(root(node), []).extend(triples)
    for triples in groups.values():
        if len(plain) + len(triples) > size and plain:
            yield len(plain), _ntriples(plain)
            plain = []
        plain.extend(triples)
    if plain:
        yield len(plain), _ntriples(plain)


def push(  # noqa: C901
    graph_dir: str | Path,
    endpoint: str,
    update_endpoint: str | None = None,
    named_graph: str = DEFAULT_NAMED_GRAPH,
    replace: bool = False,
    progress: Callable[[int, int], None] | None = None,
    *,
    graph_store: str | None = None,
    batch_size: int | None = None,
    retries: int = 4,
    timeout: float = 300.0,
    workers: int = 2,
    client: EndpointClient | None = None,
) -> PushReport:
    """Load the graph folder ``graph_dir`` into ``named_graph`` on a SPARQL server.

    Parameters
    ----------
    graph_dir : path
        A built graph folder (the CLI picks it with
        :func:`graph.build.builtin.resolve_graph_dir`).
    endpoint : str
        The server's query endpoint (used for the count check).
    update_endpoint : str, optional
        Its SPARQL 1.1 Update endpoint; defaults to ``endpoint`` (Fuseki and
        GraphDB accept updates there; Virtuoso wants ``/sparql-auth``).
    named_graph : str
        The graph to fill; readers query it (see :class:`graph.store.remote.RemoteStore`).
    replace : bool
        Swap out a graph already there; without it a non-empty target is an error.
    progress : callable, optional
        Called as ``progress(triples_sent, triples_total)`` after each batch.
    graph_store : str, optional
        A Graph Store Protocol endpoint to send the triples to instead of
        ``INSERT DATA``; if the server does not speak it, SPARQL Update is
        used and a warning says so. By default Virtuoso's (``/sparql-auth``
        -> ``/sparql-graph-crud-auth``, much faster, and the only way it
        takes ``xsd:duration`` literals); ``""`` always uses SPARQL Update.
    batch_size : int, optional
        Triples per request (default: :data:`DEFAULT_BATCH`).
    retries, timeout : int, float
        Attempts after a transient failure, and seconds one request may take.
    workers : int
        Batches sent at the same time.

    Returns
    -------
    PushReport

    Raises
    ------
    UsageError
        The target graph is not empty and ``replace`` is false.
    EndpointError
        Unreachable server, refused credentials, no update rights, or the
        count on the server does not match (the target is then left as it was).

    Examples
    --------
    >>> report = push("output", "http://127.0.0.1:8890/sparql",
    ...               "http://127.0.0.1:8890/sparql-auth")  # doctest: +SKIP
    >>> report.triples == report.remote_triples  # doctest: +SKIP
    True
    """
    started = time.monotonic()
    check_endpoint_url(endpoint)
    update_url = check_endpoint_url(update_endpoint or endpoint)
    if graph_store is None:
        graph_store = virtuoso_graph_store(update_url)
    if graph_store:
        check_endpoint_url(graph_store)
    check_endpoint_url(named_graph)
    local = LocalStore(Path(graph_dir))
    build_id = local.fingerprint
    total = sum(1 for _ in local.raw.quads_for_pattern(None, None, None, _default_graph()))

    client = client or EndpointClient(timeout=timeout, retries=retries)
    reader = RemoteStore(endpoint, named_graph="", client=client, remember=False)
    requests = 0
    warnings: list[str] = []

    lock = threading.Lock()

    def update(text: str, ok: tuple[int, ...] = ()) -> Any:
        nonlocal requests
        with lock:
            requests += 1
        # the URL-encoded form: the one way of sending an update every server takes
        return client.request("POST", update_url, data={"update": text}, write=True, ok=ok)

    def send(body: bytes) -> None:
        """Send one batch; halve it while the server finds it too large."""
        nonlocal requests
        if protocol == "graph-store":
            assert graph_store is not None
            with lock:
                requests += 1
            response = client.request(
                "POST",
                graph_store,
                params={"graph": loading},
                content=body,
                headers={"Content-Type": "text/turtle; charset=utf-8"},
                write=True,
                ok=TOO_LARGE,
            )
        else:
            response = update(_insert(loading, body), ok=TOO_LARGE)
        if response.status_code < 300:
            return
        lines = body.splitlines(keepends=True)
        # triples joined by blank nodes must travel together, so such a batch is not split
        if len(lines) < 2 or b"_:" in body:
            raise EndpointError(
                f"{response.request.url.copy_with(query=None)} refused a batch of {len(lines)} "
                f"triples (HTTP {response.status_code}): {server_message(response)}"
            )
        half = len(lines) // 2
        send(b"".join(lines[:half]))
        send(b"".join(lines[half:]))

    def send_counted(n: int, body: bytes) -> int:
        send(body)
        return n

    def count(graph: str) -> int:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        # right after a large load a server may still be committing it and time the count out
        # (Virtuoso: SR171, e.g. while it checkpoints); give it up to three minutes more
        deadline = time.monotonic() + 180
        while True:
            try:
                rows = reader.select(query)
                return int(rows[0]["n"]) if rows else 0
            except QueryError as exc:
                if "SR171" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(5)

    existing = count(named_graph)
    if existing and not replace:
        raise UsageError(
            f"The named graph <{named_graph}> on {endpoint} already holds {existing} triples; "
            "add --replace to swap it for this graph."
        )
    loading = f"{named_graph}/loading-{uuid.uuid4().hex[:12]}"
    try:
        # a harmless update first: no rights means a clear error before any upload
        update(f"DROP SILENT GRAPH <{loading}>")
    except EndpointError as exc:
        if getattr(exc, "status", None) == 401:
            raise
        raise EndpointError(f"{exc} {UPDATE_HINT}") from exc

    protocol = "update"
    sent = 0
    try:
        if graph_store:
            # an empty Turtle document: tells whether the server speaks the Graph Store Protocol
            requests += 1
            response = client.request(
                "POST",
                graph_store,
                params={"graph": loading},
                content=b"",
                headers={"Content-Type": "text/turtle; charset=utf-8"},
                write=True,
                ok=(400, 404, 405, 415, 501),
            )
            if response.status_code < 300:
                protocol = "graph-store"
            else:
                warnings.append(
                    f"{graph_store} does not speak the Graph Store Protocol "
                    f"(HTTP {response.status_code}); loaded through SPARQL Update instead."
                )
        size = batch_size or DEFAULT_BATCH[protocol]
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            running: set[Future[int]] = set()
            try:
                for n, body in batches(local.raw, size):
                    running.add(pool.submit(send_counted, n, body))
                    # a bounded number of batches in flight: memory stays flat on large graphs
                    while len(running) >= max(1, workers):
                        done, running = wait(running, return_when=FIRST_COMPLETED)
                        for future in done:
                            sent += future.result()
                            if progress:
                                progress(sent, total)
                for future in as_completed(running):
                    sent += future.result()
                    if progress:
                        progress(sent, total)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        loaded = count(loading)
        if loaded != total:
            raise EndpointError(
                f"Count check failed: sent {total} triples but {endpoint} holds {loaded} in "
                f"<{loading}>; <{named_graph}> was left as it was."
            )
        # one operation: the target is dropped and refilled inside the server's own request
        update(f"MOVE GRAPH <{loading}> TO GRAPH <{named_graph}>")
    except BaseException:
        try:
            update(f"DROP SILENT GRAPH <{loading}>")
        except CareerGraphError:
            pass  # the original failure is what the user needs to see
        raise
    finally:
        local.close()
    remote_triples = count(named_graph)
    if remote_triples != total:
        raise EndpointError(
            f"Count check failed after the swap: {endpoint} holds {remote_triples} triples in "
            f"<{named_graph}>, the graph folder {total}."
        )
    return PushReport(
        endpoint=endpoint,
        update_endpoint=update_url,
        named_graph=named_graph,
        build_id=build_id,
        triples=total,
        remote_triples=remote_triples,
        protocol=protocol,
        replaced=bool(existing),
        requests=requests + reader.requests,
        retries=client.retried,
        seconds=round(time.monotonic() - started, 2),
        warnings=warnings,
    )


def virtuoso_graph_store(update_endpoint: str) -> str:
    """Return Virtuoso's Graph Store endpoint beside its SPARQL Update one, else ``""``.

    Examples
    --------
    >>> virtuoso_graph_store("http://127.0.0.1:8890/sparql-auth")
    'http://127.0.0.1:8890/sparql-graph-crud-auth'
    >>> virtuoso_graph_store("http://localhost:3030/careers/update")
    ''
    """
    head, sep, tail = update_endpoint.partition("?")[0].rpartition("/sparql-auth")
    return head + "/sparql-graph-crud-auth" if sep and not tail else ""


def _default_graph() -> Any:
    import pyoxigraph as ox

    return ox.DefaultGraph()


def _insert(graph: str, body: bytes) -> str:
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{body.decode('utf-8')}}} }}"
