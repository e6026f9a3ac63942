"""deskline's built-in themes as plain colour tables: what the command line prints in and what
the apps build their Textual themes from (themes/builtin.py). Loads no toolkit.

Each SLA colour reads at WCAG AA (4.5:1) on its theme's background and surface, and the
states stay distinct after a 256-colour terminal rounds them (tests/tui/test_themes.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from deskline.themes.palette import PRIORITY_VARIABLE, SLA_STATES, sla_variable

DEFAULT_THEME = "deskline-dark"
LIGHT_DEFAULT = "deskline-light"

# The names a theme may colour, beyond Textual's base slots.
SLA_VARIABLES = tuple(sla_variable(s) for s in SLA_STATES)
PRIORITY_VARIABLES = tuple(PRIORITY_VARIABLE.values())
VARIABLES = SLA_VARIABLES + PRIORITY_VARIABLES + ("selection",)


@dataclass(frozen=True)
class ThemeColours:
    """A theme as data: its base slots (``primary``, ``background`` ...) and its variables."""

    name: str
    dark: bool
    base: Mapping[str, str]
    variables: Mapping[str, str] = field(default_factory=dict)


def sla_variables(
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


DESKLINE_DARK = ThemeColours(
    name="deskline-dark",
    dark=True,
    base={
        "primary": "#4C8BF5",
        "secondary": "#7AA2D6",
        "accent": "#F0A04B",
        "warning": "#E5C04B",
        "error": "#FF6B6B",
        "success": "#4EC07A",
        "foreground": "#E6E6E6",
        "background": "#16181D",
        "surface": "#1E2128",
        "panel": "#262A33",
    },
    variables=sla_variables(
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

DESKLINE_LIGHT = ThemeColours(
    name="deskline-light",
    dark=False,
    base={
        "primary": "#0B5CD5",
        "secondary": "#3D6AA8",
        "accent": "#A34700",
        "warning": "#6F5200",
        "error": "#B31D28",
        "success": "#116329",
        "foreground": "#1F2328",
        "background": "#FAFAF7",
        "surface": "#FFFFFF",
        "panel": "#E9ECEF",
    },
    variables=sla_variables(
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
DESKLINE_HIGH_CONTRAST = ThemeColours(
    name="deskline-high-contrast",
    dark=True,
    base={
        "primary": "#5FAFFF",
        "secondary": "#87D7FF",
        "accent": "#FFFF00",
        "warning": "#FFFF5F",
        "error": "#FF5F5F",
        "success": "#5FFF87",
        "foreground": "#FFFFFF",
        "background": "#000000",
        "surface": "#000000",
        "panel": "#1C1C1C",
    },
    variables=sla_variables(
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
DESKLINE_COLORBLIND = ThemeColours(
    name="deskline-colorblind",
    dark=True,
    base={
        "primary": "#0072B2",
        "secondary": "#56B4E9",
        "accent": "#E69F00",
        "warning": "#F0E442",
        "error": "#D55E00",
        "success": "#009E73",
        "foreground": "#F2F2F2",
        "background": "#0E0E0E",
        "surface": "#141414",
        "panel": "#242424",
    },
    variables=sla_variables(
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

BUILT_IN_COLOURS: dict[str, ThemeColours] = {
    theme.name: theme
    for theme in (DESKLINE_DARK, DESKLINE_LIGHT, DESKLINE_HIGH_CONTRAST, DESKLINE_COLORBLIND)
}


def defaults_for(dark: bool) -> dict[str, str]:
    """The SLA and priority colours a theme gets when it does not name them."""
    return dict((DESKLINE_DARK if dark else DESKLINE_LIGHT).variables)


def printed_colours(theme: ThemeColours) -> dict[str, str]:
    """The variables the command line's own output reads (SLA states and priorities)."""
    return {**defaults_for(theme.dark), **theme.variables}
