"""The alert engine's queries: due tickets, fired alerts, deliveries and the watcher lease."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from deskline.storage.models import (
    Agent,
    Alert,
    Category,
    Customer,
    Delivery,
    Surge,
    Team,
    Ticket,
    WatcherLease,
)


def _insert(session: Session, table: Any) -> Any:
    """An INSERT that can skip rows whose unique key exists (SQLite and PostgreSQL)."""
    # Imported here: PostgreSQL's dialect costs a SQLite desk 20-30 ms at every start.
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


# -- what is due ------------------------------------------------------------------------


def earliest_check(session: Session) -> datetime | None:
    """The earliest ``next_check_at`` of any ticket: one read of its index."""
    return session.execute(sa_select(func.min(Ticket.next_check_at))).scalar_one_or_none()


class DueRow(NamedTuple):
    """A ticket whose next check has come, with its customer's tier and its category path."""

    ticket: Ticket
    tier: str | None
    category: str | None


def due_rows(session: Session, now: datetime, limit: int) -> list[DueRow]:
    """Tickets whose next check has come, earliest first."""
    stmt = (
        sa_select(Ticket, col(Customer.tier), col(Category.path))  # DueRow's fields in order
        .outerjoin(Customer, col(Ticket.customer_id) == Customer.id)
        .outerjoin(Category, col(Ticket.category_id) == Category.id)
        .where(col(Ticket.next_check_at) <= now)
        .order_by(col(Ticket.next_check_at))
        .limit(limit)
    )
    return [DueRow._make(row) for row in session.execute(stmt)]


def fired_keys(session: Session, ticket_ids: Sequence[int]) -> dict[int, set[str]]:
    """The dedupe keys of the alerts fired so far for these tickets."""
    found: dict[int, set[str]] = {t: set() for t in ticket_ids}
    if ticket_ids:
        stmt = sa_select(col(Alert.ticket_id), col(Alert.dedupe_key)).where(
            col(Alert.ticket_id).in_(ticket_ids)
        )
        for ticket_id, key in session.execute(stmt):
            found[ticket_id].add(key)
    return found


# The tables themselves, not the ORM classes, for what a pass writes in bulk: an UPDATE
# through the class first looks for matching tickets among every object the session holds
# (a pass that fires hundreds holds hundreds: quadratic), ORM inserts do bookkeeping per
# row, and a ticket's version (stale checks) must stay as it is.
TICKETS: Any = Ticket.__table__  # type: ignore[attr-defined]
ALERTS: Any = Alert.__table__  # type: ignore[attr-defined]
DELIVERIES: Any = Delivery.__table__  # type: ignore[attr-defined]


def set_next_checks(session: Session, checks: Sequence[tuple[int, datetime | None]]) -> None:
    """A derived column, for many tickets in one statement: (ticket id, next check)."""
    if checks:
        stmt = (
            update(TICKETS)
            .where(TICKETS.c.id == bindparam("ticket"))
            .values(next_check_at=bindparam("at"))
        )
        session.connection().execute(stmt, [{"ticket": t, "at": at} for t, at in checks])


def raise_levels(session: Session, levels: dict[int, int]) -> None:
    """Raise tickets' escalation levels ({ticket id: level}); a level never goes down."""
    if levels:
        stmt = (
            update(TICKETS)
            .where(
                TICKETS.c.id == bindparam("ticket"), TICKETS.c.escalation_level < bindparam("level")
            )
            .values(escalation_level=bindparam("level"))
        )
        session.connection().execute(stmt, [{"ticket": t, "level": v} for t, v in levels.items()])


def surge_waiting(session: Session) -> bool:
    """Whether a surge waits for its alert."""
    stmt = sa_select(col(Surge.id)).where(col(Surge.alerted_at).is_(None)).limit(1)
    return session.execute(stmt).first() is not None


def unalerted_surges(session: Session) -> list[Surge]:
    stmt = sa_select(Surge).where(col(Surge.alerted_at).is_(None)).order_by(col(Surge.id))
    return list(session.execute(stmt).scalars())


# -- who hears of it -------------------------------------------------------------------


