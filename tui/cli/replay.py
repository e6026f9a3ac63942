"""``deskline replay``: the recorded history of the period's tickets under the current and a
proposed policy, side by side; nothing is written."""

from __future__ import annotations

from deskline.tui.cli.context import Commands

app = Commands()
