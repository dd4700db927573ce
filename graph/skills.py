"""The skill vocabulary: map a phrase from a guide to one skill concept, or say it is new.

Guides name the same skill in different words ("Risk management and problem
solving under pressure", "Risk management"). The shipped vocabulary
(``graph/data/skills.tsv``) lists canonical concepts with the phrases known to
mean them; a phrase is matched by exact label or alias, then by its core (the
phrase without parenthetical detail), then fuzzily (rapidfuzz). A phrase that
matches nothing becomes a new concept, so the same new phrase in two guides is
still one node; :attr:`SkillVocabulary.new_concepts` lists them for ``build``
to report.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SkillConcept", "SkillMatch", "SkillVocabulary", "normalize", "slugify", "words"]

#: fuzzy scores (0-100) at or above this join an existing concept
FUZZY_THRESHOLD = 90


def slugify(text: str, max_length: int = 80) -> str:
    """Return a lowercase ASCII slug for IRIs and file names.

    Examples
    --------
    >>> slugify("Senior/Lead Technical Program Manager")
    'senior-lead-technical-program-manager'
    >>> slugify("Technical Program Manager (Infrastructure & Delivery)")
    'technical-program-manager-infrastructure-delivery'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "item"


def normalize(text: str) -> str:
    """Return the form phrases are compared in: lowercase words, '&' as 'and'.

    Examples
    --------
    >>> normalize("  Risk Management & Problem-Solving ")
    'risk management and problem solving'
    """
    return " ".join(words(text))


#: a word of a phrase in the form phrases are compared in
_WORD = re.compile(r"[a-z0-9+#]+")


def words(text: str) -> list[str]:
    """Return the words of :func:`normalize`'s form of ``text``.

    Examples
    --------
    >>> words("R&D (Cloud/Infra)")
    ['r', 'and', 'd', 'cloud', 'infra']
    """
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower().replace("&", " and "))


def core(text: str) -> str:
    """Return the normalized phrase without parenthetical detail.

    Examples
    --------
    >>> core("Program planning (scope, milestones, dependencies, critical path)")
    'program planning'
    """
    return normalize(re.sub(r"\([^)]*\)", " ", text))


@dataclass
class SkillConcept:
    """One skill concept: its id (IRI slug), labels and description."""

    id: str
    label: str
    alt_labels: list[str] = field(default_factory=list)
    description: str = ""
    #: True for a concept made from an unmapped phrase during this build
    new: bool = False


@dataclass
class SkillMatch:
    """How a phrase was mapped: ``how`` is label, alias, core, fuzzy or new."""

    concept: SkillConcept
    how: str
    score: float = 100.0


class SkillVocabulary:
    """A set of skill concepts and the phrases that name them.

    Examples
    --------
    >>> vocab = SkillVocabulary([SkillConcept("risk-management", "Risk management",
    ...                                       ["Risk management and mitigation"])])
    >>> vocab.match("Risk management and mitigation").concept.id
    'risk-management'
    >>> vocab.match("risk managment").how
    'fuzzy'
    >>> m = vocab.match("Kubernetes operations (EKS, GKE)")
    >>> (m.how, m.concept.id, m.concept.label)
    ('new', 'kubernetes-operations', 'Kubernetes operations')
    >>> vocab.match("Kubernetes operations").concept is m.concept
    True
    """

    def __init__(self, concepts: list[SkillConcept] | None = None) -> None:
        self.concepts: dict[str, SkillConcept] = {}
        self._exact: dict[str, str] = {}
        self._core: dict[str, str] = {}
        for concept in concepts or []:
            self.add(concept)

    @classmethod
    def load(cls, path: Path | None = None) -> SkillVocabulary:
        """Load a vocabulary TSV (columns id, label, alt_labels, description)."""
        from graph.resources import data_path

        path = path or data_path("skills.tsv")
        concepts = []
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle, delimiter="\t"):
                    if not row.get("id") or not row.get("label"):
                        continue
                    alts = [a.strip() for a in (row.get("alt_labels") or "").split("|")]
                    concepts.append(
                        SkillConcept(
                            id=row["id"].strip(),
                            label=row["label"].strip(),
                            alt_labels=[a for a in alts if a],
                            description=(row.get("description") or "").strip(),
                        )
                    )
        return cls(concepts)

    def add(self, concept: SkillConcept) -> None:
        """Add a concept; its label and alt labels become exact and core keys."""
        self.concepts[concept.id] = concept
        for text in [concept.label, *concept.alt_labels]:
            self._exact.setdefault(normalize(text), concept.id)
            self._core.setdefault(core(text) or normalize(text), concept.id)

    def match(self, phrase: str) -> SkillMatch:
        """Map a phrase to a concept, creating a new one when nothing fits."""
        exact = normalize(phrase)
        if exact in self._exact:
            concept = self.concepts[self._exact[exact]]
            how = "label" if normalize(concept.label) == exact else "alias"
            return SkillMatch(concept, how)
        key = core(phrase) or exact
        if key in self._core:
            return SkillMatch(self.concepts[self._core[key]], "core")
        fuzzy = self._fuzzy(key)
        if fuzzy is not None:
            return fuzzy
        return SkillMatch(self._new(phrase), "new")

    def _fuzzy(self, key: str) -> SkillMatch | None:
        from rapidfuzz import fuzz, process

        if not self._core:
            return None
        found = process.extractOne(
            key, list(self._core), scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_THRESHOLD
        )
        if found is None:
            return None
        text, score, _ = found
        return SkillMatch(self.concepts[self._core[text]], "fuzzy", float(score))

    def _new(self, phrase: str) -> SkillConcept:
        label = re.sub(r"\s*\([^)]*\)", "", phrase).strip() or phrase.strip()
        base = slugify(label, 60)
        concept_id, n = base, 2
        while concept_id in self.concepts:
            concept_id, n = f"{base}-{n}", n + 1
        concept = SkillConcept(concept_id, label[:1].upper() + label[1:], [phrase], new=True)
        self.add(concept)
        return concept

    @property
    def new_concepts(self) -> list[SkillConcept]:
        """Concepts created from unmapped phrases."""
        return [c for c in self.concepts.values() if c.new]
