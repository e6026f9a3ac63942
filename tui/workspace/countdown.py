"""The SLA countdown pane: the selected ticket's two clocks, live, and the next deadlines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import Static

from deskline.core.desk.views import TicketView
from deskline.core.inert import visible
from deskline.core.language import N_, _
from deskline.core.sla.clocks import ClockReading, SlaReading
from deskline.themes.palette import SLA_LOOK, business_mark, closed_mark, sla_style
from deskline.tui.times import countdown, local_short

BAR = 10
# Who hears of each threshold (DESIGN.md's ladder; the alert engine makes it configurable).
NOTIFIED = {
    "warning": N_("warning → assignee notified"),
    "at_risk": N_("at risk → assignee and supervisor notified"),
    "breach": N_("breach → assignee, supervisor and director notified"),
}
NAME_CELLS = 8  # a clock's name, then its state: both clocks' states start in one column


def padded(text: str, cells: int, *, right: bool = False) -> str:
    """``text`` padded to ``cells`` terminal cells (a Chinese character takes two)."""
    gap = " " * max(0, cells - cell_len(text))
    return gap + text if right else text + gap


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
        left = _("stopped")
    else:
        said = _("{time} over") if reading.remaining_seconds < 0 else _("{time} left")
        # "over" says the sign: "0:09:29 over", never "-0:09:29 over"
        left = said.format(time=f"{countdown(abs(reading.remaining_seconds))}{mark}")
    first = Text.assemble(
        (padded(name, max(NAME_CELLS, cell_len(name) + 1)), "bold"),
        (f"{look.glyph} {_(look.word)} ", style),
        (left, style),
    )
    due = _("due {at}").format(at=local_short(reading.due_at, now))
    second = Text.assemble(
        "  ", (bar(reading.percent_used), style), f" {reading.percent_used:.0f}% · {due}"
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
        parts += clock_lines(_("Respond"), reading.first_response, now, colours, mark)
        parts += clock_lines(_("Resolve"), reading.resolution, now, colours, mark)
        running = [c for c in reading if c.state.value not in ("met", "missed") and not c.paused]
        if opens_at is not None and running:
            when = local_short(opens_at, now)
            said = _("closed until {when}: business time waits").format(when=when)
            parts.append(Text(f"{closed_mark()} {said}"))
        elif business and running:
            said = _("business time: it counts in business hours")
            parts.append(Text(f"{business_mark()} {said}"))
        if next_step is not None:
            clock, name, at = next_step
            kind = name.split(":")[0]
            which = _("first response") if clock == "first_response" else _("resolution")
            said = _("Next: {at} {clock} {who}").format(
                at=local_short(at, now), clock=which, who=_(NOTIFIED[kind])
            )
            parts.append(Text(said, style="bold"))
        else:
            parts.append(Text(_("Next: no threshold ahead"), style="dim"))
    else:
        parts.append(Text(_("No ticket selected"), style="dim"))
    if upcoming:
        parts.append(Text(_("Next deadlines in the queue"), style="bold underline"))
        for t, r, marked in upcoming:
            if r is None:
                continue
            _state, clock = r.most_urgent()
            look = SLA_LOOK[clock.state.value]
            parts.append(
                Text.assemble(
                    (
                        f"{look.glyph} "
                        + padded(countdown(clock.remaining_seconds) + marked, 10, right=True)
                        + " ",
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
