"""The alert ladder: which alerts a ticket has coming, and when. Pure: ``now`` is an argument.

A *mark* is one rung for one ticket: the SLA thresholds of its running clocks (warning lead
times, at risk, breach) and the workflow rungs (unassigned too long, assigned but not
started, pending or resolved too long). Each mark has a dedupe key naming the ticket, the
clock, the threshold and the instant it was computed from, so a mark whose base moves (a
priority change, a pause) is a new mark and the old one is never fired.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from deskline.core.desk.workflow import Status
from deskline.core.sla.clocks import SlaClock

# Rungs, with their level (0 reminder .. 3 breach) and who hears of them.
ASSIGNEE, SUPERVISORS, DIRECTORS = "assignee", "supervisors", "directors"
TARGET = "target"  # whom a manual escalation names (ticket.escalated_to)


@dataclass(frozen=True)
class Rung:
    name: str
    level: int
    audience: tuple[str, ...]
    action: str | None = None  # what the watcher does besides telling: hand_back, close


RUNGS: dict[str, Rung] = {
    "unassigned": Rung("unassigned", 1, (SUPERVISORS,)),
    "warning": Rung("warning", 1, (ASSIGNEE,)),
    "at_risk": Rung("at_risk", 2, (ASSIGNEE, SUPERVISORS)),
    "breach": Rung("breach", 3, (ASSIGNEE, SUPERVISORS, DIRECTORS)),
    "not_started": Rung("not_started", 0, (ASSIGNEE,)),
    "hand_back": Rung("hand_back", 1, (ASSIGNEE, SUPERVISORS), action="hand_back"),
    "pending_close": Rung("pending_close", 0, (ASSIGNEE,), action="close"),
    "resolved_close": Rung("resolved_close", 0, (), action="close"),
    "surge": Rung("surge", 3, (SUPERVISORS, DIRECTORS)),
    "escalated": Rung("escalated", 2, (TARGET,)),  # a manual escalation, told its target
}

# The rungs a policy may repeat while their condition stays true, and hold in quiet hours.
REPEATABLE = ("unassigned", "not_started", "at_risk", "breach")
HOLDABLE = (
    "warning",
    "at_risk",
    "breach",
    "unassigned",
    "not_started",
    "hand_back",
    "pending_close",
    "resolved_close",
)

SEVERITY = {0: "information", 1: "warning", 2: "warning", 3: "error"}
COLOUR = {0: "none", 1: "yellow", 2: "orange", 3: "red"}


@dataclass(frozen=True)
class AlertRules:
    """``[alerts]`` in deskline.toml. A duration of None turns its rung off."""

    enabled: bool = True
    unassigned_after: timedelta | None = timedelta(minutes=30)
    not_started_after: timedelta | None = timedelta(minutes=15)
    hand_back: bool = True  # after a second not-started period, back to the team queue
    pending_close_after: timedelta | None = timedelta(hours=24)
    resolved_close_after: timedelta | None = timedelta(hours=24)
    late_after: timedelta = timedelta(seconds=5)  # fired later than this after its moment
    sweep: timedelta = timedelta(seconds=2)  # how often the watcher looks for outside changes
    lease: timedelta = timedelta(seconds=10)  # how long a silent watcher keeps the lease
    webhook: WebhookSettings | None = None
    email: EmailSettings | None = None
    delivery: DeliverySettings = field(default_factory=lambda: DeliverySettings())
    repeat: Mapping[str, Repeat] = field(default_factory=dict)  # rung -> its cadence
    quiet: QuietHours | None = field(default_factory=lambda: QuietHours())  # None: none held


@dataclass(frozen=True)
class Repeat:
    """``[alerts.repeat] <rung> = { every = "30m", times = 4 }``: while the rung's condition
    stays true, it fires again ``every`` after it came due, at most ``times`` more times."""

    every: timedelta
    times: int


@dataclass(frozen=True)
class QuietHours:
    """``[alerts.quiet]``: these rungs of tickets of these priorities coming due while the
    ticket's SLA calendar is closed are held to its next opening. A 24x7 calendar is never
    closed, so nothing of it is ever held."""

    priorities: frozenset[str] = frozenset({"P2", "P3"})
    rungs: frozenset[str] = frozenset({"warning", "at_risk", "unassigned", "not_started"})


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    levels: frozenset[int] = frozenset({2, 3})
    timeout: float = 5.0
    retries: int = 3


@dataclass(frozen=True)
class DeliverySettings:
    """``[alerts.delivery]``: how the lease holder retries a webhook or email delivery that
    failed or timed out. The wait doubles from ``first_retry`` up to ``max_retry`` (a 429 or
    503's ``Retry-After`` rules instead); past ``give_up_after`` since it was queued, the
    delivery is marked failed and the desk's admins are told. ``workers``: sends at once."""

    give_up_after: timedelta = timedelta(hours=24)
    first_retry: timedelta = timedelta(seconds=5)
    max_retry: timedelta = timedelta(minutes=15)
    workers: int = 4


@dataclass(frozen=True)
class EmailSettings:
    host: str
    port: int = 587
    starttls: bool = True
    user: str | None = None
    password_env: str | None = None
    sender: str = "deskline@localhost"
    levels: frozenset[int] = frozenset({3})


@dataclass(frozen=True)
class LadderFacts:
    """What the ladder needs of a ticket besides its SLA clock."""

    id: int
    status: str
    assigned: bool
    created_at: datetime
    assigned_at: datetime | None = None
    status_at: datetime | None = None
    resolved_at: datetime | None = None
    escalated_at: datetime | None = None  # the last manual escalation, and whom it names
    escalated_to: str | None = None


class Mark(NamedTuple):
    rung: str
    threshold: str  # warning:<seconds before due>, at_risk, breach, or the rung's name;
    # a repeat adds #2, #3, ...
    clock: str | None
    at: datetime  # when it comes due (held in quiet hours: the opening it waits for)
    base: datetime  # the due time (SLA rungs) or the instant it counts from (workflow rungs)
    held_from: datetime | None = None  # quiet hours: when it came due before being held

    @property
    def level(self) -> int:
        return RUNGS[self.rung].level

    def key(self, ticket_id: int) -> str:
        return f"{ticket_id}:{self.clock or '-'}:{self.threshold}:{self.base.isoformat()}"

    def row(
        self,
        ticket_id: int,
        fired_at: datetime,
        *,
        late: bool,
        recipients: Sequence[str],
        summary: str,
    ) -> dict[str, Any]:
        """The alert this mark fires for a ticket, as stored (``storage.alerts.insert_alert``)."""
        return {
            "dedupe_key": self.key(ticket_id),
            "ticket_id": ticket_id,
            "rung": self.rung,
            "threshold": self.threshold,
            "clock": self.clock,
            "level": self.level,
            "due_at": self.base if self.clock else None,
            "at": self.at,
            "fired_at": fired_at,
            "late": late,
            "held": self.held_from is not None,
            "recipients": list(recipients),
            "summary": summary,
        }


@dataclass
class Ladder:
    rules: AlertRules = field(default_factory=AlertRules)

    def marks(self, ticket: LadderFacts, sla: SlaClock | None) -> list[Mark]:
        """Every rung this ticket has, past and future, in time order: its repeats while
        the condition holds, quiet-hour holds applied."""
        found: list[Mark] = []
        status = ticket.status
        r = self.rules
        if sla is not None and status not in (Status.RESOLVED, Status.CLOSED):
            dues = {"first_response": sla.first_response_due(), "resolution": sla.resolution_due()}
            for clock, name, at in sla.thresholds():
                rung = "warning" if name.startswith("warning") else name
                mark = Mark(rung, name, clock, at, dues[clock])
                found.append(mark)
                if rung == "at_risk":  # at risk repeats until the breach takes over
                    found += self._repeats(mark, until=dues[clock])
                elif rung == "breach":
                    found += self._repeats(mark)
        if status == Status.NEW and not ticket.assigned and r.unassigned_after is not None:
            base = ticket.status_at or ticket.created_at
            mark = Mark("unassigned", "unassigned", None, base + r.unassigned_after, base)
            found += [mark, *self._repeats(mark)]
        if status == Status.ASSIGNED and r.not_started_after is not None:
            base = ticket.assigned_at or ticket.status_at or ticket.created_at
            mark = Mark("not_started", "not_started", None, base + r.not_started_after, base)
            handed_back = base + 2 * r.not_started_after if r.hand_back else None
            found += [mark, *self._repeats(mark, until=handed_back)]
            if handed_back is not None:
                found.append(Mark("hand_back", "hand_back", None, handed_back, base))
        if status == Status.PENDING and r.pending_close_after is not None:
            base = ticket.status_at or ticket.created_at
            found.append(
                Mark("pending_close", "pending_close", None, base + r.pending_close_after, base)
            )
        if status == Status.RESOLVED and r.resolved_close_after is not None:
            base = ticket.resolved_at or ticket.status_at or ticket.created_at
            at = base + r.resolved_close_after
            found.append(Mark("resolved_close", "resolved_close", None, at, base))
        if r.quiet is not None and sla is not None:
            found = self._hold(found, sla)
        if ticket.escalated_at is not None and ticket.escalated_to and status != Status.CLOSED:
            at = ticket.escalated_at
            found.append(Mark("escalated", "escalated", None, at, at))
        return sorted(found, key=lambda m: m.at)

    def _repeats(self, mark: Mark, *, until: datetime | None = None) -> list[Mark]:
        """The rung again every ``every`` after it came due, ``times`` times, each its own
        key; none at or after ``until`` (the condition is over by then)."""
        cadence = self.rules.repeat.get(mark.rung)
        if cadence is None:
            return []
        found = []
        for k in range(1, cadence.times + 1):
            at = mark.at + k * cadence.every
            if until is not None and at >= until:
                break
            found.append(mark._replace(threshold=f"{mark.threshold}#{k + 1}", at=at))
        return found

    def _hold(self, marks: list[Mark], sla: SlaClock) -> list[Mark]:
        """Quiet hours: a holdable rung coming due while the ticket's calendar is closed
        waits for the next opening (same key: it is the same alert, later). Repeats of one
        rung held to the same opening are one alert."""
        quiet = self.rules.quiet
        calendar = sla.calendar
        if quiet is None or calendar.is_always_open or sla.facts.priority not in quiet.priorities:
            return marks
        out: list[Mark] = []
        held: set[tuple[str, str | None, datetime]] = set()
        reminded: datetime | None = None  # when a held not-started reminder now comes
        grace = self.rules.not_started_after
        for mark in sorted(marks, key=lambda m: m.at):
            if mark.rung == "hand_back" and reminded is not None and grace is not None:
                # never taken away before the held reminder had its time: the same grace
                later = max(mark.at, reminded + grace)
                out.append(mark if later == mark.at else mark._replace(at=later, held_from=mark.at))
                continue
            if mark.rung not in quiet.rungs or calendar.is_open(mark.at):
                out.append(mark)
                continue
            if mark.rung == "not_started" and reminded is None:
                reminded = calendar.next_open(mark.at)
            opening = calendar.next_open(mark.at)
            if (mark.rung, mark.clock, opening) in held:
                continue
            held.add((mark.rung, mark.clock, opening))
            out.append(mark._replace(at=opening, held_from=mark.at))
        return out

    def next_check(
        self, ticket: LadderFacts, sla: SlaClock | None, now: datetime, fired: set[str]
    ) -> datetime | None:
        """When the watcher must look at the ticket next: now if a past mark has not fired,
        else its earliest future mark (None: nothing more to come)."""
        if not self.rules.enabled:
            return sla.next_threshold(now) if sla is not None else None
        for mark in self.marks(ticket, sla):
            if mark.at > now:
                return mark.at
            if mark.key(ticket.id) not in fired:
                return now
        return None

    def is_late(self, mark: Mark, fired_at: datetime) -> bool:
        return fired_at - mark.at > self.rules.late_after
