"""deskline's themes as Textual themes, for the apps; every one defines the SLA state and
priority colours. The colours themselves are plain tables in themes/colours.py."""

from __future__ import annotations

from textual.theme import Theme

from deskline.themes.colours import (
    BUILT_IN_COLOURS,
    DEFAULT_THEME,
    SLA_VARIABLES,
    ThemeColours,
    defaults_for,
)

__all__ = ["BUILT_IN", "DEFAULT_THEME", "SLA_VARIABLES", "textual_theme", "variables_of"]


def textual_theme(colours: ThemeColours) -> Theme:
    """The Textual theme of a colour table."""
    return Theme(
        name=colours.name, dark=colours.dark, variables=dict(colours.variables), **colours.base
    )


BUILT_IN: dict[str, Theme] = {
    name: textual_theme(colours) for name, colours in BUILT_IN_COLOURS.items()
}


def variables_of(theme: Theme) -> dict[str, str]:
    """All of a theme's variables (Textual's generated ones and ours), as an app would see."""
    generated = theme.to_color_system().generate()
    return {**defaults_for(theme.dark), **generated, **theme.variables}
