"""The agent's queue: saved views, filtering as you type, and the counts in the header."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core import workflow
from core.agents import unknown_agent
from core.desk import Desk
from core.sla import ClockFacts, ClockState, SlaClock
from storage import queries

OPEN = tuple(s.value for s in workflow.OPEN)
AT_RISK_HORIZON = timedelta(days=4)  # no at-risk clock is further than this from its due time


@dataclass(frozen=True)
class SavedView:
    """A named slice of the open tickets."""

    name: str
    title: str
    mine: bool = False
    team: bool = False  # my team's
    unassigned: bool = False
    state: str | None = None  # "breached" or "at_risk"
    priorities: tuple[str, ...] = ()


BUILT_IN = (
    SavedView("mine", "My tickets", mine=True),
    SavedView("team", "My team", team=True),
    SavedView("unassigned", "Unassigned", unassigned=True),
    SavedView("breached", "Breached", state="breached"),
    SavedView("at_risk", "At risk or breached", state="at_risk"),
    SavedView("open", "All open"),
)


@dataclass(frozen=True)
class QueueCounts:
    open: int
    at_risk: int
    breached: int


class Queue:
    """Reads the queue for one agent's desk; every call is a short read transaction."""

    def __init__(self, desk: Desk, views: tuple[SavedView, ...] = BUILT_IN) -> None:
        self.desk = desk
        self.views = {view.name: view for view in views}

    def numbers(
        self, view_name: str = "open", text: str = "", limit: int | None = None
    ) -> list[int]:
        """Ticket numbers in the view, most urgent first, filtered by ``text``."""
        view = self.views[view_name]
        now = self.desk.now()
        with self.desk.store.read() as s:
            me = queries.agent_by_handle(s, self.desk.actor)
            if me is None:
                raise unknown_agent(self.desk.actor)
            numbers = queries.queue_numbers(
                s,
                statuses=OPEN,
                assignee_id=me.id if view.mine else None,
                team_id=me.team_id if view.team else None,
                unassigned=view.unassigned,
                priorities=view.priorities or None,
                text=text,
                breached_at=now if view.state == "breached" else None,
                due_before=now + AT_RISK_HORIZON if view.state == "at_risk" else None,
                limit=None if view.state == "at_risk" else limit,
            )
        if view.state == "at_risk":
            numbers = [t.number for t in self.desk.tickets(numbers) if _at_risk_or_worse(t)]
        return numbers[:limit] if limit is not None else numbers

    def counts(self) -> QueueCounts:
        """Open, at-risk and breached tickets, for the header."""
        now = self.desk.now()
        with self.desk.store.read() as s:
            open_ = queries.queue_count(s, statuses=OPEN)
            breached = queries.queue_count(s, statuses=OPEN, breached_at=now)
            # at risk needs each clock's percent used: read the facts of the tickets that
            # can be (due soon, not breached) and nothing more
            near = queries.clock_rows(s, statuses=OPEN, due_before=now + AT_RISK_HORIZON)
        at_risk = 0
        for row in near:
            reading = SlaClock(self.desk.rules, ClockFacts(*row)).read(now)
            state = reading.most_urgent()[1].state
            at_risk += state == ClockState.AT_RISK
        return QueueCounts(open_, at_risk, breached)


def _at_risk_or_worse(ticket) -> bool:  # type: ignore[no-untyped-def]
    if ticket.sla is None:
        return False
    return ticket.sla.most_urgent()[1].state in (ClockState.AT_RISK, ClockState.BREACHED)
