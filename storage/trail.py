"""Reading the audit trail back whole: every event in id order (the order each chain was
written in), for ``audit verify`` and ``audit log``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlmodel import Session, col, select

from deskline.storage.models import Agent, Event, Ticket

BATCH = 2000


def events(session: Session, ticket_id: int | None = None, *, every: bool = True) -> Iterator[Any]:
    """(Event, actor handle) oldest first: every event (``every``), else one chain's (the
    ticket's, or the desk's for ``ticket_id`` None)."""
    stmt = select(Event, Agent.handle).outerjoin(Agent, col(Event.actor_id) == Agent.id)
    if not every:
        stmt = stmt.where(
            col(Event.ticket_id).is_(None)
            if ticket_id is None
            else col(Event.ticket_id) == ticket_id
        )
    stmt = stmt.order_by(col(Event.id)).execution_options(yield_per=BATCH)
    yield from session.exec(stmt)


def ticket_numbers(session: Session) -> dict[int, int]:
    """Each ticket's number by its id."""
    rows = session.exec(select(Ticket.id, Ticket.number))
    return {int(i): int(n) for i, n in rows if i is not None}
