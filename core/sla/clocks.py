"""SLA clocks: due times, pause credit, states and thresholds. Pure: ``now`` is an argument.

A ticket has two clocks, both started at its creation on the calendar of its target:
first response (stopped by the first public reply) and resolution (paused in the
``pause_on`` statuses, stopped by resolving). Business time spent paused is *credit*:
the resolution due time is ``calendar.add(created, target + credit)``. Every figure
below is business time, in whole seconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple

from deskline.core.clock import iso
from deskline.core.sla.calendar import BusinessCalendar, Duration

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"


class ClockState(StrEnum):
    OK = "ok"
    WARNING = "warning"  # a warning lead time before the due time has passed
    AT_RISK = "at_risk"  # at least at_risk_percent of the target used
    BREACHED = "breached"  # running, and past its due time
    PAUSED = "paused"
    MET = "met"  # stopped in time
    MISSED = "missed"  # stopped late


@dataclass(frozen=True)
class Target:
    """How long one priority may take, on which calendar."""

    first_response: Duration
    resolution: Duration
    calendar: str


@dataclass(frozen=True)
class Policy:
    """A named override for tickets matching every condition it gives; first match wins."""

    name: str
    tier: str | None = None
    category: str | None = None  # a path prefix, whole segments: "Account" matches "Account/Login"
    channel: str | None = None
    factor: float = 1.0  # scales the targets (business days round up to whole days)
    calendar: str | None = None
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)  # priority -> overrides

    def matches(self, tier: str | None, category: str | None, channel: str | None) -> bool:
        if self.tier is not None and tier != self.tier:
            return False
        if self.channel is not None and channel != self.channel:
            return False
        if self.category is not None:
            if category is None:
                return False
            if category != self.category and not category.startswith(self.category + "/"):
                return False
        return True


@dataclass(frozen=True)
class SlaRules:
    """The effective SLA configuration: targets, calendars, thresholds and policies."""

    targets: dict[str, Target]
    calendars: dict[str, BusinessCalendar]
    warning_leads: tuple[timedelta, ...] = (timedelta(hours=1), timedelta(minutes=30))
    at_risk_percent: float = 80.0
    pause_on: frozenset[str] = frozenset({"pending"})
    on_reopen: str = "resume"  # or "restart"
    note_counts_as_response: bool = False
    policies: tuple[Policy, ...] = ()

    def policy_for(
        self, tier: str | None, category: str | None, channel: str | None
    ) -> Policy | None:
        for policy in self.policies:
            if policy.matches(tier, category, channel):
                return policy
        return None

    def target_for(
        self,
        priority: str,
        *,
        tier: str | None = None,
        category: str | None = None,
        channel: str | None = None,
    ) -> Target:
        """The target of a ticket: its priority's, changed by the first matching policy."""
        base = self.targets[priority]
        policy = self.policy_for(tier, category, channel)
        if policy is None:
            return base
        first, resolution = base.first_response, base.resolution
        if policy.factor != 1.0:
            first, resolution = scale(first, policy.factor), scale(resolution, policy.factor)
        calendar = policy.calendar or base.calendar
        override = policy.targets.get(priority, {})
        return Target(
            first_response=override.get("first_response", first),
            resolution=override.get("resolution", resolution),
            calendar=override.get("calendar", calendar),
        )


def scale(duration: Duration, factor: float) -> Duration:
    """``duration * factor``: seconds exactly, business days rounded up (at least one)."""
    days = max(1, math.ceil(duration.business_days * factor)) if duration.business_days else 0
    return Duration(seconds=round(duration.seconds * factor), business_days=days)


@dataclass(frozen=True)
class ClockFacts:
    """What the SLA arithmetic needs to know of a ticket."""

    created_at: datetime
    priority: str
    tier: str | None = None
    category: str | None = None
    channel: str | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None  # set while resolved or closed
    paused_at: datetime | None = None  # set while in a pause_on status
    pause_credit_seconds: int = 0


@dataclass(frozen=True)
class Schedule:
    """The due times a ticket stores, and when the watcher must look at it next."""

    first_response_due_at: datetime
    resolution_due_at: datetime
    next_check_at: datetime | None


class ClockReading(NamedTuple):  # a tuple: made 200,000 times a pass over a big queue
    """One clock at one instant."""

    due_at: datetime
    state: ClockState
    remaining_seconds: int  # negative when overdue
    percent_used: float
    paused: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "due_at": iso(self.due_at),
            "state": self.state.value,
            "remaining_seconds": self.remaining_seconds,
            "percent_used": self.percent_used,
            "paused": self.paused,
        }


class SlaReading(NamedTuple):
    first_response: ClockReading
    resolution: ClockReading

    def most_urgent(self) -> tuple[str, ClockReading]:
        """The clock to show in a queue: the running one with the least time left."""
        running = [
            (name, r)
            for name, r in ((FIRST_RESPONSE, self.first_response), (RESOLUTION, self.resolution))
            if r.state not in (ClockState.MET, ClockState.MISSED)
        ]
        if not running:
            return RESOLUTION, self.resolution
        return min(running, key=lambda item: (item[1].paused, item[1].remaining_seconds))

    def to_json(self) -> dict[str, Any]:
        return {
            FIRST_RESPONSE: self.first_response.to_json(),
            RESOLUTION: self.resolution.to_json(),
        }


def _seconds(delta: timedelta) -> int:
    return int(delta.total_seconds())


