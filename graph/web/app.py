"""The graph over HTTP: a read-only SPARQL 1.1 endpoint, role cards and the graph page.

Routes (see :func:`create_app`):

``/sparql``
    The SPARQL 1.1 Protocol: ``GET ?query=``, ``POST`` as a form or as
    ``application/sparql-query``. Results are negotiated with ``Accept``
    (``application/sparql-results+json`` or ``+xml``, ``text/csv``,
    ``text/tab-separated-values``; ``text/turtle``, ``application/n-triples``,
    ``application/rdf+xml`` or ``application/ld+json`` for CONSTRUCT and
    DESCRIBE) or chosen with ``format=json|xml|csv|tsv|turtle|ntriples|rdfxml|jsonld|html``.
    Without a query, a browser gets a query page with the named queries as
    examples.
``/``
    The interactive graph page with the route planner (``?focus=ROLE``,
    ``?from=A&to=B&k=3&have=SKILL``).
``/api/``, ``/openapi.json``, ``/docs``
    The route planner's JSON API (:mod:`graph.web.api`), answered by
    ``workers`` processes reading one projection file.
``/roles``, ``/roles/{id}``
    The roles (JSON or HTML) and a role's card (JSON-LD with the schema.org
    context, or HTML).

Limits: the endpoint is read-only (updates get 403), a query may run
``timeout`` seconds, its syntax check included (then 503; the worker process
running it is killed), and a result keeps at most ``max_rows`` rows or triples;
a cut result carries ``X-Results-Truncated: true`` and ``X-SPARQL-MaxRows:
<cap>`` (the header Virtuoso sends, which careergraph's own remote client
understands). Queries using ``SERVICE``, nested too deep or too long for the
engine's parser (:func:`graph.sparql.query.screen_query`) get 400 before any parser
sees them; a request body over ``MAX_QUERY_BYTES`` gets 413 as soon as that
much has arrived, chunked or not. Role cards link to ``base_url``, never to
the request's ``Host``.
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Mapping
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from graph.errors import (
    AmbiguousRoleError,
    CareerGraphError,
    QueryError,
    QuerySyntaxError,
    QueryTimeoutError,
    UnknownRoleError,
    UpdateRefusedError,
    UsageError,
)
from graph.namespaces import ID_IRI
from graph.sparql.check import check_query
from graph.sparql.named import named_queries
from graph.sparql.params import bind_params, resolve_name
from graph.store.base import Store
from graph.store.folder import GRAPH_IRI
from graph.syntax import query_kind
from graph.web.api import MAX_K
from graph.web.api import install as install_api
from graph.web.html import _card_html, _page, _results_html, query_page_html
from graph.web.http import (
    _FORMAT_ALIASES,
    _GRAPH_OFFERS,
    _SELECT_OFFERS,
    _role_url,
    negotiate,
    role_id,
)
from graph.web.jsonld import role_jsonld
from graph.web.runner import _runner_for

__all__ = ["DEFAULT_MAX_ROWS", "create_app"]


#: result rows (or triples) a query returns at most, unless ``max_rows`` says otherwise
DEFAULT_MAX_ROWS = 10_000


#: the largest query text accepted, in bytes
MAX_QUERY_BYTES = 1_000_000


def _text(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        message.rstrip("\n") + "\n",
        status_code=status,
        media_type="text/plain; charset=utf-8",
        headers=dict(headers or {}),
    )


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The request body, read in pieces; ``None`` as soon as it grows past ``limit`` bytes.

    Checking ``Content-Length`` alone is not enough: a chunked body has none.
    """
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _bound_url(request: Request) -> str:
    """``http://host:port/`` of the socket that took the request (not its Host header)."""
    server = request.scope.get("server")
    if not server:
        return "/"
    host, port = server[0], server[1]
    host = f"[{host}]" if ":" in str(host) else host
    return f"http://{host}:{port}/"


