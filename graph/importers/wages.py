"""BLS OEWS national wages -> salary bands of O*NET occupations.

OEWS publishes annual wage percentiles by SOC code (``15-1252``). An O*NET-SOC
code (``15-1252.00``, ``15-1299.09``) takes the wages of its SOC code, its
``.xx`` suffix dropped; when OEWS publishes only the broad group (the code
ending in 0), that is used and the band says so.

Each band names its wage line (``cg:wageLine``, the SOC code, and
``cg:wageLineTitle``) and is flagged ``cg:proxyWage`` when that line is broader
than the occupation: a broad group, or a SOC line O*NET splits into several
occupations (``15-1299.08`` takes "Computer Occupations, All Other").

Special values: ``#`` (or footnote 5) marks a wage at or above the top-coding
limit ($239,200 a year, $115 an hour): the band is open-ended at that figure.
``*``, ``-`` and empty cells are missing; when only hourly wages exist they are
annualised at 2,080 hours (as BLS itself does) and the band says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from graph.importers.common import Quads, Table, read_table
from graph.vocab import CG

__all__ = [
    "Wages",
    "OEWS_META",
    "read_oews",
    "wages_for",
    "add_wage_band",
    "soc_of",
    "is_proxy",
]

OEWS_META = {
    "title": "BLS Occupational Employment and Wage Statistics (OEWS), May 2025, national",
    "license": "https://creativecommons.org/publicdomain/mark/1.0/",
    "url": "https://www.bls.gov/oes/",
    "version": "May 2025",
    "publisher": "U.S. Bureau of Labor Statistics",
    "citation": (
        "U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, "
        "May 2025 (public domain; BLS has not reviewed data derived from it)."
    ),
    "rights": "Public domain: a work of the U.S. federal government.",
}

#: the OEWS top-coding limits: a '#' wage is at least this much
TOP_ANNUAL = 239_200
TOP_HOURLY = 115.0
HOURS_PER_YEAR = 2080

PERCENTILES = ("PCT10", "PCT25", "MEDIAN", "PCT75", "PCT90")
COLUMNS = ["OCC_CODE", "OCC_TITLE"] + [
    f"{unit}_{p}{suffix}"
    for unit in ("A", "H")
    for p in PERCENTILES
    for suffix in ("", "_FOOTNOTE")
]

_SOC = re.compile(r"^\d\d-\d{4}$")


@dataclass
class Wages:
    """Annual wage percentiles (USD) of one SOC code."""

    soc: str
    title: str
    pct10: int
    pct25: int | None
    median: int | None
    pct75: int | None
    pct90: int
    open_ended: bool = False
    annualised: bool = False


def soc_of(onet_code: str) -> str:
    """The SOC code of an O*NET-SOC code.

    Examples
    --------
    >>> soc_of("15-1299.09")
    '15-1299'
    """
    return onet_code.split(".", 1)[0]


def _value(cell: str, footnote: str, top: float) -> tuple[float | None, bool]:
    """A wage cell -> (value or None, top-coded?)."""
    cell = cell.replace(",", "").strip()
    if cell == "#" or footnote.strip() == "5":
        return top, True
    if cell in ("", "*", "-", "**"):
        return None, False
    try:
        return float(cell), False
    except ValueError:
        return None, False


def _check(cells: list[str]) -> str | None:
    if not _SOC.match(cells[0]):
        return f"OCC_CODE '{cells[0]}' is not a SOC code like 15-1252"
    return None


def read_oews(path: Path) -> tuple[dict[str, Wages], Table]:
    """Read an OEWS national CSV: wages by SOC code.

    Returns
    -------
    (dict, Table)
        Wages by SOC code (rows with no usable wages left out), and the table
        read (for its bad rows).

    Raises
    ------
    ImportDataError
        The file is missing or lacks the OEWS columns.
    """
    table = read_table(
        Path(path),
        COLUMNS,
        needed_for="the salary bands (--wages)",
        delimiter=",",
        check=_check,
    )
    assert table is not None
    out: dict[str, Wages] = {}
    col = {c: i for i, c in enumerate(COLUMNS)}
    for cells in table.rows:
        values: dict[str, float | None] = {}
        top_coded = False
        annualised = False
        for p in PERCENTILES:
            annual, top_a = _value(cells[col[f"A_{p}"]], cells[col[f"A_{p}_FOOTNOTE"]], TOP_ANNUAL)
            if annual is None:
                hourly, top_h = _value(
                    cells[col[f"H_{p}"]], cells[col[f"H_{p}_FOOTNOTE"]], TOP_HOURLY
                )
                if hourly is not None:
                    annual, top_a = hourly * HOURS_PER_YEAR, top_h
                    annualised = True
            values[p] = annual
            top_coded = top_coded or (top_a and p == "PCT90")
        low = values["PCT10"] if values["PCT10"] is not None else values["PCT25"]
        high = values["PCT90"] if values["PCT90"] is not None else values["PCT75"]
        if low is None or high is None:
            continue

        def whole(v: float | None) -> int | None:
            return None if v is None else int(round(v))

        out[cells[0]] = Wages(
            soc=cells[0],
            title=cells[1],
            pct10=int(round(low)),
            pct25=whole(values["PCT25"]),
            median=whole(values["MEDIAN"]),
            pct75=whole(values["PCT75"]),
            pct90=int(round(high)),
            open_ended=top_coded,
            annualised=annualised,
        )
    return out, table


def wages_for(onet_code: str, wages: dict[str, Wages]) -> Wages | None:
    """The wages of an O*NET occupation: its SOC code's, else its broad group's.

    Examples
    --------
    >>> w = {"15-1250": Wages("15-1250", "Software", 1, 2, 3, 4, 5)}
    >>> wages_for("15-1252.00", w).soc
    '15-1250'
    >>> wages_for("11-1011.00", w) is None
    True
    """
    soc = soc_of(onet_code)
    return wages.get(soc) or wages.get(soc[:-1] + "0")


def is_proxy(onet_code: str, w: Wages) -> bool:
    """Whether ``w`` is a broader wage line than the occupation ``onet_code`` itself.

    True for a broad group's wages, and for an O*NET occupation below SOC
    detail (a code not ending in ``.00``), whose SOC line it shares with others.

    Examples
    --------
    >>> w = Wages("15-1299", "Computer Occupations, All Other", 1, 2, 3, 4, 5)
    >>> is_proxy("15-1299.08", w), is_proxy("15-1299.00", w)
    (True, False)
    """
    return w.soc != soc_of(onet_code) or not onet_code.endswith(".00")


def add_wage_band(q: Quads, role: object, onet_code: str, w: Wages, source: object) -> None:
    """Add one all-levels salary band (10th to 90th percentile) to an O*NET role."""
    band = q.id(f"onet-salary/{onet_code}")
    q.add(band, q.type, q.cg(CG.SalaryBand))
    q.add(band, q.type, q.schema("MonetaryAmountDistribution"))
    q.add(band, q.rdfs("label"), q.text(f"{w.title}: all levels (OEWS May 2025)"))
    q.add(band, q.schema("name"), q.text("All levels"))
    q.add(band, q.schema("minValue"), q.integer(w.pct10))
    q.add(band, q.schema("maxValue"), q.integer(max(w.pct10, w.pct90)))
    q.add(band, q.schema("currency"), q.text("USD"))
    q.add(band, q.schema("duration"), q.typed("P1Y", "http://www.w3.org/2001/XMLSchema#duration"))
    q.add(band, q.cg(CG.experienceLevel), q.cg(CG.AllLevels))
    q.add(band, q.cg(CG.openEnded), q.boolean(w.open_ended))
    for prop, value in (
        ("percentile10", w.pct10),
        ("percentile25", w.pct25),
        ("median", w.median),
        ("percentile75", w.pct75),
        ("percentile90", w.pct90),
    ):
        if value is not None:
            q.add(band, q.schema(prop), q.integer(value))
    note = f"U.S. national annual wages of SOC {w.soc} {w.title}; min and max are the 10th and "
    note += "90th percentiles"
    if w.soc != soc_of(onet_code):
        note += "; OEWS publishes this occupation only within its broad group"
    elif is_proxy(onet_code, w):
        note += f"; OEWS publishes no wages for this occupation alone, only for all of {w.title}"
    if w.annualised:
        note += "; annualised from hourly wages at 2,080 hours"
    if w.open_ended:
        note += "; the top figure is the OEWS top-coding limit (at least that much)"
    q.add(band, q.cg(CG.wageLine), q.text(w.soc))
    q.add(band, q.cg(CG.wageLineTitle), q.text(w.title))
    q.add(band, q.cg(CG.proxyWage), q.boolean(is_proxy(onet_code, w)))
    q.add(band, q.rdfs("comment"), q.text(note + "."))
    q.add(band, q.dct("source"), source)
    q.add(role, q.cg(CG.salaryBand), band)
