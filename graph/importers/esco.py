"""The ESCO classification (v1.1 CSV) -> roles, skills and essential/optional requirements.

ESCO's own concept URIs name its occupations (``cg:Role``) and skills
(``cg:Skill``; knowledge also ``cg:Knowledge``), so the graph links straight
back to ESCO. Preferred labels become ``skos:prefLabel``/``rdfs:label``; the
newline-separated alternative and hidden labels become ``skos:altLabel`` and
``skos:hiddenLabel``. An occupation-skill relation becomes a
``cg:SkillRequirement`` with ``cg:essential`` and an importance (4.0 essential,
2.0 optional, on the 1-5 Importance scale) so skill deltas and similarity treat
the two differently; the essential ones also get the ``cg:requiresSkill`` shortcut. The occupation
hierarchy and the ISCO-08 groups become ``skos:broader`` links, ISCO codes
``skos:notation``.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph.collector import collector_paused
from graph.errors import ImportDataError
from graph.importers.common import (
    ImportReport,
    Progress,
    Quads,
    Table,
    guide_fill,
    read_table,
    write_import,
)
from graph.importers.sources import open_source
from graph.levels import isco_skill_level
from graph.vocab import CG

__all__ = [
    "ESCO_META",
    "FILES",
    "ESSENTIAL",
    "OPTIONAL",
    "EscoData",
    "read_esco",
    "esco_quads",
    "import_esco",
]

ESCO_META = {
    "title": "ESCO classification v1.1.1 (European Skills, Competences, Qualifications and "
    "Occupations)",
    "license": "https://eur-lex.europa.eu/eli/dec/2011/833/oj",
    "url": "https://esco.ec.europa.eu",
    "version": "1.1.1",
    "publisher": "European Commission, Directorate-General for Employment, Social Affairs and "
    "Inclusion",
    "citation": "ESCO classification v1.1.1, © European Union, https://esco.ec.europa.eu",
    "rights": (
        "Reused under the European Commission's reuse policy (Commission Decision 2011/833/EU), "
        "which allows reuse with acknowledgement of the source; modified and derived from the "
        "original."
    ),
}

#: importance given to essential and optional skills, on the 1-5 Importance scale O*NET uses,
#: so route search's threshold (importance >= 3 counts as a skill to gain) reads both alike
ESSENTIAL = "4.0"
OPTIONAL = "2.0"

ESCO = "http://data.europa.eu/esco/"

#: what ``import esco`` reads, for messages
ESCO_RELEASE = "the ESCO CSV release (its zips or the folder of its CSV files)"
#: ESCO v1.1.1 ships the relations apart from the labels
ESCO_HINT = (
    "ESCO v1.1.1 ships the relations (occupationSkillRelations.csv, "
    "broaderRelationsOccPillar.csv) in its language-independent zip ('ESCO dataset - v1.1.1 - "
    "classification -  - csv.zip'): give it beside the English one."
)

FILES: dict[str, tuple[list[str], str]] = {
    "occupations_en.csv": (
        [
            "conceptUri",
            "iscoGroup",
            "preferredLabel",
            "altLabels",
            "hiddenLabels",
            "description",
            "code",
            "regulatedProfessionNote",
        ],
        "the occupations (every role)",
    ),
    "skills_en.csv": (
        ["conceptUri", "skillType", "preferredLabel", "altLabels", "hiddenLabels", "description"],
        "the skills and knowledge concepts",
    ),
    "occupationSkillRelations.csv": (
        ["occupationUri", "relationType", "skillUri"],
        "the essential and optional skills of each occupation",
    ),
    "broaderRelationsOccPillar.csv": (
        ["conceptUri", "broaderUri"],
        "the occupation hierarchy (skos:broader)",
    ),
    "ISCOGroups_en.csv": (
        ["conceptUri", "code", "preferredLabel"],
        "the ISCO-08 groups occupations belong to",
    ),
}


def _uri_check(*positions: int) -> Any:
    def check(cells: list[str]) -> str | None:
        for i in positions:
            if not cells[i].startswith(ESCO):
                return f"'{cells[i][:60]}' is not an ESCO URI"
        return None

    return check


def _relation_check(cells: list[str]) -> str | None:
    why = _uri_check(0, 2)(cells)
    if why:
        return why
    if cells[1] not in ("essential", "optional"):
        return f"relationType '{cells[1]}' is not essential or optional"
    return None


_CHECKS = {
    "occupations_en.csv": lambda c: _uri_check(0)(c) or (None if c[2] else "no preferredLabel"),
    "skills_en.csv": lambda c: _uri_check(0)(c) or (None if c[2] else "no preferredLabel"),
    "occupationSkillRelations.csv": _relation_check,
    "broaderRelationsOccPillar.csv": _uri_check(0, 1),
    "ISCOGroups_en.csv": lambda c: _uri_check(0)(c) or (None if c[2] else "no preferredLabel"),
}


class EscoData:
    """The checked tables of an ESCO release."""

    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}
        self.warnings: list[str] = []


@collector_paused()
def read_esco(src_dir: Path, progress: Progress | None = None) -> EscoData:
    """Read and check the ESCO CSV files the graph uses.

    Raises
    ------
    ImportDataError
        A file is missing, lacks columns, or is mostly malformed.
    """
    src = Path(src_dir)
    if not src.is_dir():
        raise ImportDataError(
            f"{src} is not a folder; give the folder of the ESCO CSV files "
            "(e.g. 'occupations_en.csv')."
        )
    for name, (_cols, needed_for) in FILES.items():
        if not (src / name).is_file():
            raise ImportDataError(f"Missing file {src / name}: it is needed for {needed_for}.")
    progress = progress or Progress()
    progress.start("Reading ESCO files", len(FILES))
    data = EscoData()
    for name, (cols, needed_for) in FILES.items():
        table = read_table(
            src / name, cols, needed_for=needed_for, delimiter=",", check=_CHECKS[name]
        )
        assert table is not None
        data.tables[name] = table
        summary = table.bad_summary()
        if summary:
            data.warnings.append(summary)
        progress.advance()
    if not data.tables["occupations_en.csv"].rows:
        raise ImportDataError(f"{src / 'occupations_en.csv'} lists no occupation.")
    return data


def _add_labels(q: Any, node: Any, label: str, kinds: Any) -> None:
    """Add alternative and hidden labels, each text once, none repeating the preferred label."""
    seen = {label.lower()}
    for prop, cell in kinds:
        for text in _labels(cell):
            if text.lower() not in seen:
                seen.add(text.lower())
                q.add(node, prop, q.text(text))


def _labels(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("\n") if part.strip()]


def _key(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def esco_quads(data: EscoData, q: Quads, progress: Progress | None = None) -> dict[str, int]:
    """Emit the triples of an ESCO release into ``q``; returns counts."""
    progress = progress or Progress()
    counts: dict[str, int] = defaultdict(int)
    src = q.id("dataset/esco")
    q.dataset(src, ESCO_META)
    occ_scheme = q.iri(ESCO + "concept-scheme/occupations")
    q.labelled(occ_scheme, "ESCO occupations", q.skos("ConceptScheme"))
    isco_scheme = q.iri(ESCO + "concept-scheme/isco")
    q.labelled(isco_scheme, "ISCO-08 groups (ESCO)", q.skos("ConceptScheme"))
    skills_scheme = q.id("skills")
    concept, dsource, in_scheme = q.skos("Concept"), q.dct("source"), q.skos("inScheme")
    alt, hidden, broader = q.skos("altLabel"), q.skos("hiddenLabel"), q.skos("broader")
    t = data.tables

    progress.start("Emitting ISCO groups and occupations", len(t["occupations_en.csv"].rows))
    for uri, code, label in t["ISCOGroups_en.csv"].rows:
        node = q.iri(uri)
        q.labelled(node, label, concept)
        q.add(node, q.skos("notation"), q.text(code))
        q.add(node, in_scheme, isco_scheme)
        q.add(node, dsource, src)
        counts["isco_groups"] += 1
    occupations: set[str] = set()
    for uri, isco_code, label, alts, hiddens, desc, code, regulated in t["occupations_en.csv"].rows:
        occupations.add(uri)
        node = q.iri(uri)
        q.labelled(node, label, q.cg(CG.Role), q.schema("Occupation"), concept)
        # preparation: the ISCO-08 skill level of its group, and ESCO's regulated-profession flag
        skill_level = isco_skill_level(isco_code.strip())
        if skill_level is not None:
            q.add(node, q.cg(CG.iscoSkillLevel), q.integer(skill_level))
            counts["isco_skill_levels"] += 1
        if regulated.strip():
            is_regulated = regulated.strip().rstrip("/").endswith("/regulated")
            q.add(node, q.cg(CG.regulatedProfession), q.boolean(is_regulated))
            counts["regulated"] += int(is_regulated)
        q.add(node, in_scheme, occ_scheme)
        q.add(node, dsource, src)
        if code:
            q.add(node, q.skos("notation"), q.text(code))
        if desc:
            q.add(node, q.schema("description"), q.text(desc))
        _add_labels(q, node, label, ((alt, alts), (hidden, hiddens)))
        counts["roles"] += 1
        progress.advance()
    isco = {row[0] for row in t["ISCOGroups_en.csv"].rows}
    dangling = 0
    for uri, parent in t["broaderRelationsOccPillar.csv"].rows:
        if (uri in occupations or uri in isco) and (parent in occupations or parent in isco):
            q.add(q.iri(uri), broader, q.iri(parent))
            counts["broader"] += 1
        else:
            dangling += 1
    if dangling:
        data.warnings.append(
            f"broaderRelationsOccPillar.csv: skipped {dangling} link(s) to concepts not in "
            "occupations_en.csv or ISCOGroups_en.csv"
        )

    progress.start("Emitting skills", len(t["skills_en.csv"].rows))
    skills: set[str] = set()
    for uri, skill_type, label, alts, hiddens, desc in t["skills_en.csv"].rows:
        skills.add(uri)
        node = q.iri(uri)
        classes = [q.cg(CG.Skill), concept]
        if skill_type == "knowledge":
            classes.append(q.cg(CG.Knowledge))
        q.labelled(node, label, *classes)
        q.add(node, in_scheme, skills_scheme)
        q.add(node, dsource, src)
        if desc:
            q.add(node, q.skos("definition"), q.text(desc))
        _add_labels(q, node, label, ((alt, alts), (hidden, hiddens)))
        counts["skills"] += 1
        progress.advance()

    relations = t["occupationSkillRelations.csv"].rows
    progress.start("Emitting essential and optional skills", len(relations))
    req_cls, skill_prop, imp = q.cg(CG.SkillRequirement), q.cg(CG.skill), q.cg(CG.importance)
    essential_prop, req_prop, requires = (
        q.cg(CG.essential),
        q.cg(CG.skillRequirement),
        q.cg(CG.requiresSkill),
    )
    essential_imp, optional_imp = q.decimal(ESSENTIAL), q.decimal(OPTIONAL)
    unknown_occ: set[str] = set()
    unknown_skill: set[str] = set()
    done: set[tuple[str, str]] = set()
    for occ, kind, skill in relations:
        if occ not in occupations:
            unknown_occ.add(occ)
            continue
        if skill not in skills:
            unknown_skill.add(skill)
            continue
        if (occ, skill) in done:
            continue
        done.add((occ, skill))
        is_essential = kind == "essential"
        role, skill_node = q.iri(occ), q.iri(skill)
        req = q.id(f"esco-req/{_key(occ)}/{_key(skill)}")
        q.add(req, q.type, req_cls)
        q.add(req, skill_prop, skill_node)
        q.add(req, essential_prop, q.boolean(is_essential))
        q.add(req, imp, essential_imp if is_essential else optional_imp)
        q.add(req, dsource, src)
        q.add(role, req_prop, req)
        if is_essential:
            q.add(role, requires, skill_node)
        counts["requirements"] += 1
    progress.advance(len(relations))
    for what, missing in (("occupation", unknown_occ), ("skill", unknown_skill)):
        if missing:
            data.warnings.append(
                f"occupationSkillRelations.csv: skipped relations naming {len(missing)} "
                f"{what}(s) not in the {what}s file (e.g. {sorted(missing)[0]})"
            )
    return dict(counts)


def _paths(src: Path | str | Sequence[Path | str]) -> str:
    return str(src) if isinstance(src, str | Path) else "; ".join(str(p) for p in src)


def import_esco(
    src_dir: Path | str | Sequence[Path | str],
    out_dir: Path | str,
    *,
    include_guides: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Import ESCO (v1.1 CSV) into a graph folder, merged with the shipped guides.

    Parameters
    ----------
    src_dir : path or list of paths
        The folder of the ESCO CSV files (``occupations_en.csv``, ...), or
        the CSV zips as downloaded: the English classification and the
        language-independent relations (see :func:`graph.importers.sources.open_source`).
    out_dir : path
        The graph folder to write; its previous graph stays intact on failure.
    include_guides : bool
        Merge the shipped guides.
    progress : Progress, optional
        Told about each step (the CLI passes a terminal progress bar).

    Returns
    -------
    ImportReport

    Raises
    ------
    ImportDataError
        A file is missing, lacks columns or is mostly malformed.
    """
    started = time.perf_counter()
    progress = progress or Progress()
    report = ImportReport(dataset="esco")
    with open_source(src_dir, "occupations_en.csv", ESCO_RELEASE, list(FILES), ESCO_HINT) as src:
        # handed to fill, which drops it: the projection built next needs the memory
        pending = [read_esco(src, progress)]
    emitted: dict[str, int] = {}

    def fill(store: Any) -> None:
        data = pending.pop()
        if include_guides:
            progress.start("Loading the ontology and the guides", 1)
            _g, _labels_map, guide_warnings = guide_fill(store)
            report.warnings.extend(guide_warnings)
            progress.advance()
        else:
            from graph.build.pipeline import load_into, ontology_graph

            load_into(store, ontology_graph())
        q = Quads(store)
        emitted.update(esco_quads(data, q, progress))
        report.warnings.extend(data.warnings)
        progress.start("Writing the store and the Turtle file", 1)
        q.flush_into(store)

    sources: list[dict[str, Any]] = [
        {
            "kind": "dataset",
            "name": "ESCO",
            "version": ESCO_META["version"],
            "path": _paths(src_dir),
            "license": ESCO_META["license"],
        }
    ]
    write_import(Path(out_dir), fill, report, sources, progress)
    for key in ("requirements", "isco_groups", "broader"):
        report.counts[key] = emitted.get(key, 0)
    report.seconds = round(time.perf_counter() - started, 2)
    return report
