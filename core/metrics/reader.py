"""Tickets and their histories streamed from the store a batch at a time, as the pure
engine (``engine``, ``history``) takes them: memory stays flat in the desk's size."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlmodel import Session

from deskline.core.metrics.history import Step, TicketHistory
from deskline.storage import history as rows

STREAMING_GC = 50_000  # allocations between two young-generation passes while streaming
_streams = 0
_streams_lock = threading.Lock()
_threshold: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def streaming() -> Iterator[None]:
    """Fewer passes of the garbage collector while tickets stream past: every batch makes
    tens of thousands of short-lived objects, in no cycle (memory stays as it is), and at the
    default threshold the collector's passes over them are a tenth of a report's time, a
    growing share on a bigger desk. Reports running at once in threads share one setting;
    the last to finish puts the threshold back."""
    global _streams, _threshold
    with _streams_lock:
        if _streams == 0:
            _threshold = gc.get_threshold()
            gc.set_threshold(max(_threshold[0], STREAMING_GC), *_threshold[1:])
        _streams += 1
    try:
        yield
    finally:
        with _streams_lock:
            _streams -= 1
            if _streams == 0:
                gc.set_threshold(*_threshold)


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