def handles(session: Session, agent_ids: Iterable[int | None]) -> dict[int, str]:
    ids = [i for i in agent_ids if i is not None]
    if not ids:
        return {}
    stmt = sa_select(col(Agent.id), col(Agent.handle)).where(col(Agent.id).in_(ids))
    return {agent_id: handle for agent_id, handle in session.execute(stmt)}


def staff(session: Session) -> list[Any]:
    """(handle, role, team id, on duty, email) of every supervisor, director and admin."""
    stmt = sa_select(
        col(Agent.handle), col(Agent.role), col(Agent.team_id), col(Agent.on_duty), col(Agent.email)
    ).where(col(Agent.role).in_(("supervisor", "director", "admin")))
    return list(session.execute(stmt).all())


def team_id_named(session: Session, name: str) -> int | None:
    stmt = sa_select(col(Team.id)).where(col(Team.name) == name)
    return session.execute(stmt).scalar_one_or_none()


def on_duty(session: Session) -> list[str]:
    """Every agent on duty, by handle."""
    stmt = sa_select(col(Agent.handle)).where(col(Agent.on_duty)).order_by(col(Agent.handle))
    return list(session.execute(stmt).scalars())


def emails(session: Session, handles_: Sequence[str]) -> dict[str, str]:
    if not handles_:
        return {}
    stmt = sa_select(col(Agent.handle), col(Agent.email)).where(
        col(Agent.handle).in_(handles_), col(Agent.email).is_not(None)
    )
    return {h: e for h, e in session.execute(stmt) if e}


def preferences(session: Session, handles_: Sequence[str]) -> dict[str, Any]:
    """The stored notification preferences (agent.notify) of these agents that set any."""
    if not handles_:
        return {}
    stmt = sa_select(col(Agent.handle), col(Agent.notify)).where(
        col(Agent.handle).in_(handles_), col(Agent.notify).is_not(None)
    )
    return {h: n for h, n in session.execute(stmt) if n}


def set_notify(session: Session, handle: str, data: dict[str, Any]) -> None:
    session.execute(update(Agent).where(col(Agent.handle) == handle).values(notify=data))


# -- firing ------------------------------------------------------------------------------


def insert_alert(session: Session, values: dict[str, Any]) -> int | None:
    """Store a fired alert; None when its dedupe key is already there (fired before)."""
    stmt = (
        _insert(session, ALERTS)  # Core: no ORM bookkeeping for a bulk of them
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(ALERTS.c.id)
    )
    return session.connection().execute(stmt, values).scalar_one_or_none()


