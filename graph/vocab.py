"""The careergraph ontology namespace and the prefixes every query may use.

``CG`` is an rdflib ``DefinedNamespace`` with ``_fail = True``: a misspelt term
raises ``AttributeError`` at import time of the calling code, not a silent new IRI.

Examples
--------
>>> from graph.vocab import CG
>>> str(CG.Role)
'https://w3id.org/careergraph/ontology#Role'
>>> CG.Rolee
Traceback (most recent call last):
...
AttributeError: term 'Rolee' not in namespace 'https://w3id.org/careergraph/ontology#'
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from graph.namespaces import CG_IRI, ID_IRI, PREFIXES, sparql_prologue

__all__ = ["CG", "ID", "CG_IRI", "ID_IRI", "SCHEMA", "PREFIXES", "sparql_prologue"]


class CG(DefinedNamespace):
    """Terms of ``ontology/careers.ttl``; tests check both lists agree."""

    _NS = Namespace(CG_IRI)
    _fail = True
    AllLevels: URIRef
    AssociateDegree: URIRef
    AuthoredGuide: URIRef
    BachelorDegree: URIRef
    CareerGuide: URIRef
    Credential: URIRef
    Dataset: URIRef
    DoctoralDegree: URIRef
    EducationLevel: URIRef
    Employer: URIRef
    EntryLevel: URIRef
    ExperienceLevel: URIRef
    GuideOrigin: URIRef
    HighSchoolDiploma: URIRef
    JobZone1: URIRef
    JobZone2: URIRef
    JobZone3: URIRef
    JobZone4: URIRef
    JobZone5: URIRef
    Knowledge: URIRef
    LateralTransition: URIRef
    LessThanHighSchool: URIRef
    MasterDegree: URIRef
    LevelAnchor: URIRef
    MidLevel: URIRef
    NextStep: URIRef
    OnSiteTraining: URIRef
    OnTheJobTraining: URIRef
    PostBaccalaureateCertificate: URIRef
    PostDoctoralTraining: URIRef
    PostMasterCertificate: URIRef
    PostSecondaryCertificate: URIRef
    PreparationRequirement: URIRef
    PreparationScale: URIRef
    ProfessionalDegree: URIRef
    Progression: URIRef
    RelatedWorkExperience: URIRef
    RequiredEducation: URIRef
    Responsibility: URIRef
    Role: URIRef
    SalaryBand: URIRef
    Sector: URIRef
    SeedGuide: URIRef
    SeniorLevel: URIRef
    Skill: URIRef
    SkillGap: URIRef
    SkillRequirement: URIRef
    SomeCollege: URIRef
    Source: URIRef
    Technology: URIRef
    Transition: URIRef
    TransitionKind: URIRef
    UserGuide: URIRef
    adjacentRole: URIRef
    anchorLevel: URIRef
    canLeadTo: URIRef
    canTransitionTo: URIRef
    commonlyMissingSkill: URIRef
    credential: URIRef
    describes: URIRef
    developmentSuggestions: URIRef
    distribution: URIRef
    employer: URIRef
    essential: URIRef
    estimatedFrom: URIRef
    experienceLevel: URIRef
    fileName: URIRef
    fromRole: URIRef
    growthTrend: URIRef
    guide: URIRef
    hotTechnology: URIRef
    importance: URIRef
    inDemand: URIRef
    iscoSkillLevel: URIRef
    level: URIRef
    levelAnchor: URIRef
    maxYears: URIRef
    minYears: URIRef
    nextStep: URIRef
    openEnded: URIRef
    origin: URIRef
    phrase: URIRef
    position: URIRef
    preparation: URIRef
    preparationScale: URIRef
    proxyWage: URIRef
    rank: URIRef
    regulatedProfession: URIRef
    relatedIndex: URIRef
    relatedTier: URIRef
    requiresSkill: URIRef
    responsibility: URIRef
    salaryBand: URIRef
    sector: URIRef
    skill: URIRef
    skillGap: URIRef
    skillRequirement: URIRef
    skillToGain: URIRef
    toRole: URIRef
    transitionKind: URIRef
    typicalCategory: URIRef
    wageLine: URIRef
    wageLineTitle: URIRef
    yearsOfExperience: URIRef


ID = Namespace(ID_IRI)
SCHEMA = Namespace(PREFIXES["schema"])
