"""Colour text as a theme may write it, read without Textual: the same forms Textual's
``Color.parse`` takes (``#RGB`` ... ``#RRGGBBAA``, ``rgb()``, ``rgba()``, ``hsl()``,
``hsla()``, CSS and ``ansi_*`` names) and the same hex it gives back, so the command line can
check a user's theme without loading the app's toolkit (tests/themes/test_colour.py holds the
two side by side)."""

from __future__ import annotations

import re
from colorsys import hls_to_rgb
from typing import NamedTuple

from deskline.themes.colour_names import NAMED

_NUMBER = r"-?\d+\.?\d*"
_FORMS = re.compile(
    rf"""^
    \#([0-9a-fA-F]{{3}})$|
    \#([0-9a-fA-F]{{4}})$|
    \#([0-9a-fA-F]{{6}})$|
    \#([0-9a-fA-F]{{8}})$|
    rgb\(\s*({_NUMBER}\s*,\s*{_NUMBER}\s*,\s*{_NUMBER})\s*\)$|
    rgba\(\s*({_NUMBER}\s*,\s*{_NUMBER}\s*,\s*{_NUMBER}\s*,\s*{_NUMBER})\s*\)$|
    hsl\(\s*({_NUMBER}\s*,\s*{_NUMBER}%\s*,\s*{_NUMBER}%)\s*\)$|
    hsla\(\s*({_NUMBER}\s*,\s*{_NUMBER}%\s*,\s*{_NUMBER}%\s*,\s*{_NUMBER})\s*\)$
    """,
    re.VERBOSE,
)


class ColourError(ValueError):
    """Text that is not a colour."""


class Colour(NamedTuple):
    red: int
    green: int
    blue: int
    alpha: float = 1.0
    name: str | None = None  # an ``ansi_*`` colour keeps its name (the terminal's own colour)

    @property
    def hex(self) -> str:
        """``#46B3DE``, ``#3342457F`` with alpha, or the ``ansi_*`` name."""
        if self.name is not None:
            return self.name
        r, g, b = (_byte(c) for c in (self.red, self.green, self.blue))
        a = _clamp(self.alpha, 0.0, 1.0)
        return f"#{r:02X}{g:02X}{b:02X}" if a == 1 else f"#{r:02X}{g:02X}{b:02X}{int(a * 255):02X}"

    @property
    def brightness(self) -> float:
        """Perceived brightness, 0 (black) to 1 (white)."""
        return (299 * self.red + 587 * self.green + 114 * self.blue) / 1000 / 255


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _byte(value: float) -> int:
    return int(_clamp(value, 0, 255))


def _percent(text: str) -> float:
    return _clamp(float(text.strip()[:-1]) / 100.0, 0.0, 1.0)


def _hsl(h: str, s: str, lightness: str) -> tuple[int, int, int]:
    r, g, b = hls_to_rgb(float(h) % 360 / 360, _percent(lightness), _percent(s))
    return int(r * 255 + 0.5), int(g * 255 + 0.5), int(b * 255 + 0.5)


def parse_colour(text: str) -> Colour:
    """The colour ``text`` names; ColourError when it names none."""
    if text == "transparent":
        return Colour(0, 0, 0, 0.0)
    if text == "ansi_default":  # the terminal's own foreground or background
        return Colour(0, 0, 0, name=text)
    if text in NAMED:
        name = text if text.startswith("ansi_") else None
        return Colour(*NAMED[text], name=name)
    found = _FORMS.match(text)
    if found is None:
        raise ColourError(f"failed to parse {text!r} as a color")
    short, short_alpha, full, full_alpha, rgb, rgba, hsl, hsla = found.groups()
    if short or short_alpha:
        digits = [int(c * 2, 16) for c in short or short_alpha]
        return Colour(*digits[:3], digits[3] / 255.0 if short_alpha else 1.0)
    if full or full_alpha:
        pairs = full or full_alpha
        digits = [int(pairs[i : i + 2], 16) for i in range(0, len(pairs), 2)]
        return Colour(*digits[:3], digits[3] / 255.0 if full_alpha else 1.0)
    if rgb or rgba:
        parts = [float(v) for v in (rgb or rgba).split(",")]
        r, g, b = (_byte(int(v)) for v in parts[:3])
        return Colour(r, g, b, _clamp(parts[3], 0.0, 1.0) if rgba else 1.0)
    parts = (hsl or hsla).split(",")
    alpha = _clamp(float(parts[3]), 0.0, 1.0) if hsla else 1.0
    return Colour(*_hsl(*parts[:3]), alpha)
