"""The command line's reads in SQLAlchemy Core (``storage.tables``): who is connected, an
agent by handle or login, and tickets in queue order, streamed. They take a Core connection
(``Store.read_rows``) or an ORM session alike, and load no ORM of their own."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Row, Table, and_, case, func, select, text

from deskline.storage.tables import Reader, agent, bind_of, category, customer, team, ticket

BATCH = 500  # rows fetched from the database at a time while a read streams


class TicketRecord(NamedTuple("TicketColumns", [(c.name, Any) for c in ticket.c])):  # type: ignore[misc]
    """A ticket's stored columns, named as ``storage.models.Ticket`` names them."""

    __slots__ = ()

    @property
    def key(self) -> str:
        return f"T-{self.number}"  # type: ignore[attr-defined]


class TicketRow(NamedTuple):
    """A ticket with the names of what it points at."""

    ticket: Any  # a TicketRecord, or a ``storage.models.Ticket``
    assignee: str | None  # handle
    team: str | None
    customer: str | None
    tier: str | None  # the customer's
    category: str | None  # path


_LOGINS: dict[str, str] = {}


def login_of(session: Reader) -> str:
    """Who is connected: the database login (PostgreSQL ``session_user``), else the OS user."""
    bind = bind_of(session)
    url = str(bind.engine.url)
    if url not in _LOGINS:
        if bind.dialect.name == "postgresql":
            _LOGINS[url] = str(session.execute(select(func.session_user())).scalar_one())
        else:
            import getpass

            try:
                _LOGINS[url] = getpass.getuser()
            except (KeyError, OSError):  # no name for this uid (a container)
                import os

                _LOGINS[url] = f"uid {os.getuid()}"
    return _LOGINS[url]


def owns_desk(session: Reader) -> bool:
    """The connected login is a superuser or a member of the role owning the desk's tables:
    it can change them at will anyway (even switch their triggers off)."""
    found = session.execute(
        text(
            "SELECT r.rolsuper OR pg_has_role(session_user, c.relowner, 'MEMBER') "
            "FROM pg_roles r, pg_class c "
            "WHERE r.rolname = session_user AND c.oid = to_regclass('event')"
        )
    ).scalar_one_or_none()
    return bool(found)


def agent_row(
    session: Reader, *, handle: str | None = None, login: str | None = None
) -> Row[Any] | None:
    """The agent of this handle, or bound to this database login (its columns by name)."""
    where = agent.c.handle == handle if login is None else agent.c.db_role == login
    return session.execute(select(agent).where(where)).first()


def agent_count(session: Reader) -> int:
    return int(session.execute(select(func.count()).select_from(agent)).scalar_one())


Assignee = agent.alias("assignee")


def next_due(table: Table = ticket) -> Any:
    """The due time of the more urgent running clock, as stored (SQL expression); ``table``:
    the ticket table a statement selects from (the models' own, in an ORM statement)."""
    c = table.c
    first_running = and_(
        c.first_response_at.is_(None), c.first_response_due_at < c.resolution_due_at
    )
    return case((first_running, c.first_response_due_at), else_=c.resolution_due_at)


def queue_order(table: Table = ticket) -> tuple[Any, ...]:
    """Most urgent first: open tickets by next due time, paused ones after, finished last."""
    c = table.c
    return (
        c.status.in_(("resolved", "closed")),
        c.paused_at.is_not(None),
        next_due(table),
        c.number,
    )


def ticket_select(
    *,
    numbers: Sequence[int] | None = None,
    statuses: Sequence[str] | None = None,
    priorities: Sequence[str] | None = None,
    assignee_id: int | None = None,
    archived: bool | None = None,
) -> Any:
    """A SELECT of ``TicketRow``'s columns, narrowed as asked, in no order yet; ``archived``
    True: archived tickets only, False: live ones only, None: either."""
    stmt = (
        select(
            ticket,
            Assignee.c.handle,
            team.c.name,
            customer.c.name,
            customer.c.tier,
            category.c.path,
        )
        .outerjoin(Assignee, ticket.c.assignee_id == Assignee.c.id)
        .outerjoin(team, ticket.c.team_id == team.c.id)
        .outerjoin(customer, ticket.c.customer_id == customer.c.id)
        .outerjoin(category, ticket.c.category_id == category.c.id)
    )
    if numbers is not None:
        stmt = stmt.where(ticket.c.number.in_(numbers))
    if statuses:
        stmt = stmt.where(ticket.c.status.in_(statuses))
    if priorities:
        stmt = stmt.where(ticket.c.priority.in_(priorities))
    if assignee_id is not None:
        stmt = stmt.where(ticket.c.assignee_id == assignee_id)
    if archived is not None:
        kept = ticket.c.archived_at
        stmt = stmt.where(kept.is_not(None) if archived else kept.is_(None))
    return stmt


def _row(row: Row[Any]) -> TicketRow:
    width = len(ticket.c)
    return TicketRow(TicketRecord._make(row[:width]), *row[width:])


OPEN_STATUSES = frozenset(("new", "assigned", "in_progress", "pending"))  # core's workflow.OPEN


def running(table: Table = ticket) -> Any:
    """A ticket whose clock runs, unpaused: the head of the queue. Only an open ticket has
    a stored ``next_due_at``, and for one not paused it is ``next_due`` (kept so by core),
    so these are in queue order by the index on (next_due_at, number)."""
    return and_(table.c.paused_at.is_(None), table.c.next_due_at.is_not(None))


def ticket_rows(session: Reader, *, limit: int | None = None, **where: Any) -> Iterator[TicketRow]:
    """Tickets with the names of what they point at (narrowed as ``ticket_select``), most
    urgent first (``queue_order``), streamed: the database hands them over ``BATCH`` at a
    time (a server-side cursor on PostgreSQL), so reading them all holds a batch in memory,
    not the desk.

    Read in two parts, each in order: the running tickets by the index on next_due_at
    (the first ``limit`` cost the same at any size, no sort of every open ticket), then
    the others (paused, finished) by ``queue_order``. Archived tickets only
    (``archived=True``): the newest first instead (the archive is closed tickets, in no
    queue; the index on the number reads it in order)."""
    if where.get("archived"):
        parts = [ticket_select(**where).order_by(ticket.c.number.desc())]
    else:
        head = ticket_select(**where)
        if OPEN_STATUSES <= set(where.get("statuses") or ()):  # running ones are all open
            head = ticket_select(**dict(where, statuses=None))
        parts = [
            head.where(running()).order_by(ticket.c.next_due_at, ticket.c.number),
            ticket_select(**where).where(~running()).order_by(*queue_order()),
        ]
    given = 0
    for stmt in parts:
        if limit is not None:
            if given >= limit:
                return
            stmt = stmt.limit(limit - given)
        stmt = stmt.execution_options(stream_results=True, yield_per=BATCH)
        for row in session.execute(stmt):
            given += 1
            yield _row(row)


def ticket_batches(
    session: Reader, *, size: int | None = None, after: int = 0, **where: Any
) -> Iterator[list[TicketRow]]:
    """The same tickets in batches of ``size`` (``BATCH``) by id (those after ``after``),
    each batch read whole before it is given: the caller may write to the tickets between
    batches (``sla recompute``)."""
    size = size or BATCH
    while True:
        stmt = ticket_select(**where).where(ticket.c.id > after).order_by(ticket.c.id)
        batch = [_row(row) for row in session.execute(stmt.limit(size))]
        if not batch:
            return
        yield batch
        after = batch[-1].ticket.id