def add_deliveries(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Deliveries to make: pending unless a row says otherwise (``status``, ``detail``)."""
    if rows:
        stmt = _insert(session, DELIVERIES).on_conflict_do_nothing(
            index_elements=["alert_id", "recipient", "channel"]
        )
        full = [{"status": "pending", "detail": None, "delivered_at": None, **row} for row in rows]
        session.connection().execute(stmt, full)


def set_summary(session: Session, alert_id: int, summary: str) -> None:
    session.connection().execute(
        update(ALERTS).where(ALERTS.c.id == alert_id).values(summary=summary)
    )


def alerts_after(session: Session, after: int, limit: int = 500) -> list[Any]:
    """(Alert, ticket number or None, ticket title or None) with ids above ``after``, by id:
    the alert feed."""
    stmt = (
        sa_select(Alert, col(Ticket.number), col(Ticket.title))
        .outerjoin(Ticket, col(Alert.ticket_id) == Ticket.id)
        .where(col(Alert.id) > after)
        .order_by(col(Alert.id))
        .limit(limit)
    )
    return list(session.execute(stmt).all())


def last_alert_id(session: Session) -> int:
    return session.execute(sa_select(func.max(col(Alert.id)))).scalar_one_or_none() or 0


def finish_delivery(
    session: Session, delivery_id: int, status: str, detail: str | None, at: datetime
) -> None:
    session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(status=status, detail=detail, delivered_at=at)
    )


# -- the outbound queue (webhook and email: the lease holder sends them) -----------------


def lane_heads(session: Session, channels: Sequence[str]) -> list[Any]:
    """(Delivery, the alert's fired_at, ticket id) of the oldest pending delivery of each
    lane (one channel to one recipient): what is sent next, in firing order."""
    firsts = (
        sa_select(col(Delivery.channel), col(Delivery.recipient), func.min(col(Delivery.alert_id)))
        .where(col(Delivery.channel).in_(channels), col(Delivery.status) == "pending")
        .group_by(col(Delivery.channel), col(Delivery.recipient))
    )
    heads = [tuple(row) for row in session.execute(firsts)]
    if not heads:
        return []
    stmt = (
        sa_select(Delivery, col(Alert.fired_at), col(Alert.ticket_id))
        .join(Alert, col(Delivery.alert_id) == Alert.id)
        .where(
            or_(
                *(
                    and_(
                        col(Delivery.channel) == channel,
                        col(Delivery.recipient) == recipient,
                        col(Delivery.alert_id) == alert_id,
                    )
                    for channel, recipient, alert_id in heads
                )
            )
        )
        .order_by(col(Delivery.alert_id), col(Delivery.id))
    )
    return list(session.execute(stmt).all())


def claim_attempt(session: Session, delivery_id: int, now: datetime, until: datetime) -> bool:
    """Take the next attempt of a pending delivery that is due: True for exactly one caller
    (the UPDATE decides); no one else tries it before ``until`` (its send's longest time)."""
    result = session.execute(
        update(Delivery)
        .where(
            col(Delivery.id) == delivery_id,
            col(Delivery.status) == "pending",
            or_(col(Delivery.next_attempt_at).is_(None), col(Delivery.next_attempt_at) <= now),
        )
        .values(attempts=col(Delivery.attempts) + 1, next_attempt_at=until)
    )
    return bool(getattr(result, "rowcount", 0))


def retry_later(session: Session, delivery_id: int, error: str, at: datetime) -> None:
    session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.status) == "pending")
        .values(last_error=error, next_attempt_at=at)
    )


def give_up(session: Session, delivery_id: int, error: str, detail: str, at: datetime) -> bool:
    """Mark a pending delivery failed; True only for the one call that did (told once)."""
    result = session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.status) == "pending")
        .values(status="failed", last_error=error, detail=detail, delivered_at=at)
    )
    return bool(getattr(result, "rowcount", 0))


def resend(
    session: Session, delivery_id: int, channels: Sequence[str], now: datetime
) -> str | None:
    """Queue a failed delivery again (its give-up age counted from now); its status before
    (None: no such delivery on these channels). Only a failed one moves."""
    row = session.get(Delivery, delivery_id)
    if row is None or row.channel not in channels:
        return None
    if row.status == "failed":
        session.execute(
            update(Delivery)
            .where(col(Delivery.id) == delivery_id, col(Delivery.status) == "failed")
            .values(status="pending", detail=None, next_attempt_at=None, queued_at=now)
        )
        return "failed"
    return row.status


def outbound(
    session: Session, channels: Sequence[str], *, failed: bool = False, limit: int = 200
) -> list[Any]:
    """(Delivery, Alert, ticket number or None) of these channels, newest first; ``failed``:
    only those given up."""
    stmt = (
        sa_select(Delivery, Alert, col(Ticket.number))
        .join(Alert, col(Delivery.alert_id) == Alert.id)
        .outerjoin(Ticket, col(Alert.ticket_id) == Ticket.id)
        .where(col(Delivery.channel).in_(channels))
        .order_by(col(Delivery.id).desc())
        .limit(limit)
    )
    if failed:
        stmt = stmt.where(col(Delivery.status) == "failed")
    return list(session.execute(stmt).all())


def alert_with_ticket(session: Session, alert_id: int) -> Any:
    """(Alert, ticket number or None, ticket title or None), or None."""
    stmt = (
        sa_select(Alert, col(Ticket.number), col(Ticket.title))
        .outerjoin(Ticket, col(Alert.ticket_id) == Ticket.id)
        .where(col(Alert.id) == alert_id)
    )
    return session.execute(stmt).first()


def admins(session: Session) -> list[str]:
    stmt = (
        sa_select(col(Agent.handle)).where(col(Agent.role) == "admin").order_by(col(Agent.handle))
    )
    return list(session.execute(stmt).scalars())


