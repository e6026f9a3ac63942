"""The help screen: every key of the workspace as it is bound now (remaps included), said
in the current language (what a key does is marked ``N_`` where it is listed)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from deskline.core.language import N_, _
from deskline.tui.language import speak_bindings


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 72; max-width: 95%; height: auto; max-height: 90%;
                                  border: thick $accent; background: $surface; padding: 0 1; }
    HelpScreen .legend { margin-top: 1; }
    """
    BINDINGS = [
        Binding("escape,question_mark,q", "close", N_("Close"), id="help.close"),
    ]

    def __init__(
        self, keys: Sequence[tuple[str, str]], legend: Sequence[tuple[str, str]] = ()
    ) -> None:
        """``legend``: what the screen's marks mean (the countdowns' ☀ and ☾), under the keys."""
        super().__init__()
        speak_bindings(self)
        self.keys = keys
        self.legend = legend

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, what in self.keys:
            table.add_row(key, _(what))
        with VerticalScroll():
            yield Static(
                Text.assemble(
                    (_("deskline keys"), "bold"),
                    _("  esc closes · remap under [keys] in deskline.toml"),
                )
            )
            yield Static(table)
            if self.legend:
                marks = Table(box=None, show_header=False, padding=(0, 2))
                marks.add_column(style="bold", no_wrap=True)
                marks.add_column()
                for mark, what in self.legend:
                    marks.add_row(mark, _(what))
                yield Static(Text(_("countdowns"), style="bold"), classes="legend")
                yield Static(marks)

    def action_close(self) -> None:
        self.dismiss(None)
