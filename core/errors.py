"""Errors a user can cause, one type per kind, each with a message a person can act on."""

from __future__ import annotations


class DesklineError(Exception):
    """Base of every error caused by what a user asked; the CLI prints it as one line."""

    exit_code = 1


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
