"""Skills a person already has (``--have``): phrases to skill IRIs, credentials apart.

Exact labels first, then fuzzy matches; an unknown phrase is a usage error
that names the closest skills.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import networkx as nx

from graph.errors import UsageError
from graph.routes.memo import _memo, _skill_label
from graph.routes.weights import SKILL_FUZZY_ACCEPT, SKILL_FUZZY_SUGGEST, SKILL_NS

__all__ = ["resolve_skills", "split_have"]


def _skill_index(P: nx.DiGraph) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Normalized label -> skill IRIs, and core form -> skill IRIs."""
    memo = _memo(P)
    if "skill_index" in memo:
        return memo["skill_index"]  # type: ignore[no-any-return]
    from graph.skills import SkillVocabulary, core, normalize

    skills: dict[str, dict[str, Any]] = P.graph.get("skills", {})
    texts: dict[str, set[str]] = {}
    for iri, info in skills.items():
        labels = {info.get("label") or ""}
        labels.update(info.get("labels") or ())
        labels.update(info.get("alt_labels") or ())
        texts.setdefault(iri, set()).update(t for t in labels if t)
    # the shipped vocabulary knows the other phrasings of guide skills
    for concept in SkillVocabulary.load().concepts.values():
        iri = SKILL_NS + concept.id
        if iri in skills:
            texts[iri].update([concept.label, *concept.alt_labels])
    exact: dict[str, set[str]] = {}
    cores: dict[str, set[str]] = {}
    for iri, labels in texts.items():
        for text in labels:
            exact.setdefault(normalize(text), set()).add(iri)
            cores.setdefault(core(text) or normalize(text), set()).add(iri)
    memo["skill_index"] = (exact, cores)
    return exact, cores


def resolve_skills(P: nx.DiGraph, phrases: Iterable[str]) -> frozenset[str]:
    """Map skill names as a person types them to skill IRIs of ``P``.

    A phrase matches a skill's label or alternative label (case and
    punctuation ignored), then the label without parenthetical detail, then
    fuzzily. Skill IRIs are accepted as they are.

    Raises
    ------
    UsageError
        A phrase matches no skill; the message names the three closest.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph(skills={"s/sql": {"label": "SQL", "type": "skill"},
    ...                        "s/go": {"label": "Programming in Go", "type": "skill"}})
    >>> sorted(resolve_skills(P, ["sql", "Programing in Go"]))
    ['s/go', 's/sql']
    >>> resolve_skills(P, ["Programming Rust"])
    Traceback (most recent call last):
    ...
    graph.errors.UsageError: Unknown skill 'Programming Rust' in --have. Did you mean: \
Programming in Go?
    """
    phrases = [p for p in phrases if p.strip()]
    if not phrases:
        return frozenset()
    from graph.skills import core, normalize

    skills: dict[str, Any] = P.graph.get("skills", {})
    exact, cores = _skill_index(P)
    found: set[str] = set()
    for phrase in phrases:
        phrase = phrase.strip()
        if not phrase:
            continue
        if phrase in skills:
            found.add(phrase)
            continue
        key = normalize(phrase)
        hit = exact.get(key) or cores.get(core(phrase) or key)
        if not hit and key:
            from rapidfuzz import fuzz, process

            best = process.extractOne(
                key, list(exact), scorer=fuzz.token_sort_ratio, score_cutoff=SKILL_FUZZY_ACCEPT
            )
            hit = exact[best[0]] if best else None
        if not hit:
            raise UsageError(_unknown_skill(P, phrase, key, exact))
        found.update(hit)
    return frozenset(found)


#: words that make a --have phrase a credential (a licence, exam or certification), not a skill
CREDENTIAL_WORDS = re.compile(
    r"\b(exam|licen[cs]e[ds]?|licensure|certifi\w*|certificate|registered|registration|board|"
    r"bar|chartered|accredit\w*|credential|diploma|degree)\b",
    re.IGNORECASE,
)


#: an acronym such as PMP, CPA, CISSP or NCLEX-RN
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{1,6}(-[A-Z0-9]{1,4})?$")


def split_have(P: nx.DiGraph, phrases: Iterable[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Split ``--have`` phrases into skill IRIs and credentials ("bar exam", "PMP").

    A phrase that names a skill is a skill. One that does not, but names a
    credential a role of the graph lists, or reads like one (an exam,
    licence, certification, degree, or an acronym such as PMP), is a
    credential. Anything else is an unknown skill.

    Raises
    ------
    UsageError
        A phrase is neither; the message names close skills only when some
        are really close.

    Examples
    --------
    >>> import networkx as nx
    >>> P = nx.DiGraph(skills={"s/sql": {"label": "SQL", "type": "skill"}})
    >>> split_have(P, ["sql", "bar exam", "PMP"])
    (frozenset({'s/sql'}), ('bar exam', 'PMP'))
    """
    skills: set[str] = set()
    credentials: list[str] = []
    known: set[str] | None = None  # the credentials roles list: read for a phrase no skill names
    for phrase in phrases:
        phrase = phrase.strip()
        if not phrase:
            continue
        try:
            skills.update(resolve_skills(P, [phrase]))
        except UsageError:
            if known is None:
                known = {
                    _norm_text(c)
                    for _, prep in P.nodes(data="prep")
                    for c in (prep or {}).get("credentials", ())
                }
            if (
                _norm_text(phrase) in known
                or CREDENTIAL_WORDS.search(phrase)
                or _ACRONYM.match(phrase)
            ):
                credentials.append(phrase)
            else:
                raise
    return frozenset(skills), tuple(credentials)


def _norm_text(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split())


def _unknown_skill(P: nx.DiGraph, phrase: str, key: str, exact: dict[str, set[str]]) -> str:
    from rapidfuzz import fuzz, process

    names: list[str] = []
    for text, _, _ in process.extract(
        key, list(exact), scorer=fuzz.ratio, limit=20, score_cutoff=SKILL_FUZZY_SUGGEST
    ):
        for iri in sorted(exact[text]):
            name = _skill_label(P, iri)
            if name not in names:
                names.append(name)
    message = f"Unknown skill '{phrase}' in --have."
    if names:
        return message + " Did you mean: " + "; ".join(names[:3]) + "?"
    if not exact:
        return message + " The graph names no skills."
    return message + " No skill has a close name; `careergraph show ROLE` lists a role's skills."
