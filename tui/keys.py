"""Remapping keys through ``[keys]`` in deskline.toml, checked before the app starts."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from deskline.core.config.reader import ConfigError

# Binding ids a user may remap, with what they do (the same ids the bindings carry).
REMAPPABLE = {
    "quick_create": "quick create",
    "take": "take",
    "assign": "assign",
    "status": "change status",
    "priority": "change priority",
    "reply": "reply",
    "note": "internal note",
    "escalate": "escalate",
    "reopen": "reopen",
    "edit": "edit the ticket",
    "merge": "merge into another ticket",
    "filter": "search the view",
    "go_to": "go to a ticket",
    "views": "saved views",
    "bulk": "act on the marked tickets",
    "focus_detail": "focus the detail",
    "focus_queue": "back to the queue",
    "help": "help",
    "alerts": "alert centre",
    "quit": "quit",
    "queue.down": "move down",
    "queue.up": "move up",
    "queue.page_down": "page down",
    "queue.page_up": "page up",
    "queue.first": "first ticket",
    "queue.last": "last ticket",
    "queue.mark": "mark for a bulk action",
    "queue.mark_range": "mark from the last mark to here",
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
