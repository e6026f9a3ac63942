"""Queries of the breach dashboard: counts and trends computed by the database, and the few
columns the live SLA clocks of open tickets are read from."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, case, literal_column, null, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from deskline.storage import queries, reads
from deskline.storage.models import Agent, Team, Ticket
from deskline.storage.queries import ClockRow, next_due


def team_id(session: Session, name: str) -> int | None:
    return session.exec(select(Team.id).where(Team.name == name)).first()


def team_names(session: Session) -> list[str]:
    return list(session.exec(select(Team.name).order_by(col(Team.name))).all())


def _in_team(stmt: Any, team: int | None) -> Any:
    return stmt if team is None else stmt.where(col(Ticket.team_id) == team)


def clock_rows(
    session: Session,
    *,
    statuses: Sequence[str],
    team: int | None = None,
    due_before: datetime | None = None,
    numbers: Sequence[int] | None = None,
) -> list[ClockRow]:
    """Open tickets with what their SLA clocks are read from, and their titles and assignees.
    ``due_before`` keeps those whose stored next due time comes before it; ``numbers`` only
    these tickets."""
    return list(
        each_clock_row(
            session, statuses=statuses, team=team, due_before=due_before, numbers=numbers
        )
    )


def each_clock_row(
    session: Session,
    *,
    statuses: Sequence[str],
    team: int | None = None,
    due_before: datetime | None = None,
    numbers: Sequence[int] | None = None,
) -> Iterator[ClockRow]:
    """The same rows streamed, ``reads.BATCH`` fetched at a time (a server-side cursor on
    PostgreSQL): ``dashboard --once`` holds a batch, not every open ticket."""
    stmt = _in_team(queries.clock_select(listed=True).where(col(Ticket.status).in_(statuses)), team)
    if due_before is not None:
        stmt = stmt.where(next_due() <= due_before)
    if numbers is not None:
        stmt = stmt.where(col(Ticket.number).in_(numbers))
    return _streamed(session, stmt)


def _streamed(session: Session, stmt: Any) -> Iterator[ClockRow]:
    stmt = stmt.execution_options(stream_results=True, yield_per=reads.BATCH)
    for row in session.execute(stmt):
        yield ClockRow(*row)


def _running(team: int | None) -> Any:
    """Open tickets with a running clock (a stored ``next_due_at``: only open tickets have
    one, so no status test leads the database away from the index on it)."""
    stmt = queries.clock_select(listed=True).where(col(Ticket.next_due_at).is_not(None))
    return _in_team(stmt, team)


def _marked(stmt: Any, now: datetime, due_before: datetime | None) -> Any:
    """Breached at ``now`` (``due_before`` None): the earliest running clock past its due
    time; else at risk: not yet due (and due by ``due_before``), its at-risk instant come."""
    due = col(Ticket.next_due_at)
    if due_before is None:
        return stmt.where(due <= now)
    return stmt.where(due > now, due <= due_before, col(Ticket.at_risk_at) <= now)


def marked_rows(
    session: Session,
    now: datetime,
    *,
    limit: int,
    due_before: datetime | None = None,
    team: int | None = None,
) -> Iterator[ClockRow]:
    """The first ``limit`` tickets breached at ``now`` (or at risk, ``_marked``) by their
    stored instants, earliest due first (then by number): a list's head, by the index."""
    stmt = _marked(_running(team), now, due_before)
    order = (col(Ticket.next_due_at), col(Ticket.number))
    return _streamed(session, stmt.order_by(*order).limit(limit))


def marked_counts(
    session: Session, now: datetime, *, due_before: datetime | None = None, team: int | None = None
) -> list[tuple[str, str | None, int]]:
    """(priority, assignee's handle, how many) of the tickets breached at ``now`` (or at
    risk, ``_marked``) by their stored instants, counted by the database."""
    handle = col(queries.Assignee.handle)
    stmt = (
        sa_select(col(Ticket.priority), handle, func.count())
        .select_from(Ticket)
        .outerjoin(queries.Assignee, col(Ticket.assignee_id) == queries.Assignee.id)
        # the handle first: grouped by the priority first, SQLite reads the whole table by
        # its index on the priority (for the grouping's order) instead of the due times'
        .group_by(handle, col(Ticket.priority))
    )
    stmt = _marked(_in_team(stmt, team), now, due_before)
    return [(p, a, int(n)) for p, a, n in session.execute(stmt)]


