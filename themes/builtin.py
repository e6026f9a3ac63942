"""deskline's own Textual themes; every one defines the SLA state and priority colours.

Each SLA colour reads at WCAG AA (4.5:1) on its theme's background and surface, and the
states stay distinct after a 256-colour terminal rounds them (tests/tui/test_themes.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.theme import Theme

from deskline.themes.palette import PRIORITY_VARIABLE, SLA_STATES, sla_variable

DEFAULT_THEME = "deskline-dark"
LIGHT_DEFAULT = "deskline-light"

# The names a theme may colour, beyond Textual's base slots.
SLA_VARIABLES = tuple(sla_variable(s) for s in SLA_STATES)
PRIORITY_VARIABLES = tuple(PRIORITY_VARIABLE.values())
VARIABLES = SLA_VARIABLES + PRIORITY_VARIABLES + ("selection",)


def _variables(
    ok: str,
    warning: str,
    at_risk: str,
    breached: str,
    paused: str,
    met: str,
    missed: str,
    selection: str,
) -> dict[str, str]:
    """SLA colours, priorities that follow them (P0 red ... P3 green), and the unfocused cursor."""
    return {
        "sla-ok": ok,
        "sla-warning": warning,
        "sla-at-risk": at_risk,
        "sla-breached": breached,
        "sla-paused": paused,
        "sla-met": met,
        "sla-missed": missed,
        "priority-p0": breached,
        "priority-p1": at_risk,
        "priority-p2": warning,
        "priority-p3": ok,
        "selection": selection,
    }


DESKLINE_DARK = Theme(
    name="deskline-dark",
    primary="#4C8BF5",
    secondary="#7AA2D6",
    accent="#F0A04B",
    warning="#E5C04B",
    error="#FF6B6B",
    success="#4EC07A",
    foreground="#E6E6E6",
    background="#16181D",
    surface="#1E2128",
    panel="#262A33",
    dark=True,
    variables=_variables(
        ok="#4EC07A",
        warning="#E5C04B",
        at_risk="#F58A3C",
        breached="#FF6B6B",
        paused="#5FA8FF",
        met="#A0A6AE",
        missed="#D98CA0",
        selection="#2A2F3A",
    ),
)

DESKLINE_LIGHT = Theme(
    name="deskline-light",
    primary="#0B5CD5",
    secondary="#3D6AA8",
    accent="#A34700",
    warning="#6F5200",
    error="#B31D28",
    success="#116329",
    foreground="#1F2328",
    background="#FAFAF7",
    surface="#FFFFFF",
    panel="#E9ECEF",
    dark=False,
    variables=_variables(
        ok="#116329",
        warning="#6F5200",
        at_risk="#A03F00",
        breached="#B31D28",
        paused="#0A53BE",
        met="#525A63",
        missed="#7D2461",
        selection="#DDE3EA",
    ),
)

# Pure black and xterm-256 colours, so a 256-colour terminal shows exactly these.
DESKLINE_HIGH_CONTRAST = Theme(
    name="deskline-high-contrast",
    primary="#5FAFFF",
    secondary="#87D7FF",
    accent="#FFFF00",
    warning="#FFFF5F",
    error="#FF5F5F",
    success="#5FFF87",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1C1C1C",
    dark=True,
    variables=_variables(
        ok="#5FFF87",
        warning="#FFFF5F",
        at_risk="#FFAF00",
        breached="#FF5F5F",
        paused="#5FD7FF",
        met="#D0D0D0",
        missed="#FF87D7",
        selection="#2C2C2C",
    ),
)

# Okabe & Ito's palette: ok, warning, at risk and breached differ in lightness as well as
# hue, so they stay apart for deuteranopes and protanopes (the one in twelve men).
DESKLINE_COLORBLIND = Theme(
    name="deskline-colorblind",
    primary="#0072B2",
    secondary="#56B4E9",
    accent="#E69F00",
    warning="#F0E442",
    error="#D55E00",
    success="#009E73",
    foreground="#F2F2F2",
    background="#0E0E0E",
    surface="#141414",
    panel="#242424",
    dark=True,
    variables=_variables(
        ok="#009E73",
        warning="#F0E442",
        at_risk="#E69F00",
        breached="#D55E00",
        paused="#56B4E9",
        met="#BBBBBB",
        missed="#CC79A7",
        selection="#303030",
    ),
)

BUILT_IN: dict[str, Theme] = {
    theme.name: theme
    for theme in (DESKLINE_DARK, DESKLINE_LIGHT, DESKLINE_HIGH_CONTRAST, DESKLINE_COLORBLIND)
}


def defaults_for(dark: bool) -> dict[str, str]:
    """The SLA and priority colours a theme gets when it does not name them."""
    return dict((DESKLINE_DARK if dark else DESKLINE_LIGHT).variables)


def variables_of(theme: Theme) -> dict[str, str]:
    """All of a theme's variables (Textual's generated ones and ours), as an app would see."""
    generated = theme.to_color_system().generate()
    return {**defaults_for(theme.dark), **generated, **theme.variables}


def theme_variables(themes: Mapping[str, Theme], name: str | None) -> dict[str, str]:
    """The variables of a named theme, the default theme's when it is unknown."""
    theme = themes.get(name or DEFAULT_THEME) or BUILT_IN[DEFAULT_THEME]
    return variables_of(theme)
