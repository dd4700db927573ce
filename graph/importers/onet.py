"""The O*NET database (text layout) -> roles, rated skills, tasks and related-occupation moves.

Reads the official tab-separated files of an O*NET release (29.x layout) and
emits, for every occupation:

- a ``cg:Role`` ``cgr:onet/<O*NET-SOC code>`` with its title, description,
  code (``skos:notation``), Job Zone (``cg:experienceLevel``: ``cg:JobZone1`` to
  ``cg:JobZone5``),
  alternate titles (``skos:altLabel``, at most :data:`MAX_ALT_TITLES`, the
  most widely reported first) and short titles (``skos:hiddenLabel``);
- a ``cg:SkillRequirement`` per rated Skill and Knowledge element, with the
  importance (IM scale, 1-5) and level (LV scale, 0-7); ``cg:requiresSkill``
  shortcuts for the important ones (importance >= :data:`IMPORTANT`);
- a requirement per Technology Skill example (``cgr:onet-tech/<slug>``, its
  UNSPSC commodity as ``skos:broader``) with the hot and in-demand flags;
- a ``cg:Responsibility`` per task statement;
- its preparation from Education, Training, and Experience (optional files):
  a ``cg:PreparationRequirement`` per scale (required education, related work
  experience, on-site and on-the-job training) with the distribution and the
  typical category (the median respondent's), ``schema:educationRequirements``
  and ``schema:experienceRequirements``; an occupation not surveyed takes its
  SOC group's average (``cg:estimatedFrom``), see :func:`estimate_preparation`;
- the Level Scale Anchors of every skill and knowledge element, as
  ``cg:LevelAnchor`` nodes (``cg:levelAnchor``): what a level means in words,
  e.g. Mathematics at 2 = "Count the amount of change to be given to a customer";
- a ``cg:Transition`` per Related Occupation, keeping its tier and index: a
  ``cg:Progression`` when it is a step up a person would call one (see
  :func:`is_progression`), else a lateral move. Its skills to gain are
  level-aware, see :func:`skills_to_gain`.

Ratings flagged "Recommend Suppress" (too few respondents or too uncertain)
are dropped: a suppressed importance drops the requirement, a suppressed level
keeps the importance only. An element rated "Not Relevant" is not a
requirement at all.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph.errors import ImportDataError
from graph.importers.common import (
    ImportReport,
    Progress,
    Quads,
    guide_fill,
    write_import,
)
from graph.importers.onet_files import (
    _CODE,
    FILES,
    ONET_RELEASE,
    PREP_SCALES,
    OnetData,
    Rating,
    read_onet,
)
from graph.importers.onet_rules import (
    estimate_preparation,
    estimate_ratings,
    gain_candidates,
    is_progression,
    preparation_groups,
    skills_to_gain,
)
from graph.importers.sources import open_source
from graph.importers.wages import OEWS_META, Wages, add_wage_band, read_oews, wages_for
from graph.levels import IMPORTANT, MAX_TECH_TO_GAIN
from graph.vocab import CG

__all__ = ["ONET_META", "MAX_ALT_TITLES", "onet_quads", "read_mapping", "import_onet"]


ONET_META = {
    "title": "O*NET 29.3 Database",
    "license": "https://creativecommons.org/licenses/by/4.0/",
    "url": "https://www.onetcenter.org/database.html",
    "version": "29.3",
    "publisher": "U.S. Department of Labor, Employment and Training Administration (USDOL/ETA)",
    "citation": (
        "This product includes information from the O*NET 29.3 Database by the U.S. Department "
        "of Labor, Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0 "
        "license. O*NET® is a trademark of USDOL/ETA. USDOL/ETA has not approved, endorsed, or "
        "tested this product."
    ),
}


#: alternate titles kept per occupation (the file has up to 2,750 for one occupation)
MAX_ALT_TITLES = 30


def _slug(text: str) -> str:
    from graph.skills import slugify

    return slugify(text, max_length=100)


class _Slugs(dict[str, str]):
    """``_slug`` of each technology example, made once (an example is met about 12 times)."""

    def __missing__(self, text: str) -> str:
        slug = self[text] = _slug(text)
        return slug


def _preparation_quads(
    data: OnetData,
    q: Quads,
    code: str,
    role: Any,
    src: Any,
    groups: dict[tuple[str, str], list[str]] | None = None,
) -> int:
    """Emit one occupation's preparation (O*NET Education, Training, and Experience)."""
    from graph.levels import EDUCATION, category_years, typical_category, years_text

    emitted = 0
    for scale, term in PREP_SCALES.items():
        distribution = data.preparation.get(code, {}).get(scale) or {}
        peers: list[str] = []
        if not distribution or not sum(distribution.values()):
            distribution, peers = estimate_preparation(data, code, scale, groups=groups)
        if not distribution or not sum(distribution.values()):
            continue
        typical = typical_category(distribution)
        try:
            lo, hi = category_years(scale, typical)
        except KeyError:
            continue
        node = q.id(f"onet-prep/{code}/{scale}")
        q.add(node, q.type, q.cg(CG.PreparationRequirement))
        q.add(node, q.cg(CG.preparationScale), q.cg(CG[term]))
        q.add(node, q.cg(CG.typicalCategory), q.integer(typical))
        name = data.categories.get((scale, typical))
        if scale == "RL":
            name = EDUCATION[typical][1]
        q.add(node, q.rdfs("label"), q.text(name or years_text((lo, hi))))
        q.add(
            node,
            q.cg(CG.distribution),
            q.text(" ".join(f"{c}:{round(v, 2):g}" for c, v in sorted(distribution.items()))),
        )
        q.add(node, q.cg(CG.minYears), q.decimal(round(lo, 3)))
        q.add(node, q.cg(CG.maxYears), q.decimal(round(hi, 3)))
        q.add(node, q.dct("source"), src)
        for peer in peers:
            q.add(node, q.cg(CG.estimatedFrom), q.id(f"onet/{peer}"))
        if peers:
            q.add(
                node,
                q.rdfs("comment"),
                q.text(
                    f"O*NET has not surveyed {data.occupations[code][0]} on this scale; "
                    "this is the "
                    f"average of {len(peers)} occupation(s) of its SOC group."
                ),
            )
        q.add(role, q.cg(CG.preparation), node)
        if scale == "RL":
            q.add(role, q.schema("educationRequirements"), q.cg(CG[EDUCATION[typical][0]]))
        elif scale == "RW":
            exp = q.id(f"onet-experience/{code}")
            q.add(exp, q.type, q.schema("OccupationalExperienceRequirements"))
            q.add(exp, q.schema("monthsOfExperience"), q.decimal(round(lo * 12, 2)))
            q.add(exp, q.cg(CG.minYears), q.decimal(round(lo, 3)))
            q.add(exp, q.cg(CG.maxYears), q.decimal(round(hi, 3)))
            q.add(exp, q.dct("source"), src)
            q.add(role, q.schema("experienceRequirements"), exp)
        emitted += 1
    return emitted


