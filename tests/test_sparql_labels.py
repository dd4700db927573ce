"""The label index that finds what a parameter value names, against the SPARQL it stands in for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import graph.sparql.labels as labels_module
import graph.sparql.params as params_module
from graph import resources
from graph.errors import CareerGraphError
from graph.sparql.cachefiles import cache_file
from graph.sparql.labels import LABEL_PATH, _build, label_index, lowercase
from graph.sparql.named import CLASS_TYPES
from graph.sparql.params import _label_matches, _slug_iri, resolve_name
from graph.store.local import LocalStore
from tests.test_sparql import FIXTURE, make_graph

CG = "https://w3id.org/careergraph/ontology#"
ID = "https://w3id.org/careergraph/id/"


@pytest.fixture(scope="module")
def mini_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_graph(tmp_path_factory.mktemp("labels") / "graph")


@pytest.fixture(scope="module")
def mini(mini_dir: Path) -> LocalStore:
    return LocalStore(mini_dir)


def _answer(store: LocalStore, ptype: str, value: str) -> str:
    try:
        return resolve_name(store, ptype, value)
    except CareerGraphError as exc:
        return f"{type(exc).__name__}: {exc}"


def _values() -> list[tuple[str, str]]:
    """Every label of the fixture's named things, in other cases, as slugs, in part, misspelt."""
    text = FIXTURE.read_text(encoding="utf-8")
    found = {t for t in text.split('"')[1::2] if t and len(t) < 80}
    values = {"tpm", "senior-tpm", "budgeting", "google", "senior", "Nobody", "", "  "}
    for label in found:
        values |= {label, f" {label.upper()} "}
    # a part of a label (found by the query alone, after the index): for roles, as the commonest
    parts = {label[: len(label) // 2] for label in found}
    return [(ptype, v) for ptype in sorted(CLASS_TYPES) for v in sorted(values)] + [
        ("Role", part) for part in sorted(parts)
    ]


@pytest.mark.parametrize(("ptype", "value"), _values())
def test_the_index_gives_the_answer_and_the_error_of_the_query(
    mini: LocalStore, monkeypatch: pytest.MonkeyPatch, ptype: str, value: str
) -> None:
    with_index = _answer(mini, ptype, value)
    monkeypatch.setattr(params_module, "label_index", lambda *args: None)
    assert with_index == _answer(mini, ptype, value)


def _store_with(folder: Path, labels: list[tuple[int, str, str]]) -> LocalStore:
    """A store of roles 0..n with the given (role, property, label) triples (and its ontology)."""
    raw = ox.Store()
    role = ox.NamedNode(CG + "Role")
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    props = {
        "alt": "http://www.w3.org/2004/02/skos/core#altLabel",
        "hidden": "http://www.w3.org/2004/02/skos/core#hiddenLabel",
        "notation": "http://www.w3.org/2004/02/skos/core#notation",
        "name": "https://schema.org/name",
    }
    for n, prop, label in labels:
        x = ox.NamedNode(f"{ID}role/r{n}")
        raw.add(ox.Quad(x, a, role))
        raw.add(ox.Quad(x, ox.NamedNode(props[prop]), ox.Literal(label)))
    return LocalStore(folder, raw=raw)


_TEXT = st.text(alphabet=st.sampled_from("aAbBsSσΣςİiıIẞß\u1c89\u1c8a -."), max_size=4)


@settings(max_examples=150, deadline=None)
@given(
    labels=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(["alt", "hidden", "notation", "name"]), _TEXT),
        min_size=1,
        max_size=8,
    ),
    value=_TEXT,
)
# Python lowercases U+1C89 to itself, the store (a newer Unicode) to U+1C8A: with Python's
# str.lower the index would find one role where the query finds two
@example(labels=[(0, "alt", "A\u1c89"), (1, "alt", "a\u1c8a")], value="a\u1c8a")
def test_the_index_names_one_role_exactly_when_the_query_does(
    mini_dir: Path, labels: list[tuple[int, str, str]], value: str
) -> None:
    store = _store_with(mini_dir, labels)
    cls, slug_ns = CLASS_TYPES["Role"]
    rows = _label_matches(store, cls, value, slug_ns)
    expected = str(rows[0]["x"]) if len(rows) == 1 else None
    index = _build(store, cls)
    key = lowercase(store, str(ox.Literal(value.strip())))
    assert index.only(key, also=_slug_iri(value, slug_ns)) == expected


def _label_queries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the queries that read every label (the ones the index saves)."""
    seen: list[str] = []
    select = LocalStore.select

    def counting(self: LocalStore, query: str, *args: Any, **kwargs: Any) -> Any:
        if LABEL_PATH in query or "LCASE(STR(?l))" in query:
            seen.append(query)
        return select(self, query, *args, **kwargs)

    monkeypatch.setattr(LocalStore, "select", counting)
    return seen


def test_the_index_is_made_once_per_build_and_read_from_the_cache(
    mini: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = cache_file(mini, "labels", "Role")
    assert path is not None
    path.unlink(missing_ok=True)
    labels_module._MEMO.clear()
    seen = _label_queries(monkeypatch)
    assert resolve_name(mini, "Role", "technical program manager") == ID + "role/tpm"
    assert len(seen) == 1  # the index was made
    labels_module._MEMO.clear()  # as a new process would
    assert resolve_name(mini, "Role", "Senior TPM") == ID + "role/senior-tpm"
    assert len(seen) == 1  # read from its file: no label was read from the store
    folder = path.name.split("-")[0]  # this graph folder's indexes, one per build
    files = list((resources.cache_dir() / "labels").glob(f"{folder}-*-Role.json"))
    assert [json.loads(f.read_text())["build"] for f in files] == [mini.fingerprint]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: "not json at all",
        lambda data: json.dumps({**data, "build": "another build"}),
        lambda data: json.dumps({**data, "version": 0}),
        lambda data: json.dumps({**data, "labels": ["a list"]}),
    ],
)
def test_a_damaged_or_outdated_index_file_is_made_again(
    mini: LocalStore, monkeypatch: pytest.MonkeyPatch, damage: Any
) -> None:
    cls = CLASS_TYPES["Role"][0]
    label_index(mini, "Role", cls)
    path = cache_file(mini, "labels", "Role")
    assert path is not None
    path.write_text(damage(json.loads(path.read_text())))
    labels_module._MEMO.clear()
    seen = _label_queries(monkeypatch)
    assert resolve_name(mini, "Role", "TPM") == ID + "role/tpm"
    assert len(seen) == 1  # made again from the store
    assert json.loads(path.read_text())["build"] == mini.fingerprint


def test_a_new_build_of_a_folder_replaces_its_index_files(tmp_path: Path) -> None:
    folder = make_graph(tmp_path / "graph")
    first = LocalStore(folder)
    assert resolve_name(first, "Role", "TPM") == ID + "role/tpm"
    old = cache_file(first, "labels", "Role")
    assert old is not None and old.is_file()
    second = LocalStore(make_graph(folder))  # built again: another build id
    assert second.fingerprint != first.fingerprint
    assert resolve_name(second, "Role", "TPM") == ID + "role/tpm"
    new = cache_file(second, "labels", "Role")
    assert new is not None and new.is_file() and not old.exists()
