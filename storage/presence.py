"""Presence (``presence``): who has which ticket open, by short leases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from deskline.storage.models import Agent, Presence


def renew(
    session: Session, ticket_id: int, agent_id: int, state: str, until: datetime, now: datetime
) -> None:
    """Hold (or renew) ``agent_id``'s presence on ``ticket_id`` until ``until``; their other
    tickets' rows go (one ticket open at a time), and so do lapsed rows."""
    session.execute(
        delete(Presence).where(
            (col(Presence.expires_at) <= now)
            | ((col(Presence.agent_id) == agent_id) & (col(Presence.ticket_id) != ticket_id))
        )
    )
    row = session.get(Presence, (ticket_id, agent_id))
    if row is None:
        session.add(Presence(ticket_id=ticket_id, agent_id=agent_id, state=state, expires_at=until))
    else:
        row.state, row.expires_at = state, until


def leave(session: Session, agent_id: int) -> None:
    """``agent_id`` has no ticket open any more."""
    session.execute(delete(Presence).where(col(Presence.agent_id) == agent_id))


def present(session: Session, ticket_id: int, now: datetime) -> list[tuple[str, str]]:
    """Who holds an unexpired presence on the ticket: (handle, state), by handle."""
    rows = session.execute(
        sa_select(col(Agent.handle), col(Presence.state))
        .join(Agent, col(Agent.id) == Presence.agent_id)
        .where(col(Presence.ticket_id) == ticket_id, col(Presence.expires_at) > now)
        .order_by(col(Agent.handle))
    ).all()
    return [(str(handle), str(state)) for handle, state in rows]