def read_mapping(path: Path | None = None) -> list[tuple[str, str, int]]:
    """Read ``onet_mapping.tsv``: guide role title -> O*NET-SOC codes, closest first.

    Examples
    --------
    >>> rows = read_mapping()
    >>> ("Technical Program Manager (Infrastructure & Delivery)", "15-1299.09", 1) in rows
    True
    """
    from graph import resources

    path = path or resources.data_path("onet_mapping.tsv")
    rows: list[tuple[str, str, int]] = []
    with Path(path).open(encoding="utf-8") as handle:
        lines = [ln for ln in handle if ln.strip() and not ln.startswith("#")]
    for n, line in enumerate(lines[1:], 2):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 4 or not _CODE.match(parts[1]) or not parts[3].isdigit():
            raise ImportDataError(f"{path}: line {n} is not 'role<TAB>code<TAB>title<TAB>rank'.")
        rows.append((parts[0], parts[1], int(parts[3])))
    return rows


def onet_quads(  # noqa: C901
    data: OnetData,
    q: Quads,
    *,
    wages: dict[str, Wages] | None = None,
    guide_roles: dict[str, str] | None = None,
    mapping: Sequence[tuple[str, str, int]] = (),
    progress: Progress | None = None,
) -> dict[str, int]:
    """Emit the triples of an O*NET release (and wages) into ``q``.

    Returns
    -------
    dict
        Counts of what was emitted (roles, requirements, transitions, ...).
    """
    from graph.skills import normalize

    progress = progress or Progress()
    counts: dict[str, int] = defaultdict(int)
    src = q.id("dataset/onet")
    q.dataset(src, ONET_META)
    oews = q.id("dataset/oews")
    if wages is not None:
        q.dataset(oews, OEWS_META)
    scheme = q.id("onet-occupations")
    q.labelled(scheme, "O*NET-SOC occupations", q.skos("ConceptScheme"))
    q.add(scheme, q.dct("source"), src)
    tech_scheme = q.id("onet-technology-classes")
    q.labelled(
        tech_scheme, "O*NET technology classes (UNSPSC commodities)", q.skos("ConceptScheme")
    )
    skills_scheme = q.id("skills")
    role_cls, occ_cls, concept = q.cg(CG.Role), q.schema("Occupation"), q.skos("Concept")
    label, alt, hidden = (
        q.rdfs("label"),
        q.skos("altLabel"),
        q.skos("hiddenLabel"),
    )
    dsource, in_scheme = q.dct("source"), q.skos("inScheme")

    # skills and knowledge elements
    element_node: dict[str, Any] = {}
    for eid, (name, kind) in sorted(data.elements.items()):
        node = q.id(f"onet-element/{eid}")
        element_node[eid] = node
        classes = [q.cg(CG.Skill), concept] + ([q.cg(CG.Knowledge)] if kind == "knowledge" else [])
        q.labelled(node, name, *classes)
        q.add(node, q.skos("notation"), q.text(eid))
        q.add(node, in_scheme, skills_scheme)
        q.add(node, dsource, src)
        if eid in data.definitions:
            q.add(node, q.skos("definition"), q.text(data.definitions[eid]))
        for value, text in data.anchors.get(eid, []):
            anchor = q.id(f"onet-anchor/{eid}/{value}")
            q.add(anchor, q.type, q.cg(CG.LevelAnchor))
            q.add(anchor, label, q.text(text))
            q.add(anchor, q.cg(CG.anchorLevel), q.decimal(value))
            q.add(anchor, dsource, src)
            q.add(node, q.cg(CG.levelAnchor), anchor)
            counts["level_anchors"] += 1
        counts["skills"] += 1

    # technology examples and their commodity classes
    tech_node: dict[str, Any] = {}
    commodity_node: dict[str, Any] = {}
    slugs = _Slugs()
    skill_cls, tech_cls = q.cg(CG.Skill), q.cg(CG.Technology)
    for entries in data.tech.values():
        for example, ccode, ctitle, _hot, _demand in entries:
            if ccode and ccode not in commodity_node:
                cnode = q.id(f"onet-tech/{ccode}")
                commodity_node[ccode] = cnode
                q.labelled(cnode, ctitle or ccode, concept)
                q.add(cnode, q.skos("notation"), q.text(ccode))
                q.add(cnode, in_scheme, tech_scheme)
                q.add(cnode, dsource, src)
            slug = slugs[example]
            if slug not in tech_node:
                node = q.id(f"onet-tech/{slug}")
                tech_node[slug] = node
                q.labelled(node, example, skill_cls, tech_cls, concept)
                q.add(node, in_scheme, skills_scheme)
                q.add(node, dsource, src)
                if ccode:
                    q.add(node, q.skos("broader"), commodity_node[ccode])
                counts["technologies"] += 1

    progress.start("Emitting occupations", len(data.occupations))
    requires = q.cg(CG.requiresSkill)
    req_prop, skill_prop = q.cg(CG.skillRequirement), q.cg(CG.skill)
    imp_prop, lvl_prop = q.cg(CG.importance), q.cg(CG.level)
    req_cls = q.cg(CG.SkillRequirement)
    resp_prop, resp_cls = q.cg(CG.responsibility), q.cg(CG.Responsibility)
    position = q.cg(CG.position)
    hot_prop, demand_prop = q.cg(CG.hotTechnology), q.cg(CG.inDemand)
    notation, description = q.skos("notation"), q.schema("description")
    experience_level = q.cg(CG.experienceLevel)
    groups = preparation_groups(data)
    for code, (title, desc) in data.occupations.items():
        role = q.id(f"onet/{code}")
        q.labelled(role, title, role_cls, occ_cls, concept)
        q.add(role, in_scheme, scheme)
        q.add(role, notation, q.text(code))
        q.add(role, dsource, src)
        if desc:
            q.add(role, description, q.text(desc))
        zone = data.job_zones.get(code)
        if zone:
            q.add(role, experience_level, q.cg(CG[f"JobZone{zone}"]))
        counts["preparation"] += _preparation_quads(data, q, code, role, src, groups)
        seen = {normalize(title)}
        kept = 0
        ranked = sorted(data.alt_titles.get(code, []), key=lambda t: (-t[2], len(t[0]), t[0]))
        for alt_title, short, _n in ranked:
            if kept < MAX_ALT_TITLES:
                key = normalize(alt_title)
                if key not in seen:
                    seen.add(key)
                    q.add(role, alt, q.text(alt_title))
                    kept += 1
            if short:
                key = normalize(short)
                if key not in seen:
                    seen.add(key)
                    q.add(role, hidden, q.text(short))
        counts["alt_titles"] += kept
        for eid, rating in data.ratings.get(code, {}).items():
            req = q.id(f"onet-req/{code}/{eid}")
            q.add(req, q.type, req_cls)
            q.add(req, skill_prop, element_node[eid])
            q.add(req, imp_prop, q.decimal(rating.importance_text or rating.importance or 0))
            if rating.level_text is not None:
                q.add(req, lvl_prop, q.decimal(rating.level_text))
            q.add(req, dsource, src)
            q.add(role, req_prop, req)
            if (rating.importance or 0) >= IMPORTANT:
                q.add(role, requires, element_node[eid])
            counts["ratings"] += 1
        for example, _ccode, _ctitle, hot, demand in data.tech.get(code, []):
            slug = slugs[example]
            req = q.id(f"onet-req/{code}/tech/{slug}")
            q.add(req, q.type, req_cls)
            q.add(req, skill_prop, tech_node[slug])
            q.add(req, hot_prop, q.boolean(hot))
            q.add(req, demand_prop, q.boolean(demand))
            q.add(req, dsource, src)
            q.add(role, req_prop, req)
            if hot or demand:
                q.add(role, requires, tech_node[slug])
            counts["technology_requirements"] += 1
        for n, (task_id, task) in enumerate(data.tasks.get(code, []), 1):
            node = q.id(f"onet-task/{task_id}")
            q.add(node, q.type, resp_cls)
            q.add(node, label, q.text(task))
            q.add(node, position, q.integer(n))
            q.add(node, dsource, src)
            q.add(role, resp_prop, node)
            counts["tasks"] += 1
        if wages is not None:
            w = wages_for(code, wages)
            if w is not None:
                add_wage_band(q, role, code, w, oews)
                counts["salary_bands"] += 1
        progress.advance()
    counts["roles"] = len(data.occupations)

    progress.start("Emitting related-occupation moves", len(data.related))
    in_demand = {
        code: [slugs[e[0]] for e in entries if e[4]] for code, entries in data.tech.items()
    }
    uses = {code: {slugs[e[0]] for e in entries} for code, entries in data.tech.items()}
    transition_cls, kind_prop = q.cg(CG.Transition), q.cg(CG.transitionKind)
    from_prop, to_prop, gain_prop = q.cg(CG.fromRole), q.cg(CG.toRole), q.cg(CG.skillToGain)
    tier_prop, index_prop = q.cg(CG.relatedTier), q.cg(CG.relatedIndex)
    progression, lateral = q.cg(CG.Progression), q.cg(CG.LateralTransition)
    leads_to, moves_to = q.cg(CG.canLeadTo), q.cg(CG.canTransitionTo)
    # each occupation is met in ~20 moves: what they need of it is worked out once
    education: dict[str, int | None] = {}
    estimates: dict[str, tuple[dict[str, Rating], list[str]]] = {}
    candidates: dict[str, list[tuple[str, float]]] = {}
    for code, other, tier, index in data.related:
        node = q.id(f"onet-transition/{code}--{other}")
        a, b = q.id(f"onet/{code}"), q.id(f"onet/{other}")
        up = is_progression(data, code, other, education=education, groups=groups)
        q.add(node, q.type, transition_cls)
        q.add(node, label, q.text(f"{data.occupations[code][0]} → {data.occupations[other][0]}"))
        q.add(node, from_prop, a)
        q.add(node, to_prop, b)
        q.add(node, kind_prop, progression if up else lateral)
        q.add(node, tier_prop, q.text(tier))
        q.add(node, index_prop, q.integer(index))
        q.add(node, dsource, src)
        q.add(a, leads_to if up else moves_to, b)
        have_ratings = data.ratings.get(code) or {}
        want = data.ratings.get(other, {})
        if not have_ratings and want:
            if code not in estimates:
                estimates[code] = estimate_ratings(data, code)
            have_ratings, peers = estimates[code]
            if peers:
                names = "; ".join(data.occupations[p][0] for p in peers[:3])
                more = f" and {len(peers) - 3} more" if len(peers) > 3 else ""
                q.add(
                    node,
                    q.rdfs("comment"),
                    q.text(
                        f"O*NET has no skill ratings for {data.occupations[code][0]}; "
                        "the skills to "
                        f"gain compare the target with the average ratings of its SOC group "
                        f"({names}{more})."
                    ),
                )
        if other not in candidates:
            candidates[other] = gain_candidates(want)
        gain = skills_to_gain(have_ratings, want, candidates=candidates[other])
        for eid, _from, _to in gain:
            q.add(node, gain_prop, element_node[eid])
        have = uses.get(code, set())
        new_tech = [s for s in in_demand.get(other, []) if s not in have][:MAX_TECH_TO_GAIN]
        for slug in new_tech:
            q.add(node, gain_prop, tech_node[slug])
        counts["transitions"] += 1
        progress.advance(1)

    # guide roles -> their nearest O*NET occupations
    guide_roles = guide_roles or {}
    missing_titles = set()
    for title, code, _rank in mapping:
        role_iri = guide_roles.get(normalize(title))
        if role_iri is None:
            missing_titles.add(title)
            continue
        if code not in data.occupations:
            continue
        q.add(q.iri(role_iri), q.skos("closeMatch"), q.id(f"onet/{code}"))
        counts["close_matches"] += 1
    if missing_titles and guide_roles:
        data.warnings.append(
            "onet_mapping.tsv names roles that no guide has: " + "; ".join(sorted(missing_titles))
        )
    return dict(counts)