class SlaClock:
    """One ticket's clocks under the rules; every question takes ``now``."""

    def __init__(self, rules: SlaRules, facts: ClockFacts) -> None:
        self.rules = rules
        self.facts = facts
        self.target = rules.target_for(
            facts.priority, tier=facts.tier, category=facts.category, channel=facts.channel
        )
        self.calendar = rules.calendars[self.target.calendar]
        # Every reading needs all four, so they are worked out once, here.
        start, target = facts.created_at, self.target
        self._first_due = self.calendar.add(start, target.first_response)
        credited = Duration(
            seconds=target.resolution.seconds + facts.pause_credit_seconds,
            business_days=target.resolution.business_days,
        )
        self._resolution_due = self.calendar.add(start, credited)
        self._first_target = self.target_seconds(target.first_response)
        self._resolution_target = self.target_seconds(target.resolution)
        self._thresholds: list[tuple[str, str, datetime]] | None = None

    # -- due times ---------------------------------------------------------------

    def first_response_due(self) -> datetime:
        return self._first_due

    def resolution_due(self) -> datetime:
        """Due time of the resolution clock, moved later by the credit of finished pauses."""
        return self._resolution_due

    def target_seconds(self, duration: Duration) -> int:
        """A target as business seconds from the ticket's creation."""
        if not duration.business_days:
            return duration.seconds
        start = self.facts.created_at
        if duration == self.target.resolution and not self.facts.pause_credit_seconds:
            end = self._resolution_due  # already computed: the same instant
        else:
            end = self.calendar.add(start, duration)
        return _seconds(self.calendar.between(start, end))

    # -- readings ----------------------------------------------------------------

    def read(self, now: datetime) -> SlaReading:
        return SlaReading(
            first_response=self.read_clock(FIRST_RESPONSE, now),
            resolution=self.read_clock(RESOLUTION, now),
        )

    def read_clock(self, clock: str, now: datetime) -> ClockReading:
        """One of the two clocks (``first_response`` or ``resolution``) at ``now``."""
        if clock == FIRST_RESPONSE:
            return self._read(
                self._first_due,
                self._first_target,
                # resolving without a public reply stops this clock too (met or missed then)
                stopped_at=self.facts.first_response_at or self.facts.resolved_at,
                paused_at=None,
                now=now,
            )
        return self._read(
            self._resolution_due,
            self._resolution_target,
            stopped_at=self.facts.resolved_at,
            paused_at=self.facts.paused_at,
            now=now,
        )

    def _read(
        self,
        due: datetime,
        target: int,
        *,
        stopped_at: datetime | None,
        paused_at: datetime | None,
        now: datetime,
    ) -> ClockReading:
        at = stopped_at or paused_at or now
        remaining = _seconds(self.calendar.between(at, due))
        used = max(0, target - remaining)  # a "now" before creation has used nothing
        percent = round(100.0 * used / target, 1) if target else 100.0
        if stopped_at is not None:
            state = ClockState.MET if stopped_at <= due else ClockState.MISSED
        elif paused_at is not None:
            state = ClockState.PAUSED
        elif now >= due:
            state = ClockState.BREACHED
        elif used * 100 >= self.rules.at_risk_percent * target:
            state = ClockState.AT_RISK
        elif any(remaining <= lead for lead in self._leads(target)):
            state = ClockState.WARNING
        else:
            state = ClockState.OK
        return ClockReading(due, state, remaining, percent, paused_at is not None)

    def _leads(self, target: int) -> list[int]:
        """Warning lead times that fit inside the target (a 15 min clock has no 1 h warning)."""
        return [lead for lead in map(_seconds, self.rules.warning_leads) if lead < target]

    # -- thresholds --------------------------------------------------------------

    def thresholds(self) -> list[tuple[str, str, datetime]]:
        """Every threshold of the running clocks: (clock, name, instant), in time order.

        Names: ``warning:<seconds before due>``, ``at_risk``, ``breach``. Worked out once
        a clock (its rules and facts never change), a new list each call.
        """
        if self._thresholds is None:
            self._thresholds = self._all_thresholds()
        return list(self._thresholds)

    def _all_thresholds(self) -> list[tuple[str, str, datetime]]:
        found: list[tuple[str, str, datetime]] = []
        if self.facts.first_response_at is None and self.facts.resolved_at is None:
            found += self._clock_thresholds(FIRST_RESPONSE, self._first_target, 0, self._first_due)
        if self.facts.resolved_at is None and self.facts.paused_at is None:
            credit = self.facts.pause_credit_seconds
            found += self._clock_thresholds(
                RESOLUTION, self._resolution_target, credit, self._resolution_due
            )
        return sorted(found, key=lambda item: item[2])

    def _clock_thresholds(
        self, clock: str, target: int, credit: int, due: datetime
    ) -> list[tuple[str, str, datetime]]:
        start, add = self.facts.created_at, self.calendar.add
        marks = [(f"warning:{lead}", target - lead) for lead in self._leads(target)]
        marks.append(("at_risk", math.ceil(target * self.rules.at_risk_percent / 100)))
        found = [
            (clock, name, add(start, timedelta(seconds=used + credit))) for name, used in marks
        ]
        found.append((clock, "breach", due))
        return found

    def next_threshold(self, now: datetime) -> datetime | None:
        """The earliest threshold after ``now`` over both running clocks, if any."""
        future = [at for _, _, at in self.thresholds() if at > now]
        return min(future) if future else None

    def schedule(self, now: datetime) -> Schedule:
        return Schedule(self.first_response_due(), self.resolution_due(), self.next_threshold(now))

    # -- pauses ------------------------------------------------------------------

    def credit_until(self, since: datetime, now: datetime) -> int:
        """Business seconds from ``since`` to ``now``: the credit a finished pause earns."""
        return max(0, _seconds(self.calendar.between(since, now)))


def pauses(rules: SlaRules, status: str) -> bool:
    return status in rules.pause_on


def leads_text(leads: Sequence[timedelta]) -> str:
    return ", ".join(str(Duration(seconds=_seconds(lead))) for lead in leads)
