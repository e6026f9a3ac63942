"""A small frozen desk for the numbers: three tickets whose every figure is worked out by hand
(a pause, a reopen, a priority change, business hours and a holiday)."""

from __future__ import annotations

from datetime import UTC, datetime

from deskline.core.desk.tickets import Desk
from deskline.core.policy.book import parse_policy_text
from deskline.core.roster.agents import Roster
from deskline.storage.store import Store

POLICY = """
[calendars.biz]
timezone = "UTC"
holidays = ["2026-04-03"]

[calendars.biz.hours]
mon = ["09:00-17:00"]
tue = ["09:00-17:00"]
wed = ["09:00-17:00"]
thu = ["09:00-17:00"]
fri = ["09:00-17:00"]

[calendars.always]
hours = "24x7"

[sla]
warning_leads = ["30m"]

[sla.P1]
first_response = "30m"
resolution = "4h"
calendar = "always"

[sla.P2]
first_response = "1h"
resolution = "8h"
calendar = "biz"
"""

RULES = parse_policy_text(POLICY, "test policy")
END = datetime(2026, 4, 7, 12, 0, tzinfo=UTC)  # Tuesday noon: the report's now


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 4, day, hour, minute, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.t = at(1, 9)

    def __call__(self) -> datetime:
        return self.t


def build(store: Store) -> dict[str, str]:
    """Fill ``store``; the keys of tickets A, B and C.

    A (P1, 24x7): Wed 10:00 created, 10:05 taken, 10:20 reply, 11:00 pending, 12:00 back in
      progress, 13:00 resolved.
    B (P2, business hours Mon-Fri 9-17, Friday 3 April a holiday): Thu 16:30 created,
      Mon 09:45 taken, Mon 10:00 reply (first response late), Mon 12:00 resolved,
      Tue 10:00 reopened, Tue 11:00 resolved again.
    C: Mon 09:00 created P2, 09:10 raised to P1, 09:20 taken, 09:50 reply (late): still open.
    """
    roster = Roster(store)
    roster.add("ana", name="Ana Silva", role="supervisor", team="Service Desk")
    roster.add("bo", name="Bo Wang", team="Service Desk")
    roster.add("di", name="Di Rector", role="director")
    roster.add("ad", name="Ad Min", role="admin")
    clock = Clock()
    r = RULES
    ana = Desk(store, "ana", now=clock, rules=r.sla, alerts=r.alerts)
    bo = Desk(store, "bo", now=clock, rules=r.sla, alerts=r.alerts)

    def step(day: int, hour: int, minute: int = 0) -> None:
        clock.t = at(day, hour, minute)

    step(1, 10)
    a = ana.create("Printer on fire", priority="P1", category="Hardware", channel="phone").key
    step(1, 10, 5)
    bo.take(a)
    step(1, 10, 20)
    bo.reply(a, "On my way")
    step(1, 11)
    bo.transition(a, "pending")
    step(1, 12)
    bo.transition(a, "in_progress")
    step(1, 13)
    bo.transition(a, "resolved", reason="extinguished")

    step(2, 16, 30)
    b = ana.create("Mail slow", priority="P2", category="Email", customer="Globex").key
    step(6, 9, 45)
    bo.take(b)
    step(6, 10)
    bo.reply(b, "Looking")
    step(6, 12)
    bo.transition(b, "resolved", reason="quota raised")
    step(7, 10)
    bo.reopen(b, reason="slow again")
    step(7, 11)
    bo.transition(b, "resolved", reason="moved mailbox")

    step(6, 9)
    c = ana.create("VPN flaky", priority="P2", category="Network/VPN").key
    step(6, 9, 10)
    ana.change_priority(c, "P1", reason="whole office")
    step(6, 9, 20)
    bo.take(c)
    step(6, 9, 50)
    bo.reply(c, "Checking the gateway")
    return {"A": a, "B": b, "C": c}
