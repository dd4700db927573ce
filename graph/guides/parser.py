"""Read a scraped career-guide text into a :class:`~graph.guides.model.Guide`.

A guide is its title line followed by known section headings in a fixed order.
Scraping glues headings to the text around them (``Career GuideKey
Responsibilities``, ``...legacy systems.Companies Hiring``, ``Development
SuggestionsPick 1–2 areas``), so headings are found at a line start, alone or
glued to the text after them, and at a line end glued to text that ends in
punctuation or a lowercase letter. Headings are matched case-sensitively, so
the words "growth trend" inside a sentence are never a heading.

Problems a person must fix raise :class:`~graph.errors.GuideError` naming the
file, line and section; recoverable oddities are kept in ``Guide.warnings``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from graph.errors import GuideError
from graph.guides.model import Guide, SalaryBand
from graph.guides.splitting import Split, split_names, split_phrases, split_sectors

__all__ = ["parse_text", "parse_file", "HEADINGS", "REQUIRED_SECTIONS", "OPTIONAL_SECTIONS"]

#: The known headings in the order a guide has them; containers hold the sections after them.
HEADINGS = (
    "Career Guide",
    "Key Responsibilities",
    "Top Skills for Success",
    "Career Progression",
    "Can Lead To",
    "Transition Opportunities",
    "Common Skill Gaps",
    "Often Missing Skills",
    "Development Suggestions",
    "Education & Certifications",
    "Salary & Demand",
    "Median Salary Range",
    "Growth Trend",
    "Companies Hiring",
    "Major Employers",
    "Industry Sectors",
    "Recommended Next Steps",
)

#: Sections a guide may leave out without a warning.
OPTIONAL_SECTIONS = ("Education & Certifications",)

#: Sections without which a guide is refused.
REQUIRED_SECTIONS = ("Key Responsibilities", "Top Skills for Success", "Can Lead To")

# container heading -> the section its untitled lines are read as
_CONTAINERS = {
    "Career Guide": None,
    "Career Progression": "Can Lead To",
    "Common Skill Gaps": "Often Missing Skills",
    "Salary & Demand": "Median Salary Range",
    "Companies Hiring": "Major Employers",
}
# containers whose lines are not Title Case, so a Title Case first line is a heading
_TITLED_CONTAINERS = ("Common Skill Gaps", "Salary & Demand")
_ALIASES = {
    "Salary and Demand": "Salary & Demand",
    "Education and Certifications": "Education & Certifications",
    "Education & Certification": "Education & Certifications",
    "Education and Certification": "Education & Certifications",
}
_SPELLINGS = sorted([*HEADINGS, *_ALIASES], key=len, reverse=True)
_CANONICAL = {h.lower(): h for h in HEADINGS} | {a.lower(): h for a, h in _ALIASES.items()}
# sections whose text is a paragraph; their heading may be followed by a space and the text
_PARAGRAPHS = ("Development Suggestions", "Growth Trend")
_BULLET = re.compile(r"^(?:[-*•·–—]|\d+[.)])\s+")
_SMALL_WORDS = frozenset("a an and & of for to the in on or with".split())


@dataclass
class _Line:
    number: int
    text: str


@dataclass
class _Section:
    name: str
    line: int
    lines: list[_Line] = field(default_factory=list)


# ---------------------------------------------------------------------------
# headings


def _heading_end(text: str, pos: int, spelling: str, first: bool) -> int | None:
    """End of the heading ``spelling`` at ``pos`` (after a colon), or None if it is not one."""
    end = pos + len(spelling)
    rest = text[end:]
    if not rest.strip():
        return len(text)
    if rest[0] == ":":
        return end + 1
    if rest[0].isspace():
        # "Development Suggestions Pick 1–2 areas": only paragraph headings, only at a line start
        canonical = _CANONICAL[spelling.lower()]
        if first and canonical in _PARAGRAPHS and re.match(r"\s+[A-Z0-9]", rest):
            return end
        return None
    if rest[0].islower():
        return None
    return end


def _split_headings(text: str) -> list[tuple[str, str]]:
    """Cut one line into ``("heading", name)`` and ``("text", text)`` parts.

    Examples
    --------
    >>> _split_headings("Career GuideKey Responsibilities")
    [('heading', 'Career Guide'), ('heading', 'Key Responsibilities')]
    >>> _split_headings("modernizing legacy systems.Companies Hiring")
    [('text', 'modernizing legacy systems.'), ('heading', 'Companies Hiring')]
    >>> _split_headings("A rising growth trend in Key Responsibilities of teams")
    [('text', 'A rising growth trend in Key Responsibilities of teams')]
    """
    stripped = text.strip()
    canonical = _CANONICAL.get(stripped.rstrip(":").strip().lower())
    if canonical:
        return [("heading", canonical)]
    parts: list[tuple[str, str]] = []
    start = 0  # start of the text not yet emitted
    pos = 0
    while pos < len(stripped):
        at_start = pos == start and (pos == 0 or bool(parts and parts[-1][0] == "heading"))
        glued = pos > 0 and (stripped[pos - 1].islower() or stripped[pos - 1] in ".!?)]:;\"'”")
        spaced_end = (
            pos > 1 and stripped[pos - 1] == " " and stripped[: pos].rstrip()[-1:] in list(".!?)")
        )
        if at_start or glued or spaced_end:
            for spelling in _SPELLINGS:
                if not stripped.startswith(spelling, pos):
                    continue
                end = _heading_end(stripped, pos, spelling, at_start)
                if end is None or (spaced_end and not at_start and end != len(stripped)):
                    continue
                before = stripped[start:pos].strip()
                if before:
                    parts.append(("text", before))
                parts.append(("heading", _CANONICAL[spelling.lower()]))
                start = pos = end
                while pos < len(stripped) and stripped[pos].isspace():
                    pos += 1
                start = pos
                break
            else:
                pos += 1
            continue
        pos += 1
    rest = stripped[start:].strip()
    if rest:
        parts.append(("text", rest))
    return parts


def _looks_like_heading(text: str) -> bool:
    """A short Title Case line without sentence punctuation, e.g. ``Work Environment``."""
    words = text.split()
    if not 1 <= len(words) <= 5 or re.search(r"[.,;:!?()/\d$£€%]", text) or _BULLET.match(text):
        return False
    return all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in words)


# ---------------------------------------------------------------------------
# reading the text


def _decode(data: bytes, path: str | None) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GuideError(
            f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8",
            path=path,
            line=line,
        ) from None


class _Reader:
    """One parse: the lines, the sections found, and the warnings so far."""

    def __init__(self, text: str, source: str | None) -> None:
        self.source = source
        self.warnings: list[str] = []
        text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        self.lines = [_Line(i, t) for i, t in enumerate(text.split("\n"), start=1)]
        self.sections: dict[str, _Section] = {}
        self.order: list[str] = []

    def error(
        self, message: str, line: int | None = None, section: str | None = None
    ) -> GuideError:
        return GuideError(message, path=self.source, line=line, section=section)

    def warn(self, line: int | None, section: str | None, message: str) -> None:
        where = f"line {line}" if line else "guide"
        if section:
            where += f" ({section})"
        self.warnings.append(f"{where}: {message}")

    # -- structure ----------------------------------------------------------

    def read_structure(self) -> str:
        """Find the title and the sections; return the title."""
        content = [ln for ln in self.lines if ln.text.strip()]
        if not content:
            raise self.error(
                "the file is empty; a guide starts with its title line, then 'Career Guide'",
                line=1,
            )
        items: list[tuple[int, str, str]] = []
        for ln in content:
            items += [(ln.number, kind, value) for kind, value in _split_headings(ln.text)]
        headings = [it for it in items if it[1] == "heading"]
        if not headings:
            raise self.error(
                "no known section headings (such as 'Key Responsibilities' or "
                "'Top Skills for Success') were found; this does not look like a career guide",
                line=content[0].number,
            )
        first = items[0]
        if first[1] == "heading":
            raise self.error(
                f"the guide has no title: its first line is the heading '{first[2]}'; "
                "put the role title on the first line",
                line=first[0],
                section=first[2],
            )
        title = first[2].strip()
        current: _Section | None = None
        rank = -1
        for number, kind, value in items[1:]:
            if kind == "heading":
                if value in self.sections:
                    self.warn(number, value, "heading repeated; its lines were added to the first")
                    current = self.sections[value]
                    continue
                position = HEADINGS.index(value)
                if position < rank:
                    self.warn(
                        number, value,
                        f"heading out of order: expected it before '{HEADINGS[rank]}'",
                    )
                rank = max(rank, position)
                current = _Section(value, number)
                self.sections[value] = current
                self.order.append(value)
            elif current is None:
                self.warn(number, None, f"text between the title and the first heading ignored: "
                          f"'{_short(value)}'")
            else:
                current.lines.append(_Line(number, value))
        self._resolve_containers()
        return title

    def _resolve_containers(self) -> None:
        """Give lines written directly under a container heading to its first section."""
        for container, default in _CONTAINERS.items():
            section = self.sections.get(container)
            if section is None or not section.lines:
                continue
            lines = section.lines
            section.lines = []
            if default is None or default in self.sections:
                for ln in lines:
                    self.warn(ln.number, container, f"text outside any known section ignored: "
                              f"'{_short(ln.text)}'")
                continue
            if container in _TITLED_CONTAINERS and _looks_like_heading(lines[0].text):
                self.warn(lines[0].number, container,
                          f"unknown heading '{lines[0].text}'; read its lines as '{default}'")
                lines = lines[1:]
            else:
                self.warn(lines[0].number, container,
                          f"no '{default}' heading; read the lines under '{container}' as "
                          f"'{default}'")
            self.sections[default] = _Section(default, section.line, lines)

    def section_lines(self, name: str) -> list[_Line]:
        section = self.sections.get(name)
        return section.lines if section else []

    def expected_at(self, name: str) -> tuple[int, str]:
        """Line where a missing section was due: that of the next heading present, or the end."""
        later = [h for h in HEADINGS[HEADINGS.index(name) + 1 :] if h in self.sections]
        if later:
            heading = min(later, key=lambda h: self.sections[h].line)
            return self.sections[heading].line, f"before '{heading}'"
        content = [ln.number for ln in self.lines if ln.text.strip()]
        return content[-1], "at the end"

    def check_required(self) -> None:
        for name in REQUIRED_SECTIONS:
            section = self.sections.get(name)
            if section is None:
                line, _ = self.expected_at(name)
                raise self.error(
                    f"required section '{name}' is missing; add the heading '{name}' "
                    "followed by its lines",
                    line=line,
                    section=name,
                )
            if not section.lines:
                raise self.error(
                    f"section '{name}' is empty; list its items under the heading",
                    line=section.line,
                    section=name,
                )

    def cut_unknown_heading(self, name: str, lines: list[_Line], skip_first: bool) -> list[_Line]:
        """Stop a section at an unknown heading-like line; warn about what is dropped."""
        for index, ln in enumerate(lines):
            if index == 0 and skip_first:
                continue
            if _looks_like_heading(ln.text):
                self.warn(ln.number, name, f"unknown heading '{ln.text}'; its lines up to the "
                          "next known heading were ignored")
                return lines[:index]
        return lines

    # -- sections -----------------------------------------------------------

    def unique(self, name: str, items: list[tuple[int, str]]) -> list[str]:
        seen: set[str] = set()
        result = []
        for number, item in items:
            if item in seen:
                self.warn(number, name, f"duplicate '{item}' ignored")
                continue
            seen.add(item)
            result.append(item)
        return result

    def bullets(self, name: str) -> list[str]:
        lines = self.cut_unknown_heading(name, self.section_lines(name), skip_first=False)
        items: list[tuple[int, str]] = []
        for ln in lines:
            text = ln.text.strip()
            match = _BULLET.match(text)
            if match:
                items.append((ln.number, text[match.end() :].strip()))
            elif items and text[0].islower():
                number, previous = items[-1]
                items[-1] = (number, f"{previous} {text}")
            else:
                self.warn(ln.number, name, "item without a '- ' bullet read as its own item")
                items.append((ln.number, text))
        return self.unique(name, [it for it in items if it[1]])

    def one_per_line(self, name: str) -> list[str]:
        items = []
        for ln in self.section_lines(name):
            text = ln.text.strip()
            match = _BULLET.match(text)
            items.append((ln.number, text[match.end() :].strip() if match else text))
        return self.unique(name, [it for it in items if it[1]])

    def run_together(self, name: str, splitter: Callable[[str], Split]) -> list[str]:
        items: list[tuple[int, str]] = []
        for ln in self.section_lines(name):
            result = splitter(ln.text)
            for guess in result.guesses:
                self.warn(ln.number, name,
                          f"guessed split {guess}; add the name to the gazetteer if wrong")
            items += [(ln.number, piece) for piece in result.pieces]
        return self.unique(name, items)

    def paragraph(self, name: str) -> str:
        lines = self.cut_unknown_heading(name, self.section_lines(name), skip_first=True)
        return " ".join(ln.text.strip() for ln in lines).strip()

    def salary(self) -> list[SalaryBand]:
        name = "Median Salary Range"
        lines = self.section_lines(name)
        bands = []
        for index, ln in enumerate(lines):
            if _looks_like_heading(ln.text.strip()):
                self.cut_unknown_heading(name, lines[index:], skip_first=False)
                break
            bands.append(_parse_salary(ln.text.strip(), ln.number, self))
        return bands

    def education(self) -> tuple[str, list[str]]:
        """The optional 'Education & Certifications' section.

        A line starting "Education:" gives the education the role asks; every
        other line (bulleted or not, "Certification:"/"Licence:" prefixes
        dropped) names a certification, licence or exam.
        """
        name = "Education & Certifications"
        education = ""
        items: list[tuple[int, str]] = []
        for ln in self.section_lines(name):
            text = ln.text.strip()
            match = _BULLET.match(text)
            text = text[match.end() :].strip() if match else text
            head, sep, rest = text.partition(":")
            key = head.strip().lower()
            if sep and key in ("education", "degree"):
                if education:
                    self.warn(ln.number, name, "second 'Education:' line ignored")
                else:
                    education = rest.strip()
                continue
            if sep and key.rstrip("s") in ("certification", "licence", "license", "exam"):
                text = rest.strip()
            items.append((ln.number, text))
        return education, self.unique(name, [it for it in items if it[1]])

    def next_steps(self) -> list[str]:
        return _parse_steps(self.section_lines("Recommended Next Steps"), self)


def _short(text: str, width: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------------------
# salary lines

_SYMBOLS = {
    "US$": "USD", "$": "USD", "£": "GBP", "€": "EUR", "C$": "CAD", "CA$": "CAD", "A$": "AUD",
    "AU$": "AUD", "NZ$": "NZD", "S$": "SGD", "HK$": "HKD", "₹": "INR", "¥": "JPY", "R$": "BRL",
}
_ISO = (
    "USD EUR GBP CAD AUD NZD INR JPY CHF SEK NOK DKK PLN CZK HUF SGD HKD CNY KRW TWD ZAR BRL "
    "MXN AED SAR ILS TRY RON BGN PHP IDR MYR THB VND NGN KES EGP ARS CLP COP"
).split()
_CUR = (
    r"(?:(?:" + "|".join(_ISO) + r")\s?(?:\$|£|€)?"
    r"|US\$|CA\$|C\$|AU\$|A\$|NZ\$|S\$|HK\$|R\$|\$|£|€|₹|¥)"
)
_AMOUNT = r"\d[\d,.]*"
_MULT = r"(?:\s?(?:[kK]|[mM](?:n|il)?)(?![a-zA-Z]))?"
_SEP = r"\s*(?:–|—|-|\bto\b)\s*"
_RANGE = re.compile(
    rf"(?P<c1>{_CUR})?\s?(?P<a1>{_AMOUNT})(?P<m1>{_MULT}){_SEP}(?P<c2>{_CUR})?\s?"
    rf"(?P<a2>{_AMOUNT})(?P<m2>{_MULT})(?P<plus>\s?\+)?(?:\s?(?P<c3>{_CUR})(?![A-Za-z]))?"
)
_SINGLE = re.compile(
    rf"(?P<c1>{_CUR})\s?(?P<a2>{_AMOUNT})(?P<m2>{_MULT})(?P<plus>\s?\+)?"
)
_PER_YEAR = re.compile(r"^\s*(?:/\s*(?:yr|year|annum)|per (?:year|annum)|a year|annually)\b", re.I)
_YEARS = re.compile(r"\b(?:yrs?|years?)\b", re.I)


def _currency(symbol: str | None) -> str | None:
    if not symbol:
        return None
    symbol = symbol.replace(" ", "")
    if symbol[:3] in _ISO:
        return symbol[:3]
    return _SYMBOLS.get(symbol)


def _amount(raw: str, mult: str) -> int | None:
    raw = raw.rstrip(".,")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw) and not mult:
        raw = raw.replace(".", "")  # 60.000 written the European way
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw) or re.fullmatch(r"\d+(?:\.\d+)?", raw):
        raw = raw.replace(",", "")
    else:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    factor = {"k": 1000, "m": 1_000_000}.get(mult.strip()[:1].lower(), 1)
    return int(value * factor)


def _clauses(text: str) -> list[str]:
    """Split on ';' outside brackets."""
    clauses, depth, current = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch == ";" and depth == 0:
            clauses.append(current)
            current = ""
        else:
            current += ch
    clauses.append(current)
    return [c.strip() for c in clauses if c.strip()]


def _parse_salary(text: str, number: int, reader: _Reader) -> SalaryBand:
    section = "Median Salary Range"
    hint = "write it as 'Entry Level US$115k–$150k (0–3 yrs; notes)'"
    depths = [0]
    for ch in text:
        depths.append(depths[-1] + (ch == "(") - (ch == ")" and depths[-1] > 0))
    # the amount is the first range outside brackets; "(3–7 yrs)" is not an amount
    ranges = [m for m in _RANGE.finditer(text) if depths[m.start()] == 0]
    priced = [m for m in ranges if m.group("c1") or m.group("c2") or m.group("c3")]
    singles = [m for m in _SINGLE.finditer(text) if depths[m.start()] == 0]
    candidates = priced or singles or ranges
    if not candidates:
        raise reader.error(f"cannot read the salary line '{_short(text)}'; {hint}", number, section)
    match = candidates[0]
    groups = match.groupdict()
    level = text[: match.start()].strip(" \t:–—-|")
    if not level:
        raise reader.error(
            f"the salary line '{_short(text)}' has no level before the amount; {hint}",
            number, section,
        )
    symbols = [groups[k].strip() for k in ("c1", "c2", "c3") if groups.get(k)]
    if any(s != "$" and s.endswith("$") for s in symbols):
        symbols = [s for s in symbols if s != "$"]  # "CA$95k–$120k": the second $ is CA$
    codes = {_currency(s) for s in symbols}
    if not codes or None in codes:
        raise reader.error(
            f"the salary line '{_short(text)}' has no currency (such as US$, £, € or EUR); {hint}",
            number, section,
        )
    if len(codes) > 1:
        raise reader.error(
            f"the salary line '{_short(text)}' mixes currencies "
            f"{', '.join(sorted(c for c in codes if c))}; "
            "use one currency per line",
            number, section,
        )
    high = _amount(groups["a2"], groups["m2"] or "")
    if groups.get("a1") is not None:
        mult1 = groups["m1"] or ""
        low_raw = _amount(groups["a1"], mult1)
        if low_raw is not None and not mult1 and groups["m2"] and low_raw < 1000:
            mult1 = groups["m2"]  # "$115–150k": the k belongs to both
        low = _amount(groups["a1"], mult1)
    else:
        low = high
    if low is None or high is None:
        raise reader.error(
            f"cannot read the amounts in the salary line '{_short(text)}'; {hint}", number, section
        )
    if low > high:
        raise reader.error(
            f"the salary range in '{_short(text)}' starts above where it ends ({low} > {high}); "
            "put the lower amount first",
            number, section,
        )
    rest = text[match.end() :]
    rest = _PER_YEAR.sub("", rest).strip()
    clauses: list[str] = []
    outside = []
    for piece in re.split(r"(\([^()]*(?:\([^()]*\)[^()]*)*\))", rest):
        if piece.startswith("(") and piece.endswith(")"):
            clauses += _clauses(piece[1:-1])
        elif piece.strip(" ,;–—-"):
            outside.append(piece.strip(" ,;–—-"))
    if outside:
        reader.warn(number, section, f"text after the amount read as a note: '{' '.join(outside)}'")
        clauses += outside
    years = next((c for c in clauses if _YEARS.search(c)), None)
    notes = [c for c in clauses if c is not years]
    return SalaryBand(
        level=level,
        min=low,
        max=high,
        currency=codes.pop() or "",
        open_ended=bool(groups.get("plus")),
        years=years,
        note="; ".join(notes) or None,
    )


# ---------------------------------------------------------------------------
# numbered steps


def _step_marker(n: int) -> re.Pattern[str]:
    """Where step ``n`` starts: alone on a line, at a line start, or glued after a sentence."""
    return re.compile(
        rf"(?:(?<=\n)|^|(?<=(?<![\d.])[.!?)\]\"”'])\s*)[ \t]*{n}"
        r"(?:[.):]\s+|\s*$|\s*\n|[ \t]*(?=[A-Z]))",
        re.M,
    )


# a step number out of sequence counts only where numbers rarely are content: alone on
# a line, at a line start before ". ", or glued after a sentence at a line end
_STRAY = re.compile(
    r"(?:^|\n)[ \t]*(\d+)(?:[.)]\s+|[ \t]*(?=\n|$))|(?<=[a-z)][.!?)])(\d+)[ \t]*(?=\n|$)"
)


def _parse_steps(lines: list[_Line], reader: _Reader) -> list[str]:
    name = "Recommended Next Steps"
    if not lines:
        return []
    text = "\n".join(ln.text.strip() for ln in lines)
    starts = []
    offset = 0
    for ln in lines:
        starts.append((offset, ln.number))
        offset += len(ln.text.strip()) + 1

    def line_at(pos: int) -> int:
        return max((n for o, n in starts if o <= pos), default=lines[0].number)

    first = _step_marker(1).match(text)
    if not first:
        strong = re.match(r"\s*(\d+)(?:[.):]\s+|\s*\n|\s*$)", text)
        bullets = [ln for ln in lines if _BULLET.match(ln.text.strip())]
        if strong:
            reader.warn(lines[0].number, name,
                        f"steps start at {strong.group(1)}, not 1; read in sequence from there")
            first = _step_marker(int(strong.group(1))).match(text)
        elif bullets and len(bullets) == len(lines):
            return reader.unique(name, [
                (ln.number, _BULLET.sub("", ln.text.strip(), count=1)) for ln in lines
            ])
        else:
            reader.warn(lines[0].number, name, "steps are not numbered; read one step a line")
            return reader.unique(name, [(ln.number, ln.text.strip()) for ln in lines])
    if first is None:  # cannot happen: the strong match above is a marker too
        return []
    expected = int(re.sub(r"\D", "", first.group())) + 1
    pos = first.end()
    steps: list[tuple[int, str]] = []
    while True:
        nxt = _step_marker(expected).search(text, pos)
        # a number out of sequence counts only when alone on its line or at a line start
        stray = _STRAY.search(text, pos)
        found = int(stray.group(1) or stray.group(2)) if stray else expected
        if found in (expected, 0):
            stray = None
        if stray and (nxt is None or stray.start() < nxt.start()):
            reader.warn(line_at(stray.end()), name,
                        f"step {found} follows step {expected - 1}; expected {expected}")
            nxt, expected = stray, found
        if nxt is None:
            steps.append((line_at(pos), text[pos:]))
            break
        steps.append((line_at(pos), text[pos : nxt.start()]))
        pos = nxt.end()
        expected += 1
    cleaned = [(n, " ".join(s.split())) for n, s in steps]
    for n, s in cleaned:
        if not s:
            reader.warn(n, name, "empty step ignored")
    return reader.unique(name, [(n, s) for n, s in cleaned if s])


# ---------------------------------------------------------------------------
# adjacent titles

_ADJACENT = re.compile(
    r"\b(?:adjacent|similar|related|alternative)\s+(?:job\s+|role\s+)?titles?"
    r"(?:\s+(?:too|as well|also))?\s*(?::|such as|like|include|including)\s*",
    re.I,
)


def _split_titles(text: str) -> list[str]:
    """Split ``A, B, or C (D/E).`` into titles, never inside brackets."""
    depth, end = 0, len(text)
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if depth == 0 and ch in ".;" and (i + 1 == len(text) or text[i + 1].isspace()):
            end = i
            break
    parts, depth, current = [], 0, ""
    for ch in text[:end]:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    titles: list[str] = []
    for index, part in enumerate(parts):
        part = part.strip()
        part = re.sub(r"^(?:or|and)\s+", "", part)
        pieces = [part]
        if index == len(parts) - 1 or len(parts) == 1:
            pieces = _split_outside(part, r"\s+or\s+")
            if len(parts) > 1:
                pieces = [p for piece in pieces for p in _split_outside(piece, r"\s+and\s+")]
        titles += [p.strip() for p in pieces if p.strip()]
    return titles


def _split_outside(text: str, pattern: str) -> list[str]:
    depths = [0]
    for ch in text:
        depths.append(depths[-1] + (ch == "(") - (ch == ")" and depths[-1] > 0))
    pieces, last = [], 0
    for m in re.finditer(pattern, text):
        if depths[m.start()] == 0:
            pieces.append(text[last : m.start()])
            last = m.end()
    pieces.append(text[last:])
    return pieces


def _adjacent_titles(steps: list[str], reader: _Reader) -> list[str]:
    titles: list[tuple[int, str]] = []
    for step in steps:
        for match in _ADJACENT.finditer(step):
            titles += [(0, t) for t in _split_titles(step[match.end() :])]
    seen: set[str] = set()
    result = []
    for _, title in titles:
        if title in seen:
            reader.warn(None, "Recommended Next Steps", f"duplicate adjacent title '{title}' "
                        "ignored")
            continue
        seen.add(title)
        result.append(title)
    return result


# ---------------------------------------------------------------------------
# public API


def parse_text(text: str, source: str | None = None) -> Guide:
    """Parse the text of one career guide.

    Parameters
    ----------
    text : str
        The guide as scraped: title line, then the known headings in order.
    source : str, optional
        Where the text came from (a file name), used in errors and kept as
        ``Guide.source``.

    Returns
    -------
    Guide
        Every fact of the guide; ``Guide.warnings`` lists recoverable oddities,
        each naming its line.

    Raises
    ------
    GuideError
        The text is empty, has no title, is not a guide, lacks a required section
        (:data:`REQUIRED_SECTIONS`), or has a salary line that cannot be read.

    Examples
    --------
    >>> guide = parse_text(
    ...     "Data Engineer\\nCareer GuideKey Responsibilities\\n- Build pipelines.\\n"
    ...     "Top Skills for Success\\nSQL\\nCareer Progression\\nCan Lead To\\n"
    ...     "Senior Data Engineer\\n"
    ...     "Salary & Demand\\nMedian Salary Range\\nEntry LevelUS$90k–$120k (0–2 yrs)\\n"
    ...     "Growth Trend\\nSteady.Companies Hiring\\nMajor Employers\\nIBMCisco"
    ... )
    >>> guide.title, guide.employers, guide.growth_trend
    ('Data Engineer', ['IBM', 'Cisco'], 'Steady.')
    >>> guide.salary[0].min, guide.salary[0].years
    (90000, '0–2 yrs')
    >>> parse_text("")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph.errors.GuideError: line 1: the file is empty; ...
    """
    reader = _Reader(text, source)
    title = reader.read_structure()
    reader.check_required()
    for name in HEADINGS:
        if name in OPTIONAL_SECTIONS and name not in reader.sections:
            continue
        if name not in reader.sections and name not in _CONTAINERS:
            line, where = reader.expected_at(name)
            reader.warn(line, name, f"section missing (expected {where})")
        elif name in reader.sections and name not in _CONTAINERS and not reader.sections[
            name
        ].lines:
            reader.warn(reader.sections[name].line, name, "section is empty")
    steps = reader.next_steps()
    education, certifications = reader.education()
    guide = Guide(
        title=title,
        responsibilities=reader.bullets("Key Responsibilities"),
        top_skills=reader.one_per_line("Top Skills for Success"),
        can_lead_to=reader.one_per_line("Can Lead To"),
        transition_opportunities=reader.one_per_line("Transition Opportunities"),
        skill_gaps=reader.run_together("Often Missing Skills", split_phrases),
        development_suggestions=reader.paragraph("Development Suggestions"),
        salary=reader.salary(),
        growth_trend=reader.paragraph("Growth Trend"),
        employers=reader.run_together("Major Employers", split_names),
        sectors=reader.run_together("Industry Sectors", split_sectors),
        next_steps=steps,
        adjacent_titles=_adjacent_titles(steps, reader),
        education=education,
        certifications=certifications,
        source=source,
    )
    guide.warnings = reader.warnings
    return guide


def parse_file(path: str | os.PathLike[str]) -> Guide:
    """Parse a guide file (UTF-8, with or without a BOM, LF or CRLF line ends).

    Parameters
    ----------
    path : str or path-like
        The guide file.

    Returns
    -------
    Guide
        As :func:`parse_text`, with ``source`` set to ``path``.

    Raises
    ------
    GuideError
        The file cannot be read, is not UTF-8 (the error names the line of the
        first bad byte), or its text is not a guide (see :func:`parse_text`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "bad.txt").write_bytes(b"Title\\nCaf\\xe9")
    10
    >>> parse_file(folder / "bad.txt")
    Traceback (most recent call last):
    ...
    graph.errors.GuideError: ...bad.txt:2: byte 0xe9 is not UTF-8; save the file as UTF-8
    """
    source = os.fspath(path)
    try:
        with open(source, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise GuideError(
            f"cannot read the guide file ({reason}); check the path", path=source
        ) from None
    return parse_text(_decode(data, source), source=source)
