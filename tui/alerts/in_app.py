"""Alerts in the app: its own watcher, and my alerts as toasts, the bell, desktop
notifications and the alert centre (``!``).

Every open app runs a watcher; the database's lease lets only one of them (or a headless
``deskline watch``) fire at a time. Each app then claims the deliveries addressed to its
user: a claim is an UPDATE that only one client wins, so two windows never both toast the
same alert. Everything that touches the store or a notification backend runs in a thread
worker, or on the watcher's scheduler.

Both follow the app's change pump: a change (another process's or the app's own) nudges the
watcher, so a rung it brought nearer is armed at once, and makes the inbox look for mine (a
fired alert is a change of its ticket, in the same transaction as its deliveries).
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from deskline.core.alerts.channels import DesktopChannel
from deskline.core.alerts.inbox import DESKTOP, IN_APP, Inbox, InboxItem
from deskline.core.alerts.ladder import AlertRules
from deskline.core.alerts.watcher import Fired, SlaWatcher
from deskline.core.desk.tickets import Desk
from deskline.tui.pace import Trouble, every
from deskline.tui.pump import ChangePump

SAFETY_SECONDS = 60.0  # the inbox also looks this often: after a look that failed, say
MAX_TOASTS = 3  # more within TOAST_WINDOW become one toast pointing to the alert centre
TOAST_WINDOW = 30.0  # seconds
LEVEL_WORD = {0: "reminder", 1: "level 1", 2: "level 2", 3: "level 3"}


class AppAlerts:
    """The alert engine's side of one running app (workspace or dashboard)."""

    def __init__(
        self,
        app: App[None],
        desk: Desk,
        rules: AlertRules,
        pump: ChangePump,
        *,
        desktop: DesktopChannel | None = None,
    ) -> None:
        self.app = app
        self.rules = rules
        self.pump = pump
        self.inbox = Inbox(desk.store, desk.actor, now=desk.now)
        self.watcher = SlaWatcher(
            desk.store, desk, rules, now=desk.now, on_fire=self._fired, on_event=self._event
        )
        self._shown: list[float] = []  # when the recent toasts went up (monotonic)
        self.desktop = desktop or DesktopChannel()
        self.desktop_off: str | None = None  # why desktop notifications cannot work here
        self._checked = False
        self._wake = threading.Event()
        self._stopping = threading.Event()

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.watcher.start(AsyncIOScheduler(event_loop=loop, timezone=UTC))
        self.pump.changed.subscribe(self.app, self.changed)
        # One thread for the app's lifetime looks for mine when woken (a change, a firing
        # of this app's watcher), and every SAFETY_SECONDS besides.
        self.app.run_worker(self._follow, thread=True, group="alerts", exit_on_error=False)

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        self.watcher.stop()

    def changed(self, numbers: list[int]) -> None:
        """Tickets changed (the pump says so, on the event loop): a rung may be nearer, and
        an alert for me may have fired elsewhere."""
        del numbers
        self.watcher.nudge()
        self.poll()

    def _follow(self) -> None:
        trouble = Trouble(self.app, "Alerts")
        try:
            for _ in every(SAFETY_SECONDS, self._wake):
                if self._stopping.is_set():  # (stop() sets _wake too: no wait for it)
                    return
                try:
                    self._poll()
                except RuntimeError:  # the app is closing
                    return
                except Exception as exc:  # the store is away: say so once, keep looking
                    trouble.tell(f"cannot read my alerts: {exc}")
                    continue
                trouble.over()
        except RuntimeError:  # the app closed while telling
            pass

    def _fired(self, fired: list[Fired]) -> None:
        """The app's own watcher fired (in its worker thread): look for mine at once."""
        del fired
        self.poll()

    def _event(self, kind: str, line: str) -> None:
        """A channel of this app's watcher failed (once per reason): say so."""
        if kind == "failure":
            try:
                self.app.call_from_thread(
                    self.app.notify, line, title="Alerts", severity="warning", timeout=15
                )
            except RuntimeError:
                pass

    def poll(self) -> None:
        """Look for my alerts now (from any thread)."""
        self._wake.set()

    def _poll(self) -> None:
        if not self._checked:
            self._checked = True
            if not self.rules.desktop_levels:  # turned off in deskline.toml: nothing to say
                self.desktop_off = "turned off in deskline.toml ([alerts] desktop = [])"
            else:
                self.desktop_off = self.desktop.check()
            if self.desktop_off is not None and self.rules.desktop_levels:
                self.app.call_from_thread(
                    self.app.notify,
                    self.desktop_off,
                    title="Alerts",
                    severity="warning",
                    timeout=15,
                )
        waiting = self.inbox.waiting()
        if IN_APP in waiting:
            mine = self.inbox.claim(IN_APP)
            if mine:
                self.app.call_from_thread(self.show, mine)
        if DESKTOP not in waiting:
            return
        if self.desktop_off is not None:
            self.inbox.skip(DESKTOP, self.desktop_off)
        else:
            self.inbox.deliver_desktop(self.desktop, limit=MAX_TOASTS)

    def show(self, items: list[InboxItem]) -> None:
        """Toasts coloured by severity, and the bell for a breach."""
        if self.rules.bell and any(item.level >= 3 for item in items):
            self.app.bell()
        worst = max(items, key=lambda item: item.level)
        now = time.monotonic()
        self._shown = [t for t in self._shown if now - t < TOAST_WINDOW]
        if len(items) + len(self._shown) > MAX_TOASTS:  # a burst: one toast, not a wall
            self._shown.append(now)
            late = sum(1 for item in items if item.late)
            note = f" ({late} fired late)" if late else ""
            self.app.notify(
                f"{len(items)} new alerts for you{note}: press ! for the alert centre",
                title="Alerts",
                severity=worst.notice.severity,  # type: ignore[arg-type]
                timeout=20,
            )
            return
        for item in items:
            self._shown.append(now)
            self.app.notify(
                item.summary,
                title=f"Alert · {LEVEL_WORD.get(item.level, item.level)}",
                severity=item.notice.severity,  # type: ignore[arg-type]
                timeout=30 if item.level >= 3 else 10,
                markup=False,
            )


