"""Playing the plans through the Desk, so every ticket gets the audit trail a real one
would have.

History is written in the past by giving the Desk a clock that is moved to each step's
moment; plans are played in order of creation so that ticket numbers grow with age.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from deskline.core.demo.cast import VIP
from deskline.core.demo.plan import Plan
from deskline.core.demo.story import Step
from deskline.core.desk import fields
from deskline.core.desk.tickets import Desk
from deskline.core.desk.views import TicketView
from deskline.core.desk.workflow import Status
from deskline.core.roster import permissions
from deskline.core.sla.clocks import SlaRules
from deskline.storage import queries
from deskline.storage.queries import TicketRow
from deskline.storage.store import Store


class _Clock:
    """The moment the Desk thinks it is; moved to each step in turn."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class _Scribe(Desk):
    """The Desk, except that a change hands back only the ticket's own row (no names of what
    it points at, no conversation, audit trail or SLA). The demo reads the desk once at the
    end; reading every ticket back in full after each of its thousands of changes would
    take about half the time of a fill."""

    def _require(self, refusal: permissions.Refusal | None) -> None:
        """The made-up past is written as its stories tell it (the demo plays the desk's
        history, not a person's commands), even where a story bends the role matrix."""

    def get(self, key: str) -> TicketView:
        with self.store.read() as s:
            ticket = queries.ticket_by_number(s, fields.ticket_number(key))
        if ticket is None:  # not after a change that succeeded
            return super().get(key)
        return TicketView.from_row(TicketRow(ticket, None, None, None, None, None))


def play_plans(
    store: Store,
    now: datetime,
    plans: list[Plan],
    rules: SlaRules,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write the planned tickets and every step of their stories to the store;
    ``progress`` is told (done, total) now and then."""
    clock = _Clock(now)
    desks: dict[str, Desk] = {}

    def desk(handle: str) -> Desk:
        if handle not in desks:
            desks[handle] = _Scribe(store, handle, now=clock, rules=rules)
        return desks[handle]

    every = max(1, len(plans) // 200)
    for done, plan in enumerate(sorted(plans, key=lambda p: (p.created_at, p.index))):
        if progress is not None and done % every == 0:
            progress(done, len(plans))
        first, *rest = plan.steps
        clock.at = plan.created_at
        view = desk(first.actor).create(
            plan.title,
            priority=plan.priority,
            category=plan.category,
            customer=plan.customer,
            vip=plan.customer in VIP,
            channel=plan.channel,
            description=plan.description,
            tags=plan.tags,
        )
        for step in rest:
            clock.at = plan.created_at + step.after
            view = _act(desk(step.actor), view.key, step)
    if progress is not None:
        progress(len(plans), len(plans))


def _act(desk: Desk, key: str, step: Step) -> TicketView:
    """One step of a story, through the Desk."""
    kind, text, args = step.kind, step.text, step.args
    if kind == "assign":
        return desk.assign(key, args["to"])
    if kind == "take":
        return desk.take(key)
    if kind in ("start", "resume"):
        return desk.transition(key, Status.IN_PROGRESS)
    if kind == "pending":
        return desk.transition(key, Status.PENDING)
    if kind == "resolve":
        return desk.transition(key, Status.RESOLVED, reason=text)
    if kind == "close":
        return desk.transition(key, Status.CLOSED, reason=text or None)
    if kind == "reply":
        return desk.reply(key, text)
    if kind == "note":
        return desk.note(key, text)
    if kind == "priority":
        return desk.change_priority(key, args["to"], reason=text)
    if kind == "escalate":
        return desk.escalate(key, reason=text, progress=args["progress"], help_needed=args["help"])
    if kind == "reopen":
        return desk.reopen(key, reason=text)
    raise AssertionError(f"unknown demo step {kind!r}")
