"""``deskline report daily|weekly|range``: the desk's numbers over a period, as text with
charts, JSON, CSV, Markdown or an HTML page; ``--mail`` sends it."""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deskline.core.inert import visible
from deskline.core.language import N_, _, ngettext
from deskline.tui.cli.context import Commands, TeamOpt, ZoneOpt, fail, say, session_of

if TYPE_CHECKING:
    from deskline.core.metrics.report import Report

app = Commands()

FORMATS = ("text", "json", "csv", "html", "md")


@app.command(
    help=N_("The desk's numbers over a day, a week or a range (definitions in the README).")
)
def report(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(
            metavar="KIND",
            help=N_(
                "daily (a day, default yesterday), weekly (Monday to Sunday, default last "
                "week) or range (--from and --to)."
            ),
        ),
    ],
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="DATE",
            help=N_(
                "The day (daily), a day of the week (weekly), the "
                "first day (range); a date or an ISO time with an offset."
            ),
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", metavar="DATE", help=N_("The last day of a range (included).")),
    ] = None,
    team: TeamOpt = None,
    agent: Annotated[
        str | None, typer.Option("--agent", metavar="HANDLE", help=N_("Only this agent's tickets."))
    ] = None,
    form: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help=N_("text, json, csv, html or md."))
    ] = "text",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DIR|FILE",
            help=N_("Write there: a folder for csv (one file per table), a file for the others."),
        ),
    ] = None,
    table: Annotated[
        str | None,
        typer.Option("--table", metavar="NAME", help=N_("csv: only this table, to stdout.")),
    ] = None,
    tickets: Annotated[
        str | None,
        typer.Option(
            "--tickets",
            metavar="FIGURE",
            help=N_(
                "List the tickets behind a figure: created, solved, responded, reopened, met, "
                "missed, breaches, backlog."
            ),
        ),
    ] = None,
    mail: Annotated[
        list[str] | None,
        typer.Option(
            "--mail", metavar="TO", help=N_("Send the report to this address (repeat for more).")
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", metavar="N", help=N_("Categories shown."), min=1)
    ] = 10,
    tz: ZoneOpt = None,
) -> None:
    from deskline.core import clock
    from deskline.core.metrics import formats
    from deskline.core.metrics import report as reports

    if form not in FORMATS:
        fail(
            _("--format {form}: use one of {known}").format(form=form, known=", ".join(FORMATS)), 2
        )
    if table is not None and form != "csv":
        fail(_("--table goes with --format csv"), 2)
    # The reader, not the desk: a report reads only, and loads none of the use cases that
    # write (the same identity checks; the newest policy read in one Core transaction).
    reader = session_of(ctx).reader()
    with reader.store.read_rows() as rows:
        policy = reader.book.check(rows)
    built = reports.build(
        reader.store,
        reader.actor,
        policy.sla,
        policy.version,
        kind=kind,
        now=clock.now(),
        zone=reports.zone_named(tz),
        start=start,
        end=end,
        team=team,
        agent=agent,
        drill=tickets,
        top=top,
    )
    if mail:
        formats.mail(built, policy.alerts.email, mail, text_of(built, charts=False))
        say(_("report sent to {to}").format(to=", ".join(mail)))
        return
    if form == "csv":
        _csv(built, out, table)
        return
    if form == "json":
        body = json.dumps(built.to_json(), ensure_ascii=False, indent=2) + "\n"
    elif form == "html":
        body = formats.html_page(built)
    elif form == "md":
        body = formats.markdown(built)
    else:
        body = text_of(built, charts=out is None)
    if out is not None:
        with _writing(out):
            out.write_text(body, encoding="utf-8")
        say(_("wrote {file}").format(file=out))
    else:
        typer.echo(visible(body) if form == "md" else body, nl=False)  # text: made so


@contextmanager
def _writing(out: Path) -> Iterator[None]:
    """A file or folder that cannot be written is one line naming it, exit 1."""
    try:
        yield
    except OSError as exc:
        fail(_("cannot write {file}: {reason}").format(file=out, reason=exc.strerror or exc), 1)


def _csv(built: Report, out: Path | None, table: str | None) -> None:
    from deskline.core.metrics import formats

    if built.drill:
        text = formats.csv_text(formats.tickets_table(built))
        if out is None:
            typer.echo(visible(text), nl=False)
            return
        with _writing(out):
            out.mkdir(parents=True, exist_ok=True)
            (out / "tickets.csv").write_text(text, encoding="utf-8")
        say(_("wrote {file}").format(file=out / "tickets.csv"))
        return
    if table is not None:
        typer.echo(formats.csv_text(built.table(table)), nl=False)
        return
    if out is None:
        fail(_("csv writes one file per table: give --out DIR, or one table with --table NAME"), 2)
    with _writing(out):
        written = formats.write_csv(built, out)
    say(
        ngettext(
            "wrote {count} table to {folder}", "wrote {count} tables to {folder}", len(written)
        ).format(count=len(written), folder=out)
    )


def text_of(built: Report, *, charts: bool) -> str:
    """The text form: each table aligned, and the charts drawn with plotext."""
    from rich.cells import cell_len

    from deskline.core.metrics import formats

    def pad(text: str, width: int) -> str:
        return text + " " * (width - cell_len(text))

    room = max(60, shutil.get_terminal_size((80, 24)).columns)
    title = visible(formats.title_of(built))
    lines = [*textwrap.wrap(title, room, subsequent_indent="  "), ""]
    if charts and not built.drill:
        lines += [
            _chart(title, labels, series, min(room, 100))
            for title, labels, series in formats.charts(built)
        ]
    tables = [formats.tickets_table(built)] if built.drill else list(built.tables)
    for t in tables:
        heads, shown = formats.shown(t)
        rows = [[visible(cell) for cell in row] for row in shown]  # customer text, inert
        lines.append(t.title)
        if not rows:
            lines += ["  " + _("(none)"), ""]
            continue
        widths = [max(cell_len(h), *(cell_len(r[i]) for r in rows)) for i, h in enumerate(heads)]
        # A table wider than the terminal goes in parts, each led by its first column.
        for part in _parts(widths, room) if not built.drill else [list(range(len(heads)))]:
            lines.append("  " + "  ".join(pad(heads[i], widths[i]) for i in part))
            for r in rows:
                lines.append("  " + "  ".join(pad(r[i], widths[i]) for i in part))
            lines.append("")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _parts(widths: list[int], room: int) -> list[list[int]]:
    """Column indexes in parts no wider than ``room`` (two spaces between and before),
    each part starting with column 0."""
    parts: list[list[int]] = []
    part = [0]
    used = 2 + widths[0]
    for i in range(1, len(widths)):
        if len(part) > 1 and used + 2 + widths[i] > room:
            parts.append(part)
            part, used = [0], 2 + widths[0]
        part.append(i)
        used += 2 + widths[i]
    parts.append(part)
    return parts


def _chart(
    title: str, labels: list[str], series: list[tuple[str, str, list[float]]], width: int
) -> str:
    import plotext as plt

    plt.clear_figure()
    plt.theme("clear")
    plt.plotsize(width, 15)
    plt.title(title)
    short = [label[:10] for label in labels]
    if len(series) == 1:
        plt.bar(short, series[0][2], label=series[0][0])
    else:
        plt.multiple_bar(short, [s[2] for s in series], labels=[s[0] for s in series])
    return plt.build() + "\n"
