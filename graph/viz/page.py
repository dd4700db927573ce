"""The interactive graph page: one self-contained HTML file that works offline.

The page draws the networkx projection (:mod:`graph.projection.network`) with
vis-network: roles sized by how many moves pass through them, their moves,
and on request the skills, sectors, employers and salary bands attached to
them. ``--path`` pages draw the best routes over a faded context and label
every step with its skills to gain; ``--focus`` pages draw one role's
neighbourhood.

Safety and offline use are the design constraints, so the page is rendered
with our own template rather than pyvis's (whose default template loads
vis-network and Bootstrap from CDNs, has no autoescape and sets tooltip
``innerHTML`` from data):

- vis-network's JS and CSS are inlined from the copy bundled in the pyvis
  wheel; the page references no other host (no CDN, font or image URL) and
  a Content-Security-Policy forbids any request and any script but ours.
- Text from guides and data files only reaches the page as JSON inside
  ``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped;
  the page's script reads it with ``JSON.parse`` and builds tooltips and
  panels with ``textContent``, never as markup. The template is Jinja with
  autoescape on.

pyvis's ``Network`` class is not used to assemble the data: it checks every
new edge against a list of all nodes (quadratic on big graphs) and imports
IPython; plain dicts in vis-network's own data format are simpler.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx

from graph.errors import CareerGraphError, UsageError
from graph.store.base import Store
from graph.viz.data import (
    _DEFAULT_TITLE,
    DEFAULT_TYPES,
    EDGE_KINDS,
    MAX_NODES,
    _subtitle,
    page_data,
)
from graph.viz.nodes import NODE_KINDS
from graph.viz.safety import csp_hash, inline_script, json_for_html

__all__ = ["render_page", "write_page", "viz_page"]


#: most routes the planner form asks for (graph.web.api.MAX_K checks the same on the server)
PLANNER_MAX_K = 10


VIS_VERSION = "9.1.2"


def _version_key(folder: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in folder.name.removeprefix("vis-").split(".") if p.isdigit())


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS, from the copy in the pyvis wheel (pyvis is not imported)."""
    spec = importlib.util.find_spec("pyvis")
    found: list[Path] = []
    for folder in list(spec.submodule_search_locations or []) if spec else []:
        found += [
            js.parent
            for js in Path(folder).glob("templates/lib/vis-*/vis-network.min.js")
            if (js.parent / "vis-network.css").is_file()
        ]
    if not found:
        from graph.errors import DataError

        raise DataError(
            "vis-network was not found in the installed pyvis package; "
            "reinstall it with: pip install 'pyvis>=0.3.2'."
        )
    # the version this page was designed and tested with, else the newest bundled one
    lib = next((f for f in found if f.name == f"vis-{VIS_VERSION}"), max(found, key=_version_key))
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    return inline_script(js), css.replace("</style", "<\\/style")


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from graph.resources import package_file

    return Environment(
        loader=FileSystemLoader(str(package_file("templates"))),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=4)
def _page_script(name: str = "graph.js") -> str:
    from graph.resources import package_file

    return inline_script(package_file("templates", name).read_text(encoding="utf-8"))


