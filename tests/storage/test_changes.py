"""The change feed on SQLite files and PostgreSQL: one row per change, seen by other clients."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, event, text
from sqlmodel import col, select

from deskline.core.desk.tickets import Desk
from deskline.core.errors import IllegalTransition, StaleEdit
from deskline.core.roster.agents import Roster
from deskline.core.routing.route import RoutingRules
from deskline.core.sla.calendar import parse_duration
from deskline.core.sla.clocks import Target
from deskline.core.sla.defaults import default_rules
from deskline.storage import changes
from deskline.storage.changes import ChangeWatcher, TicketChange
from deskline.storage.models import Change, Ticket
from deskline.storage.store import Store

T0 = datetime(2026, 4, 2, 14, 30, tzinfo=UTC)


def feed(store: Store) -> list[tuple[int, str]]:
    """Every change row as (ticket number, kind), oldest first."""
    with store.read() as s:
        rows = s.exec(
            select(Ticket.number, Change.kind)
            .join(Ticket, col(Change.ticket_id) == col(Ticket.id))
            .order_by(col(Change.id))
        ).all()
    return [(number, kind) for number, kind in rows]


def number(key: str) -> int:
    return int(key.removeprefix("T-"))


def seen_within(watcher: ChangeWatcher, seconds: float) -> float | None:
    """Poll until the watcher reports a change; how long it took, or None."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if watcher.poll():
            return time.monotonic() - start
        time.sleep(0.02)
    return None


@pytest.fixture
def other(db_url, desk):
    """A second client of the same database: its own Store, engine and connections."""
    store = Store.open(db_url)
    yield Desk(store, "bo")
    store.close()


@pytest.fixture
def watcher(store, desk):
    watcher = ChangeWatcher(store)
    yield watcher
    watcher.close()


# -- writing the feed -----------------------------------------------------------------


def test_every_desk_use_case_appends_exactly_one_change_for_its_ticket(desk, store):
    key = desk.create("VPN drops").key
    desk.create("printer jam")
    n = number(key)
    steps = [
        lambda: desk.assign(key, "bo"),
        lambda: desk.take(key, steal=True),
        lambda: desk.reply(key, "restarted the gateway"),
        lambda: desk.note(key, "gateway logs show OOM"),
        lambda: desk.change_priority(key, "P1", reason="more users"),
        lambda: desk.escalate(key, reason="VIP", progress="restarts", help_needed="network"),
        lambda: desk.transition(key, "pending"),
        lambda: desk.transition(key, "resolved", reason="added memory"),
        lambda: desk.reopen(key, reason="still broken"),
    ]
    assert feed(store) == [(n, "created"), (n + 1, "created")]
    for step in steps:
        before = feed(store)
        step()
        assert feed(store) == [*before, (n, "updated")]


def test_a_routed_create_and_a_route_append_one_change_each(desk, store):
    routed = Desk(store, "ana", routing=RoutingRules(fallback_team="Service Desk"))
    key = routed.create("VPN drops").key  # created, then routed: two events, one change
    assert len(routed.get(key).events) >= 2
    assert feed(store) == [(number(key), "created")]
    if routed.get(key).assignee is not None:
        routed.transition(key, "new")  # back to the queue, to be routed again
    before = feed(store)
    routed.route(key)
    assert feed(store) == [*before, (number(key), "updated")]


def test_a_refused_change_appends_nothing(desk, store):
    key = desk.create("x").key
    before = feed(store)
    with pytest.raises(IllegalTransition):
        desk.transition(key, "closed")
    with pytest.raises(StaleEdit):
        desk.take(key, expected_version=99)
    assert feed(store) == before


def test_recomputing_sla_appends_one_change_per_ticket_it_moved(desk, store):
    p0 = [desk.create("down", priority="P0").key for _ in range(2)]
    desk.create("question", priority="P3")
    rules = default_rules()
    slower = {**rules.targets, "P0": Target(parse_duration("30m"), parse_duration("4h"), "always")}
    Roster(store).add("ada", role="admin")  # only an admin recomputes
    recompute = Desk(store, "ada", rules=replace(rules, targets=slower))
    before = feed(store)
    assert recompute.recompute_sla() == 2
    assert feed(store) == [*before, *[(number(k), "sla") for k in p0]]
    assert recompute.recompute_sla() == 0
    assert len(feed(store)) == len(before) + 2


def test_changes_since_a_position_come_oldest_first_with_ticket_numbers(desk, store):
    with store.read() as s:
        assert changes.latest_change_id(s) == 0
    a = desk.create("a").key
    with store.read() as s:
        position = changes.latest_change_id(s)
    b = desk.create("b").key
    desk.take(a)
    with store.read() as s:
        later = changes.changes_since(s, position)
        assert [(c.number, c.kind) for c in later] == [
            (number(b), "created"),
            (number(a), "updated"),
        ]
        assert later[0].id > position and later[1].id > later[0].id
        assert changes.latest_change_id(s) == later[-1].id
        assert changes.changes_since(s, position, limit=1) == later[:1]
        assert changes.changes_since(s, later[-1].id) == []
    assert isinstance(later[0], TicketChange)


