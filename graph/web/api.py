"""The route planner's JSON API under ``/api/``, and an offline page documenting it.

Every answer is the JSON the matching command prints with ``--format json``,
built by the same library function (:mod:`graph.routes.reports`):

``GET /api/routes?from=&to=&k=&have=``
    ``careergraph path FROM TO --k K --have SKILL ...``
``GET /api/next?role=&top=&have=``
    ``careergraph next ROLE``
``GET /api/gap?from=&to=&have=``
    ``careergraph gap FROM TO``
``GET /api/similar?role=&top=``
    ``careergraph similar ROLE``
``GET /api/roles?q=`` and ``GET /api/skills?q=``
    Names for autocomplete: roles by title, alternate title, abbreviation or
    code (as :func:`graph.projection.resolve.resolve_role` reads them), skills by label.

An unknown role gives 404 with the three closest names (``suggestions``), an
ambiguous one 404 with the roles it fits; a bad parameter gives 400; two roles
no route joins give 404 with ``nearest``. Every error body is
``{"error": "...", ...}``.

No answer is computed on the event loop. The server process loads the
projection once (and writes its cache file); route searches go to worker
processes (:mod:`graph.web.routepool`) that read that one file and only read it,
the quick questions to the server's thread pool.

``/openapi.json`` describes the API and ``/docs`` shows it as a page that
needs no network (FastAPI's own Swagger page loads its code from
a CDN, so it is not used).
"""

from __future__ import annotations

import asyncio
import html
import json
import threading
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from graph.store.base import Store
from graph.viz.page import PLANNER_MAX_K

__all__ = ["MAX_K", "MAX_TOP", "MAX_HAVE", "api_router", "install", "docs_page"]

#: most routes one request may ask for (the search grows with k; the form offers as many)
MAX_K = PLANNER_MAX_K
#: most next moves or similar roles one request may ask for
MAX_TOP = 50
#: most ``have`` skills one request may name
MAX_HAVE = 100
#: most autocomplete names one request may ask for
MAX_LIMIT = 50
#: the longest role or skill name accepted
MAX_NAME = 300
#: questions sent to the worker processes: route searches take up to a second of CPU on a
#: large graph; the others take milliseconds and are answered at once by the server's threads,
#: so autocomplete never waits behind a route search
POOLED = frozenset({"routes"})

_JSON = "application/json"
_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "suggestions": {"type": "array", "items": {"type": "string"}},
        "nearest": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["error"],
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "A bad parameter (the error says which and why).",
        "content": {_JSON: {"schema": _ERROR_SCHEMA}},
    },
    404: {
        "description": "An unknown or ambiguous role (with the closest names), or no route.",
        "content": {_JSON: {"schema": _ERROR_SCHEMA}},
    },
}

Name = Annotated[str, Query(max_length=MAX_NAME)]


def _json(data: Any, status: int = 200) -> Response:
    # serialised as the CLI's echo_json does, so both give the same document
    return Response(
        json.dumps(data, ensure_ascii=False, default=str),
        status_code=status,
        media_type=_JSON,
    )


def _check_have(have: list[str]) -> Response | None:
    """A 400 answer for too many or too long ``have`` skills, else None."""
    if len(have) > MAX_HAVE:
        return _json({"error": f"Give at most {MAX_HAVE} 'have' skills, not {len(have)}."}, 400)
    if any(len(phrase) > MAX_NAME for phrase in have):
        return _json({"error": f"A 'have' skill is over {MAX_NAME} characters."}, 400)
    return None


class _Answers:
    """Answers questions on ``store``'s projection: in worker processes or in the thread pool."""

    def __init__(self, store: Store, processes: int) -> None:
        self.store = store
        self.processes = processes
        self.lock = threading.Lock()
        self.pool: Any = None
        self.pooled = processes > 0

    def projection(self) -> Any:
        # one projection per process, loaded once and only read afterwards; the route
        # search's own tables are built here too, so no request pays for them
        from graph.projection.cache import load_projection
        from graph.web.planner import prepare

        with self.lock:
            P = prepare(load_projection(self.store))
            if self.pooled and self.pool is None:
                # the workers read the projection file load_projection wrote; without one
                # (a read-only folder) questions are answered in this process
                path = self.store.projection_cache()
                if path is None or not Path(path).is_file():
                    self.pooled = False
                else:
                    from graph.web.routepool import RoutePool

                    self.pool = RoutePool(Path(path), self.store.fingerprint, self.processes)
            return P

    async def ask(self, name: str, kwargs: dict[str, Any]) -> Response:
        from graph.web.planner import answer

        P = await run_in_threadpool(self.projection)
        if self.pool is None or name not in POOLED:
            status, body = await run_in_threadpool(answer, P, name, kwargs)
            return _json(body, status)
        pool = self.pool
        try:
            status, body = await asyncio.wrap_future(pool.submit(name, kwargs))
        except BrokenProcessPool:
            await run_in_threadpool(pool.restart)
            return _json({"error": "A route worker stopped; ask again."}, 503)
        return _json(body, status)


