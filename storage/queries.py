"""Queries the use cases share; each takes the session of the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from storage.models import Agent, Category, Comment, Customer, Event, KeyCounter, Team, Ticket


def next_ticket_number(session: Session) -> int:
    """Hand out the next ticket number; numbers are never reused, even after a rollback
    elsewhere, because the counter row is updated inside the creating transaction."""
    stmt = (
        update(KeyCounter)
        .where(col(KeyCounter.name) == "ticket")
        .values(value=KeyCounter.value + 1)
        .returning(col(KeyCounter.value))
    )
    return int(session.execute(stmt).scalar_one())


def store_schedule(
    session: Session,
    ticket_id: int | None,
    first_response_due_at: datetime,
    resolution_due_at: datetime,
    next_check_at: datetime | None,
) -> None:
    """Overwrite a ticket's derived SLA columns without touching its version."""
    session.execute(
        update(Ticket)
        .where(col(Ticket.id) == ticket_id)
        .values(
            first_response_due_at=first_response_due_at,
            resolution_due_at=resolution_due_at,
            next_check_at=next_check_at,
        )
        .execution_options(synchronize_session=False)
    )


def ticket_by_number(session: Session, number: int, *, for_update: bool = False) -> Ticket | None:
    stmt = select(Ticket).where(Ticket.number == number)
    if for_update:
        stmt = stmt.with_for_update()  # a row lock on PostgreSQL; SQLite holds the file lock
    return session.exec(stmt).first()


def agent_by_handle(session: Session, handle: str) -> Agent | None:
    return session.exec(select(Agent).where(Agent.handle == handle)).first()


def ticket_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Ticket)).one())


def agent_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Agent)).one())


def team_of(session: Session, agent: Agent) -> str | None:
    team = session.get(Team, agent.team_id) if agent.team_id is not None else None
    return team.name if team else None


def team_named(session: Session, name: str, *, create: bool = False) -> Team | None:
    team = session.exec(select(Team).where(Team.name == name)).first()
    if team is None and create:
        team = Team(name=name)
        session.add(team)
        session.flush()
    return team


def customer_named(session: Session, name: str, *, create: bool = False) -> Customer | None:
    customer = session.exec(select(Customer).where(Customer.name == name)).first()
    if customer is None and create:
        customer = Customer(name=name)
        session.add(customer)
        session.flush()
    return customer


def category_at(session: Session, path: str, *, create: bool = False) -> Category | None:
    category = session.exec(select(Category).where(Category.path == path)).first()
    if category is None and create:
        category = Category(path=path)
        session.add(category)
        session.flush()
    return category


Assignee = aliased(Agent, name="assignee")


def next_due():  # type: ignore[no-untyped-def]
    """The due time of the more urgent running clock, as stored (SQL expression)."""
    first_running = and_(
        col(Ticket.first_response_at).is_(None),
        col(Ticket.first_response_due_at) < col(Ticket.resolution_due_at),
    )
    return case(
        (first_running, col(Ticket.first_response_due_at)), else_=col(Ticket.resolution_due_at)
    )


def queue_order() -> tuple[Any, ...]:
    """Most urgent first: running clocks by next due time, paused ones after, then by number."""
    return (col(Ticket.paused_at).is_not(None), next_due(), col(Ticket.number))


def ticket_rows(
    session: Session,
    *,
    numbers: Sequence[int] | None = None,
    statuses: Sequence[str] | None = None,
    priorities: Sequence[str] | None = None,
    assignee_id: int | None = None,
    limit: int | None = None,
) -> list[Any]:
    """Tickets with the names of what they point at, most urgent first (``queue_order``).

    Each row is (Ticket, assignee handle, team name, customer name, customer tier,
    category path).
    """
    stmt = (
        sa_select(
            Ticket,
            col(Assignee.handle),
            col(Team.name),
            col(Customer.name),
            col(Customer.tier),
            col(Category.path),
        )
        .outerjoin(Assignee, col(Ticket.assignee_id) == Assignee.id)
        .outerjoin(Team, col(Ticket.team_id) == Team.id)
        .outerjoin(Customer, col(Ticket.customer_id) == Customer.id)
        .outerjoin(Category, col(Ticket.category_id) == Category.id)
    )
    if numbers is not None:
        stmt = stmt.where(col(Ticket.number).in_(numbers))
    if statuses:
        stmt = stmt.where(col(Ticket.status).in_(statuses))
    if priorities:
        stmt = stmt.where(col(Ticket.priority).in_(priorities))
    if assignee_id is not None:
        stmt = stmt.where(col(Ticket.assignee_id) == assignee_id)
    stmt = stmt.order_by(*queue_order())
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.execute(stmt).all())


def conversation(session: Session, ticket_id: int) -> list[Any]:
    """The ticket's comments, oldest first, each as (Comment, author handle)."""
    stmt = (
        select(Comment, Agent.handle)
        .outerjoin(Agent, col(Comment.author_id) == Agent.id)
        .where(Comment.ticket_id == ticket_id)
        .order_by(col(Comment.created_at), col(Comment.id))
    )
    return list(session.exec(stmt).all())


def audit_trail(session: Session, ticket_id: int) -> list[Any]:
    """The ticket's events, oldest first, each as (Event, actor handle)."""
    stmt = (
        select(Event, Agent.handle)
        .outerjoin(Agent, col(Event.actor_id) == Agent.id)
        .where(Event.ticket_id == ticket_id)
        .order_by(col(Event.at), col(Event.id))
    )
    return list(session.exec(stmt).all())


def agents(session: Session) -> list[Any]:
    """Every agent with its team name, by handle."""
    stmt = (
        select(Agent, Team.name)
        .outerjoin(Team, col(Agent.team_id) == Team.id)
        .order_by(col(Agent.handle))
    )
    return list(session.exec(stmt).all())
