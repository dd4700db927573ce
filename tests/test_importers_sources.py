"""Release zips and downloads: graph.importers.sources, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import graph.importers.sources as sources
from graph.cli import cli
from graph.errors import ImportDataError, UsageError
from graph.importers.common import Progress
from graph.importers.onet import import_onet
from graph.importers.onet_files import FILES as ONET_FILES
from graph.importers.sources import download, onet_release_url, open_source

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ONET = FIXTURES / "onet"
ESCO = FIXTURES / "esco"


def make_zip(path: Path, folder: Path, prefix: str, extra: dict[str, bytes] | None = None) -> Path:
    """Zip every file of ``folder`` under ``prefix`` (as the publishers lay out a release)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if prefix:
            archive.writestr(prefix, b"")  # the folder entry, as release zips have
        for file in sorted(folder.iterdir()):
            archive.write(file, prefix + file.name)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


@pytest.fixture(scope="module")
def onet_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_zip(tmp_path_factory.mktemp("release") / "db_29_3_text.zip", ONET, "db_29_3_text/")


# ---------------------------------------------------------------------------
# A folder or a zip
# ---------------------------------------------------------------------------


def test_a_folder_is_used_as_it_is() -> None:
    with open_source(ONET, "Occupation Data.txt", "O*NET") as src:
        assert src == ONET


def test_the_zip_prefix_is_found_and_removed_afterwards(onet_zip: Path) -> None:
    with open_source(onet_zip, "Occupation Data.txt", "O*NET") as src:
        assert sorted(p.name for p in src.iterdir()) == sorted(p.name for p in ONET.iterdir())
        assert (src / "Skills.txt").read_bytes() == (ONET / "Skills.txt").read_bytes()
        assert src.name == "db_29_3_text.zip"  # messages about a file name the zip
    assert not src.exists()


def test_import_onet_from_the_zip_equals_the_folder(tmp_path: Path, onet_zip: Path) -> None:
    from_folder = import_onet(ONET, tmp_path / "a", include_guides=False)
    from_zip = import_onet(onet_zip, tmp_path / "b", include_guides=False)
    assert from_zip.counts == from_folder.counts and from_zip.counts["roles"] > 0


RELATIONS = ("occupationSkillRelations.csv", "broaderRelationsOccPillar.csv")


def test_cli_import_esco_from_its_two_zips(runner: Any, tmp_path: Path) -> None:
    # ESCO v1.1.1: the English labels in one zip (files at its top), the relations in another
    english, relations = tmp_path / "en", tmp_path / "rel"
    english.mkdir()
    relations.mkdir()
    for file in ESCO.iterdir():
        target = relations if file.name in RELATIONS else english
        (target / file.name).write_bytes(file.read_bytes())
    en_zip = make_zip(
        tmp_path / "ESCO dataset - v1.1.1 - classification - en - csv.zip", english, ""
    )
    rel_zip = make_zip(
        tmp_path / "ESCO dataset - v1.1.1 - classification -  - csv.zip", relations, "rel/"
    )
    out = ["--out", str(tmp_path / "g"), "--format", "json"]
    result = runner.invoke(cli, ["import", "esco", str(en_zip), str(rel_zip), *out])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    folder = json.loads(runner.invoke(cli, ["import", "esco", str(ESCO), *out]).output)
    assert report["counts"] == folder["counts"] and report["counts"]["requirements"] > 0

    result = runner.invoke(cli, ["import", "esco", str(en_zip), *out])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {en_zip} lacks 'occupationSkillRelations.csv', 'broaderRelationsOccPillar.csv'; "
        "ESCO v1.1.1 ships the relations (occupationSkillRelations.csv, "
        "broaderRelationsOccPillar.csv) in its language-independent zip ('ESCO dataset - v1.1.1 "
        "- classification -  - csv.zip'): give it beside the English one.\n"
    )