#: the person's standing, as the CLI's --education, --years and --max-years take it
Education = Annotated[
    str | None,
    Query(
        max_length=60,
        description="Your highest education, as people say it: high school, "
        "associate, bachelor, masters, professional, phd.",
    ),
]
Years = Annotated[float | None, Query(ge=0, le=79, description="Your years of experience.")]
MaxYears = Annotated[
    float | None, Query(ge=0, le=50, description="Only routes ready within this many years.")
]


def api_router(store: Store, processes: int = 0) -> APIRouter:
    """The ``/api/`` routes over ``store`` (see the module docstring).

    ``processes`` worker processes answer the questions (see
    :mod:`graph.web.routepool`); with 0, threads of this process do.

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> sorted(r.path for r in api_router(open_store()).routes)[:3]
    ['/api/gap', '/api/next', '/api/roles']
    """
    answers = _Answers(store, processes)

    router = APIRouter(prefix="/api", tags=["routes"], responses=_ERRORS)

    @router.get("/routes", summary="The k best routes between two roles (careergraph path)")
    async def routes(
        source: Annotated[
            str,
            Query(
                alias="from",
                max_length=MAX_NAME,
                description="The role you are in, as you would type it.",
            ),
        ],
        target: Annotated[
            str, Query(alias="to", max_length=MAX_NAME, description="The role you want.")
        ],
        k: Annotated[int, Query(ge=1, le=MAX_K, description="How many routes.")] = 3,
        have: Annotated[
            list[str] | None, Query(description="A skill you already have; repeatable.")
        ] = None,
        max_steps: Annotated[
            int | None, Query(ge=1, le=20, description="Longest route, in steps.")
        ] = None,
        avoid: Annotated[
            list[str] | None, Query(description="A role no route may pass through; repeatable.")
        ] = None,
        education: Education = None,
        years: Years = None,
        max_years: MaxYears = None,
    ) -> Response:
        """The JSON of ``careergraph path FROM TO --format json``."""
        skills, avoided = have or [], avoid or []
        refused = _check_have(skills)
        return refused or await answers.ask(
            "routes",
            {
                "source": source,
                "target": target,
                "k": k,
                "have": skills,
                "max_steps": max_steps,
                "avoid": avoided,
                "education": education,
                "years": years,
                "max_years": max_years,
            },
        )

    @router.get("/next", summary="Ranked one-step moves from a role (careergraph next)")
    async def next_moves(
        role: Annotated[str, Query(max_length=MAX_NAME, description="A role.")],
        top: Annotated[int, Query(ge=1, le=MAX_TOP, description="How many moves.")] = 10,
        have: Annotated[
            list[str] | None, Query(description="A skill you already have; repeatable.")
        ] = None,
        education: Education = None,
        years: Years = None,
        max_years: MaxYears = None,
        step_downs: Annotated[
            bool, Query(description="Also list moves to roles that ask less preparation.")
        ] = False,
    ) -> Response:
        """The JSON of ``careergraph next ROLE --format json``."""
        skills = have or []
        refused = _check_have(skills)
        return refused or await answers.ask(
            "next",
            {
                "role": role,
                "top": top,
                "have": skills,
                "education": education,
                "years": years,
                "max_years": max_years,
                "step_downs": step_downs,
            },
        )

    @router.get("/gap", summary="The skill gap between any two roles (careergraph gap)")
    async def gap(
        source: Annotated[str, Query(alias="from", max_length=MAX_NAME, description="A role.")],
        target: Annotated[str, Query(alias="to", max_length=MAX_NAME, description="Another role.")],
        have: Annotated[
            list[str] | None, Query(description="A skill you already have; repeatable.")
        ] = None,
        education: Education = None,
        years: Years = None,
    ) -> Response:
        """The JSON of ``careergraph gap FROM TO --format json``."""
        skills = have or []
        refused = _check_have(skills)
        return refused or await answers.ask(
            "gap",
            {
                "source": source,
                "target": target,
                "have": skills,
                "education": education,
                "years": years,
            },
        )

    @router.get("/similar", summary="Roles most like a role (careergraph similar)")
    async def similar(
        role: Annotated[str, Query(max_length=MAX_NAME, description="A role.")],
        top: Annotated[int, Query(ge=1, le=MAX_TOP, description="How many roles.")] = 10,
    ) -> Response:
        """The JSON of ``careergraph similar ROLE --format json``."""
        return await answers.ask("similar", {"role": role, "top": top})

    @router.get("/roles", summary="Roles for autocomplete")
    async def roles(
        q: Annotated[str, Query(max_length=MAX_NAME, description="What was typed so far.")] = "",
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
    ) -> Response:
        """``[{"id", "label", "match"}]``: the role the resolver picks for ``q`` first."""
        return await answers.ask("roles", {"text": q, "limit": limit})

    @router.get("/skills", summary="Skills for autocomplete")
    async def skills(
        q: Annotated[str, Query(max_length=MAX_NAME, description="What was typed so far.")] = "",
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
    ) -> Response:
        """``[{"id", "label", "match"}]``: skills whose label starts like ``q``."""
        return await answers.ask("skills", {"text": q, "limit": limit})

    return router


