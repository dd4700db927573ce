"""The parsed form of one career guide."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["SalaryBand", "Guide", "GUIDE_KEYS", "OPTIONAL_KEYS"]

#: The JSON keys of a parsed guide, in order; a contract other tools rely on.
GUIDE_KEYS = (
    "title",
    "responsibilities",
    "top_skills",
    "can_lead_to",
    "transition_opportunities",
    "skill_gaps",
    "development_suggestions",
    "salary",
    "growth_trend",
    "employers",
    "sectors",
    "next_steps",
    "adjacent_titles",
)

#: Keys the JSON has only when the guide gives them (the optional education section).
OPTIONAL_KEYS = ("education", "certifications")


@dataclass
class SalaryBand:
    """One line of the 'Median Salary Range' section.

    ``min``/``max`` are integers in the currency's unit (115000, not "115k").
    ``years`` is the experience clause as written (``"0–3 yrs TPM experience"``),
    ``note`` the rest of the parenthetical (clauses joined by ``"; "``).
    """

    level: str
    min: int
    max: int
    currency: str
    open_ended: bool = False
    years: str | None = None
    note: str | None = None


@dataclass
class Guide:
    """A career guide: every fact of one scraped guide page."""

    title: str
    responsibilities: list[str] = field(default_factory=list)
    top_skills: list[str] = field(default_factory=list)
    can_lead_to: list[str] = field(default_factory=list)
    transition_opportunities: list[str] = field(default_factory=list)
    skill_gaps: list[str] = field(default_factory=list)
    development_suggestions: str = ""
    salary: list[SalaryBand] = field(default_factory=list)
    growth_trend: str = ""
    employers: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)
    adjacent_titles: list[str] = field(default_factory=list)
    #: the optional "Education & Certifications" section: the education the role asks (as
    #: written) and the certifications, licences or exams it names; in the JSON only when given
    education: str = ""
    certifications: list[str] = field(default_factory=list)
    #: where the guide came from (a file path), not part of the JSON contract
    source: str | None = field(default=None, compare=False)
    #: "seed", "authored" (shipped) or "user"; set by the build, not part of the JSON contract
    origin: str = field(default="user", compare=False)
    #: recoverable oddities found while parsing, not part of the JSON contract
    warnings: list[str] = field(default_factory=list, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the guide as the JSON contract: exactly :data:`GUIDE_KEYS`."""
        data = asdict(self)
        out = {key: data[key] for key in GUIDE_KEYS}
        for key in OPTIONAL_KEYS:
            if data[key]:
                out[key] = data[key]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str | None = None) -> Guide:
        """Rebuild a guide from :meth:`to_dict` output."""
        kwargs = {key: data[key] for key in (*GUIDE_KEYS, *OPTIONAL_KEYS) if key in data}
        kwargs["salary"] = [SalaryBand(**band) for band in data.get("salary", [])]
        return cls(source=source, **kwargs)
