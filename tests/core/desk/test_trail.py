"""The audit trail: append-only on both backends, its hash chains verified, a planted broken
link found (content changed, an event removed), and a desk upgraded from schema 0006 whose
existing events were chained by the migration verifies clean."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from deskline.core.desk.tickets import Desk
from deskline.core.desk.trail import log, verify
from deskline.core.roster.agents import Roster
from deskline.storage.engine import make_engine
from deskline.storage.migrate import upgrade
from deskline.storage.store import Store


def busy_desk(desk: Desk) -> None:
    """Three tickets with a few changes each, and a desk-level event (a login bound)."""
    for title in ("printer jams", "vpn drops", "mail bounces"):
        desk.create(title, priority="P2")
    desk.assign("T-1", "bo")
    desk.reply("T-1", "Looking into it")
    desk.note("T-2", "same as last week")
    desk.take("T-2")
    Roster(desk.store).set_login("bo", "bo_login", by="ana_admin")


@pytest.fixture
def audited(store) -> Desk:
    roster = Roster(store)
    roster.add("ana_admin", role="admin")
    roster.add("ana", role="supervisor", team="Service Desk")
    roster.add("bo", team="Service Desk")
    desk = Desk(store, "ana")
    busy_desk(desk)
    return desk


def tamper(store: Store, statement: str) -> None:
    """Run ``statement`` around the append-only triggers, as a superuser or the file's owner
    could: on PostgreSQL with triggers off for the session, on SQLite with them dropped."""
    with store.engine.begin() as conn:
        if store.backend == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS event_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS event_no_delete"))
        conn.execute(text(statement))


def event_ids(store: Store, number: int) -> list[int]:
    with store.read() as s:
        return list(
            s.execute(
                text(
                    "SELECT e.id FROM event e JOIN ticket t ON t.id = e.ticket_id "
                    "WHERE t.number = :n ORDER BY e.id"
                ),
                {"n": number},
            ).scalars()
        )


def test_a_clean_desk_verifies(audited):
    report = verify(audited.store)
    assert report.holds and report.broken == ()
    with audited.store.read() as s:
        total = s.execute(text("SELECT count(*) FROM event")).scalar_one()
    assert report.events == total > 6
    assert report.chains == 4  # three tickets and the desk's own chain


def test_events_cannot_be_changed_or_removed_even_by_the_owner(audited):
    for statement in ("UPDATE event SET reason = 'rewritten'", "DELETE FROM event"):
        with pytest.raises(DBAPIError, match="append-only"):
            with audited.store.engine.begin() as conn:
                conn.execute(text(statement))
    if audited.store.backend == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"):
            with audited.store.engine.begin() as conn:
                conn.execute(text("TRUNCATE event CASCADE"))
    assert verify(audited.store).holds


def test_a_changed_event_is_the_broken_link_of_its_chain(audited):
    target = event_ids(audited.store, 1)[1]
    tamper(audited.store, f"UPDATE event SET reason = 'nothing happened' WHERE id = {target}")
    report = verify(audited.store)
    assert not report.holds
    assert [(b.chain, b.event_id, b.problem) for b in report.broken] == [
        ("T-1", target, "content changed")
    ]


def test_a_removed_event_breaks_the_link_of_the_one_after_it(audited):
    first, removed, after, *_ = event_ids(audited.store, 2)
    tamper(audited.store, f"DELETE FROM event WHERE id = {removed}")
    (broken,) = verify(audited.store).broken
    assert (broken.chain, broken.event_id, broken.problem) == ("T-2", after, "event removed")
    assert f"after event {first}" in broken.detail


def test_an_event_rewritten_with_a_fresh_hash_shows_at_the_next_link(audited):
    """Someone who recomputes the changed event's own hash still breaks the next link."""
    from deskline.core.desk.trail import recomputed
    from deskline.storage.models import Event

    ids = event_ids(audited.store, 1)
    with audited.store.read() as s:
        event = s.get(Event, ids[0])
        assert event is not None
        event.reason = "forged"
        forged = recomputed(event)
        s.rollback()
    tamper(
        audited.store,
        f"UPDATE event SET reason = 'forged', hash = '{forged}' WHERE id = {ids[0]}",
    )
    (broken,) = verify(audited.store).broken
    assert (broken.chain, broken.event_id, broken.problem) == ("T-1", ids[1], "event removed")


