"""Take the README's screenshots: a ``careergraph viz --path`` page, and the route planner.

Renders the route page from Technical Program Manager to Director of
Technical Program Management on the built-in graph (or ``--graph DIR``),
opens it in headless Chromium and saves a 1400x900 PNG. With ``--planner``
it serves the graph on 127.0.0.1 instead, types the question into the
planner's form as a person would (picking the roles and a skill from the
autocomplete) and saves the page with the answer drawn. Needs Debian's
``chromium`` (or ``--chromium PATH``) and Playwright for Python; no browser
is downloaded.

    python scripts/screenshot.py            # writes scripts/assets/path-page.png
    python scripts/screenshot.py --planner  # writes scripts/assets/planner.png
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", help="Graph folder (default: the built-in graph).")
    parser.add_argument(
        "--out",
        type=Path,
        help="PNG to write (default: scripts/assets/path-page.png or planner.png).",
    )
    parser.add_argument(
        "--planner",
        action="store_true",
        help="Shoot the route planner of 'careergraph serve' with an answer.",
    )
    parser.add_argument(
        "--have", default="Risk management", help="A skill to pick in the planner's form."
    )
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument(
        "--from", dest="source", default="Technical Program Manager (Infrastructure & Delivery)"
    )
    parser.add_argument("--to", dest="target", default="Director of Technical Program Management")
    args = parser.parse_args()
    assets = ROOT / "scripts" / "assets"
    if args.planner:
        args.out = args.out or assets / "planner.png"
        planner(args)
        return
    args.out = args.out or assets / "path-page.png"

    from playwright.sync_api import sync_playwright

    from graph.build.builtin import open_store
    from graph.viz.page import viz_page, write_page

    html = viz_page(open_store(args.graph), path=(args.source, args.target))
    with tempfile.TemporaryDirectory() as folder:
        page_file = write_page(html, Path(folder) / "path.html")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(page_file.as_uri())
            page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
    print(f"Wrote {args.out}")


def planner(args: argparse.Namespace) -> None:
    from playwright.sync_api import sync_playwright

    from graph.build.builtin import open_store
    from graph.web.app import create_app
    from graph.web.serving import BackgroundServer

    with (
        BackgroundServer(create_app(open_store(args.graph), workers=1)) as url,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=args.chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
        for field, text in (("from", args.source), ("to", args.target), ("have", args.have)):
            page.type(f"#plan-{field}", text[:12], delay=20)
            page.wait_for_selector(f"#plan-{field}-options li", timeout=30_000)
            page.click(f"#plan-{field}-options li:has-text({text!r})")
        page.select_option("#plan-education", "bachelor")
        page.fill("#plan-years", "4")
        page.click("#plan-go")
        page.wait_for_selector("body[data-plan=ready]", state="attached", timeout=60_000)
        page.wait_for_timeout(300)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out))
        browser.close()
    print(f"Wrote {args.out}")


if __name__ == "__main__":
    main()
