"""Queries the use cases share; each takes the session of the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, NamedTuple, TypeVar, overload

from sqlalchemy import ColumnElement, and_, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, col, func, select

from deskline.storage import reads
from deskline.storage.models import (
    Agent,
    Category,
    Comment,
    Customer,
    Event,
    KeyCounter,
    Team,
    Ticket,
)
from deskline.storage.reads import TicketRow as TicketRow  # the Core reads' own, named here too
from deskline.storage.reads import login_of as login_of

Model = TypeVar("Model", bound=SQLModel)


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
    next_due_at: datetime | None,
    at_risk_at: datetime | None,
) -> None:
    """Overwrite a ticket's derived SLA columns without touching its version."""
    session.execute(
        update(Ticket)
        .where(col(Ticket.id) == ticket_id)
        .values(
            first_response_due_at=first_response_due_at,
            resolution_due_at=resolution_due_at,
            next_check_at=next_check_at,
            next_due_at=next_due_at,
            at_risk_at=at_risk_at,
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


@overload
def get_or_create(
    session: Session, model: type[Model], *, create: Literal[True] = True, **key: Any
) -> Model: ...
@overload
def get_or_create(
    session: Session, model: type[Model], *, create: bool, **key: Any
) -> Model | None: ...


def get_or_create(
    session: Session, model: type[Model], *, create: bool = True, **key: Any
) -> Model | None:
    """The ``model`` row with these column values; none there: made (and flushed, so it has
    its id) when ``create``, else None."""
    row = session.exec(select(model).filter_by(**key)).first()
    if row is None and create:
        row = model(**key)
        session.add(row)
        session.flush()
    return row


def team_named(session: Session, name: str, *, create: bool = False) -> Team | None:
    return get_or_create(session, Team, create=create, name=name)


def customer_named(session: Session, name: str, *, create: bool = False) -> Customer | None:
    return get_or_create(session, Customer, create=create, name=name)


def category_at(session: Session, path: str, *, create: bool = False) -> Category | None:
    return get_or_create(session, Category, create=create, path=path)


Assignee = aliased(Agent, name="assignee")


def next_due():  # type: ignore[no-untyped-def]
    """The due time of the more urgent running clock, as stored (SQL expression)."""
    return reads.next_due(Ticket.__table__)  # type: ignore[attr-defined]


def queue_order() -> tuple[Any, ...]:
    """Most urgent first: open tickets by next due time, paused ones after, finished last."""
    return reads.queue_order(Ticket.__table__)  # type: ignore[attr-defined]


def ticket_rows(session: Session, **where: Any) -> list[TicketRow]:
    """Tickets with the names of what they point at, most urgent first, as a list
    (``reads.ticket_rows``: each ticket's stored columns, read with Core)."""
    return list(reads.ticket_rows(session, **where))


def _queue(
    stmt: Any,
    *,
    statuses: Sequence[str],
    assignee_id: int | None = None,
    team_id: int | None = None,
    unassigned: bool = False,
    priorities: Sequence[str] | None = None,
    text: str = "",
    breached_at: datetime | None = None,
    due_before: datetime | None = None,
    running: bool | None = None,
    overdue_at: datetime | None = None,
    risky_at: datetime | None = None,
    due_after: datetime | None = None,
    customers: bool = True,
) -> Any:
    """``stmt`` narrowed to a queue: ``text`` matches the key, title, customer or a tag
    (any case); ``breached_at`` keeps tickets with a running clock past its stored due
    time at that instant; ``due_before`` those whose next due time comes before it.

    From the stored ``next_due_at`` and ``at_risk_at`` (indexed, cheap at any size):
    ``running`` True keeps the open tickets whose resolution clock runs (the queue's head),
    False the others (paused); ``overdue_at`` the tickets breached at that instant;
    ``risky_at`` those at risk or breached then (plus any whose ``at_risk_at`` is not
    stored yet, for the caller to check); ``due_after`` those whose earliest running clock
    is due after that instant. ``customers``: join the customer (its name and
    tier are asked for)."""
    if customers or text:
        stmt = stmt.outerjoin(Customer, col(Ticket.customer_id) == Customer.id)
    # Only open tickets have a running clock, so a test on next_due_at needs no status test
    # (which would lead the database away from the index on it).
    if running:
        stmt = stmt.where(col(Ticket.paused_at).is_(None), col(Ticket.next_due_at).is_not(None))
    elif running is None and overdue_at is None and due_after is None and risky_at is None:
        stmt = stmt.where(col(Ticket.status).in_(statuses))
    if running is False:
        stmt = stmt.where(
            col(Ticket.status).in_(statuses),
            or_(col(Ticket.paused_at).is_not(None), col(Ticket.next_due_at).is_(None)),
        )
    if overdue_at is not None:
        stmt = stmt.where(col(Ticket.next_due_at) <= overdue_at)
    if due_after is not None:
        stmt = stmt.where(col(Ticket.next_due_at) > due_after)
    if risky_at is not None:
        stmt = stmt.where(
            or_(
                col(Ticket.at_risk_at) <= risky_at,
                and_(col(Ticket.at_risk_at).is_(None), col(Ticket.next_due_at).is_not(None)),
            )
        )
    if assignee_id is not None:  # live ones: the partial index on them, not every one ever
        stmt = stmt.where(col(Ticket.assignee_id) == assignee_id, col(Ticket.archived_at).is_(None))
    if team_id is not None:
        stmt = stmt.where(col(Ticket.team_id) == team_id)
    if unassigned:
        stmt = stmt.where(col(Ticket.assignee_id).is_(None))
    if priorities:
        stmt = stmt.where(col(Ticket.priority).in_(priorities))
    for word in text.split():
        like = f"%{word}%"
        matches: list[ColumnElement[bool]] = [
            col(Ticket.title).ilike(like),
            col(Customer.name).ilike(like),
            col(Ticket.tags).ilike(like),
        ]
        key = word.upper().removeprefix("T-")
        if key.isdigit():
            matches.append(col(Ticket.number) == int(key))
        stmt = stmt.where(or_(*matches))
    if breached_at is not None:
        stmt = stmt.where(
            or_(
                and_(
                    col(Ticket.first_response_at).is_(None),
                    col(Ticket.first_response_due_at) <= breached_at,
                ),
                and_(col(Ticket.paused_at).is_(None), col(Ticket.resolution_due_at) <= breached_at),
            )
        )
    if due_before is not None:
        stmt = stmt.where(next_due() <= due_before)
    return stmt


def queue_numbers(session: Session, *, limit: int | None = None, **where: Any) -> list[int]:
    """Ticket numbers of a queue (``_queue``), most urgent first; only numbers, so it
    stays cheap at scale. With ``running=True`` the order is the index on next_due_at."""
    stmt = _queue(sa_select(col(Ticket.number)), customers=False, **where)
    if where.get("running"):
        stmt = stmt.order_by(col(Ticket.next_due_at), col(Ticket.number))
    else:
        stmt = stmt.order_by(*queue_order())
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.execute(stmt).scalars().all())


def queue_count(session: Session, **where: Any) -> int:
    """How many tickets a queue (``_queue``) holds, counted by the database."""
    stmt = _queue(sa_select(func.count()).select_from(Ticket), customers=False, **where)
    return int(session.execute(stmt).scalar_one())


class ClockRow(NamedTuple):
    """An open ticket's columns its SLA clocks are read from (named as ``Ticket`` names
    them) with its customer's tier and its category path; and what a list shows of it,
    when asked for (``clock_select(listed=True)``)."""

    number: int
    priority: str
    created_at: datetime
    channel: str
    first_response_at: datetime | None
    resolved_at: datetime | None
    paused_at: datetime | None
    pause_credit_seconds: int
    tier: str | None
    category: str | None  # path
    title: str = ""
    assignee: str | None = None  # handle


LISTED = ("title", "assignee")  # ClockRow's last fields: read only for a list


def clock_select(*, listed: bool = False) -> Any:
    """A SELECT of ``ClockRow``'s columns with the joins they need (``clock_rows`` reads
    it); ``listed``: with the title and the assignee's handle too."""
    columns = {
        "number": col(Ticket.number),
        "priority": col(Ticket.priority),
        "created_at": col(Ticket.created_at),
        "channel": col(Ticket.channel),
        "first_response_at": col(Ticket.first_response_at),
        "resolved_at": col(Ticket.resolved_at),
        "paused_at": col(Ticket.paused_at),
        "pause_credit_seconds": col(Ticket.pause_credit_seconds),
        "tier": col(Customer.tier),
        "category": col(Category.path),
        "title": col(Ticket.title),
        "assignee": col(Assignee.handle),
    }
    names = ClockRow._fields if listed else ClockRow._fields[: -len(LISTED)]
    stmt = sa_select(*(columns[name] for name in names))
    if listed:
        stmt = stmt.outerjoin(Assignee, col(Ticket.assignee_id) == Assignee.id)
    return stmt.outerjoin(Customer, col(Ticket.customer_id) == Customer.id).outerjoin(
        Category, col(Ticket.category_id) == Category.id
    )


def clock_rows(session: Session, stmt: Any) -> list[ClockRow]:
    """The rows of a ``clock_select`` statement."""
    return [ClockRow(*row) for row in session.execute(stmt)]


def unmarked_clock_rows(session: Session, *, due_after: datetime | None = None) -> list[ClockRow]:
    """The open tickets with a running clock whose ``at_risk_at`` is not stored yet
    (upgraded desks, until `sla recompute`)."""
    stmt = clock_select().where(  # a running clock means an open ticket: the index answers
        col(Ticket.next_due_at).is_not(None),
        col(Ticket.at_risk_at).is_(None),
    )
    if due_after is not None:
        stmt = stmt.where(col(Ticket.next_due_at) > due_after)
    return clock_rows(session, stmt)


def category_paths(session: Session) -> list[str]:
    return list(session.exec(select(Category.path).order_by(col(Category.path))).all())


def customer_names(session: Session) -> list[str]:
    return list(session.exec(select(Customer.name).order_by(col(Customer.name))).all())


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


# -- the audit chain ----------------------------------------------------------------------

DESK_CHAIN_LOCK = 7_311_562  # pg_advisory_xact_lock key: one writer of the desk's chain


def last_event_hash(session: Session, ticket_id: int | None) -> str | None:
    """The newest hash of a chain: the ticket's, or the desk's (``ticket_id`` None)."""
    where = (
        col(Event.ticket_id).is_(None) if ticket_id is None else col(Event.ticket_id) == ticket_id
    )
    stmt = sa_select(col(Event.hash)).where(where).order_by(col(Event.id).desc()).limit(1)
    return session.execute(stmt).scalar_one_or_none()


def lock_desk_chain(session: Session) -> None:
    """Order writers of desk events (PostgreSQL; SQLite has one writer at a time anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa_select(func.pg_advisory_xact_lock(DESK_CHAIN_LOCK)))
