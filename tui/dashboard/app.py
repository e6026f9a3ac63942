"""``deskline dashboard``: the supervisor's read-only breach dashboard, as its own app."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from deskline.core.alerts.inbox import Inbox
from deskline.core.config.settings import DeskConfig
from deskline.core.config.ui import NotifyPrefs
from deskline.core.dashboard.board import Board
from deskline.core.desk.tickets import Desk
from deskline.core.language import N_, _
from deskline.tui.alerts.centre import AlertCentre
from deskline.tui.alerts.in_app import AppAlerts
from deskline.tui.dashboard.screen import DashboardScreen
from deskline.tui.help import HelpScreen
from deskline.tui.language import speak_bindings
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
        Binding("q", "quit", N_("Quit"), id="dashboard.quit", tooltip=N_("Leave the dashboard")),
        Binding("exclamation_mark", "alerts", N_("Alerts"), id="dashboard.alerts"),
    ]
    KEYS = [  # what each key does, said in the current language by the help screen
        ("q", N_("quit")),
        ("?", N_("this help")),
        ("t", N_("next team (all teams, then each team)")),
        ("tab / shift+tab", N_("breached list, at-risk list")),
        ("j k ↓ ↑", N_("move in a list")),
        ("enter", N_("open the ticket, read-only (esc closes)")),
        ("r", N_("reports: yesterday or last week (d, w), grouped (g) by priority, team, ...")),
        ("!", N_("my alerts (space acknowledges one; tickets stay untouched)")),
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
        speak_bindings(self)
        self.desk = desk
        self.board = Board(desk, team)
        self.use_look(look or look_of(config))
        notify = config.notify if config is not None else NotifyPrefs()
        # ``refresh``: seconds between the pump's looks at the change feed
        self.pump = ChangePump(self, desk, every=refresh, title=_("Dashboard"))
        on = alerts and desk.refresh_policy().alerts.enabled  # the desk's policy says
        self.alerts = AppAlerts(self, desk, notify, self.pump) if on else None
        self._alerts_on = False  # started with the first figures (figures_shown)

    def on_mount(self) -> None:
        self.pump.start()
        self.push_screen(DashboardScreen(self.board, self.pump))

    def figures_shown(self) -> None:
        """The first figures are on the screen: the watcher starts now, not before (on a
        big desk its first sweep would compete with the first read for the CPU)."""
        if self.alerts is not None and not self._alerts_on:
            self._alerts_on = True
            self.alerts.start()

    def action_alerts(self) -> None:
        if not isinstance(self.screen, AlertCentre):
            self.push_screen(
                AlertCentre(Inbox(self.desk.store, self.desk.actor, now=self.desk.now))
            )

    def on_unmount(self) -> None:
        self.pump.stop()
        if self.alerts is not None and self._alerts_on:
            self.alerts.stop()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.KEYS))

    def screen_figures(self) -> Any:
        """What the dashboard shows now (tests and the benchmark read it)."""
        screen = self.screen_stack[1] if len(self.screen_stack) > 1 else None
        return screen.figures if isinstance(screen, DashboardScreen) else None
