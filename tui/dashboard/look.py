"""How the dashboard colours SLA states: the one place a state becomes a colour."""

from __future__ import annotations

from collections.abc import Mapping

from rich.style import Style

from deskline.core.language import _
from deskline.themes.palette import SLA_LOOK, SLA_STATES, sla_style, sla_variable


def state_style(variables: Mapping[str, str], state: str) -> Style:
    """The Rich style of an SLA state in the theme whose ``variables`` are given."""
    return sla_style(variables, state)


def state_label(state: str) -> str:
    """Glyph and word, shown beside every colour (never colour alone), in the current
    language."""
    look = SLA_LOOK[state]
    return f"{look.glyph} {_(look.word)}"


# TCSS classes per state (``-sla-at_risk`` ...) for widgets styled by CSS.
STATE_CSS = "\n".join(
    f".-sla-{state} {{ color: ${sla_variable(state)}; border: round ${sla_variable(state)}; }}"
    for state in SLA_STATES
)


def state_class(state: str) -> str:
    return f"-sla-{state}"


STATE_CLASSES = tuple(state_class(s) for s in SLA_STATES)
