"""How deskline looks here: the theme (``--theme``, ``[ui] theme``, the palette) and glyphs.

One choice for the app and the command line's own output. ``--theme`` naming no theme is an
error; a bad ``[ui]`` theme in deskline.toml is a line to show, and the default is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir
from textual.app import App
from textual.theme import Theme

from deskline.core.config.reader import ConfigError
from deskline.core.config.settings import FILE_NAME, DeskConfig
from deskline.core.config.ui import UiConfig
from deskline.themes import palette
from deskline.themes.builtin import BUILT_IN, defaults_for, variables_of
from deskline.themes.saved import SaveProblem, save_theme
from deskline.themes.user import choose, user_themes


@dataclass
class Look:
    themes: dict[str, Theme]  # the built-in themes and the user's usable ones
    theme: str  # the one chosen
    ascii: bool = False
    problems: list[str] = field(default_factory=list)  # one line each, for the person
    save_to: Path | None = None  # where a theme picked in the palette is remembered

    @property
    def colours(self) -> dict[str, str]:
        return variables_of(self.themes[self.theme])


def look_of(config: DeskConfig | None, requested: str | None = None) -> Look:
    """The themes on offer and the one to use; ConfigError when ``requested`` is unknown."""
    ui = config.ui if config is not None else UiConfig()
    source = str(config.source) if config is not None and config.source else FILE_NAME
    mine, problems = user_themes(ui.themes, source)
    themes = {**BUILT_IN, **mine}
    if requested is not None and requested not in themes:
        raise ConfigError(f"--theme: no theme named {requested!r}; one of {', '.join(themes)}")
    name, problem = choose(requested or ui.theme, themes, source)
    if problem:
        problems.append(problem)
    save_to = None
    if config is not None:
        save_to = config.source or Path(user_config_dir("deskline")) / FILE_NAME
    return Look(themes, name, ui.ascii, problems, save_to)


def use_in_cli(look: Look) -> None:
    """The command line's own output (tables, ``show``) in the chosen theme and glyphs."""
    from deskline.tui.cli import render

    palette.use_ascii(look.ascii)
    render.colours = look.colours


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
            self.register_theme(theme)
        self.theme = look.theme

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return defaults_for(self.current_theme.dark)

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        for problem in self.look.problems:
            self.notify(problem, title="Theme", severity="error", timeout=10)

    def _theme_chosen(self, theme: Theme) -> None:
        """A theme picked in the palette is remembered in the user's deskline.toml."""
        if theme.name == self.look.theme or self.look.save_to is None:
            return
        self.look.theme = theme.name
        try:
            save_theme(self.look.save_to, theme.name)
        except SaveProblem as exc:
            self.notify(str(exc), title="Theme not saved", severity="warning")
