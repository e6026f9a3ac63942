"""The queue pane: a virtual list that renders only the visible rows, whatever the queue length.

Rows are ticket numbers in queue order; the tickets themselves are fetched for the visible
window only (by the screen, in a thread) and cached. The SLA countdowns tick once a second
by repainting just the countdown cells of the visible rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

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

from core.sla import SlaReading
from core.views import TicketView
from themes.palette import PRIORITY_STYLE, SLA_LOOK
from tui.render import countdown

SLA_WIDTH = 12
NARROW = 70  # below this many cells the queue shows SLA, key, priority and title only


def sla_text(reading: SlaReading | None) -> Text:
    """The countdown cell: glyph, then time left (``-0:12:07`` overdue); never colour alone."""
    if reading is None:
        return Text(" " * SLA_WIDTH)
    _, clock = reading.most_urgent()
    look = SLA_LOOK[clock.state.value]
    if clock.state.value in ("met", "missed"):
        body = look.word
    elif clock.paused:
        body = "paused"
    else:
        body = countdown(clock.remaining_seconds)
    return Text(set_cell_size(f"{look.glyph} {body}", SLA_WIDTH - 1) + " ", style=look.style)


class QueueView(ScrollView, can_focus=True):
    """The tickets of the current view, most urgent first."""

    DEFAULT_CSS = """
    QueueView { height: 1fr; overflow-x: hidden; scrollbar-size-vertical: 1; }
    QueueView:focus { border: none; }
    """

    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False, id="queue.down"),
        Binding("k,up", "move(-1)", "Up", show=False, id="queue.up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="queue.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="queue.page_up"),
        Binding("home,g", "jump(0)", "First", show=False, id="queue.first"),
        Binding("end,G", "jump(-1)", "Last", show=False, id="queue.last"),
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

    def __init__(self, read_sla: Callable[[TicketView, datetime], SlaReading | None]) -> None:
        super().__init__()
        self.read_sla = read_sla
        self.numbers: list[int] = []
        self.tickets: dict[int, TicketView] = {}
        self._clock: dict[int, Text] = {}  # the countdown cell of each loaded ticket
        self._asked: set[int] = set()
        self._row_cache: dict[tuple[int, int, int, bool], Strip] = {}

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
        self._asked.clear()
        self.virtual_size = Size(self.size.width, len(self.numbers))
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
            self.tickets[ticket.number] = ticket
            self._clock[ticket.number] = sla_text(ticket.sla)
            self._asked.discard(ticket.number)
        self._row_cache.clear()
        self.refresh()
        if self.selected_number in {t.number for t in tickets}:
            self.post_message(self.Selected(self.selected_number))

    def forget(self, numbers: Sequence[int]) -> None:
        """Drop cached tickets that changed elsewhere, so the window fetches them again."""
        for number in numbers:
            self.tickets.pop(number, None)
            self._asked.discard(number)
        self._row_cache.clear()
        self._ask_for_window()

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
            cell = sla_text(self.read_sla(ticket, now))
            if cell.plain != self._clock.get(ticket.number, Text()).plain:
                self._clock[ticket.number] = cell
                self.refresh(Region(0, y, SLA_WIDTH, 1))

    def visible_numbers(self) -> list[int]:
        top = self.scroll_offset.y
        return self.numbers[top : top + max(self.size.height, 1)]

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

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.numbers))
        self._row_cache.clear()
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

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.size.width
        if index >= len(self.numbers):
            return Strip.blank(width, self.rich_style)
        number = self.numbers[index]
        selected = index == self.cursor
        ticket = self.tickets.get(number)
        if ticket is None:
            return Strip([Segment(set_cell_size(f"{'':{SLA_WIDTH}}T-{number} …", width))], width)
        key = (number, ticket.version, width, selected)
        body = self._row_cache.get(key)
        if body is None:
            body = self._render_body(ticket, width - SLA_WIDTH, selected)
            if len(self._row_cache) > 500:
                self._row_cache.clear()
            self._row_cache[key] = body
        clock = self._clock.get(number) or sla_text(ticket.sla)
        clock_strip = self._strip(clock, SLA_WIDTH, selected)
        return Strip.join([clock_strip, body])

    def _render_body(self, t: TicketView, width: int, selected: bool) -> Strip:
        row = Text(no_wrap=True, overflow="ellipsis")
        row.append(f"{t.key:<7}")
        row.append(f"{t.priority} ", style=PRIORITY_STYLE.get(t.priority, ""))
        narrow = width < NARROW - SLA_WIDTH
        if not narrow:
            row.append(set_cell_size(t.status.replace("_", " "), 12))
        customer = (t.customer or "") + (" ★" if t.vip else "")
        tail_width = 0 if narrow else 26
        title_width = max(width - row.cell_len - tail_width, 4)
        row.append(set_cell_size(t.title, title_width - 1) + " ")
        if not narrow:
            row.append(set_cell_size(customer, 15) + " ", style="bold" if t.vip else "")
            row.append(set_cell_size(t.assignee or "—", 10), style="dim" if not t.assignee else "")
        return self._strip(row, width, selected)

    def _strip(self, text: Text, width: int, selected: bool) -> Strip:
        segments = list(text.render(self.app.console))
        strip = Strip(segments).extend_cell_length(width).crop(0, width)
        base = self.rich_style
        if selected:
            highlight = (
                Style(reverse=True) if self.has_focus else Style(bgcolor="grey30", bold=True)
            )
            return strip.apply_style(base + highlight)
        return strip.apply_style(base)
