"""The app's HTML pages: a page frame with a strict Content-Security-Policy, results, role cards.

Every text from the graph is escaped; the only inline script is allowed by
its hash (:func:`graph.viz.safety.csp_hash`).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi.responses import HTMLResponse

from graph.namespaces import ID_IRI, PREFIXES
from graph.sparql.results import binding_text, shorten_iri
from graph.sparql.run import QueryResult
from graph.viz.safety import csp_hash, json_for_html
from graph.web.http import _role_url

__all__ = ["query_page_html"]


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
    scripts = "'none'" if script is None else csp_hash(script)
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
    moves_in = [
        f"{role_link(m)} <span class='note'>({e(m['kind'])})</span>"
        for m in card.get("moves_in", [])
    ]
    parts.append(section("Moves into this role", items(moves_in)))
    query = f"SELECT ?p ?o WHERE {{ <{card['id']}> ?p ?o }}"
    parts.append(
        f"<p class='note'><a href=\"/sparql?query={e(quote(query))}\">Its triples in SPARQL</a> · "
        f'<a href="{e(_role_url(card["id"]))}?format=jsonld">JSON-LD</a></p>'
    )
    return "".join(parts)


_DEFAULT_QUERY = """SELECT ?role ?label WHERE {
  ?role a cg:Role ; skos:prefLabel ?label .
}
ORDER BY ?label
LIMIT 20"""


def query_page_html(
    listed: list[dict[str, str]],
    query: str,
    result: str,
    error: str,
    status: int,
    *,
    timeout: float,
    max_rows: int | None,
) -> HTMLResponse:
    """The SPARQL query page: the form, the result or error, the examples, the endpoint's terms."""
    e = html.escape
    items = "".join(
        f'<li><button type="button" data-example="{i}">{e(x["name"])}</button>'
        f"{e(x['description'])}</li>"
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
        f"{json_for_html([x['text'] for x in listed], compact=False)}</script>"
    )
    return _page("careergraph SPARQL endpoint", body, status=status, script=_EXAMPLES_SCRIPT)