def unmarked_rows(
    session: Session,
    now: datetime,
    warned_before: Sequence[tuple[str, bool, datetime]],
    due_before: datetime,
    team: int | None = None,
) -> Iterator[tuple[ClockRow, datetime, datetime | None]]:
    """The tickets not past due at ``now`` (due by ``due_before``) whose stored at-risk
    instant has not come (or is not stored yet) and that may be in a warning: with no
    at-risk instant stored, or due before the bound given for their priority and whether
    their first-response clock runs, ``warned_before``'s (priority, running, bound) (no
    warning that can show before the at-risk instant has begun for a later one); streamed,
    to be read one at a time, each with its stored due and at-risk instants."""
    due, risk = col(Ticket.next_due_at), col(Ticket.at_risk_at)
    later = or_(risk > now, risk.is_(None))
    waiting = and_(col(Ticket.first_response_at).is_(None), col(Ticket.resolved_at).is_(None))
    near = or_(
        risk.is_(None),
        *(
            and_(col(Ticket.priority) == priority, waiting if first else ~waiting, due < bound)
            for priority, first, bound in warned_before
        ),
    )
    stmt = _running(team).add_columns(due, risk).where(due > now, due <= due_before, later, near)
    if warned_before:  # implied by ``near``, and told from the queue's index alone: the rows
        # due later than every bound are left before their ticket's row is read
        stmt = stmt.where(or_(risk.is_(None), due < max(b for _, _, b in warned_before)))
    stmt = stmt.execution_options(stream_results=True, yield_per=reads.BATCH)
    for *row, due_at, at_risk in session.execute(stmt):
        yield ClockRow(*row), due_at, at_risk


def next_instants(
    session: Session, now: datetime, due_before: datetime, team: int | None = None
) -> tuple[datetime | None, datetime | None]:
    """The earliest stored due time after ``now`` (a ticket breaches then), and the
    earliest stored at-risk instant after ``now`` of a ticket not due by then, due by
    ``due_before`` (it turns at risk then), of the running clocks: by the index."""
    due, risk = col(Ticket.next_due_at), col(Ticket.at_risk_at)
    first_due = _in_team(sa_select(func.min(due)).where(due > now), team)
    first_risk = _in_team(
        sa_select(func.min(risk)).where(due > now, due <= due_before, risk > now), team
    )
    return session.execute(first_due).scalar(), session.execute(first_risk).scalar()


class Signature(NamedTuple):
    """What the counts and trends are computed from, of one ticket."""

    status: str
    priority: str
    team_id: int | None
    assignee_id: int | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    paused_at: datetime | None
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None


def _signature_select() -> Any:
    return sa_select(
        col(Ticket.number),  # then Signature's fields in order
        col(Ticket.status),
        col(Ticket.priority),
        col(Ticket.team_id),
        col(Ticket.assignee_id),
        col(Ticket.first_response_at),
        col(Ticket.resolved_at),
        col(Ticket.paused_at),
        col(Ticket.first_response_due_at),
        col(Ticket.resolution_due_at),
    )


def each_signature(session: Session, *, statuses: Sequence[str]) -> Iterator[tuple[int, Signature]]:
    """(number, signature) of the tickets in ``statuses``, by number, streamed
    (``reads.BATCH`` at a time)."""
    stmt = _signature_select().where(col(Ticket.status).in_(statuses)).order_by(col(Ticket.number))
    stmt = stmt.execution_options(stream_results=True, yield_per=reads.BATCH)
    for number, *rest in session.execute(stmt):
        yield number, Signature._make(rest)


