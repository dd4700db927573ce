"""Names never cut when run-together lists are split: the gazetteer and the protected tokens.

Camel-case brand names (``ServiceNow``, ``JPMorgan Chase``) look like two
items run together; names listed here (shipped in ``graph/data/gazetteer``)
are looked up first, longest match first, case-sensitive.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

__all__ = ["Gazetteer", "load_gazetteer", "PROTECTED_TOKENS"]


#: Mixed-case tokens that are never cut, whatever list they are in.
PROTECTED_TOKENS = (
    "DevSecOps",
    "DevOps",
    "FinOps",
    "GitOps",
    "MLOps",
    "DataOps",
    "AIOps",
    "SecOps",
    "NetOps",
    "LLMOps",
    "BizOps",
    "RevOps",
    "SaaS",
    "PaaS",
    "IaaS",
    "iOS",
    "macOS",
    "iPhone",
    "iPad",
    "tvOS",
    "watchOS",
    "eBay",
    "eCommerce",
    "PagerDuty",
    "GitHub",
    "GitLab",
    "JavaScript",
    "TypeScript",
    "PowerPoint",
    "PowerShell",
    "PostgreSQL",
    "MySQL",
    "NoSQL",
    "GraphQL",
    "OpenTelemetry",
    "OpenShift",
    "OpenStack",
    "OpenAI",
    "CloudFormation",
    "CloudWatch",
    "CloudTrail",
    "BigQuery",
    "PySpark",
    "NumPy",
    "SciPy",
    "PyTorch",
    "TensorFlow",
    "LinkedIn",
    "YouTube",
    "ServiceNow",
    "HashiCorp",
    "DynamoDB",
    "MongoDB",
    "CockroachDB",
    "InfluxDB",
    "ClickHouse",
    "DataDog",
    "SharePoint",
    "QuickBooks",
    "SalesForce",
    "HubSpot",
    "WordPress",
    "FastAPI",
    "NestJS",
    "NodeJS",
    "Node.js",
    "VMware",
    "ArgoCD",
    "FluxCD",
    "TeamCity",
    "CircleCI",
    "GoCD",
    "SageMaker",
    "MLflow",
    "LangChain",
    "EdTech",
    "FinTech",
    "HealthTech",
    "InsurTech",
    "PropTech",
    "AdTech",
    "MarTech",
    "GovTech",
    "CleanTech",
    "ClimateTech",
    "LegalTech",
    "RegTech",
    "AgTech",
    "FoodTech",
    "HRTech",
    "DeepTech",
    "WealthTech",
    "MedTech",
    "BioTech",
    "SecTech",
    "IoT",
    "IIoT",
    "AIoT",
    "eDiscovery",
    "eLearning",
    "mTLS",
    "OAuth",
    "SysML",
    "SysOps",
    "eBPF",
    "gRPC",
    "iPaaS",
    "vCPU",
    "vCPUs",
    "NetSuite",
    "SuccessFactors",
    "ScrumMaster",
    "SAFe",
    "OKRs",
    "KPIs",
    "SLOs",
    "SLAs",
    "SLIs",
    "APIs",
    "CVEs",
)


_CAPITAL_PREFIXES = ("Mc", "Mac", "O'", "D'")


#: Trailing camel humps that usually belong to the name before them (``ServiceNow``).
_CAMEL_SUFFIXES = frozenset(
    (
        "Now Duty Corp Hub Soft Force Dash Strike Works Lab Labs Ops Pal Tube DB Ocean Flare "
        "Base Box Data Fi Rock Book Ware Logic Scale Stack Shop Mart Flow Sight Space Gate "
        "Desk Gram Chat Link Bit Coin Pay Point Cast Hat Sense Trust Lock Mind Path Zone "
        "Tech Net Cloud Wise Mobile Bank Cart Card Kit Script Sphere Grid Ex Sec Metrics"
    ).split()
)


@dataclass(frozen=True)
class Gazetteer:
    """Known names, matched case-sensitively, longest first.

    Examples
    --------
    >>> g = Gazetteer.of(["Meta", "Capital One"])
    >>> g.matches("Capital OneMeta", 0)
    ['Capital One']
    >>> "Meta" in g
    True
    """

    names: frozenset[str]
    by_first: dict[str, tuple[str, ...]] = field(compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, names: Iterable[str]) -> Gazetteer:
        """Build a gazetteer from names (blank names are skipped)."""
        unique = frozenset(n.strip() for n in names if n.strip())
        index: dict[str, list[str]] = {}
        for name in unique:
            index.setdefault(name[0], []).append(name)
        by_first = {k: tuple(sorted(v, key=lambda s: (-len(s), s))) for k, v in index.items()}
        return cls(unique, by_first)

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __len__(self) -> int:
        return len(self.names)

    def matches(self, text: str, pos: int) -> list[str]:
        """Return the names that occur in ``text`` at ``pos``, longest first."""
        if pos >= len(text):
            return []
        return [n for n in self.by_first.get(text[pos], ()) if text.startswith(n, pos)]


_EMPTY = Gazetteer.of([])


@cache
def load_gazetteer(name: str) -> Gazetteer:
    """Load a shipped gazetteer (``"employers"`` or ``"sectors"``), cached.

    The files are ``graph/data/gazetteer/<name>.txt``: one name a line, exact
    display spelling; blank lines and ``#`` comments are ignored.

    Examples
    --------
    >>> "ServiceNow" in load_gazetteer("employers")
    True
    >>> "Cloud and SaaS" in load_gazetteer("sectors")
    True
    """
    path = resources.files("graph") / "data" / "gazetteer" / f"{name}.txt"
    text = path.read_text(encoding="utf-8")
    names = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            names.append(line)
    return Gazetteer.of(names)
