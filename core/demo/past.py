"""The demo's past alerts, fired the way the live ladder would have fired them: every
ticket's recorded history played through the replay's code (``core.metrics.replay``, the
same SLA clocks and ladder as the watcher), each rung stored at the moment it came due in
the stretch of history it belongs to. No one is told and nothing is done (the stories
already hold what people did); a replay of the demo desk under its policy gives them back
exactly."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from deskline.core.alerts.ladder import Ladder, LadderFacts, Mark
from deskline.core.alerts.watcher import mark_notice
from deskline.core.metrics import reader
from deskline.core.metrics.history import State, TicketHistory, ladder_facts_of, play
from deskline.core.metrics.replay import People, alerts_of
from deskline.core.policy.book import PolicyBook, Rules
from deskline.core.sla.clocks import SlaClock, SlaRules
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
    return [
        _row(ticket, f.mark, f.fired_at, f.recipients, f.escalated_to, ladder)
        for f in fired
        if f.mark is not None and f.fired_at is not None
    ]


@dataclass(slots=True)
class Past:
    """What ``batch_alerts`` found: the alerts' rows, and the ticket at the end of its
    history as the replay left it (its clock, and its last stretch's ladder facts, clock
    and marks), which the desk's own row may use again when its facts are the same."""

    rows: list[dict[str, Any]]
    clock: SlaClock | None = None
    facts: LadderFacts | None = None
    sla: SlaClock | None = None
    marks: list[Mark] = field(default_factory=list)


def batch_alerts(
    ticket: TicketHistory, policy: Rules, now: datetime, people: People, ladder: Ladder
) -> Past:
    """``past_alerts``, worked out for a desk being built (``sets``), where it cost a third
    of the time: the same history played (``history.play``) and the same marks of each
    stretch (``Ladder.marks``), but one policy, no version looked up a stretch; a stretch's
    marks made again only when its facts change; and each mark of them looked at once
    (the replay goes over every past one again at each stretch, making its key anew, to
    find it fired already). Stretches come in order of time, so the marks due by the end
    of one are those before the first the last one left."""
    if not policy.alerts.enabled:
        return Past([])
    rows: list[dict[str, Any]] = []
    keys: set[str] = set()
    last: list[Any] = [None, None, [], 0]  # facts, clock, their marks, how many looked at

    def stretch(state: State, clock: SlaClock, start: datetime, end: datetime) -> None:
        sla = clock if state.status != "closed" else None
        facts = ladder_facts_of(ticket, state)
        if last[1] is not sla or last[0] != facts:
            last[:] = [facts, sla, ladder.marks(facts, sla), 0]
        marks, looked = last[2], last[3]
        while looked < len(marks) and marks[looked].at <= end:
            mark = marks[looked]
            looked += 1
            if mark.rung == "surge":
                continue  # a desk's, not a ticket's
            key = mark.key(ticket.id)
            if key in keys:
                continue
            keys.add(key)
            recipients = people.for_rung(mark.rung, state.assignee, ticket.team, state.escalated_to)
            at = max(mark.at, start)  # a mark already past when the stretch began: late
            rows.append(_row(ticket, mark, at, recipients, state.escalated_to, ladder))
        last[3] = looked

    played = play(ticket, policy.sla, now, on_segment=stretch)
    return Past(rows, played.sla, last[0], last[1], last[2])


def _row(
    ticket: TicketHistory,
    mark: Mark,
    at: datetime,
    recipients: tuple[str, ...],
    escalated_to: str | None,
    ladder: Ladder,
) -> dict[str, Any]:
    late = ladder.is_late(mark, at)
    notice = mark_notice(mark, ticket.key, ticket.title, at, late, recipients, escalated_to)
    return mark.row(ticket.id, at, late=late, recipients=recipients, summary=notice.summary)
