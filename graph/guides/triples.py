"""Parsed guides -> RDF triples: one role per title, one skill per phrase, every fact a triple.

:class:`RoleRegistry` decides which titles name the same role and
:class:`graph.skills.SkillVocabulary` which phrases name the same skill;
:func:`guide_graph` turns every fact of every guide into triples, with the
skills to gain on every transition derived from the two roles' skills.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from graph import resources
from graph.errors import UsageError
from graph.guides import Guide
from graph.skills import SkillVocabulary, normalize, slugify
from graph.vocab import CG, ID, PREFIXES, SCHEMA

__all__ = ["BuildReport", "RoleRegistry", "guide_graph", "guide_turtle", "role_title_variants"]


#: experience level labels as guides write them -> ontology individuals
LEVELS = {
    "entry level": CG.EntryLevel,
    "entry": CG.EntryLevel,
    "junior level": CG.EntryLevel,
    "mid level": CG.MidLevel,
    "mid": CG.MidLevel,
    "mid-level": CG.MidLevel,
    "senior level": CG.SeniorLevel,
    "senior": CG.SeniorLevel,
}


#: role titles closer than this (rapidfuzz token_sort_ratio) to a guide's title are that role
ROLE_FUZZY_THRESHOLD = 95


@dataclass
class BuildReport:
    """What a build made: counts, warnings, new skills and roles without guides."""

    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    new_skills: list[str] = field(default_factory=list)
    roles_without_guide: list[str] = field(default_factory=list)
    guides: list[str] = field(default_factory=list)
    out_dir: str | None = None
    build_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def role_title_variants(title: str) -> list[str]:
    """Return the titles one written title stands for.

    ``"Senior/Lead X"`` is both ``"Senior X"`` and ``"Lead X"``; ``"A / B"`` is
    both ``A`` and ``B``; a slash inside parentheses is left alone.

    Examples
    --------
    >>> role_title_variants("Senior/Lead Technical Program Manager")
    ['Senior Technical Program Manager', 'Lead Technical Program Manager']
    >>> role_title_variants("Infrastructure Program Lead / Head of Technical Programs")
    ['Infrastructure Program Lead', 'Head of Technical Programs']
    >>> role_title_variants("Engineering Manager (Platform/Infrastructure)")
    []
    """
    outside = re.sub(r"\([^)]*\)", lambda m: "\0" * len(m.group()), title)
    if " / " in outside:
        parts = [title[: outside.index(" / ")], title[outside.index(" / ") + 3 :]]
        return [p.strip() for p in parts if p.strip()]
    match = re.match(r"^([A-Za-z]+)/([A-Za-z]+)\b(.*)$", title)
    if match and "/" not in match.group(3).split("(")[0]:
        first, second, rest = match.groups()
        return [f"{first}{rest}".strip(), f"{second}{rest}".strip()]
    return []


class RoleRegistry:
    """Decides which written titles are one role, and gives each role its IRI and labels."""

    def __init__(self, aliases: dict[str, str] | None = None) -> None:
        self.titles: dict[str, str] = {}  # normalized title -> canonical title
        self.labels: dict[str, list[str]] = {}  # canonical title -> alt labels
        self.has_guide: set[str] = set()
        self.alias_pairs = list((aliases or {}).items())
        self.aliases = {normalize(k): v for k, v in self.alias_pairs}
        self.mentioned_by: dict[str, set[str]] = {}

    @classmethod
    def load_aliases(cls, path: Path | None = None) -> dict[str, str]:
        """Read ``role_aliases.tsv`` (``alias<TAB>title``)."""
        path = path or resources.data_path("role_aliases.tsv")
        if not path.is_file():
            return {}
        with path.open(encoding="utf-8", newline="") as handle:
            return {
                row["alias"].strip(): row["title"].strip()
                for row in csv.DictReader(handle, delimiter="\t")
                if row.get("alias") and row.get("title")
            }

    def add_guide_title(self, title: str) -> str:
        """Register the title of a guide; returns the canonical title."""
        self.titles[normalize(title)] = title
        self.labels.setdefault(title, [])
        self.has_guide.add(title)
        for variant in role_title_variants(title):
            self.titles.setdefault(normalize(variant), title)
            self._add_label(title, variant)
        return title

    def resolve(self, written: str, warnings: list[str], where: str) -> str:
        """Return the canonical title a written title names, registering a new role if none."""
        key = normalize(written)
        if key in self.titles:
            canonical = self.titles[key]
        elif key in self.aliases and normalize(self.aliases[key]) in self.titles:
            canonical = self.titles[normalize(self.aliases[key])]
        else:
            close = self._fuzzy(key)
            if close is not None:
                canonical = close
                warnings.append(f"{where}: took '{written}' to mean '{canonical}'")
            else:
                canonical = written
                self.titles[key] = written
                self.labels.setdefault(written, [])
                for variant in role_title_variants(written):
                    self.titles.setdefault(normalize(variant), written)
                    self._add_label(written, variant)
        if written != canonical:
            self._add_label(canonical, written)
        return canonical

    def _fuzzy(self, key: str) -> str | None:
        from rapidfuzz import fuzz, process

        guide_keys = [k for k, t in self.titles.items() if t in self.has_guide]
        found = process.extractOne(
            key, guide_keys, scorer=fuzz.token_sort_ratio, score_cutoff=ROLE_FUZZY_THRESHOLD
        )
        return self.titles[found[0]] if found else None

    def _add_label(self, title: str, label: str) -> None:
        labels = self.labels.setdefault(title, [])
        if label != title and label not in labels:
            labels.append(label)

    @staticmethod
    def iri(title: str) -> URIRef:
        return ID[f"role/{slugify(title)}"]


class _Emitter:
    """Collects triples for a set of guides into one rdflib Graph."""

    def __init__(self, vocab: SkillVocabulary, roles: RoleRegistry) -> None:
        self.g = Graph()
        for prefix, iri in PREFIXES.items():
            self.g.bind(prefix, iri)
        self.vocab = vocab
        self.roles = roles
        self.warnings: list[str] = []
        self.role_skills: dict[str, set[URIRef]] = {}
        self.transitions: list[tuple[URIRef, str, str]] = []
        self.seed_guide: URIRef | None = None

    def add(self, s: Any, p: Any, o: Any) -> None:
        self.g.add((s, p, o))

    def text(self, s: Any, p: Any, value: str) -> None:
        self.add(s, p, Literal(value))

    def labelled(self, node: URIRef, label: str, cls: URIRef) -> None:
        self.add(node, RDF.type, cls)
        self.text(node, RDFS.label, label)
        self.text(node, SKOS.prefLabel, label)

    def schemes(self) -> None:
        for name, label in (
            ("skills", "careergraph skills"),
            ("sectors", "careergraph industry sectors"),
            ("roles", "careergraph roles"),
        ):
            node = ID[name]
            self.add(node, RDF.type, SKOS.ConceptScheme)
            self.text(node, RDFS.label, label)
            self.text(node, SKOS.prefLabel, label)

    def guide_node(self, guide: Guide) -> URIRef:
        slug = slugify(guide.title)
        node = ID[f"guide/{slug}"]
        origin = guide.origin
        self.add(node, RDF.type, CG.CareerGuide)
        self.add(node, RDF.type, PROV.Entity)
        self.text(node, RDFS.label, f"Career guide: {guide.title}")
        self.text(node, DCTERMS.title, guide.title)
        self.add(
            node,
            CG.origin,
            {"seed": CG.SeedGuide, "authored": CG.AuthoredGuide}.get(origin, CG.UserGuide),
        )
        if guide.source:
            self.text(node, CG.fileName, Path(guide.source).name)
        if origin == "seed":
            self.seed_guide = node
        return node

    def role(self, title: str, source: URIRef) -> URIRef:
        node = RoleRegistry.iri(title)
        if (node, RDF.type, CG.Role) not in self.g:
            self.labelled(node, title, CG.Role)
            self.add(node, RDF.type, SCHEMA.Occupation)
            self.add(node, SKOS.inScheme, ID.roles)
        if title not in self.roles.has_guide:
            self.add(node, DCTERMS.source, source)
        return node

    def skill(self, phrase: str, where: str) -> URIRef:
        match = self.vocab.match(phrase)
        concept = match.concept
        node = ID[f"skill/{concept.id}"]
        if (node, RDF.type, CG.Skill) not in self.g:
            self.labelled(node, concept.label, CG.Skill)
            self.add(node, SKOS.inScheme, ID.skills)
            if concept.description:
                self.text(node, SKOS.definition, concept.description)
        if phrase != concept.label:
            self.text(node, SKOS.altLabel, phrase)
        if match.how == "fuzzy":
            self.warnings.append(
                f"{where}: skill '{phrase}' matched '{concept.label}' ({match.score:.0f}%)"
            )
        return node

    def named(self, kind: str, label: str, cls: URIRef, extra: URIRef | None = None) -> URIRef:
        node = ID[f"{kind}/{slugify(label)}"]
        if (node, RDF.type, cls) not in self.g:
            self.labelled(node, label, cls)
            if extra is not None:
                self.add(node, RDF.type, extra)
        return node

    def emit(self, guide: Guide) -> None:
        where = Path(guide.source).name if guide.source else guide.title
        src = self.guide_node(guide)
        title = guide.title
        slug = slugify(title)
        role = self.role(title, src)
        self.add(role, CG.guide, src)
        self.add(src, CG.describes, role)
        for n, text in enumerate(guide.responsibilities, 1):
            node = ID[f"responsibility/{slug}/{n}"]
            self.add(node, RDF.type, CG.Responsibility)
            self.text(node, RDFS.label, text)
            self.add(node, CG.position, Literal(n))
            self.add(node, DCTERMS.source, src)
            self.add(role, CG.responsibility, node)
        skills: set[URIRef] = set()
        for n, phrase in enumerate(guide.top_skills, 1):
            skill = self.skill(phrase, f"{where} (Top Skills for Success)")
            skills.add(skill)
            node = ID[f"requirement/{slug}/{n}"]
            self.add(node, RDF.type, CG.SkillRequirement)
            self.add(node, CG.skill, skill)
            self.text(node, CG.phrase, phrase)
            self.add(node, CG.position, Literal(n))
            self.add(node, DCTERMS.source, src)
            self.add(role, CG.skillRequirement, node)
            self.add(role, CG.requiresSkill, skill)
        self.role_skills[title] = skills
        for n, phrase in enumerate(guide.skill_gaps, 1):
            skill = self.skill(phrase, f"{where} (Often Missing Skills)")
            node = ID[f"gap/{slug}/{n}"]
            self.add(node, RDF.type, CG.SkillGap)
            self.add(node, CG.skill, skill)
            self.text(node, CG.phrase, phrase)
            self.add(node, CG.position, Literal(n))
            self.add(node, DCTERMS.source, src)
            self.add(role, CG.skillGap, node)
            self.add(role, CG.commonlyMissingSkill, skill)
        if guide.development_suggestions:
            self.text(role, CG.developmentSuggestions, guide.development_suggestions)
        if guide.growth_trend:
            self.text(role, CG.growthTrend, guide.growth_trend)
        for n, band in enumerate(guide.salary, 1):
            node = ID[f"salary/{slug}/{slugify(band.level)}"]
            self.add(node, RDF.type, CG.SalaryBand)
            self.add(node, RDF.type, SCHEMA.MonetaryAmountDistribution)
            self.text(node, RDFS.label, f"{title}: {band.level}")
            self.add(node, SCHEMA.name, Literal(band.level))
            self.add(node, SCHEMA.minValue, Literal(band.min, datatype=XSD.integer))
            self.add(node, SCHEMA.maxValue, Literal(band.max, datatype=XSD.integer))
            self.text(node, SCHEMA.currency, band.currency)
            self.add(node, CG.experienceLevel, self.level(band.level))
            self.add(node, CG.openEnded, Literal(bool(band.open_ended)))
            self.add(node, CG.position, Literal(n))
            if band.years:
                self.text(node, CG.yearsOfExperience, band.years)
                years = [int(y) for y in re.findall(r"\d+", band.years.split("yr")[0])[:2]]
                if years:
                    self.add(node, CG.minYears, Literal(years[0]))
                if len(years) > 1:
                    self.add(node, CG.maxYears, Literal(years[1]))
                if years:
                    # the band's years become the experience the role asks at that level
                    exp = ID[f"experience/{slug}/{slugify(band.level)}"]
                    self.add(exp, RDF.type, SCHEMA.OccupationalExperienceRequirements)
                    self.text(exp, RDFS.label, f"{title}: {band.level}, {band.years}")
                    self.add(exp, SCHEMA.monthsOfExperience, Literal(years[0] * 12))
                    self.add(exp, CG.minYears, Literal(years[0]))
                    if len(years) > 1:
                        self.add(exp, CG.maxYears, Literal(years[1]))
                    self.add(exp, CG.experienceLevel, self.level(band.level))
                    self.add(exp, DCTERMS.source, src)
                    self.add(role, SCHEMA.experienceRequirements, exp)
            if band.note:
                self.text(node, RDFS.comment, band.note)
            self.add(node, DCTERMS.source, src)
            self.add(role, CG.salaryBand, node)
        self.preparation(guide, role, slug, src, where)
        for name in guide.employers:
            node = self.named("employer", name, CG.Employer, SCHEMA.Organization)
            self.text(node, SCHEMA.name, name)
            self.add(role, CG.employer, node)
        for name in guide.sectors:
            node = self.named("sector", name, CG.Sector)
            self.add(node, SKOS.inScheme, ID.sectors)
            self.add(role, CG.sector, node)
        for n, text in enumerate(guide.next_steps, 1):
            node = ID[f"next-step/{slug}/{n}"]
            self.add(node, RDF.type, CG.NextStep)
            self.text(node, RDFS.label, text)
            self.add(node, CG.position, Literal(n))
            self.add(node, DCTERMS.source, src)
            self.add(role, CG.nextStep, node)
        moves = [(t, "progression") for t in guide.can_lead_to]
        moves += [(t, "transition") for t in guide.transition_opportunities]
        for n, (written, kind) in enumerate(moves, 1):
            section = "Can Lead To" if kind == "progression" else "Transition Opportunities"
            target = self.roles.resolve(written, self.warnings, f"{where} ({section})")
            if target == title:
                self.warnings.append(f"{where} ({section}): '{written}' is the guide's own role")
                continue
            self.transitions.append((src, title, target))
            node = ID[f"transition/{slug}--{slugify(target)}"]
            self.add(node, RDF.type, CG.Transition)
            self.text(node, RDFS.label, f"{title} → {target}")
            self.add(node, CG.fromRole, role)
            self.add(node, CG.toRole, self.role(target, src))
            is_up = kind == "progression"
            self.add(node, CG.transitionKind, CG.Progression if is_up else CG.LateralTransition)
            self.text(node, CG.phrase, written)
            self.add(node, CG.position, Literal(n))
            self.add(node, DCTERMS.source, src)
            self.add(role, CG.canLeadTo if is_up else CG.canTransitionTo, self.role(target, src))
        for written in guide.adjacent_titles:
            target = self.roles.resolve(written, self.warnings, f"{where} (adjacent titles)")
            if target != title:
                self.add(role, CG.adjacentRole, self.role(target, src))

    def preparation(self, guide: Guide, role: URIRef, slug: str, src: URIRef, where: str) -> None:
        """The guide's optional education and certifications (never inferred)."""
        from graph.levels import EDUCATION, education_rank

        if guide.education:
            rank: int | None
            try:
                rank = education_rank(guide.education)
            except UsageError:
                rank = self.education_in_words(guide.education)
            if rank is None:
                self.warnings.append(
                    f"{where} (Education & Certifications): education '{guide.education}' "
                    "names no known level; ignored"
                )
            else:
                self.add(role, SCHEMA.educationRequirements, CG[EDUCATION[rank][0]])
        for name in guide.certifications:
            node = ID[f"credential/{slugify(name)}"]
            lowered = name.lower()
            category = (
                "licence"
                if "licen" in lowered
                else "exam"
                if "exam" in lowered
                else "certification"
            )
            self.add(node, RDF.type, CG.Credential)
            self.add(node, RDF.type, SCHEMA.EducationalOccupationalCredential)
            self.text(node, RDFS.label, name)
            self.text(node, SCHEMA.credentialCategory, category)
            self.add(node, DCTERMS.source, src)
            self.add(role, CG.credential, node)

    @staticmethod
    def education_in_words(text: str) -> int | None:
        """The level a phrase like "Bachelor's degree in computer science" starts with."""
        from graph.levels import education_rank

        words = re.sub(r"[^A-Za-z' ]+", " ", text).split()
        for n in range(min(4, len(words)), 0, -1):
            try:
                return education_rank(" ".join(words[:n]))
            except UsageError:
                continue
        return None

    def level(self, label: str) -> URIRef:
        known = LEVELS.get(label.strip().lower())
        if known is not None:
            return known
        node = ID[f"level/{slugify(label)}"]
        if (node, RDF.type, CG.ExperienceLevel) not in self.g:
            self.labelled(node, label, CG.ExperienceLevel)
            self.add(
                node, CG.rank, Literal(len(re.findall("senior|lead|principal", label.lower())) + 2)
            )
        return node

    def finish(self) -> None:
        """Labels from other guides and aliases, provenance, and skills to gain on each move."""
        for title, labels in self.roles.labels.items():
            node = RoleRegistry.iri(title)
            for label in labels:
                self.text(node, SKOS.altLabel, label)
        for alias, target in self.roles.alias_pairs:
            canonical = self.roles.titles.get(normalize(target))
            if canonical:
                node = RoleRegistry.iri(canonical)
                if (node, RDF.type, CG.Role) in self.g:
                    self.text(node, SKOS.hiddenLabel, alias)
        if self.seed_guide is not None:
            for guide in self.g.subjects(CG.origin, CG.AuthoredGuide):
                self.add(guide, PROV.wasDerivedFrom, self.seed_guide)
        for _src, source_title, target_title in self.transitions:
            target_skills = self.role_skills.get(target_title)
            if target_skills is None:
                continue  # the target has no guide: its skills are unknown
            node = ID[f"transition/{slugify(source_title)}--{slugify(target_title)}"]
            for skill in sorted(target_skills - self.role_skills.get(source_title, set())):
                self.add(node, CG.skillToGain, skill)


