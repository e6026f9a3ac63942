"""How each SLA state looks: a glyph and a word (never colour alone) and a colour."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StateLook:
    glyph: str
    word: str
    style: str  # a Rich style; the themes issue turns these into theme variables


SLA_LOOK: dict[str, StateLook] = {
    "ok": StateLook("●", "ok", "green"),
    "warning": StateLook("◆", "warning", "yellow"),
    "at_risk": StateLook("▲", "at risk", "dark_orange"),
    "breached": StateLook("✖", "breached", "bold red"),
    "paused": StateLook("⏸", "paused", "dodger_blue1"),
    "met": StateLook("✓", "met", "grey62"),
    "missed": StateLook("✘", "missed", "red3"),
}

PRIORITY_STYLE = {"P0": "bold red", "P1": "dark_orange", "P2": "yellow", "P3": "green"}
