"""The apps' side of the look: deskline's themes registered as Textual themes."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.screen import Screen
from textual.theme import Theme, ThemeProvider

from deskline.core.language import _
from deskline.themes import palette
from deskline.themes.builtin import textual_theme
from deskline.themes.colours import defaults_for
from deskline.themes.said import say
from deskline.themes.saved import SaveProblem, save_theme
from deskline.tui.language import COMMANDS_PLACEHOLDER, THEMES_PLACEHOLDER
from deskline.tui.look import Look


class ThemedApp(App[None]):
    """An app in deskline's themes: the workspace and the dashboard."""

    look: Look

    def action_command_palette(self) -> None:
        """The palette, its search box in the language."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            placeholder = _(COMMANDS_PLACEHOLDER)
            self.push_screen(CommandPalette(placeholder=placeholder, id="--command-palette"))

    def search_themes(self) -> None:
        """The theme picker, its search box in the language."""
        self.push_screen(
            CommandPalette(providers=[ThemeProvider], placeholder=_(THEMES_PLACEHOLDER))
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands, their titles and helps said in the language (a title
        Textual adds later, not in tui.language's TEXTUAL_WORDS, stays as it wrote it)."""
        for command in super().get_system_commands(screen):
            yield command._replace(title=_(command.title), help=_(command.help))

    def use_look(self, look: Look) -> None:
        """Offer deskline's themes (and the user's) only: each defines the SLA colours."""
        self.look = look
        palette.use_ascii(look.ascii)
        for name in list(self.available_themes):
            self.unregister_theme(name)
        for theme in look.themes.values():
            self.register_theme(textual_theme(theme))
        self.theme = look.theme

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return defaults_for(self.current_theme.dark)

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        for problem in self.look.problems:
            self.notify(say(problem, _), title=_("Theme"), severity="error", timeout=10)

    def _theme_chosen(self, theme: Theme) -> None:
        """A theme picked in the palette is remembered in the user's deskline.toml."""
        if theme.name == self.look.theme or self.look.save_to is None:
            return
        self.look.theme = theme.name
        try:
            save_theme(self.look.save_to, theme.name)
        except SaveProblem as exc:
            said = say(exc.args[0] if exc.args else str(exc), _)
            self.notify(said, title=_("Theme not saved"), severity="warning")