def signatures(
    session: Session,
    *,
    statuses: Sequence[str] | None = None,
    numbers: Sequence[int] | None = None,
) -> dict[int, Signature]:
    """{number: its signature}, of the tickets in ``statuses``, or of these ``numbers`` in
    any."""
    stmt = _signature_select()
    if statuses is not None:
        stmt = stmt.where(col(Ticket.status).in_(statuses))
    if numbers is not None:
        stmt = stmt.where(col(Ticket.number).in_(numbers))
    return {number: Signature._make(rest) for number, *rest in session.execute(stmt)}


def open_by_priority(
    session: Session, *, statuses: Sequence[str], team: int | None = None
) -> dict[str, tuple[int, int]]:
    """{priority: (open tickets, of them unassigned)}, counted by the database."""
    unassigned = func.sum(case((col(Ticket.assignee_id).is_(None), 1), else_=0))
    stmt = (
        sa_select(col(Ticket.priority), func.count(), unassigned)
        .where(col(Ticket.status).in_(statuses))
        .group_by(col(Ticket.priority))
    )
    rows = session.execute(_in_team(stmt, team)).all()
    return {p: (int(n), int(u or 0)) for p, n, u in rows}


def on_duty_agents(session: Session, team: int | None = None) -> list[Any]:
    """On-duty agents, each as (id, handle, name, role, cap), by handle."""
    stmt = (
        sa_select(
            col(Agent.id), col(Agent.handle), col(Agent.name), col(Agent.role), col(Agent.cap)
        )
        .where(col(Agent.on_duty).is_(True))
        .order_by(col(Agent.handle))
    )
    if team is not None:
        stmt = stmt.where(col(Agent.team_id) == team)
    return list(session.execute(stmt).all())


def held(
    session: Session, *, statuses: Sequence[str], team: int | None = None
) -> dict[int, dict[str, int]]:
    """Tickets each agent holds in ``statuses``, by priority: {agent id: {priority: n}}."""
    stmt = (
        sa_select(col(Ticket.assignee_id), col(Ticket.priority), func.count())
        .where(col(Ticket.assignee_id).is_not(None), col(Ticket.status).in_(statuses))
        .group_by(col(Ticket.assignee_id), col(Ticket.priority))
    )
    found: dict[int, dict[str, int]] = {}
    for agent, priority, count in session.execute(_in_team(stmt, team)).all():
        found.setdefault(agent, {})[priority] = int(count)
    return found


def _bucket(value: Any, bounds: Sequence[datetime]) -> Any:
    """Which span between consecutive ``bounds`` ``value`` falls in (0 the first), NULL
    when in none: a halving CASE, about log2(spans) comparisons a row, not one a span."""

    def within(lo: int, hi: int) -> Any:  # bounds[lo] <= value < bounds[hi] known
        if hi - lo == 1:
            return literal_column(str(lo))
        mid = (lo + hi) // 2
        return case((value < bounds[mid], within(lo, mid)), else_=within(mid, hi))

    inside = and_(value >= bounds[0], value < bounds[-1])
    return case((inside, within(0, len(bounds) - 1)), else_=null())


def _flag(condition: ColumnElement[bool]) -> Any:
    """1 where ``condition`` holds, else 0 (NULL too)."""
    return case((condition, literal_column("1")), else_=literal_column("0"))


class _Part(NamedTuple):
    """One trend's share of a single scan: per clock, the span a row's clock falls in and
    whether it counts (met, or late); which rows it needs; its spans."""

    clocks: list[tuple[Any, Any]]  # (span of the row's instant, 1 if met or late, else 0)
    where: ColumnElement[bool]
    n: int  # spans


def _finished_part(bounds: Sequence[datetime]) -> _Part:
    first_stop = func.coalesce(col(Ticket.first_response_at), col(Ticket.resolved_at))
    first_met = first_stop <= col(Ticket.first_response_due_at)
    resolved = col(Ticket.resolved_at)
    resolution_met = resolved <= col(Ticket.resolution_due_at)
    clocks = [
        (_bucket(first_stop, bounds), _flag(first_met)),
        (_bucket(resolved, bounds), _flag(resolution_met)),
    ]
    # a clock stopped in the spans: as ``first_stop >= start or resolved >= start``
    where = or_(col(Ticket.first_response_at) >= bounds[0], resolved >= bounds[0])
    return _Part(clocks, where, len(bounds) - 1)


