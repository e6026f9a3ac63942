"""Open tickets under a policy: their due times and next checks computed again, what moved,
and what would be breached now; stored in the caller's transaction when asked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from deskline.core.alerts.ladder import Ladder
from deskline.core.desk import workflow
from deskline.core.desk.facts import clock_facts, ladder_facts, queue_marks
from deskline.core.sla.clocks import ClockState, SlaClock, SlaReading, SlaRules
from deskline.storage import alerts as alert_rows
from deskline.storage import queries, reads
from deskline.storage.reads import TicketRow


@dataclass
class Replan:
    """What a policy does to the open tickets."""

    open: int = 0
    moved: int = 0  # tickets whose first-response or resolution due time moves
    breached_now: int = 0  # open tickets breached at ``now`` under the policy
    breached_before: int = 0  # ... under the rules they were read with
    changed: list[int] = field(default_factory=list)  # ids whose stored columns change


def replan(
    session: Session,
    rules: SlaRules,
    ladder: Ladder,
    now: datetime,
    *,
    before: SlaRules | None = None,
    store: bool = False,
) -> Replan:
    """Every open ticket's schedule under ``rules``; ``store``: write what changed (derived
    columns only, no version bump). ``before``: the rules to count breaches under now."""
    found = Replan()
    for batch in reads.ticket_batches(session, statuses=[s.value for s in workflow.OPEN]):
        _replan_batch(session, batch, rules, ladder, now, before, store, found)
    return found


def replan_batch(
    session: Session, rules: SlaRules, ladder: Ladder, now: datetime, after: int
) -> tuple[Replan, int | None]:
    """The next batch of open tickets (by id, after ``after``) replanned and stored, and
    the last id of it (None when there was none): ``sla recompute``'s step, one
    transaction each."""
    found = Replan()
    statuses = [s.value for s in workflow.OPEN]
    for batch in reads.ticket_batches(session, statuses=statuses, after=after):
        _replan_batch(session, batch, rules, ladder, now, None, True, found)
        return found, batch[-1].ticket.id
    return found, None


def _replan_batch(
    session: Session,
    rows: list[TicketRow],
    rules: SlaRules,
    ladder: Ladder,
    now: datetime,
    before: SlaRules | None,
    store: bool,
    found: Replan,
) -> None:
    """One batch of open tickets replanned into ``found`` (a batch at a time: the desk's
    open tickets are never all in memory)."""
    fired = alert_rows.fired_keys(session, [row.ticket.id for row in rows])
    for row in rows:
        ticket = row.ticket
        facts = clock_facts(ticket, row.tier, row.category)
        sla = SlaClock(rules, facts)
        plan = sla.schedule(now)
        found.open += 1
        if (plan.first_response_due_at, plan.resolution_due_at) != (
            ticket.first_response_due_at,
            ticket.resolution_due_at,
        ):
            found.moved += 1
        if _breached(sla.read(now)):
            found.breached_now += 1
        if before is not None and _breached(SlaClock(before, facts).read(now)):
            found.breached_before += 1
        stored = (
            ticket.first_response_due_at,
            ticket.resolution_due_at,
            ticket.next_check_at,
            ticket.next_due_at,
            ticket.at_risk_at,
        )
        wanted = (
            plan.first_response_due_at,
            plan.resolution_due_at,
            ladder.next_check(ladder_facts(ticket), sla, now, fired[ticket.id]),
            *queue_marks(sla),
        )
        if stored != wanted:
            found.changed.append(ticket.id)
            if store:
                queries.store_schedule(session, ticket.id, *wanted)


def _breached(reading: SlaReading) -> bool:
    return ClockState.BREACHED in (reading.first_response.state, reading.resolution.state)
