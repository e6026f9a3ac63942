"""Links between tickets (``ticket_link``): related ones, and merges."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from deskline.storage.models import Ticket, TicketLink


def links_of(session: Session, ticket_id: int) -> list[tuple[str, bool, str]]:
    """The ticket's links: (kind, outgoing, the other ticket's key), oldest first;
    ``outgoing``: this ticket is the link's first end (for a merge: the one merged)."""
    rows = session.execute(
        sa_select(TicketLink, col(Ticket.number))
        .join(
            Ticket,
            or_(
                (col(TicketLink.ticket_id) == ticket_id) & (col(TicketLink.other_id) == Ticket.id),
                (col(TicketLink.other_id) == ticket_id) & (col(TicketLink.ticket_id) == Ticket.id),
            ),
        )
        .where(or_(col(TicketLink.ticket_id) == ticket_id, col(TicketLink.other_id) == ticket_id))
        .order_by(col(TicketLink.id))
    ).all()
    return [(link.kind, link.ticket_id == ticket_id, f"T-{number}") for link, number in rows]


def find(session: Session, a: int, b: int) -> TicketLink | None:
    """The link between two tickets, whichever way it was stored."""
    return (
        session.execute(
            sa_select(TicketLink).where(
                or_(
                    (col(TicketLink.ticket_id) == a) & (col(TicketLink.other_id) == b),
                    (col(TicketLink.ticket_id) == b) & (col(TicketLink.other_id) == a),
                )
            )
        )
        .scalars()
        .first()
    )


def merged_into(session: Session, ticket_id: int) -> int | None:
    """The ticket this one was merged into, if it was."""
    return session.execute(
        sa_select(col(TicketLink.other_id)).where(
            col(TicketLink.ticket_id) == ticket_id, col(TicketLink.kind) == "merged"
        )
    ).scalar()


def add(
    session: Session, ticket_id: int, other_id: int, kind: str, at: datetime, by: int | None
) -> None:
    session.add(
        TicketLink(ticket_id=ticket_id, other_id=other_id, kind=kind, created_at=at, created_by=by)
    )


def remove(session: Session, link: TicketLink) -> None:
    session.execute(delete(TicketLink).where(col(TicketLink.id) == link.id))
