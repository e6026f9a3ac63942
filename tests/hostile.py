"""Hostile text: what a customer's title, a name or a comment may carry to reach a terminal."""

from __future__ import annotations

CORPUS = {
    "csi clear": "\x1b[2J\x1b[H clear",
    "osc 0 title": "\x1b]0;pwned\x07 title",
    "osc 8 link": "\x1b]8;;file:///etc/passwd\x1b\\click\x1b]8;;\x1b\\ link",
    "osc 52 clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07 clip",
    "dcs": "\x1bPq#0;2;0;0;0\x1b\\ dcs",
    "c1 csi": "\x9b2J c1",
    "bidi override": "invoice \u202egpj.exe",
    "zero width": "pay\u200bpal \u2066iso\u2069 \ufeffbom",
    "rich link": "[link=file:///etc/passwd]x[/] link markup",
    "rich style": "[bold red]x markup",
    "click action": "[@click=app.quit]x[/] action",
}

# What may never reach a terminal: ESC, the C1 CSI, BEL, bidi controls, zero-width characters.
FORBIDDEN = ("\x1b", "\x9b", "\x07", "\u202e", "\u2066", "\u2069", "\u200b", "\ufeff")


def leaks(output: str) -> list[str]:
    """The forbidden characters found in ``output`` (as escapes, for the failure message)."""
    return [repr(c) for c in FORBIDDEN if c in output]
