"""``careergraph import``: O*NET and ESCO into a graph folder, downloading on request."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from graph.cli.main import (
    F,
    cli,
    echo_counts,
    echo_json,
    echo_warnings,
    format_option,
    handle_errors,
)

__all__ = []


IMPORT_COUNTS = {
    "onet": (
        ("ratings", "skill ratings"),
        ("technology_requirements", "technology requirements"),
        ("tasks", "tasks"),
        ("salary_bands", "salary bands"),
        ("close_matches", "guide-role links"),
    ),
    "esco": (
        ("requirements", "skill requirements"),
        ("isco_groups", "ISCO groups"),
        ("broader", "hierarchy links"),
    ),
}


def _import_out(name: str) -> Any:
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("output") / name,
        show_default=True,
        help="Graph folder to write (the previous graph there stays if the import fails).",
    )


def _print_import(report: Any, fmt: str, what: str) -> None:
    if fmt == "json":
        echo_json(report.to_dict())
        return
    echo_warnings(report.warnings)
    counts = report.counts
    click.echo(
        f"Imported {what} with the guides into {report.out_dir} in {report.seconds:.1f} s "
        f"(build {report.build_id})."
    )
    echo_counts(counts, ("roles", "skills", "transitions", "triples"))
    echo_counts(counts, IMPORT_COUNTS[report.dataset])
    click.echo(f"Use it with --graph {report.out_dir} (or CAREERGRAPH_GRAPH={report.out_dir}).")


@cli.group("import")
def import_group() -> None:
    """Import a public taxonomy (O*NET, ESCO) into a graph folder, merged with the guides."""


def _download_options(multiple: bool) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        func = click.option(
            "--sha256",
            multiple=multiple,
            metavar="HEX",
            help="Expected SHA-256 of the download (else its size and the zip's CRCs are "
            "checked)" + ("; one per --download-url, in order." if multiple else "."),
        )(func)
        return click.option(
            "--download-url",
            multiple=multiple,
            metavar="URL",
            help="Download a release zip from URL into the cache folder (resumed if cut, "
            "reused next time) and import it" + ("; repeatable." if multiple else "."),
        )(func)

    return decorate


@import_group.command("onet")
@click.argument("src_dir", metavar="DIR_OR_ZIP", required=False, type=click.Path(path_type=Path))
@click.option(
    "--download",
    "download_version",
    is_flag=False,
    flag_value="29.3",
    metavar="[VERSION]",
    help="Download the O*NET text release VERSION (default 29.3) from onetcenter.org into "
    "the cache folder, then import it; a finished download is reused.",
)
@_download_options(multiple=False)
@_import_out("onet")
@click.option(
    "--wages",
    type=click.Path(dir_okay=False, path_type=Path),
    help="BLS OEWS national wages CSV: salary bands for the matching occupations.",
)
@click.option(
    "--no-related",
    is_flag=True,
    help="Leave out Related Occupations (the moves), e.g. to evaluate similarity.",
)
@format_option("table", "json")
@handle_errors
def import_onet_command(
    src_dir: Path | None,
    download_version: str | None,
    download_url: str | None,
    sha256: str | None,
    out_dir: Path,
    wages: Path | None,
    no_related: bool,
    fmt: str,
) -> None:
    """Import the O*NET database: its text release zip (db_29_3_text.zip) or folder.

    Occupations become roles with rated skills and knowledge, technology,
    tasks, Job Zones and alternate titles; Related Occupations become moves
    with level-aware skills to gain; --wages adds salary bands. Or fetch the
    release with --download (O*NET is CC BY 4.0; the import credits it).
    """
    from graph.importers.common import terminal_progress
    from graph.importers.onet import import_onet
    from graph.importers.sources import release_sources

    if download_version is not None:
        from graph.errors import UsageError
        from graph.importers.sources import onet_release_url

        if download_url is not None:
            raise UsageError("Give --download VERSION or --download-url URL, not both.")
        download_url = onet_release_url(download_version)
    with terminal_progress() as progress:
        (src_dir,) = release_sources(
            [src_dir] if src_dir else [],
            [download_url] if download_url else [],
            sha256=[sha256] if sha256 else [],
            single=True,
            progress=progress,
        )
        report = import_onet(
            src_dir, out_dir, wages=wages, include_related=not no_related, progress=progress
        )
    _print_import(report, fmt, "O*NET" + (" and OEWS wages" if wages else ""))


@import_group.command("esco")
@click.argument("sources", metavar="[ZIP_OR_DIR]...", nargs=-1, type=click.Path(path_type=Path))
@_download_options(multiple=True)
@_import_out("esco")
@format_option("table", "json")
@handle_errors
def import_esco_command(
    sources: tuple[Path, ...],
    download_url: tuple[str, ...],
    sha256: tuple[str, ...],
    out_dir: Path,
    fmt: str,
) -> None:
    """Import the ESCO classification from its v1.1 CSV zips or the folder of their files.

    ESCO v1.1.1 comes as two zips, the English classification ('ESCO dataset
    - v1.1.1 - classification - en - csv.zip') and the language-independent
    relations ('... - classification -  - csv.zip'): give both. Occupations
    and skills keep their ESCO URIs; essential and optional skills become
    rated requirements; the occupation hierarchy and ISCO-08 groups become
    skos:broader links. ESCO's site builds each download package on request
    (https://esco.ec.europa.eu/en/use-esco/download), so there is no fixed
    link to fetch: give the zips you downloaded, or their links with
    --download-url.
    """
    from graph.importers.common import terminal_progress
    from graph.importers.esco import import_esco
    from graph.importers.sources import release_sources

    with terminal_progress() as progress:
        paths = release_sources(sources, download_url, sha256=sha256, progress=progress)
        src_dir = paths[0] if len(paths) == 1 else paths
        report = import_esco(src_dir, out_dir, progress=progress)
    _print_import(report, fmt, "ESCO")
