"""Reading the queue without the ORM: tickets in queue order with their SLA clocks read,
streamed from Core rows (``storage.reads``). The Desk lists through it; the command line's
``list`` uses it alone (``Reader``), so a read command loads neither SQLModel nor the use
cases that write."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from deskline.core import clock
from deskline.core.desk import fields, workflow
from deskline.core.desk.facts import clock_facts
from deskline.core.desk.views import TicketView
from deskline.core.policy.book import PolicyBook
from deskline.core.roster.handles import unknown_agent
from deskline.core.sla.clocks import SlaClock, SlaRules
from deskline.storage import reads
from deskline.storage.reads import TicketRow
from deskline.storage.store import Store


def view_of(row: TicketRow, rules: SlaRules, now: datetime) -> TicketView:
    """A ticket row with its SLA clocks read at ``now``."""
    facts = clock_facts(row.ticket, row.tier, row.category)
    sla = SlaClock(rules, facts).read(now)
    return replace(TicketView.from_row(row), sla=sla, clock=facts)


def wanted(
    statuses: Sequence[str] | None, priorities: Sequence[str] | None, archived: bool = False
) -> tuple[list[str], list[str] | None]:
    """The statuses (default: every open one; in the archive, every one) and priorities
    asked for, checked."""
    found = [workflow.parse_status(s).value for s in statuses] if statuses else None
    prios = [fields.priority(p) for p in priorities] if priorities else None
    every = workflow.Status if archived else workflow.OPEN
    return found or [s.value for s in every], prios


def actor_id(session: Any, handle: str) -> int:
    """The id of the agent ``handle``; an unknown one is the error naming how to add them."""
    found = reads.agent_row(session, handle=handle)
    if found is None:
        raise unknown_agent(handle)
    return int(found.id)


def queue(
    session: Any,
    rules: SlaRules,
    now: datetime,
    *,
    statuses: list[str],
    priorities: list[str] | None = None,
    assignee_id: int | None = None,
    limit: int | None = None,
    archived: bool = False,
) -> Iterator[TicketView]:
    """The tickets of a queue in its order, each read as it comes from the database; live
    ones, or (``archived``) the archive's, newest first."""
    rows = reads.ticket_rows(
        session,
        statuses=statuses,
        priorities=priorities,
        assignee_id=assignee_id,
        limit=limit,
        archived=archived,
    )
    for row in rows:
        yield view_of(row, rules, now)


class Reader:
    """The desk's queue for one agent (``actor``, a handle), read in a Core transaction under
    the newest policy: what ``deskline list`` prints, streamed."""

    def __init__(
        self, store: Store, actor: str, *, now: Callable[[], datetime] = clock.now
    ) -> None:
        self.store, self.actor, self.now = store, actor, now
        self.book = PolicyBook()

    def list(
        self,
        *,
        statuses: Sequence[str] | None = None,
        priorities: Sequence[str] | None = None,
        mine: bool = False,
        limit: int | None = None,
        archived: bool = False,
    ) -> Iterator[TicketView]:
        """Tickets in queue order (by default every open one), as ``Desk.list`` gives them,
        one at a time: the transaction stays open until the last is read. ``archived``: the
        archive's tickets instead, newest first."""
        found, prios = wanted(statuses, priorities, archived)  # bad input fails before a read
        with self.store.read_rows() as s:
            self.book.check(s)
            assignee = actor_id(s, self.actor) if mine else None
            yield from queue(
                s,
                self.book.current.sla,
                self.now(),
                statuses=found,
                priorities=prios,
                assignee_id=assignee,
                limit=limit,
                archived=archived,
            )
