"""The audit trail and the conversation: what a change writes besides the ticket, inside the
change's own transaction.

Events are append-only (the store's triggers refuse UPDATE and DELETE) and chained: each
carries the hash of the one before it in its chain, the ticket's or, for changes to the
desk itself (policy, roster: ``ticket_id`` None), the desk's (``storage.chain``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from deskline.storage import queries
from deskline.storage.chain import event_hash
from deskline.storage.models import Agent, Comment, Event, Ticket

_CHAINS = "deskline.chains"  # session.info: chain (ticket id or None) -> its newest hash


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
    """The audit event of a change to a ticket (call it with the ticket's row locked)."""
    assert ticket.id is not None
    _append(session, ticket.id, actor, at, kind, old, new, reason)


def record_desk_event(
    session: Session,
    actor: Agent | None,
    at: datetime,
    kind: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    reason: str | None = None,
) -> None:
    """The audit event of a change to the desk itself (its policy, its roster)."""
    queries.lock_desk_chain(session)
    _append(session, None, actor, at, kind, old, new, reason)


def _append(
    session: Session,
    ticket_id: int | None,
    actor: Agent | None,
    at: datetime,
    kind: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    reason: str | None,
) -> None:
    chains: dict[int | None, str | None] = session.info.setdefault(_CHAINS, {})
    if ticket_id not in chains:
        with session.no_autoflush:  # this session's own events are in ``chains`` already
            chains[ticket_id] = queries.last_event_hash(session, ticket_id)
    content: dict[str, Any] = {
        "ticket_id": ticket_id,
        "actor_id": actor.id if actor else None,
        "at": at,
        "kind": kind,
        "old": old,
        "new": new,
        "reason": reason,
        "login": queries.login_of(session),
    }
    digest = event_hash(chains[ticket_id], **content)
    session.add(Event(**content, prev_hash=chains[ticket_id], hash=digest))
    chains[ticket_id] = digest


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
