"""The agent's queue: saved views (built in, and searches of one's own), searching as you
type within a view, and the counts in the header."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from deskline.core.desk import saved_views, search, workflow
from deskline.core.desk.facts import clock_facts
from deskline.core.desk.saved_views import ViewInfo
from deskline.core.desk.tickets import Desk
from deskline.core.language import N_
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
    every: bool = False  # every status, closed included (always searched)


BUILT_IN = (
    # titles said in the person's language where shown (the names are the keys)
    SavedView("mine", N_("My tickets"), mine=True),
    SavedView("team", N_("My team"), team=True),
    SavedView("unassigned", N_("Unassigned"), unassigned=True),
    SavedView("breached", N_("Breached"), state="breached"),
    SavedView("at_risk", N_("At risk or breached"), state="at_risk"),
    SavedView("open", N_("All open")),
    SavedView("all", N_("Every ticket, closed too"), every=True),
)
SEARCH_MOST = 1000  # a search in the queue shows at most this many tickets, best first
MINE = "mine:"  # the name of a saved view of one's own in the queue: "mine:" + its name


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
        self.searches: dict[str, ViewInfo] = {}  # saved views of one's own, by queue name
        self._team: tuple[str | None] | None = None  # my team's name, once read

    def read_searches(self) -> dict[str, str]:
        """My saved views (and my team's) read again: queue name -> title."""
        found = saved_views.views(self.desk)
        self.searches = {MINE + view.name: view for view in found}
        return {
            MINE + v.name: f"{v.name} (shared by {v.owner})" if v.shared else v.name for v in found
        }

    def query_of(self, view_name: str) -> str:
        """The view as a query of the search language (what saving it keeps)."""
        saved = self.searches.get(view_name)
        if saved is not None:
            return saved.query
        view = self.views[view_name]
        parts = [] if view.every else ["is:open"]
        if view.mine:
            parts.append("assignee:me")
        if view.team:
            team = self._my_team()
            parts.append(f'team:"{team}"' if team else "assignee:me")
        if view.unassigned:
            parts.append("is:unassigned")
        if view.state:
            parts.append(f"is:{view.state}")
        if view.priorities:
            parts.append("priority:" + ",".join(view.priorities))
        return " ".join(parts)

    def _my_team(self) -> str | None:
        if self._team is None:
            self._team = (self.desk.whoami().team,)
        return self._team[0]

    def _searched(self, view_name: str, text: str, limit: int | None) -> list[int]:
        """The view searched with ``text``, in its order (a saved one: the order saved with
        it; every ticket: the best match first)."""
        most = SEARCH_MOST if limit is None else min(limit, SEARCH_MOST)
        return search.numbers(
            self.desk,
            text,
            sort=self.order_of(view_name),
            limit=most,
            within=self.query_of(view_name),
        )

    def order_of(self, view_name: str) -> str | None:
        """The order the view shows its tickets in, searched or not, as a search's sort (what
        saving it keeps): a saved view's own; a queue's, most urgent first; every ticket:
        None, the best match first for words (else the queue's)."""
        saved = self.searches.get(view_name)
        if saved is not None:
            return saved.sort
        return None if self.views[view_name].every else "due"

    def narrowable(self, view_name: str) -> bool:
        """Whether the view's own rows, in its order, hold every answer to words typed in
        it (a built-in queue; not every ticket, nor a saved search with its own order)."""
        return view_name not in self.searches and not self.views[view_name].every

    def narrowed(
        self, view_name: str, held: Sequence[int], text: str, limit: int | None = None
    ) -> list[int] | None:
        """``numbers(view_name, text, limit)`` read from ``held``, the view's numbers as
        ``numbers(view_name)`` read them (kept by the caller, current): its rows that match
        the words typed, in its order. None when ``text`` is more than words (a field typed
        replaces the view's): ask ``numbers``."""
        if not self.narrowable(view_name):
            return None
        most = SEARCH_MOST if limit is None else min(limit, SEARCH_MOST)
        return search.within_held(self.desk, held, text, limit=most)

    def numbers(
        self, view_name: str = "open", text: str = "", limit: int | None = None
    ) -> list[int]:
        """Ticket numbers in the view, most urgent first, filtered by ``text``.

        Tickets whose clocks run come first, read in the order of the index on their next
        due time (with ``limit``, only that many are read); paused ones follow. Text typed
        (the search language), a saved search and every ticket are searched instead: best
        first, at most SEARCH_MOST.
        """
        if text or view_name in self.searches or self.views[view_name].every:
            return self._searched(view_name, text, limit)
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
