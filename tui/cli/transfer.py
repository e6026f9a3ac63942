"""``deskline import`` and ``deskline export``: another desk's tickets brought in as history,
and this desk's written out in the same columns."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from deskline.core.language import N_, _
from deskline.tui.cli.context import Commands, JsonOpt, emit, fail, print_line, say, session_of
from deskline.tui.cli.progress import bar

app = Commands()

FORMATS = ("csv", "xlsx", "jsonl", "zendesk", "freshdesk")


@app.command(
    "import",
    help=N_(
        "Import tickets from another desk or a spreadsheet (admins), as history: their "
        "past times, SLA clocks and audit kept, no alerts for the past. Run it again "
        "to continue a stopped import; tickets already here (by external id) are left "
        "as they are."
    ),
)
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help=N_("The tickets: CSV, XLSX or JSON lines."))
    ],
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help=N_(
                "csv, xlsx, jsonl (deskline's columns), zendesk or freshdesk (their "
                "exports' columns and codes); default: by the file's suffix, deskline's columns."
            ),
        ),
    ] = None,
    comments: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help=N_("Comments: external_id, author, public (true/false), created_at, body."),
        ),
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map", metavar="COLUMN=FIELD", help=N_("Read the file's COLUMN as FIELD; repeat.")
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=N_("Check the file and count; write nothing."))
    ] = False,
    skip_bad: Annotated[
        bool,
        typer.Option(
            "--skip-bad",
            help=N_("Import the good records; the bad go to FILE.rejects.csv beside it."),
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.transfer import presets, sources
    from deskline.core.transfer.load import Importer, Options

    if format is not None and format not in FORMATS:
        fail(
            _("--format {format}: use one of {known}").format(
                format=format, known=", ".join(FORMATS)
            )
        )
    pairs: dict[str, str] = {}
    for given in mapping or []:
        column, sep, name = given.partition("=")
        if not sep or not column.strip() or not name.strip():
            fail(
                _("--map {given}: write it as COLUMN=FIELD, e.g. --map Ticket=external_id").format(
                    given=given
                )
            )
        pairs[column.strip()] = name.strip()
    preset = presets.PRESETS.get(format or "", presets.DESKLINE)
    kind = sources.kind_of(file, format if format in sources.KINDS else None)
    options = Options(file, kind, preset, comments, pairs, skip_bad, dry_run)
    session = session_of(ctx)
    desk = session.desk()
    with bar(_("import")) as show:
        importer = Importer(desk, options, progress=show)
        result = importer.run()

    def human() -> None:  # the warnings are notices (stderr); what was done is the output
        for notice in result.notices:
            say(notice)
        for line in result.lines():
            print_line(line)

    emit(result.to_json(), as_json, human)


@app.command(
    "export",
    help=N_(
        "Export tickets (directors and admins) in import's columns: open ones, --all, "
        "or --since DATE; it streams, so any desk's size fits."
    ),
)
def export_(
    ctx: typer.Context,
    format: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help=N_("csv, jsonl or xlsx."))
    ] = "csv",
    since: Annotated[
        str | None,
        typer.Option(
            metavar="DATE", help=N_("Only tickets created or updated since (any status).")
        ),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help=N_("Every ticket, not only open ones."))
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help=N_("Write here (default: stdout; XLSX needs it).")),
    ] = None,
    comments: Annotated[
        Path | None, typer.Option(metavar="FILE", help=N_("Write the tickets' comments here too."))
    ] = None,
) -> None:
    from deskline.core.transfer.export import FORMATS as KINDS
    from deskline.core.transfer.export import export

    if format not in KINDS:
        fail(
            _("--format {format}: use one of {known}").format(format=format, known=", ".join(KINDS))
        )
    if format == "xlsx" and out is None:
        fail(_("--format xlsx needs --out FILE (a workbook is not text for stdout)"))
    when = None
    if since is not None:
        when = _since(since)
    desk = session_of(ctx).desk()
    with bar(_("export")) as show:
        done = export(
            desk,
            out if out is not None else sys.stdout,
            kind=format,
            since=when,
            every=every,
            comments=comments,
            progress=lambda n: show("tickets", n, 0),
        )
    if out is not None or comments is not None:
        say(
            _("exported {tickets} tickets and {comments} comments").format(
                tickets=done.tickets, comments=done.comments
            )
        )


def _since(text: str) -> datetime:
    from deskline.core.errors import InvalidInput
    from deskline.core.transfer.rows import BadRecord, parse_time

    try:
        at = parse_time(text)
    except BadRecord:
        at = None
    if at is None:
        raise InvalidInput(
            _("--since {given}: use a date like 2026-01-31 or 2026-01-31T09:00Z").format(given=text)
        )
    return at
