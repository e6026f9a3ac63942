"""The Textual app. For now a read-only queue; the full workspace comes with its own issue."""

from __future__ import annotations

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header

from core.desk import Desk
from core.views import TicketView
from tui.render import sla_cell


class DesklineApp(App[None]):
    """The agent's workspace."""

    TITLE = "deskline"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Leave deskline"),
        Binding("j", "cursor_down", "Down", show=False, id="cursor_down"),
        Binding("k", "cursor_up", "Up", show=False, id="cursor_up"),
        Binding("ctrl+r", "reload", "Reload", id="reload", tooltip="Read the queue again"),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.desk.actor} · {self.desk.store.display_url}"
        table = self.query_one("#queue", DataTable)
        table.add_columns("SLA", "Key", "Pri", "Status", "Assignee", "Customer", "Title")
        self.load_queue()

    @work(thread=True, exclusive=True)
    def load_queue(self) -> None:
        tickets = self.desk.list()
        self.call_from_thread(self.show_queue, tickets)

    def show_queue(self, tickets: list[TicketView]) -> None:
        table = self.query_one("#queue", DataTable)
        table.clear()
        for t in tickets:
            customer = f"{t.customer} ★" if t.vip else (t.customer or "")
            table.add_row(
                sla_cell(t),
                t.key,
                t.priority,
                t.status,
                t.assignee or "",
                customer,
                t.title,
                key=t.key,
            )
        self.sub_title = f"{self.desk.actor} · {self.desk.store.display_url} · {len(tickets)} open"

    def action_reload(self) -> None:
        self.load_queue()

    def action_cursor_down(self) -> None:
        self.query_one("#queue", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#queue", DataTable).action_cursor_up()
