"""The demo's past alerts, fired the way the live ladder would have fired them: every
ticket's recorded history played through the replay's code (``core.metrics.replay``, the
same SLA clocks and ladder as the watcher), each rung stored at the moment it came due in
the stretch of history it belongs to. No one is told and nothing is done (the stories
already hold what people did); a replay of the demo desk under its policy gives them back
exactly."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from deskline.core.alerts.ladder import Ladder
from deskline.core.alerts.watcher import mark_notice
from deskline.core.metrics import reader
from deskline.core.metrics.history import TicketHistory
from deskline.core.metrics.replay import Fired, People, alerts_of
from deskline.core.policy.book import PolicyBook, Rules
from deskline.core.sla.clocks import SlaRules
from deskline.storage import alerts as rows
from deskline.storage.store import Store


def record_past_alerts(store: Store, now: datetime, sla: SlaRules) -> int:
    """Store the alerts the desk's ladder fired up to ``now`` over its tickets' histories
    (timed by ``sla``, the demo's rules); how many were stored."""
    stored = 0
    with store.write() as s:
        policy = replace(PolicyBook().check(s).rules, sla=sla)
        ladder = Ladder(policy.alerts)
        people = People(reader.roster(s))
        for ticket in reader.histories(s, since=None, until=now):
            for row in past_alerts(ticket, policy, now, people, ladder):
                stored += rows.insert_alert(s, row) is not None
    return stored


def past_alerts(
    ticket: TicketHistory, policy: Rules, now: datetime, people: People, ladder: Ladder
) -> list[dict[str, Any]]:
    """The rows of the alerts ``ticket``'s history fired up to ``now`` under ``policy``
    (its ladder: ``ladder``), as ``record_past_alerts`` stores them."""
    _, fired = alerts_of(ticket, policy, now, people)
    return [_row(ticket.id, ticket.key, ticket.title, f, ladder) for f in fired]


def _row(ticket_id: int, key: str, title: str, f: Fired, ladder: Ladder) -> dict[str, Any]:
    mark, at = f.mark, f.fired_at
    assert mark is not None and at is not None
    late = ladder.is_late(mark, at)
    notice = mark_notice(mark, key, title, at, late, f.recipients, f.escalated_to)
    return mark.row(ticket_id, at, late=late, recipients=f.recipients, summary=notice.summary)