def guide_graph(
    guides: Iterable[Guide], vocab: SkillVocabulary | None = None
) -> tuple[Graph, BuildReport]:
    """Turn guides into one rdflib Graph of data triples (without the ontology).

    Examples
    --------
    >>> from graph.guides import parse_file
    >>> from graph import resources
    >>> g, report = guide_graph([parse_file(resources.shipped_guides()[0])])
    >>> len(g) > 100
    True
    """
    guides = list(guides)
    vocab = vocab or SkillVocabulary.load()
    roles = RoleRegistry(RoleRegistry.load_aliases())
    for guide in guides:
        roles.add_guide_title(guide.title)
    emitter = _Emitter(vocab, roles)
    emitter.schemes()
    report = BuildReport()
    for guide in guides:
        name = Path(guide.source).name if guide.source else guide.title
        report.guides.append(name)
        report.warnings.extend(f"{name}: {w}" for w in guide.warnings)
        emitter.emit(guide)
    emitter.finish()
    report.warnings.extend(emitter.warnings)
    report.new_skills = [c.label for c in vocab.new_concepts]
    report.roles_without_guide = sorted(t for t in roles.labels if t not in roles.has_guide)
    return emitter.g, report


def guide_turtle(guide: Guide) -> str:
    """Return the triples of one guide as Turtle (what ``parse --format turtle`` prints)."""
    g, _ = guide_graph([guide])
    return g.serialize(format="turtle")
