"""The files shipped with the package, and the hash the built-in graph is cached under."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

import graph
from graph import __version__, resources


def _hash_by_pathlib(code: Path) -> str:
    """content_hash as first written, with pathlib globbing: what it must still give."""
    data = code / "data"
    ontology = [
        p if p.is_file() else code.parent / "ontology" / p.name
        for p in (code / "ontology" / "careers.ttl", code / "ontology" / "shapes.ttl")
    ]
    files = [*ontology, *sorted((data / "guides").glob("*.txt"))]
    files += sorted(p for p in data.rglob("*") if p.is_file() and p.suffix != ".txt")
    files += sorted((data / "gazetteer").glob("*.txt")) if (data / "gazetteer").is_dir() else []
    files += [code / "skills.py"]
    for package in ("build", "guides", "projection"):
        files += sorted((code / package).glob("*.py"))
    digest = hashlib.sha256(__version__.encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def test_the_content_hash_is_the_one_pathlib_globbing_gives() -> None:
    assert resources.content_hash() == _hash_by_pathlib(Path(graph.__file__).parent)


def test_the_content_hash_reads_files_in_pathlibs_order_and_changes_with_any(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a copy of the package with names whose order differs by string and by path part
    code = tmp_path / "graph"
    shutil.copytree(Path(graph.__file__).parent, code, ignore=shutil.ignore_patterns("__pycache__"))
    (code / "ontology").mkdir(exist_ok=True)
    for name in ("careers.ttl", "shapes.ttl"):
        shutil.copy(resources.ontology_path().parent / name, code / "ontology" / name)
    for name in ("a-b/x.json", "a/b.json", "a/.hidden", "a.b/c.tsv", ".txt", "z.TXT"):
        (code / "data" / name).parent.mkdir(parents=True, exist_ok=True)
        (code / "data" / name).write_text(name)
    monkeypatch.setattr(resources, "package_file", lambda *parts: code.joinpath(*parts))
    before = resources.content_hash()
    assert before == _hash_by_pathlib(code)
    (code / "data" / "a" / "b.json").write_text("changed")
    assert resources.content_hash() != before
    assert resources.content_hash() == _hash_by_pathlib(code)
