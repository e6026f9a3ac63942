"""Reading tickets back with their audit history, a batch at a time, for the desk's numbers
(``core.metrics``): memory stays flat however many tickets the desk holds."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from json.scanner import make_scanner
from typing import Any

from sqlalchemy import Text, cast
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from deskline.storage.models import Agent, Alert, Category, Customer, Event, Team, Ticket

BATCH = 2000
OPEN = ("new", "assigned", "in_progress", "pending")


def ticket_batches(
    session: Session,
    *,
    since: datetime | None,
    until: datetime,
    team: str | None = None,
    agent: str | None = None,
    batch: int = BATCH,
) -> Iterator[list[tuple[Any, ...]]]:
    """Tickets that may count in [since, until): created before ``until`` and either still
    open or changed at or after ``since``. Each row: (id, number, title, priority, channel,
    created_at, team name, assignee handle, category path, customer tier), ``batch`` at a
    time in id order (keyset paging)."""
    holder = aliased(Agent)
    columns = sa_select(
        col(Ticket.id),
        col(Ticket.number),
        col(Ticket.title),
        col(Ticket.priority),
        col(Ticket.channel),
        col(Ticket.created_at),
        col(Team.name),
        col(holder.handle),
        col(Category.path),
        col(Customer.tier),
    )
    stmt = (
        columns.outerjoin(Team, col(Ticket.team_id) == Team.id)
        .outerjoin(holder, col(Ticket.assignee_id) == holder.id)
        .outerjoin(Category, col(Ticket.category_id) == Category.id)
        .outerjoin(Customer, col(Ticket.customer_id) == Customer.id)
        .where(col(Ticket.created_at) < until)
    )
    if team is not None:
        stmt = stmt.where(col(Team.name) == team)
    if agent is not None:
        stmt = stmt.where(col(holder.handle) == agent)
    # Core rows through the session's connection: the ORM's loading of plain columns costs
    # more per row than the row itself.
    conn = session.connection()
    if since is None:
        last = 0
        while True:
            page = stmt.where(col(Ticket.id) > last).order_by(col(Ticket.id)).limit(batch)
            rows = [tuple(r) for r in conn.execute(page).all()]
            if not rows:
                return
            yield rows
            last = rows[-1][0]
    # A period's tickets are found through two indexes, changed since its start
    # (ix_ticket_updated_at) and still open (ix_ticket_status), never by walking the desk:
    # a week's report costs what the week and the backlog hold, however old the desk is.
    # What is kept meanwhile is their ids, in id order.
    changed = sa_select(col(Ticket.id)).where(
        col(Ticket.updated_at) >= since, col(Ticket.created_at) < until
    )
    still_open = sa_select(col(Ticket.id)).where(
        col(Ticket.status).in_(OPEN), col(Ticket.created_at) < until
    )
    found = set(conn.scalars(changed)) | set(conn.scalars(still_open))
    ids = sorted(i for i in found if i is not None)
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        page = stmt.where(col(Ticket.id).in_(chunk)).order_by(col(Ticket.id))
        rows = [tuple(r) for r in conn.execute(page).all()]
        if rows:
            yield rows


def events_of(session: Session, ticket_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """(ticket id, at, kind, old, new, actor handle) of these tickets, each ticket's in the
    order they were written. ``old`` and ``new`` are read as their JSON text and decoded
    here, into the values the JSON column gives: most events of a desk say the same few
    changes ("pending" to "in_progress"), each such text read once a batch and its dict
    shared by the events that say it (read them, never change them)."""
    stmt = (
        sa_select(
            col(Event.ticket_id),
            col(Event.at),
            col(Event.kind),
            cast(col(Event.old), Text),
            cast(col(Event.new), Text),
            col(Agent.handle),
        )
        .outerjoin(Agent, col(Event.actor_id) == Agent.id)
        .where(col(Event.ticket_id).in_(list(ticket_ids)))
        .order_by(col(Event.ticket_id), col(Event.id))
    )
    decode = _json_decoder()
    return [
        (ticket_id, at, kind, decode(old), decode(new), actor)
        for ticket_id, at, kind, old, new, actor in session.connection().execute(stmt).all()
    ]


def alerts_fired(
    session: Session, since: datetime | None, until: datetime, team: str | None = None
) -> Iterator[tuple[Any, ...]]:
    """(fired_at, rung, level, recipients, ticket number, team name) of the ladder's alerts
    fired in [since, until), streamed."""
    stmt = (
        sa_select(
            col(Alert.fired_at),
            col(Alert.rung),
            col(Alert.level),
            col(Alert.recipients),
            col(Ticket.number),
            col(Team.name),
        )
        .outerjoin(Ticket, col(Alert.ticket_id) == Ticket.id)
        .outerjoin(Team, col(Ticket.team_id) == Team.id)
        .where(col(Alert.fired_at) < until)
        # an admin told a delivery was given up, or a supervisor of an article worth
        # writing, is no alert of the ladder: not counted
        .where(col(Alert.rung).not_in(("delivery_failed", "kb_suggested")))
    )
    if since is not None:
        stmt = stmt.where(col(Alert.fired_at) >= since)
    if team is not None:
        stmt = stmt.where(col(Team.name) == team)
    yield from session.execute(stmt.order_by(col(Alert.id)).execution_options(yield_per=BATCH))


def roster(session: Session) -> list[tuple[str, str, str | None]]:
    """(handle, role, team name) of every agent."""
    stmt = sa_select(col(Agent.handle), col(Agent.role), col(Team.name)).outerjoin(
        Team, col(Agent.team_id) == Team.id
    )
    return [(h, r, t) for h, r, t in session.execute(stmt)]


def on_duty(session: Session, team: str | None) -> int:
    """How many agents are on duty now (of this team)."""
    stmt = (
        sa_select(col(Agent.id))
        .outerjoin(Team, col(Agent.team_id) == Team.id)
        .where(col(Agent.on_duty).is_(True))
    )
    if team is not None:
        stmt = stmt.where(col(Team.name) == team)
    return len(list(session.execute(stmt)))


# json's own scanner (C), as JSONDecoder.raw_decode calls it (typeshed types its argument oddly)
_scan: Callable[[str, int], tuple[Any, int]] = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
_MEMO_LIMIT = 4096  # distinct texts kept per batch: memory stays flat


def _json_decoder() -> Callable[[str | None], Any]:
    """JSON text to its value, as ``json.loads`` reads it, without its per-call checks. A
    flat object (no list or object inside) seen before is the same dict again: an event's
    old and new values are read, never changed (the audit trail is append-only)."""
    memo: dict[str, dict[str, Any]] = {}

    def decode(text: str | None) -> Any:
        if text is None:
            return None
        known = memo.get(text)
        if known is not None:
            return known
        try:
            found, end = _scan(text, 0)
        except StopIteration:  # leading space, or not JSON: json.loads says what is wrong
            return json.loads(text)
        if end != len(text):
            return json.loads(text)
        if type(found) is dict and len(memo) < _MEMO_LIMIT and _flat(found):
            memo[text] = found
        return found

    return decode


def _flat(value: dict[str, Any]) -> bool:
    return not any(isinstance(v, (dict, list)) for v in value.values())
