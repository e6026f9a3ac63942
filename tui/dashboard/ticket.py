"""One ticket, read-only, over the dashboard (``enter`` on a list)."""

from __future__ import annotations

from rich.cells import set_cell_size
from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from deskline.core.desk.views import TicketView
from deskline.core.language import N_, _
from deskline.core.sla.clocks import ClockReading
from deskline.tui.dashboard.look import state_label, state_style
from deskline.tui.language import speak_bindings
from deskline.tui.times import countdown, local
from deskline.tui.workspace.detail import describe


class TicketScreen(ModalScreen[None]):
    """Every field, the conversation and the timeline; no key here changes anything."""

    DEFAULT_CSS = """
    TicketScreen { align: center middle; }
    TicketScreen > VerticalScroll { width: 100; max-width: 95%; height: 90%;
                                    border: thick $accent; background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,q,enter", "close", N_("Close"), id="dashboard.ticket.close")]

    def __init__(self, ticket: TicketView) -> None:
        super().__init__()
        speak_bindings(self)
        self.ticket = ticket

    def compose(self) -> ComposeResult:
        t = self.ticket
        colours = self.app.theme_variables
        clocks = []
        if t.sla is not None:
            for name, reading in (
                (_("first response"), t.sla.first_response),
                (_("resolution"), t.sla.resolution),
            ):
                clocks.append(_clock_line(name, reading, colours))
        with VerticalScroll():
            yield Static(Text(_("read-only · esc closes"), style="dim"))
            yield Static(Group(*clocks, Text(""), describe(t, colours)))

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).border_title = _("{key} (read-only)").format(
            key=self.ticket.key
        )

    def action_close(self) -> None:
        self.dismiss(None)


def _clock_line(name: str, reading: ClockReading, colours) -> Text:  # type: ignore[no-untyped-def]
    state = reading.state.value
    if state in ("met", "missed"):
        when = _("stopped")
    elif reading.remaining_seconds < 0:
        when = _("{time} over").format(time=countdown(reading.remaining_seconds))
    else:
        when = _("{time} left").format(time=countdown(reading.remaining_seconds))
    return Text.assemble(
        (set_cell_size(name, 15), "bold"),
        (f"{state_label(state)}  {when}", state_style(colours, state)),
        _("  due {at}").format(at=local(reading.due_at)),
    )
