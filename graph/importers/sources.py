"""Where an import's files come from: a folder, a release zip as published, or a download.

:func:`open_source` turns a folder or a release zip (O*NET's
``db_29_3_text.zip`` with its files in ``db_29_3_text/``, ESCO's CSV zip)
into a folder the importers read. A zip is checked before anything is
unpacked: members with absolute paths or ``..`` (zip-slip), members larger
than :data:`MAX_MEMBER_BYTES` or a total over :data:`MAX_TOTAL_BYTES`, and
files that are not zips are refused with a clear message.

:func:`download` fetches a release into the user cache folder
(:func:`graph.resources.cache_dir` ``/downloads``): it resumes a broken
transfer with an HTTP ``Range`` request, retries transient failures, checks
the size the server announced, the SHA-256 when one is given and every
member's CRC, and reuses the verified file next time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from graph.errors import ImportDataError, UsageError
from graph.importers.common import Progress

__all__ = [
    "MAX_MEMBER_BYTES",
    "MAX_TOTAL_BYTES",
    "ONET_URL",
    "ESCO_DOWNLOAD_PAGE",
    "onet_release_url",
    "open_source",
    "download",
    "downloads_dir",
    "release_sources",
]

#: a member of a release zip larger than this is refused (O*NET's largest file is ~60 MB)
MAX_MEMBER_BYTES = 2 * 1024**3
#: the unpacked files of a release zip may not add up to more than this
MAX_TOTAL_BYTES = 8 * 1024**3

#: the O*NET text release: ``{version}`` is the version with underscores, e.g. ``29_3``
ONET_URL = "https://www.onetcenter.org/dl_files/database/db_{version}_text.zip"
#: ESCO builds its download packages on request: there is no stable direct link
ESCO_DOWNLOAD_PAGE = "https://esco.ec.europa.eu/en/use-esco/download"

#: attempts of one download before giving up (each resumes where the last stopped)
ATTEMPTS = 5
#: seconds before the first retry; doubled for each further one
BACKOFF = 1.0
_CHUNK = 1 << 16


def onet_release_url(version: str) -> str:
    """The publisher's URL of an O*NET text release.

    Examples
    --------
    >>> onet_release_url("29.3")
    'https://www.onetcenter.org/dl_files/database/db_29_3_text.zip'
    """
    parts = version.strip().split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise UsageError(f"'{version}' is not an O*NET version; give it like 29.3.")
    return ONET_URL.format(version="_".join(parts))


# ---------------------------------------------------------------------------
# A folder or a zip -> a folder
# ---------------------------------------------------------------------------


def _unsafe(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return (
        name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")  # a Windows drive, C:...
        or ".." in path.parts
    )


def _member_dir(names: list[str], marker: str) -> str | None:
    """The folder inside the zip that holds ``marker`` (the shallowest one), '' for the top."""
    found = [n for n in names if PurePosixPath(n).name == marker]
    if not found:
        return None
    best = min(found, key=lambda n: (n.count("/"), n))
    parent = str(PurePosixPath(best).parent)
    return "" if parent == "." else parent + "/"


def _extract(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], dest: Path) -> None:
    # zipfile reads at most a member's declared size and checks its CRC, so the size checks
    # made on the directory before this hold for what is written
    for info in members:
        with (
            archive.open(info) as source,
            (dest / PurePosixPath(info.filename).name).open("wb") as target,
        ):
            shutil.copyfileobj(source, target, _CHUNK)


def _zip_members(src: Path, wanted: set[str], marker: str, what: str) -> Any:
    """Open a release zip and pick the members to unpack: the files of the folder holding them."""
    try:
        archive = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportDataError(
            f"{src} is neither a folder nor a zip file ({exc}); give {what}."
        ) from exc
    infos = archive.infolist()
    bad = [i.filename for i in infos if _unsafe(i.filename)]
    if bad:
        archive.close()
        raise ImportDataError(
            f"{src} holds a member outside its folder ({bad[0]}); the zip is refused."
        )
    names = [i.filename for i in infos]
    prefixes = [p for p in (_member_dir(names, w) for w in sorted(wanted)) if p is not None]
    if not prefixes:
        archive.close()
        hint = ""
        if any(n.endswith(".xlsx") for n in names):
            hint = " It holds Excel files; careergraph reads the text release."
        raise ImportDataError(f"{src} has no '{marker}'; is it {what}?{hint}")
    prefix = min(prefixes, key=lambda p: (p.count("/"), p))
    members = [
        i
        for i in infos
        if not i.is_dir() and i.filename.startswith(prefix) and "/" not in i.filename[len(prefix) :]
    ]
    big = [i for i in members if i.file_size > MAX_MEMBER_BYTES]
    if big or sum(i.file_size for i in members) > MAX_TOTAL_BYTES:
        archive.close()
        name = big[0].filename if big else "its members"
        raise ImportDataError(
            f"{src}: {name} would unpack to more than a release holds; the zip is refused."
        )
    return archive, members


@contextlib.contextmanager
def open_source(
    path: Path | str | Sequence[Path | str],
    marker: str,
    what: str,
    required: Iterable[str] = (),
    hint: str = "",
) -> Iterator[Path]:
    """Yield a folder holding a release's files: ``path`` itself, or its zips unpacked.

    Parameters
    ----------
    path : path or list of paths
        A folder of the release's files, or its zip as published (the files
        may sit in a folder inside it, found by looking for ``marker`` and
        ``required``), or several of them whose files together make the
        release (ESCO ships its relations in a second zip).
    marker : str
        A file every release has, e.g. ``Occupation Data.txt``.
    what : str
        The release, for messages, e.g. ``the O*NET text release``.
    required : list of str, optional
        Files the release must hold beside ``marker``.
    hint : str, optional
        Added to the message when required files are missing.

    Raises
    ------
    ImportDataError
        A path is missing or is neither a folder nor a zip; a zip is unsafe
        (absolute or ``..`` members, oversized members) or damaged; the
        sources together lack ``marker`` or a required file.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with zipfile.ZipFile(folder / "r.zip", "w") as z:
    ...     z.writestr("r/a.txt", "x")
    >>> with open_source(folder / "r.zip", "a.txt", "a test release") as src:
    ...     (src / "a.txt").read_text()
    'x'
    """
    paths = [Path(path)] if isinstance(path, str | Path) else [Path(p) for p in path]
    if not paths:
        raise ImportDataError(f"No source given; give {what}.")
    if len(paths) == 1 and paths[0].is_dir():
        yield paths[0]
        return
    wanted = {marker, *required}
    for src in paths:
        if not src.exists():
            raise ImportDataError(f"{src} does not exist; give {what}.")
    tmp = Path(tempfile.mkdtemp(prefix="careergraph-release-"))
    try:
        # named after the sources, so a message about a file says where it came from
        dest = tmp / " + ".join(p.name for p in paths)
        dest.mkdir()
        for src in paths:
            if src.is_dir():
                for file in sorted(src.iterdir()):
                    if file.is_file() and not (dest / file.name).exists():
                        (dest / file.name).symlink_to(file.resolve())
                continue
            archive, members = _zip_members(src, wanted, marker, what)
            with archive:
                members = [
                    i for i in members if not (dest / PurePosixPath(i.filename).name).exists()
                ]
                try:
                    _extract(archive, members, dest)
                except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                    raise ImportDataError(f"{src} is damaged: {exc}. Download it again.") from exc
        missing = [name for name in [marker, *required] if not (dest / name).is_file()]
        if missing:
            given = " and ".join(str(p) for p in paths)
            raise ImportDataError(
                f"{given} lack{'s' if len(paths) == 1 else ''} "
                f"{', '.join(repr(m) for m in missing)}; " + (hint or f"is it all of {what}?")
            )
        yield dest
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------------
# Downloads into the cache
# ---------------------------------------------------------------------------


def downloads_dir() -> Path:
    """The folder downloaded releases are kept in (under the user cache folder)."""
    from graph.resources import cache_dir

    return cache_dir() / "downloads"


def _file_name(url: str) -> str:
    from urllib.parse import unquote, urlsplit

    name = PurePosixPath(unquote(urlsplit(url).path)).name
    if not name or _unsafe(name) or name in (".", ".."):
        raise UsageError(f"Cannot tell a file name from the URL {url}; give the link to the zip.")
    return name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _verify(path: Path, sha256: str | None, name: str) -> str:
    """Check a downloaded zip: the SHA-256 when given, and every member's CRC."""
    digest = _sha256(path)
    if sha256 and digest != sha256.lower():
        raise ImportDataError(
            f"The download {name} has SHA-256 {digest}, not the expected {sha256.lower()}; "
            "it was removed. Try again, or check the checksum you gave."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip()
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise ImportDataError(
            f"The download {name} is not a zip file ({exc}); it was removed. Is the URL "
            "the release's zip?"
        ) from exc
    if broken is not None:
        raise ImportDataError(f"The download {name} is damaged ({broken}); it was removed.")
    return digest


def _fetch(client: Any, url: str, part: Path, progress: Progress) -> int | None:
    """One attempt: continue ``part`` from its current size. Returns the full size if known."""
    import httpx

    have = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    with client.stream("GET", url, headers=headers) as response:
        if response.status_code == 416 and have:
            return have  # the part file is already whole
        if response.status_code == 404:
            raise ImportDataError(
                f"{url} was not found (HTTP 404): is the version right? Check the publisher's "
                "download page."
            )
        if response.status_code >= 400:
            raise httpx.HTTPStatusError(
                f"HTTP {response.status_code}", request=response.request, response=response
            )
        total: int | None = None
        if response.status_code == 206:
            rng = response.headers.get("content-range", "")
            if not rng.startswith(f"bytes {have}-"):
                part.unlink(missing_ok=True)  # not the rest of our part: start over
                raise httpx.ReadError(f"the server resumed at another place ({rng or 'unsaid'})")
            if "/" in rng and rng.rsplit("/", 1)[1].isdigit():
                total = int(rng.rsplit("/", 1)[1])
            mode = "ab"
        else:  # 200: the server ignored the range, start over
            have, mode = 0, "wb"
            length = response.headers.get("content-length")
            total = int(length) if length and length.isdigit() else None
        progress.start(f"Downloading {part.name.removesuffix('.part')}", total)
        if have:
            progress.advance(have)
        with part.open(mode) as handle:
            # unbuffered: what arrived before a dropped connection is kept for the resume
            for chunk in response.iter_bytes():
                handle.write(chunk)
                progress.advance(len(chunk))
    size = part.stat().st_size
    if total is not None and size != total:
        raise httpx.ReadError(f"the connection closed at {size:,} of {total:,} bytes")
    return total


def download(
    url: str,
    *,
    sha256: str | None = None,
    progress: Progress | None = None,
    cache: Path | None = None,
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF,
    timeout: float = 60.0,
) -> Path:
    """Download a release zip into the cache folder, or return it from there.

    A verified download is kept as ``<cache>/<file name>`` beside a small
    ``.json`` record (URL, size, SHA-256); asked for again, it is reused
    without a request. An interrupted transfer is kept as ``.part`` and
    resumed with an HTTP ``Range`` request, by the next attempt or the next
    run.

    Parameters
    ----------
    url : str
        The release's URL (see :func:`onet_release_url`).
    sha256 : str, optional
        The expected SHA-256 (hex); without it the size the server announced
        and the zip's own CRCs are checked.
    progress : Progress, optional
        Told the size and every chunk (the CLI passes a progress bar).
    cache : Path, optional
        Where downloads are kept; default :func:`downloads_dir`.
    attempts, backoff : int, float
        Tries before giving up, and the first pause between them (doubled each time).

    Returns
    -------
    Path
        The downloaded zip.

    Raises
    ------
    ImportDataError
        The server has no such file (404), keeps failing, or the file fails
        its checks (then it is removed, so the next run downloads it anew).
    """
    import httpx

    progress = progress or Progress()
    folder = Path(cache) if cache is not None else downloads_dir()
    target = folder / _file_name(url)
    record = target.with_name(target.name + ".json")
    if target.is_file() and record.is_file():
        try:
            meta = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        if (
            meta.get("url") == url
            and meta.get("size") == target.stat().st_size
            and (not sha256 or meta.get("sha256") == sha256.lower())
        ):
            return target
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImportDataError(f"Cannot create the download folder {folder}: {exc}") from exc
    part = target.with_name(target.name + ".part")
    last: Exception | None = None
    with httpx.Client(follow_redirects=True, timeout=timeout) as client:
        for attempt in range(attempts):
            if attempt:
                time.sleep(backoff * 2 ** (attempt - 1))
            try:
                _fetch(client, url, part, progress)
                last = None
                break
            except (httpx.TransportError, httpx.HTTPStatusError) as exc:
                last = exc
            except OSError as exc:
                raise ImportDataError(f"Cannot write the download {part}: {exc}") from exc
    if last is not None:
        raise ImportDataError(
            f"Downloading {url} failed after {attempts} attempts: {last}. Run the command again "
            f"to resume; the part downloaded so far is kept in {part}."
        )
    try:
        digest = _verify(part, sha256, target.name)
    except ImportDataError:
        part.unlink(missing_ok=True)
        raise
    part.replace(target)
    record.write_text(
        json.dumps({"url": url, "size": target.stat().st_size, "sha256": digest}, indent=2),
        encoding="utf-8",
    )
    return target


def release_sources(
    sources: Sequence[Path | str] = (),
    urls: Sequence[str] = (),
    *,
    sha256: Sequence[str] = (),
    single: bool = False,
    progress: Progress | None = None,
) -> list[Path]:
    """The files an import reads: ``sources`` as given, plus ``urls`` downloaded into the cache.

    Parameters
    ----------
    sources : list of paths
        Folders or zips of the release.
    urls : list of str
        Release zips to download (see :func:`download`).
    sha256 : list of str, optional
        The expected SHA-256 of each URL's file, in the same order.
    single : bool
        The release is one zip or folder (O*NET): refuse more than one source.

    Raises
    ------
    UsageError
        No source at all, more than one where ``single``, or checksums that
        do not pair with the URLs.
    ImportDataError
        A download fails (see :func:`download`).
    """
    count = len(sources) + len(urls)
    if count == 0:
        raise UsageError("Give the release's folder or zip, or --download to fetch it.")
    if single and count > 1:
        raise UsageError("Give the release's folder or zip, or --download to fetch it (not both).")
    if sha256 and len(sha256) != len(urls):
        raise UsageError("Give one --sha256 per --download-url, in the same order.")
    paths = [Path(src) for src in sources]
    for n, url in enumerate(urls):
        paths.append(download(url, sha256=sha256[n] if sha256 else None, progress=progress))
    return paths
