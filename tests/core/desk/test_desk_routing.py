"""Routing, triage and surge through the Desk on real stores (SQLite file and PostgreSQL):
decisions applied in the creating transaction and written to the audit trail."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from deskline.core.desk.edits import Edit
from deskline.core.desk.tickets import Desk
from deskline.core.errors import DesklineError, Forbidden, InvalidInput, Refused
from deskline.core.roster.agents import Roster
from deskline.core.roster.customers import Customers
from deskline.core.routing.route import Conditions, RoutingRules, Rule
from deskline.core.routing.surge import SurgeRule
from deskline.storage.models import Event, Surge

T0 = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)

RULES = RoutingRules(
    rules=(
        Rule("Billing", Conditions(categories=("Billing",)), team="Billing"),
        Rule("Acme to dee", Conditions(tags=("acme",)), agent="dee"),
    ),
    fallback_team="Service Desk",
)


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        return self.t

    def tick(self, minutes: float = 1) -> None:
        self.t += timedelta(minutes=minutes)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def team(store) -> Roster:
    """ana supervises Service Desk with agents bo and cy; dee and eve work in Billing; zoe
    is the director."""
    roster = Roster(store)
    roster.add("ana", role="supervisor", team="Service Desk")
    roster.add("bo", team="Service Desk")
    roster.add("cy", team="Service Desk")
    roster.add("dee", team="Billing")
    roster.add("eve", team="Billing")
    roster.add("zoe", role="director")
    return roster


def desk_of(store, clock, routing: RoutingRules = RULES, **kw) -> Desk:
    return Desk(store, "ana", now=clock, routing=routing, **kw)


def count(store, model) -> int:
    with store.read() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_create_routes_by_the_first_matching_rule_and_audits_it(store, team, clock):
    desk = desk_of(store, clock)
    t = desk.create("Refund for invoice 77", category="Billing/Refund")
    assert (t.status, t.assignee, t.team, t.version) == ("assigned", "dee", "Billing", 1)
    created, routed = t.events
    assert (created.kind, created.actor, created.new["status"]) == ("created", "ana", "new")
    assert (routed.kind, routed.actor, routed.at) == ("routed", None, clock.t)
    assert routed.old == {"team": "Service Desk", "assignee": None, "status": "new"}
    assert {k: routed.new[k] for k in ("team", "assignee", "status")} == {
        "team": "Billing",
        "assignee": "dee",
        "status": "assigned",
    }
    assert routed.new["routing"]["rule"] == "Billing"
    assert routed.reason == 'rule "Billing": assigned to dee in team Billing (least loaded)'


def test_without_routing_rules_nothing_is_routed(store, team, clock):
    t = Desk(store, "ana", now=clock).create("Printer jam")
    assert (t.status, t.assignee, t.team) == ("new", None, "Service Desk")
    assert [e.kind for e in t.events] == ["created"]


def test_assignments_spread_by_load_then_round_robin_across_creates(store, team, clock):
    desk = desk_of(store, clock)
    got = [desk.create(f"ticket {i}").assignee for i in range(6)]
    assert Counter(got) == {"bo": 3, "cy": 3}
    assert got[:2] in (["bo", "cy"], ["cy", "bo"]) and got[0] != got[1]
    loads = {a.handle: a.active for a in Roster(store).list()}
    assert (loads["bo"], loads["cy"], loads["ana"]) == (3, 3, 0)


def test_round_robin_breaks_ties_when_tickets_are_solved_at_once(store, team, clock):
    desk = desk_of(store, clock)
    got = []
    for i in range(6):
        t = desk.create(f"quick one {i}")
        got.append(t.assignee)
        Desk(store, t.assignee, now=clock).take(t.key)
        Desk(store, t.assignee, now=clock).transition(t.key, "resolved", reason="done")
    assert got == ["bo", "cy", "bo", "cy", "bo", "cy"]


def test_caps_duty_and_skills_decide_who_is_eligible(store, team, clock):
    roster = Roster(store)
    roster.update("bo", by="ana", cap=1, skills=["vpn"])
    desk = desk_of(store, clock)
    first = desk.create("VPN drops", tags=["vpn"])
    assert first.assignee == "bo" and "with a matching skill" in first.events[-1].reason
    assert desk.create("VPN again", tags=["vpn"]).assignee == "cy"  # bo is at his cap of 1
    roster.set_duty("cy", False, by="ana")
    left = desk.create("Nobody home")
    assert (left.status, left.assignee, left.team) == ("new", None, "Service Desk")
    reason = left.events[-1].reason
    assert "left unassigned in team Service Desk" in reason
    assert "bo at cap (1 of 1 active P1/P2)" in reason and "cy off duty" in reason
    assert desk.create("Low one", priority="P3").assignee == "bo"  # P3 is not capped


def test_route_again_once_someone_can_take_it(store, team, clock):
    roster = Roster(store)
    for handle in ("bo", "cy"):
        roster.set_duty(handle, False, by="ana")
    desk = desk_of(store, clock)
    key = desk.create("Waiting in the queue").key
    assert desk.get(key).assignee is None
    assert desk.preview_route(key).assignee is None
    roster.set_duty("cy", True, by="ana")
    assert desk.preview_route(key).assignee == "cy"
    assert desk.get(key).assignee is None  # a preview changes nothing
    clock.tick(5)
    t = desk.route(key)
    assert (t.assignee, t.status, t.version) == ("cy", "assigned", 2)
    assert [(e.kind, e.actor) for e in t.events] == [
        ("created", "ana"),
        ("routed", None),
        ("routed", "ana"),
    ]
    with pytest.raises(Refused, match=f"{key} is assigned to cy: hand it back"):
        desk.route(key)
    with pytest.raises(DesklineError, match="no routing is configured"):
        Desk(store, "ana", now=clock).route(key)


def test_p0_goes_to_the_supervisor_and_a_vip_to_their_dedicated_agent(store, team, clock):
    Customers(store).set("Globex", by="ana", tier="vip", dedicated="eve")
    desk = desk_of(store, clock)
    assert desk.create("Site is down for everyone").assignee == "ana"
    vip = desk.create("Question about the API", customer="Globex")
    assert (vip.assignee, vip.team, vip.priority) == ("eve", "Service Desk", "P1")
    assert vip.events[-1].reason.endswith("(the customer's dedicated agent)")


def test_triage_sets_priority_unless_given_and_records_the_suggestion(store, team, clock):
    desk = Desk(store, "ana", now=clock)
    t = desk.create("全部用户无法登录", impact="some")
    assert t.priority == "P0" and t.impact == "some"
    (triaged,) = [e for e in t.events if e.kind == "triaged"]
    assert [s["value"] for s in triaged.new["signals"]] == ["全部用户", "无法登录", "some"]
    kept = desk.create("Payroll is down", priority="P2")
    assert kept.priority == "P2"
    assert (
        kept.events[-1].reason == 'suggested P0 (keyword "down" → P0); kept P2 chosen by the agent'
    )
    assert kept.to_json()["impact"] is None
    with pytest.raises(InvalidInput, match="bad impact"):
        desk.create("x", impact="everybody")


def test_a_surge_is_recorded_once_per_surge(store, team, clock):
    desk = desk_of(store, clock, surge=SurgeRule(more_than=3, within=timedelta(minutes=10)))
    keys = []
    for _ in range(6):  # six P0 two minutes apart: the fourth begins the surge
        keys.append(desk.create("Outage", priority="P0").key)
        clock.tick(2)
    desk.create("Billing outage", priority="P0", category="Billing")  # another team
    assert count(store, Surge) == 1
    with store.read() as s:
        kinds = s.exec(select(Event.kind).where(Event.kind == "surge")).all()
    assert len(kinds) == 1
    surge_event = desk.get(keys[3]).events[-1]
    assert surge_event.kind == "surge" and surge_event.new["recipients"] == ["ana", "zoe"]
    assert "the alert for ana, zoe waits for the alert engine" in surge_event.reason
    (now,) = desk.surges()
    assert (now.team, now.began_with, now.p0_count, now.active) == (
        "Service Desk",
        keys[3],
        6,
        True,
    )
    assert now.alerted_at is None
    clock.tick(10)  # ten quiet minutes: it subsided
    assert not desk.surges()[0].active
    for _ in range(4):
        desk.create("Outage again", priority="P0")
        clock.tick(1)
    assert count(store, Surge) == 2
    assert [s.active for s in desk.surges()] == [True, False]


def test_only_supervisors_and_above_change_other_agents(store, team):
    roster = Roster(store)
    assert roster.set_duty("bo", False, by="bo").on_duty is False  # oneself: fine
    with pytest.raises(Forbidden, match="only a supervisor of Service Desk, a director or an"):
        roster.set_duty("cy", False, by="bo")
    with pytest.raises(Forbidden, match=r"can change bo; you \(bo\) are agent"):
        roster.update("bo", by="bo", cap=50)
    with pytest.raises(Forbidden):
        Customers(store).set("Acme", by="bo", tier="vip")
    with pytest.raises(Forbidden, match=r"change dee; you \(ana\) are supervisor of Service"):
        roster.update("dee", by="ana", cap=1)  # not her team
    with pytest.raises(Forbidden, match="only an admin can add or remove agents"):
        roster.update("bo", by="zoe", team="Network")  # a director: not the team
    with pytest.raises(Refused, match="already off duty"):
        roster.set_duty("bo", False, by="ana")
    with pytest.raises(InvalidInput, match="nothing to change"):
        roster.update("bo", by="ana")
    roster.add("ada", role="admin")
    updated = roster.update("bo", by="ada", cap=3, skills=["VPN", "network"], team="Network")
    assert (updated.cap, updated.skills, updated.team) == (3, ("vpn", "network"), "Network")
    assert roster.update("bo", by="zoe", default_cap=True).cap is None


def test_concurrent_creates_never_push_an_agent_past_the_cap(store, team):
    """Eight desks creating at once: the ticket-number row lock (PostgreSQL) or the write
    lock (SQLite) orders them, so each sees the load the one before it gave."""
    Roster(store).set_duty("cy", False, by="ana")
    Roster(store).update("bo", by="ana", cap=3)
    routing = RoutingRules(fallback_team="Service Desk")

    def create(i: int) -> str | None:
        desk = Desk(store, "ana", now=lambda: T0, routing=routing)
        return desk.create(f"at once {i}", priority="P2").assignee

    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(create, range(8)))
    assert Counter(got) == {"bo": 3, None: 5}


def test_a_category_edit_routes_an_unassigned_ticket_to_the_new_team(store, team, clock):
    Roster(store).set_duty("dee", False, by="zoe")  # eve is Billing's one on duty
    for handle in ("bo", "cy"):
        Roster(store).set_duty(handle, False, by="ana")
    desk = desk_of(store, clock)
    desk.create("Old", category="Billing/Refund")  # the category exists; eve holds this one
    key = desk.create("Charged twice", category="Account/Login").key
    assert (desk.get(key).team, desk.get(key).assignee) == ("Service Desk", None)
    clock.tick(5)
    t = desk.edit(key, Edit(category="Billing/Refund"))
    assert (t.team, t.assignee, t.status) == ("Billing", "eve", "assigned")
    edited, routed = t.events[-2:]
    assert (edited.kind, edited.new) == ("edited", {"category": "Billing/Refund"})
    assert (routed.kind, routed.actor, routed.at) == ("routed", "ana", clock.t)
    assert routed.old["team"] == "Service Desk" and routed.new["team"] == "Billing"
    assert routed.reason.startswith('category Billing/Refund: rule "Billing": assigned to eve')
    # a category the rules keep in its team: nothing is routed
    desk.create("Other", category="Account/Password")
    other = desk.create("Locked out", category="Account/Login").key
    same = desk.edit(other, Edit(category="Account/Password"))
    assert (same.team, same.assignee) == ("Service Desk", None)
    assert same.events[-1].kind == "edited"


def test_a_category_edit_leaves_a_held_ticket_with_its_assignee_and_team(store, team, clock):
    desk = desk_of(store, clock)
    desk.create("Old", category="Billing/Refund")
    key = desk.create("Charged twice", category="Account/Login").key
    held = desk.get(key)
    assert held.team == "Service Desk" and held.assignee in ("bo", "cy")
    t = desk.edit(key, Edit(category="Billing/Refund"))
    assert (t.team, t.assignee, t.status) == ("Service Desk", held.assignee, "assigned")
    assert t.events[-1].kind == "edited"


def test_a_category_edit_without_routing_moves_no_team(store, team, clock):
    desk = Desk(store, "ana", now=clock)
    desk.create("Old", category="Billing/Refund")
    key = desk.create("Charged twice").key
    t = desk.edit(key, Edit(category="Billing/Refund"))
    assert (t.team, t.assignee) == ("Service Desk", None)
    assert t.events[-1].kind == "edited"