@pytest.mark.parametrize("name", ["../evil.txt", "db_29_3_text/../../evil.txt", "/etc/evil.txt"])
def test_zip_slip_members_are_refused(tmp_path: Path, name: str) -> None:
    archive = make_zip(tmp_path / "r.zip", ONET, "db_29_3_text/", {name: b"owned"})
    with pytest.raises(ImportDataError) as err:
        with open_source(archive, "Occupation Data.txt", "O*NET"):
            pass
    assert str(err.value) == (
        f"{archive} holds a member outside its folder ({name}); the zip is refused."
    )
    assert not (tmp_path / "evil.txt").exists()


def test_a_folder_and_a_zip_together_make_one_release(tmp_path: Path) -> None:
    half = sorted(ONET.iterdir())
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for n, file in enumerate(half):
        # the zip names its folder by the release's marker file, so the marker goes there
        into = second if file.name == "Occupation Data.txt" or n % 2 == 0 else first
        (into / file.name).write_bytes(file.read_bytes())
    archive = make_zip(tmp_path / "second.zip", second, "part/")
    with open_source([first, archive], "Occupation Data.txt", "O*NET") as src:
        assert sorted(p.name for p in src.iterdir()) == [p.name for p in half]
        for file in half:
            assert (src / file.name).read_bytes() == file.read_bytes()
    assert first.is_dir() and 0 < len(list(first.iterdir())) < len(half)


def test_oversized_members_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = make_zip(tmp_path / "r.zip", ONET, "db_29_3_text/")
    size = (ONET / "Skills.txt").stat().st_size
    monkeypatch.setattr(sources, "MAX_MEMBER_BYTES", size - 1)
    with pytest.raises(ImportDataError, match="would unpack to more than a release holds"):
        with open_source(archive, "Occupation Data.txt", "O*NET"):
            pass
    monkeypatch.setattr(sources, "MAX_MEMBER_BYTES", 10**9)
    monkeypatch.setattr(sources, "MAX_TOTAL_BYTES", size)
    with pytest.raises(ImportDataError, match="its members would unpack to more"):
        with open_source(archive, "Occupation Data.txt", "O*NET"):
            pass


