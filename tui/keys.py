"""Remapping keys through ``[keys]`` in deskline.toml, checked before the app starts."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from deskline.core.config.reader import ConfigError
from deskline.core.language import N_

# Binding ids a user may remap, with what they do (the same ids the bindings carry; the
# help screen says what they do in the current language).
REMAPPABLE = {
    "quick_create": N_("quick create"),
    "take": N_("take"),
    "assign": N_("assign"),
    "status": N_("change status"),
    "priority": N_("change priority"),
    "reply": N_("reply"),
    "note": N_("internal note"),
    "escalate": N_("escalate"),
    "reopen": N_("reopen"),
    "edit": N_("edit the ticket"),
    "merge": N_("merge into another ticket"),
    "filter": N_("search the view"),
    "go_to": N_("go to a ticket"),
    "views": N_("saved views"),
    "bulk": N_("act on the marked tickets"),
    "focus_detail": N_("focus the detail"),
    "focus_queue": N_("back to the queue"),
    "help": N_("help"),
    "alerts": N_("alert centre"),
    "quit": N_("quit"),
    "queue.down": N_("move down"),
    "queue.up": N_("move up"),
    "queue.page_down": N_("page down"),
    "queue.page_up": N_("page up"),
    "queue.first": N_("first ticket"),
    "queue.last": N_("last ticket"),
    "queue.mark": N_("mark for a bulk action"),
    "queue.mark_range": N_("mark from the last mark to here"),
}

# Keys tmux (or the terminal) swallows or cannot tell apart: ctrl+m is enter, ctrl+i is tab.
UNUSABLE = {"ctrl+m", "ctrl+i", "ctrl+[", "ctrl+up", "ctrl+down", "ctrl+left", "ctrl+right"}


def known_ids() -> str:
    """The remappable ids in a line short enough for an error: ``queue.*`` grouped."""
    plain = sorted(k for k in REMAPPABLE if "." not in k)
    queue = [k.removeprefix("queue.") for k in REMAPPABLE if k.startswith("queue.")]
    return ", ".join(plain) + f", queue.({'/'.join(queue)})"


def check_keymap(keys: Mapping[str, str], source: Path | None) -> dict[str, str]:
    """The keymap to give ``App.set_keymap``, or one ConfigError naming what is wrong."""
    where = f"{source}: " if source else ""
    for binding_id, value in keys.items():
        if binding_id not in REMAPPABLE:
            raise ConfigError(f"{where}keys.{binding_id}: unknown action; known: {known_ids()}")
        for key in (k.strip().lower() for k in value.split(",")):
            if key in UNUSABLE:
                raise ConfigError(
                    f"{where}keys.{binding_id}: {key} does not reach deskline inside tmux "
                    "or is another key in disguise; pick another"
                )
    return dict(keys)
