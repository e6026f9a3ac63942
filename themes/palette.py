"""How each SLA state and priority looks: a glyph and a word (never colour alone) and a colour.

Colours are never written here as fixed styles: they are theme variables (``sla-ok``,
``sla-at-risk``, ``priority-p0`` ...) that every deskline theme defines. Widgets styled with
TCSS use ``$sla-ok`` and friends; code that builds Rich text or Textual strips itself
(the queue's ScrollView, the countdown pane, the dashboard, the CLI) asks for a style:

    from deskline.themes.palette import SLA_LOOK, sla_style, priority_style
    style = sla_style(app.theme_variables, "at_risk")   # bold where the state needs it
    text = Text(f"{SLA_LOOK['at_risk'].glyph} {SLA_LOOK['at_risk'].word}", style=style)

``app.theme_variables`` is Textual's mapping of the current theme's variables; outside an
app (the CLI) use ``Look.colours`` (tui/look.py). A missing or unreadable colour gives
an unstyled (but still glyph-and-word) result, never an error.

Glyphs have ASCII fallbacks for terminals that cannot show them: ``use_ascii(True)``
(config ``[ui] ascii = true``) switches ``SLA_LOOK`` to them for the whole process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.color import Color
    from rich.style import Style


def N_(word: str) -> str:
    """Marks a word for the catalogue (the screens say it in the person's language); themes
    import nothing of deskline's, so this is the marker, not core's."""
    return word


@dataclass(frozen=True)
class StateLook:
    glyph: str
    word: str
    variable: str  # the theme variable holding this state's colour
    ascii: str  # the glyph on terminals without Unicode symbols
    bold: bool = False

    @property
    def label(self) -> str:
        """Glyph and word, e.g. ``▲ at risk``."""
        return f"{self.glyph} {self.word}"


SLA_STATES = ("ok", "warning", "at_risk", "breached", "paused", "met", "missed")

_UNICODE: dict[str, StateLook] = {
    "ok": StateLook("●", N_("ok"), "sla-ok", "o"),
    "warning": StateLook("◆", N_("warning"), "sla-warning", "!"),
    "at_risk": StateLook("▲", N_("at risk"), "sla-at-risk", "^"),
    "breached": StateLook("✖", N_("breached"), "sla-breached", "X", bold=True),
    "paused": StateLook("⏸", N_("paused"), "sla-paused", "="),
    "met": StateLook("✓", N_("met"), "sla-met", "v"),
    "missed": StateLook("✘", N_("missed"), "sla-missed", "x"),
}

# The live table, read by every caller; use_ascii() swaps its glyphs in place.
SLA_LOOK: dict[str, StateLook] = dict(_UNICODE)

PRIORITIES = ("P0", "P1", "P2", "P3")
PRIORITY_VARIABLE = {p: f"priority-{p.lower()}" for p in PRIORITIES}


def use_ascii(on: bool) -> None:
    """Show ASCII glyphs (``^ at risk``) instead of Unicode ones, everywhere, from now on."""
    for state, look in _UNICODE.items():
        SLA_LOOK[state] = (
            StateLook(look.ascii, look.word, look.variable, look.ascii, look.bold) if on else look
        )


def closed_mark() -> str:
    """Beside a business-time countdown while its calendar is closed (the clock waits)."""
    return "~" if ascii_only() else "☾"


def business_mark() -> str:
    """Beside a business-time countdown while its calendar is open: the time left counts
    in business hours only, so it is no wall-clock time (its due instant may be days on)."""
    return "'" if ascii_only() else "☀"


def clock_legend() -> list[tuple[str, str]]:
    """What the marks beside a countdown say (the help screen's legend)."""
    return [
        ("1:45:10", N_("time left on a 24x7 clock; -0:12:07 overdue")),
        (f"1:45:10{business_mark()}", N_("business time left: counts in business hours only")),
        (
            f"1:00:00{closed_mark()}",
            N_("business time, the desk's hours are over: it waits for them"),
        ),
        (SLA_LOOK["paused"].label, N_("the clock stands still (pending)")),
        ("", N_("the queue is in order of the real due instant, whatever the clock counts")),
    ]


def marked_mark() -> str:
    """The mark of a ticket marked for a bulk action, in the queue."""
    return "*" if ascii_only() else "✓"


def ascii_only() -> bool:
    return SLA_LOOK["ok"].glyph == _UNICODE["ok"].ascii


def sla_variable(state: str) -> str:
    """The theme variable of a state: ``at_risk`` -> ``sla-at-risk``."""
    return _UNICODE[state].variable


# Rich is imported where a style is made, not above: the glyph table is read by commands
# that print JSON and need no Rich at all.


@lru_cache(maxsize=256)
def _colour(value: str) -> Color | None:
    from rich.color import Color, ColorParseError

    value = value.strip()
    if value.startswith("rgb(") or value.startswith("#"):
        try:
            return Color.parse(value.split()[0])
        except ColorParseError:
            return None
    try:
        return Color.parse(value)
    except ColorParseError:
        return None


def colour_of(variables: Mapping[str, str], name: str) -> Color | None:
    """A theme variable as a Rich colour (None when absent or not a plain colour)."""
    value = variables.get(name)
    return _colour(value) if value else None


def sla_style(variables: Mapping[str, str], state: str) -> Style:
    """The Rich style of an SLA state in the theme whose variables are given."""
    from rich.style import Style

    look = _UNICODE[state]
    return Style(color=colour_of(variables, look.variable), bold=look.bold or None)


def priority_style(variables: Mapping[str, str], priority: str) -> Style:
    """The Rich style of a priority label (P0 bold, since it is the urgent one)."""
    from rich.style import Style

    name = PRIORITY_VARIABLE.get(priority)
    if name is None:
        return Style.null()
    return Style(color=colour_of(variables, name), bold=(priority == "P0") or None)
