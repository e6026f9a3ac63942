"""The agent's queue: saved views, filtering as you type, and the counts in the header."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from deskline.core.desk import workflow
from deskline.core.desk.facts import clock_facts
from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import unknown_agent
from deskline.core.sla.clocks import ClockState, SlaClock
from deskline.storage import queries

OPEN = tuple(s.value for s in workflow.OPEN)


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
        """Ticket numbers in the view, most urgent first, filtered by ``text``.

        Tickets whose clocks run come first, read in the order of the index on their next
        due time (with ``limit``, only that many are read); paused ones follow.
        """
        view = self.views[view_name]
        now = self.desk.now()
        with self.desk.store.read() as s:
            me = queries.agent_by_handle(s, self.desk.actor)
            if me is None:
                raise unknown_agent(self.desk.actor)
            where: dict[str, Any] = {
                "statuses": OPEN,
                "assignee_id": me.id if view.mine else None,
                "team_id": me.team_id if view.team else None,
                "unassigned": view.unassigned,
                "priorities": view.priorities or None,
                "text": text,
                "overdue_at": now if view.state == "breached" else None,
                "risky_at": now if view.state == "at_risk" else None,
            }
            numbers = queries.queue_numbers(s, running=True, limit=limit, **where)
            if limit is None or len(numbers) < limit:
                rest = None if limit is None else limit - len(numbers)
                numbers += queries.queue_numbers(s, running=False, limit=rest, **where)
            unsure = self._unmarked(s, now) if view.state == "at_risk" else {}
        if unsure:  # at risk not stored yet for some: read their clocks
            numbers = [n for n in numbers if unsure.get(n, True)]
        return numbers

    def counts(self) -> QueueCounts:
        """Open, at-risk and breached tickets, for the header: counted by the database."""
        now = self.desk.now()
        with self.desk.store.read() as s:
            open_ = queries.queue_count(s, statuses=OPEN)
            breached = queries.queue_count(s, statuses=OPEN, overdue_at=now)
            # at risk or breached, and not yet due: at risk (stored instants)
            at_risk = queries.queue_count(s, statuses=OPEN, risky_at=now, due_after=now)
            unsure = self._unmarked(s, now, due_after=now)
        # the ones counted without their at-risk instant stored are read here instead
        at_risk += sum(unsure.values()) - len(unsure)
        return QueueCounts(open_, at_risk, breached)

    def _unmarked(
        self, s: Session, now: datetime, due_after: datetime | None = None
    ) -> dict[int, bool]:
        """Open tickets with a running clock whose at-risk instant is not stored (a desk
        upgraded before ``sla recompute``): number -> at risk or breached at ``now``."""
        found = {}
        for row in queries.unmarked_clock_rows(s, due_after=due_after):
            facts = clock_facts(row, row.tier, row.category)
            state = SlaClock(self.desk.rules, facts).read(now).most_urgent()[1].state
            if due_after is not None:
                found[row.number] = state == ClockState.AT_RISK
            else:
                found[row.number] = state in (ClockState.AT_RISK, ClockState.BREACHED)
        return found
