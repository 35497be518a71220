"""``crmsense init`` and ``crmsense ingest``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from crmsense.cli.app import DbOption, QuietOption, app, console, fail, open_db
from crmsense.cli.progress import LazyProgress


@app.command()
def init(db: DbOption = None) -> None:
    """Create (or upgrade) the workspace database."""
    database = open_db(db)
    console.print(f"workspace ready: {database.engine.url.render_as_string(hide_password=True)}")


def _pairs(values: list[str], option: str) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, target = value.partition("=")
        if not sep or not key or not target:
            fail(f"{option} {value!r}: expected NAME=VALUE", code=2)
        out[key.strip()] = target.strip()
    return out


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to import.")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="auto, jsonl, csv, email (eml/mbox), transcript (vtt/srt/json), survey",
        ),
    ] = "auto",
    map_: Annotated[
        list[str],
        typer.Option("--map", help="Column mapping FIELD=COLUMN (CSV, survey exports); repeat."),
    ] = [],  # noqa: B006
    set_: Annotated[
        list[str],
        typer.Option("--set", help="Default FIELD=VALUE for every record (e.g. channel=ticket)."),
    ] = [],  # noqa: B006
    speaker: Annotated[
        list[str],
        typer.Option("--speaker", help="Transcript speaker role NAME=customer|rep; repeat."),
    ] = [],  # noqa: B006
    own_domain: Annotated[
        list[str],
        typer.Option("--own-domain", help="Your e-mail domain (its mail is outbound); repeat."),
    ] = [],  # noqa: B006
    source: Annotated[str, typer.Option(help="Origin name stored with each record.")] = "local",
    rejects: Annotated[
        Path, typer.Option(help="Where to write rejected records (JSON Lines).")
    ] = Path("crmsense-rejects.jsonl"),
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Import records; exit 0 = all accepted, 3 = some rejected, 2 = unusable input."""
    from crmsense.ingest.base import ImportOptions
    from crmsense.ingest.pipeline import ingest_paths

    options = ImportOptions(
        source=source,
        mapping=_pairs(map_, "--map"),
        defaults=_pairs(set_, "--set"),
        speaker_roles=_pairs(speaker, "--speaker"),
        own_domains=tuple(own_domain),
    )
    database = open_db(db)
    with LazyProgress("ingesting", quiet=quiet) as progress:
        report = ingest_paths(
            database, paths, fmt=fmt, options=options, rejects_path=rejects, progress=progress
        )
    for problem in report.unusable:
        console.print(f"[bold red]unusable:[/] {problem}", highlight=False)
    if not quiet:
        for rejection in report.rejected[:20]:
            console.print(f"[yellow]rejected[/] {rejection}", highlight=False)
        if len(report.rejected) > 20:
            console.print(f"… and {len(report.rejected) - 20} more")
        for repeat in report.repeated[:5]:
            console.print(f"[cyan]repeated[/] {repeat}", highlight=False)
        if len(report.repeated) > 5:
            console.print(f"… and {len(report.repeated) - 5} more repeated")
        print(json.dumps(report.to_dict()))
    raise typer.Exit(report.exit_code)
