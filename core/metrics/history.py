"""A ticket's recorded history played back under a policy: the same pause, reopen and
priority bookkeeping the desk does (``Desk._keep_clocks``, ``Desk.reopen``), so the clock
facts at the end are the ones the desk stored, and the SLA clocks read from them are the
desk's own (``core.sla.clocks``). Pure: the history, the rules and the instant are arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deskline.core.alerts.ladder import LadderFacts
from deskline.core.sla.calendar import BusinessCalendar
from deskline.core.sla.clocks import ClockFacts, SlaClock, SlaRules

OPEN = ("new", "assigned", "in_progress", "pending")
FINISHED = ("resolved", "closed")


@dataclass(frozen=True)
class Step:
    """One audit event of a ticket (its old and new values read only: events that say the
    same change share them, ``storage.history.events_of``)."""

    at: datetime
    kind: str
    old: Mapping[str, Any] | None = None
    new: Mapping[str, Any] | None = None
    actor: str | None = None


@dataclass(frozen=True)
class TicketHistory:
    """A ticket as the numbers see it: what it is now, and every event it went through."""

    id: int
    number: int
    title: str
    priority: str  # now (the history says what it was before)
    channel: str
    created_at: datetime
    steps: tuple[Step, ...]
    category: str | None = None
    tier: str | None = None
    team: str | None = None
    assignee: str | None = None  # now

    @property
    def key(self) -> str:
        return f"T-{self.number}"


@dataclass
class State:
    """The ticket at one instant of its history, as the desk's columns had it."""

    status: str
    priority: str
    assignee: str | None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    paused_at: datetime | None = None
    pause_credit_seconds: int = 0
    assigned_at: datetime | None = None
    status_at: datetime | None = None
    escalated_at: datetime | None = None
    escalated_to: str | None = None
    reopens: int = 0


@dataclass
class Played:
    """A ticket played through its history up to an instant."""

    ticket: TicketHistory
    state: State
    sla: SlaClock
    first_resolved_at: datetime | None = None
    # (status, start, end) for every stretch of the history up to the instant
    stretches: list[tuple[str, datetime, datetime]] = field(default_factory=list)

    def facts(self) -> ClockFacts:
        return self.sla.facts


def clock_facts_of(ticket: TicketHistory, state: State) -> ClockFacts:
    return ClockFacts(
        created_at=ticket.created_at,
        priority=state.priority,
        tier=ticket.tier,
        category=ticket.category,
        channel=ticket.channel,
        first_response_at=state.first_response_at,
        resolved_at=state.resolved_at,
        paused_at=state.paused_at,
        pause_credit_seconds=state.pause_credit_seconds,
    )


def ladder_facts_of(ticket: TicketHistory, state: State) -> LadderFacts:
    return LadderFacts(
        id=ticket.id,
        status=state.status,
        assigned=state.assignee is not None,
        created_at=ticket.created_at,
        assigned_at=state.assigned_at,
        status_at=state.status_at,
        resolved_at=state.resolved_at,
        escalated_at=state.escalated_at,
        escalated_to=state.escalated_to,
    )


def _first_priority(ticket: TicketHistory) -> str:
    for step in ticket.steps:
        if step.kind == "created" and step.new and step.new.get("priority"):
            return str(step.new["priority"])
    for step in ticket.steps:  # the first priority change says what it was before
        if step.kind == "priority" and step.old and step.old.get("priority"):
            return str(step.old["priority"])
    return ticket.priority


# Called for every stretch of unchanged facts: (state, its SLA clock, start, end).
Segment = Callable[[State, SlaClock, datetime, datetime], None]

# A new policy's SLA rules from an instant on: (applied at, rules), in order.
Change = tuple[datetime, SlaRules]


def play(
    ticket: TicketHistory,
    rules: SlaRules,
    until: datetime,
    *,
    on_segment: Segment | None = None,
    changes: Sequence[Change] = (),
) -> Played:
    """``ticket``'s history up to ``until`` under ``rules``; ``changes``: later policies, each
    from its instant on, as the desk applied them (an open ticket's due times are worked out
    again under the new rules, a finished one keeps its own until it reopens)."""
    state = State(
        status="new",
        priority=_first_priority(ticket),
        assignee=None,
        status_at=ticket.created_at,
    )
    clock = _Clock.of(rules, ticket, state)
    stretches: list[tuple[str, datetime, datetime]] = []
    first_resolved_at: datetime | None = None
    since = ticket.created_at
    steps = _with_changes(ticket, changes) if changes else ticket.steps
    for step in steps:
        if step.at > until:
            break
        if step.at > since:
            stretches.append((state.status, since, step.at))
            if on_segment is not None:
                on_segment(state, clock.made(), since, step.at)
            since = step.at
        if isinstance(step, PolicyStep):
            rules = step.rules
            if state.status in OPEN:  # the desk plans its open tickets again (replan)
                clock = _Clock.of(rules, ticket, state)
            continue
        clock = _apply(state, step, rules, clock, ticket)
        if state.resolved_at is not None and first_resolved_at is None:
            first_resolved_at = state.resolved_at
    if until > since:
        stretches.append((state.status, since, until))
        if on_segment is not None:
            on_segment(state, clock.made(), since, until)
    return Played(ticket, state, clock.made(), first_resolved_at, stretches)