class AlertCentre(ModalScreen[None]):
    """The alerts addressed to me, newest first; space acknowledges the selected one."""

    BINDINGS = [
        Binding("space", "acknowledge", "Acknowledge", id="alerts.acknowledge"),
        Binding("a", "acknowledge_all", "Acknowledge all", id="alerts.acknowledge_all"),
        Binding("j", "cursor('down')", "Down", show=False),
        Binding("k", "cursor('up')", "Up", show=False),
        Binding("escape,q,exclamation_mark", "dismiss", "Close", id="alerts.close"),
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
        self.inbox = inbox
        self.items: list[InboxItem] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "Alert centre — space acknowledges, a acknowledges all, esc closes",
                id="alerts-title",
            )
            yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("", "time", "ticket", "level", "", "alert")
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
            self.query_one("#alerts-title", Static).update("Alert centre — no alerts for you yet")
        elif 0 <= row < len(items):
            table.move_cursor(row=row)

    @staticmethod
    def _cells(item: InboxItem) -> tuple[Text | str, ...]:
        level = Text(LEVEL_WORD.get(item.level, str(item.level)))
        if item.level >= 3:
            level.stylize("bold")
        return (
            "✓" if item.acknowledged_at else "•",
            f"{item.fired_at.astimezone():%m-%d %H:%M}",
            item.ticket or "",
            level,
            "late" if item.late else "",
            item.summary,
        )

    def action_cursor(self, where: str) -> None:
        table = self.query_one(DataTable)
        table.action_cursor_down() if where == "down" else table.action_cursor_up()

    def action_acknowledge_all(self) -> None:
        todo = [item.delivery_id for item in self.items if item.acknowledged_at is None]
        if not todo:
            self.notify("Nothing left to acknowledge", timeout=3)
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
            self.notify("Already acknowledged", timeout=3)
            return
        self.run_worker(lambda: self._acknowledge(item), thread=True)

    def _acknowledge(self, item: InboxItem) -> None:
        self.inbox.acknowledge(item.delivery_id)
        self._load()
