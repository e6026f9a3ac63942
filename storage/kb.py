"""Knowledge-base articles, and the resolved tickets the knowledge base learns from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from deskline.storage.models import Agent, Category, Event, KbArticle, Ticket

CHUNK = 500  # ids per IN (...): well under any driver's limit on parameters
Row = tuple[KbArticle, str | None, int | None]  # the article, its author, its ticket's number


def _rows(session: Session, *where: Any) -> list[Row]:
    stmt = (
        sa_select(KbArticle, col(Agent.handle), col(Ticket.number))
        .outerjoin(Agent, col(Agent.id) == KbArticle.author_id)
        .outerjoin(Ticket, col(Ticket.id) == KbArticle.source_ticket_id)
        .where(*where)
        .order_by(col(KbArticle.id))
    )
    return [(a, handle, number) for a, handle, number in session.execute(stmt)]


def article(session: Session, number: int) -> Row | None:
    found = _rows(session, col(KbArticle.id) == number)
    return found[0] if found else None


def articles(session: Session, statuses: Sequence[str]) -> list[Row]:
    return _rows(session, col(KbArticle.status).in_(list(statuses)))


def from_ticket(session: Session, ticket_id: int) -> int | None:
    """The article drafted from this ticket, if any."""
    stmt = sa_select(col(KbArticle.id)).where(col(KbArticle.source_ticket_id) == ticket_id)
    return session.execute(stmt.limit(1)).scalar_one_or_none()


def add(session: Session, row: KbArticle) -> KbArticle:
    session.add(row)
    session.flush()
    return row


def solved_since(session: Session, since: datetime) -> list[tuple[Any, ...]]:
    """(id, number, title, description, category, resolved_at) of the tickets resolved at
    or after ``since`` (closed since included), oldest first."""
    stmt = (
        sa_select(
            col(Ticket.id),
            col(Ticket.number),
            col(Ticket.title),
            col(Ticket.description),
            col(Category.path),
            col(Ticket.resolved_at),
        )
        .outerjoin(Category, col(Category.id) == Ticket.category_id)
        .where(col(Ticket.status).in_(["resolved", "closed"]), col(Ticket.resolved_at) >= since)
        .order_by(col(Ticket.resolved_at))
    )
    return [tuple(row) for row in session.execute(stmt)]


def solutions(session: Session, ticket_ids: Sequence[int]) -> dict[int, str]:
    """Each ticket's last solution note: the reason of its last move to resolved."""
    found: dict[int, str] = {}
    ids = list(ticket_ids)
    for start in range(0, len(ids), CHUNK):
        stmt = (
            sa_select(col(Event.ticket_id), col(Event.new), col(Event.reason))
            .where(
                col(Event.ticket_id).in_(ids[start : start + CHUNK]), col(Event.kind) == "status"
            )
            .order_by(col(Event.id))
        )
        for ticket_id, new, reason in session.execute(stmt):
            if (new or {}).get("status") == "resolved" and reason:
                found[ticket_id] = reason
    return found
