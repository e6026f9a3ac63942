"""Errors a user can cause, one type per kind, each with a message a person can act on.

A message may name what to give or do next, which the command line and the workspace say
differently: an option (``--customer``) is a field of a form there, a command (`deskline
assign T-1 HANDLE`) a key. Such a part is a ``Said`` (both wordings) or a ``Step`` (a
command, and the workspace's action that does it, whose key the workspace names as bound);
``str(error)`` is the command line's wording, ``error.said(...)`` any other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Said:
    """A part of a message said one way on the command line (``cli``: an option), another
    in the workspace (``app``: the field of its form)."""

    cli: str
    app: str


@dataclass(frozen=True)
class Step:
    """What to do next: ``command`` on the command line; in the workspace, the action of
    that binding id (``assign``, ``take``, ...), named with its key as bound there."""

    command: str
    action: str


Part = str | Said | Step


class DesklineError(Exception):
    """Base of every error caused by what a user asked; the CLI prints it as one line (its
    ``str``), the workspace says it in its own words (``said``)."""

    exit_code = 1

    def __init__(self, *parts: Part) -> None:
        self.parts = parts
        super().__init__(
            self.said(lambda part: part.cli if isinstance(part, Said) else part.command)
        )

    def said(self, say: Callable[[Said | Step], str]) -> str:
        """The message with each ``Said`` and ``Step`` part said by ``say``."""
        return "".join(part if isinstance(part, str) else say(part) for part in self.parts)


class InvalidInput(DesklineError):
    """A value given by the user is not acceptable (empty title, bad priority, ...)."""

    exit_code = 2


class Refused(DesklineError):
    """The request makes no change as things stand (already assigned, already P0, ...)."""


class NotFound(DesklineError):
    """A ticket, agent or other thing named by the user does not exist."""


class UnknownAgent(NotFound):
    """The acting or named handle is not an agent of this desk."""


class IllegalTransition(DesklineError):
    """The workflow does not allow this change of status."""


class StaleEdit(DesklineError):
    """Someone else changed the ticket since it was read."""


class Forbidden(DesklineError):
    """Who you are does not allow this: your role (say, an agent changing a colleague's
    duty) or your identity (``--as`` someone else in team mode); nothing is written. The
    message says who may: "only a supervisor of Billing can ..."."""