def test_an_event_written_around_deskline_is_not_chained(audited):
    with audited.store.engine.begin() as conn:
        ticket = conn.execute(text("SELECT id FROM ticket WHERE number = 3")).scalar_one()
        conn.execute(
            text("INSERT INTO event (ticket_id, at, kind) VALUES (:t, :at, 'assigned')"),
            {"t": ticket, "at": datetime(2026, 4, 2, tzinfo=UTC)},
        )
    (broken,) = verify(audited.store).broken
    assert (broken.chain, broken.problem) == ("T-3", "not chained")


def test_the_desk_chain_records_who_bound_a_login(audited):
    (entry,) = log(audited.store)
    assert (entry.kind, entry.actor) == ("agent.login", "ana_admin")
    assert entry.new == {"agent": "bo", "db_role": "bo_login"}
    assert entry.login  # the OS user on SQLite, the database login on PostgreSQL
    assert [e.kind for e in log(audited.store, "T-1")][0] == "created"


# -- the upgrade path ----------------------------------------------------------------------


def old_desk(db_url: str) -> None:
    """A desk at schema 0006 with two tickets and five events, written as 0006 wrote them."""
    engine = make_engine(db_url)
    upgrade(engine, "0006")
    at = datetime(2026, 4, 2, 14, 30)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO agent (handle, name, role, skills, on_duty, max_active, "
                "last_routed) VALUES ('ana', 'Ana', 'admin', '', true, 10, 0)"
            )
        )
        agent = conn.execute(text("SELECT id FROM agent")).scalar_one()
        for number in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO ticket (number, title, description, priority, status, "
                    "channel, tags, created_at, updated_at, escalation_level, reopen_count, "
                    "version) VALUES (:n, 'old', '', 'P2', 'new', 'web', '', :t, :t, 0, 0, 1)"
                ),
                {"n": number, "t": at},
            )
        tickets = dict(conn.execute(text("SELECT number, id FROM ticket")).all())
        rows = [
            (1, "created", None, {"status": "new", "title": "old 打印机"}, None),
            (2, "created", None, {"status": "new"}, None),
            (1, "assigned", {"assignee": None}, {"assignee": "ana"}, None),
            (1, "status", {"status": "new"}, {"status": "open"}, "working on it"),
            (2, "priority", {"priority": "P2"}, {"priority": "P1"}, "VIP"),
        ]
        for minute, (number, kind, old, new, reason) in enumerate(rows):
            conn.execute(
                text(
                    "INSERT INTO event (ticket_id, actor_id, at, kind, old, new, reason) "
                    "VALUES (:t, :a, :at, :k, :o, :n, :r)"
                ),
                {
                    "t": tickets[number],
                    "a": agent,
                    "at": at.replace(minute=minute),
                    "k": kind,
                    "o": json.dumps(old) if old else None,
                    "n": json.dumps(new),
                    "r": reason,
                },
            )
    engine.dispose()


def test_a_0006_desk_with_events_verifies_clean_once_upgraded(db_url):
    old_desk(db_url)
    store = Store.open(db_url)  # upgrades to 0007: the events there are chained
    report = verify(store)
    assert (report.events, report.chains, report.holds) == (5, 2, True)
    desk = Desk(store, "ana")
    desk.note("T-1", "a new event after the upgrade")  # the chain goes on from the old ones
    report = verify(store)
    assert (report.events, report.holds) == (6, True)
    entries = log(store, "T-1")
    assert entries[-1].kind != "assigned" and entries[1].kind == "assigned"
    assert entries[-1].login and entries[0].login is None  # who was connected: unknown before
    store.close()
