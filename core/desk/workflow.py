"""The ticket state machine: which status may follow which, and what reopening does."""

from __future__ import annotations

from enum import StrEnum

from deskline.core.errors import IllegalTransition, InvalidInput
from deskline.core.language import _


class Status(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    PENDING = "pending"  # waiting on the customer
    RESOLVED = "resolved"
    CLOSED = "closed"


OPEN = frozenset({Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING})
REOPENABLE = frozenset({Status.RESOLVED, Status.CLOSED})
NEEDS_ASSIGNEE = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING})

# Forward moves. "new" from assigned hands the ticket back to the team queue;
# "assigned" from in_progress hands it to someone who has not started yet.
# Reopening is its own move (see reopen_to), never a plain status change.
TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.NEW: (Status.ASSIGNED, Status.IN_PROGRESS),
    Status.ASSIGNED: (Status.IN_PROGRESS, Status.NEW),
    Status.IN_PROGRESS: (Status.PENDING, Status.RESOLVED, Status.ASSIGNED),
    Status.PENDING: (Status.IN_PROGRESS, Status.RESOLVED),
    Status.RESOLVED: (Status.CLOSED,),
    Status.CLOSED: (),
}


def parse_status(text: str) -> Status:
    """A status from user text; accepts ``in-progress`` and any case."""
    value = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return Status(value)
    except ValueError:
        names = ", ".join(s.value for s in Status)
        raise InvalidInput(
            _("unknown status {text}: use one of {names}").format(text=repr(text), names=names)
        ) from None


def next_statuses(current: Status) -> tuple[Status, ...]:
    """The statuses a ticket may move to from ``current`` by a status change."""
    return TRANSITIONS[current]


def _legal_moves(current: Status) -> str:
    moves = [s.value for s in TRANSITIONS[current]]
    if current in REOPENABLE:
        moves.append("reopen")
    return ", ".join(moves) if moves else _("nothing")


def check_transition(key: str, current: Status, target: Status) -> None:
    """Raise IllegalTransition unless ``current -> target`` is a legal status change."""
    if target in TRANSITIONS[current]:
        return
    if current == target:
        raise IllegalTransition(
            _("{key} is already {status}").format(key=key, status=current.value)
        )
    hint = ""
    if current in REOPENABLE and target in OPEN:
        hint = _(" (use reopen to bring it back)")
    raise IllegalTransition(
        _(
            "cannot move {key} from {current} to {target}; "
            "from {current} it can go to: {moves}{hint}"
        ).format(
            key=key,
            current=current.value,
            target=target.value,
            moves=_legal_moves(current),
            hint=hint,
        )
    )


def reopen_to(key: str, current: Status, *, assigned: bool) -> Status:
    """Where reopening leads: back to in_progress, or to new when nobody holds the ticket."""
    if current not in REOPENABLE:
        raise IllegalTransition(
            _(
                "cannot reopen {key}: it is {status}, and only resolved or closed "
                "tickets can be reopened"
            ).format(key=key, status=current.value)
        )
    return Status.IN_PROGRESS if assigned else Status.NEW


def after_assign(key: str, current: Status) -> Status:
    """The status a ticket has once (re)assigned to someone."""
    if current in REOPENABLE:
        raise IllegalTransition(
            _("cannot assign {key}: it is {status}; reopen it first").format(
                key=key, status=current.value
            )
        )
    if current in (Status.NEW, Status.IN_PROGRESS):
        return Status.ASSIGNED  # the new holder has not started yet
    return current


def after_take(key: str, current: Status) -> Status:
    """The status a ticket has once an agent takes it (assigns it to themself and starts)."""
    if current in REOPENABLE:
        raise IllegalTransition(
            _("cannot take {key}: it is {status}; reopen it first").format(
                key=key, status=current.value
            )
        )
    if current in (Status.NEW, Status.ASSIGNED):
        return Status.IN_PROGRESS
    return current
