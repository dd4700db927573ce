"""A guide's text cut into sections: headings, lines, a reader that reports errors by line."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from graph.errors import GuideError
from graph.guides.splitting import Split

__all__ = ["HEADINGS", "REQUIRED_SECTIONS", "OPTIONAL_SECTIONS"]


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
            pos > 1 and stripped[pos - 1] == " " and stripped[:pos].rstrip()[-1:] in list(".!?)")
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
                        number,
                        value,
                        f"heading out of order: expected it before '{HEADINGS[rank]}'",
                    )
                rank = max(rank, position)
                current = _Section(value, number)
                self.sections[value] = current
                self.order.append(value)
            elif current is None:
                self.warn(
                    number,
                    None,
                    f"text between the title and the first heading ignored: '{_short(value)}'",
                )
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
                    self.warn(
                        ln.number,
                        container,
                        f"text outside any known section ignored: '{_short(ln.text)}'",
                    )
                continue
            if container in _TITLED_CONTAINERS and _looks_like_heading(lines[0].text):
                self.warn(
                    lines[0].number,
                    container,
                    f"unknown heading '{lines[0].text}'; read its lines as '{default}'",
                )
                lines = lines[1:]
            else:
                self.warn(
                    lines[0].number,
                    container,
                    f"no '{default}' heading; read the lines under '{container}' as '{default}'",
                )
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
                self.warn(
                    ln.number,
                    name,
                    f"unknown heading '{ln.text}'; its lines up to the "
                    "next known heading were ignored",
                )
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
                self.warn(
                    ln.number,
                    name,
                    f"guessed split {guess}; add the name to the gazetteer if wrong",
                )
            items += [(ln.number, piece) for piece in result.pieces]
        return self.unique(name, items)

    def paragraph(self, name: str) -> str:
        lines = self.cut_unknown_heading(name, self.section_lines(name), skip_first=True)
        return " ".join(ln.text.strip() for ln in lines).strip()

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


def _short(text: str, width: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= width else text[: width - 1] + "…"
