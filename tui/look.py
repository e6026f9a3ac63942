"""How deskline looks here: the theme (``--theme``, ``[ui] theme``, the palette) and glyphs.

One choice for the app and the command line's own output. ``--theme`` naming no theme is an
error; a bad ``[ui]`` theme in deskline.toml is a line to show, and the default is used.
Plain data: the command line chooses its look without loading Textual (the apps build their
Textual themes from it in tui/themed.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir

from deskline.core.config.reader import ConfigError
from deskline.core.config.settings import FILE_NAME, DeskConfig
from deskline.core.config.ui import UiConfig
from deskline.core.language import _
from deskline.themes.colours import BUILT_IN_COLOURS, ThemeColours, printed_colours
from deskline.themes.user import choose, user_themes


@dataclass
class Look:
    themes: dict[str, ThemeColours]  # the built-in themes and the user's usable ones
    theme: str  # the one chosen
    ascii: bool = False
    problems: list[str] = field(default_factory=list)  # one line each, for the person
    save_to: Path | None = None  # where a theme picked in the palette is remembered

    @property
    def colours(self) -> dict[str, str]:
        """The SLA and priority colours of the chosen theme, for the command line's output."""
        return printed_colours(self.themes[self.theme])


def look_of(config: DeskConfig | None, requested: str | None = None) -> Look:
    """The themes on offer and the one to use; ConfigError when ``requested`` is unknown."""
    ui = config.ui if config is not None else UiConfig()
    source = str(config.source) if config is not None and config.source else FILE_NAME
    mine, problems = user_themes(ui.themes, source)
    themes = {**BUILT_IN_COLOURS, **mine}
    if requested is not None and requested not in themes:
        said = _("--theme: no theme named {name}; one of {names}")
        raise ConfigError(said.format(name=repr(requested), names=", ".join(themes)))
    name, problem = choose(requested or ui.theme, themes, source)
    if problem:
        problems.append(problem)
    save_to = None
    if config is not None:
        save_to = config.source or Path(user_config_dir("deskline")) / FILE_NAME
    return Look(themes, name, ui.ascii, problems, save_to)
