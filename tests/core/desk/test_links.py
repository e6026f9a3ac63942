"""Merging and linking tickets: a merge copies the conversation with its authors and times,
closes the merged ticket pointing to the one that carries on (whose SLA stays its own), in
one transaction audited on both; the refusals change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import FrozenClock
from sqlmodel import select

from deskline.core.desk.tickets import Desk
from deskline.core.errors import DesklineError, Forbidden, InvalidInput, Refused
from deskline.core.roster.agents import Roster
from deskline.storage.models import Comment, Event, TicketLink

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def ana(desk, clock) -> Desk:
    return Desk(desk.store, "ana", now=clock)


def test_merge_copies_the_conversation_and_closes_the_merged_one(ana, store, clock):
    kept = ana.create("Double payment", priority="P1", customer="Globex")
    gone = ana.create("Charged twice", priority="P2", description="Card ending 42")
    bo = Desk(store, "bo", now=clock)
    clock.at(5)
    bo.reply(gone.key, "Looking into it")
    clock.at(9)
    ana.note(gone.key, "bank says two charges")
    before = ana.get(kept.key)

    clock.at(20)
    after = ana.merge(gone.key, kept.key, reason="same charge")

    copied = [(c.author, c.kind, c.body, c.created_at) for c in after.comments]
    assert copied[:2] == [
        ("bo", "reply", "Looking into it", T0 + timedelta(minutes=5)),
        ("ana", "note", "bank says two charges", T0 + timedelta(minutes=9)),
    ]
    assert copied[2][1] == "system" and "Merged T-2 into this ticket" in copied[2][2]
    assert "Card ending 42" in copied[2][2]
    assert after.links == ("merged from T-2",)
    assert after.sla.resolution.due_at == before.sla.resolution.due_at  # its own SLA
    assert after.events[-1].kind == "merged_in"
    assert after.events[-1].new == {"merged_from": "T-2", "comments": 2}

    closed = ana.get(gone.key)
    assert closed.status == "closed" and closed.links == ("merged into T-1",)
    assert closed.events[-1].kind == "merged" and closed.events[-1].reason == "same charge"
    assert closed.events[-1].new["merged_into"] == "T-1"
    assert len(closed.comments) == 3  # its own stay: its history is intact


@pytest.mark.parametrize(
    ("source", "target", "error", "message"),
    [
        ("T-1", "T-1", InvalidInput, "T-1 cannot be merged into itself"),
        ("T-1", "T-3", Refused, "T-3 is closed: reopen it to merge into it"),
        ("T-3", "T-1", Refused, "T-3 is closed: reopen it to merge it"),
        ("T-1", "T-9", DesklineError, "no ticket T-9"),
    ],
)
def test_merge_refusals_change_nothing(ana, store, source, target, error, message):
    ana.create("one")
    ana.create("two")
    ana.take(ana.create("three").key)
    ana.transition("T-3", "resolved", reason="done")
    ana.transition("T-3", "closed")
    with store.read() as s:
        rows = (len(s.exec(select(Event)).all()), len(s.exec(select(Comment)).all()))
    with pytest.raises(error, match=message):
        ana.merge(source, target)
    with store.read() as s:
        assert (len(s.exec(select(Event)).all()), len(s.exec(select(Comment)).all())) == rows
        assert s.exec(select(TicketLink)).all() == []


def test_a_merged_ticket_reopened_cannot_take_its_target_in_a_cycle(ana):
    ana.create("one")
    ana.create("two")
    ana.merge("T-2", "T-1")
    with pytest.raises(Refused, match="T-2 is merged into T-1: reopen it"):
        ana.merge("T-1", "T-2")
    ana.reopen("T-2")
    with pytest.raises(Refused, match="would make a cycle"):
        ana.merge("T-1", "T-2")


def test_link_and_unlink_related_tickets_audited_on_both(ana):
    ana.create("one")
    ana.create("two")
    shown = ana.link("T-2", "T-1")
    assert shown.links == ("related T-1",)
    assert ana.get("T-1").links == ("related T-2",)
    assert ana.get("T-1").events[-1].new == {"related": "T-2"}
    with pytest.raises(Refused, match="linked already"):
        ana.link("T-1", "T-2")
    with pytest.raises(InvalidInput, match="unknown link kind 'twin'"):
        ana.link("T-1", "T-2", kind="twin")
    with pytest.raises(InvalidInput, match="cannot be linked to itself"):
        ana.link("T-1", "T-1")
    assert ana.unlink("T-1", "T-2").links == ()
    assert ana.get("T-2").events[-1].kind == "unlinked"
    with pytest.raises(Refused, match="are not linked"):
        ana.unlink("T-1", "T-2")


def test_merging_needs_work_on_both_tickets(ana, store):
    Roster(store).add("dee", name="Dee", team="Billing")
    dee = Desk(store, "dee")
    dee.take(dee.create("Billing's").key)  # T-1, held by dee
    ana.create("Service Desk's")  # T-2
    with pytest.raises(Forbidden, match="to merge T-2 and T-1"):
        ana.merge("T-2", "T-1")
