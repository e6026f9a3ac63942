"""The dashboard's widgets: counter tiles, the priority strip, the ticket lists, agent load and
the trend charts. Each one repaints only when what it shows changed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Digits, Static
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from deskline.core.dashboard.figures import (
    AgentLoad,
    DayAttainment,
    Entry,
    HourBreaches,
    PriorityLine,
)
from deskline.core.inert import visible
from deskline.core.language import N_, _
from deskline.core.sla.clocks import ClockReading, ClockState
from deskline.themes.palette import SLA_LOOK, priority_style
from deskline.tui.dashboard.look import STATE_CLASSES, state_class, state_label, state_style
from deskline.tui.language import speak_bindings
from deskline.tui.times import countdown

_SECOND = timedelta(seconds=1)
_COUNTING = (ClockState.OK, ClockState.WARNING, ClockState.AT_RISK, ClockState.BREACHED)


class CounterTile(Vertical):
    """A large number with its label, its state's glyph and word, in its state's colour."""

    DEFAULT_CSS = """
    CounterTile { width: 1fr; height: 5; border: round $panel; padding: 0 1; }
    CounterTile Digits { width: auto; }
    """

    def __init__(self, label: str, *, id: str) -> None:
        super().__init__(id=id)
        self.label = label
        self._shown: tuple[str, str | None, str | None] | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Digits("")

    def on_mount(self) -> None:
        self.border_title = self.label

    def show(self, value: str, state: str | None, note: str | None = None) -> None:
        """``state`` None: a plain count (its ``note`` says what is inside)."""
        if self._shown == (value, state, note):
            return  # nothing to repaint
        self._shown = (value, state, note)
        self.query_one(Digits).update(value)
        self.remove_class(*STATE_CLASSES)
        if state is not None:
            self.add_class(state_class(state))
            note = note or state_label(state)
        self.border_subtitle = note or ""


class PriorityStrip(Static):
    """P0–P3: open, at risk and breached for each."""

    DEFAULT_CSS = "PriorityStrip { height: 1; padding: 0 1; }"

    def show(self, lines: Sequence[PriorityLine]) -> None:
        if getattr(self, "_lines", None) == tuple(lines):
            return
        self._lines = tuple(lines)
        colours = self.app.theme_variables
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, line in enumerate(lines):
            if i:
                text.append(" │ ", "dim")
            text.append(line.priority, priority_style(colours, line.priority))
            text.append(_(" {count} open ").format(count=line.open))
            for state, count in (("at_risk", line.at_risk), ("breached", line.breached)):
                style = state_style(colours, state) if count else Style(dim=True)
                text.append(f"{SLA_LOOK[state].glyph}{count} ", style)
        self.update(text, layout=False)  # one line, full width: its size never changes


class TicketList(Widget, can_focus=True):
    """Breached or at-risk tickets, one a line, with a countdown that ticks each second.

    Drawn line by line (the Line API) from a cache of rows, so a tick repaints only the
    countdown cells whose text changed.
    """

    DEFAULT_CSS = """
    TicketList { height: 1fr; }
    """
    BINDINGS = [
        Binding("down,j", "move(1)", N_("Down"), show=False, id="dashboard.down"),
        Binding("up,k", "move(-1)", N_("Up"), show=False, id="dashboard.up"),
        Binding("enter", "open", N_("Open"), id="dashboard.open", tooltip=N_("Open it, read-only")),
    ]

    class Opened(Message):
        def __init__(self, number: int) -> None:
            super().__init__()
            self.number = number

    def __init__(self, empty: str, *, id: str) -> None:
        super().__init__(id=id)
        speak_bindings(self)
        self.empty = empty
        self.entries: tuple[Entry, ...] = ()
        self.readings: list[ClockReading] = []
        self.cursor = 0
        self.top = 0
        self._rows: dict[int, _RowParts] = {}
        self._next_read: dict[int, datetime] = {}  # row: when its countdown may next change

    # -- what it shows -----------------------------------------------------------------

    def show(self, entries: Sequence[Entry]) -> None:
        entries = tuple(entries)
        same = [e.number for e in entries] == [e.number for e in self.entries]
        if same and [_shown(e) for e in entries] == [_shown(e) for e in self.entries]:
            self.entries = entries  # same rows: the tick moves their countdowns
            return
        self.entries = entries
        self.readings = [e.reading for e in entries]
        self._next_read.clear()
        self._rows.clear()  # the key column may have widened
        if not same:
            selected = self.entries[self.cursor].number if self.entries else None
            numbers = [e.number for e in entries]
            self.cursor = numbers.index(selected) if selected in numbers else 0
            self.cursor = min(self.cursor, max(0, len(entries) - 1))
            self._scroll_to_cursor()
        self.refresh()

    def tick(self, now: datetime) -> None:
        """Read the visible clocks again; repaint only the countdown cells that changed (one
        region around them: one pass of the compositor however many rows tick)."""
        x, width = self._countdown_span()
        cells: list[int] = []
        for y in range(min(self.size.height, len(self.entries) - self.top)):
            i = self.top + y
            if now < self._next_read.get(i, now):
                continue  # its countdown shows minutes, and the next one is not here yet
            before = self.readings[i]
            after = self.entries[i].read(now)
            self._next_read[i] = now + unchanged_for(after)
            if clock_text(before) != clock_text(after) or before.state != after.state:
                self.readings[i] = after
                if before.state == after.state:
                    cells.append(y)
                else:
                    self.refresh(Region(0, y, self.size.width, 1))  # glyph and colour too
        if cells:
            self.refresh(Region(x, cells[0], width, cells[-1] - cells[0] + 1))

    @property
    def selected(self) -> Entry | None:
        return self.entries[self.cursor] if self.entries else None

    # -- keys ----------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        if not self.entries:
            return
        self.cursor = max(0, min(len(self.entries) - 1, self.cursor + step))
        self._scroll_to_cursor()
        self.refresh()

    def action_open(self) -> None:
        if self.selected is not None:
            self.post_message(self.Opened(self.selected.number))

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.size.height)
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + height:
            self.top = self.cursor - height + 1

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self._rows.clear()
        self._scroll_to_cursor()

    # -- drawing -------------------------------------------------------------------------

    def _columns(self) -> tuple[int, int]:
        """Widths of the assignee column and of the countdown column."""
        return (12 if self.size.width >= 56 else 9), 10

    def _key_width(self) -> int:
        """The key column with its space: the longest key shown, never cut (T-1000000)."""
        return max(7, *(len(e.key) + 1 for e in self.entries)) if self.entries else 7

    def _countdown_span(self) -> tuple[int, int]:
        # glyph, key and priority come first: "✖ T-1234 P1 "
        return 2 + self._key_width() + 3, self._columns()[1]

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        i = self.top + y
        if not self.entries:
            text = Text(self.empty, style="dim") if y == 0 else Text("")
            return _strip(self, text, width)
        if i >= len(self.entries):
            return Strip.blank(width)
        entry, reading = self.entries[i], self.readings[i]
        current = i == self.cursor and self.has_focus
        # A row is its cached parts around the countdown: a tick makes one new segment.
        key = (entry.number, entry.title, entry.priority, entry.assignee, reading.state)
        key += (current, width)
        parts = self._rows.get(i)
        if parts is None or parts.key != key:
            parts = self._row_parts(key, entry, reading, current, width)
            self._rows[i] = parts
        clock_width = self._columns()[1]
        clock = Segment(f"{clock_text(reading):>{clock_width - 1}} ", parts.clock_style)
        strip = Strip([*parts.before, clock, *parts.after])
        return strip if strip.cell_length == width else strip.crop_extend(0, width, None)

    def _row_parts(
        self,
        key: tuple[object, ...],
        entry: Entry,
        reading: ClockReading,
        current: bool,
        width: int,
    ) -> _RowParts:
        """The glyph, key and priority before the countdown; the assignee and title after."""
        colours = self.app.theme_variables
        look = SLA_LOOK[reading.state.value]
        style = state_style(colours, reading.state.value)
        assignee_width, clock_width = self._columns()
        before = Text(no_wrap=True, overflow="ellipsis", end="")
        before.append(f"{look.glyph} ", style)
        before.append(f"{entry.key:<{self._key_width()}}")
        before.append(f"{entry.priority} ", priority_style(colours, entry.priority))
        after = Text(no_wrap=True, overflow="ellipsis", end="")
        if assignee_width:
            who = visible(entry.assignee or _("unassigned"))
            after.append(cells(who, assignee_width), "" if entry.assignee else "dim")
        after.append(visible(entry.title))
        reverse = Style(reverse=True)
        if current:
            before.stylize(reverse)
            after.stylize(reverse)
            style = style + reverse
        head = _strip(self, before, min(width, before.cell_len))
        tail = _strip(self, after, max(0, width - head.cell_length - clock_width))
        return _RowParts(key, list(head), style, list(tail))


class _RowParts(NamedTuple):
    key: tuple[object, ...]
    before: list[Segment]
    clock_style: Style
    after: list[Segment]


def _shown(entry: Entry) -> tuple[object, ...]:
    """What a row shows, but for its countdown."""
    return (entry.number, entry.title, entry.priority, entry.assignee, entry.reading.state)


def unchanged_for(reading: ClockReading) -> timedelta:
    """How long the countdown cannot change: a second, or, when it shows whole minutes (a
    day or more), until the next minute. Business time passes no faster than the wall
    clock, so this holds on every calendar; a change of state comes through ``show``."""
    seconds = reading.remaining_seconds
    if abs(seconds) < 86_400 or reading.state not in _COUNTING:
        return _SECOND
    return timedelta(seconds=seconds % 60 + 1 if seconds >= 0 else 60 - (-seconds) % 60)


def clock_text(reading: ClockReading) -> str:
    """The countdown a row shows for the reading."""
    return countdown(reading.remaining_seconds)


def cells(text: str, width: int) -> str:
    """``text`` in a column ``width`` cells wide, one cell left blank after it: cut and
    padded by terminal cells, so a name of wide (CJK) characters keeps the column."""
    return set_cell_size(set_cell_size(text, width - 1), width)


def _strip(widget: Widget, text: Text, width: int) -> Strip:
    segments = list(text.render(widget.app.console, end=""))
    return Strip(segments).crop_extend(0, width, None).simplify()


class AgentLoadPane(Widget):
    """On-duty agents: active tickets against their cap, with their breaches."""

    DEFAULT_CSS = "AgentLoadPane { height: 1fr; }"
    BAR = 6

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.agents: tuple[AgentLoad, ...] | None = None

    def show(self, agents: Sequence[AgentLoad]) -> None:
        if self.agents != tuple(agents):
            self.agents = tuple(agents)
            self.refresh()

    def render(self) -> Text:
        colours = self.app.theme_variables
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.agents is not None and not self.agents:
            text.append(_("nobody on duty"), "dim")
        wide = self.size.width >= 40
        for i, a in enumerate(self.agents or ()):
            if i:
                text.append("\n")
            state = "breached" if a.active > a.cap else "at_risk" if a.active == a.cap else "ok"
            style = state_style(colours, state)
            filled = min(self.BAR, round(a.load * self.BAR))
            text.append(cells(visible(a.handle), 13))
            text.append("█" * filled + "░" * (self.BAR - filled), style)
            text.append(f" {a.active}/{a.cap}", style)
            if wide:
                text.append(_(" {count} open").format(count=a.open), "dim")
            if a.breaches:
                text.append(
                    f" {SLA_LOOK['breached'].glyph}{a.breaches}", state_style(colours, "breached")
                )
        return text


class Chart(PlotextPlot):
    """A plotext chart drawn afresh when its figures, its size or the theme change, so the
    same figures at the same size always look the same. Plotting is the costly part: a
    repaint for another reason (a toast coming or going lays the screen out again) shows
    the chart drawn last."""

    data: tuple[object, ...] | None = None
    _drawn: tuple[tuple[object, ...], Text] | None = None  # (what it was drawn for, chart)

    def show(self, data: Sequence[object]) -> None:
        if self.data != tuple(data):
            self.data = tuple(data)
            self.refresh()

    def render(self) -> Text:
        key = (self.data, self.size, self.app.theme)
        if self._drawn is None or self._drawn[0] != key:
            self._drawn = (key, self._chart())
        return self._drawn[1]

    def _chart(self) -> Text:
        plt = Plot()
        width, height = self.size
        title = self.heading()
        # plotext lays a title out by characters, not cells: one of wide (CJK) characters
        # overflows its line, so it is drawn here, centred above the plot, instead.
        wide = cell_len(title) != len(title)
        plot_height = max(1, height - 1) if wide else height
        plt.plotsize(width, plot_height)
        plt._set_size(width, plot_height)  # as PlotextPlot does: resizing needs both
        plt.theme(self._get_plotext_theme_name(self.app.theme))
        if not wide:
            plt.title(title)
        if self.data:
            self.draw(plt)
        chart = Text.from_ansi(plt.build())
        if not wide:
            return chart
        head = set_cell_size(title, width) if cell_len(title) >= width else title
        pad = max(0, (width - cell_len(head)) // 2)
        return Text.assemble(" " * pad, (head, "bold"), "\n", chart)

    def heading(self) -> str:
        raise NotImplementedError

    def draw(self, plt: Plot) -> None:
        raise NotImplementedError


def tick_step(bars: int, width: int) -> int:
    """Label every n-th bar, n such that labels stand at least 5 columns apart: plotext drops
    labels that crowd each other, and which ones it drops is not the same from run to run."""
    room = max(1, width - 6)  # less the y axis and its labels
    for step in (1, 2, 3, 4, 6, 8, 12):
        if room * step / bars >= 5:
            return step
    return bars


class AttainmentChart(Chart):
    """SLA attainment per day, the last 14 days, as bars."""

    def draw(self, plt: Plot) -> None:
        days: list[DayAttainment] = list(self.data or ())  # type: ignore[arg-type]
        labels = [d.day.strftime("%d") for d in days]
        x: list[float] = list(range(len(labels)))
        plt.bar(x, [d.percent or 0 for d in days], marker="hd", color="green")
        step = tick_step(len(x), self.size.width)
        plt.xticks(x[::step], labels[::step])
        plt.ylim(0, 100)
        plt.yticks([0, 50, 100])

    def heading(self) -> str:
        return _("SLA met per day, %")


class BreachChart(Chart):
    """Breaches per hour, the last 24 hours, as bars."""

    def draw(self, plt: Plot) -> None:
        hours: list[HourBreaches] = list(self.data or ())  # type: ignore[arg-type]
        labels = [h.start.astimezone().strftime("%H") for h in hours]
        counts = [h.count for h in hours]
        x: list[float] = list(range(len(labels)))
        plt.bar(x, counts, marker="hd", color="red")
        top = max([1, *counts])
        plt.ylim(0, top)
        plt.yticks(sorted({0, top}))
        step = tick_step(len(x), self.size.width)
        plt.xticks(x[::step], labels[::step])

    def heading(self) -> str:
        return _("Breaches per hour")


__all__ = [
    "AgentLoadPane",
    "AttainmentChart",
    "BreachChart",
    "CounterTile",
    "PriorityStrip",
    "TicketList",
]
