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

from graph.errors import GuideError
from graph.guides.fields import _adjacent_titles, read_next_steps, read_salary
from graph.guides.model import Guide
from graph.guides.sections import _CONTAINERS, HEADINGS, OPTIONAL_SECTIONS, _decode, _Reader
from graph.guides.splitting import split_names, split_phrases, split_sectors

__all__ = ["parse_text", "parse_file"]


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
        elif (
            name in reader.sections and name not in _CONTAINERS and not reader.sections[name].lines
        ):
            reader.warn(reader.sections[name].line, name, "section is empty")
    steps = read_next_steps(reader)
    education, certifications = reader.education()
    guide = Guide(
        title=title,
        responsibilities=reader.bullets("Key Responsibilities"),
        top_skills=reader.one_per_line("Top Skills for Success"),
        can_lead_to=reader.one_per_line("Can Lead To"),
        transition_opportunities=reader.one_per_line("Transition Opportunities"),
        skill_gaps=reader.run_together("Often Missing Skills", split_phrases),
        development_suggestions=reader.paragraph("Development Suggestions"),
        salary=read_salary(reader),
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
