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
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, quote

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
from graph.namespaces import CG_IRI, ID_IRI, PREFIXES, sparql_prologue
from graph.sparql.check import check_query
from graph.sparql.named import named_queries
from graph.sparql.params import bind_params, resolve_name
from graph.sparql.results import binding_text, shorten_iri
from graph.sparql.run import QueryResult, run_with_timeout, serialize_capped
from graph.store.folder import GRAPH_IRI
from graph.syntax import query_kind
from graph.web.api import MAX_K
from graph.web.api import install as install_api

__all__ = [
    "DEFAULT_MAX_ROWS",
    "create_app",
    "serve",
    "BackgroundServer",
    "negotiate",
    "role_id",
    "role_jsonld",
]

#: result rows (or triples) a query returns at most, unless ``max_rows`` says otherwise
DEFAULT_MAX_ROWS = 10_000
#: the largest query text accepted, in bytes
MAX_QUERY_BYTES = 1_000_000

_SELECT_OFFERS = [
    ("application/sparql-results+json", "json"),
    ("application/json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("text/html", "html"),
]
_GRAPH_OFFERS = [
    ("text/turtle", "turtle"),
    ("application/x-turtle", "turtle"),
    ("application/turtle", "turtle"),
    ("application/n-triples", "ntriples"),
    ("text/plain", "ntriples"),
    ("application/rdf+xml", "rdfxml"),
    ("application/ld+json", "jsonld"),
    ("text/html", "html"),
]
_DEFAULT_QUERY = """SELECT ?role ?label WHERE {
  ?role a cg:Role ; skos:prefLabel ?label .
}
ORDER BY ?label
LIMIT 20"""
_FORMAT_ALIASES = {"ttl": "turtle", "nt": "ntriples", "rdf": "rdfxml", "json-ld": "jsonld"}


def negotiate(accept: str | None, offers: list[tuple[str, str]]) -> str | None:
    """Pick the offer an ``Accept`` header likes best; ``None`` when it accepts none.

    Ties go to the more specific match, then to the order of ``offers``.

    Examples
    --------
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", _SELECT_OFFERS)
    'xml'
    >>> negotiate("text/html,application/xhtml+xml,*/*;q=0.8", _SELECT_OFFERS)
    'html'
    >>> negotiate(None, _SELECT_OFFERS), negotiate("image/png", _SELECT_OFFERS)
    ('json', None)
    """
    if not accept or not accept.strip():
        return offers[0][1]
    ranges = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    best: tuple[float, int, int] | None = None
    choice = None
    for order, (media, name) in enumerate(offers):
        major = media.split("/")[0]
        match = None
        for pattern, q in ranges:
            if pattern == media:
                specificity = 2
            elif pattern == f"{major}/*":
                specificity = 1
            elif pattern == "*/*":
                specificity = 0
            else:
                continue
            if match is None or specificity > match[1]:
                match = (q, specificity)
        if match is None or match[0] <= 0:
            continue
        rank = (match[0], match[1], -order)
        if best is None or rank > best:
            best, choice = rank, name
    return choice


def role_id(iri: str) -> str:
    """The id of a role in ``/roles/{id}`` URLs.

    Examples
    --------
    >>> role_id("https://w3id.org/careergraph/id/role/technical-program-manager")
    'technical-program-manager'
    >>> role_id("https://w3id.org/careergraph/id/onet/15-1252.00")
    'onet/15-1252.00'
    """
    if iri.startswith(ID_IRI + "role/"):
        return iri[len(ID_IRI + "role/") :]
    if iri.startswith(ID_IRI):
        return iri[len(ID_IRI) :]
    return quote(iri, safe="")


def _role_url(iri: str) -> str:
    return "/roles/" + quote(role_id(iri), safe="/")


# ---------------------------------------------------------------------------
# Running endpoint queries
# ---------------------------------------------------------------------------


class _StoreRunner:
    """Runs queries through any Store (e.g. a remote one) when no worker pool can be used."""

    def __init__(self, store: Any, timeout: float, max_rows: int | None) -> None:
        self.store = store
        self.timeout = timeout
        self.max_rows = max_rows

    def run(self, query: str, result_format: str) -> QueryResult:
        import pyoxigraph as ox

        kind = query_kind(query)
        graph_result = kind in ("construct", "describe")
        wire = "ntriples" if graph_result else "json"
        full = sparql_prologue(query) + query
        body, _ = run_with_timeout(
            lambda: self.store.query_raw(full, wire, timeout=self.timeout), self.timeout
        )
        if graph_result:
            parsed: Any = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        else:
            parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        return serialize_capped(parsed, result_format, self.max_rows)

    def close(self) -> None:
        """Nothing to stop: queries run in daemon threads."""


def _runner_for(store: Any, timeout: float, max_rows: int | None, workers: int) -> Any:
    from graph.sparql.pool import QueryPool
    from graph.store.local import LocalStore

    # worker processes get their socket by fd inheritance, which needs POSIX
    if isinstance(store, LocalStore) and os.name == "posix":
        return QueryPool(
            store.graph_dir / store.manifest.store,
            workers=workers,
            timeout=timeout,
            max_rows=max_rows,
        )
    return _StoreRunner(store, timeout, max_rows)


def _text(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        message.rstrip("\n") + "\n",
        status_code=status,
        media_type="text/plain; charset=utf-8",
        headers=dict(headers or {}),
    )


# ---------------------------------------------------------------------------
# HTML pages (all text from the data is escaped; no external resources)
# ---------------------------------------------------------------------------

_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:70rem;
padding:1rem 1.5rem;color:#1f2937;line-height:1.45}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
a{color:#1d4ed8}nav a{margin-right:1rem}
textarea{width:100%;font:13px/1.4 ui-monospace,Menlo,Consolas,monospace;box-sizing:border-box}
table{border-collapse:collapse;font-size:.9rem;margin:.5rem 0}
th,td{border-bottom:1px solid #e5e7eb;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f4f6}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
pre{background:#f9fafb;border:1px solid #e5e7eb;padding:.6rem;overflow:auto}
.note{color:#6b7280}.error{background:#fef2f2;border:1px solid #fca5a5;padding:.6rem;
white-space:pre-wrap;font-family:ui-monospace,monospace}
.warn{background:#fffbeb;border:1px solid #fcd34d;padding:.4rem .6rem}
button{margin:.15rem .3rem .15rem 0}ul.examples li{margin:.3rem 0}
"""

#: the query page's only script: fills the text box from the examples (data, not code)
_EXAMPLES_SCRIPT = """
const examples = JSON.parse(document.getElementById('examples').textContent);
document.querySelectorAll('button[data-example]').forEach(function (b) {
  b.addEventListener('click', function () {
    document.getElementById('query').value = examples[b.dataset.example];
    document.getElementById('query').focus();
  });
});
"""


def _csp(script: str | None = None) -> str:
    import base64
    import hashlib

    scripts = "'none'"
    if script is not None:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        scripts = f"'sha256-{digest}'"
    return (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src {scripts}; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )


def _page(title: str, body: str, status: int = 200, script: str | None = None) -> HTMLResponse:
    e = html.escape
    nav = '<nav><a href="/">Graph</a><a href="/roles">Roles</a><a href="/sparql">SPARQL</a></nav>'
    scripts = f"<script>{script}</script>" if script else ""
    doc = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{nav}<h1>{e(title)}</h1>{body}{scripts}</body></html>"
    )
    return HTMLResponse(doc, status_code=status, headers={"Content-Security-Policy": _csp(script)})


def _json_in_html(data: Any) -> str:
    """JSON safe inside a ``<script type="application/json">`` element."""
    return (
        json.dumps(data, ensure_ascii=False)
        .replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
    )


def _cell_html(binding: Mapping[str, Any] | None) -> str:
    if not binding:
        return ""
    if binding.get("type") == "uri":
        iri = str(binding["value"])
        short = html.escape(shorten_iri(iri))
        if iri.startswith(ID_IRI + "role/"):
            return f'<a href="{html.escape(_role_url(iri))}">{short}</a>'
        return f'<span title="{html.escape(iri)}">{short}</span>'
    return html.escape(binding_text(binding))


def _results_html(result: QueryResult) -> str:
    e = html.escape
    if result.kind == "construct":
        return f"<pre>{e(result.body.decode('utf-8', 'replace'))}</pre>"
    data = json.loads(result.body)
    if "boolean" in data:
        return f"<p>ASK answer: <strong>{'true' if data['boolean'] else 'false'}</strong></p>"
    names = data["head"].get("vars", [])
    rows = data["results"]["bindings"]
    head = "".join(f"<th>{e(n)}</th>" for n in names)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell_html(row.get(n))}</td>" for n in names) + "</tr>"
        for row in rows
    )
    count = f"<p class='note'>{len(rows)} row{'s' if len(rows) != 1 else ''}</p>"
    return f"{count}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# ---------------------------------------------------------------------------
# Role cards
# ---------------------------------------------------------------------------


def role_jsonld(card: Mapping[str, Any], base_url: str = "") -> dict[str, Any]:
    """A role card (:func:`graph.sparql.roles.role_card`) as JSON-LD with the schema.org context.

    Moves into the role are written as reverse ``cg:canLeadTo`` /
    ``cg:canTransitionTo`` links, so the document reads back as the graph's triples.

    Examples
    --------
    >>> doc = role_jsonld({"id": "https://w3id.org/careergraph/id/role/x", "label": "X"})
    >>> doc["@type"], doc["name"]
    (['Occupation', 'cg:Role'], 'X')
    """

    def ref(iri: str, label: Any) -> dict[str, Any]:
        return {"@id": iri, "name": label}

    def number(value: Any) -> Any:
        return int(value) if isinstance(value, float) and value.is_integer() else value

    doc: dict[str, Any] = {
        "@context": {
            "@vocab": "https://schema.org/",
            "cg": CG_IRI,
            "cgr": ID_IRI,
            "skos": PREFIXES["skos"],
            "dcterms": PREFIXES["dcterms"],
        },
        "@id": card["id"],
        "@type": ["Occupation", "cg:Role"],
        "name": card.get("label"),
        "url": base_url.rstrip("/") + _role_url(card["id"]),
    }
    optional: dict[str, Any] = {
        "alternateName": card.get("labels") or None,
        "description": card.get("description"),
        "occupationalCategory": card.get("code"),
        "responsibilities": card.get("responsibilities") or None,
        "skills": [
            {
                "@type": "DefinedTerm",
                "@id": s["id"],
                "name": s["skill"],
                "cg:phrase": s.get("as_written"),
                **({"cg:importance": s["importance"]} if s.get("importance") is not None else {}),
                **({"cg:level": s["level"]} if s.get("level") is not None else {}),
            }
            for s in card.get("top_skills", [])
        ]
        or None,
        "cg:commonlyMissingSkill": [ref(g["id"], g["skill"]) for g in card.get("skill_gaps", [])]
        or None,
        "estimatedSalary": [
            {
                "@type": "MonetaryAmountDistribution",
                "name": b.get("level"),
                "minValue": b["min"],
                "maxValue": b["max"],
                "currency": b["currency"],
                **({"median": number(b["median"])} if b.get("median") is not None else {}),
                **({"cg:openEnded": True} if b.get("open_ended") else {}),
                **({"cg:yearsOfExperience": b["years"]} if b.get("years") else {}),
            }
            for b in card.get("salary", [])
        ]
        or None,
        "cg:sector": [{"@type": "cg:Sector", "name": n} for n in card.get("sectors", [])] or None,
        "cg:employer": [{"@type": "Organization", "name": n} for n in card.get("employers", [])]
        or None,
        "cg:nextStep": card.get("next_steps") or None,
        "cg:growthTrend": card.get("growth_trend"),
        "cg:developmentSuggestions": card.get("development_suggestions"),
        "cg:canLeadTo": [ref(m["id"], m["label"]) for m in card.get("can_lead_to", [])] or None,
        "cg:canTransitionTo": [
            ref(m["id"], m["label"]) for m in card.get("transition_opportunities", [])
        ]
        or None,
    }
    doc.update({k: v for k, v in optional.items() if v is not None})
    moves_in = card.get("moves_in", [])
    reverse: dict[str, Any] = {}
    for kind, prop in (("progression", "cg:canLeadTo"), ("transition", "cg:canTransitionTo")):
        refs = [ref(m["id"], m["label"]) for m in moves_in if m.get("kind") == kind]
        if refs:
            reverse[prop] = refs
    if reverse:
        doc["@reverse"] = reverse
    return doc


def _card_html(card: Mapping[str, Any]) -> str:
    e = html.escape

    def items(values: list[str]) -> str:
        return "<ul>" + "".join(f"<li>{v}</li>" for v in values) + "</ul>" if values else ""

    def section(title: str, content: str) -> str:
        return f"<h2>{e(title)}</h2>{content}" if content else ""

    def role_link(move: Mapping[str, Any]) -> str:
        return f'<a href="{e(_role_url(move["id"]))}">{e(str(move["label"]))}</a>'

    parts = []
    if card.get("labels"):
        parts.append(f"<p class='note'>Also: {e(', '.join(card['labels']))}</p>")
    if card.get("code"):
        parts.append(f"<p class='note'>Code: {e(str(card['code']))}</p>")
    if card.get("description"):
        parts.append(f"<p>{e(card['description'])}</p>")
    responsibilities = [e(r) for r in card.get("responsibilities", [])]
    parts.append(section("Responsibilities", items(responsibilities)))
    skills = []
    for s in card.get("top_skills", []):
        extra = ""
        if s.get("as_written") and s["as_written"] != s["skill"]:
            extra = f" <span class='note'>({e(s['as_written'])})</span>"
        skills.append(f"{e(s['skill'])}{extra}")
    parts.append(section("Skills", items(skills)))
    gaps = [
        f"{e(g['skill'])} <span class='note'>({e(g.get('as_written') or '')})</span>"
        for g in card.get("skill_gaps", [])
    ]
    parts.append(section("Commonly missing skills", items(gaps)))
    if card.get("development_suggestions"):
        suggestions = f"<p>{e(card['development_suggestions'])}</p>"
        parts.append(section("Development suggestions", suggestions))
    bands = []
    for b in card.get("salary", []):
        top = f"{b['max']:,}+" if b.get("open_ended") else f"{b['max']:,}"
        years = f" <span class='note'>({e(b['years'])})</span>" if b.get("years") else ""
        level = e(str(b.get("level") or ""))
        bands.append(f"{level}: {e(b['currency'])} {b['min']:,} – {top}{years}")
    parts.append(section("Salary bands", items(bands)))
    if card.get("growth_trend"):
        parts.append(section("Growth trend", f"<p>{e(card['growth_trend'])}</p>"))
    parts.append(section("Sectors", items([e(s) for s in card.get("sectors", [])])))
    parts.append(section("Employers", items([e(s) for s in card.get("employers", [])])))
    parts.append(section("Next steps", items([e(s) for s in card.get("next_steps", [])])))
    parts.append(section("Can lead to", items([role_link(m) for m in card.get("can_lead_to", [])])))
    parts.append(
        section(
            "Transition opportunities",
            items([role_link(m) for m in card.get("transition_opportunities", [])]),
        )
    )
    moves_in = [f"{role_link(m)} <span class='note'>({e(m['kind'])})</span>"
                for m in card.get("moves_in", [])]
    parts.append(section("Moves into this role", items(moves_in)))
    query = f"SELECT ?p ?o WHERE {{ <{card['id']}> ?p ?o }}"
    parts.append(
        f"<p class='note'><a href=\"/sparql?query={e(quote(query))}\">Its triples in SPARQL</a> · "
        f"<a href=\"{e(_role_url(card['id']))}?format=jsonld\">JSON-LD</a></p>"
    )
    return "".join(parts)


# ---------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------


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



def create_app(
    store: Any,
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
        e = html.escape
        listed = examples()
        items = "".join(
            f'<li><button type="button" data-example="{i}">{e(x["name"])}</button>'
            f'{e(x["description"])}</li>'
            for i, x in enumerate(listed)
        )
        formats = "".join(
            f'<option value="{f}">{f}</option>'
            for f in ("html", "json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld")
        )
        prefixes = ", ".join(f"<code>{e(p)}:</code>" for p in PREFIXES)
        default = query or _DEFAULT_QUERY
        cap = f"{max_rows:,}" if max_rows else "no"
        body = (
            f'<form method="get" action="/sparql">'
            f'<textarea id="query" name="query" rows="14" spellcheck="false">'
            f"{e(default)}</textarea>"
            f'<p><label>Results as <select name="format">{formats}</select></label> '
            f'<button type="submit">Run query</button></p></form>'
            + (f'<div class="error">{e(error)}</div>' if error else "")
            + result
            + f"<h2>Examples</h2><p class='note'>Named queries shipped with careergraph "
            f"(<code>careergraph sparql --list</code>); a button puts one in the box.</p>"
            f'<ul class="examples">{items}</ul>'
            f"<h2>About this endpoint</h2><p>SPARQL 1.1 Protocol at <code>/sparql</code>: "
            "<code>GET ?query=</code>, or <code>POST</code> as a form or as "
            "<code>application/sparql-query</code>. Prefixes declared for you: "
            f"{prefixes}. Read-only; a query may run {timeout:g} s and returns at most "
            f"{cap} rows (a cut result carries the header <code>X-Results-Truncated: true</code>)."
            "</p><pre>curl -H 'Accept: text/csv' "
            "--data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 3' "
            "http://127.0.0.1:7878/sparql</pre>"
            f'<script type="application/json" id="examples">'
            f"{_json_in_html([x['text'] for x in listed])}</script>"
        )
        return _page("careergraph SPARQL endpoint", body, status=status, script=_EXAMPLES_SCRIPT)

    @app.api_route("/sparql", methods=["GET", "POST"])
    async def sparql_endpoint(request: Request) -> Any:
        params = {k: request.query_params.getlist(k) for k in request.query_params.keys()}
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            length = request.headers.get("content-length", "0")
            if length.isdigit() and int(length) > MAX_QUERY_BYTES:
                return _text(413, f"The request is over {MAX_QUERY_BYTES} bytes.",
                             {"Connection": "close"})
            raw = await _read_body(request, MAX_QUERY_BYTES)
            if raw is None:  # chunked or lying about its length: stopped at the limit
                return _text(413, f"The request is over {MAX_QUERY_BYTES} bytes.",
                             {"Connection": "close"})
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
                return await run_in_threadpool(
                    lambda: query_page(query, error=message, status=400)
                )
            return _text(400, message)
        offers = _GRAPH_OFFERS if kind in ("construct", "describe") else _SELECT_OFFERS
        if fmt_param is not None and "/" in fmt_param:
            # some clients (SPARQLWrapper) name a media type here
            fmt: str | None = negotiate(fmt_param, offers)
            if fmt is None:
                allowed = ", ".join(dict.fromkeys(media for media, _ in offers))
                return _text(400, f"format={fmt_param} does not fit a {kind.upper()} query; "
                                  f"use one of: {allowed}.")
        elif fmt_param is not None:
            fmt = _FORMAT_ALIASES.get(fmt_param, fmt_param)
            if fmt not in {name for _, name in offers}:
                allowed = ", ".join(sorted({name for _, name in offers}))
                return _text(400, f"format={fmt_param} does not fit a {kind.upper()} query; "
                                  f"use one of: {allowed}.")
        else:
            fmt = negotiate(accept, offers)
            if fmt is None:
                allowed = ", ".join(dict.fromkeys(media for media, _ in offers))
                return _text(406, f"None of the accepted media types can be sent; offered: "
                                  f"{allowed}.")
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
                note = (f"<p class='warn'>Only the first {max_rows:,} results are shown "
                        "(the server's row limit).</p>")
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
            return _page("Bad request", "<p>Give both <code>from</code> and <code>to</code>.</p>",
                         status=400)
        path = (source, target) if source is not None and target is not None else None
        k_text, have = request.query_params.get("k", "3"), request.query_params.getlist("have")
        if not k_text.isdigit() or not 1 <= int(k_text) <= MAX_K:
            return _page("Bad request", f"<p><code>k</code> is a number from 1 to {MAX_K}.</p>",
                         status=400)

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
            return viz_page(store, focus=focus, path=path, k=int(k_text),  # type: ignore[arg-type]
                            have=have, planner=True)

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
        listed = [{**row, "iri": row["id"], "id": role_id(row["id"]), "url": _role_url(row["id"])}
                  for row in rows]
        fmt = request.query_params.get("format")
        if fmt == "html" or (fmt is None and negotiate(
            request.headers.get("accept"), [("application/json", "json"), ("text/html", "html")]
        ) == "html"):
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
            return _text(400, "A role id is a short name without control characters; "
                              "the roles are listed at /roles.")
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
        offers = [("application/ld+json", "jsonld"), ("application/json", "jsonld"),
                  ("text/html", "html")]
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


# ---------------------------------------------------------------------------
# Running the server
# ---------------------------------------------------------------------------


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
    store: Any,
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
        store, timeout=timeout, max_rows=max_rows, workers=workers,
        base_url=base_url or _url(sock),
    )
    # Ctrl-C should not wait for a long query to reach its time limit
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, timeout_graceful_shutdown=3
    )
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
