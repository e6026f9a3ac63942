"""The Textual app: the agent's workspace, its commands and its keys."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from core.agents import Roster
from core.config import DeskConfig
from core.desk import Desk
from core.queue import BUILT_IN, Queue
from core.templates import Template
from core.views import AgentView
from storage import queries
from tui.commands import WorkspaceCommands
from tui.help import HelpScreen
from tui.keys import REMAPPABLE, check_keymap
from tui.workspace.screen import WorkspaceScreen


class DesklineApp(App[None]):
    """The agent's workspace."""

    TITLE = "deskline"
    COMMANDS = App.COMMANDS | {WorkspaceCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Leave deskline"),
    ]

    def __init__(self, desk: Desk, config: DeskConfig | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.config = config
        self.queue = Queue(desk)
        if config is not None and config.keys:
            self.set_keymap(check_keymap(config.keys, config.source))

    def on_mount(self) -> None:
        titles = {view.name: view.title for view in BUILT_IN}
        self.push_screen(WorkspaceScreen(self.queue, titles))

    # -- what the dialogs offer -----------------------------------------------------------

    def roster(self) -> list[AgentView]:
        return Roster(self.desk.store).list()

    def categories(self) -> list[str]:
        with self.desk.store.read() as s:
            return queries.category_paths(s)

    def customers(self) -> list[str]:
        with self.desk.store.read() as s:
            return queries.customer_names(s)

    def templates(self) -> list[Template]:
        return list(self.config.templates) if self.config else []

    # -- help ---------------------------------------------------------------------------

    def action_help(self) -> None:
        # Every key of ours as bound now (remaps included), grouped by action.
        by_action: dict[str, list[str]] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.id in REMAPPABLE:
                by_action.setdefault(binding.id, []).append(self.get_key_display(binding))
        keys = [(" / ".join(shown), REMAPPABLE[action]) for action, shown in by_action.items()]
        keys.append((self.get_key_display(Binding("ctrl+p", "")), "command palette"))
        self.push_screen(HelpScreen(keys))