async def _bad_request(request: Request, exc: Exception) -> Response:
    """A parameter FastAPI could not read: 400 with one line saying which."""
    problems = []
    for item in getattr(exc, "errors", lambda: [])():
        where = [str(p) for p in item.get("loc", ()) if p not in ("query", "body")]
        problems.append(f"{'.'.join(where) or 'request'}: {item.get('msg', 'invalid')}")
    message = "Bad parameter: " + "; ".join(problems) + "." if problems else "Bad request."
    return _json({"error": message}, 400)


_DOCS_STYLE = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 1.5rem;
color:#1f2937;line-height:1.45}h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:1.6rem}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9rem}
table{border-collapse:collapse;font-size:.9rem}th,td{border-bottom:1px solid #e5e7eb;
padding:.25rem .6rem;text-align:left;vertical-align:top}.note{color:#6b7280}
"""


def docs_page(schema: dict[str, Any]) -> str:
    """An HTML page listing the API's operations and parameters from its OpenAPI schema.

    No script and no request to another host; every text is escaped.

    Examples
    --------
    >>> page = docs_page({"info": {"title": "<t>"}, "paths": {}})
    >>> "&lt;t&gt;" in page, "<t>" in page
    (True, False)
    """
    e = html.escape
    parts = []
    for path, operations in sorted(schema.get("paths", {}).items()):
        if not path.startswith("/api/"):
            continue
        for method, op in operations.items():
            rows = "".join(
                f"<tr><td><code>{e(p['name'])}</code></td>"
                f"<td>{e(_type_text(p.get('schema', {})))}</td>"
                f"<td>{'yes' if p.get('required') else ''}</td>"
                f"<td>{e(p.get('description') or '')}</td></tr>"
                for p in op.get("parameters", [])
            )
            statuses = ", ".join(e(str(code)) for code in op.get("responses", {}))
            parts.append(
                f"<h2><code>{e(method.upper())} {e(path)}</code></h2>"
                f"<p>{e(op.get('summary') or '')}. "
                f"{e((op.get('description') or '').replace('``', ''))}</p>"
                + (
                    f"<table><thead><tr><th>Parameter</th><th>Type</th><th>Required</th>"
                    f"<th>About</th></tr></thead><tbody>{rows}</tbody></table>"
                    if rows
                    else ""
                )
                + f"<p class='note'>Responses: {statuses}</p>"
            )
    title = str(schema.get("info", {}).get("title", "API"))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)} API</title><style>{_DOCS_STYLE}</style></head><body>"
        f'<p><a href="/">Graph</a> · <a href="/openapi.json">openapi.json</a></p>'
        f"<h1>{e(title)} API</h1><p>The same JSON as the commands print with "
        '<code>--format json</code>. Errors are <code>{"error": ...}</code>: 400 for a bad '
        "parameter, 404 for an unknown role (with <code>suggestions</code>, the three closest "
        "names) or no route.</p>" + "".join(parts) + "</body></html>"
    )


def _type_text(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " or ".join(_type_text(s) for s in schema["anyOf"] if s.get("type") != "null")
    kind = str(schema.get("type", ""))
    if kind == "array":
        return f"list of {_type_text(schema.get('items', {}))}"
    limits = []
    if "minimum" in schema:
        limits.append(f"≥ {schema['minimum']}")
    if "maximum" in schema:
        limits.append(f"≤ {schema['maximum']}")
    default = f", default {schema['default']}" if "default" in schema else ""
    return kind + (f" ({', '.join(limits)})" if limits else "") + default


def install(app: FastAPI, store: Store, processes: int = 0) -> None:
    """Add the API, its 400 answers for unreadable parameters and ``/docs`` to ``app``.

    ``/openapi.json`` describes the ``/api/`` routes only: the SPARQL
    endpoint follows its own standard, and the pages are for people.
    """
    from fastapi.openapi.utils import get_openapi

    from graph import __version__

    router = api_router(store, processes)
    app.include_router(router)
    app.add_exception_handler(RequestValidationError, _bad_request)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = get_openapi(
                title=app.title,
                version=__version__,
                description="careergraph's route planner API: the JSON of `path`, `next`, "
                "`gap` and `similar` with `--format json`, and names for autocomplete.",
                routes=router.routes,
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> Any:
        page = docs_page(request.app.openapi())
        return HTMLResponse(
            page,
            headers={
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                "base-uri 'none'; form-action 'none'; "
                "frame-ancestors 'none'"
            },
        )
