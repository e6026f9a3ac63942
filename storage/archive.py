"""The archive's set-based reads and writes: closed tickets past an age, a batch at a time.

An archived ticket keeps its row (``ticket.archived_at`` set): its events keep their
reference and their chain, its comments and the search index stay as they are, and reports
read it as before. The live queue never reaches it: archived tickets are closed, and the
queue's indexes lead with the open statuses and the running clocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select, update
from sqlmodel import Session

from deskline.storage.models import Event, Ticket

TICKETS: Any = Ticket.__table__  # type: ignore[attr-defined]
EVENTS: Any = Event.__table__  # type: ignore[attr-defined]


def _due(cutoff: datetime) -> Any:
    """Live closed tickets closed at or before ``cutoff``, read by the partial index on
    closed_at. The status is tested as an expression (``status || ''``), not the column:
    SQLite would otherwise read every closed ticket, the archive's too, by the index on
    the status, which it prefers to a range."""
    t = TICKETS.c
    return (t.archived_at.is_(None), t.closed_at <= cutoff, t.status + literal("") == "closed")


def count_due(session: Session, cutoff: datetime) -> int:
    """How many tickets an archive run at ``cutoff`` would archive."""
    stmt = select(func.count()).select_from(TICKETS).where(*_due(cutoff))
    return int(session.execute(stmt).scalar_one())


def archive(session: Session, cutoff: datetime, now: datetime, limit: int) -> list[int]:
    """Archive at most ``limit`` of the tickets due at ``cutoff``; their ids. The tickets'
    rows stay locked (PostgreSQL) until the caller's transaction ends: a reopen waiting on
    one finds it archived, one that came first leaves it out (the UPDATE tests again)."""
    t = TICKETS.c
    picked = select(t.id).where(*_due(cutoff)).limit(limit).scalar_subquery()
    stmt = (
        update(TICKETS)
        .where(t.id.in_(picked), *_due(cutoff))
        .values(archived_at=now)
        .returning(t.id)
    )
    return sorted(session.execute(stmt).scalars().all())


def last_hashes(session: Session, ticket_ids: Sequence[int]) -> dict[int, str | None]:
    """The hash of each ticket's newest event (its chain's end): one read for many."""
    e = EVENTS.c
    newest = (
        select(func.max(e.id)).where(e.ticket_id.in_(ticket_ids)).group_by(e.ticket_id)
    ).scalar_subquery()
    found: dict[int, str | None] = dict.fromkeys(ticket_ids)
    for ticket_id, digest in session.execute(select(e.ticket_id, e.hash).where(e.id.in_(newest))):
        found[ticket_id] = digest
    return found