def test_postgres_hands_out_change_ids_in_commit_order(pg_url):
    """A reader at position N must never see N+1 commit before N: writers queue at the feed."""
    store = Store.open(pg_url)
    Roster(store).add("ana", name="Ana", role="admin")
    desk = Desk(store, "ana")
    first, second = (number(desk.create(t).key) for t in ("first", "second"))
    ids = {}
    with store.read() as s:
        tickets = {t.number: t.id for t in s.exec(select(Ticket)).all()}
    holding = threading.Event()
    release = threading.Event()

    def slow_writer() -> None:
        with store.write() as s:
            changes.record(s, [tickets[first]], "updated", T0)
            ids["slow"] = changes.latest_change_id(s)
            holding.set()
            release.wait(10)

    def quick_writer() -> None:
        with store.write() as s:
            changes.record(s, [tickets[second]], "updated", T0)
            ids["quick"] = changes.latest_change_id(s)

    slow = threading.Thread(target=slow_writer)
    slow.start()
    assert holding.wait(10)
    quick = threading.Thread(target=quick_writer)
    quick.start()
    quick.join(0.5)
    assert quick.is_alive(), "a second writer must wait for the first one's commit"
    release.set()
    slow.join(10)
    quick.join(10)
    assert ids["slow"] < ids["quick"]
    store.close()


# -- watching the feed ----------------------------------------------------------------


def test_a_commit_by_another_client_is_seen_by_the_next_poll(watcher, other):
    assert watcher.poll() is False
    other.create("from the other client")
    assert watcher.poll() is True
    assert watcher.poll() is False  # reported once


def test_commits_through_the_watchers_own_store_are_seen_too(watcher, desk):
    desk.create("mine")
    assert watcher.poll() is True


def test_a_change_made_before_the_watcher_began_is_not_reported(desk, store):
    desk.create("old news")
    watcher = ChangeWatcher(store)
    assert watcher.poll() is False
    watcher.close()


def test_polls_while_nothing_changes_are_false_and_query_nothing(watcher, store):
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    assert not any(watcher.poll() for _ in range(1000))
    assert statements == []


def test_a_commit_that_changes_no_ticket_is_not_a_change(watcher, store):
    Roster(store).add("cy", name="Cy")
    assert watcher.poll() is False


def test_a_rolled_back_change_is_not_seen(watcher, store, desk):
    created = number(desk.create("x").key)
    watcher.poll()
    with pytest.raises(RuntimeError), store.write() as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == created)).one()
        changes.record(s, [ticket.id], "updated", T0)
        raise RuntimeError("changed my mind")
    assert watcher.poll() is False


def test_a_change_by_another_process_is_seen_within_two_seconds(db_url, watcher, require, tmp_path):
    exe = shutil.which("deskline")
    require("the deskline command (pip install -e .)", exe is not None)
    assert exe is not None
    result = subprocess.run(
        [exe, "--db", db_url, "--as", "bo", "new", "--title", "from another process"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,  # no deskline.toml from the working directory
    )
    assert result.returncode == 0, result.stderr
    assert seen_within(watcher, 2.0) is not None


def test_postgres_watcher_listens_again_after_losing_its_connection(pg_url):
    name = f"w_{uuid.uuid4().hex[:12]}"
    url = f"{pg_url}&application_name={name}"
    store = Store.open(url)
    Roster(store).add("ana", name="Ana", role="admin")
    watcher = ChangeWatcher(store)
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        killed = conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = :name AND query LIKE 'LISTEN%'"
            ),
            {"name": name},
        ).all()
    assert killed == [(True,)]
    Desk(store, "ana").create("while the watcher was cut off")
    assert watcher.poll() is True  # the dropped connection is noticed: read the feed
    assert not any(watcher.poll() for _ in range(3))  # meanwhile it listens again
    Desk(store, "ana").create("after it listens again")
    assert seen_within(watcher, 2.0) is not None
    with admin.begin() as conn:
        listening = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE application_name = :name AND query LIKE 'LISTEN%'"
            ),
            {"name": name},
        ).scalar_one()
    assert listening == 1
    watcher.close()
    store.close()
    admin.dispose()


def test_postgres_watcher_ignores_other_desks_in_the_same_database(pg_url):
    store = Store.open(pg_url)
    watcher = ChangeWatcher(store)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with store.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    neighbour = Store.open(pg_url.replace(pg_url.rsplit("%3D", 1)[1], schema))
    try:
        Roster(neighbour).add("zed", name="Zed", role="admin")
        statements: list[str] = []
        event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        Desk(neighbour, "zed").create("another desk's ticket")
        time.sleep(0.2)  # its notification has arrived by now
        assert watcher.poll() is False
        assert statements == []
    finally:
        neighbour.close()
        watcher.close()
        with store.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        store.close()