def _finished_of(spans: Sequence[tuple[list[int], list[int]]], n: int) -> list[tuple[int, int]]:
    return [(sum(c[i] for c, _ in spans), sum(m[i] for _, m in spans)) for i in range(n)]


def _breach_part(bounds: Sequence[datetime]) -> _Part:
    first_due = col(Ticket.first_response_due_at)
    first_stop = func.coalesce(col(Ticket.first_response_at), col(Ticket.resolved_at))
    first_late = or_(first_stop.is_(None), first_stop > first_due)
    due = col(Ticket.resolution_due_at)
    late = and_(
        or_(col(Ticket.resolved_at).is_(None), col(Ticket.resolved_at) > due),
        or_(col(Ticket.paused_at).is_(None), col(Ticket.paused_at) > due),
    )
    clocks = [(_bucket(first_due, bounds), _flag(first_late)), (_bucket(due, bounds), _flag(late))]
    where = or_(
        and_(first_due >= bounds[0], first_due < bounds[-1]),
        and_(due >= bounds[0], due < bounds[-1]),
    )
    return _Part(clocks, where, len(bounds) - 1)


def _breaches_of(spans: Sequence[tuple[list[int], list[int]]], n: int) -> list[int]:
    return [sum(late[i] for _, late in spans) for i in range(n)]


def _scan(
    session: Session, parts: Sequence[_Part], team: int | None
) -> list[list[tuple[list[int], list[int]]]]:
    """Per part, per clock: (rows in each span, of them met or late), in one read of the
    tickets whose instants fall in a part's spans (by the indexes on them, 0018). The
    database groups the rows by their spans and flags, so it works out a few CASEs a row
    and sends a few hundred groups, whatever the desk's size."""
    columns = [
        expr.label(f"c{i}")
        for i, expr in enumerate(e for part in parts for clock in part.clocks for e in clock)
    ]
    inner = sa_select(*columns).where(or_(*(part.where for part in parts)))
    rows = _in_team(inner, team).subquery()
    grouped = [rows.c[c.name] for c in columns]
    stmt = sa_select(*grouped, func.count()).group_by(*grouped)
    found = [[([0] * part.n, [0] * part.n) for _ in part.clocks] for part in parts]
    for *values, count in session.execute(stmt):
        at = 0
        for clocks in found:
            for counts, flagged in clocks:
                span, flag = values[at], values[at + 1]
                at += 2
                if span is not None:
                    counts[span] += count
                    flagged[span] += count * flag
    return found


def finished_clocks(
    session: Session, bounds: Sequence[datetime], team: int | None = None
) -> list[tuple[int, int]]:
    """For each span between consecutive ``bounds``: (clocks that stopped in it, of them
    met), both clocks of every ticket, from the stored due times. A first-response clock
    stops at the first reply, or at resolving without one; a resolution clock at resolving."""
    part = _finished_part(bounds)
    return _finished_of(_scan(session, [part], team)[0], part.n)


def breaches(session: Session, bounds: Sequence[datetime], team: int | None = None) -> list[int]:
    """For each span between consecutive ``bounds``: how many clocks breached in it (their
    stored due time passed while they ran), both clocks of every ticket."""
    part = _breach_part(bounds)
    return _breaches_of(_scan(session, [part], team)[0], part.n)


def trends(
    session: Session,
    day_bounds: Sequence[datetime],
    hour_bounds: Sequence[datetime],
    team: int | None = None,
) -> tuple[list[tuple[int, int]], list[int]]:
    """``finished_clocks`` of the days and ``breaches`` of the hours, in one read."""
    days, hours = _finished_part(day_bounds), _breach_part(hour_bounds)
    finished, breached = _scan(session, [days, hours], team)
    return _finished_of(finished, days.n), _breaches_of(breached, hours.n)
