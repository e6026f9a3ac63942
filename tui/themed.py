"""The apps' side of the look: deskline's themes registered as Textual themes."""

from __future__ import annotations

from textual.app import App
from textual.theme import Theme

from deskline.core.language import _
from deskline.themes import palette
from deskline.themes.builtin import textual_theme
from deskline.themes.colours import defaults_for
from deskline.themes.said import say
from deskline.themes.saved import SaveProblem, save_theme
from deskline.tui.look import Look


class ThemedApp(App[None]):
    """An app in deskline's themes: the workspace and the dashboard."""

    look: Look

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
