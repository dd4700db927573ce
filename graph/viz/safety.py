"""HTML safety for data in a page: JSON inside a script element, and the CSP hash of a script.

The viz page and the web app both embed JSON in ``<script>`` elements and
allow their inline scripts by hash; both use these helpers.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

__all__ = ["json_for_html", "inline_script", "csp_hash"]


def json_for_html(data: Any, *, compact: bool = True) -> str:
    r"""JSON that cannot end its ``<script>`` element or open markup, whatever the text holds.

    ``<``, ``>`` and ``&`` are escaped, and so are U+2028 and U+2029 (line
    breaks to older JavaScript parsers).

    Examples
    --------
    >>> json_for_html({"a": "</script>\u2028"})
    '{"a":"\\u003c/script\\u003e\\u2028"}'
    """
    separators = (",", ":") if compact else (", ", ": ")
    text = json.dumps(data, ensure_ascii=False, separators=separators)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def inline_script(code: str) -> str:
    """Script text that cannot end its ``<script>`` element early."""
    # '</script' would end the element early and '<!--' changes how it is parsed;
    # '<\/' and '<\!' mean the same inside JS strings and regexes, the only places they occur
    return (
        code.replace("</script", "<\\/script")
        .replace("</SCRIPT", "<\\/SCRIPT")
        .replace("<!--", "<\\!--")
    )


def csp_hash(code: str) -> str:
    """The Content-Security-Policy source (``'sha256-...'``) that allows this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"
