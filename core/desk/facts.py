"""What the SLA clocks and the alert ladder are read from, built one way from a stored ticket,
and what the clocks give back to the store for the queue's order and counts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from deskline.core.alerts.ladder import LadderFacts
from deskline.core.sla.clocks import ClockFacts, SlaClock

if TYPE_CHECKING:
    from deskline.storage.models import Ticket


class ClockColumns(Protocol):
    """A stored ticket's columns its clocks are read from: a ``Ticket``, or a row of
    ``storage.queries.clock_rows`` (which names them as ``Ticket`` does)."""

    @property
    def created_at(self) -> datetime: ...
    @property
    def priority(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def first_response_at(self) -> datetime | None: ...
    @property
    def resolved_at(self) -> datetime | None: ...
    @property
    def paused_at(self) -> datetime | None: ...
    @property
    def pause_credit_seconds(self) -> int: ...


def clock_facts(ticket: ClockColumns, tier: str | None, category: str | None) -> ClockFacts:
    """What the SLA arithmetic needs of a stored ticket, its customer's tier and its
    category path."""
    return ClockFacts(
        created_at=ticket.created_at,
        priority=ticket.priority,
        tier=tier,
        category=category,
        channel=ticket.channel,
        first_response_at=ticket.first_response_at,
        resolved_at=ticket.resolved_at,
        paused_at=ticket.paused_at,
        pause_credit_seconds=ticket.pause_credit_seconds,
    )


def ladder_facts(ticket: Ticket) -> LadderFacts:
    """What the alert ladder needs of a stored ticket besides its SLA clock."""
    return LadderFacts(
        id=ticket.id or 0,
        status=ticket.status,
        assigned=ticket.assignee_id is not None,
        created_at=ticket.created_at,
        assigned_at=ticket.assigned_at,
        status_at=ticket.status_at,
        resolved_at=ticket.resolved_at,
        escalated_at=ticket.escalated_at,
        escalated_to=ticket.escalated_to,
    )


def queue_marks(sla: SlaClock) -> tuple[datetime | None, datetime | None]:
    """When the earliest running clock breaches and when it turns at risk (None, None when
    no clock runs): stored, so the queue sorts and counts by indexed columns."""
    marks = {(clock, name): at for clock, name, at in sla.thresholds()}
    breaches = [(at, clock) for (clock, name), at in marks.items() if name == "breach"]
    if not breaches:
        return None, None
    due, clock = min(breaches)
    return due, marks.get((clock, "at_risk"))
