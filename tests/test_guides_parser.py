"""Tests for graph.guides.parser: guide text -> Guide, errors and warnings."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import GuideError
from graph.guides import GUIDE_KEYS, Guide, SalaryBand, parse_file, parse_text

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden" / "guides"
FIXTURES = TESTS / "fixtures" / "guides"
CORPUS = Path(str(resources.files("graph") / "data" / "guides"))
SEED_NAME = "technical-program-manager-infrastructure-delivery"
SEED_PATH = CORPUS / f"{SEED_NAME}.txt"
SEED = SEED_PATH.read_text(encoding="utf-8")

# the smallest text that is a guide: title and the required sections
MINI = (
    "Role\n"
    "Key Responsibilities\n- Do things.\n"
    "Top Skills for Success\nSkill\n"
    "Career Progression\nCan Lead To\nLead Role\n"
)


def _golden_cases() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*.txt") if (GOLDEN / f"{p.stem}.json").is_file())


# ---------------------------------------------------------------------------
# the seed and the shipped corpus


def test_seed_matches_golden() -> None:
    guide = parse_file(SEED_PATH)
    assert guide.to_dict() == json.loads((GOLDEN / f"{SEED_NAME}.json").read_text("utf-8"))
    assert guide.warnings == []
    assert guide.source == str(SEED_PATH)


def test_seed_details() -> None:
    guide = parse_text(SEED)
    assert list(guide.to_dict()) == list(GUIDE_KEYS)
    assert guide.title == "Technical Program Manager (Infrastructure & Delivery)"
    assert guide.development_suggestions.startswith("Pick 1–2 areas to deepen")
    assert guide.growth_trend.endswith("enterprises modernizing legacy systems.")
    assert guide.employers[0] == "Amazon (AWS)"
    assert guide.employers[-2:] == ["JPMorgan Chase", "Capital One"]
    assert guide.salary[2] == SalaryBand(
        level="Senior Level",
        min=190000,
        max=250000,
        currency="USD",
        open_ended=True,
        years="7+ yrs",
        note="org-wide programs; may include bonus/equity",
    )
    assert len(guide.next_steps) == 6
    assert guide.next_steps[1].startswith("Create a simple portfolio document (1–2 pages)")
    assert guide.adjacent_titles == [
        "Release Program Manager",
        "Platform Program Manager",
        "DevOps Program Manager",
        "TPM (Cloud/Infra)",
    ]


def test_corpus_has_golden_files() -> None:
    assert SEED_PATH.is_file()
    assert _golden_cases(), "no golden files in tests/golden/guides/"


@pytest.mark.parametrize("path", _golden_cases(), ids=lambda p: p.stem)
def test_corpus_matches_golden(path: Path) -> None:
    guide = parse_file(path)
    expected = json.loads((GOLDEN / f"{path.stem}.json").read_text("utf-8"))
    assert guide.to_dict() == expected
    assert guide.warnings == []


def test_round_trip_through_dict() -> None:
    guide = parse_text(SEED)
    assert Guide.from_dict(json.loads(json.dumps(guide.to_dict()))) == guide


# ---------------------------------------------------------------------------
# our own guides in other layouts

FIXTURE_WARNINGS = {
    "data-engineering-manager-uk": [],
    "site-reliability-engineer": [
        "line 32 (Major Employers): guessed split 'ChronosphereHoneycomb' -> 'Chronosphere', "
        "'Honeycomb'; add the name to the gazetteer if wrong",
    ],
    "product-analyst-india": [
        "line 25 (Development Suggestions): section missing (expected before 'Salary & Demand')",
        "line 39 (Recommended Next Steps): step 4 follows step 2; expected 3",
        "line 14 (Top Skills for Success): duplicate 'Product sense' ignored",
        "line 33 (Major Employers): guessed split 'SwiggyZomato' -> 'Swiggy', 'Zomato'; "
        "add the name to the gazetteer if wrong",
    ],
    "ux-researcher-europe": [],
}


@pytest.mark.parametrize("name", sorted(FIXTURE_WARNINGS))
def test_fixture_guides(name: str) -> None:
    guide = parse_file(FIXTURES / f"{name}.txt")
    assert guide.to_dict() == json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    assert guide.warnings == FIXTURE_WARNINGS[name]


def test_every_fixture_guide_is_checked() -> None:
    assert {p.stem for p in FIXTURES.glob("*.txt")} == set(FIXTURE_WARNINGS)


def test_fixture_encodings_are_what_they_claim() -> None:
    assert b"\r\n" in (FIXTURES / "data-engineering-manager-uk.txt").read_bytes()
    assert (FIXTURES / "product-analyst-india.txt").read_bytes().startswith(b"\xef\xbb\xbf")


def test_crlf_and_bom_give_the_same_guide() -> None:
    variant = "\ufeff" + SEED.replace("\n", "\r\n")
    assert parse_text(variant).to_dict() == parse_text(SEED).to_dict()


def test_bom_bytes_in_file(tmp_path: Path) -> None:
    path = tmp_path / "g.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SEED.replace("\n", "\r\n").encode())
    assert parse_file(path).to_dict() == parse_text(SEED).to_dict()


# ---------------------------------------------------------------------------
# headings


@pytest.mark.parametrize(
    "variant",
    [
        SEED.replace("Career GuideKey Responsibilities", "Career Guide\nKey Responsibilities"),
        SEED.replace("systems.Companies Hiring", "systems.\nCompanies Hiring"),
        SEED.replace(
            "systems.Companies Hiring\nMajor Employers\n", "systems.Companies HiringMajor Employers"
        ),
        SEED.replace("Development SuggestionsPick", "Development Suggestions\nPick"),
        SEED.replace("Development SuggestionsPick", "Development Suggestions: Pick"),
        SEED.replace("Development SuggestionsPick", "Development Suggestions Pick"),
        SEED.replace("Career Progression\nCan Lead To", "Career ProgressionCan Lead To"),
        SEED.replace("Salary & Demand", "Salary and Demand"),
        SEED.replace("Top Skills for Success\n", "  Top Skills for Success  \n"),
        SEED.replace("systems.Companies Hiring", "systems. Companies Hiring"),
        SEED.replace(
            "Technical Program Manager (Infrastructure & Delivery)\nCareer Guide",
            "Technical Program Manager (Infrastructure & Delivery)Career Guide\n",
        ),
    ],
)
def test_heading_variants_give_the_same_guide(variant: str) -> None:
    assert parse_text(variant).to_dict() == parse_text(SEED).to_dict()


def test_heading_words_inside_sentences_are_not_headings() -> None:
    text = MINI.replace(
        "- Do things.",
        "- Watch the growth trend of traffic.\n- Report to Key Responsibilities owners weekly.",
    )
    guide = parse_text(text + "Growth Trend\nDemand is high; companies hiring keep growing.\n")
    assert guide.responsibilities == [
        "Watch the growth trend of traffic.",
        "Report to Key Responsibilities owners weekly.",
    ]
    assert guide.growth_trend == "Demand is high; companies hiring keep growing."


# ---------------------------------------------------------------------------
# salary lines


def _band(line: str) -> SalaryBand:
    return parse_text(MINI + "Median Salary Range\n" + line + "\n").salary[0]


@pytest.mark.parametrize(
    ("line", "band"),
    [
        (
            "Entry LevelUS$115k–$150k (0–3 yrs TPM experience; strong technical background)",
            SalaryBand(
                "Entry Level",
                115000,
                150000,
                "USD",
                False,
                "0–3 yrs TPM experience",
                "strong technical background",
            ),
        ),
        (
            "Senior Level$190k—$250k+ (7+ yrs; org-wide; bonus)",
            SalaryBand("Senior Level", 190000, 250000, "USD", True, "7+ yrs", "org-wide; bonus"),
        ),
        ("Mid Level £45,000 - £60,000", SalaryBand("Mid Level", 45000, 60000, "GBP")),
        (
            "Mid Level: €60k to €80k (remote; 3–5 years)",
            SalaryBand("Mid Level", 60000, 80000, "EUR", False, "3–5 years", "remote"),
        ),
        ("Lead Level EUR 60k–80k", SalaryBand("Lead Level", 60000, 80000, "EUR")),
        ("Entry LevelC$95,000–C$120,000", SalaryBand("Entry Level", 95000, 120000, "CAD")),
        ("Entry LevelCA$95k–$120k", SalaryBand("Entry Level", 95000, 120000, "CAD")),
        ("Entry LevelA$110k–A$140k", SalaryBand("Entry Level", 110000, 140000, "AUD")),
        (
            "Senior Level₹1.2M–₹2.5M (5+ years)",
            SalaryBand("Senior Level", 1200000, 2500000, "INR", False, "5+ years"),
        ),
        ("Entry Level $115–150k", SalaryBand("Entry Level", 115000, 150000, "USD")),
        (
            "Staff Level US$250k+ (10+ yrs)",
            SalaryBand("Staff Level", 250000, 250000, "USD", True, "10+ yrs"),
        ),
        ("Entry Level 60k–75k GBP", SalaryBand("Entry Level", 60000, 75000, "GBP")),
        (
            "Principal Level US$300k–$400k (equity-heavy)",
            SalaryBand("Principal Level", 300000, 400000, "USD", note="equity-heavy"),
        ),
        ("Mid Level €60.000–€75.000", SalaryBand("Mid Level", 60000, 75000, "EUR")),
    ],
)
def test_salary_lines(line: str, band: SalaryBand) -> None:
    assert _band(line) == band


def test_salary_text_outside_brackets_is_a_note_with_warning() -> None:
    guide = parse_text(MINI + "Median Salary Range\nEntry Level $90k–$100k, remote only\n")
    assert guide.salary[0].note == "remote only"
    assert guide.warnings[-1] == (
        "line 10 (Median Salary Range): text after the amount read as a note: 'remote only'"
    )


# ---------------------------------------------------------------------------
# numbered steps and adjacent titles


def _steps(body: str) -> Guide:
    return parse_text(MINI + "Recommended Next Steps\n" + body)


def test_step_numbers_inside_text_are_content() -> None:
    guide = _steps(
        "1\nShip 2–3 programs (1–2 pages each) on AWS/Azure/GCP with S3 at 99.9% uptime.2\n"
        "Upgrade to version 2.3\nthen retire v1.2.3\nLast step."
    )
    assert guide.next_steps == [
        "Ship 2–3 programs (1–2 pages each) on AWS/Azure/GCP with S3 at 99.9% uptime.",
        "Upgrade to version 2.3 then retire v1.2.3 Last step.",
    ]


@pytest.mark.parametrize(
    "body",
    [
        "1\nFirst step.2\nSecond step.3\nThird step.",
        "1. First step.\n2. Second step.\n3. Third step.\n",
        "1) First step.\n2) Second step.\n3) Third step.",
        "1\nFirst step.\n2\nSecond step.\n3\nThird step.\n",
        "- First step.\n- Second step.\n- Third step.",
        "First step.\nSecond step.\nThird step.",
    ],
)
def test_step_layouts(body: str) -> None:
    assert _steps(body).next_steps == ["First step.", "Second step.", "Third step."]


def test_unnumbered_steps_warn() -> None:
    guide = _steps("First step.\nSecond step.")
    assert guide.warnings[-1] == (
        "line 10 (Recommended Next Steps): steps are not numbered; read one step a line"
    )


def test_step_out_of_sequence_warns() -> None:
    guide = _steps("1\nFirst step.2\nSecond step.4\nFourth step.")
    assert guide.next_steps == ["First step.", "Second step.", "Fourth step."]
    assert guide.warnings[-1] == (
        "line 12 (Recommended Next Steps): step 4 follows step 2; expected 3"
    )


@pytest.mark.parametrize(
    ("sentence", "titles"),
    [
        (
            "target adjacent titles too: A Manager, B Lead (X, Y), or C (D/E).",
            ["A Manager", "B Lead (X, Y)", "C (D/E)"],
        ),
        (
            "Look at adjacent titles: A Manager, B Lead and C Head.",
            ["A Manager", "B Lead", "C Head"],
        ),
        (
            "Consider similar titles such as A Manager or B Lead (Platform or Infra).",
            ["A Manager", "B Lead (Platform or Infra)"],
        ),
        ("Apply for related titles like Growth Analyst.", ["Growth Analyst"]),
        ("Apply widely.", []),
    ],
)
def test_adjacent_titles(sentence: str, titles: list[str]) -> None:
    assert _steps("1\nDo a thing.2\n" + sentence).adjacent_titles == titles


# ---------------------------------------------------------------------------
# warnings


@pytest.mark.parametrize(
    ("old", "new", "warning"),
    [
        (
            "Development SuggestionsPick",
            "Pick",
            "line 41 (Development Suggestions): section missing "
            "(expected before 'Salary & Demand')",
        ),
        (
            "Growth Trend\nStrong",
            "Growth Trend\nStrong.\nWork Environment\nMostly remote.\nStrong",
            "line 48 (Growth Trend): unknown heading 'Work Environment'; its lines up to the next "
            "known heading were ignored",
        ),
        (
            "Capital One\n",
            "Capital OneGoogle\n",
            "line 49 (Major Employers): duplicate 'Google' ignored",
        ),
        (
            "Capital One\n",
            "Capital OneFoobarWidgetco\n",
            "line 49 (Major Employers): guessed split 'FoobarWidgetco' -> 'Foobar', 'Widgetco'; "
            "add the name to the gazetteer if wrong",
        ),
        (
            "cost savings).2",
            "cost savings).3",
            "line 54 (Recommended Next Steps): step 3 follows step 1; expected 2",
        ),
        (
            "Can Lead To\n",
            "",
            "line 25 (Career Progression): no 'Can Lead To' heading; read the lines under "
            "'Career Progression' as 'Can Lead To'",
        ),
        (
            "Career GuideKey",
            "Career Guide\nBy the careers team\nKey",
            "line 3 (Career Guide): text outside any known section ignored: 'By the careers team'",
        ),
        (
            "Salary & Demand\nMedian Salary Range\n",
            "Salary & Demand\nTypical Pay\n",
            "line 42 (Salary & Demand): unknown heading 'Typical Pay'; read its lines as "
            "'Median Salary Range'",
        ),
        ("Median Salary Range\n", "Median Salary Range\n\n", ""),
    ],
)
def test_warnings(old: str, new: str, warning: str) -> None:
    assert old in SEED
    guide = parse_text(SEED.replace(old, new, 1))
    if warning:
        assert warning in guide.warnings
    else:
        assert guide.warnings == []


def test_duplicate_keeps_first() -> None:
    guide = parse_text(MINI.replace("Skill\n", "Skill\nOther\nSkill\n"))
    assert guide.top_skills == ["Skill", "Other"]
    assert "line 7 (Top Skills for Success): duplicate 'Skill' ignored" in guide.warnings


# ---------------------------------------------------------------------------
# errors


ERRORS = [
    (
        "",
        "x.txt:1: the file is empty; a guide starts with its title line, then 'Career Guide'",
        1,
        None,
    ),
    (
        "\n  \n\t\n",
        "x.txt:1: the file is empty; a guide starts with its title line, then 'Career Guide'",
        1,
        None,
    ),
    (
        "Hello\nThis is a shopping list.\n- eggs\n",
        "x.txt:1: no known section headings (such as 'Key Responsibilities' or 'Top Skills for "
        "Success') were found; this does not look like a career guide",
        1,
        None,
    ),
    (
        SEED.split("\n", 1)[1],
        "x.txt:1, section 'Career Guide': the guide has no title: its first line is the heading "
        "'Career Guide'; put the role title on the first line",
        1,
        "Career Guide",
    ),
    (
        SEED.replace("Key Responsibilities\n", "\n"),
        "x.txt:13, section 'Key Responsibilities': required section 'Key Responsibilities' is "
        "missing; add the heading 'Key Responsibilities' followed by its lines",
        13,
        "Key Responsibilities",
    ),
    (
        SEED.replace("Top Skills for Success", "Skills"),
        "x.txt:24, section 'Top Skills for Success': required section 'Top Skills for Success' is "
        "missing; add the heading 'Top Skills for Success' followed by its lines",
        24,
        "Top Skills for Success",
    ),
    (
        MINI.replace("Lead Role\n", ""),
        "x.txt:7, section 'Can Lead To': section 'Can Lead To' is empty; list its items under "
        "the heading",
        7,
        "Can Lead To",
    ),
    (
        SEED.replace("Mid LevelUS$150k–$190k", "Mid Level lots of money"),
        "x.txt:44, section 'Median Salary Range': cannot read the salary line 'Mid Level lots of "
        "money (3–7 yrs; ownership of multi-team p…'; write it as 'Entry Level US$115k–$150k "
        "(0–3 yrs; notes)'",
        44,
        "Median Salary Range",
    ),
    (
        SEED.replace("Mid LevelUS$150k–$190k", "Mid Level 150k–190k"),
        "x.txt:44, section 'Median Salary Range': the salary line 'Mid Level 150k–190k (3–7 yrs; "
        "ownership of multi-team progr…' has no currency (such as US$, £, € or EUR); write it "
        "as 'Entry Level US$115k–$150k (0–3 yrs; notes)'",
        44,
        "Median Salary Range",
    ),
    (
        SEED.replace("Mid LevelUS$150k–$190k", "US$150k–$190k"),
        "x.txt:44, section 'Median Salary Range': the salary line 'US$150k–$190k (3–7 yrs; "
        "ownership of multi-team programs)' has no level before the amount; write it as 'Entry "
        "Level US$115k–$150k (0–3 yrs; notes)'",
        44,
        "Median Salary Range",
    ),
    (
        SEED.replace("Mid LevelUS$150k–$190k", "Mid LevelUS$150k–£190k"),
        "x.txt:44, section 'Median Salary Range': the salary line "
        "'Mid LevelUS$150k–£190k (3–7 yrs; ownership of multi-team pr…' "
        "mixes currencies GBP, USD; use one currency per line",
        44,
        "Median Salary Range",
    ),
    (
        SEED.replace("Mid LevelUS$150k–$190k", "Mid LevelUS$190k–$150k"),
        "x.txt:44, section 'Median Salary Range': the salary range in 'Mid LevelUS$190k–$150k "
        "(3–7 yrs; ownership of multi-team pr…' starts above where it ends (190000 > 150000); put "
        "the lower amount first",
        44,
        "Median Salary Range",
    ),
]


@pytest.mark.parametrize(("text", "message", "line", "section"), ERRORS)
def test_errors(text: str, message: str, line: int, section: str | None) -> None:
    with pytest.raises(GuideError) as caught:
        parse_text(text, source="x.txt")
    assert str(caught.value) == message
    assert caught.value.path == "x.txt"
    assert caught.value.line == line
    assert caught.value.section == section


def test_not_utf8_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(SEED.replace("Snowflake", "Snöwflake").encode("latin-1", "replace"))
    with pytest.raises(GuideError) as caught:
        parse_file(path)
    # the en dashes of the seed are lost to latin-1, so line 3 is not the first bad line
    assert caught.value.line == 49
    assert str(caught.value) == f"{path}:49: byte 0xf6 is not UTF-8; save the file as UTF-8"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(GuideError) as caught:
        parse_file(path)
    assert str(caught.value) == (
        f"{path}: cannot read the guide file (No such file or directory); check the path"
    )


# ---------------------------------------------------------------------------
# what must survive any content: every responsibility line, every salary number


def _replace_section(text: str, start: str, end: str, body: str) -> str:
    a = text.index(start) + len(start)
    return text[:a] + body + text[text.index(end, a) :]


RESPONSIBILITY = (
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 ,.;:()/&'%$–-", min_size=1, max_size=80
    )
    .map(str.strip)
    .filter(bool)
    .map(lambda t: "Do " + t)
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RESPONSIBILITY, min_size=1, max_size=12, unique=True))
def test_every_responsibility_line_comes_back(lines: list[str]) -> None:
    """Each distinct line, in order, word for word (a repeated line is dropped with a warning)."""
    text = _replace_section(
        SEED, "Key Responsibilities\n", "Top Skills for Success",
        "".join(f"- {line}\n" for line in lines),
    )  # fmt: skip
    guide = parse_text(text)
    assert guide.responsibilities == lines
    assert not [w for w in guide.warnings if "Responsibilities" in w], guide.warnings


LEVELS = ["Entry Level", "Mid Level", "Senior Level"]
CURRENCIES = {"US$": "USD", "£": "GBP", "€": "EUR"}


@st.composite
def salary_lines(draw: st.DrawFn) -> list[tuple[str, int, int, str, bool, str]]:
    bands = []
    for level in draw(st.lists(st.sampled_from(LEVELS), min_size=1, max_size=3, unique=True)):
        low = draw(st.integers(1, 2_000))
        high = draw(st.integers(low, 3_000))
        symbol = draw(st.sampled_from(sorted(CURRENCIES)))
        thousands = draw(st.booleans())  # 115k or 115,000
        plus = draw(st.booleans())

        def amount(n: int, thousands: bool = thousands) -> str:
            return f"{n}k" if thousands else f"{n * 1000:,}"

        line = f"{level}{symbol}{amount(low)}–{symbol.lstrip('US')}{amount(high)}"
        bands.append((line + ("+" if plus else ""), low * 1000, high * 1000,
                      CURRENCIES[symbol], plus, level))  # fmt: skip
    return bands


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(salary_lines())
def test_every_number_of_a_salary_band_is_kept(bands: list) -> None:
    text = _replace_section(
        SEED, "Median Salary Range\n", "Growth Trend", "".join(b[0] + "\n" for b in bands)
    )
    guide = parse_text(text)
    assert [(b.level, b.min, b.max, b.currency, b.open_ended) for b in guide.salary] == [
        (level, low, high, currency, plus) for _, low, high, currency, plus, level in bands
    ]


# ---------------------------------------------------------------------------
# never a crash

SEED_LINES = SEED.split("\n")
PIECES = st.text(alphabet="aZ1.)(–-$£€k+:;/& 2345\n\r\ufeff", max_size=20) | st.sampled_from(
    [
        "Key Responsibilities",
        "Can Lead To",
        "Median Salary Range",
        "Recommended Next Steps",
        "Growth Trend",
        "Major Employers",
        "1",
        "2",
        "US$1k–$2k",
        "(",
        ")",
    ]
)


@st.composite
def seed_mutations(draw: st.DrawFn) -> str:
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "glue", "insert", "splice", "cut"]))
        if action == "delete":
            del lines[index]
        elif action == "glue" and index + 1 < len(lines):
            lines[index : index + 2] = [lines[index] + lines[index + 1]]
        elif action == "insert":
            lines.insert(index, draw(PIECES))
        elif action == "splice":
            at = draw(st.integers(0, len(lines[index])))
            lines[index] = lines[index][:at] + draw(PIECES) + lines[index][at:]
        else:
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
    return "\n".join(lines)


def _guide_or_error(text: str) -> None:
    try:
        guide = parse_text(text)
    except GuideError as exc:
        assert str(exc).strip()
    else:
        # a guide has a title, and survives its JSON contract unchanged
        assert guide.title.strip()
        data = json.loads(json.dumps(guide.to_dict()))
        assert sorted(data) == sorted(GUIDE_KEYS)
        assert Guide.from_dict(data) == guide


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_gives_guide_or_error(text: str) -> None:
    _guide_or_error(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed_mutations())
def test_seed_mutations_give_guide_or_error(text: str) -> None:
    _guide_or_error(text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_guide_or_error(data: bytes) -> None:
    try:
        from graph.guides.sections import _decode

        _guide_or_error(_decode(data, "x.txt"))
    except GuideError:
        pass
