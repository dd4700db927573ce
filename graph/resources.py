"""The one place that finds files shipped with careergraph.

Everything is found through :mod:`importlib.resources`, so a plain
``pip install .`` works from any folder. In a source checkout the ontology
lives at the top level (``ontology/``) and the wheel carries it as
``graph/ontology``; both are looked for.
"""

from __future__ import annotations

import hashlib
import os
from importlib import resources
from pathlib import Path

__all__ = [
    "package_file",
    "ontology_path",
    "shapes_path",
    "guides_dir",
    "data_path",
    "queries_dir",
    "shipped_guides",
    "content_hash",
    "cache_dir",
]


def package_file(*parts: str) -> Path:
    """Return the path of a file shipped inside the ``graph`` package.

    Examples
    --------
    >>> package_file("data", "skills.tsv").name
    'skills.tsv'
    """
    root = resources.files("graph")
    return Path(str(root.joinpath(*parts)))


def _ontology_file(name: str) -> Path:
    shipped = package_file("ontology", name)
    if shipped.is_file():
        return shipped
    # a source checkout (editable install, or tests run from the repository)
    return Path(__file__).resolve().parent.parent / "ontology" / name


def ontology_path() -> Path:
    """Return the path of ``careers.ttl``, the OWL ontology.

    Examples
    --------
    >>> ontology_path().is_file()
    True
    """
    return _ontology_file("careers.ttl")


def shapes_path() -> Path:
    """Return the path of ``shapes.ttl``, the SHACL shapes."""
    return _ontology_file("shapes.ttl")


def data_path(*parts: str) -> Path:
    """Return a path under the package's ``data/`` folder."""
    return package_file("data", *parts)


def guides_dir() -> Path:
    """Return the folder of the shipped career guides."""
    return data_path("guides")


def queries_dir() -> Path:
    """Return the folder of the shipped named SPARQL queries (``*.rq``)."""
    return package_file("queries")


def shipped_guides() -> list[Path]:
    """Return the shipped guide files, sorted by name.

    Examples
    --------
    >>> any(p.name.startswith("technical-program-manager") for p in shipped_guides())
    True
    """
    return sorted(guides_dir().glob("*.txt"))


def content_hash() -> str:
    """Return a short hash of everything the built-in graph is built from.

    The built-in graph is cached under :func:`cache_dir` by this hash, so it is
    rebuilt exactly when the shipped guides, vocabularies, ontology, the code
    that builds it, or the package version change.
    """
    from graph import __version__

    digest = hashlib.sha256(__version__.encode())
    for path in _built_from():
        digest.update(os.path.basename(path).encode())
        with open(path, "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:16]


def _built_from() -> list[str]:
    """The files :func:`content_hash` reads, in its order.

    Listed with ``os.scandir`` rather than ``pathlib`` globbing (a few
    milliseconds less on every command that reads the built-in graph), sorted
    as pathlib sorts paths: part by part.
    """
    code = str(package_file())
    data = os.path.join(code, "data")

    def listed(folder: str, suffix: str) -> list[str]:
        try:
            with os.scandir(folder) as entries:
                return sorted(e.path for e in entries if e.name.endswith(suffix))
        except OSError:
            return []

    everything = [
        os.path.join(folder, name)
        for folder, _, names in os.walk(data)
        for name in names
        if os.path.splitext(name)[1] != ".txt"
    ]
    guides = listed(os.path.join(data, "guides"), ".txt")
    files = [str(ontology_path()), str(shapes_path()), *guides]
    files += sorted((p for p in everything if os.path.isfile(p)), key=lambda p: p.split(os.sep))
    files += listed(os.path.join(data, "gazetteer"), ".txt")
    files.append(os.path.join(code, "skills.py"))
    for package in ("build", "guides", "projection"):
        files += listed(os.path.join(code, package), ".py")
    return files


def cache_dir() -> Path:
    """Return careergraph's cache folder (``$CAREERGRAPH_CACHE`` or the XDG cache)."""
    env = os.environ.get("CAREERGRAPH_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "careergraph"
