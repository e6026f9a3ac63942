"""Demo data: a lived-in help desk for ``deskline demo``, the same for a given seed and time.

Every ticket has the audit trail a real one would have. A ticket's fate is dealt first
(``slots``), then its words and people are chosen and its story planned (``plan``,
``cast``, ``corpus``, ``history``, ``deadline``, ``story``); the plans are played in
order of creation, as the Desk plays them, and written as sets (``sets``; ``play``
plays them through the Desk itself, the desk it makes the same), and the result
counted (``summary``).
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlmodel import func, select

from deskline.core.alerts.watcher import SlaWatcher
from deskline.core.demo.cast import Member, enrol
from deskline.core.demo.past import record_past_alerts
from deskline.core.demo.plan import plan_tickets
from deskline.core.demo.play import play_plans
from deskline.core.demo.sets import write_plans
from deskline.core.demo.summary import DemoSummary, count, summarise
from deskline.core.desk.tickets import Desk
from deskline.core.errors import InvalidInput
from deskline.core.language import _
from deskline.core.roster.agents import check_handle
from deskline.core.sla.clocks import SlaRules
from deskline.core.sla.defaults import default_rules
from deskline.storage.models import Ticket
from deskline.storage.store import Store

__all__ = ["DemoSummary", "fill"]


def fill(
    store: Store,
    *,
    now: datetime,
    tickets: int = 300,
    seed: int = 7,
    me: str | None = None,
    rules: SlaRules | None = None,
    progress: Callable[[int, int], None] | None = None,
    through_desk: bool = False,
) -> DemoSummary:
    """Fill an empty store with agents, customers and ``tickets`` tickets of history up to
    ``now``; ``me`` (a handle) joins the first team and gets a share of the open tickets.

    ``rules`` are the desk's SLA rules (default: the built-in ones); the tickets placed near
    or past a deadline are placed by them. ``progress`` is told (tickets written, total)
    now and then. The plans are written as sets (``sets``, a batch a transaction); with
    ``through_desk`` through the Desk instead, a use case at a time (``play``: the same
    desk, some hundred times slower).
    """
    if now.tzinfo is None:
        raise InvalidInput(_("the demo needs a time with an offset, like 2026-04-02T16:30:00Z"))
    now = now.astimezone(UTC)
    if tickets < 1:
        raise InvalidInput(
            _("the demo needs at least one ticket, not {count}").format(count=tickets)
        )
    if me is not None:
        me = check_handle(me)
    held = _ticket_count(store)
    if held:
        raise InvalidInput(
            _(
                "{desk} already holds tickets ({count}): the demo only fills an "
                "empty desk; point it at a new database file"
            ).format(desk=store.display_url, count=held)
        )
    rules = rules or default_rules()
    staff = enrol(store, me)
    with _collector_paused(not through_desk):
        return _build(store, now, tickets, seed, me, staff, rules, progress, through_desk)


def _build(
    store: Store,
    now: datetime,
    tickets: int,
    seed: int,
    me: str | None,
    staff: dict[str, Member],
    rules: SlaRules,
    progress: Callable[[int, int], None] | None,
    through_desk: bool,
) -> DemoSummary:
    """``fill`` once its arguments are checked and the staff enrolled."""
    plans = plan_tickets(random.Random(seed), now, tickets, staff, me, rules)
    # With the stories, their past alerts, as a watcher running all along would have fired
    # them (the replay's own code over each history), so a replay under the policy gives
    # them back; then the watcher arms its next checks (finding nothing more due): opening
    # the demo does not raise that whole past as late news, nor close or hand back tickets.
    seen = None
    if through_desk:
        play_plans(store, now, plans, rules, progress)
        record_past_alerts(store, now, rules)
    else:
        seen = write_plans(store, now, plans, rules, progress)
    desk = Desk(store, next(iter(staff)), now=lambda: now, rules=rules)
    SlaWatcher(store, desk, now=lambda: now).record_history(now)
    if seen is None:
        return summarise(store, now, staff, me, rules)
    return count(seen, now, staff, me)  # what it wrote: no need to read the desk back


@contextmanager
def _collector_paused(paused: bool) -> Iterator[None]:
    """Python's cycle collector off for the block (``paused``), as it was after. Building a
    desk as sets makes millions of small objects that all live until it ends (the plans,
    their steps, each batch's rows) and form no cycles worth finding: the collector's
    passes over that growing heap cost a fifth of the time, and found nothing."""
    was = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _ticket_count(store: Store) -> int:
    with store.read() as s:
        return int(s.exec(select(func.count()).select_from(Ticket)).one())
