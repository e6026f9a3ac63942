"""The alert policy, complete: repeat cadence, quiet hours, hand-backs routed again, manual
escalations told their target, each person's own channels and quiet hours. Frozen clock,
both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from conftest import FrozenClock as Clock
from sqlmodel import select

from deskline.core.alerts import preferences
from deskline.core.alerts.ladder import AlertRules, Ladder, LadderFacts, QuietHours, Repeat
from deskline.core.alerts.watcher import SlaWatcher
from deskline.core.desk.tickets import Desk
from deskline.core.errors import Forbidden, InvalidInput, NotFound
from deskline.core.roster.agents import Roster
from deskline.core.routing.route import RoutingRules
from deskline.core.sla.calendar import BusinessCalendar
from deskline.core.sla.clocks import ClockFacts, SlaClock
from deskline.core.sla.defaults import default_rules
from deskline.storage.models import Alert, Delivery, Event, Ticket

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)  # a Thursday; the business calendar opens at 9
EVERY_30 = {"unassigned": Repeat(timedelta(minutes=30), 4)}

# The default targets on a business calendar in UTC (weekdays 09:00-18:00), whatever TZ is.
SLA = replace(
    default_rules(),
    calendars={"always": BusinessCalendar.always(), "business": BusinessCalendar.weekdays("UTC")},
)

_names = iter(range(1_000_000))


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


def desk_of(store, clock: Clock, rules: AlertRules, handle: str = "ana", **kw) -> Desk:
    return Desk(store, handle, now=clock, rules=SLA, alerts=rules, **kw)


def watcher(desk: Desk, clock: Clock, rules: AlertRules) -> SlaWatcher:
    return SlaWatcher(desk.store, desk, rules, now=clock, holder=f"w-{next(_names)}")


def alerts(store, rung: str | None = None) -> list[Alert]:
    with store.read() as s:
        found = list(s.exec(select(Alert).order_by(Alert.id)).all())
    return [a for a in found if rung is None or a.rung == rung]


def deliveries(store, alert_id: int) -> dict[tuple[str, str], tuple[str, str | None]]:
    with store.read() as s:
        rows = s.exec(select(Delivery).where(Delivery.alert_id == alert_id)).all()
        return {(d.recipient, d.channel): (d.status, d.detail) for d in rows}


def run_minutes(w: SlaWatcher, clock: Clock, minutes: range | list[float]) -> list:
    """A pass at every minute given: what each fired, by minute."""
    fired = []
    for m in minutes:
        clock.at(m)
        fired += [(m, f.rung) for f in w.run_due()]
    return fired


# -- repeat cadence ----------------------------------------------------------------------


def test_an_unassigned_ticket_is_told_again_every_30_min_at_most_4_more_times(desk, clock):
    rules = AlertRules(repeat=EVERY_30)
    ana = desk_of(desk.store, clock, rules)
    ana.create("Nobody takes this", priority="P1")
    w = watcher(ana, clock, rules)
    fired = [f for f in run_minutes(w, clock, range(0, 240)) if f[1] == "unassigned"]
    assert fired == [(30, "unassigned"), (60, "unassigned"), (90, "unassigned")] + [
        (120, "unassigned"),
        (150, "unassigned"),
    ]  # unassigned 2.5 h: 1 + 4 alerts, each at its instant, then no more
    found = alerts(ana.store, "unassigned")
    assert [a.threshold for a in found] == [
        "unassigned",
        "unassigned#2",
        "unassigned#3",
        "unassigned#4",
        "unassigned#5",
    ]
    assert [a.at for a in found] == [T0 + timedelta(minutes=m) for m in (30, 60, 90, 120, 150)]
    assert not any(a.late for a in found)


def test_a_repeat_stops_as_soon_as_its_condition_ends(desk, clock):
    rules = AlertRules(repeat=EVERY_30)
    ana = desk_of(desk.store, clock, rules)
    key = ana.create("Taken after the second", priority="P1").key
    w = watcher(ana, clock, rules)
    run_minutes(w, clock, [30, 60])
    clock.at(70)
    ana.assign(key, "bo")
    desk_of(desk.store, clock, rules, "bo").transition(key, "in_progress")
    run_minutes(w, clock, range(70, 300, 5))
    assert [a.threshold for a in alerts(ana.store, "unassigned")] == ["unassigned", "unassigned#2"]


def test_a_breach_repeats_while_breached_and_at_risk_never_past_the_breach():
    rules = AlertRules(
        repeat={
            "breach": Repeat(timedelta(minutes=10), 2),
            "at_risk": Repeat(timedelta(minutes=2), 5),
        }
    )
    facts = ClockFacts(created_at=T0, priority="P0")
    sla = SlaClock(SLA, facts)
    marks = Ladder(rules).marks(LadderFacts(1, "in_progress", True, T0), sla)
    first = [
        (m.threshold, (m.at - T0).total_seconds() / 60) for m in marks if m.clock != "resolution"
    ]
    # P0: first response 15 min, at risk at 80 % = 12 min; its repeats stop at the breach
    assert first == [
        ("at_risk", 12),
        ("at_risk#2", 14),
        ("breach", 15),
        ("breach#2", 25),
        ("breach#3", 35),
    ]
    answered = SlaClock(SLA, replace(facts, first_response_at=T0 + timedelta(minutes=20)))
    later = Ladder(rules).marks(LadderFacts(1, "in_progress", True, T0), answered)
    assert not [m for m in later if m.clock == "first_response"]  # stopped: no more repeats


# -- quiet hours -------------------------------------------------------------------------


def test_a_p3_reminder_due_at_night_is_held_to_the_opening_and_fired_then_marked(desk, clock):
    rules = AlertRules(quiet=QuietHours(), repeat=EVERY_30)
    ana = desk_of(desk.store, clock, rules)
    clock.at(9 * 60 + 50)  # Thursday 17:50: unassigned for 30 min at 18:20, after closing
    ana.create("Printer jam", priority="P3")
    w = watcher(ana, clock, rules)
    night = run_minutes(w, clock, range(9 * 60 + 50, 24 * 60 + 60, 10))  # to Friday 08:50
    assert [f for f in night if f[1] == "unassigned"] == []  # held all night
    friday_nine = 25 * 60  # minutes from T0 to Friday 09:00
    assert run_minutes(w, clock, [friday_nine - 0.5]) == []
    assert run_minutes(w, clock, [friday_nine]) == [(friday_nine, "unassigned")]
    (held,) = alerts(ana.store, "unassigned")  # the night's repeats are the one alert
    assert held.held and held.at == T0 + timedelta(minutes=friday_nine)
    came_due = (T0 + timedelta(minutes=9 * 60 + 80)).astimezone()
    assert f"held from {came_due:%H:%M} (quiet hours)" in held.summary
    assert not held.late
    # released once: its repeats (18:50 to 20:20) all came due in the night, and are it
    run_minutes(w, clock, range(friday_nine, friday_nine + 121, 5))
    assert len(alerts(ana.store, "unassigned")) == 1


def test_a_warning_at_closing_waits_for_the_morning_the_breach_never_waits(desk, clock):
    rules = AlertRules(quiet=QuietHours(priorities=frozenset({"P0", "P2"})))
    ana = desk_of(desk.store, clock, rules)
    clock.at(9 * 60 + 30)  # Thursday 17:30; P2 first response 1 business hour
    key = ana.create("Invoice question", priority="P2").key
    ana.take(key)
    down = ana.create("Checkout down", priority="P0").key  # 24x7: never held
    ana.take(down)
    w = watcher(ana, clock, rules)
    got = run_minutes(w, clock, range(9 * 60 + 30, 25 * 60 + 31))
    by_rung = {(a.rung, a.clock): a for a in alerts(ana.store) if a.ticket_id == 1}
    warning = by_rung[("warning", "first_response")]  # 30 min before: 18:00, the closing
    assert warning.held and warning.at == datetime(2026, 4, 3, 9, 0, tzinfo=UTC)
    breach = by_rung[("breach", "first_response")]
    assert not breach.held and breach.at == datetime(2026, 4, 3, 9, 30, tzinfo=UTC)
    p0 = [a for a in alerts(ana.store) if a.ticket_id == 2 and a.clock == "first_response"]
    assert [(a.rung, a.held) for a in p0] == [("at_risk", False), ("breach", False)]
    assert p0[1].at == datetime(2026, 4, 2, 17, 45, tzinfo=UTC)  # at night, at its instant
    assert (9 * 60 + 45, "breach") in got


def test_a_breach_is_held_only_when_the_policy_names_it():
    facts = ClockFacts(created_at=datetime(2026, 4, 2, 17, 0, tzinfo=UTC), priority="P2")
    sla = SlaClock(SLA, facts)  # due 18:00, the closing instant
    ticket = LadderFacts(1, "in_progress", True, facts.created_at)
    plain = Ladder(AlertRules(quiet=QuietHours())).marks(ticket, sla)
    assert [m.held_from for m in plain if m.rung == "breach" and m.clock == "first_response"] == [
        None
    ]
    named = QuietHours(rungs=frozenset({"breach"}))
    held = Ladder(AlertRules(quiet=named)).marks(ticket, sla)
    breach = next(m for m in held if m.rung == "breach" and m.clock == "first_response")
    assert breach.held_from == facts.created_at + timedelta(hours=1)
    assert breach.key(1) == next(m for m in plain if m.threshold == "breach").key(1)  # same key


def test_a_hand_back_waits_for_the_held_reminder_to_have_its_time():
    """Assigned at 07:00, before opening: the not-started reminder (07:15) waits for 09:00,
    and the hand-back (07:30) comes a reminder's grace after it, 09:15, not in the night."""
    at_seven = datetime(2026, 4, 2, 7, 0, tzinfo=UTC)
    sla = SlaClock(SLA, ClockFacts(created_at=at_seven, priority="P2"))
    ticket = LadderFacts(1, "assigned", True, at_seven, assigned_at=at_seven)
    marks = {m.rung: m for m in Ladder(AlertRules()).marks(ticket, sla)}  # the defaults
    nine = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
    assert (marks["not_started"].at, marks["not_started"].held_from) == (
        nine,
        at_seven + timedelta(minutes=15),
    )
    assert marks["hand_back"].at == nine + timedelta(minutes=15)
    assert marks["hand_back"].held_from == at_seven + timedelta(minutes=30)
    open_hours = LadderFacts(1, "assigned", True, nine, assigned_at=nine)  # nothing held
    day = {m.rung: m for m in Ladder(AlertRules()).marks(open_hours, sla)}
    assert (
        day["hand_back"].at == nine + timedelta(minutes=30) and day["hand_back"].held_from is None
    )


