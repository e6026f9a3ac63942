"""The audit trail and the conversation: what a change writes besides the ticket, inside the
change's own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from deskline.storage.models import Agent, Comment, Event, Ticket


def record_event(
    session: Session,
    ticket: Ticket,
    actor: Agent | None,  # None: the system (the alert engine's automatic steps)
    at: datetime,
    kind: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    reason: str | None = None,
) -> None:
    """The audit event of a change."""
    assert ticket.id is not None
    session.add(
        Event(
            ticket_id=ticket.id,
            actor_id=actor.id if actor else None,
            at=at,
            kind=kind,
            old=old,
            new=new,
            reason=reason,
        )
    )


def add_comment(
    session: Session, ticket: Ticket, author: Agent | None, at: datetime, kind: str, body: str
) -> Comment:
    """A reply, note or system comment on the ticket, flushed so the event can name its id."""
    assert ticket.id is not None
    comment = Comment(
        ticket_id=ticket.id,
        author_id=author.id if author else None,
        kind=kind,
        body=body,
        created_at=at,
    )
    session.add(comment)
    session.flush()
    return comment
