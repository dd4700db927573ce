"""Importers: O*NET, ESCO and OEWS wages, on small fixtures in the official layouts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from graph.cli import cli
from graph.errors import ImportDataError
from graph.importers.common import Quads, read_table
from graph.importers.esco import esco_quads, import_esco, read_esco
from graph.importers.onet import import_onet, onet_quads, read_mapping
from graph.importers.onet_files import OnetData, Rating, read_onet
from graph.importers.onet_rules import (
    estimate_preparation,
    estimate_ratings,
    gain_candidates,
    is_progression,
    preparation_groups,
    skills_to_gain,
)
from graph.importers.wages import read_oews
from graph.levels import IMPORTANT, LEVEL_RISE
from graph.store.folder import read_manifest
from graph.store.local import LocalStore
from graph.vocab import CG, CG_IRI, PREFIXES

FIXTURES = Path(__file__).parent / "fixtures"
ONET = FIXTURES / "onet"
ESCO = FIXTURES / "esco"
OEWS = FIXTURES / "oews" / "oews_national_small.csv"
ID = "https://w3id.org/careergraph/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _store(q: Quads) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(q.quads)
    return store


def _select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    # "<{ID}onet/...>" spells out a data IRI: O*NET codes are not valid prefixed names
    query = query.replace("<{ID}", "<" + ID)
    return sorted(
        tuple(term.value for term in row) for row in store.query(query, prefixes=PREFIXES)
    )


@pytest.fixture
def onet_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "onet"
    shutil.copytree(ONET, dest)
    return dest


# --- O*NET -------------------------------------------------------------------------------


def test_read_onet_applies_suppression_rules() -> None:
    data = read_onet(ONET)
    assert len(data.occupations) == 5
    programmers = data.ratings["15-1251.00"]
    # "Not Relevant" on the level: not a requirement at all
    assert "2.B.5.d" not in programmers
    assert programmers["2.A.1.a"].importance == 4.0 and programmers["2.A.1.a"].level == 4.0
    # a suppressed level keeps the importance only
    managers = data.ratings["11-3021.00"]
    assert managers["2.A.2.b"].importance == 3.6 and managers["2.A.2.b"].level is None
    # a suppressed importance drops the requirement
    assert "2.A.2.b" not in data.ratings["15-1299.09"]
    # Software Developers are unrated, as in O*NET 29.3
    assert "15-1252.00" not in data.ratings
    assert data.warnings == []


def test_skills_to_gain_is_level_aware() -> None:
    data = read_onet(ONET)
    gain = skills_to_gain(data.ratings["15-1251.00"], data.ratings["11-3021.00"])
    assert gain == [
        ("2.B.5.d", None, 4.6),  # management of personnel: new and important
        ("2.C.1.a", 1.8, 5.1),  # administration and management: level rises by 3.3
        ("2.B.4.e", 3.0, 4.8),
    ]


def test_estimate_ratings_uses_the_soc_group() -> None:
    data = read_onet(ONET)
    estimate, peers = estimate_ratings(data, "15-1252.00")
    assert peers == ["15-1251.00"]
    assert estimate["2.A.1.a"].level == 4.0


def test_onet_quads_make_the_expected_graph() -> None:
    data = read_onet(ONET)
    wages, _ = read_oews(OEWS)
    q = Quads()
    counts = onet_quads(
        data,
        q,
        wages=wages,
        guide_roles={"tpm": ID + "role/tpm"},
        mapping=[("TPM", "15-1299.09", 1), ("Nobody", "11-3021.00", 1)],
    )
    assert counts["roles"] == 5
    assert counts["transitions"] == 7
    assert counts["close_matches"] == 1
    store = _store(q)
    assert _select(store, "SELECT ?l WHERE { <{ID}onet/15-1252.00> skos:altLabel ?l }") == [
        ("Application Developer",),
        ("Software Engineer",),  # 'software engineer' again is a duplicate
    ]
    assert _select(store, "SELECT ?l WHERE { ?r skos:hiddenLabel ?l }") == [("CIO",), ("TPM",)]
    assert _select(store, "SELECT ?z WHERE { <{ID}onet/11-3021.00> cg:experienceLevel ?z }") == [
        (PREFIXES["cg"] + "JobZone5",)
    ]
    # job zone rises 4 -> 5: a progression; 5 -> 4: lateral
    kinds = _select(
        store,
        """SELECT ?a ?b ?kind ?tier ?i WHERE {
             ?t a cg:Transition ; cg:fromRole ?x ; cg:toRole ?y ; cg:transitionKind ?kind ;
                cg:relatedTier ?tier ; cg:relatedIndex ?i .
             ?x skos:notation ?a . ?y skos:notation ?b }""",
    )
    up = PREFIXES["cg"] + "Progression"
    assert ("15-1251.00", "11-3021.00", up, "Primary-Long", "6") in kinds
    assert (
        "11-3021.00",
        "15-1299.09",
        PREFIXES["cg"] + "LateralTransition",
        "Primary-Short",
        "1",
    ) in kinds
    gain = _select(
        store,
        """SELECT ?l WHERE { <{ID}onet-transition/15-1251.00--11-3021.00> cg:skillToGain ?s .
           ?s rdfs:label ?l }""",
    )
    assert gain == [
        ("Administration and Management",),
        ("Atlassian JIRA",),  # in demand in the target, not used by the source
        ("Judgment and Decision Making",),
        ("Management of Personnel Resources",),
    ]
    # an unrated source is compared with its SOC group, and the move says so
    comment = _select(
        store, "SELECT ?c WHERE { <{ID}onet-transition/15-1252.00--11-3021.00> rdfs:comment ?c }"
    )
    assert "average ratings of its SOC group (Computer Programmers)" in comment[0][0]
    assert _select(store, f"SELECT ?o WHERE {{ <{ID}role/tpm> skos:closeMatch ?o }}") == [
        (ID + "onet/15-1299.09",)
    ]
    assert any("Nobody" in w for w in data.warnings)
    licence = _select(store, "SELECT ?l WHERE { cgr:dataset\\/onet dcterms:license ?l }")
    assert licence == [("https://creativecommons.org/licenses/by/4.0/",)]


def test_onet_preparation() -> None:
    data = read_onet(ONET)
    # the median respondent, not the largest category; a flagged category still counts
    assert data.preparation["15-1251.00"]["RL"][6] == 60.0
    # every RL category of 15-1299.09 is flagged: estimated from its group instead
    assert "RL" not in data.preparation["15-1299.09"]
    q = Quads()
    onet_quads(data, q)
    store = _store(q)
    education = _select(
        store,
        """SELECT ?code ?edu WHERE { ?r skos:notation ?code ; schema:educationRequirements ?e .
           BIND(STRAFTER(STR(?e), "#") AS ?edu) }""",
    )
    assert education == [
        ("11-3021.00", "BachelorDegree"),  # 55% bachelor's, 45% master's: the median is 6
        ("15-1251.00", "BachelorDegree"),
        ("15-1252.00", "BachelorDegree"),  # not surveyed: from its SOC group
        ("15-1299.09", "BachelorDegree"),  # every category flagged: from its SOC group
        ("35-2014.00", "HighSchoolDiploma"),
    ]
    estimated = _select(
        store,
        """SELECT ?scale ?from WHERE { <{ID}onet/15-1252.00> cg:preparation ?p .
           ?p cg:preparationScale ?s ; cg:estimatedFrom/skos:notation ?from .
           BIND(STRAFTER(STR(?s), "#") AS ?scale) }""",
    )
    assert estimated == [
        ("OnSiteTraining", "15-1251.00"),
        ("OnTheJobTraining", "15-1251.00"),
        ("RelatedWorkExperience", "15-1251.00"),
        ("RequiredEducation", "15-1251.00"),
    ]
    rows = _select(
        store,
        """SELECT ?label ?cat ?dist ?min ?max WHERE { <{ID}onet/11-3021.00> cg:preparation ?p .
           ?p cg:preparationScale cg:RelatedWorkExperience ; rdfs:label ?label ;
              cg:typicalCategory ?cat ; cg:distribution ?dist ; cg:minYears ?min ;
              cg:maxYears ?max }""",
    )
    assert rows == [
        (
            "Over 4 years, up to and including 6 years",
            "8",
            "1:0 2:0 3:0 4:0 5:0 6:0 7:20 8:50 9:30 10:0 11:0",
            "4",
            "6",
        )
    ]
    months = _select(
        store,
        """SELECT ?m WHERE { <{ID}onet/11-3021.00> schema:experienceRequirements ?x .
           ?x schema:monthsOfExperience ?m }""",
    )
    assert months == [("48",)]


def test_progression_means_a_step_up_in_the_same_field() -> None:
    data = OnetData()
    data.job_zones = {
        "13-1031.00": 3,
        "23-1011.00": 5,
        "41-2011.00": 2,
        "41-1011.00": 2,
        "29-1141.00": 3,
        "29-1171.00": 5,
        "29-1214.00": 5,
    }
    data.preparation = {
        "13-1031.00": {"RL": {6: 100.0}},
        "23-1011.00": {"RL": {10: 100.0}},
        "41-2011.00": {"RL": {2: 100.0}},
        "41-1011.00": {"RL": {2: 100.0}},
        "29-1141.00": {"RL": {6: 100.0}},
        "29-1171.00": {"RL": {8: 100.0}},
        "29-1214.00": {"RL": {12: 100.0}},
    }
    assert not is_progression(data, "13-1031.00", "23-1011.00")  # claims adjuster -> lawyer
    assert is_progression(data, "41-2011.00", "41-1011.00")  # cashier -> retail supervisor
    assert not is_progression(data, "41-1011.00", "41-2011.00")
    assert is_progression(data, "29-1141.00", "29-1171.00")  # RN -> nurse practitioner
    assert not is_progression(data, "29-1141.00", "29-1214.00")  # RN -> physician: med school


def test_wage_bands() -> None:
    data = read_onet(ONET)
    wages, table = read_oews(OEWS)
    assert "35-2014" not in wages  # '*' everywhere: no band
    assert wages["27-2011"].annualised and wages["27-2011"].pct10 == 12 * 2080
    q = Quads()
    onet_quads(data, q, wages=wages)
    store = _store(q)
    rows = _select(
        store,
        """SELECT ?code ?min ?max ?median ?open WHERE { ?r skos:notation ?code ; cg:salaryBand ?b .
           ?b schema:minValue ?min ; schema:maxValue ?max ; cg:openEnded ?open ;
           cg:experienceLevel cg:AllLevels ; schema:currency "USD" .
           OPTIONAL { ?b schema:median ?median } }""",
    )
    assert rows == [
        ("11-3021.00", "108160", "239200", "174720", "true"),  # '#': top-coded
        ("15-1251.00", "72800", "205920", "124800", "false"),  # only the broad group 15-1250
        ("15-1252.00", "83200", "214240", "135200", "false"),
        ("15-1299.09", "68000", "190000", "120000", "false"),  # the catch-all 15-1299
    ]
    note = _select(store, "SELECT ?c WHERE { <{ID}onet-salary/15-1251.00> rdfs:comment ?c }")
    assert "broad group" in note[0][0]
    # each band names its wage line, and says when that line is broader than the occupation
    lines = _select(
        store,
        """SELECT ?code ?line ?title ?proxy ?p25 WHERE { ?r skos:notation ?code ; cg:salaryBand ?b .
           ?b cg:wageLine ?line ; cg:wageLineTitle ?title ; cg:proxyWage ?proxy ;
              schema:percentile25 ?p25 }""",
    )
    assert lines == [
        ("11-3021.00", "11-3021", "Computer and Information Systems Managers", "false", "141440"),
        (
            "15-1251.00",
            "15-1250",
            "Software and Web Developers, Programmers, and Testers",
            "true",
            "93600",
        ),
        ("15-1252.00", "15-1252", "Software Developers", "false", "104000"),
        ("15-1299.09", "15-1299", "Computer Occupations, All Other", "true", "91000"),
    ]
    note = _select(store, "SELECT ?c WHERE { <{ID}onet-salary/15-1299.09> rdfs:comment ?c }")
    assert "only for all of Computer Occupations, All Other" in note[0][0]


def test_level_scale_anchors_say_levels_in_words() -> None:
    data = read_onet(ONET)
    assert data.anchors["2.C.1.a"] == [
        ("2", "Sign a pay voucher"),
        ("6", "Develop a multimillion dollar budget"),
    ]
    q = Quads()
    onet_quads(data, q)
    rows = _select(
        _store(q),
        """SELECT ?skill ?level ?text WHERE { ?s cg:levelAnchor ?a ; skos:notation ?skill .
           ?a a cg:LevelAnchor ; cg:anchorLevel ?level ; rdfs:label ?text }""",
    )
    # anchors of elements no occupation is rated on (1.A.1.a.1), and other scales, are left out
    assert rows == [
        ("2.A.1.a", "2", "Read step-by-step instructions for completing a form"),
        ("2.A.1.a", "4", "Read a memo from management describing new personnel policies"),
        ("2.A.1.a", "6", "Read a scientific journal article describing surgical procedures"),
        ("2.C.1.a", "2", "Sign a pay voucher"),
        ("2.C.1.a", "6", "Develop a multimillion dollar budget"),
    ]


def test_level_scale_anchors_are_optional(onet_copy: Path) -> None:
    (onet_copy / "Level Scale Anchors.txt").unlink()
    assert read_onet(onet_copy).anchors == {}


def test_mapping_covers_every_shipped_guide() -> None:
    from graph.build.pipeline import parse_guides

    mapped = {title for title, _code, _rank in read_mapping()}
    titles = {g.title for g in parse_guides()}
    assert titles <= mapped, titles - mapped


def test_import_onet_writes_a_graph_folder(tmp_path: Path) -> None:
    report = import_onet(ONET, tmp_path / "g", wages=OEWS)
    manifest = read_manifest(tmp_path / "g")
    assert manifest.build_id == report.build_id
    assert report.counts["ratings"] == 22
    assert report.counts["salary_bands"] == 4
    store = LocalStore(tmp_path / "g")
    rows = store.select(
        "SELECT ?o WHERE { cgr:role\\/technical-program-manager-infrastructure-delivery "
        "skos:closeMatch ?o }"
    )
    assert {r["o"] for r in rows} >= {ID + "onet/15-1299.09"}
    # the projection reads the preparation back from the RDF
    from graph.projection.network import build_projection
    from graph.routes.reports import gap_report

    P = build_projection(store)
    managers = P.nodes[ID + "onet/11-3021.00"]["prep"]
    assert (managers["zone"], managers["education"], managers["experience"]) == (5, 6, (4.0, 6.0))
    assert managers["training"] == "over 6 months, up to and including 1 year"
    # a guide role takes the education of its closest O*NET occupation
    tpm = P.nodes[ID + "role/technical-program-manager-infrastructure-delivery"]["prep"]
    assert (tpm["education"], tpm["education_source"]) == (6, "close match")
    assert tpm["experience"] == (0.0, 3.0)  # its guide's entry level
    # Software Developers: not rated, compared through its SOC group, and said so
    gap = gap_report(P, "Software Developers", "Computer and Information Systems Managers")
    assert gap["skills_unknown"] is False and gap["skills_to_gain"]
    assert gap["skills_estimated_from"] == ["Computer Programmers"]
    assert gap["preparation"]["job_zone_to"] == 5
    # the preparation triples meet the shapes
    from graph.build.pipeline import validate_folder

    violations, _ = validate_folder(tmp_path / "g")
    assert violations == []


def test_missing_file_names_itself(onet_copy: Path) -> None:
    (onet_copy / "Job Zones.txt").unlink()
    with pytest.raises(ImportDataError) as err:
        read_onet(onet_copy)
    assert str(err.value) == (
        f"Missing file {onet_copy / 'Job Zones.txt'}: it is needed for the experience level "
        "(Job Zone) of each occupation."
    )


def test_wrong_columns_say_what_was_expected(onet_copy: Path) -> None:
    path = onet_copy / "Job Zones.txt"
    path.write_text(path.read_text().replace("Job Zone\t", "Zone\t", 1))
    with pytest.raises(ImportDataError) as err:
        read_onet(onet_copy)
    assert str(err.value) == (
        f"{path} lacks the column 'Job Zone'. Expected columns: O*NET-SOC Code, Job Zone; "
        "found: O*NET-SOC Code, Title, Zone, Date, Domain Source."
    )


def test_truncated_rows_are_counted_with_line_numbers(onet_copy: Path) -> None:
    path = onet_copy / "Task Statements.txt"
    lines = path.read_text().splitlines()
    lines[2] = lines[2].split("\t", 3)[0] + "\t" + "Computer Programmers"  # cut short
    lines.append("15-1251.00\tComputer Programmers\tabc\tDo things.\tCore\t3\t08/2023\tAnalyst")
    path.write_text("\n".join(lines) + "\n")
    data = read_onet(onet_copy)
    assert data.warnings == [
        "Task Statements.txt: skipped 2 bad rows: line 3 (2 fields, expected 8), "
        "line 7 (Task ID 'abc' is not a number)"
    ]
    assert "15-1251.00" not in data.tasks


def test_mostly_malformed_file_stops_the_import(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("a\tb\n1\n2\n3\t4\n", encoding="utf-8")
    with pytest.raises(ImportDataError, match="most of the file"):
        read_table(path, ["a", "b"], needed_for="a test")


def test_a_one_column_table_skips_empty_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text('a\nx\n\n""\r\ny\n', encoding="utf-8")
    table = read_table(path, ["a"], needed_for="a test", delimiter=",")
    assert table is not None and table.rows == [["x"], ["y"]] and not table.bad


@pytest.mark.parametrize("reader", ["onet", "esco"])
def test_releases_are_read_with_the_collector_paused(
    reader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # their rows hold no cycle; the collector scanning them again and again cost a third
    # of the time reading O*NET
    import gc

    import graph.importers.common as common

    real = common.read_table
    seen: list[bool] = []

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(
        f"graph.importers.{'onet_files' if reader == 'onet' else 'esco'}.read_table", spy
    )
    assert gc.isenabled()
    if reader == "onet":
        read_onet(ONET)
    else:
        read_esco(ESCO)
    assert seen and not any(seen)
    assert gc.isenabled()
    with pytest.raises(ImportDataError):
        read_onet(ESCO)  # not an O*NET folder
    assert gc.isenabled()


def test_failed_import_leaves_the_previous_graph(tmp_path: Path, onet_copy: Path) -> None:
    out = tmp_path / "g"
    first = import_onet(ONET, out, include_guides=False)
    (onet_copy / "Skills.txt").write_text("nonsense\n")
    with pytest.raises(ImportDataError):
        import_onet(onet_copy, out, include_guides=False)
    assert read_manifest(out).build_id == first.build_id
    assert LocalStore(out).select("SELECT (COUNT(*) AS ?n) WHERE { ?r a cg:Role }")[0]["n"] == 5


def test_cli_import_onet(tmp_path: Path) -> None:
    out = tmp_path / "g"
    result = CliRunner().invoke(
        cli, ["import", "onet", str(ONET), "--wages", str(OEWS), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"Use it with --graph {out}" in result.output
    assert "22 skill ratings" in result.output


def test_cli_import_reports_a_missing_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["import", "esco", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {tmp_path / 'nope'} does not exist; give the ESCO CSV release (its zips or the "
        "folder of its CSV files).\n"
    )


def test_cli_import_onet_json_with_and_without_related(tmp_path: Path) -> None:
    runner = CliRunner()
    reports = {}
    for name, extra in (("all", []), ("alone", ["--no-related"])):
        out = tmp_path / name
        result = runner.invoke(
            cli, ["import", "onet", str(ONET), "--out", str(out), "--format", "json", *extra]
        )
        assert result.exit_code == 0, result.output
        reports[name] = json.loads(result.stdout)
        assert reports[name]["dataset"] == "onet" and reports[name]["out_dir"] == str(out)
        assert reports[name]["build_id"] == read_manifest(out).build_id
    moves = "SELECT (COUNT(*) AS ?n) WHERE { ?t cg:relatedTier ?tier }"
    related = LocalStore(tmp_path / "all").select(moves)[0]["n"]
    assert related == 7
    assert LocalStore(tmp_path / "alone").select(moves)[0]["n"] == 0
    assert reports["all"]["counts"]["transitions"] - reports["alone"]["counts"]["transitions"] == (
        related
    )
    assert reports["alone"]["counts"]["ratings"] == reports["all"]["counts"]["ratings"] == 22


def test_cli_import_esco_table_and_json(tmp_path: Path) -> None:
    out = tmp_path / "g"
    result = CliRunner().invoke(cli, ["import", "esco", str(ESCO), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Imported ESCO with the guides into {out} in ")
    assert lines[2] == "  6 skill requirements, 4 ISCO groups, 5 hierarchy links"
    assert lines[3] == f"Use it with --graph {out} (or CAREERGRAPH_GRAPH={out})."
    assert "skipped relations naming 1 occupation(s) not in the occupations file" in (result.stderr)
    roles = CliRunner().invoke(cli, ["roles", "--graph", str(out), "--format", "json"])
    assert "software developer" in {r["label"] for r in json.loads(roles.stdout)}
    again = CliRunner().invoke(
        cli, ["import", "esco", str(ESCO), "--out", str(out), "--format", "json"]
    )
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert report["counts"]["requirements"] == 6 and report["counts"]["isco_groups"] == 4
    assert any("o-missing" in w for w in report["warnings"])


def _unreadable(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``path`` unreadable; as root file modes do not stop reads, so refuse the open."""
    path.chmod(0)
    real_open = Path.open

    def refuse(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)


