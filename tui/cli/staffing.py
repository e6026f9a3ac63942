"""``deskline staffing``: agents needed per hour of the week (Erlang C), beside those on duty."""

from __future__ import annotations

import shutil
from typing import Annotated

import typer

from deskline.core.language import N_, _, ngettext
from deskline.tui.cli.context import (
    Commands,
    JsonOpt,
    TeamOpt,
    ZoneOpt,
    emit,
    fail,
    print_line,
    session_of,
)

app = Commands()

# The week's days as core.metrics.staffing names them, said in the current language.
DAYS = {
    "mon": N_("mon"),
    "tue": N_("tue"),
    "wed": N_("wed"),
    "thu": N_("thu"),
    "fri": N_("fri"),
    "sat": N_("sat"),
    "sun": N_("sun"),
}


@app.command(help=N_("Agents needed each hour of the week to take up tickets in time (Erlang C)."))
def staffing(
    ctx: typer.Context,
    team: TeamOpt = None,
    target: Annotated[
        str,
        typer.Option("--target", metavar="SHARE", help=N_('Service level, like "80% in 30m".')),
    ] = "80% in 30m",
    weeks: Annotated[
        int,
        typer.Option("--weeks", metavar="N", help=N_("Weeks of history measured."), min=1, max=52),
    ] = 4,
    handle: Annotated[
        str | None,
        typer.Option(
            "--handle",
            metavar="DURATION",
            help=N_(
                "Handle time per ticket (default: the median time solved tickets spent in "
                "progress, an upper bound)."
            ),
        ),
    ] = None,
    tz: ZoneOpt = None,
    as_json: JsonOpt = False,
) -> None:
    from datetime import timedelta

    from deskline.core import clock
    from deskline.core.metrics import report
    from deskline.core.metrics import staffing as rules
    from deskline.core.sla.calendar import parse_duration

    try:
        wanted = rules.parse_target(target)
        worked = parse_duration(handle) if handle else None
    except ValueError as exc:
        fail(str(exc), 2)
    if worked is not None and (worked.business_days or not worked.seconds):
        fail(
            _("--handle {handle}: give a duration in s, m or h, like 20m").format(handle=handle), 2
        )
    desk = session_of(ctx).desk()
    policy = desk.refresh_policy()
    found = report.staffing_of(
        desk.store,
        desk.actor,
        wanted,
        now=clock.now(),
        zone=report.zone_named(tz),
        team=team,
        weeks=weeks,
        rules=policy.sla,
        handle_time=timedelta(seconds=worked.seconds) if worked else None,
    )

    def human() -> None:
        from rich.cells import cell_len

        from deskline.core.metrics.formats import duration
        from deskline.tui.cli.render import wrap_cells

        if handle:
            how = _("given")
        elif not found.measured:
            how = _("the default: no solved ticket to measure it on; give --handle")
        else:
            how = ngettext(
                "measured on {count} solved ticket",
                "measured on {count} solved tickets",
                found.measured,
            ).format(count=found.measured)
            if found.handle_seconds > 2 * 3600:  # time in progress, not time worked
                how += _("; an upper bound, as the desk records no time worked: give --handle")
        head = _(
            "staffing for {scope}, {target}, from the last {weeks} weeks: "
            "handle time {handle} ({how}); on duty now: {on_duty}"
        ).format(
            scope=found.scope.text(),
            target=found.target,
            weeks=found.weeks,
            handle=duration(found.handle_seconds),
            how=how,
            on_duty=found.on_duty,
        )
        room = max(60, shutil.get_terminal_size((80, 24)).columns)
        for line in wrap_cells(head, room):
            print_line(line)
        # the labels padded by terminal cells: a wide character takes two
        labels = [_("hour"), *(_(DAYS[day]) for day in rules.WEEKDAYS)]
        width = max(cell_len(label) for label in labels)
        hour, *days = (f"  {label}{' ' * (width - cell_len(label))} " for label in labels)
        for hours in (range(0, 12), range(12, 24)):  # two halves of the day: 80 columns
            typer.echo(hour + " ".join(f"{h:>3}" for h in hours))
            for d, day in enumerate(days):
                cells = found.needed[d * 24 + hours.start : d * 24 + hours.stop]
                typer.echo(day + " ".join(f"{n:>3}" for n in cells))

    emit(found.to_json(), as_json, human)
