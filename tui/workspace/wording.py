"""Refusals in the workspace's own words. Where the command line names an option or a
command (``--customer``, `deskline assign T-1 HANDLE`), the workspace names the field to
fill in or the key that does it, as bound now (``[keys]`` remaps included)."""

from __future__ import annotations

from collections.abc import Callable

from deskline.core.errors import DesklineError, Said, Step
from deskline.core.language import _
from deskline.tui.keys import REMAPPABLE


def in_app(error: DesklineError, key_for: Callable[[str], str | None]) -> str:
    """``error`` as the workspace says it; ``key_for`` names the key of a binding id."""

    def say(part: Said | Step) -> str:
        if isinstance(part, Said):
            return part.app
        what = _(REMAPPABLE[part.action]) if part.action in REMAPPABLE else part.action
        key = key_for(part.action)
        return f"{what} ({key})" if key else what

    return error.said(say)


def without_keys(error: DesklineError) -> str:
    """``error`` as a screen without the workspace's keys says it (the dashboard): the
    field to fill in, the action by its name, never a command-line option or command."""
    return in_app(error, lambda _action: None)