@pytest.mark.parametrize("dataset, table", [("onet", "Skills.txt"), ("esco", "skills_en.csv")])
@pytest.mark.parametrize("damage", ["empty", "not UTF-8", "unreadable"])
def test_cli_import_of_a_bad_table_is_one_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dataset: str, table: str, damage: str
) -> None:
    source = tmp_path / dataset
    shutil.copytree(FIXTURES / dataset, source)
    path = source / table
    out = tmp_path / "g"
    out.mkdir()
    (out / "keep.txt").write_text("earlier output")
    if damage == "empty":
        path.write_bytes(b"")
        expected = f"Error: {path} is empty; it should start with a header row.\n"
    elif damage == "not UTF-8":
        path.write_bytes(path.read_bytes().replace(b"e", b"\xe9", 40))
        expected = f"Error: {path} is not UTF-8 text: 'utf-8' codec can't decode byte 0xe9"
    else:
        _unreadable(path, monkeypatch)
        expected = f"Error: Cannot read {path}: [Errno 13] Permission denied: '{path}'\n"
    result = CliRunner().invoke(cli, ["import", dataset, str(source), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(expected) and result.stderr.count("\n") == 1, result.stderr
    assert isinstance(result.exception, SystemExit)  # handled, not escaped
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


# --- ESCO --------------------------------------------------------------------------------


def test_esco_quads() -> None:
    data = read_esco(ESCO)
    q = Quads()
    counts = esco_quads(data, q)
    assert counts["roles"] == 4 and counts["skills"] == 4 and counts["requirements"] == 6
    store = _store(q)
    dev = "http://data.europa.eu/esco/occupation/o-dev"
    assert _select(store, f"SELECT ?l WHERE {{ <{dev}> skos:altLabel ?l }}") == [
        ("application developer",),
        ("software engineer",),
    ]
    reqs = _select(
        store,
        f"""SELECT ?label ?essential ?imp WHERE {{ <{dev}> cg:skillRequirement ?r .
            ?r cg:skill/skos:prefLabel ?label ; cg:essential ?essential ; cg:importance ?imp }}""",
    )
    assert reqs == [
        ("Python (computer programming)", "true", "4"),
        ("debug software", "true", "4"),
        ("perform project management", "false", "2"),
    ]
    assert _select(store, f"SELECT ?b WHERE {{ <{dev}> skos:broader ?b }}") == [
        ("http://data.europa.eu/esco/isco/C2512",)
    ]
    assert _select(store, "SELECT ?s WHERE { ?s a cg:Knowledge }") == [
        ("http://data.europa.eu/esco/skill/s-python",)
    ]
    # preparation: the ISCO skill level of the group, the regulated-profession flag as stated
    prep = _select(
        store,
        """SELECT ?label ?level ?reg WHERE { ?r a cg:Role ; skos:prefLabel ?label ;
             cg:iscoSkillLevel ?level . OPTIONAL { ?r cg:regulatedProfession ?regulated }
             BIND(COALESCE(STR(?regulated), "") AS ?reg) }""",
    )
    assert sorted(prep) == [
        ("ICT project manager", "4", ""),
        ("cook", "2", ""),
        ("nurse responsible for general care", "4", "true"),
        ("software developer", "4", "false"),
    ]
    assert any("o-missing" in w for w in data.warnings)


def test_esco_wrong_relation_type_is_reported(tmp_path: Path) -> None:
    shutil.copytree(ESCO, tmp_path / "esco")
    path = tmp_path / "esco" / "occupationSkillRelations.csv"
    path.write_text(path.read_text().replace("optional", "sometimes", 1))
    data = read_esco(tmp_path / "esco")
    assert data.warnings == [
        "occupationSkillRelations.csv: skipped 1 bad row: line 4 (relationType 'sometimes' is "
        "not essential or optional)"
    ]


def test_import_esco(tmp_path: Path) -> None:
    report = import_esco(ESCO, tmp_path / "g")
    assert report.counts["requirements"] == 6
    store = LocalStore(tmp_path / "g")
    rows = store.select("SELECT ?l WHERE { cgr:dataset\\/esco dcterms:bibliographicCitation ?l }")
    assert "© European Union" in rows[0]["l"]
    # the projection knows each occupation's ISCO unit group, so a move to another field at the
    # same skill level is not taken as ready at once
    from graph.projection.cache import load_projection

    P = load_projection(store)
    groups = {d["prep"].get("isco_group") for _, d in P.nodes(data=True) if d["prep"].get("isco")}
    assert groups and all(g and len(g) == 4 and g.isdigit() for g in groups)


# --- real data ---------------------------------------------------------------------------


@pytest.mark.realdata
def test_real_onet_import_and_path(onet_real: tuple[Path, dict]) -> None:
    out, report = onet_real  # imported once per run by the CLI (conftest.py)
    counts = report["counts"]
    assert counts["ratings"] == 50530
    assert counts["technology_requirements"] == 32681
    assert counts["tasks"] == 18796
    assert counts["salary_bands"] == 995
    assert report["warnings"] == []
    store = LocalStore(out)
    n = store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { ?r a cg:Role ; skos:inScheme cgr:onet-occupations }"
    )
    assert n[0]["n"] == 1016
    moves = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?t cg:relatedTier ?tier }")
    assert moves[0]["n"] == 18460
    result = CliRunner().invoke(
        cli,
        [
            "path",
            "--graph",
            str(out),
            "--format",
            "json",
            "Software Developers",
            "Computer and Information Systems Managers",
        ],
    )
    assert result.exit_code == 0, result.output
    routes = json.loads(result.output)["routes"]
    assert routes and routes[0]["steps"][0]["skills_to_gain"]
    assert routes[0]["salary_change"] is not None


