"""Desk use cases on a real store (SQLite file and PostgreSQL): changes and their audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from deskline.core.desk.tickets import Desk
from deskline.core.errors import (
    DesklineError,
    Forbidden,
    IllegalTransition,
    InvalidInput,
    NotFound,
    Refused,
    StaleEdit,
    UnknownAgent,
)
from deskline.storage.models import Comment, Event, Ticket

T0 = datetime(2026, 4, 2, 14, 30, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        return self.t

    def tick(self, minutes: int = 1) -> None:
        self.t += timedelta(minutes=minutes)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ana(desk, clock) -> Desk:
    return Desk(desk.store, "ana", now=clock)


def count(store, model) -> int:
    with store.read() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def events(desk: Desk, key: str):
    return desk.get(key).events


def only_new_event(desk: Desk, key: str, before: int):
    evs = events(desk, key)
    assert len(evs) == before + 1, [e.kind for e in evs]
    return evs[-1]


def test_create_opens_a_new_ticket_and_writes_one_created_event(ana, clock):
    t = ana.create(
        "VPN drops every 10 minutes",
        priority="p1",
        customer="Acme",
        vip=True,
        category="Network / VPN",
        channel="Phone",
        tags=["vpn", "VPN,remote"],
    )
    assert (t.key, t.status, t.priority, t.category, t.vip) == (
        "T-1",
        "new",
        "P1",
        "Network/VPN",
        True,
    )
    assert t.tags == ("vpn", "remote")
    assert t.created_at == clock.t and t.version == 1
    assert t.team == "Service Desk"  # the creator's team, as the category has none
    event, triaged = t.events
    assert (event.kind, event.actor, event.at, event.old) == ("created", "ana", clock.t, None)
    assert event.new == {"title": "VPN drops every 10 minutes", "status": "new", "priority": "P1"}
    # Triage is on by default: a VIP raises its suggestion from P2 to P1, which the agent's
    # own P1 matches; the suggestion is recorded all the same (no routing: no routed event).
    assert (triaged.kind, triaged.actor, triaged.at) == ("triaged", None, clock.t)
    assert (triaged.new["suggested"], triaged.new["explicit"]) == ("P1", "P1")


def test_ticket_keys_count_up_and_are_never_reused(ana):
    keys = [ana.create(f"ticket {i}").key for i in range(3)]
    assert keys == ["T-1", "T-2", "T-3"]
    with pytest.raises(InvalidInput):
        ana.create("  ")  # a failed create must not burn or reuse a number
    assert ana.create("after a failure").key == "T-4"


def test_assign_writes_one_event_with_old_and_new_holder(ana, clock):
    key = ana.create("Printer jam").key
    clock.tick()
    t = ana.assign(key, "bo")
    assert (t.status, t.assignee, t.team) == ("assigned", "bo", "Service Desk")
    e = only_new_event(ana, key, 1)
    assert (e.kind, e.actor, e.at) == ("assigned", "ana", clock.t)
    assert e.old == {"status": "new", "assignee": None}
    assert e.new == {"status": "assigned", "assignee": "bo"}


def test_take_assigns_to_me_and_starts_in_one_event(ana):
    key = ana.create("Outlook asks for password").key
    t = ana.take(key)
    assert (t.status, t.assignee) == ("in_progress", "ana")
    e = only_new_event(ana, key, 1)
    assert e.kind == "taken"
    assert e.old == {"status": "new", "assignee": None}
    assert e.new == {"status": "in_progress", "assignee": "ana"}


def test_taking_a_ticket_someone_holds_needs_steal_and_the_event_says_so(ana):
    key = ana.create("Outlook asks for password").key
    ana.assign(key, "bo")
    with pytest.raises(Forbidden, match=f"{key} is held by bo: take it from them with"):
        ana.take(key)
    t = ana.take(key, steal=True)  # ana supervises Service Desk
    assert (t.status, t.assignee) == ("in_progress", "ana")
    e = only_new_event(ana, key, 2)
    assert e.kind == "taken"
    assert e.old == {"status": "assigned", "assignee": "bo"}
    assert e.new == {"status": "in_progress", "assignee": "ana", "stolen_from": "bo"}


def test_taking_a_ticket_assigned_to_me_records_only_the_status(ana):
    key = ana.create("x").key
    ana.assign(key, "ana")
    ana.take(key)
    e = only_new_event(ana, key, 2)
    assert (e.kind, e.old, e.new) == ("taken", {"status": "assigned"}, {"status": "in_progress"})


def test_take_of_my_own_started_ticket_is_refused(ana):
    key = ana.create("x").key
    ana.take(key)
    with pytest.raises(Refused, match="already yours"):
        ana.take(key)


def test_transition_writes_one_status_event_and_stamps_times(ana, clock):
    key = ana.create("Invoice wrong").key
    ana.take(key)
    ana.transition(key, "pending", reason="asked for the invoice number")
    e = only_new_event(ana, key, 2)
    assert (e.kind, e.old, e.new, e.reason) == (
        "status",
        {"status": "in_progress"},
        {"status": "pending"},
        "asked for the invoice number",
    )
    clock.tick(5)
    t = ana.transition(key, "resolved", reason="credited 20 EUR")
    assert t.resolved_at == clock.t
    clock.tick(5)
    t = ana.transition(key, "closed")
    assert t.closed_at == clock.t and t.status == "closed"
    assert [e.kind for e in t.events] == ["created", "taken", "status", "status", "status"]


def test_resolving_needs_a_solution_note(ana):
    key = ana.create("x").key
    ana.take(key)
    before = count(ana.store, Event)
    with pytest.raises(InvalidInput, match="needs a solution note"):
        ana.transition(key, "resolved")
    assert count(ana.store, Event) == before
    assert ana.get(key).status == "in_progress"


def test_illegal_transition_changes_nothing(ana):
    key = ana.create("x").key
    with pytest.raises(IllegalTransition, match="from new it can go to: assigned, in_progress"):
        ana.transition(key, "closed")
    t = ana.get(key)
    assert (t.status, t.version, len(t.events)) == ("new", 1, 1)


def test_working_statuses_need_an_assignee(ana):
    key = ana.create("x").key
    with pytest.raises(InvalidInput, match="has no assignee"):
        ana.transition(key, "in_progress")


def test_handing_back_to_the_queue_clears_the_assignee(ana):
    key = ana.create("x").key
    ana.assign(key, "bo")
    t = ana.transition(key, "new", reason="bo is off sick")
    assert (t.status, t.assignee) == ("new", None)
    e = t.events[-1]
    assert e.old == {"status": "assigned", "assignee": "bo"}
    assert e.new == {"status": "new", "assignee": None}


def test_first_public_reply_stops_first_response_once(ana, clock):
    key = ana.create("Can't log in").key
    clock.tick(3)
    ana.note(key, "checking AD")
    assert ana.get(key).first_response_at is None  # an internal note is not a response
    clock.tick(2)
    first = clock.t
    t = ana.reply(key, "Your account was locked; unlocked now.")
    assert t.first_response_at == first
    e = t.events[-1]
    assert e.kind == "reply" and e.old == {"first_response_at": None}
    assert e.new["first_response_at"] == "2026-04-02T14:35:00Z"
    clock.tick(10)
    t = ana.reply(key, "Is it working?")
    assert t.first_response_at == first
    assert t.events[-1].old is None
    assert [(c.kind, c.author) for c in t.comments] == [
        ("note", "ana"),
        ("reply", "ana"),
        ("reply", "ana"),
    ]


def test_note_writes_one_event_and_an_internal_comment(ana):
    key = ana.create("x").key
    t = ana.note(key, "customer is on the old client")
    e = only_new_event(ana, key, 1)
    assert e.kind == "note" and t.comments[-1].kind == "note"
    with pytest.raises(InvalidInput, match="the note is empty"):
        ana.note(key, "   ")


def test_priority_change_writes_old_and_new(ana):
    key = ana.create("x", priority="P3").key
    t = ana.change_priority(key, "P0", reason="whole floor is down")
    assert t.priority == "P0"
    e = only_new_event(ana, key, 1)
    assert (e.kind, e.old, e.new, e.reason) == (
        "priority",
        {"priority": "P3"},
        {"priority": "P0"},
        "whole floor is down",
    )
    with pytest.raises(Refused, match="already P0"):
        ana.change_priority(key, "P0")
    with pytest.raises(InvalidInput, match="bad priority 'P9'"):
        ana.change_priority(key, "P9")


def test_escalate_needs_reason_progress_and_help(ana):
    key = ana.create("x").key
    for missing in ("reason", "progress", "help_needed"):
        args = {"reason": "VIP angry", "progress": "restarted VPN", "help_needed": "network team"}
        args[missing] = " "
        with pytest.raises(InvalidInput):
            ana.escalate(key, **args)
    t = ana.escalate(key, reason="VIP angry", progress="restarted VPN", help_needed="network team")
    assert t.escalation_level == 1
    e = only_new_event(ana, key, 1)
    assert (e.kind, e.old, e.reason) == ("escalated", {"escalation_level": 0}, "VIP angry")
    assert e.new == {
        "escalation_level": 1,
        "escalated_to": "role:director",  # ana is a supervisor: the next role up
        "progress": "restarted VPN",
        "help_needed": "network team",
    }


def test_reopen_counts_and_returns_to_work(ana):
    key = ana.create("x").key
    ana.take(key)
    ana.transition(key, "resolved", reason="fixed")
    t = ana.reopen(key, reason="customer says still broken")
    assert (t.status, t.reopen_count, t.resolved_at) == ("in_progress", 1, None)
    e = only_new_event(ana, key, 3)
    assert e.old == {"status": "resolved", "reopen_count": 0}
    assert e.new == {"status": "in_progress", "reopen_count": 1}


def test_reopen_of_unassigned_closed_ticket_goes_to_new(ana):
    key = ana.create("x").key
    ana.take(key)
    ana.transition(key, "resolved", reason="dup")
    ana.transition(key, "closed")
    with ana.store.write() as s:  # the holder left the desk
        ticket = s.exec(select(Ticket)).one()
        ticket.assignee_id = None
    assert ana.reopen(key).status == "new"


def test_finished_tickets_refuse_work_until_reopened(ana):
    key = ana.create("x").key
    ana.take(key)
    ana.transition(key, "resolved", reason="done")
    ana.transition(key, "closed")
    with pytest.raises(DesklineError, match="reopen it"):
        ana.change_priority(key, "P0")
    with pytest.raises(DesklineError, match="reopen it"):
        ana.escalate(key, reason="a", progress="b", help_needed="c")
    with pytest.raises(InvalidInput, match="closed: reopen it before replying"):
        ana.reply(key, "hello?")
    with pytest.raises(IllegalTransition):
        ana.assign(key, "bo")


def test_unknown_ticket_and_unknown_agent_are_clear_errors(ana, store):
    with pytest.raises(NotFound, match="no ticket T-99"):
        ana.note("T-99", "x")
    key = ana.create("x").key
    with pytest.raises(UnknownAgent, match="deskline agents add zed"):
        ana.assign(key, "zed")
    with pytest.raises(UnknownAgent, match="deskline agents add ghost"):
        Desk(store, "ghost").create("y")
    assert count(store, Ticket) == 1


def test_stale_edit_is_refused_and_nothing_is_lost(ana, store):
    key = ana.create("Shared ticket").key
    bo = Desk(store, "bo")
    seen_by_ana = ana.get(key).version
    seen_by_bo = bo.get(key).version
    ana.reply(key, "Ana's reply", expected_version=seen_by_ana)
    with pytest.raises(StaleEdit, match=f"{key} was changed by someone else"):
        bo.reply(key, "Bo's reply", expected_version=seen_by_bo)
    t = ana.get(key)
    assert [c.body for c in t.comments] == ["Ana's reply"]
    assert count(store, Comment) == 1
    bo.reply(key, "Bo's reply after reloading", expected_version=t.version)
    assert [c.body for c in ana.get(key).comments] == ["Ana's reply", "Bo's reply after reloading"]


def test_list_is_open_tickets_by_default_and_filters(ana):
    a = ana.create("a", priority="P2").key
    b = ana.create("b", priority="P0").key
    c = ana.create("c", priority="P3").key
    ana.take(a)
    ana.transition(a, "resolved", reason="ok")
    ana.assign(c, "bo")
    assert [t.key for t in ana.list()] == [b, c]
    assert [t.key for t in ana.list(statuses=["resolved"])] == [a]
    assert [t.key for t in ana.list(priorities=["p3"])] == [c]
    assert [t.key for t in Desk(ana.store, "bo").list(mine=True)] == [c]
    assert ana.list(mine=True) == []


def test_every_use_case_makes_a_new_version_even_within_one_clock_tick(ana):
    key = ana.create("x").key  # the clock does not move in this test
    versions = [ana.get(key).version]
    for change in (
        lambda: ana.note(key, "a"),
        lambda: ana.reply(key, "b"),
        lambda: ana.take(key),
        lambda: ana.change_priority(key, "P1"),
    ):
        versions.append(change().version)
    assert versions == [1, 2, 3, 4, 5]
