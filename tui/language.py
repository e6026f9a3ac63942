"""The screens' side of the language: key bindings said in the current language.

A class's ``BINDINGS`` are made when its module is imported, before the language is chosen,
so their descriptions and tooltips are marked with ``N_`` and said here, per instance, once
the node is made (``speak_bindings(self)`` in ``__init__``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line says statuses from here too, and loads no Textual
    from textual.binding import Binding
    from textual.dom import DOMNode

from deskline.core.language import N_, _

# Textual's own words: the key for the command palette (the app adds it, said with the
# app's keys), its system commands' titles and helps and its search boxes' placeholders
# (said by tui.themed where the palette shows them).
TEXTUAL_WORDS = (
    N_("palette"),
    N_("Open the command palette"),
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)
COMMANDS_PLACEHOLDER = N_("Search for commands…")
THEMES_PLACEHOLDER = N_("Search for themes…")


def said(binding: Binding) -> Binding:
    """The binding with its description and tooltip in the current language."""
    return replace(
        binding,
        description=_(binding.description) if binding.description else "",
        tooltip=_(binding.tooltip) if binding.tooltip else "",
    )


def speak_bindings(node: DOMNode) -> None:
    """Say ``node``'s own bindings (its class's, merged) in the current language."""
    from textual.binding import BindingsMap

    keys = node._bindings.key_to_bindings
    node._bindings = BindingsMap.from_keys(
        {key: [said(b) for b in bindings] for key, bindings in keys.items()}
    )


# Statuses and priorities as a person reads them; the stored values (and what machines
# read) stay English: these are said for display only.
STATUS_WORDS = {
    "new": N_("new"),
    "assigned": N_("assigned"),
    "in_progress": N_("in progress"),
    "pending": N_("pending"),
    "resolved": N_("resolved"),
    "closed": N_("closed"),
}
PRIORITY_WORDS = {"P0": N_("urgent"), "P1": N_("high"), "P2": N_("medium"), "P3": N_("low")}


def status_word(status: str) -> str:
    """``in_progress`` as shown: "in progress" (处理中 in Chinese); an unknown one as it is."""
    word = STATUS_WORDS.get(status)
    return _(word) if word else status.replace("_", " ")


def priority_word(priority: str) -> str:
    """``P0`` as a word: "urgent" (紧急 in Chinese)."""
    word = PRIORITY_WORDS.get(priority)
    return _(word) if word else priority


CHANNEL_WORDS = {
    "email": N_("email"),
    "phone": N_("phone"),
    "chat": N_("chat"),
    "web": N_("web"),
    "api": N_("api"),
    "walk-in": N_("walk-in"),
}


def channel_word(channel: str) -> str:
    """A channel as shown in a picker or the detail: "phone" (电话 in Chinese)."""
    word = CHANNEL_WORDS.get(channel)
    return _(word) if word else channel


LINK_WORDS = {
    "related": N_("related {key}"),
    "merged into": N_("merged into {key}"),
    "merged from": N_("merged from {key}"),
}


def link_word(link: str) -> str:
    """A ticket's link as the detail shows it, "related T-3" (相关 T-3 in Chinese); the
    view keeps it in English, as ``show --json`` does."""
    kind, _space, key = link.rpartition(" ")
    template = LINK_WORDS.get(kind)
    return _(template).format(key=key) if template else link