# --- the triple buffer -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ['5" nails', "back\\slash", "two\nlines\r\n", "tab\there", "naïve — ✓", ""]
)
def test_quads_text_round_trips(text: str) -> None:
    q = Quads()
    q.add(q.id("x"), q.rdfs("label"), q.text(text))
    (quad,) = q.quads
    assert quad.object == ox.Literal(text)


def test_quads_typed_literals_and_pyoxigraph_terms() -> None:
    q = Quads()
    node = ox.NamedNode(ID + "y")
    q.add(node, q.cg(CG.importance), q.decimal("4.50"))
    q.add(q.id("y"), q.cg(CG.position), ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")))
    q.add(q.id("y"), q.cg(CG.openEnded), q.boolean(False))
    objects = sorted(str(quad.object) for quad in q.quads)
    assert objects == [
        f'"3"^^<{XSD}integer>',
        f'"4.50"^^<{XSD}decimal>',
        f'"false"^^<{XSD}boolean>',
    ]


def test_quads_reject_a_malformed_iri() -> None:
    with pytest.raises(ValueError):
        Quads().iri("http://example.org/a b")


def test_quads_take_ontology_terms_only_through_the_checked_namespace() -> None:
    q = Quads()
    assert q.cg(CG.Role) == f"<{CG_IRI}Role>"
    with pytest.raises(ValueError, match="is not a careergraph ontology term"):
        q.cg(URIRef("https://example.org/Role"))
    with pytest.raises(AttributeError):
        q.cg(CG.NoSuchTerm)


@pytest.mark.parametrize("name", ["onet", "esco"])
def test_every_term_an_importer_emits_is_in_the_ontology(name: str, tmp_path: Path) -> None:
    """The cg: classes and properties of an import are all declared in ontology/careers.ttl."""
    from graph.resources import ontology_path

    if name == "onet":
        import_onet(
            FIXTURES / "onet", tmp_path / "g", wages=FIXTURES / "oews" / "oews_national_small.csv"
        )
    else:
        import_esco(FIXTURES / "esco", tmp_path / "g", include_guides=False)
    ontology = Graph().parse(ontology_path(), format="turtle")
    declared = {s for s in ontology.subjects() if str(s).startswith(CG_IRI)}
    data = Graph().parse(tmp_path / "g" / "graph.ttl", format="turtle")
    used = {
        t for triple in data for t in triple if isinstance(t, URIRef) and str(t).startswith(CG_IRI)
    }
    assert used, "the import emitted no ontology terms"
    assert sorted(used - declared) == []


# --- shortcuts of the import, each checked against the plain computation -------------------

_ELEMENTS = [f"2.A.1.{c}" for c in "abcdefgh"]
_LEVELS = st.one_of(st.none(), st.sampled_from([0.0, 1.0, 1.5, 2.25, 3.0, 4.5, 6.0, 7.0]))
_RATINGS = st.dictionaries(
    st.sampled_from(_ELEMENTS),
    st.builds(
        Rating,
        importance=st.one_of(st.none(), st.sampled_from([1.0, 2.0, 2.9, 3.0, 3.5, 5.0])),
        level=_LEVELS,
    ),
)


def _plain_skills_to_gain(have: dict, want: dict) -> list:
    out = []
    for eid, target in want.items():
        if (target.importance or 0) < IMPORTANT or target.level is None:
            continue
        source = have.get(eid)
        level_from = source.level if source is not None else None
        rise = target.level - (level_from or 0.0)
        if rise > LEVEL_RISE:
            out.append((eid, level_from, target.level, rise))
    out.sort(key=lambda t: (-t[3], t[0]))
    return [(eid, a, b) for eid, a, b, _ in out]


@settings(max_examples=300)
@given(_RATINGS, _RATINGS)
def test_skills_to_gain_from_candidates_is_the_plain_computation(have: dict, want: dict) -> None:
    plain = _plain_skills_to_gain(have, want)
    assert skills_to_gain(have, want) == plain
    assert skills_to_gain(have, want, candidates=gain_candidates(want)) == plain


_CODES = ["29-1141.00", "29-1141.01", "29-1151.00", "29-1171.00", "29-1214.00", "29-1215.00"]
_SCALES = st.dictionaries(
    st.sampled_from(["RL", "RW"]),
    st.dictionaries(st.sampled_from([1, 2, 6, 8]), st.sampled_from([0.0, 12.5, 50.0, 100.0])),
)


@settings(max_examples=200)
@given(
    st.dictionaries(st.sampled_from(_CODES), _SCALES),
    st.dictionaries(st.sampled_from(_CODES), st.integers(1, 5)),
)
def test_preparation_estimates_and_progressions_by_group_are_the_plain_ones(
    preparation: dict, zones: dict
) -> None:
    data = OnetData(preparation=preparation, job_zones=zones)
    groups = preparation_groups(data)
    for code in _CODES:
        for scale in ("RL", "RW"):
            plain = estimate_preparation(data, code, scale)
            assert estimate_preparation(data, code, scale, groups=groups) == plain
    education: dict[str, int | None] = {}
    for code in _CODES:
        for other in _CODES:
            plain = is_progression(data, code, other)
            assert is_progression(data, code, other, education=education) == plain


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from('ab "\\\n\r\té→')))
def test_quoted_literals_are_the_plain_escape(text: str) -> None:
    from graph.importers.common import _ESCAPES, _quoted

    assert _quoted(text) == '"' + text.translate(_ESCAPES) + '"'


def test_guide_role_labels_are_those_a_query_finds() -> None:
    from graph.importers.common import guide_fill
    from graph.skills import normalize

    data, labels, _warnings = guide_fill(ox.Store())
    rows = data.query(
        f"""SELECT ?r ?l WHERE {{ ?r a <{CG_IRI}Role> .
        {{ ?r rdfs:label ?l }} UNION {{ ?r skos:altLabel ?l }} UNION {{ ?r skos:hiddenLabel ?l }}
        }}""",
        initNs={"rdfs": PREFIXES["rdfs"], "skos": PREFIXES["skos"]},
    )
    found: dict[str, set[str]] = {}
    for role, label in rows:  # type: ignore[misc]
        found.setdefault(normalize(str(label)), set()).add(str(role))
    assert len(labels) > 100
    assert labels == {key: min(roles) for key, roles in found.items()}
