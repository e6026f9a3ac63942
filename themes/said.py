"""Lines for a person that themes make and the screens say in the person's language.

themes stands alone (it imports nothing of deskline's), so it cannot translate; a line it
makes is a ``Said``: the English text (``str()``, what logs and tests read) that keeps its
template, marked ``N_`` for the catalogue, and its values. The screens say it with
``say(line, _)``, a line inside another (a theme's fault in "...; the default theme is used
instead") said too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def N_(text: str) -> str:
    """Marks ``text`` for the catalogue; it is translated where it is shown."""
    return text


class Said(str):
    """``template.format(**values)`` in English, keeping ``template`` and ``values``."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Said:
        line = super().__new__(cls, template.format(**values))
        line.template = template
        line.values = values
        return line


def say(line: str, translate: Callable[[str], str]) -> str:
    """``line`` in the language ``translate`` speaks (``_`` of deskline.core.language); a
    plain str (a system's own message) as it is."""
    if not isinstance(line, Said):
        return str(line)
    values = {k: say(v, translate) if isinstance(v, str) else v for k, v in line.values.items()}
    return translate(line.template).format(**values)