# -- a hand-back is routed again -----------------------------------------------------------


def routed_desk(store, clock, rules):
    Roster(store).add("cy", name="Cy Chen", team="Service Desk")
    return desk_of(store, clock, rules, routing=RoutingRules(fallback_team="Service Desk"))


def test_a_ticket_handed_back_is_routed_again_at_once_and_the_alert_says_where(desk, clock):
    rules = AlertRules(quiet=None)  # 08:00, before opening: quiet hours would hold it
    ana = routed_desk(desk.store, clock, rules)
    view = ana.create("Printer", priority="P3")
    first = view.assignee
    assert first in ("bo", "cy")
    w = watcher(ana, clock, rules)
    run_minutes(w, clock, [15])
    fired = w.run_due(clock.at(30))
    assert [f.rung for f in fired] == ["hand_back"]
    again = ana.get(view.key)
    other = ({"bo", "cy"} - {first}).pop()
    assert (again.status, again.assignee) == ("assigned", other)  # never back to the same
    assert fired[0].notice.summary.endswith(f"; routed to {other} (Service Desk)")
    (alert,) = alerts(ana.store, "hand_back")
    assert alert.summary == fired[0].notice.summary
    assert deliveries(ana.store, alert.id)[(first, "app")] == ("pending", None)
    with ana.store.read() as s:
        t = s.exec(select(Ticket).where(Ticket.number == view.number)).one()
        events = s.exec(select(Event).where(Event.ticket_id == t.id).order_by(Event.id)).all()
    assert [(e.kind, e.actor_id) for e in events[-2:]] == [("handed_back", None), ("routed", None)]