def create_app(  # noqa: C901
    store: Store,
    *,
    timeout: float = 30.0,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    workers: int = 2,
    allow_service: bool = False,
    base_url: str | None = None,
) -> FastAPI:
    """Build the web application over a store (see the module docstring for its routes).

    Parameters
    ----------
    store : graph.store.base.Store
        What to serve. A local graph folder runs endpoint queries in
        ``workers`` processes that are killed at the time limit; any other
        store is queried through its own interface.
    timeout : float
        Seconds an endpoint query may take (waiting for a worker included).
    max_rows : int, optional
        Result rows (or triples) sent at most.
    allow_service : bool
        Allow ``SERVICE`` clauses (queries to other endpoints); off by default,
        so the server never makes requests of its own.
    base_url : str, optional
        The public address the server is reached at (e.g.
        ``https://careers.example.org/``); the ``url`` of role cards is built
        from it. Without it, from the address the server is bound to, never
        from a request's ``Host`` header.

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> app = create_app(open_store())
    >>> paths = {getattr(r, "path", None) for r in app.routes}  # an included router has none
    >>> sorted(paths & {"/", "/sparql", "/roles", "/roles/{rid:path}", "/docs"})
    ['/', '/docs', '/roles', '/roles/{rid:path}', '/sparql']
    """
    state: dict[str, Any] = {"runner": None, "examples": None, "home": None}
    lock = threading.Lock()

    def runner() -> Any:
        with lock:
            if state["runner"] is None:
                state["runner"] = _runner_for(store, timeout, max_rows, workers)
            return state["runner"]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        await run_in_threadpool(runner)  # start the workers before the first request
        yield
        if state["runner"] is not None:
            await run_in_threadpool(state["runner"].close)

    app = FastAPI(
        title="careergraph",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's Swagger page loads from a CDN; graph.web.api serves /docs
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    install_api(app, store, processes=workers)  # the route planner's /api/ and /docs

    def examples() -> list[dict[str, str]]:
        with lock:
            cached = state["examples"]
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        found = []
        for named in named_queries():
            try:
                text = bind_params(named.text, named.examples(), store)
            except CareerGraphError:
                text = named.text  # the example values are not in this graph
            found.append({"name": named.name, "description": named.description, "text": text})
        with lock:
            state["examples"] = found
        return found

    def query_page(query: str = "", result: str = "", error: str = "", status: int = 200) -> Any:
        return query_page_html(
            examples(), query, result, error, status, timeout=timeout, max_rows=max_rows
        )

    @app.api_route("/sparql", methods=["GET", "POST"])
    async def sparql_endpoint(request: Request) -> Any:  # noqa: C901
        params = {k: request.query_params.getlist(k) for k in request.query_params.keys()}
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            length = request.headers.get("content-length", "0")
            if length.isdigit() and int(length) > MAX_QUERY_BYTES:
                return _text(
                    413, f"The request is over {MAX_QUERY_BYTES} bytes.", {"Connection": "close"}
                )
            raw = await _read_body(request, MAX_QUERY_BYTES)
            if raw is None:  # chunked or lying about its length: stopped at the limit
                return _text(
                    413, f"The request is over {MAX_QUERY_BYTES} bytes.", {"Connection": "close"}
                )
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                return _text(400, "The request body is not UTF-8 text.")
            if ctype == "application/x-www-form-urlencoded":
                for key, values in parse_qs(text, keep_blank_values=True).items():
                    params.setdefault(key, []).extend(values)
            elif ctype == "application/sparql-query":
                params.setdefault("query", []).append(text)
            elif ctype == "application/sparql-update":
                params.setdefault("update", []).append(text)
            else:
                return _text(
                    415,
                    "Send a query as application/x-www-form-urlencoded (query=...) or as "
                    "application/sparql-query.",
                )
        accept = request.headers.get("accept")
        formats = params.get("format") or []
        fmt_param = formats[-1] if formats else None
        wants_html = fmt_param == "html" or (
            fmt_param is None and negotiate(accept, _SELECT_OFFERS) == "html"
        )
        queries = params.get("query", [])
        if "update" in params or (queries and query_kind(queries[0]) == "update"):
            return _text(403, "This endpoint is read-only: SPARQL updates are refused.")
        if not queries:
            if request.method == "GET" and (wants_html or not accept or "*/*" in accept):
                return await run_in_threadpool(query_page)
            return _text(
                400,
                "No query: give one as ?query=... (GET), as the form field 'query' (POST) or "
                "as an application/sparql-query body.",
            )
        if len(queries) > 1:
            return _text(400, "Give exactly one 'query' parameter.")
        query = queries[0]
        if params.get("named-graph-uri") or any(
            uri != GRAPH_IRI for uri in params.get("default-graph-uri", [])
        ):
            return _text(
                400,
                "This endpoint holds one graph, its default graph (also called "
                f"<{GRAPH_IRI}>); default-graph-uri and named-graph-uri cannot "
                "choose another.",
            )
        try:
            kind = await run_in_threadpool(
                lambda: check_query(query, allow_service=allow_service, timeout=timeout)
            )
        except UpdateRefusedError as exc:
            return _text(403, f"This endpoint is read-only: {exc}")
        except QueryTimeoutError as exc:
            return _text(503, str(exc), {"Retry-After": "5"})
        except (QuerySyntaxError, UsageError) as exc:
            message = str(exc)
            if wants_html:
                return await run_in_threadpool(lambda: query_page(query, error=message, status=400))
            return _text(400, message)
        offers = _GRAPH_OFFERS if kind in ("construct", "describe") else _SELECT_OFFERS
        if fmt_param is not None and "/" in fmt_param:
            # some clients (SPARQLWrapper) name a media type here
            fmt: str | None = negotiate(fmt_param, offers)
            if fmt is None:
                allowed = ", ".join(dict.fromkeys(media for media, _ in offers))
                return _text(
                    400,
                    f"format={fmt_param} does not fit a {kind.upper()} query; "
                    f"use one of: {allowed}.",
                )
        elif fmt_param is not None:
            fmt = _FORMAT_ALIASES.get(fmt_param, fmt_param)
            if fmt not in {name for _, name in offers}:
                allowed = ", ".join(sorted({name for _, name in offers}))
                return _text(
                    400,
                    f"format={fmt_param} does not fit a {kind.upper()} query; "
                    f"use one of: {allowed}.",
                )
        else:
            fmt = negotiate(accept, offers)
            if fmt is None:
                allowed = ", ".join(dict.fromkeys(media for media, _ in offers))
                return _text(
                    406, f"None of the accepted media types can be sent; offered: {allowed}."
                )
        html_out = fmt == "html"
        wire = ("turtle" if kind in ("construct", "describe") else "json") if html_out else fmt
        started = time.perf_counter()
        try:
            result = await run_in_threadpool(runner().run, query, wire)
        except QueryTimeoutError as exc:
            return _text(503, str(exc), {"Retry-After": "5"})
        except UsageError as exc:
            return _text(400, str(exc))
        except QueryError as exc:
            return _text(500, str(exc))
        headers = {
            "Vary": "Accept",
            "X-Query-Time": f"{time.perf_counter() - started:.3f}",
        }
        if result.rows is not None:
            headers["X-Results-Count"] = str(result.rows)
        if result.truncated:
            headers["X-Results-Truncated"] = "true"
            headers["X-SPARQL-MaxRows"] = str(max_rows)
        if html_out:
            note = ""
            if result.truncated:
                note = (
                    f"<p class='warn'>Only the first {max_rows:,} results are shown "
                    "(the server's row limit).</p>"
                )
            page = await run_in_threadpool(
                lambda: query_page(query, result="<h2>Results</h2>" + note + _results_html(result))
            )
            page.headers.update(headers)
            return page
        media = result.media_type
        if media.startswith("text/") or media.endswith("json") or media.endswith("xml"):
            media += "; charset=utf-8"
        return Response(result.body, media_type=media, headers=headers)

    @app.get("/")
    async def home(request: Request) -> Any:
        focus = request.query_params.get("focus")
        source, target = request.query_params.get("from"), request.query_params.get("to")
        if (source is None) != (target is None):
            return _page(
                "Bad request", "<p>Give both <code>from</code> and <code>to</code>.</p>", status=400
            )
        path = (source, target) if source is not None and target is not None else None
        k_text, have = request.query_params.get("k", "3"), request.query_params.getlist("have")
        if not k_text.isdigit() or not 1 <= int(k_text) <= MAX_K:
            return _page(
                "Bad request", f"<p><code>k</code> is a number from 1 to {MAX_K}.</p>", status=400
            )

        def render() -> str:
            from graph.viz.page import viz_page

            if focus is None and path is None:
                with lock:
                    cached = state["home"]
                if cached is not None:
                    return cached  # type: ignore[no-any-return]
                page = viz_page(store, planner=True)
                with lock:
                    state["home"] = page
                return page
            return viz_page(
                store,
                focus=focus,
                path=path,
                k=int(k_text),  # type: ignore[arg-type]
                have=have,
                planner=True,
            )

        try:
            page = await run_in_threadpool(render)
        except (UnknownRoleError, AmbiguousRoleError) as exc:
            return _page("Role not found", f"<p>{html.escape(str(exc))}</p>", status=404)
        except CareerGraphError as exc:
            return _page("Cannot draw this graph", f"<p>{html.escape(str(exc))}</p>", status=400)
        return HTMLResponse(page)

    @app.get("/roles")
    async def roles(request: Request) -> Any:
        from graph.sparql.roles import list_roles

        rows = await run_in_threadpool(list_roles, store)
        listed = [
            {**row, "iri": row["id"], "id": role_id(row["id"]), "url": _role_url(row["id"])}
            for row in rows
        ]
        fmt = request.query_params.get("format")
        if fmt == "html" or (
            fmt is None
            and negotiate(
                request.headers.get("accept"), [("application/json", "json"), ("text/html", "html")]
            )
            == "html"
        ):
            e = html.escape
            body = "".join(
                f'<tr><td><a href="{e(r["url"])}">{e(str(r["label"]))}</a></td>'
                f"<td>{e(str(r.get('guide') or ''))}</td><td>{r['skills']}</td>"
                f"<td>{r['moves_out']}</td><td>{r['moves_in']}</td></tr>"
                for r in listed
            )
            table = (
                "<table><thead><tr><th>Role</th><th>Guide</th><th>Skills</th>"
                "<th>Moves out</th><th>Moves in</th></tr></thead>"
                f"<tbody>{body}</tbody></table>"
            )
            return _page(f"{len(listed)} roles", table)
        return JSONResponse(listed)

    @app.get("/roles/{rid:path}")
    async def role(rid: str, request: Request) -> Any:
        from graph.sparql.roles import role_card, sparql_iri

        def find() -> str | None:
            for iri in (ID_IRI + "role/" + rid, ID_IRI + rid):
                try:
                    term = sparql_iri(iri)
                except ValueError:
                    return None
                if store.ask(f"ASK {{ {term} a cg:Role }}"):
                    return iri
            return None

        if len(rid) > 500 or any(ord(c) < 0x20 or c == "\x7f" for c in rid):
            return _text(
                400,
                "A role id is a short name without control characters; "
                "the roles are listed at /roles.",
            )
        try:
            iri = await run_in_threadpool(find)
            if iri is None:
                found = await run_in_threadpool(resolve_name, store, "Role", rid)
                return RedirectResponse(_role_url(found), status_code=307)
        except (UnknownRoleError, AmbiguousRoleError) as exc:
            return _text(404, f"{exc} The roles are listed at /roles.")
        except UsageError as exc:
            return _text(400, f"{exc} The roles are listed at /roles.")
        card = await run_in_threadpool(role_card, store, iri)
        fmt = request.query_params.get("format")
        offers = [
            ("application/ld+json", "jsonld"),
            ("application/json", "jsonld"),
            ("text/html", "html"),
        ]
        chosen = fmt or negotiate(request.headers.get("accept"), offers)
        if chosen == "html":
            return _page(str(card.get("label") or rid), _card_html(card))
        if chosen != "jsonld":
            return _text(406, "A role card is sent as application/ld+json or text/html.")
        base = base_url if base_url is not None else _bound_url(request)
        return Response(
            json.dumps(role_jsonld(card, base), ensure_ascii=False, indent=2),
            media_type="application/ld+json; charset=utf-8",
        )

    @app.get("/health")
    async def health() -> Any:
        return {"status": "ok", "build": getattr(store, "fingerprint", None)}

    return app
