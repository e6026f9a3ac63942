"""Refusals in the workspace's own words. Where the command line names an option or a
command (``--customer``, `deskline assign T-1 HANDLE`), the workspace names the field to
fill in or the key that does it, as bound now (``[keys]`` remaps included)."""

from __future__ import annotations

import re
from collections.abc import Callable

from deskline.core.desk.workflow import Status
from deskline.core.errors import DesklineError, Said, Step
from deskline.core.language import _
from deskline.tui.keys import REMAPPABLE
from deskline.tui.language import status_word


def in_app(error: DesklineError, key_for: Callable[[str], str | None]) -> str:
    """``error`` as the workspace says it; ``key_for`` names the key of a binding id."""

    def say(part: Said | Step) -> str:
        if isinstance(part, Said):
            return part.app
        what = _(REMAPPABLE[part.action]) if part.action in REMAPPABLE else part.action
        key = key_for(part.action)
        return f"{what} ({key})" if key else what

    return raw_states_said(error.said(say))


RAW_STATE = re.compile(r"\b(" + "|".join(s.value for s in Status if "_" in s.value) + r")\b")


def raw_states_said(text: str) -> str:
    """A status core names by its stored value (``in_progress``) said as the workspace shows
    it ("in progress", 处理中); the values that are words already stay as they are."""
    return RAW_STATE.sub(lambda m: status_word(m.group(1)), text)


def without_keys(error: DesklineError) -> str:
    """``error`` as a screen without the workspace's keys says it (the dashboard): the
    field to fill in, the action by its name, never a command-line option or command."""
    return in_app(error, lambda _action: None)
