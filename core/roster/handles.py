"""Handles: who the OS user is by default, the form a handle takes, and the error for one
the desk does not know. Apart from ``agents`` (the roster's use cases), so that telling
who I am loads no ORM."""

from __future__ import annotations

import getpass
import os
import re

from deskline.core.errors import InvalidInput, UnknownAgent
from deskline.core.inert import quoted
from deskline.core.language import _

HANDLE_ENV = "DESKLINE_AS"


def os_handle() -> str:
    """The OS user name, the default identity, lower-cased as handles are (JSmith: jsmith)."""
    try:
        name = getpass.getuser()
    except Exception:  # no passwd entry in some containers
        name = os.environ.get("USER", "agent")
    return name.lower()


HANDLE = re.compile(r"[a-z0-9_][a-z0-9._-]{0,31}")  # shown everywhere, so never markup or escapes


def check_handle(handle: str) -> str:
    """A handle as the desk keeps it: lower-case letters, digits, ``.``, ``_`` and ``-``, at
    most 32 characters (it is printed on every line and never needs quoting)."""
    value = handle.strip()
    if HANDLE.fullmatch(value) is None:
        raise InvalidInput(
            _(
                "bad handle {handle}: use one word of at most 32 lower-case letters, "
                "digits, '.', '_' or '-', like alice or li.wei"
            ).format(handle=quoted(handle))
        )
    return value


def unknown_agent(handle: str) -> UnknownAgent:
    return UnknownAgent(
        _(
            "unknown agent '{handle}': add them with "
            '`deskline agents add {handle} --name "Full Name"`'
        ).format(handle=quoted(handle))
    )
