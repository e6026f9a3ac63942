"""``deskline dashboard``: the supervisor's read-only breach dashboard, as its own app."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from deskline.core.alerts.inbox import Inbox
from deskline.core.config.settings import DeskConfig
from deskline.core.config.ui import NotifyPrefs
from deskline.core.dashboard.board import Board
from deskline.core.desk.tickets import Desk
from deskline.tui.alerts.centre import AlertCentre
from deskline.tui.alerts.in_app import AppAlerts
from deskline.tui.dashboard.screen import DashboardScreen
from deskline.tui.help import HelpScreen
from deskline.tui.look import Look, look_of
from deskline.tui.pump import ChangePump
from deskline.tui.themed import ThemedApp


class DashboardApp(ThemedApp):
    """Breaches, risks, load and trends of one team or all; no key changes a ticket."""

    TITLE = "deskline dashboard"
    ENABLE_COMMAND_PALETTE = False  # nothing to command: it only shows
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]
    BINDINGS = [
        Binding("q", "quit", "Quit", id="dashboard.quit", tooltip="Leave the dashboard"),
        Binding("exclamation_mark", "alerts", "Alerts", id="dashboard.alerts"),
    ]
    KEYS = [
        ("q", "quit"),
        ("?", "this help"),
        ("t", "next team (all teams, then each team)"),
        ("tab / shift+tab", "breached list, at-risk list"),
        ("j k ↓ ↑", "move in a list"),
        ("enter", "open the ticket, read-only (esc closes)"),
        ("r", "reports: yesterday or last week (d, w), grouped (g) by priority, team, ..."),
        ("!", "my alerts (space acknowledges one; tickets stay untouched)"),
    ]

    def __init__(
        self,
        desk: Desk,
        *,
        team: str | None = None,
        refresh: float = 1.0,
        config: DeskConfig | None = None,
        look: Look | None = None,
        alerts: bool = False,
    ) -> None:
        """``alerts``: run a watcher (it fires only while no other watcher holds the
        database's lease) and show my alerts: toast, bell, desktop notification."""
        super().__init__()
        self.desk = desk
        self.board = Board(desk, team)
        self.use_look(look or look_of(config))
        notify = config.notify if config is not None else NotifyPrefs()
        # ``refresh``: seconds between the pump's looks at the change feed
        self.pump = ChangePump(self, desk, every=refresh, title="Dashboard")
        on = alerts and desk.refresh_policy().alerts.enabled  # the desk's policy says
        self.alerts = AppAlerts(self, desk, notify, self.pump) if on else None

    def on_mount(self) -> None:
        self.pump.start()
        self.push_screen(DashboardScreen(self.board, self.pump))
        if self.alerts is not None:
            self.alerts.start()

    def action_alerts(self) -> None:
        if not isinstance(self.screen, AlertCentre):
            self.push_screen(
                AlertCentre(Inbox(self.desk.store, self.desk.actor, now=self.desk.now))
            )

    def on_unmount(self) -> None:
        self.pump.stop()
        if self.alerts is not None:
            self.alerts.stop()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.KEYS))

    def screen_figures(self) -> Any:
        """What the dashboard shows now (tests and the benchmark read it)."""
        screen = self.screen_stack[1] if len(self.screen_stack) > 1 else None
        return screen.figures if isinstance(screen, DashboardScreen) else None
