"""The what-if replay: under the current policy it reproduces what the live desk did (the
alerts a real watcher fired, the clock outcomes), and doubled targets never add a breach."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from deskline.core.alerts.watcher import SlaWatcher
from deskline.core.desk.tickets import Desk
from deskline.core.metrics import reader
from deskline.core.metrics.engine import Period
from deskline.core.metrics.replay import People, alerts_of, replay
from deskline.core.policy.book import Rules, parse_policy_text
from deskline.core.roster.agents import Roster
from deskline.core.sla.clocks import FIRST_RESPONSE, RESOLUTION, ClockState, Target, scale
from deskline.core.sla.defaults import default_rules
from deskline.storage.models import Alert, Event, Ticket
from deskline.storage.store import Store

T0 = datetime(2026, 4, 6, 8, 0, tzinfo=UTC)  # a Monday
POLICY = """
[sla.P1]
first_response = "30m"
resolution = "2h"
calendar = "always"

[sla.P2]
first_response = "1h"
resolution = "4h"
calendar = "always"

[alerts]
unassigned_after = "20m"
not_started_after = "15m"
pending_close_after = "3h"
resolved_close_after = "2h"

[alerts.repeat]
breach = { every = "30m", times = 2 }
"""


class Clock:
    t = T0

    def __call__(self) -> datetime:
        return self.t


def doubled(rules: Rules) -> Rules:
    targets = {
        p: Target(scale(t.first_response, 2), scale(t.resolution, 2), t.calendar)
        for p, t in rules.sla.targets.items()
    }
    return replace(rules, sla=replace(rules.sla, targets=targets, policies=()))


def _keys(items):
    return sorted((n, rung, thr, clock, at) for n, rung, thr, clock, at in items)


def test_replay_under_the_current_policy_reproduces_a_live_watchers_alerts(tmp_path):
    rules = parse_policy_text(POLICY, "p.toml")
    store = Store.open(str(tmp_path / "live.db"))
    roster = Roster(store)
    roster.add("sue", name="Sue", role="supervisor", team="Ops")
    roster.add("al", name="Al", team="Ops")
    roster.add("dee", name="Dee", role="director")
    clock = Clock()
    kw = {"now": clock, "rules": rules.sla, "alerts": rules.alerts}
    al, sue = Desk(store, "al", **kw), Desk(store, "sue", **kw)
    watcher = SlaWatcher(store, sue, rules.alerts, now=clock, holder="live-test")
    plan = {  # minutes after T0 -> what happens
        0: lambda: [sue.create("a", priority="P1"), sue.create("b", priority="P2")],
        5: lambda: sue.create("c", priority="P2"),
        10: lambda: sue.assign("T-1", "al"),
        30: lambda: al.transition("T-1", "in_progress"),
        50: lambda: al.reply("T-1", "hi"),
        60: lambda: sue.assign("T-3", "al"),  # never started: handed back at 90
        70: lambda: al.transition("T-1", "pending"),
        100: lambda: al.transition("T-1", "in_progress"),
        130: lambda: al.take("T-2"),
        140: lambda: sue.change_priority("T-2", "P1"),
        200: lambda: al.transition("T-2", "resolved", reason="done"),
        230: lambda: al.reopen("T-2", reason="again"),
        260: lambda: al.transition("T-2", "resolved", reason="done"),
    }
    for minute in range(0, 9 * 60, 1):
        clock.t = T0 + timedelta(minutes=minute)
        watcher.run_due(clock.t)  # the watcher first, then what people do in that minute
        if minute in plan:
            plan[minute]()
    end = clock.t + timedelta(seconds=1)
    watcher.stop()
    with store.read() as s:
        live = _keys(
            (n, a.rung, a.threshold, a.clock, a.at)
            for a, n in s.exec(select(Alert, Ticket.number).join(Ticket))
        )
        system_steps = {e.kind for e in s.exec(select(Event))}
        people = People(reader.roster(s))
        replayed = []
        for h in reader.histories(s, since=None, until=end):
            _, fired = alerts_of(h, rules, end, people)
            replayed += [f.key() for f in fired]
    store.close()
    assert {"handed_back", "auto_closed"} & system_steps  # the watcher acted, and it was replayed
    assert len(live) > 10
    assert _keys(replayed) == live


def test_replay_of_the_demo_desk_under_its_policy_gives_its_clock_outcomes(demo_file):
    from conftest import DEMO_NOW

    store = Store.open(str(demo_file))
    rules = Rules(sla=default_rules())
    period = Period(None, DEMO_NOW, UTC)
    with store.read() as s:
        stored = {t.number: t for t in s.exec(select(Ticket))}
        people = People(reader.roster(s))
        histories = list(reader.histories(s, since=None, until=DEMO_NOW))
    store.close()
    for h in histories:
        played, _ = alerts_of(h, rules, DEMO_NOW, people)
        t = stored[h.number]
        assert played.sla.first_response_due() == t.first_response_due_at
        assert played.sla.resolution_due() == t.resolution_due_at
    now, proposed = replay(
        histories, ("current", 0, rules), ("doubled", None, doubled(rules)), period, people
    )
    s0, s1 = now.to_json(), proposed.to_json()
    assert s0["breaches"] > 0
    assert s1["breaches"] <= s0["breaches"]
    # clock by clock: nothing breached under doubled targets that was not breached before
    for h in histories:
        a, _ = alerts_of(h, rules, DEMO_NOW, people)
        b, _ = alerts_of(h, doubled(rules), DEMO_NOW, people)
        for clock in (FIRST_RESPONSE, RESOLUTION):
            late = (ClockState.MISSED, ClockState.BREACHED)
            if b.sla.read_clock(clock, DEMO_NOW).state in late:
                assert a.sla.read_clock(clock, DEMO_NOW).state in late, (h.key, clock)
    assert s1["alerts_by_rung"].get("breach", 0) <= s0["alerts_by_rung"].get("breach", 0)


LATER = """
[sla.P1]
first_response = "45m"
resolution = "3h"
calendar = "always"

