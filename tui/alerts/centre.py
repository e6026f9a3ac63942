"""The alert centre (``!``): my alerts, newest first; space acknowledges one, ``a`` all,
enter opens the alert's ticket."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from deskline.core.alerts.inbox import Inbox, InboxItem
from deskline.core.inert import visible
from deskline.core.language import N_, _
from deskline.tui.language import speak_bindings


def level_word(level: int) -> str:
    """An alert's level as the centre and a toast say it: ``level 2``, ``reminder``."""
    return _("reminder") if level == 0 else _("level {level}").format(level=level)


class AlertCentre(ModalScreen[str | None]):
    """The alerts addressed to me, newest first; space acknowledges the selected one; enter
    closes the centre on the alert's ticket (its key is the result)."""

    BINDINGS = [
        Binding("space", "acknowledge", N_("Acknowledge"), id="alerts.acknowledge"),
        Binding("a", "acknowledge_all", N_("Acknowledge all"), id="alerts.acknowledge_all"),
        Binding("j", "cursor('down')", N_("Down"), show=False),
        Binding("k", "cursor('up')", N_("Up"), show=False),
        Binding("escape,q,exclamation_mark", "dismiss", N_("Close"), id="alerts.close"),
    ]
    DEFAULT_CSS = """
    AlertCentre { align: center middle; }
    AlertCentre > Vertical {
        width: 96%; max-width: 140; height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    AlertCentre #alerts-title { text-style: bold; height: 1; }
    AlertCentre DataTable { height: 1fr; }
    """

    @dataclass
    class Loaded(Message, bubble=False):
        """My alerts as read from the store, newest first."""

        items: list[InboxItem]

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        speak_bindings(self)
        self.inbox = inbox
        self.items: list[InboxItem] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                _(
                    "Alert centre — enter opens the ticket, space acknowledges, a acknowledges "
                    "all, esc closes"
                ),
                id="alerts-title",
            )
            yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("", _("time"), _("ticket"), _("level"), "", _("alert"))
        self.load()

    def load(self) -> None:
        self.run_worker(self._load, thread=True, exclusive=True)

    def _load(self) -> None:
        self.post_message(self.Loaded(self.inbox.recent()))

    def on_alert_centre_loaded(self, message: AlertCentre.Loaded) -> None:
        items = self.items = message.items
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for item in items:
            table.add_row(*self._cells(item), key=str(item.delivery_id))
        if not items:
            self.query_one("#alerts-title", Static).update(
                _("Alert centre — no alerts for you yet")
            )
        elif 0 <= row < len(items):
            table.move_cursor(row=row)

    @staticmethod
    def _cells(item: InboxItem) -> tuple[Text | str, ...]:
        level = Text(level_word(item.level))
        if item.level >= 3:
            level.stylize("bold")
        return (
            "✓" if item.acknowledged_at else "•",
            f"{item.fired_at.astimezone():%m-%d %H:%M}",
            Text(visible(item.ticket or "")),
            level,
            _("late") if item.late else "",
            Text(visible(item.summary)),  # a Text: DataTable reads a str as markup
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter: the alert's ticket, in the workspace (a desk-wide alert has none)."""
        if 0 <= event.cursor_row < len(self.items):
            key = self.items[event.cursor_row].ticket
            if key and key != "-":
                self.dismiss(key)
                return
        self.notify(_("this alert is about no one ticket"), timeout=3)

    def action_cursor(self, where: str) -> None:
        table = self.query_one(DataTable)
        table.action_cursor_down() if where == "down" else table.action_cursor_up()

    def action_acknowledge_all(self) -> None:
        todo = [item.delivery_id for item in self.items if item.acknowledged_at is None]
        if not todo:
            self.notify(_("Nothing left to acknowledge"), timeout=3)
            return
        self.run_worker(lambda: self._acknowledge_all(todo), thread=True)

    def _acknowledge_all(self, ids: list[int]) -> None:
        for delivery_id in ids:
            self.inbox.acknowledge(delivery_id)
        self._load()

    def action_acknowledge(self) -> None:
        table = self.query_one(DataTable)
        if not self.items or not 0 <= table.cursor_row < len(self.items):
            return
        item = self.items[table.cursor_row]
        if item.acknowledged_at is not None:
            self.notify(_("Already acknowledged"), timeout=3)
            return
        self.run_worker(lambda: self._acknowledge(item), thread=True)

    def _acknowledge(self, item: InboxItem) -> None:
        self.inbox.acknowledge(item.delivery_id)
        self._load()