def render_page(
    P: nx.DiGraph,
    *,
    focus: str | None = None,
    depth: int = 1,
    paths: Any = None,
    types: str | Iterable[str] | None = DEFAULT_TYPES,
    title: str | None = None,
    max_nodes: int = MAX_NODES,
    overview: bool = True,
    planner: bool = False,
) -> str:
    """Return the interactive graph page as one self-contained HTML string.

    Takes the same arguments as :func:`page_data`, plus ``title`` (the page's
    heading; text, escaped). The page needs no network: vis-network, styles
    and data are all inside it. ``planner`` adds the route planner's form
    (templates ``planner.*``), which asks ``careergraph serve``'s ``/api/``
    on the same origin and draws its answers in place; only a served page
    has it.

    Raises
    ------
    UsageError
        See :func:`page_data`.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph(skills={})
    >>> P.add_node("r:a", label="<b>Analyst</b>")
    >>> html = render_page(P, title="A & B")
    >>> "<title>A &amp; B</title>" in html, "<b>Analyst" in html
    (True, False)
    """
    from markupsafe import Markup

    from graph import __version__

    data = page_data(
        P,
        focus=focus,
        depth=depth,
        paths=paths,
        types=types,
        max_nodes=max_nodes,
        overview=overview,
    )
    meta = data["meta"]
    meta["style"] = {"nodes": NODE_KINDS, "edges": EDGE_KINDS}
    meta["version"] = __version__
    meta["build"] = P.graph.get("fingerprint")
    vis_js, vis_css = _vis_assets()
    page_js = _page_script()
    planner_js = _page_script("planner.js") if planner else ""
    scripts = [csp_hash(vis_js), csp_hash(page_js)]
    if planner:
        scripts.append(csp_hash(planner_js))
    csp = "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(scripts),
            "style-src 'unsafe-inline'",
            "img-src data:",
            # the planner asks the API of the server that sent the page, and nothing else
            *(["connect-src 'self'"] if planner else []),
            "base-uri 'none'",
            "form-action 'self'" if planner else "form-action 'none'",
        ]
    )
    template = _environment().get_template("graph.html.j2")
    return str(
        template.render(
            title=title or _DEFAULT_TITLE[meta["mode"]],
            subtitle=_subtitle(meta),
            meta=meta,
            node_kinds=NODE_KINDS,
            edge_kinds=EDGE_KINDS,
            csp=csp,
            vis_js=Markup(vis_js),
            vis_css=Markup(vis_css),
            page_js=Markup(page_js),
            planner=planner,
            planner_js=Markup(planner_js),
            planner_max_k=PLANNER_MAX_K,
            data_json=Markup(json_for_html(data)),
            version=__version__,
        )
    )


def write_page(html: str, path: str | os.PathLike[str]) -> Path:
    """Write the page to ``path`` atomically and return the path.

    The page goes to a temporary file beside ``path`` that then replaces it,
    so a failure leaves any previous page as it was.

    Raises
    ------
    CareerGraphError
        The page cannot be written (exit code 1); the message names the path.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     out = write_page("<!doctype html>", Path(folder) / "sub" / "g.html")
    ...     out.read_text()
    '<!doctype html>'
    """
    target = Path(path)
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".html")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(html)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise CareerGraphError(
            f"Cannot write the page to {target}: {exc.strerror or exc}. "
            "Any previous page there is unchanged; choose another file with --out."
        ) from exc
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
    return target


def viz_page(
    store: Store,
    *,
    focus: str | None = None,
    depth: int = 1,
    path: tuple[str, str] | None = None,
    k: int = 3,
    have: Iterable[str] = (),
    types: str | Iterable[str] | None = DEFAULT_TYPES,
    title: str | None = None,
    max_nodes: int = MAX_NODES,
    planner: bool = False,
) -> str:
    """Return the page for a store: resolve role names, search routes, render.

    ``path`` is ``(FROM, TO)`` as a person types them; the ``k`` best routes
    of :func:`graph.routes.reports.path_report` (honouring ``have``, skills already
    held) are drawn. Other arguments as in :func:`render_page`; a planner
    page of a graph too big to draw whole starts from an empty map.

    Raises
    ------
    UnknownRoleError, AmbiguousRoleError
        A role name does not resolve.
    NoRouteError
        ``path`` names two roles with no route between them.
    UsageError
        See :func:`page_data`.

    Examples
    --------
    >>> from graph.build.builtin import open_store
    >>> html = viz_page(open_store(), path=("TPM", "Director of Technical Program Management"))
    >>> "<title>Career routes</title>" in html
    True
    """
    from graph.projection.cache import load_projection

    P = load_projection(store)
    if path is not None and focus is not None:
        raise UsageError("Use --focus or --path, not both.")
    routes = None
    if path is not None:
        from graph.routes.reports import path_report

        routes = path_report(P, path[0], path[1], k=k, have=have)
    overview = not (
        planner and focus is None and routes is None and P.number_of_nodes() > max_nodes
    )
    return render_page(
        P,
        focus=focus,
        depth=depth,
        paths=routes,
        types=types,
        title=title,
        max_nodes=max_nodes,
        overview=overview,
        planner=planner,
    )
