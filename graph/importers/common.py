"""What every importer shares: reading tables strictly, emitting quads fast, progress, writing.

Importers turn public taxonomies into the same triples as the guides. They
are big (about a million triples), so triples are built directly as
``pyoxigraph`` quads rather than through rdflib, and tables are read with the
``csv`` module, checking the header and every row: a bad row is skipped,
counted and reported with its line number, never silently used.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from rdflib import URIRef

from graph.errors import ImportDataError
from graph.vocab import CG, CG_IRI, ID_IRI, PREFIXES

__all__ = [
    "Table",
    "read_table",
    "Quads",
    "ImportReport",
    "Progress",
    "NullProgress",
    "terminal_progress",
    "guide_fill",
    "write_import",
    "BAD_ROWS_SHOWN",
    "MAX_BAD_FRACTION",
]

#: how many bad rows a message lists by line number; the rest are counted
BAD_ROWS_SHOWN = 5
#: more bad rows than this share of a table means the file is not what we think: stop
MAX_BAD_FRACTION = 0.5

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
XSD = PREFIXES["xsd"]
DCT = PREFIXES["dcterms"]
SCHEMA = PREFIXES["schema"]


@dataclass
class Table:
    """The good rows of one table, and the line numbers of the bad ones.

    ``rows`` are lists of cell strings in the order of the ``columns`` asked
    for (not the file's order), so the importers do not depend on the order
    of columns in a release.
    """

    path: Path
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)

    def bad_summary(self) -> str | None:
        """One line saying which rows were skipped, or None when every row was good.

        Examples
        --------
        >>> t = Table(Path("Skills.txt"), ["a"], bad=[(3, "2 fields, expected 15")])
        >>> t.bad_summary()
        'Skills.txt: skipped 1 bad row: line 3 (2 fields, expected 15)'
        """
        if not self.bad:
            return None
        shown = ", ".join(f"line {n} ({why})" for n, why in self.bad[:BAD_ROWS_SHOWN])
        more = len(self.bad) - BAD_ROWS_SHOWN
        rest = f" and {more} more" if more > 0 else ""
        plural = "s" if len(self.bad) != 1 else ""
        return f"{self.path.name}: skipped {len(self.bad)} bad row{plural}: {shown}{rest}"


def read_table(
    path: Path,
    columns: Sequence[str],
    *,
    needed_for: str,
    delimiter: str = "\t",
    check: Callable[[list[str]], str | None] | None = None,
    optional: bool = False,
) -> Table | None:
    """Read a delimited table with a header row, strictly.

    Parameters
    ----------
    path : Path
        The file.
    columns : list of str
        The columns the importer uses; the header must hold all of them
        (others are ignored).
    needed_for : str
        What the file is needed for, for the message when it is missing.
    delimiter : str
        ``"\\t"`` for O*NET text files, ``","`` for ESCO and OEWS CSV.
    check : callable, optional
        Given the selected cells of a row, returns why the row is malformed,
        or None when it is good.
    optional : bool
        Return None instead of raising when the file is missing.

    Returns
    -------
    Table or None

    Raises
    ------
    ImportDataError
        The file is missing (unless optional), has no header or lacks columns,
        or more than half of its rows are bad.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "t.txt"
    >>> _ = p.write_text("a\\tb\\n1\\t2\\n3\\n", encoding="utf-8")
    >>> t = read_table(p, ["b", "a"], needed_for="a test")
    >>> t.rows, t.bad
    ([['2', '1']], [(3, '1 field, expected 2')])
    """
    path = Path(path)
    if not path.is_file():
        if optional:
            return None
        raise ImportDataError(f"Missing file {path}: it is needed for {needed_for}.")
    table = Table(path=path, columns=list(columns))
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ImportDataError(f"Cannot read {path}: {exc}") from exc
    with handle:
        reader = csv.reader(handle, delimiter=delimiter, quoting=_quoting(delimiter))
        try:
            header = next(reader, None)
            if header is None:
                raise ImportDataError(f"{path} is empty; it should start with a header row.")
            header = [h.strip() for h in header]
            missing = [c for c in columns if c not in header]
            if missing:
                raise ImportDataError(
                    f"{path} lacks the column{'s' if len(missing) > 1 else ''} "
                    f"{', '.join(repr(c) for c in missing)}. Expected columns: "
                    f"{', '.join(columns)}; found: {', '.join(header) or 'none'}."
                )
            picks = [header.index(c) for c in columns]
            pick = itemgetter(*picks) if len(picks) > 1 else lambda r, i=picks[0]: (r[i],)
            strip = str.strip
            width = len(header)
            rows, bad = table.rows, table.bad
            # csv counts physical lines; a record starts on the line after the previous one ended
            start = reader.line_num + 1
            for record in reader:
                line = start
                start = reader.line_num + 1
                n = len(record)
                if n != width or n == 1:
                    if not record or record == [""]:
                        continue
                    if n != width:
                        bad.append((line, f"{n} field{'s' if n != 1 else ''}, expected {width}"))
                        continue
                cells = list(map(strip, pick(record)))
                if check is not None:
                    why = check(cells)
                    if why:
                        bad.append((line, why))
                        continue
                rows.append(cells)
        except csv.Error as exc:
            raise ImportDataError(f"{path}:{reader.line_num}: not a readable table: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise ImportDataError(f"{path} is not UTF-8 text: {exc}") from exc
    total = len(table.rows) + len(table.bad)
    if table.bad and len(table.bad) > MAX_BAD_FRACTION * total:
        raise ImportDataError(
            f"{table.bad_summary()}; that is most of the file, so it is not in the expected "
            f"layout. Expected columns: {', '.join(columns)}."
        )
    return table


def _quoting(delimiter: str) -> Any:
    # O*NET text files are tab-separated with bare quotes inside values (e.g. 5" nails)
    return csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL


class Quads:
    r"""A buffer of triples as N-Triples text: the fast way to make a million triples.

    Nodes are their N-Triples spelling (``<iri>``, ``"text"``,
    ``"4.5"^^<...#decimal>``), so adding a triple joins three strings and
    nothing else; the store parses the text in bulk. Every IRI is checked
    once, when it is first made, so a bad one fails where it comes from.
    pyoxigraph terms may be passed to :meth:`add` too: they print as N-Triples.

    Examples
    --------
    >>> q = Quads()
    >>> role = q.iri("https://example.org/r")
    >>> q.add(role, q.rdfs("label"), q.text('Role "A"'))
    >>> q.add(role, q.cg(CG.importance), q.decimal("4.5"))
    >>> len(q)
    2
    >>> print(q.lines[0], end="")
    <https://example.org/r> <http://www.w3.org/2000/01/rdf-schema#label> "Role \"A\"" .
    """

    def __init__(self, store: Any = None, batch: int = 100_000) -> None:
        import pyoxigraph as ox

        self._ox = ox
        # with a store, triples go into it every ``batch`` triples, so the text stays small
        self.store = store
        self.batch = batch
        self.written = 0
        self._terms: dict[URIRef, str] = {}
        self.lines: list[str] = []
        self._nodes: dict[str, str] = {}
        self._decimal = "^^" + self.iri(XSD + "decimal")
        self._integer = "^^" + self.iri(XSD + "integer")
        boolean = "^^" + self.iri(XSD + "boolean")
        self._true = '"true"' + boolean
        self._false = '"false"' + boolean
        self.type = self.iri(RDF + "type")

    def __len__(self) -> int:
        return self.written + len(self.lines)

    @property
    def quads(self) -> list[Any]:
        """The buffered triples as ``pyoxigraph.Quad`` objects (slow; for tests and small sets)."""
        return list(self._ox.parse(self._data(), format=self._ox.RdfFormat.N_TRIPLES))

    def iri(self, value: str) -> str:
        node = self._nodes.get(value)
        if node is None:
            self._ox.NamedNode(value)  # raises ValueError on a malformed IRI
            node = self._nodes[value] = f"<{value}>"
        return node

    def cg(self, term: URIRef) -> str:
        """A term of the ontology, named through the checked namespace (``CG.Role``)."""
        node = self._terms.get(term)
        if node is None:
            if not term.startswith(CG_IRI):
                raise ValueError(f"{term} is not a careergraph ontology term")
            node = self._terms[term] = self.iri(str(term))
        return node

    def id(self, path: str) -> str:
        return self.iri(ID_IRI + path)

    def rdfs(self, term: str) -> str:
        return self.iri(RDFS + term)

    def skos(self, term: str) -> str:
        return self.iri(SKOS + term)

    def dct(self, term: str) -> str:
        return self.iri(DCT + term)

    def schema(self, term: str) -> str:
        return self.iri(SCHEMA + term)

    def text(self, value: str) -> str:
        return _quoted(value)

    def decimal(self, value: str | float) -> str:
        return _quoted(str(value)) + self._decimal

    def integer(self, value: int) -> str:
        return f'"{int(value)}"{self._integer}'

    def boolean(self, value: bool) -> str:
        return self._true if value else self._false

    def typed(self, value: str, datatype: str) -> str:
        return _quoted(value) + "^^" + self.iri(datatype)

    def add(self, s: Any, p: Any, o: Any) -> None:
        self.lines.append(f"{s} {p} {o} .\n")
        if self.store is not None and len(self.lines) >= self.batch:
            self.flush_into(self.store)

    def labelled(self, node: Any, label: str, *classes: Any) -> None:
        """Type a node and give it the rdfs:label and skos:prefLabel every concept has."""
        for cls in classes:
            self.add(node, self.type, cls)
        lit = self.text(label)
        self.add(node, self.rdfs("label"), lit)
        self.add(node, self.skos("prefLabel"), lit)

    def dataset(self, node: Any, meta: dict[str, str]) -> None:
        """Describe a source dataset: title, licence, source URL, version, citation."""
        self.add(node, self.type, self.cg(CG.Dataset))
        self.add(node, self.type, self.schema("Dataset"))
        self.add(node, self.type, self.iri(PREFIXES["prov"] + "Entity"))
        self.add(node, self.rdfs("label"), self.text(meta["title"]))
        self.add(node, self.dct("title"), self.text(meta["title"]))
        self.add(node, self.dct("license"), self.iri(meta["license"]))
        self.add(node, self.dct("source"), self.iri(meta["url"]))
        self.add(node, self.schema("version"), self.text(meta["version"]))
        self.add(node, self.dct("publisher"), self.text(meta["publisher"]))
        self.add(node, self.dct("bibliographicCitation"), self.text(meta["citation"]))
        if meta.get("rights"):
            self.add(node, self.dct("rights"), self.text(meta["rights"]))

    def _data(self) -> bytes:
        return "".join(self.lines).encode("utf-8")

    def flush_into(self, store: Any) -> int:
        """Load the buffered triples into a pyoxigraph store and empty the buffer."""
        n = len(self.lines)
        if n:
            # every IRI was checked when made and every literal escaped: no need to parse strictly
            store.bulk_load(
                self._data(),
                format=self._ox.RdfFormat.N_TRIPLES,
                to_graph=self._ox.DefaultGraph(),
                lenient=True,
            )
        self.written += n
        self.lines = []
        return n


#: what N-Triples escapes inside a quoted literal
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _quoted(value: str) -> str:
    r"""A string as an N-Triples literal.

    Examples
    --------
    >>> print(_quoted('a "b"\\c\nd'))
    "a \"b\"\\c\nd"
    """
    if '"' in value or "\\" in value or "\n" in value or "\r" in value:
        value = value.translate(_ESCAPES)  # most texts need none: finding that out is faster
    return '"' + value + '"'


@dataclass
class ImportReport:
    """What an import wrote: where, counts, skipped rows and other warnings."""

    dataset: str
    out_dir: str | None = None
    build_id: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Progress:
    """Where importers report progress; the CLI passes a terminal progress bar."""

    def start(self, description: str, total: int | None = None) -> None:
        """Begin a step."""

    def advance(self, n: int = 1) -> None:
        """Move the current step on by ``n``."""


NullProgress = Progress


@contextmanager
def terminal_progress(enabled: bool | None = None) -> Iterator[Progress]:
    """A rich progress bar on stderr, only when stderr is a terminal.

    Examples
    --------
    >>> with terminal_progress(enabled=False) as p:
    ...     p.start("reading", 3)
    ...     p.advance()
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield Progress()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.progress import Progress as RichProgress

    bar = RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    )

    class _Rich(Progress):
        task: Any = None

        def start(self, description: str, total: int | None = None) -> None:
            if self.task is not None:
                t = bar.tasks[-1]
                bar.update(self.task, completed=t.total or t.completed, total=t.total or 1)
            self.task = bar.add_task(description, total=total if total else 1)

        def advance(self, n: int = 1) -> None:
            if self.task is not None:
                bar.advance(self.task, n)

    with bar:
        progress = _Rich()
        yield progress
        if progress.task is not None:
            t = bar.tasks[-1]
            bar.update(progress.task, completed=t.total or 1)


def guide_fill(store: Any) -> tuple[Any, dict[str, str], list[str]]:
    """Load the ontology and the shipped guides into ``store``.

    Returns
    -------
    (rdflib.Graph, dict, list of str)
        The guide graph, a map from every normalised guide role label to its
        IRI (for ``skos:closeMatch`` links), and the build's warnings.
    """
    from graph.build.pipeline import load_into, ontology_graph, parse_guides
    from graph.guides.triples import guide_graph
    from graph.skills import normalize

    guides = parse_guides()
    data, report = guide_graph(guides)
    load_into(store, ontology_graph())
    load_into(store, data)
    # read off the graph's triples (a SPARQL query through rdflib took a hundred times longer);
    # a label two roles share names the first role in IRI order
    labels: dict[str, str] = {}
    kinds = [URIRef(RDFS + "label"), URIRef(SKOS + "altLabel"), URIRef(SKOS + "hiddenLabel")]
    for role in sorted(set(data.subjects(URIRef(RDF + "type"), URIRef(CG_IRI + "Role"))), key=str):
        for kind in kinds:
            for label in sorted(data.objects(role, kind), key=str):
                labels.setdefault(normalize(str(label)), str(role))
    return data, labels, list(report.warnings)


def write_import(
    out_dir: Path,
    fill: Callable[[Any], None],
    report: ImportReport,
    sources: list[dict[str, Any]],
    progress: Progress,
) -> ImportReport:
    """Write a graph folder (guides + ontology + ``fill``'s triples) atomically.

    The previous graph in ``out_dir`` stays as it was if anything fails.
    """
    from graph.store.counts import graph_counts
    from graph.store.write import write_graph

    def after(local: Any) -> None:
        progress.start("Building the route projection and similarity model", 1)
        try:
            from graph.projection.cache import write_projection
        except ImportError:  # pragma: no cover - the projection module is optional
            return
        write_projection(local)
        progress.advance()

    manifest = write_graph(
        Path(out_dir),
        fill,
        counts=graph_counts,
        sources=sources,
        warnings=report.warnings,
        after=after,
    )
    report.out_dir = str(out_dir)
    report.build_id = manifest.build_id
    report.counts = dict(manifest.counts)
    return report