[sla.P2]
first_response = "20m"
resolution = "90m"
calendar = "always"

[alerts]
unassigned_after = "40m"
not_started_after = "25m"
pending_close_after = "2h"
resolved_close_after = "1h"
"""


def test_a_replay_follows_the_policy_versions_as_the_desk_applied_them(tmp_path):
    """A policy applied half-way: the live desk planned its open tickets again and fired by
    the new ladder from then on; the replay of the desk's own policy does the same, versions
    and all, and a replay under the newest version alone does not."""
    from deskline.core.metrics import report
    from deskline.core.metrics.replay import Versions
    from deskline.core.policy import apply, book

    first, later = parse_policy_text(POLICY, "p.toml"), parse_policy_text(LATER, "q.toml")
    store = Store.open(str(tmp_path / "versions.db"))
    roster = Roster(store)
    roster.add("ada", name="Ada", role="admin", team="Ops")
    roster.add("sue", name="Sue", role="supervisor", team="Ops")
    roster.add("al", name="Al", team="Ops")
    clock = Clock()
    apply.apply(store, first, actor="ada", now=T0 - timedelta(minutes=1), source="p.toml")
    al, sue = Desk(store, "al", now=clock), Desk(store, "sue", now=clock)  # the store's policy
    watcher = SlaWatcher(store, sue, now=clock, holder="versions-test")
    plan = {
        0: lambda: [sue.create("a", priority="P1"), sue.create("b", priority="P2")],
        5: lambda: sue.create("c", priority="P2"),
        10: lambda: sue.assign("T-1", "al"),
        12: lambda: al.transition("T-1", "in_progress"),
        # the new policy: T-2 and T-3 are open and unassigned, their due times move
        45: lambda: apply.apply(store, later, actor="ada", now=clock.t, source="q.toml"),
        50: lambda: sue.create("d", priority="P1"),
        60: lambda: al.reply("T-1", "hi"),
        90: lambda: al.take("T-2"),
        150: lambda: al.transition("T-2", "resolved", reason="done"),
        200: lambda: al.transition("T-1", "resolved", reason="done"),
    }
    for minute in range(0, 6 * 60):
        clock.t = T0 + timedelta(minutes=minute)
        watcher.run_due(clock.t)
        if minute in plan:
            plan[minute]()
    end = clock.t + timedelta(seconds=1)
    watcher.stop()
    history = book.load_history(store)
    assert [p.version for p in history] == [1, 2]
    versions = Versions.applied(history)
    assert versions.at(T0) is history[0].rules and versions.at(end) is history[1].rules
    with store.read() as s:
        live = _keys(
            (n, a.rung, a.threshold, a.clock, a.at)
            for a, n in s.exec(select(Alert, Ticket.number).join(Ticket))
        )
        stored = {t.number: t for t in s.exec(select(Ticket))}
        people = People(reader.roster(s))
        histories = list(reader.histories(s, since=None, until=end))
    as_applied, newest_only = [], []
    for h in histories:
        played, fired = alerts_of(h, versions, end, people)
        as_applied += [f.key() for f in fired]
        newest_only += [f.key() for f in alerts_of(h, later, end, people)[1]]
        t = stored[h.number]
        assert played.sla.first_response_due() == t.first_response_due_at, h.key
        assert played.sla.resolution_due() == t.resolution_due_at, h.key
    assert len(live) > 5
    assert _keys(as_applied) == live
    assert _keys(newest_only) != live  # the versions matter here: the test can tell
    # the report names what it replayed
    period = Period(T0 - timedelta(days=1), end, UTC)
    _, old, _ = report.what_if(store, "ada", history[1], first, "p.toml", period)
    assert old.name == "versions 1-2 as applied"
    late = Period(T0 + timedelta(hours=2), end, UTC)
    assert report.what_if(store, "ada", history[1], first, "p.toml", late)[1].name == "version 2"
    store.close()


def test_replay_of_the_demo_desk_under_its_policy_reproduces_its_recorded_alerts(demo_file):
    """``deskline replay``'s own path (the desk's policy as applied, the whole history) gives
    back every alert the demo recorded (ticket, rung, people, moment, when it fired) and
    every clock's outcome, the stored desk's own SlaClock read at the same instant."""
    from conftest import DEMO_NOW

    from deskline.core.desk.facts import clock_facts
    from deskline.core.metrics import report
    from deskline.core.metrics.history import play
    from deskline.core.policy.book import PolicyBook
    from deskline.core.sla.clocks import SlaClock
    from deskline.storage.models import Category, Customer

    store = Store.open(str(demo_file))
    with store.read() as s:
        recorded = sorted(
            (n, a.rung, a.threshold, a.clock, a.at, a.fired_at, tuple(a.recipients))
            for a, n in s.exec(select(Alert, Ticket.number).join(Ticket))
        )
        current = PolicyBook().check(s)
        live = {}
        for t in s.exec(select(Ticket)):
            tier = s.get(Customer, t.customer_id).tier if t.customer_id else None
            path = s.get(Category, t.category_id).path if t.category_id else None
            clock = SlaClock(current.rules.sla, clock_facts(t, tier, path))
            live[t.number] = tuple(
                clock.read_clock(c, DEMO_NOW).state for c in (FIRST_RESPONSE, RESOLUTION)
            )
        histories = list(reader.histories(s, since=None, until=DEMO_NOW))
    period = Period(None, DEMO_NOW, UTC)
    _, side, _ = report.what_if(
        store, "maria.garcia", current, current.rules, "same", period, keep=True
    )
    store.close()
    replayed = sorted(
        (f.ticket, f.rung, f.threshold, f.clock, f.at, f.fired_at, f.recipients) for f in side.fired
    )
    assert len(recorded) > 50 and {"breach", "warning", "at_risk"} <= {r[1] for r in recorded}
    assert any(r[5] > r[4] for r in recorded)  # some fired late: when their stretch began
    assert replayed == recorded
    for h in histories:
        played = play(h, current.rules.sla, DEMO_NOW)
        states = tuple(
            played.sla.read_clock(c, DEMO_NOW).state for c in (FIRST_RESPONSE, RESOLUTION)
        )
        assert states == live[h.number], h.key