def test_a_hand_back_with_no_one_else_free_waits_in_the_queue_and_says_so(desk, clock):
    rules = AlertRules(quiet=None)  # 08:00, before opening: quiet hours would hold it
    ana = desk_of(desk.store, clock, rules, routing=RoutingRules(fallback_team="Service Desk"))
    view = ana.create("Printer", priority="P3")
    assert view.assignee == "bo"
    w = watcher(ana, clock, rules)
    run_minutes(w, clock, [15])
    (fired,) = w.run_due(clock.at(30))
    assert (ana.get(view.key).status, ana.get(view.key).assignee) == ("new", None)
    assert "routing found no one free: waits in the Service Desk queue" in fired.notice.summary


def test_the_system_route_needs_no_agent(desk, clock):
    rules = AlertRules()
    ana = desk_of(desk.store, clock, rules)
    key = ana.create("Unrouted", priority="P3").key
    nobody = desk_of(
        desk.store, clock, rules, "not-an-agent", routing=RoutingRules(fallback_team="Service Desk")
    )
    assert nobody.route(key, system=True).assignee == "bo"


# -- a manual escalation tells its target ------------------------------------------------


def escalate(desk: Desk, key: str, **kw):
    return desk.escalate(key, reason="stuck", progress="tried", help_needed="access", **kw)


@pytest.fixture
def staffed(desk, clock):
    roster = Roster(desk.store)
    roster.add("dee", name="Dee Director", role="director")
    roster.add("sam", name="Sam Super", role="supervisor", team="Billing")
    return desk


