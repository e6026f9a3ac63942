"""Users' own themes from deskline.toml (``[ui.themes.NAME]``) and choosing the theme to use.

A theme gives colours for Textual's base slots (``primary`` is required) and, optionally,
for the SLA states and priorities (``sla-ok``, ``sla-at-risk``, ``priority-p0`` ...); what
it leaves out comes from deskline-dark or deskline-light (by ``dark``). A bad theme is one
line naming the file, the key and the problem; the app then uses the default theme.

Colours are read by Textual's own parser, so a theme means the same in the app and on the
command line; it is imported only when a desk has themes of its own (a command printing
with a built-in theme loads no Textual).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deskline.themes.colours import (
    BUILT_IN_COLOURS,
    DEFAULT_THEME,
    VARIABLES,
    ThemeColours,
    defaults_for,
)
from deskline.themes.said import N_, Said

BASE_SLOTS = (
    "primary",
    "secondary",
    "accent",
    "warning",
    "error",
    "success",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
KEYS = (*BASE_SLOTS, "dark", *VARIABLES)


class ThemeProblem(ValueError):
    """A user's theme that cannot be used."""


def _colour(value: Any, where: str) -> str:
    from textual.color import Color, ColorParseError  # only for a desk's own themes

    if not isinstance(value, str):
        line = N_('{where}: must be a colour text like "#1E2128", not {value}')
        raise ThemeProblem(Said(line, where=where, value=repr(value)))
    try:
        return Color.parse(value.strip()).hex
    except ColorParseError:
        line = N_('{where}: {value} is not a colour (try "#RRGGBB")')
        raise ThemeProblem(Said(line, where=where, value=repr(value))) from None


def _is_dark(colour: str) -> bool:
    from textual.color import Color

    return Color.parse(colour).brightness < 0.5


def user_theme(name: str, table: Mapping[str, Any], source: str = "deskline.toml") -> ThemeColours:
    """One ``[ui.themes.NAME]`` table as a theme; ThemeProblem when it is unusable."""
    where = f"{source}: ui.themes.{name}"
    if name in BUILT_IN_COLOURS:
        line = N_("{where}: {name} is a built-in theme; give yours another name")
        raise ThemeProblem(Said(line, where=where, name=name))
    for key in table:
        if key not in KEYS:
            line = N_("{where}.{key}: unknown key; expected one of {keys}")
            raise ThemeProblem(Said(line, where=where, key=key, keys=", ".join(KEYS)))
    if "primary" not in table:
        raise ThemeProblem(Said(N_("{where}: needs at least primary = a colour"), where=where))
    base = {slot: _colour(table[slot], f"{where}.{slot}") for slot in BASE_SLOTS if slot in table}
    if "dark" in table:
        if not isinstance(table["dark"], bool):
            line = N_("{where}.dark: must be true or false, not {value}")
            raise ThemeProblem(Said(line, where=where, value=repr(table["dark"])))
        dark = table["dark"]
    elif "background" in base:
        dark = _is_dark(base["background"])
    else:
        dark = True
    variables = defaults_for(dark)
    for key in VARIABLES:
        if key in table:
            variables[key] = _colour(table[key], f"{where}.{key}")
    return ThemeColours(name=name, dark=dark, base=base, variables=variables)


def user_themes(
    tables: Mapping[str, Mapping[str, Any]], source: str = "deskline.toml"
) -> tuple[dict[str, ThemeColours], list[str]]:
    """Every usable user theme, and one line for each that is not."""
    themes: dict[str, ThemeColours] = {}
    problems: list[str] = []
    for name, table in tables.items():
        try:
            themes[name] = user_theme(name, table, source)
        except ThemeProblem as exc:
            line = N_("{problem}; the default theme is used instead")
            problems.append(Said(line, problem=exc.args[0]))
    return themes, problems


def choose(
    requested: str | None, available: Mapping[str, ThemeColours], source: str = "deskline.toml"
) -> tuple[str, str | None]:
    """The theme to use and, when the requested one is unknown, the line that says so."""
    if requested is None:
        return DEFAULT_THEME, None
    if requested in available:
        return requested, None
    names = ", ".join(available)
    line = N_("{source}: ui.theme: no theme named {name} (one of {names}); using {default}")
    return DEFAULT_THEME, Said(
        line, source=source, name=repr(requested), names=names, default=DEFAULT_THEME
    )