class _Clock:
    """The SLA clock of the state, made when it is read: making one works out its due
    times, and most events change a clock fact (a reply, a resolve, a pause), but a report
    reads only the clock at the end. Until then its calendar (for the pause credit) is
    all that is asked, the one ``SlaClock`` would take, kept while priority and rules stay."""

    __slots__ = ("rules", "key", "calendar", "_facts", "_made", "_ticket")

    def __init__(
        self,
        rules: SlaRules,
        ticket: TicketHistory,
        key: tuple[Any, ...],
        calendar: BusinessCalendar,
    ) -> None:
        self.rules, self._ticket, self.key, self.calendar = rules, ticket, key, calendar
        self._facts: ClockFacts | None = None
        self._made: SlaClock | None = None

    @classmethod
    def of(cls, rules: SlaRules, ticket: TicketHistory, state: State) -> _Clock:
        target = rules.target_for(
            state.priority, tier=ticket.tier, category=ticket.category, channel=ticket.channel
        )
        return cls(rules, ticket, _facts_key(state), rules.calendars[target.calendar])

    def made(self) -> SlaClock:
        if self._made is None:
            self._made = SlaClock(self.rules, self.facts())
        return self._made

    def facts(self) -> ClockFacts:
        if self._facts is None:
            priority, first, resolved, paused, credit = self.key
            t = self._ticket
            self._facts = ClockFacts(
                created_at=t.created_at,
                priority=priority,
                tier=t.tier,
                category=t.category,
                channel=t.channel,
                first_response_at=first,
                resolved_at=resolved,
                paused_at=paused,
                pause_credit_seconds=credit,
            )
        return self._facts

    def credit_until(self, since: datetime, now: datetime) -> int:
        """As ``SlaClock.credit_until``: business seconds from ``since`` to ``now``."""
        return max(0, int(self.calendar.between(since, now).total_seconds()))


def _facts_key(state: State) -> tuple[Any, ...]:
    """What of the state makes its clock facts (``clock_facts_of``, the ticket's own
    fields aside)."""
    return (
        state.priority,
        state.first_response_at,
        state.resolved_at,
        state.paused_at,
        state.pause_credit_seconds,
    )


@dataclass(frozen=True)
class PolicyStep:
    """A new policy applied while the ticket lived."""

    at: datetime
    rules: SlaRules


def _with_changes(ticket: TicketHistory, changes: Sequence[Change]) -> list[Step | PolicyStep]:
    """The ticket's events and the policy changes of its lifetime, in order of time (an event
    at the same instant as a change comes first)."""
    later = [PolicyStep(at, rules) for at, rules in changes if at > ticket.created_at]
    merged: list[Step | PolicyStep] = []
    for step in ticket.steps:  # the events keep their recorded order
        while later and later[0].at < step.at:
            merged.append(later.pop(0))
        merged.append(step)
    return merged + later


def _apply(
    state: State, step: Step, rules: SlaRules, clock: _Clock, ticket: TicketHistory
) -> _Clock:
    """One event's change to the state, then the desk's pause bookkeeping; the new clock."""
    new, at = step.new or {}, step.at
    before = state.status
    kind = step.kind
    if kind == "reopened":
        if rules.on_reopen == "restart":
            state.pause_credit_seconds = clock.credit_until(ticket.created_at, at)
        elif state.resolved_at is not None:
            state.pause_credit_seconds += clock.credit_until(state.resolved_at, at)
        state.resolved_at = None
        state.reopens += 1
    if kind == "priority" and new.get("priority"):
        state.priority = str(new["priority"])
    responds = kind == "reply" or (kind == "note" and rules.note_counts_as_response)
    if responds and state.first_response_at is None:
        state.first_response_at = at
    if kind in ("assigned", "taken", "routed", "handed_back") or (
        kind == "status" and "assignee" in new
    ):
        holder = new.get("assignee")
        if holder is not None and holder != state.assignee:
            state.assigned_at = at
        state.assignee = holder
    if kind == "escalated":
        state.escalated_at = at
        state.escalated_to = new.get("escalated_to")
    status = new.get("status")
    if status and kind != "created":
        state.status = str(status)
        if state.status == "resolved":
            state.resolved_at = at
        if state.status == "closed" and state.resolved_at is None:
            state.resolved_at = at  # closed automatically from pending
    if state.status != before:
        state.status_at = at
    # the pause bookkeeping of every change (Desk._keep_clocks)
    clock = _clock(rules, ticket, state, clock)
    paused = state.status in rules.pause_on
    if state.paused_at is not None and not paused:
        state.pause_credit_seconds += clock.credit_until(state.paused_at, at)
        state.paused_at = None
        return _clock(rules, ticket, state, clock)
    if state.paused_at is None and paused and before != state.status:
        state.paused_at = at
        return _clock(rules, ticket, state, clock)
    return clock


def _clock(rules: SlaRules, ticket: TicketHistory, state: State, last: _Clock) -> _Clock:
    """The clock of the state now: the last one again when its facts did not change (most
    events change none: a note, an assignment). Under another policy than the last clock's,
    a new one (the desk works its due times out again on every change, under the policy of
    the day)."""
    key = _facts_key(state)
    if last.rules is not rules or key[0] != last.key[0]:  # another target, maybe calendar
        return _Clock.of(rules, ticket, state)
    if key == last.key:
        return last
    return _Clock(rules, ticket, key, last.calendar)


def business(clock: SlaClock, start: datetime, end: datetime) -> float:
    """Business seconds from ``start`` to ``end`` on the ticket's calendar."""
    return max(0.0, clock.calendar.between(start, end).total_seconds())


def time_in(played: Played, statuses: Sequence[str], *, business_time: bool) -> float:
    """Seconds the ticket spent in these statuses (calendar, or on its calendar)."""
    total = 0.0
    for status, start, end in played.stretches:
        if status in statuses:
            if business_time:
                total += business(played.sla, start, end)
            else:
                total += (end - start).total_seconds()
    return total
