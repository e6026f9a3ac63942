"""Tickets and their histories streamed from the store a batch at a time, as the pure
engine (``engine``, ``history``) takes them: memory stays flat in the desk's size."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlmodel import Session

from deskline.core.metrics.history import Step, TicketHistory
from deskline.storage import history as rows


def histories(
    session: Session,
    *,
    since: datetime | None,
    until: datetime,
    team: str | None = None,
    agent: str | None = None,
) -> Iterator[TicketHistory]:
    """Every ticket that may count in [since, until), with its events, in id order."""
    for batch in rows.ticket_batches(session, since=since, until=until, team=team, agent=agent):
        ids = [row[0] for row in batch]
        steps: dict[int, list[Step]] = {i: [] for i in ids}
        for ticket_id, at, kind, old, new, actor in rows.events_of(session, ids):
            steps[ticket_id].append(Step(at, kind, old, new, actor))
        for i, number, title, priority, channel, created, team_name, holder, path, tier in batch:
            yield TicketHistory(
                id=i,
                number=number,
                title=title,
                priority=priority,
                channel=channel,
                created_at=created,
                steps=tuple(steps[i]),
                category=path,
                tier=tier,
                team=team_name,
                assignee=holder,
            )


def alerts(
    session: Session, *, since: datetime | None, until: datetime, team: str | None = None
) -> Iterator[tuple[datetime, str, int, list[str], int | None, str | None]]:
    """(fired_at, rung, level, recipients, ticket number, team) of the alerts fired."""
    for fired_at, rung, level, recipients, number, team_name in rows.alerts_fired(
        session, since, until, team
    ):
        yield fired_at, rung, level, list(recipients or []), number, team_name


def roster(session: Session) -> list[tuple[str, str, str | None]]:
    return rows.roster(session)


def on_duty(session: Session, team: str | None) -> int:
    return rows.on_duty(session, team)