def waiting(session: Session, recipient: str) -> set[str]:
    """The channels on which this recipient has deliveries waiting (one index read)."""
    stmt = (
        sa_select(col(Delivery.channel))
        .where(col(Delivery.recipient) == recipient, col(Delivery.status) == "pending")
        .distinct()
    )
    return set(session.execute(stmt).scalars())


def claim(session: Session, recipient: str, channel: str, now: datetime) -> list[int]:
    """Take the pending deliveries of one recipient and channel that are due (a retry waits
    for its next attempt): each is claimed by exactly one client, even with several windows
    open (the UPDATE decides)."""
    stmt = (
        update(Delivery)
        .where(
            col(Delivery.recipient) == recipient,
            col(Delivery.channel) == channel,
            col(Delivery.status) == "pending",
            or_(col(Delivery.next_attempt_at).is_(None), col(Delivery.next_attempt_at) <= now),
        )
        .values(status="delivered", delivered_at=now)
        .returning(col(Delivery.id))
    )
    return list(session.execute(stmt).scalars())


def try_again(session: Session, delivery_id: int, error: str, at: datetime, tries: int) -> bool:
    """A claimed delivery whose attempt failed back to pending until ``at``, while it has
    had fewer than ``tries`` attempts; False when it has had them all."""
    result = session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.attempts) < tries - 1)
        .values(
            status="pending",
            attempts=col(Delivery.attempts) + 1,
            last_error=error,
            next_attempt_at=at,
            delivered_at=None,
        )
    )
    return bool(getattr(result, "rowcount", 0))


def deliveries(
    session: Session,
    *,
    ids: Sequence[int] | None = None,
    recipient: str | None = None,
    channel: str = "app",
    limit: int = 200,
) -> list[Any]:
    """(Delivery, Alert, ticket number or None, ticket title or None), newest first."""
    stmt = (
        sa_select(Delivery, Alert, col(Ticket.number), col(Ticket.title))
        .join(Alert, col(Delivery.alert_id) == Alert.id)
        .outerjoin(Ticket, col(Alert.ticket_id) == Ticket.id)
        .order_by(col(Alert.fired_at).desc(), col(Delivery.id).desc())
        .limit(limit)
    )
    if ids is not None:
        stmt = stmt.where(col(Delivery.id).in_(ids))
    else:
        stmt = stmt.where(col(Delivery.recipient) == recipient, col(Delivery.channel) == channel)
    return list(session.execute(stmt).all())


def acknowledge(session: Session, delivery_id: int, recipient: str, now: datetime) -> bool:
    result = session.execute(
        update(Delivery)
        .where(
            col(Delivery.id) == delivery_id,
            col(Delivery.recipient) == recipient,
            col(Delivery.acknowledged_at).is_(None),
        )
        .values(acknowledged_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def open_alerts(session: Session) -> int:
    return session.execute(sa_select(func.count()).select_from(Alert)).scalar_one()


# -- the lease ---------------------------------------------------------------------------


def hold_lease(session: Session, name: str, holder: str, now: datetime, until: datetime) -> bool:
    """Take or renew the lease: True when ``holder`` has it until ``until``.

    One conditional UPDATE decides between competing watchers; the row is made once."""
    session.execute(
        _insert(session, WatcherLease)
        .values(name=name, holder=holder, expires_at=now)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    result = session.execute(
        update(WatcherLease)
        .where(
            col(WatcherLease.name) == name,
            or_(col(WatcherLease.holder) == holder, col(WatcherLease.expires_at) <= now),
        )
        .values(holder=holder, expires_at=until)
    )
    return bool(getattr(result, "rowcount", 0))


def release_lease(session: Session, name: str, holder: str, now: datetime) -> None:
    session.execute(
        update(WatcherLease)
        .where(and_(col(WatcherLease.name) == name, col(WatcherLease.holder) == holder))
        .values(expires_at=now)
    )


def lease_holder(session: Session, name: str, now: datetime) -> str | None:
    """Who holds the lease now (None: nobody, or it lapsed)."""
    row = session.get(WatcherLease, name)
    if row is None or row.expires_at <= now:
        return None
    return row.holder
