"""Contacts (a customer's people), their addresses, a ticket's requester and CCs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from deskline.storage.models import Contact, ContactEmail, Customer, Ticket, TicketCc


def by_address(session: Session, address: str) -> Contact | None:
    """The contact an address (lower-case) belongs to."""
    stmt = (
        sa_select(Contact)
        .join(ContactEmail, col(ContactEmail.contact_id) == Contact.id)
        .where(col(ContactEmail.address) == address)
    )
    return session.execute(stmt).scalars().first()


def named(session: Session, name: str, customer_id: int | None) -> Contact | None:
    stmt = sa_select(Contact).where(
        col(Contact.name) == name, col(Contact.customer_id) == customer_id
    )
    return session.execute(stmt).scalars().first()


def add(
    session: Session,
    name: str,
    customer_id: int | None,
    addresses: Sequence[str],
    phone: str | None,
    now: datetime,
) -> Contact:
    contact = Contact(customer_id=customer_id, name=name, phone=phone, created_at=now)
    session.add(contact)
    session.flush()
    add_addresses(session, contact, addresses)
    return contact


def add_addresses(session: Session, contact: Contact, addresses: Sequence[str]) -> None:
    assert contact.id is not None
    for address in addresses:
        session.add(ContactEmail(contact_id=contact.id, address=address))
    session.flush()


def addresses(session: Session, contact_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each contact's addresses, in the order they were added."""
    found: dict[int, list[str]] = {c: [] for c in contact_ids}
    if contact_ids:
        stmt = (
            sa_select(col(ContactEmail.contact_id), col(ContactEmail.address))
            .where(col(ContactEmail.contact_id).in_(contact_ids))
            .order_by(col(ContactEmail.id))
        )
        for contact_id, address in session.execute(stmt):
            found[contact_id].append(address)
    return found


def listed(session: Session, customer_id: int | None = None, *, every: bool = True) -> list[Any]:
    """(Contact, customer name or None), by customer then name; ``customer_id`` given: that
    customer's only (``every`` False with None: those of no customer)."""
    stmt = sa_select(Contact, col(Customer.name)).outerjoin(
        Customer, col(Contact.customer_id) == Customer.id
    )
    if customer_id is not None or not every:
        stmt = stmt.where(col(Contact.customer_id) == customer_id)
    stmt = stmt.order_by(
        col(Customer.name).is_(None), col(Customer.name), col(Contact.name), col(Contact.id)
    )
    return list(session.execute(stmt).all())


def ccs(session: Session, ticket_id: int) -> list[Contact]:
    stmt = (
        sa_select(Contact)
        .join(TicketCc, col(TicketCc.contact_id) == Contact.id)
        .where(col(TicketCc.ticket_id) == ticket_id)
        .order_by(col(Contact.id))
    )
    return list(session.execute(stmt).scalars())


def add_cc(session: Session, ticket_id: int, contact_id: int) -> bool:
    """Copy a contact on a ticket; False if they already were."""
    if session.get(TicketCc, (ticket_id, contact_id)) is not None:
        return False
    session.add(TicketCc(ticket_id=ticket_id, contact_id=contact_id))
    session.flush()
    return True


def tickets_of(
    session: Session,
    *,
    requester_id: int | None = None,
    customer_id: int | None = None,
    statuses: Sequence[str] | None = None,
) -> list[Ticket]:
    """A requester's or a customer's tickets, newest first."""
    stmt = sa_select(Ticket)
    if requester_id is not None:
        stmt = stmt.where(col(Ticket.requester_id) == requester_id)
    if customer_id is not None:
        stmt = stmt.where(col(Ticket.customer_id) == customer_id)
    if statuses:
        stmt = stmt.where(col(Ticket.status).in_(statuses))
    return list(session.execute(stmt.order_by(col(Ticket.number).desc())).scalars())