def test_an_escalation_by_an_agent_tells_their_supervisors_once(staffed, clock):
    rules = AlertRules()
    ana = desk_of(staffed.store, clock, rules)
    key = ana.create("Stuck", priority="P3").key
    bo = desk_of(staffed.store, clock, rules, "bo")
    ana.assign(key, "bo")
    w = watcher(ana, clock, rules)
    clock.at(5)
    view = escalate(bo, key)
    assert view.escalated_to == "role:supervisor"
    with ana.store.read() as s:
        t = s.exec(select(Ticket).where(Ticket.number == view.number)).one()
        assert t.next_check_at == clock() and t.escalated_at == clock()
    fired = w.run_due()
    assert [(f.rung, f.notice.recipients) for f in fired] == [("escalated", ("ana",))]
    assert "; to role:supervisor" in fired[0].notice.summary
    assert w.run_due(clock.at(6)) == []  # exactly once
    (alert,) = alerts(ana.store, "escalated")
    assert (alert.level, alert.threshold) == (2, "escalated")
    assert set(deliveries(ana.store, alert.id)) == {("ana", "app"), ("ana", "desktop")}
    assert ana.get(key).escalation_level == 1  # the alert does not raise it again


@pytest.mark.parametrize(
    ("by", "to", "told"),
    [
        ("ana", None, ("dee",)),  # a supervisor escalating: the directors
        ("ana", "team:Billing", ("sam",)),
        ("bo", "dee", ("dee",)),
        ("bo", "role:director", ("dee",)),
    ],
)
def test_an_escalation_reaches_whom_it_names(staffed, clock, by, to, told):
    rules = AlertRules()
    ana = desk_of(staffed.store, clock, rules)
    key = ana.create("Stuck", priority="P3").key
    escalate(desk_of(staffed.store, clock, rules, by), key, to=to)
    fired = watcher(ana, clock, rules).run_due(clock.at(1))
    assert [(f.rung, f.notice.recipients) for f in fired] == [("escalated", told)]


@pytest.mark.parametrize(
    ("to", "error", "text"),
    [
        ("zed", NotFound, "--to zed: no agent 'zed'"),
        ("team:Nowhere", NotFound, "--to team:Nowhere: no team 'Nowhere'"),
        ("role:king", InvalidInput, "role:supervisor, role:director"),
    ],
)
def test_an_unknown_target_is_one_error_and_nothing_written(staffed, clock, to, error, text):
    rules = AlertRules()
    ana = desk_of(staffed.store, clock, rules)
    key = ana.create("Stuck", priority="P3").key
    before = ana.get(key)
    with pytest.raises(error, match=text.replace("(", r"\(")):
        escalate(ana, key, to=to)
    after = ana.get(key)
    assert (after.version, after.escalation_level, after.escalated_to) == (before.version, 0, None)


# -- each person's own channels and quiet hours ---------------------------------------------


def test_own_channels_and_quiet_hours_shape_the_deliveries(staffed, clock):
    rules = AlertRules()
    ana = desk_of(staffed.store, clock, rules)
    preferences.change(
        ana.store,
        "ana",
        by="ana",
        channels=frozenset({"app", "desktop"}),
        quiet=preferences.parse_quiet("07:00-09:00"),
        timezone="UTC",
    )
    preferences.change(ana.store, "dee", by="dee", channels=frozenset({"app"}))
    ana.create("Down", priority="P0")  # unassigned: ana hears of it, then dee of the breach
    w = watcher(ana, clock, rules)
    (at_risk,) = w.run_due(clock.at(12))  # 08:12 UTC, in ana's quiet hours
    assert deliveries(ana.store, at_risk.alert_id) == {
        ("ana", "app"): ("pending", None),
        ("ana", "desktop"): ("skipped", "quiet hours"),
    }
    (breach,) = w.run_due(clock.at(15))  # a breach is news even in quiet hours
    assert deliveries(ana.store, breach.alert_id) == {
        ("ana", "app"): ("pending", None),
        ("ana", "desktop"): ("pending", None),
        ("dee", "app"): ("pending", None),  # dee left desktop out
    }


def test_preferences_are_set_by_oneself_or_an_admin(staffed):
    store = staffed.store
    with pytest.raises(Forbidden, match="only ana or an admin"):
        preferences.change(store, "ana", by="bo", channels=frozenset({"app"}))
    Roster(store).add("root", name="Root", role="admin")
    done = preferences.change(store, "ana", by="root", quiet=preferences.parse_quiet("off"))
    assert done.quiet is None and preferences.show(store, "ana") == done
    with pytest.raises(InvalidInput, match="--quiet 25:00-07:00"):
        preferences.parse_quiet("25:00-07:00")
    with pytest.raises(InvalidInput, match="--channels sms"):
        preferences.parse_channels("sms")


def test_quiet_hours_across_midnight():
    prefs = preferences.Preferences(quiet=preferences.parse_quiet("22:00-07:00"), timezone="UTC")
    at = lambda h, m=0: datetime(2026, 4, 2, h, m, tzinfo=UTC)  # noqa: E731
    assert [prefs.is_quiet(at(h)) for h in (21, 22, 23, 0, 6)] == [False, True, True, True, True]
    assert not prefs.is_quiet(at(7)) and not prefs.is_quiet(at(12))
