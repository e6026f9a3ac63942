"""The Desk keeps due times, pause credit and next_check_at right (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.core.sla.defaults import default_rules
from deskline.storage.models import Ticket

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)  # a Thursday


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        return self.t

    def at(self, minutes: float) -> None:
        self.t = T0 + timedelta(minutes=minutes)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_desk(desk, clock, **options) -> Desk:
    return Desk(desk.store, "ana", now=clock, rules=replace(default_rules(), **options))


@pytest.fixture
def ana(desk, clock) -> Desk:
    return make_desk(desk, clock)


def stored(desk: Desk, key: str) -> Ticket:
    with desk.store.read() as s:
        return s.exec(select(Ticket).where(Ticket.number == int(key[2:]))).one()


def test_create_stores_due_times_and_the_next_check(ana):
    key = ana.create("Site down", priority="P0").key
    t = stored(ana, key)
    assert t.first_response_due_at == T0 + timedelta(minutes=15)
    assert t.resolution_due_at == T0 + timedelta(hours=2)
    assert t.next_check_at == T0 + timedelta(minutes=12)  # 80 % of the first response


def test_json_carries_both_clocks_read_at_now(ana, clock):
    key = ana.create("Site down", priority="P0").key
    clock.at(13)
    sla = ana.get(key).to_json()["sla"]
    assert sla["first_response"] == {
        "due_at": "2026-04-02T08:15:00Z",
        "state": "at_risk",
        "remaining_seconds": 120,
        "percent_used": 86.7,
        "paused": False,
    }
    assert sla["resolution"]["state"] == "ok" and sla["resolution"]["remaining_seconds"] == 6420
    assert ana.list()[0].to_json()["sla"] == sla


def test_reply_stops_first_response_and_moves_next_check_to_resolution(ana, clock):
    key = ana.create("Site down", priority="P0").key
    ana.take(key)
    clock.at(5)
    ana.reply(key, "Looking")
    t = stored(ana, key)
    assert t.next_check_at == T0 + timedelta(hours=1)  # the 1 h warning of the resolution clock
    assert ana.get(key).sla.first_response.state.value == "met"


def test_internal_note_is_not_a_response_unless_configured(desk, clock):
    plain = make_desk(desk, clock)
    key = plain.create("x", priority="P0").key
    plain.note(key, "looking into it")
    assert stored(plain, key).first_response_at is None
    counting = make_desk(desk, clock, note_counts_as_response=True)
    key = counting.create("y", priority="P0").key
    clock.at(3)
    counting.note(key, "looking into it")
    assert stored(counting, key).first_response_at == T0 + timedelta(minutes=3)


def test_pending_pauses_resolution_and_resuming_credits_the_pause(ana, clock):
    key = ana.create("Need logs", priority="P0").key
    ana.take(key)
    clock.at(30)
    ana.transition(key, "pending")
    t = stored(ana, key)
    assert t.paused_at == clock.t and t.resolution_due_at == T0 + timedelta(hours=2)
    clock.at(200)  # long after the original due time: paused, so not breached
    reading = ana.get(key).sla.resolution
    assert (reading.state.value, reading.paused, reading.remaining_seconds) == (
        "paused",
        True,
        5400,
    )
    ana.transition(key, "in_progress")
    t = stored(ana, key)
    assert t.paused_at is None and t.pause_credit_seconds == 170 * 60
    assert t.resolution_due_at == T0 + timedelta(minutes=120 + 170)
    assert ana.get(key).sla.resolution.remaining_seconds == 5400


def test_resolving_from_pending_ends_the_pause_first(ana, clock):
    key = ana.create("x", priority="P0").key
    ana.take(key)
    clock.at(10)
    ana.transition(key, "pending")
    clock.at(70)
    ana.transition(key, "resolved", reason="customer confirmed")
    t = stored(ana, key)
    assert (t.paused_at, t.pause_credit_seconds) == (None, 3600)
    # no SLA threshold is left; the next check is the alert ladder's auto-close a day later
    assert t.next_check_at == T0 + timedelta(minutes=70, hours=24)
    assert ana.get(key).sla.resolution.state.value == "met"


def test_priority_change_recomputes_from_creation_keeping_credit(ana, clock):
    key = ana.create("x", priority="P1").key
    ana.take(key)
    ana.transition(key, "pending")
    clock.at(10)
    ana.transition(key, "in_progress")
    clock.at(20)
    ana.change_priority(key, "P0")
    t = stored(ana, key)
    assert t.pause_credit_seconds == 600
    assert t.first_response_due_at == T0 + timedelta(minutes=15)
    assert t.resolution_due_at == T0 + timedelta(minutes=130)


def test_reopen_resumes_the_clock_without_counting_time_resolved(ana, clock):
    key = ana.create("x", priority="P0").key
    ana.take(key)
    clock.at(60)
    ana.transition(key, "resolved", reason="restarted")
    clock.at(300)
    ana.reopen(key)
    t = stored(ana, key)
    assert t.pause_credit_seconds == 240 * 60
    reading = ana.get(key).sla.resolution
    assert reading.state.value == "warning" and reading.remaining_seconds == 3600


def test_reopen_can_restart_the_clock(desk, clock):
    ana = make_desk(desk, clock, on_reopen="restart")
    key = ana.create("x", priority="P0").key
    ana.take(key)
    clock.at(60)
    ana.transition(key, "resolved", reason="restarted")
    clock.at(300)
    ana.reopen(key)
    assert stored(ana, key).resolution_due_at == clock.t + timedelta(hours=2)
    assert ana.get(key).sla.resolution.percent_used == 0.0


def test_vip_policy_applies_through_the_desk(desk, clock):
    rules = default_rules()
    from deskline.core.sla.clocks import Policy

    ana = Desk(
        desk.store,
        "ana",
        now=clock,
        rules=replace(rules, policies=(Policy(name="VIP", tier="vip", factor=0.5),)),
    )
    key = ana.create("x", priority="P1", customer="Big Bank", vip=True).key
    assert stored(ana, key).first_response_due_at == T0 + timedelta(minutes=15)


def test_due_tickets_are_found_by_the_next_check_index(ana, clock):
    a = ana.create("a", priority="P0").key  # next check 08:12
    ana.create("b", priority="P3")  # business hours: much later
    with ana.store.read() as s:
        due = s.exec(select(Ticket).where(Ticket.next_check_at <= T0 + timedelta(minutes=12))).all()
    assert [t.key for t in due] == [a]


def test_recompute_moves_stored_due_times_to_new_targets_without_a_version_bump(desk, clock):
    ana = make_desk(desk, clock)
    key = ana.create("x", priority="P0").key
    done = ana.create("y", priority="P0").key
    ana.take(done)
    ana.transition(done, "resolved", reason="ok")
    before = stored(ana, key)
    from deskline.core.sla.calendar import parse_duration
    from deskline.core.sla.clocks import Target

    rules = default_rules()
    slower = {**rules.targets, "P0": Target(parse_duration("30m"), parse_duration("4h"), "always")}
    Roster(desk.store).add("ada", role="admin")  # only an admin recomputes
    changed = Desk(desk.store, "ada", now=clock, rules=replace(rules, targets=slower))
    assert changed.recompute_sla() == 1  # the resolved ticket is left alone
    after = stored(ana, key)
    assert after.first_response_due_at == T0 + timedelta(minutes=30)
    assert after.resolution_due_at == T0 + timedelta(hours=4)
    assert after.next_check_at == T0 + timedelta(minutes=24)
    assert after.version == before.version
    assert changed.recompute_sla() == 0


def test_queue_counts_open_at_risk_and_breached(ana, clock):
    from deskline.core.desk.queue import Queue

    ana.create("due soon", priority="P0")  # first response at risk from 12 min
    late = ana.create("late", priority="P0").key
    ana.create("calm", priority="P3")
    clock.at(-5)
    ana.create("older", priority="P0")  # created 5 minutes earlier
    clock.at(13)
    ana.reply(late, "on it")  # first response met; its resolution is fine
    counts = Queue(ana).counts()
    assert (counts.open, counts.at_risk, counts.breached) == (4, 1, 1)


def queue_key(desk: Desk, key: str) -> tuple[bool, bool, datetime, int]:
    """Where a ticket goes in the queue, from its stored columns (``queue_order``)."""
    t = stored(desk, key)
    assert t.first_response_due_at is not None and t.resolution_due_at is not None
    first_runs = t.first_response_at is None and t.first_response_due_at < t.resolution_due_at
    due = t.first_response_due_at if first_runs else t.resolution_due_at
    return (t.status in ("resolved", "closed"), t.paused_at is not None, due, t.number)


def test_list_is_in_queue_order_running_then_paused_then_finished_at_any_limit(ana, clock):
    keys = []
    for minutes, priority in ((0, "P2"), (1, "P0"), (2, "P3"), (3, "P1"), (4, "P0"), (5, "P3")):
        clock.at(minutes)
        keys.append(ana.create(f"ticket {minutes}", priority=priority).key)
    clock.at(6)
    ana.take(keys[1])
    ana.reply(keys[1], "on it")  # its resolution clock orders it now
    for paused in (keys[2], keys[4]):
        ana.take(paused)
        ana.transition(paused, "pending")
    ana.take(keys[0])
    ana.transition(keys[0], "resolved", reason="done")
    expected = sorted(keys, key=lambda k: queue_key(ana, k))
    open_ = [k for k in expected if k != keys[0]]
    assert [v.key for v in ana.list()] == open_
    assert expected[-1] == keys[0] and queue_key(ana, open_[-1])[1]  # a paused one last
    every = ["new", "assigned", "in_progress", "pending", "resolved"]
    for limit in range(1, len(keys) + 1):  # the running part alone, and into the rest
        assert [v.key for v in ana.list(statuses=every, limit=limit)] == expected[:limit]
    assert [v.key for v in ana.list(statuses=["pending"], limit=1)] == open_[-2:-1]
