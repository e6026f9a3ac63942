"""``deskline sla``: business-time arithmetic on the calendars of the desk's policy, and
storing due times again."""

from __future__ import annotations

from typing import Annotated

import typer

from deskline.core.language import N_, _, ngettext
from deskline.tui.cli.context import Commands, fail, session_of

app = Commands(name="sla", help=N_("SLA arithmetic on the calendars of the desk's policy."))


@app.command(
    "due", help=N_("Print when a duration of business time from START ends on a calendar (UTC).")
)
def sla_due(
    ctx: typer.Context,
    start: Annotated[
        str,
        typer.Option(
            metavar="TIME", help=N_("ISO time with offset, e.g. 2026-04-02T16:30:00+08:00.")
        ),
    ],
    duration: Annotated[
        str, typer.Option(metavar="DURATION", help=N_("Business time: 90s, 15m, 2h, 1h30m, 3bd."))
    ],
    calendar: Annotated[
        str, typer.Option(metavar="NAME", help=N_("A calendar of the desk's policy."))
    ] = "business",
) -> None:
    from deskline.core import clock
    from deskline.core.clock import iso
    from deskline.core.config.reader import check_target
    from deskline.core.sla.calendar import DurationError, parse_duration

    rules = session_of(ctx).service_desk().refresh_policy().sla
    if calendar not in rules.calendars:
        known = ", ".join(sorted(rules.calendars))
        fail(
            _("unknown calendar {name}; known: {known}").format(name=repr(calendar), known=known), 2
        )
    try:
        span = check_target(parse_duration(duration))
    except (DurationError, ValueError) as exc:
        fail(str(exc), 2)
    try:
        due = rules.calendars[calendar].add(clock.parse_instant(start), span)
    except OverflowError:
        fail(
            _("{duration} after {start} is beyond the year 9999").format(
                duration=duration, start=start
            ),
            2,
        )
    typer.echo(iso(due))


@app.command(
    "recompute",
    help=N_(
        "Store open tickets' due times again under the desk's policy (an admin only; "
        "`policy apply` does this itself)."
    ),
)
def sla_recompute(ctx: typer.Context) -> None:
    changed = session_of(ctx).desk().recompute_sla()
    moved = ngettext(
        "{count} open ticket had its due times moved",
        "{count} open tickets had their due times moved",
        changed,
    )
    typer.echo(moved.format(count=changed))