def import_onet(
    src_dir: Path | str,
    out_dir: Path | str,
    *,
    wages: Path | str | None = None,
    include_related: bool = True,
    include_guides: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Import an O*NET release (and optionally OEWS wages) into a graph folder with the guides.

    Parameters
    ----------
    src_dir : path
        The folder of the O*NET text files, or the release zip as published
        (``db_29_3_text.zip``, see :func:`graph.importers.sources.open_source`).
    out_dir : path
        The graph folder to write; its previous graph stays intact on failure.
    wages : path, optional
        A BLS OEWS national CSV: salary bands for the matching occupations.
    include_related : bool
        Import Related Occupations as transitions (off to evaluate similarity).
    include_guides : bool
        Merge the shipped guides (and link them to O*NET with skos:closeMatch).
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
    report = ImportReport(dataset="onet")
    names = [n for n, spec in FILES.items() if spec[2]]
    with open_source(src_dir, "Occupation Data.txt", ONET_RELEASE, names) as src:
        data = read_onet(src, progress, include_related=include_related)
    report.warnings.extend(data.warnings)
    # handed to fill, which drops it: the projection built next needs the memory
    pending = [data]
    del data
    wage_table: dict[str, Wages] | None = None
    if wages is not None:
        wage_table, table = read_oews(Path(wages))
        summary = table.bad_summary()
        if summary:
            report.warnings.append(summary)
    emitted: dict[str, int] = {}

    def fill(store: Any) -> None:
        data = pending.pop()
        guide_roles: dict[str, str] = {}
        if include_guides:
            progress.start("Loading the ontology and the guides", 1)
            _g, guide_roles, guide_warnings = guide_fill(store)
            report.warnings.extend(guide_warnings)
            progress.advance()
        else:
            from graph.build.pipeline import load_into, ontology_graph

            load_into(store, ontology_graph())
        q = Quads(store)
        emitted.update(
            onet_quads(
                data,
                q,
                wages=wage_table,
                guide_roles=guide_roles,
                mapping=read_mapping() if include_guides else (),
                progress=progress,
            )
        )
        progress.start("Writing the store and the Turtle file", 1)
        q.flush_into(store)

    sources: list[dict[str, Any]] = [
        {
            "kind": "dataset",
            "name": "O*NET",
            "version": ONET_META["version"],
            "path": str(src_dir),
            "license": ONET_META["license"],
        }
    ]
    if wages is not None:
        sources.append(
            {
                "kind": "dataset",
                "name": "BLS OEWS",
                "version": OEWS_META["version"],
                "path": str(wages),
                "license": OEWS_META["license"],
            }
        )
    write_import(Path(out_dir), fill, report, sources, progress)
    for key in ("ratings", "technology_requirements", "tasks", "salary_bands", "close_matches"):
        report.counts[key] = emitted.get(key, 0)
    report.seconds = round(time.perf_counter() - started, 2)
    return report
