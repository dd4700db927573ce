"""The graph-folder format: manifest, lock, atomic writes of a new build.

A graph folder holds ``graph.ttl``, an embedded store (``store-<build id>/``),
``manifest.json`` naming both, and the projection cache. Builds, imports and
updates of one folder take turns (:func:`folder_lock`); a failed write leaves
the previous build as it was.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import GraphNotFoundError, UsageError

__all__ = ["PROJECTION_SUFFIX", "MANIFEST", "GRAPH_IRI", "Manifest", "read_manifest"]


MANIFEST = "manifest.json"


FORMAT_VERSION = 1


@dataclass
class Manifest:
    """What a graph folder holds; see the module docstring."""

    build_id: str
    store: str
    turtle: str
    projection: str
    created: str
    counts: dict[str, int] = field(default_factory=dict)
    sources: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: int = FORMAT_VERSION

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def read_manifest(graph_dir: Path) -> Manifest:
    """Read ``manifest.json`` of a graph folder.

    Raises
    ------
    GraphNotFoundError
        If the folder holds no built graph, or an unreadable manifest.
    """
    path = Path(graph_dir) / MANIFEST
    if not path.is_file():
        raise GraphNotFoundError(
            f"{graph_dir} holds no built graph (no {MANIFEST}). "
            "Run 'careergraph build --out DIR' or an import first."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (ValueError, TypeError) as exc:
        raise GraphNotFoundError(f"{path} is not a careergraph manifest: {exc}") from exc
    except OSError as exc:
        raise GraphNotFoundError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    for name in ("build_id", "store", "turtle", "projection"):
        value = getattr(manifest, name)
        # names of files in this very folder: nothing that points elsewhere
        if (
            not isinstance(value, str)
            or not value
            or value in (".", "..")
            or "/" in value
            or "\\" in value
            or "\x00" in value
        ):
            raise GraphNotFoundError(
                f"{path} is not a careergraph manifest: '{name}' must be the name of a file "
                f"in the folder, not {value!r}. Build the graph again."
            )
    for name in ("counts", "sources", "warnings"):
        kind = dict if name == "counts" else list
        if not isinstance(getattr(manifest, name), kind):
            raise GraphNotFoundError(
                f"{path} is not a careergraph manifest: '{name}' must be a {kind.__name__}. "
                "Build the graph again."
            )
    if manifest.format != FORMAT_VERSION:
        raise GraphNotFoundError(
            f"{graph_dir} was built by another careergraph version (format {manifest.format}); "
            "build it again."
        )
    return manifest


def _safe_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text).lstrip(".") or "_"


#: the lock file of a graph folder: builds, imports and updates of one folder take turns
LOCK_FILE = ".lock"


_HELD: dict[str, int] = {}  # 'thread folder' -> depth


_HELD_LOCK = threading.Lock()


#: temporary names only a build writes (the build holding the lock removes leftovers)
_BUILD_TEMPS = (".tmp-store-", ".tmp-graph-", ".tmp-manifest-")


@contextmanager
def folder_lock(out_dir: Path) -> Iterator[None]:
    """Hold the graph folder's lock; wait while another build, import or update holds it.

    The lock is an ``fcntl`` lock on ``out_dir/.lock``, so it is released
    when its holder ends, however it ends. Re-entrant within one thread.
    Once held, temporary files that a killed build left behind are removed.

    Raises
    ------
    UsageError
        If the folder cannot be created or its lock file not written.
    """
    out_dir = Path(out_dir)
    key = f"{threading.get_ident()} {out_dir.resolve()}"
    with _HELD_LOCK:
        if _HELD.get(key):
            _HELD[key] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _HELD_LOCK:
                _HELD[key] -= 1
        return
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = open(out_dir / LOCK_FILE, "a+b")  # noqa: SIM115 -- held until the end
    except OSError as exc:
        raise UsageError(
            f"Cannot write the graph folder {out_dir}: {exc.strerror or exc}. "
            "Choose another folder."
        ) from exc
    try:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            fcntl = None  # type: ignore[assignment]
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # waits for the other writer
        with _HELD_LOCK:
            _HELD[key] = 1
        try:
            _remove_leftovers(out_dir)
            yield
        finally:
            with _HELD_LOCK:
                _HELD.pop(key, None)
    finally:
        handle.close()  # releases the lock


def _remove_leftovers(out_dir: Path) -> None:
    """Remove what killed builds left: their temporary files, and old unfinished caches."""
    for path in out_dir.iterdir():
        name = path.name
        stale = name.startswith(_BUILD_TEMPS) or (
            name.startswith(".tmp-projection-") and time.time() - path.stat().st_mtime > 3600
        )
        if not stale:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


#: bytes of N-Quads per bulk load into the on-disk store (about 200,000 quads)
#: the file ending of a folder's cached projection (one data format, never pickle)
PROJECTION_SUFFIX = ".cgproj"


#: the IRI of the graph itself, which carries the build id (remote stores key caches on it)
GRAPH_IRI = "https://w3id.org/careergraph/id/graph"
