"""The alert engine on a frozen clock: every rung of the ladder, once each, on both backends."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from conftest import FrozenClock as Clock
from sqlalchemy import func, text
from sqlmodel import select

from deskline.core.alerts.ladder import AlertRules
from deskline.core.alerts.watcher import SlaWatcher
from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.core.sla.defaults import default_rules
from deskline.storage.models import Alert, Comment, Delivery, Event, Ticket
from deskline.storage.store import Store

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)  # a Thursday


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def ana(desk, clock) -> Desk:
    Roster(desk.store).add("dee", name="Dee Director", role="director")
    return Desk(desk.store, "ana", now=clock)


_names = iter(range(1_000_000))


def watcher(desk: Desk, clock: Clock, **rules) -> SlaWatcher:
    """A watcher of its own (a process of its own, as far as the lease can tell)."""
    holder = f"watcher-{next(_names)}"
    return SlaWatcher(desk.store, desk, AlertRules(**rules), now=clock, holder=holder)


def alerts(desk: Desk) -> list[Alert]:
    with desk.store.read() as s:
        return list(s.exec(select(Alert).order_by(Alert.id)).all())


def ticket(desk: Desk, key: str) -> Ticket:
    with desk.store.read() as s:
        return s.exec(select(Ticket).where(Ticket.number == int(key[2:]))).one()


def fired(w: SlaWatcher, clock: Clock, minutes: float) -> list[tuple[str, str, tuple[str, ...]]]:
    clock.at(minutes)
    return [(f.rung, f.notice.clock or "-", f.notice.recipients) for f in w.run_due()]


def test_an_unassigned_p0_climbs_the_ladder_once_per_rung(ana, clock):
    key = ana.create("Checkout down", priority="P0").key
    w = watcher(ana, clock)
    assert fired(w, clock, 11.9) == []
    # 80 % of the 15 min first response; nobody holds it, so the team's supervisor hears
    assert fired(w, clock, 12) == [("at_risk", "first_response", ("ana",))]
    assert fired(w, clock, 12) == []  # once
    assert fired(w, clock, 15) == [("breach", "first_response", ("ana", "dee"))]
    assert fired(w, clock, 30) == [("unassigned", "-", ("ana",))]
    assert [a.level for a in alerts(ana)] == [2, 3, 1]
    assert not any(a.late for a in alerts(ana))
    assert ticket(ana, key).escalation_level == 3  # the level follows the ladder


def test_warnings_and_the_resolution_clock_go_to_the_assignee(ana, clock):
    key = ana.create("VPN flaps", priority="P0").key
    Desk(ana.store, "bo", now=clock).take(key)
    Desk(ana.store, "bo", now=clock).reply(key, "looking at it")  # first response met
    w = watcher(ana, clock)
    assert fired(w, clock, 59) == []
    assert fired(w, clock, 60) == [("warning", "resolution", ("bo",))]  # 1 h before 2 h
    assert fired(w, clock, 90) == [("warning", "resolution", ("bo",))]  # 30 min before
    assert fired(w, clock, 96) == [("at_risk", "resolution", ("bo", "ana"))]
    assert fired(w, clock, 120) == [("breach", "resolution", ("bo", "ana", "dee"))]
    assert [a.threshold for a in alerts(ana)] == [
        "warning:3600",
        "warning:1800",
        "at_risk",
        "breach",
    ]


def test_the_watcher_never_bumps_a_ticket_version(ana, clock):
    key = ana.create("x", priority="P0").key
    before = ticket(ana, key).version
    fired(watcher(ana, clock), clock, 15)
    after = ticket(ana, key)
    assert after.version == before and after.escalation_level == 3
    ana.note(key, "still mine", expected_version=before)  # no stale edit


def test_assigned_but_not_started_reminds_then_hands_back(ana, clock):
    clock.at(60)  # 09:00, the business calendar's opening (before it, quiet hours hold P3s)
    key = ana.create("Printer", priority="P3").key
    ana.assign(key, "bo")
    w = watcher(ana, clock)
    assert fired(w, clock, 60 + 14) == []
    assert fired(w, clock, 60 + 15) == [("not_started", "-", ("bo",))]
    assert fired(w, clock, 60 + 30) == [("hand_back", "-", ("bo", "ana"))]
    t = ticket(ana, key)
    assert (t.status, t.assignee_id) == ("new", None)
    with ana.store.read() as s:
        kinds = [e.kind for e in s.exec(select(Event).where(Event.ticket_id == t.id)).all()]
    assert kinds[-1] == "handed_back"
    # back in the queue, its unassigned clock counts from the hand-back
    assert fired(w, clock, 60 + 59) == []
    assert fired(w, clock, 60 + 60) == [("unassigned", "-", ("ana",))]


def test_pending_without_reply_closes_after_a_day_with_a_system_comment(ana, clock):
    key = ana.create("Question", priority="P3").key
    ana.take(key)
    ana.reply(key, "Which version do you run?")  # first response met; resolution pauses
    clock.at(5)
    ana.transition(key, "pending")
    w = watcher(ana, clock)
    assert [r for r, _, _ in fired(w, clock, 5 + 24 * 60 - 1)] == []
    assert [r for r, _, _ in fired(w, clock, 5 + 24 * 60)] == ["pending_close"]
    t = ticket(ana, key)
    assert t.status == "closed" and t.closed_at == clock()
    with ana.store.read() as s:
        comments = s.exec(select(Comment).where(Comment.ticket_id == t.id)).all()
    assert [c.kind for c in comments] == ["reply", "system"]
    assert "no customer reply" in comments[1].body


def test_resolved_closes_after_a_day_unless_reopened(ana, clock):
    a = ana.create("A", priority="P3").key
    b = ana.create("B", priority="P3").key
    for key in (a, b):
        ana.take(key)
        ana.transition(key, "resolved", reason="fixed")
    clock.at(60)
    ana.reopen(b, reason="still broken")
    w = watcher(ana, clock)
    fired(w, clock, 24 * 60 + 1)
    assert ticket(ana, a).status == "closed"
    assert ticket(ana, b).status == "in_progress"


def test_a_moved_due_time_drops_the_old_thresholds(ana, clock):
    key = ana.create("x", priority="P0").key
    w = watcher(ana, clock)
    assert [r for r, _, _ in fired(w, clock, 12)] == ["at_risk"]
    clock.at(13)
    ana.change_priority(key, "P2", reason="only one user")
    # P2 runs on the business calendar (Thu 09:00-18:00 in the machine's zone): the old
    # 15 min breach never fires; the new thresholds do, with new dedupe keys
    assert fired(w, clock, 15) == []
    t = ticket(ana, key)
    assert t.first_response_due_at > T0 + timedelta(minutes=15)
    clock.t = t.first_response_due_at
    w.run_due()
    p2 = [a for a in alerts(ana) if a.clock == "first_response" and a.rung == "breach"]
    assert [a.due_at for a in p2] == [t.first_response_due_at]  # the P2 breach, not P0's
    keys = [a.dedupe_key for a in alerts(ana)]
    assert len(keys) == len(set(keys))


def test_alerts_missed_while_nothing_ran_fire_once_on_start_marked_late(ana, clock):
    ana.create("x", priority="P0")
    first = watcher(ana, clock)
    assert fired(first, clock, 1) == []
    first.stop()  # the watcher stops; the thresholds pass
    again = watcher(ana, clock)
    got = fired(again, clock, 180)
    assert sorted(r for r, _, _ in got) == sorted(
        ["at_risk", "breach", "unassigned", "warning", "warning", "at_risk", "breach"]
    )
    assert all(a.late for a in alerts(ana))
    assert fired(again, clock, 181) == []


def test_two_watchers_on_one_database_fire_each_alert_once(ana, clock):
    for n in range(6):
        ana.create(f"t{n}", priority="P0")
    one, two = watcher(ana, clock, lease=timedelta(seconds=30)), watcher(ana, clock)
    for minute in (12, 15, 30, 96, 120):
        clock.at(minute)
        results: list[int] = []

        def run(w: SlaWatcher, into: list[int] = results) -> None:
            into.append(len(w.run_due()))

        threads = [threading.Thread(target=run, args=(w,)) for w in (one, two)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert 0 in results  # only the lease holder fired
    keys = [a.dedupe_key for a in alerts(ana)]
    # each ticket: first response at risk and breach, unassigned, two resolution warnings,
    # resolution at risk and breach; and the surge of six P0 tickets at once
    assert len(keys) == len(set(keys)) == 6 * 7 + 1


def test_a_lapsed_lease_is_taken_over(ana, clock):
    ana.create("x", priority="P0")
    one = watcher(ana, clock, lease=timedelta(seconds=10))
    two = watcher(ana, clock, lease=timedelta(seconds=10))
    assert fired(one, clock, 0) == [] and one.leader
    assert fired(two, clock, 0.1) == [] and not two.leader
    clock.at(12)  # one went silent 12 minutes ago: its lease lapsed
    assert [f.rung for f in two.run_due()] == ["at_risk"] and two.leader
    assert one.run_due() == [] and not one.leader


def test_release_hands_the_lease_over_at_once(ana, clock):
    one, two = watcher(ana, clock), watcher(ana, clock)
    one.run_due()
    one.release()
    two.run_due()
    assert two.leader


def test_due_tickets_come_from_the_next_check_index(sqlite_url):
    store = Store.open(sqlite_url)  # SQLite's plan is fixed; PostgreSQL plans by statistics
    with store.engine.connect() as conn:
        plan = conn.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT ticket.id FROM ticket "
                "WHERE next_check_at <= '2026-01-01' ORDER BY next_check_at LIMIT 500"
            )
        ).all()
        earliest = conn.execute(text("EXPLAIN QUERY PLAN SELECT min(next_check_at) FROM ticket"))
        details = " ".join(str(row[-1]) for row in [*plan, *earliest.all()])
    assert "ix_ticket_next_check_at" in details
    assert "SCAN ticket" not in details.replace("SCAN ticket USING", "")


def test_delivery_rows_are_unique_per_alert_recipient_and_channel(ana, clock):
    ana.create("x", priority="P0")
    fired(watcher(ana, clock), clock, 15)
    with ana.store.read() as s:
        rows = s.exec(select(Delivery.recipient, Delivery.channel)).all()
        dupes = s.exec(
            select(func.count())
            .select_from(Delivery)
            .group_by(Delivery.alert_id, Delivery.recipient, Delivery.channel)
            .having(func.count() > 1)
        ).all()
    assert dupes == []
    # at risk (level 2): ana; breach (level 3): ana and dee; in the app and on the desktop
    # (which levels show there is each person's [notify] desktop, in their app)
    app = [("ana", "app"), ("ana", "app"), ("dee", "app")]
    assert sorted(rows) == sorted(app + [(h, "desktop") for h, _ in app])


def test_a_surge_is_alerted_once_to_supervisors_and_the_director(ana, clock):
    for n in range(4):
        clock.at(n)
        ana.create(f"down {n}", priority="P0")
    w = watcher(ana, clock)
    clock.at(4)
    surges = [f for f in w.run_due() if f.rung == "surge"]
    assert len(surges) == 1 and set(surges[0].notice.recipients) == {"ana", "dee"}
    assert [f for f in w.run_due() if f.rung == "surge"] == []
    assert ana.surges()[0].alerted_at is not None


def test_the_ladder_is_configurable_and_rungs_can_be_off(ana, clock):
    desk = Desk(ana.store, "ana", now=clock, alerts=AlertRules(unassigned_after=None))
    rules = replace(default_rules(), warning_leads=())
    desk = Desk(ana.store, "ana", now=clock, rules=rules, alerts=AlertRules(unassigned_after=None))
    desk.create("x", priority="P1")
    w = SlaWatcher(desk.store, desk, AlertRules(unassigned_after=None), now=clock)
    got = []
    for minute in range(0, 250, 5):
        got += fired(w, clock, minute)
    assert [r for r, _, _ in got] == ["at_risk", "breach", "at_risk", "breach"]  # no unassigned


def test_a_watcher_says_when_it_stands_by_and_when_it_takes_over(ana, clock):
    told: list[str] = []
    one = watcher(ana, clock, lease=timedelta(seconds=10))
    two = SlaWatcher(
        ana.store,
        ana,
        AlertRules(lease=timedelta(seconds=10)),
        now=clock,
        holder="the-second",
        on_event=lambda kind, line: told.append(line),
    )
    one.run_due()
    two.run_due()
    assert told == [f"standing by: another watcher ({one.holder}) fires the alerts"]
    one.release()
    two.run_due()
    assert told[-1] == "firing alerts for this database"
    two.run_due()
    assert len(told) == 2  # said once, not on every pass


def test_one_pass_over_many_tickets_raises_tells_and_moves_each(ana, clock):
    """A burst (many tickets past their thresholds at once) is written in bulk: each
    ticket still gets its own level, deliveries and next check."""
    keys = [ana.create(f"outage {i}", priority="P0").key for i in range(12)]
    quiet = ana.create("later", priority="P3").key
    got = [f for f in fired(watcher(ana, clock), clock, 15) if f[0] != "surge"]  # 12 P0s
    assert sorted(got) == sorted(
        [("at_risk", "first_response", ("ana",))] * 12
        + [("breach", "first_response", ("ana", "dee"))] * 12
    )
    for key in keys:
        t = ticket(ana, key)
        assert t.escalation_level == 3  # the breach's level
        assert t.next_check_at == T0 + timedelta(minutes=30)  # its unassigned rung
    assert ticket(ana, quiet).escalation_level == 0
    with ana.store.read() as s:
        told = s.exec(
            select(Delivery.recipient, Alert.rung)
            .join(Alert)
            .where(Delivery.channel == "app", Alert.rung != "surge")
        ).all()
    assert sorted(told) == sorted(
        [("ana", "at_risk")] * 12 + [("ana", "breach"), ("dee", "breach")] * 12
    )


def test_a_pass_cut_short_by_the_scheduler_stopping_is_not_logged_as_an_error(caplog):
    """Quitting the app mid-pass made APScheduler print a CancelledError traceback on the
    terminal the app had just left; a real failure of a pass is still logged."""
    import asyncio
    import logging

    scheduler_log = logging.getLogger("apscheduler.executors.default")
    for error in (asyncio.CancelledError(), RuntimeError("the store is away")):
        try:
            raise error
        except BaseException:
            scheduler_log.exception("Error running job deskline-sweep")
    assert [r.exc_info[1] for r in caplog.records if r.exc_info] == [error]
