"""The SLA countdown pane: the selected ticket's two clocks, live, and the next deadlines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import Static

from deskline.core.desk.views import TicketView
from deskline.core.inert import visible
from deskline.core.sla.clocks import ClockReading, SlaReading
from deskline.themes.palette import SLA_LOOK, business_mark, closed_mark, sla_style
from deskline.tui.times import countdown, local_short

BAR = 10
# Who hears of each threshold (DESIGN.md's ladder; the alert engine makes it configurable).
NOTIFIED = {
    "warning": "warning → assignee notified",
    "at_risk": "at risk → assignee and supervisor notified",
    "breach": "breach → assignee, supervisor and director notified",
}


def bar(percent: float) -> str:
    filled = max(0, min(BAR, round(percent / 100 * BAR)))
    return "█" * filled + "░" * (BAR - filled)


def clock_lines(
    name: str, reading: ClockReading, now: datetime, colours: Mapping[str, str], mark: str = ""
) -> list[Text]:
    """Two lines a clock, so the pane reads at 80 columns: state and time (``mark``: of
    business time, beside it), then the bar."""
    look = SLA_LOOK[reading.state.value]
    style = sla_style(colours, reading.state.value)
    if reading.state.value in ("met", "missed"):
        left = "stopped"
    else:
        suffix = "over" if reading.remaining_seconds < 0 else "left"
        left = f"{countdown(reading.remaining_seconds)}{mark} {suffix}"
    first = Text.assemble(
        (f"{name:<8}", "bold"), (f"{look.glyph} {look.word} ", style), (left, style)
    )
    second = Text.assemble(
        "  ",
        (bar(reading.percent_used), style),
        f" {reading.percent_used:.0f}% · due {local_short(reading.due_at, now)}",
    )
    return [first, second]


def describe(
    now: datetime,
    ticket: TicketView | None,
    reading: SlaReading | None,
    next_step: tuple[str, str, datetime] | None,
    upcoming: Sequence[tuple[TicketView, SlaReading | None, str]],
    colours: Mapping[str, str],
    opens_at: datetime | None = None,
    business: bool = False,
) -> RenderableType:
    """The pane's content; ``colours`` are the theme's variables (``app.theme_variables``);
    ``opens_at``: the ticket's business hours are over until then (its clocks wait);
    ``business``: its clocks count business time. ``upcoming``: the next deadlines, each
    with its countdown's mark (``queue.clock_mark``)."""
    parts: list[RenderableType] = []
    if ticket is not None and reading is not None:
        mark = closed_mark() if opens_at is not None else business_mark() if business else ""
        parts += clock_lines("Respond", reading.first_response, now, colours, mark)
        parts += clock_lines("Resolve", reading.resolution, now, colours, mark)
        running = [c for c in reading if c.state.value not in ("met", "missed") and not c.paused]
        if opens_at is not None and running:
            when = local_short(opens_at, now)
            parts.append(Text(f"{closed_mark()} closed until {when}: business time waits"))
        elif business and running:
            parts.append(Text(f"{business_mark()} business time: it counts in business hours"))
        if next_step is not None:
            clock, name, at = next_step
            kind = name.split(":")[0]
            which = "first response" if clock == "first_response" else "resolution"
            parts.append(
                Text(f"Next: {local_short(at, now)} {which} {NOTIFIED[kind]}", style="bold")
            )
        else:
            parts.append(Text("Next: no threshold ahead", style="dim"))
    else:
        parts.append(Text("No ticket selected", style="dim"))
    if upcoming:
        parts.append(Text("Next deadlines in the queue", style="bold underline"))
        for t, r, marked in upcoming:
            if r is None:
                continue
            _, clock = r.most_urgent()
            look = SLA_LOOK[clock.state.value]
            parts.append(
                Text.assemble(
                    (
                        f"{look.glyph} {countdown(clock.remaining_seconds) + marked:>10} ",
                        sla_style(colours, clock.state.value),
                    ),
                    (f"{t.key:<6} ", "bold"),  # a long key (T-100000) keeps its space
                    visible(t.title),
                    no_wrap=True,
                    overflow="ellipsis",
                )
            )
    return Group(*parts)


class CountdownPane(Static):
    """Repainted once a second with the live clocks."""

    DEFAULT_CSS = """
    CountdownPane { height: 14; border-top: solid $primary-background; padding: 0 1; }
    """
