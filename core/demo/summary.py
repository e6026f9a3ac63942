"""What a demo fill put in the store, read back from the desk once at the end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from deskline.core.demo.cast import STAFF, TEAMS, Member
from deskline.core.desk import fields
from deskline.core.desk.tickets import Desk
from deskline.core.desk.views import TicketView
from deskline.core.desk.workflow import OPEN, Status
from deskline.core.language import _
from deskline.core.sla.clocks import ClockReading, ClockState, SlaReading, SlaRules
from deskline.storage.store import Store

_NEAR = timedelta(hours=1)  # a deadline this close is "near"
_STOPPED = (ClockState.MET, ClockState.MISSED, ClockState.PAUSED)


@dataclass(frozen=True)
class DemoSummary:
    """What ``fill`` put in the store."""

    tickets: int
    agents: int
    teams: int
    customers: int
    by_status: dict[str, int]
    by_priority: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    chinese: int = 0  # tickets whose title has Chinese in it
    reopened: int = 0
    escalated: int = 0
    near_deadline: int = 0  # open tickets with a running clock due within the hour
    overdue: int = 0  # open tickets with a breached clock
    me: str | None = None
    mine: int = 0  # open tickets assigned to ``me``
    first_created: datetime | None = None

    def lines(self) -> list[str]:
        """The summary as short lines for a terminal."""

        def counts(table: dict[str, int]) -> str:
            return ", ".join(f"{k} {v}" for k, v in table.items())

        out = [
            _("{tickets} tickets, {agents} agents in {teams} teams, {customers} customers").format(
                tickets=self.tickets,
                agents=self.agents,
                teams=self.teams,
                customers=self.customers,
            ),
            _("status:   {counts}").format(counts=counts(self.by_status)),
            _("priority: {counts}").format(counts=counts(self.by_priority)),
            _("channel:  {counts}").format(counts=counts(self.by_channel)),
            _("{chinese} with Chinese titles, {reopened} reopened, {escalated} escalated").format(
                chinese=self.chinese, reopened=self.reopened, escalated=self.escalated
            ),
            _("{near} open tickets near a deadline, {overdue} overdue").format(
                near=self.near_deadline, overdue=self.overdue
            ),
        ]
        if self.me:
            out.append(
                _("{count} open tickets in {handle}'s queue").format(
                    count=self.mine, handle=self.me
                )
            )
        return out


class Seen(NamedTuple):
    """What the summary counts of a ticket (a ``TicketView`` has these too)."""

    status: str
    priority: str
    channel: str
    customer: str | None
    title: str
    reopen_count: int
    escalation_level: int
    assignee: str | None
    created_at: datetime
    sla: SlaReading | None


def summarise(
    store: Store, now: datetime, staff: dict[str, Member], me: str | None, rules: SlaRules
) -> DemoSummary:
    """Count what is on the desk at ``now``."""
    reader = Desk(store, STAFF[0].handle, now=lambda: now, rules=rules)
    return count(reader.list(statuses=[s.value for s in Status]), now, staff, me)


def count(
    views: Sequence[Seen | TicketView], now: datetime, staff: dict[str, Member], me: str | None
) -> DemoSummary:
    """Count these tickets (the whole desk, its clocks read at ``now``)."""
    open_ = [v for v in views if v.status in OPEN]
    return DemoSummary(
        tickets=len(views),
        agents=len(staff) + (1 if me is not None and me not in staff else 0),
        teams=len(TEAMS),
        customers=len({v.customer for v in views}),
        by_status=_count([v.status for v in views], [s.value for s in Status]),
        by_priority=_count([v.priority for v in views], list(fields.PRIORITIES)),
        by_channel=_count([v.channel for v in views], list(fields.CHANNELS)),
        chinese=sum(_has_chinese(v.title) for v in views),
        reopened=sum(v.reopen_count > 0 for v in views),
        escalated=sum(v.escalation_level > 0 for v in views),
        near_deadline=sum(_due_within(v, now, _NEAR) for v in open_),
        overdue=sum(_breached(v) for v in open_),
        me=me,
        mine=sum(v.assignee == me for v in open_) if me else 0,
        first_created=min((v.created_at for v in views), default=None),
    )


def _clocks(view: Seen | TicketView) -> tuple[ClockReading, ...]:
    return (view.sla.first_response, view.sla.resolution) if view.sla else ()


def _due_within(view: Seen | TicketView, now: datetime, ahead: timedelta) -> bool:
    """Whether a running clock of the ticket falls due after ``now`` but within ``ahead``."""
    return any(c.state not in _STOPPED and now < c.due_at <= now + ahead for c in _clocks(view))


def _breached(view: Seen | TicketView) -> bool:
    return any(c.state == ClockState.BREACHED for c in _clocks(view))


def _count(values: list[str], order: list[str]) -> dict[str, int]:
    counts = Counter(values)
    return {k: counts[k] for k in order if counts[k]} | {
        k: v for k, v in counts.items() if k not in order
    }


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
