"""Small JSON files in the cache folder that belong to one build of one graph folder.

The label index (:mod:`graph.sparql.labels`) and the planner's triple counts
(:mod:`graph.sparql.counts`) are worked out from a graph folder's store once
per build and kept as ``<cache>/<kind>/<folder hash>-<build id>-<name>.json``.
A file of another build or layout version is never read; a damaged one is made
again; a read-only cache folder leaves them in memory only.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from graph.store.base import Store

__all__ = ["cache_file", "read_cached", "write_cached"]


def cache_file(store: Store, kind: str, name: str) -> Path | None:
    """``<cache>/<kind>/<folder hash>-<build id>-<name>.json``; None for other stores."""
    from graph import resources
    from graph.store.folder import _safe_name
    from graph.store.local import LocalStore

    if not isinstance(store, LocalStore):
        return None
    folder = hashlib.sha256(str(store.graph_dir.resolve()).encode()).hexdigest()[:16]
    return resources.cache_dir() / kind / f"{folder}-{_safe_name(store.fingerprint)}-{name}.json"


def read_cached(path: Path, version: int, fingerprint: str) -> dict[str, Any] | None:
    """The file's data when it is of this layout ``version`` and build, else None."""
    try:
        data = json.loads(path.read_bytes())
        if not isinstance(data, dict):
            return None
        if data.get("version") != version or data.get("build") != fingerprint:
            return None
        return data
    except (OSError, ValueError):
        return None  # missing or damaged: made again


def write_cached(path: Path, version: int, fingerprint: str, data: dict[str, Any]) -> None:
    """Write ``data`` with its version and build, atomically; drop older builds' files."""
    data = {"version": version, "build": fingerprint, **data}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-cache-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        # the files of the folder's earlier builds are of no more use
        folder, _, rest = path.name.partition("-")
        for old in path.parent.glob(f"{folder}-*-{rest.rsplit('-', 1)[-1]}"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only cache folder: kept in memory only
