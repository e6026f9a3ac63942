"""The Textual app: the agent's workspace, its commands and its keys."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from deskline.core.alerts.inbox import Inbox
from deskline.core.config.settings import DeskConfig
from deskline.core.config.ui import NotifyPrefs
from deskline.core.desk.catalog import Catalog, read_catalog
from deskline.core.desk.queue import BUILT_IN, Queue
from deskline.core.desk.templates import Template
from deskline.core.desk.tickets import Desk
from deskline.core.desk.views import AgentView
from deskline.core.errors import DesklineError
from deskline.core.language import N_, _
from deskline.core.roster.agents import Roster
from deskline.themes.palette import clock_legend
from deskline.tui.alerts.centre import AlertCentre
from deskline.tui.alerts.in_app import AppAlerts
from deskline.tui.help import HelpScreen
from deskline.tui.keys import REMAPPABLE, check_keymap
from deskline.tui.language import speak_bindings
from deskline.tui.look import Look, look_of
from deskline.tui.pump import ChangePump
from deskline.tui.themed import ThemedApp
from deskline.tui.workspace.commands import WorkspaceCommands
from deskline.tui.workspace.screen import WorkspaceScreen
from deskline.tui.workspace.wording import in_app


class DesklineApp(ThemedApp):
    """The agent's workspace."""

    TITLE = "deskline"
    COMMANDS = App.COMMANDS | {WorkspaceCommands}
    BINDINGS = [
        Binding("q", "quit", N_("Quit"), id="quit", tooltip=N_("Leave deskline")),
        Binding("exclamation_mark", "alerts", N_("Alerts"), id="alerts", tooltip=N_("My alerts")),
    ]

    def __init__(
        self,
        desk: Desk,
        config: DeskConfig | None = None,
        look: Look | None = None,
        *,
        alerts: bool = False,
    ) -> None:
        """``alerts``: run a watcher and show my alerts (the CLI does; tests choose)."""
        super().__init__()
        speak_bindings(self)
        self.desk = desk
        self.config = config
        self.queue = Queue(desk)
        self.keymap: dict[str, str] = {}  # binding id -> keys, as [keys] remaps them
        if config is not None and config.keys:
            self.keymap = check_keymap(config.keys, config.source)
            self.set_keymap(self.keymap)
        self.use_look(look or look_of(config))
        notify = config.notify if config is not None else NotifyPrefs()
        self.pump = ChangePump(self, desk, title=_("Workspace"))
        on = alerts and desk.refresh_policy().alerts.enabled  # the desk's policy says
        self.alerts = AppAlerts(self, desk, notify, self.pump) if on else None

    def on_mount(self) -> None:
        self.pump.start()
        titles = {view.name: _(view.title) for view in BUILT_IN}
        self.push_screen(WorkspaceScreen(self.queue, titles, self.pump))
        if self.alerts is not None:
            self.alerts.start()

    def on_unmount(self) -> None:
        self.pump.stop()
        if self.alerts is not None:
            self.alerts.stop()

    def action_alerts(self) -> None:
        """The alert centre: my alerts, newest first; space acknowledges."""
        if not isinstance(self.screen, AlertCentre):
            inbox = Inbox(self.desk.store, self.desk.actor, now=self.desk.now)
            self.push_screen(AlertCentre(inbox), self._open_alerted)

    def _open_alerted(self, key: str | None) -> None:
        # called as the centre closes: it may still be on top, so find the workspace
        workspace = [s for s in self.screen_stack if isinstance(s, WorkspaceScreen)]
        if key and workspace:
            workspace[-1].go_to(key)

    # -- what the dialogs offer (store reads: the screen calls them in thread workers) ----

    def roster(self) -> list[AgentView]:
        return Roster(self.desk.store).list()

    def catalog(self) -> Catalog:
        """The category paths and customer names quick create suggests."""
        return read_catalog(self.desk.store)

    def templates(self) -> list[Template]:
        return list(self.desk.policy.templates)  # the desk's, as the pump keeps it: no read

    # -- keys, as refusals and help name them ------------------------------------------

    def key_for(self, action: str) -> str | None:
        """The key of the workspace's binding ``action`` (its id), as bound now."""
        for binding in (*WorkspaceScreen.BINDINGS, *self.BINDINGS):
            if isinstance(binding, Binding) and binding.id == action:
                keys = self.keymap.get(action, binding.key)
                return self.get_key_display(Binding(keys.split(",")[0].strip(), ""))
        return None

    def in_app(self, error: DesklineError) -> str:
        """A refusal in the workspace's words (fields and keys, not options and commands)."""
        return in_app(error, self.key_for)

    # -- help ---------------------------------------------------------------------------

    def action_help(self) -> None:
        # Every key of ours as bound now (remaps included), grouped by action.
        by_action: dict[str, list[str]] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.id in REMAPPABLE:
                by_action.setdefault(binding.id, []).append(self.get_key_display(binding))
        keys = [(" / ".join(shown), REMAPPABLE[action]) for action, shown in by_action.items()]
        keys.append((self.get_key_display(Binding("ctrl+p", "")), N_("command palette")))
        self.push_screen(HelpScreen(keys, legend=clock_legend()))
