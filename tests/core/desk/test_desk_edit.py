"""Editing a ticket's fields: audited, version-checked, refused when bad, SLA kept right
(SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from deskline.core.desk.edits import Edit
from deskline.core.desk.tickets import Desk
from deskline.core.errors import Forbidden, InvalidInput, NotFound, Refused, StaleEdit
from deskline.core.roster.agents import Roster
from deskline.core.sla.clocks import Policy
from deskline.core.sla.defaults import default_rules
from deskline.storage.models import Event, Ticket

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)  # a Thursday


@pytest.fixture
def ana(desk) -> Desk:
    rules = replace(default_rules(), policies=(Policy(name="VIP", tier="vip", factor=0.5),))
    return Desk(desk.store, "ana", now=lambda: T0, rules=rules)


def stored(desk: Desk, key: str) -> Ticket:
    with desk.store.read() as s:
        return s.exec(select(Ticket).where(Ticket.number == int(key[2:]))).one()


def events(desk: Desk) -> int:
    with desk.store.read() as s:
        return len(s.exec(select(Event)).all())


def test_edit_changes_the_fields_in_one_audited_event(ana):
    ana.create("Big Bank", customer="Big Bank")  # the customer exists
    ana.create("Printer", category="Hardware/Printer")
    key = ana.create("Printer jams", tags=["printer", "floor3"], channel="email").key
    done = ana.edit(
        key,
        Edit(
            title="  Printer   jams again ",
            description="Every page",
            category="Hardware / Printer",
            tags=("+urgent", "-floor3", "Printer"),
            customer="Big Bank",
            channel="phone",
        ),
    )
    assert done.title == "Printer jams again" and done.description == "Every page"
    assert done.category == "Hardware/Printer" and done.customer == "Big Bank"
    assert done.tags == ("printer", "urgent") and done.channel == "phone"
    last = done.events[-1]
    assert last.kind == "edited" and last.actor == "ana"
    assert last.old == {
        "title": "Printer jams",
        "description": "",
        "category": None,
        "tags": "printer,floor3",
        "customer": None,
        "channel": "email",
    }
    assert last.new["category"] == "Hardware/Printer" and last.new["customer"] == "Big Bank"


def test_a_vip_customer_moves_the_due_times(ana):
    ana.create("x", customer="Big Bank", vip=True)
    key = ana.create("Site slow", priority="P1").key
    before = stored(ana, key).first_response_due_at
    ana.edit(key, Edit(customer="Big Bank"))
    after = stored(ana, key)
    assert before == T0 + timedelta(minutes=30)
    assert after.first_response_due_at == T0 + timedelta(minutes=15)
    assert after.next_due_at == after.first_response_due_at
    ana.edit(key, Edit(customer=""))  # none again: the standard target
    assert stored(ana, key).first_response_due_at == before


@pytest.mark.parametrize(
    ("edit", "error", "message"),
    [
        (Edit(title="   "), InvalidInput, "needs a title"),
        (Edit(category="Nope/Never"), NotFound, "no category 'Nope/Never'"),
        (Edit(customer="Nobody Inc"), NotFound, "no customer 'Nobody Inc'"),
        (Edit(channel="pigeon"), InvalidInput, "bad channel"),
        (Edit(tags=("+a,b",)), InvalidInput, "bad tag change"),
        (Edit(), InvalidInput, "nothing to edit"),
        (Edit(title="Printer jams"), Refused, "nothing changed"),
    ],
)
def test_bad_edits_write_nothing(ana, edit, error, message):
    key = ana.create("Printer jams").key
    version, count = stored(ana, key).version, events(ana)
    with pytest.raises(error, match=message):
        ana.edit(key, edit)
    assert stored(ana, key).version == version and events(ana) == count


def test_a_stale_edit_is_refused(ana):
    key = ana.create("Printer jams").key
    version = stored(ana, key).version
    ana.note(key, "looked at it")
    with pytest.raises(StaleEdit):
        ana.edit(key, Edit(title="Other"), expected_version=version)
    assert ana.edit(key, Edit(title="Other"), expected_version=version + 1).title == "Other"


def test_an_agent_edits_what_they_work_on_a_supervisor_anything(desk):
    roster = Roster(desk.store)
    roster.add("far", name="Far Away", team="Billing")
    roster.add("sup", name="Sup Billing", role="supervisor", team="Billing")
    ana = Desk(desk.store, "ana", now=lambda: T0)
    key = Desk(desk.store, "far", now=lambda: T0).create("Invoice wrong").key  # Billing's
    bo = Desk(desk.store, "bo", now=lambda: T0)
    with pytest.raises(Forbidden, match="can edit"):
        bo.edit(key, Edit(title="mine now"))
    assert Desk(desk.store, "far", now=lambda: T0).edit(key, Edit(title="t1")).title == "t1"
    assert ana.edit(key, Edit(title="t2")).title == "t2"  # a supervisor, of another team
    own = bo.create("Bo's own").key
    assert bo.edit(own, Edit(tags=("+x",))).tags == ("x",)
