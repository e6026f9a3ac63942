"""The queue pane: a virtual list that renders only the visible rows, whatever the queue length.

Rows are ticket numbers in queue order; the tickets themselves are fetched for the visible
window only (by the screen, in a thread) and cached. The SLA countdowns tick once a second
by repainting just the countdown cells of the visible rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from deskline.core.desk.views import TicketView
from deskline.core.inert import visible
from deskline.core.language import N_, _
from deskline.core.sla.clocks import SlaReading
from deskline.themes.palette import (
    SLA_LOOK,
    business_mark,
    closed_mark,
    colour_of,
    marked_mark,
    priority_style,
    sla_style,
)
from deskline.tui.language import speak_bindings, status_word
from deskline.tui.times import countdown

SLA_WIDTH = 12
NARROW = 70  # below this many cells the queue shows SLA, key, priority and title only
ESCALATION_STATE = {1: "warning", 2: "at_risk", 3: "breached"}  # level -> its SLA colour


def sla_text(reading: SlaReading | None, colours: Mapping[str, str], mark: str = "") -> Text:
    """The countdown cell: glyph, then time left (``-0:12:07`` overdue), then ``mark``
    (``QueueView.clock_mark``: business time, or business time waiting for its hours); never
    colour alone.

    ``colours`` are the theme's variables (``app.theme_variables``).
    """
    if reading is None:
        return Text(" " * SLA_WIDTH)
    _state, clock = reading.most_urgent()
    look = SLA_LOOK[clock.state.value]
    if clock.state.value in ("met", "missed"):
        body = _(look.word)
    elif clock.paused:
        body = _(SLA_LOOK["paused"].word)
    else:
        body = countdown(clock.remaining_seconds) + mark
    # A span, not Text's base style: Text.render (used for the strips) leaves that out.
    cell = set_cell_size(f"{look.glyph} {body}", SLA_WIDTH - 1) + " "
    return Text.assemble((cell, sla_style(colours, clock.state.value)))


class QueueView(ScrollView, can_focus=True):
    """The tickets of the current view, most urgent first."""

    DEFAULT_CSS = """
    QueueView { height: 1fr; overflow-x: hidden; scrollbar-size-vertical: 1; }
    QueueView:focus { border: none; }
    """

    BINDINGS = [
        Binding("j,down", "move(1)", N_("Down"), show=False, id="queue.down"),
        Binding("k,up", "move(-1)", N_("Up"), show=False, id="queue.up"),
        Binding("pagedown", "page(1)", N_("Page down"), show=False, id="queue.page_down"),
        Binding("pageup", "page(-1)", N_("Page up"), show=False, id="queue.page_up"),
        Binding("home,g", "jump(0)", N_("First"), show=False, id="queue.first"),
        Binding("end,G", "jump(-1)", N_("Last"), show=False, id="queue.last"),
        Binding("space", "mark", N_("Mark"), show=False, id="queue.mark"),
        Binding("V", "mark_range", N_("Mark range"), show=False, id="queue.mark_range"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Selected(Message):
        """The cursor rests on another ticket (or on none: number 0)."""

        def __init__(self, number: int) -> None:
            super().__init__()
            self.number = number

    class WindowNeeded(Message):
        """Rows are visible whose tickets are not loaded yet."""

        def __init__(self, numbers: list[int]) -> None:
            super().__init__()
            self.numbers = numbers

    def __init__(
        self,
        read_sla: Callable[[TicketView, datetime], SlaReading | None],
        opens_at: Callable[[TicketView, datetime], datetime | None] | None = None,
        now: Callable[[], datetime] | None = None,
        business: Callable[[TicketView], bool] | None = None,
    ) -> None:
        """``read_sla`` reads a ticket's clocks at an instant; ``opens_at`` says when its
        calendar opens if it is closed then (its countdown waits), at ``now``; ``business``
        whether its clocks count business time."""
        super().__init__()
        speak_bindings(self)
        self.read_sla = read_sla
        self.opens_at = opens_at
        self.now = now
        self.business = business
        self.numbers: list[int] = []
        self.tickets: dict[int, TicketView] = {}
        self._clock: dict[int, Text] = {}  # the countdown cell of each loaded ticket
        self._asked: set[int] = set()
        # Rendered rows: bodies by (number, version, width, selected, frame), whole lines by
        # that and the countdown text, so a tick or a cursor move renders only what changed.
        self._row_cache: dict[tuple[Any, ...], Strip] = {}
        self._line_cache: dict[tuple[Any, ...], Strip] = {}
        self._frame: tuple[Style, bool] | None = None  # base style and focus, once per frame
        self._key_width = 7
        self._rendered_width = 0  # the width the cached rows were rendered at
        # Marked for a bulk action (ticket numbers), and the last one marked (V marks from
        # there to the cursor).
        self.marked: set[int] = set()
        self._last_mark: int | None = None

    # -- what is shown ----------------------------------------------------------------

    @property
    def selected(self) -> TicketView | None:
        if not self.numbers:
            return None
        return self.tickets.get(self.numbers[self.cursor])

    @property
    def selected_number(self) -> int:
        return self.numbers[self.cursor] if self.numbers else 0

    def show_numbers(self, numbers: Sequence[int], *, select: int | None = None) -> None:
        """A new queue order; the selected ticket stays selected when it is still there."""
        keep = select or self.selected_number
        self.numbers = list(numbers)
        self.marked &= set(self.numbers)  # a ticket that left the view is no longer marked
        self._asked.clear()
        key_width = max(7, len(f"T-{max(self.numbers, default=0)} "))  # keys stay a column
        if key_width != self._key_width:
            self._key_width = key_width
            self._drop_rendered()
        self._set_length(len(self.numbers))
        index = (
            self.numbers.index(keep)
            if keep in self.numbers
            else min(self.cursor, max(len(self.numbers) - 1, 0))
        )
        self.cursor = index
        self.scroll_to_cursor()
        self.refresh()
        self._ask_for_window()

    def show_tickets(self, tickets: Sequence[TicketView]) -> None:
        """Tickets fetched for the window (or changed elsewhere): cache and repaint."""
        for ticket in tickets:
            if self.tickets.get(ticket.number) is not ticket:  # held already: its cell too
                self.tickets[ticket.number] = ticket
                self._clock[ticket.number] = self._cell(ticket, ticket.sla)
            self._asked.discard(ticket.number)
        # Cached rows stay: they are keyed by version, so a changed ticket renders anew.
        self.refresh()
        if self.selected_number in {t.number for t in tickets}:
            self.post_message(self.Selected(self.selected_number))

    def forget(self, numbers: Sequence[int]) -> None:
        """Drop cached tickets that changed elsewhere, so the window fetches them again."""
        for number in numbers:
            self.tickets.pop(number, None)
            self._asked.discard(number)
        self._drop_rendered()
        self._ask_for_window()

    def _cell(
        self, ticket: TicketView, reading: SlaReading | None, now: datetime | None = None
    ) -> Text:
        if now is None and self.now is not None:
            now = self.now()
        return sla_text(reading, self.app.theme_variables, self.clock_mark(ticket, now))

    def clock_mark(self, ticket: TicketView, now: datetime | None) -> str:
        """What stands beside the ticket's countdown: ☾ while its business hours are over
        (the time left waits for them), ☀ while they run (it is business time, no wall-clock
        time), nothing for a 24x7 clock."""
        if self.opens_at and now and self.opens_at(ticket, now) is not None:
            return closed_mark()
        return business_mark() if self.business and self.business(ticket) else ""

    def tick(self, now: datetime) -> None:
        """Recompute the visible countdowns; repaint only the cells whose text changed."""
        top = self.scroll_offset.y
        for y in range(self.size.height):
            index = top + y
            if index >= len(self.numbers):
                break
            ticket = self.tickets.get(self.numbers[index])
            if ticket is None:
                continue
            cell = self._cell(ticket, self.read_sla(ticket, now), now)
            if cell.plain != self._clock.get(ticket.number, Text()).plain:
                self._clock[ticket.number] = cell
                self.refresh(Region(0, y, SLA_WIDTH, 1))

    def visible_numbers(self) -> list[int]:
        top = self.scroll_offset.y
        return self.numbers[top : top + max(self.size.height, 1)]

    # -- marking for a bulk action ---------------------------------------------------------

    class Marked(Message):
        """The marks changed: ``count`` tickets are marked now."""

        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    @property
    def marked_in_order(self) -> list[int]:
        """The marked tickets, in queue order."""
        return [n for n in self.numbers if n in self.marked]

    def action_mark(self) -> None:
        """Mark the ticket under the cursor (or unmark it), and move on to the next."""
        if not self.numbers:
            return
        number = self.selected_number
        if number in self.marked:
            self.marked.discard(number)
        else:
            self.marked.add(number)
            self._last_mark = number
        self._marks_changed()
        self.action_move(1)

    def action_mark_range(self) -> None:
        """Mark every ticket from the last one marked to the cursor (just the cursor's
        when none was)."""
        if not self.numbers:
            return
        start = self.cursor
        if self._last_mark in self.numbers:
            start = self.numbers.index(self._last_mark)
        low, high = sorted((start, self.cursor))
        self.marked.update(self.numbers[low : high + 1])
        self._last_mark = self.selected_number
        self._marks_changed()

    def set_marks(self, numbers: set[int]) -> None:
        """Mark exactly these (of this view's tickets)."""
        self.marked = numbers & set(self.numbers)
        self._marks_changed()

    def _marks_changed(self) -> None:
        self._drop_rendered()  # the mark column comes or goes on every row
        self.refresh()
        self.post_message(self.Marked(len(self.marked)))

    # -- moving ------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        # Only the two rows whose highlight changed are drawn again (cached rows stay).
        top = self.scroll_offset.y
        for index in (old, new):
            if top <= index < top + self.size.height:
                self.refresh(Region(0, index - top, self.size.width, 1))
        self.post_message(self.Selected(self.selected_number))

    def action_move(self, step: int) -> None:
        if self.numbers:
            self.cursor = max(0, min(len(self.numbers) - 1, self.cursor + step))
            self.scroll_to_cursor()

    def action_page(self, step: int) -> None:
        self.action_move(step * max(self.size.height - 1, 1))

    def select_number(self, number: int) -> None:
        """Put the cursor on ticket ``number`` (one of this view's)."""
        self.action_jump(self.numbers.index(number))

    def action_jump(self, index: int) -> None:
        if self.numbers:
            self.cursor = index % len(self.numbers)
            self.scroll_to_cursor()

    def scroll_to_cursor(self) -> None:
        before = self.scroll_offset.y
        self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, immediate=True)
        if self.scroll_offset.y != before:
            self.refresh()
        self._ask_for_window()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._recolour)

    def _recolour(self, _theme: object) -> None:
        """Another theme: cached cells and rows carry the old colours."""
        for number, ticket in self.tickets.items():
            self._clock[number] = self._cell(ticket, ticket.sla)
        self._drop_rendered()
        self.refresh()

    def _set_length(self, rows: int) -> None:
        """A new number of rows. The scrollbar follows without a layout pass of the whole
        screen (the rows are as wide as before), unless it appears or goes."""
        size = Size(self.size.width, rows)
        if size == self.virtual_size:
            return
        had_scrollbar = self.show_vertical_scrollbar
        self.set_reactive(QueueView.virtual_size, size)
        self._scroll_update(size)
        self.refresh(layout=self.show_vertical_scrollbar != had_scrollbar)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.numbers))
        if self.size.width != self._rendered_width:  # a row is as wide as the pane, no taller
            self._rendered_width = self.size.width
            self._drop_rendered()
        self._ask_for_window()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._ask_for_window()

    def _ask_for_window(self) -> None:
        missing = [
            n for n in self.visible_numbers() if n not in self.tickets and n not in self._asked
        ]
        if missing:
            self._asked.update(missing)
            self.post_message(self.WindowNeeded(missing))

    # -- drawing -----------------------------------------------------------------------

    def _drop_rendered(self) -> None:
        self._row_cache.clear()
        self._line_cache.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        # What every row's style starts from, looked up once per frame, not once per cell.
        self._frame = (self.rich_style, self.has_focus)
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        frame = self._frame or (self.rich_style, self.has_focus)
        index = self.scroll_offset.y + y
        width = self.size.width
        if index >= len(self.numbers):
            return Strip.blank(width, frame[0])
        number = self.numbers[index]
        selected = index == self.cursor
        if not selected:  # the focus shows on the selected row only: the others stay cached
            frame = (frame[0], False)
        ticket = self.tickets.get(number)
        if ticket is None:
            # styled: NO_COLOR's monochrome filter fails on a segment without a style
            loading = set_cell_size(f"{'':{SLA_WIDTH}}T-{number} …", width)
            return Strip([Segment(loading, self.rich_style)], width)
        clock = self._clock.get(number) or self._cell(ticket, ticket.sla)
        # the escalation level moves without a new version (the alert engine raises it)
        mark = number in self.marked if self.marked else None  # None: no mark column
        key = (number, ticket.version, ticket.escalation_level, width, selected, frame, mark)
        line_key = (*key, clock.plain)
        line = self._line_cache.get(line_key)
        if line is not None:
            return line
        body = self._row_cache.get(key)
        if body is None:
            body = self._render_body(ticket, width - SLA_WIDTH, selected, frame, mark)
            if len(self._row_cache) > 2000:
                self._row_cache.clear()
            self._row_cache[key] = body
        line = Strip.join([self._strip(clock, SLA_WIDTH, selected, frame), body])
        if len(self._line_cache) > 2000:
            self._line_cache.clear()
        self._line_cache[line_key] = line
        return line

    def _render_body(
        self,
        t: TicketView,
        width: int,
        selected: bool,
        frame: tuple[Style, bool],
        mark: bool | None = None,
    ) -> Strip:
        """``mark``: marked for a bulk action (True), or not (False) while some are; None
        while none is (no mark column)."""
        row = Text(no_wrap=True, overflow="ellipsis")
        if mark is not None:
            row.append(f"{marked_mark() if mark else ' '} ", style="bold" if mark else "")
        # The key in the colour of the alert level the ticket reached (the detail says it)
        level = ESCALATION_STATE.get(min(t.escalation_level, 3))
        key_style = sla_style(self.app.theme_variables, level) if level else ""
        row.append(f"{t.key:<{self._key_width}}", style=key_style)
        row.append(f"{t.priority} ", style=priority_style(self.app.theme_variables, t.priority))
        narrow = width < NARROW - SLA_WIDTH
        if not narrow:
            status = _("archived") if t.archived_at else status_word(t.status)
            row.append(set_cell_size(status, 12))
        customer = visible(t.customer or "") + (" ★" if t.vip else "")
        tail_width = 0 if narrow else 26
        title_width = max(width - row.cell_len - tail_width, 4)
        row.append(set_cell_size(visible(t.title), title_width - 1) + " ")
        if not narrow:
            row.append(set_cell_size(customer, 15) + " ", style="bold" if t.vip else "")
            row.append(
                set_cell_size(visible(t.assignee or "—"), 10), style="dim" if not t.assignee else ""
            )
        return self._strip(row, width, selected, frame)

    def _strip(self, text: Text, width: int, selected: bool, frame: tuple[Style, bool]) -> Strip:
        segments = list(text.render(self.app.console))
        strip = Strip(segments).extend_cell_length(width).crop(0, width)
        base, focused = frame
        if selected:
            highlight = (
                Style(reverse=True)
                if focused
                else Style(bgcolor=colour_of(self.app.theme_variables, "selection"), bold=True)
            )
            return strip.apply_style(base + highlight)
        return strip.apply_style(base)