def test_not_a_zip_and_missing_paths(runner: Any, tmp_path: Path) -> None:
    fake = tmp_path / "db_29_3_text.zip"
    fake.write_text("<html>Not found</html>", encoding="utf-8")
    result = runner.invoke(cli, ["import", "onet", str(fake), "--out", str(tmp_path / "g")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {fake} is neither a folder nor a zip file (File is not a zip file); give the "
        "O*NET text release (db_29_3_text.zip or the folder of its .txt files).\n"
    )
    result = runner.invoke(cli, ["import", "onet", str(tmp_path / "nope.zip")])
    assert result.exit_code == 1
    assert "nope.zip does not exist; give the O*NET text release" in result.stderr
    result = runner.invoke(cli, ["import", "onet"])
    assert result.exit_code == 2
    assert result.stderr == "Error: Give the release's folder or zip, or --download to fetch it.\n"


def test_zip_of_another_release_or_incomplete(tmp_path: Path) -> None:
    excel = tmp_path / "db_29_3_excel.zip"
    with zipfile.ZipFile(excel, "w") as archive:
        archive.writestr("db_29_3_excel/Occupation Data.xlsx", b"x")
    with pytest.raises(ImportDataError) as err:
        with open_source(excel, "Occupation Data.txt", "the O*NET text release"):
            pass
    assert str(err.value) == (
        f"{excel} has no 'Occupation Data.txt'; is it the O*NET text release? It holds Excel "
        "files; careergraph reads the text release."
    )
    partial = tmp_path / "partial.zip"
    with zipfile.ZipFile(partial, "w") as archive:
        archive.write(ONET / "Occupation Data.txt", "db/Occupation Data.txt")
    required = [n for n, spec in ONET_FILES.items() if spec[2]]
    with pytest.raises(ImportDataError) as err:
        with open_source(partial, "Occupation Data.txt", "the O*NET text release", required):
            pass
    assert str(err.value).startswith(f"{partial} lacks 'Skills.txt', 'Knowledge.txt', ")
    assert str(err.value).endswith(
        "'Related Occupations.txt'; is it all of the O*NET text release?"
    )


def test_damaged_member_is_reported(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "r.zip", ONET, "db_29_3_text/")
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo("db_29_3_text/Skills.txt")
    # flip bytes inside the compressed data of one member (after its local header)
    start = info.header_offset + 30 + len(info.filename) + 10
    data[start : start + 8] = bytes(b ^ 0xFF for b in data[start : start + 8])
    archive.write_bytes(bytes(data))
    with pytest.raises(ImportDataError, match=r"r.zip is damaged: .* Download it again."):
        with open_source(archive, "Occupation Data.txt", "O*NET"):
            pass


# ---------------------------------------------------------------------------
# Downloads from a local server
# ---------------------------------------------------------------------------


class Server:
    """Files served on 127.0.0.1 with Range support, and connections dropped on request."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.drops: dict[str, list[int]] = {}  # path -> bytes to send before dropping, per request
        self.ranges: list[str | None] = []
        self.bad_resume = False  # answer a Range request with the whole file as a 206
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                server.ranges.append(self.headers.get("Range"))
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                start = 0
                rng = self.headers.get("Range")
                if rng and server.bad_resume:
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes 0-{len(body) - 1}/{len(body)}")
                elif rng and rng.startswith("bytes=") and rng.endswith("-"):
                    start = int(rng[6:-1])
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(body) - start))
                self.end_headers()
                drops = server.drops.get(self.path)
                if drops:
                    self.wfile.write(body[start : start + drops.pop(0)])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body[start:])

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def server(onet_zip: Path) -> Iterator[Server]:
    s = Server()
    s.files["/dl_files/database/db_29_3_text.zip"] = onet_zip.read_bytes()
    yield s
    s.close()


class Recorder(Progress):
    def __init__(self) -> None:
        self.steps: list[tuple[str, int | None]] = []
        self.done = 0

    def start(self, description: str, total: int | None = None) -> None:
        self.steps.append((description, total))
        self.done = 0

    def advance(self, n: int = 1) -> None:
        self.done += n


def test_download_resumes_after_a_dropped_connection(server: Server, tmp_path: Path) -> None:
    path = "/dl_files/database/db_29_3_text.zip"
    body = server.files[path]
    server.drops[path] = [1000]
    progress = Recorder()
    got = download(server.url + path, progress=progress, cache=tmp_path, backoff=0)
    assert got == tmp_path / "db_29_3_text.zip" and got.read_bytes() == body
    assert server.ranges == [None, "bytes=1000-"]
    assert progress.steps[-1] == ("Downloading db_29_3_text.zip", len(body))
    assert progress.done == len(body)
    record = json.loads((tmp_path / "db_29_3_text.zip.json").read_text(encoding="utf-8"))
    assert record["sha256"] == hashlib.sha256(body).hexdigest() and record["size"] == len(body)
    # the next time the cached file is used without a request
    assert download(server.url + path, cache=tmp_path) == got
    assert len(server.ranges) == 2


def test_a_resume_answered_with_another_range_starts_over(server: Server, tmp_path: Path) -> None:
    path = "/dl_files/database/db_29_3_text.zip"
    server.drops[path] = [1000]
    server.bad_resume = True
    got = download(server.url + path, cache=tmp_path, backoff=0)
    assert got.read_bytes() == server.files[path]
    assert server.ranges == [None, "bytes=1000-", None]


def test_a_download_cut_too_often_is_resumed_by_the_next_run(
    server: Server, tmp_path: Path
) -> None:
    path = "/dl_files/database/db_29_3_text.zip"
    server.drops[path] = [500, 500]
    with pytest.raises(ImportDataError) as err:
        download(server.url + path, cache=tmp_path, attempts=2, backoff=0)
    part = tmp_path / "db_29_3_text.zip.part"
    assert str(err.value).startswith(f"Downloading {server.url + path} failed after 2 attempts")
    assert str(err.value).endswith(f"the part downloaded so far is kept in {part}.")
    assert part.stat().st_size == 1000
    got = download(server.url + path, cache=tmp_path, backoff=0)
    assert got.read_bytes() == server.files[path]
    assert server.ranges == [None, "bytes=500-", "bytes=1000-"]


def test_a_bad_checksum_removes_the_download(server: Server, tmp_path: Path) -> None:
    path = "/dl_files/database/db_29_3_text.zip"
    url = server.url + path
    with pytest.raises(
        ImportDataError, match="db_29_3_text.zip has SHA-256 .* not the expected 0000"
    ) as err:
        download(url, sha256="0" * 64, cache=tmp_path)
    assert hashlib.sha256(server.files[path]).hexdigest() in str(err.value)
    assert list(tmp_path.iterdir()) == []
    good = hashlib.sha256(server.files[path]).hexdigest()
    assert download(url, sha256=good.upper(), cache=tmp_path).is_file()


def test_a_page_instead_of_a_zip_is_refused(server: Server, tmp_path: Path) -> None:
    server.files["/page.zip"] = b"<html>log in first</html>"
    with pytest.raises(ImportDataError, match="The download page.zip is not a zip file"):
        download(server.url + "/page.zip", cache=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_cli_download_imports_and_reuses_the_cache(
    runner: Any, server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREERGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(
        sources, "ONET_URL", server.url + "/dl_files/database/db_{version}_text.zip"
    )
    args = ["import", "onet", "--download", "--out", str(tmp_path / "g"), "--format", "json"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output)["counts"]["roles"] > 0
    assert (tmp_path / "cache" / "downloads" / "db_29_3_text.zip").is_file()
    result = runner.invoke(
        cli, ["import", "onet", "--download", "29.3", "--out", str(tmp_path / "h")]
    )
    assert result.exit_code == 0, result.stderr
    assert server.ranges == [None]  # one request in all


def test_cli_download_404(
    runner: Any, server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREERGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(
        sources, "ONET_URL", server.url + "/dl_files/database/db_{version}_text.zip"
    )
    result = runner.invoke(cli, ["import", "onet", "--download", "28.0"])
    assert result.exit_code == 1
    assert [p.name for p in (tmp_path / "cache" / "downloads").iterdir()] == []
    assert result.stderr == (
        f"Error: {server.url}/dl_files/database/db_28_0_text.zip was not found (HTTP 404): is "
        "the version right? Check the publisher's download page.\n"
    )


def test_download_and_a_source_together_are_refused_for_onet(runner: Any) -> None:
    result = runner.invoke(
        cli, ["import", "onet", str(ONET), "--download-url", "http://127.0.0.1:9/x.zip"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Give the release's folder or zip, or --download to fetch it (not both).\n"
    )
    result = runner.invoke(
        cli,
        [
            "import",
            "esco",
            "--download-url",
            "http://127.0.0.1:9/a.zip",
            "--download-url",
            "http://127.0.0.1:9/b.zip",
            "--sha256",
            "ab",
        ],
    )
    assert result.exit_code == 2
    assert result.stderr == "Error: Give one --sha256 per --download-url, in the same order.\n"


def test_onet_release_url() -> None:
    assert onet_release_url("30.0") == (
        "https://www.onetcenter.org/dl_files/database/db_30_0_text.zip"
    )
    with pytest.raises(UsageError, match="'latest' is not an O\\*NET version"):
        onet_release_url("latest")


def test_download_version_and_url_together_are_refused(runner: Any) -> None:
    result = runner.invoke(
        cli, ["import", "onet", "--download", "29.3", "--download-url", "http://127.0.0.1:9/x.zip"]
    )
    assert result.exit_code == 2
    assert result.stderr == "Error: Give --download VERSION or --download-url URL, not both.\n"
