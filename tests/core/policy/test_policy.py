"""The desk's policy in the database: versions, what applying one does to open tickets (in
one transaction, with its audit event and change row), who may, the one-time import of a
local file, and every Desk and watcher following the newest version live."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from conftest import FrozenClock, wait_for
from sqlmodel import select

from deskline.core.alerts.watcher import SlaWatcher
from deskline.core.config.reader import ConfigError
from deskline.core.desk.feed import Feed
from deskline.core.desk.tickets import Desk
from deskline.core.errors import Forbidden, StaleEdit
from deskline.core.policy import apply
from deskline.core.policy.book import DEFAULT, Rules, load, load_history, parse_policy_text
from deskline.core.roster.agents import Roster
from deskline.storage import changes
from deskline.storage.models import Change, Event, Policy
from deskline.storage.store import Store

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)

FAST_P0 = """
[sla.P0]
first_response = "5m"
resolution = "1h"
calendar = "always"
"""


def rules(text: str) -> Rules:
    return parse_policy_text(text, "test.toml")


@pytest.fixture
def admin(desk) -> Desk:
    Roster(desk.store).add("root", name="Root Admin", role="admin")
    return Desk(desk.store, "root", now=lambda: T0)


def test_a_fresh_desk_runs_on_the_defaults_version_0(desk):
    assert desk.refresh_policy() is DEFAULT
    assert desk.policy.version == 0 and load(desk.store).version == 0
    assert load_history(desk.store) == []


def test_apply_writes_a_version_its_audit_event_the_tickets_and_a_desk_change(admin, db_url):
    ticket = admin.create("Checkout down", priority="P0")
    assert ticket.sla.first_response.due_at == T0 + timedelta(minutes=15)
    with admin.store.read() as s:
        position = changes.latest_change_id(s)

    done = apply.apply(
        admin.store, rules(FAST_P0), actor="root", now=T0, source="p.toml", note="faster"
    )

    assert not done.same and done.new.version == 1
    assert (done.impact.open, done.impact.moved, len(done.impact.changed)) == (1, 1, 1)
    stored = load(admin.store)
    assert (stored.version, stored.digest, stored.applied_by) == (1, done.new.digest, "root")
    assert (stored.source, stored.note) == ("p.toml", "faster")
    assert stored.sla.targets["P0"].first_response.seconds == 300
    # the open ticket's due times moved in the same transaction
    assert admin.get(ticket.key).sla.first_response.due_at == T0 + timedelta(minutes=5)
    with admin.store.read() as s:
        event = s.exec(select(Event).where(Event.kind == "policy_applied")).one()
        feed = changes.changes_since(s, position)
    assert event.ticket_id is None and event.reason == "faster"
    assert event.old == {"version": 0, "digest": DEFAULT.digest}
    assert event.new == {"version": 1, "digest": done.new.digest}
    assert [(c.number, c.kind) for c in feed] == [(ticket.number, "sla"), (None, "policy")]


def test_the_same_policy_again_is_no_change_and_writes_nothing(admin):
    apply.apply(admin.store, rules(FAST_P0), actor="root", now=T0)
    with admin.store.read() as s:
        before = (len(s.exec(select(Event)).all()), len(s.exec(select(Change)).all()))
    # said in other words (a default spelled out, other order): the same effective policy
    again = rules('[sla]\non_reopen = "resume"\n' + FAST_P0)
    done = apply.apply(admin.store, again, actor="root", now=T0)
    assert done.same and done.diff() == ""
    with admin.store.read() as s:
        after = (len(s.exec(select(Event)).all()), len(s.exec(select(Change)).all()))
        assert len(s.exec(select(Policy)).all()) == 1
    assert after == before


def test_preview_counts_moved_due_times_and_breaches_now_and_changes_nothing(admin):
    admin.create("a", priority="P0")
    admin.create("b", priority="P3")
    later = T0 + timedelta(minutes=10)  # P0 breached under 5m, not under the default 15m
    found = apply.preview(admin.store, rules(FAST_P0), later)
    assert (found.impact.open, found.impact.moved) == (2, 1)
    assert (found.impact.breached_now, found.impact.breached_before) == (1, 0)
    assert '-first_response = "15m"\n-resolution = "2h"\n+first_response = "5m"\n' in found.diff()
    assert found.diff().startswith("--- version 0\n+++ version 1 (new)\n")
    assert load(admin.store).version == 0


def test_only_an_admin_applies_and_nothing_is_written(desk, admin):
    for handle in ("ana", "bo", "nobody"):
        with pytest.raises(Forbidden, match="only an admin can change the desk's policy"):
            apply.apply(desk.store, rules(FAST_P0), actor=handle, now=T0)
    assert load_history(desk.store) == []


def test_a_version_that_moved_since_the_preview_is_refused(admin):
    apply.apply(admin.store, rules(FAST_P0), actor="root", now=T0)
    with pytest.raises(StaleEdit, match="moved to version 1 since you looked"):
        apply.apply(admin.store, Rules(), actor="root", now=T0, expect_version=0)
    assert load(admin.store).version == 1


def test_another_desk_object_follows_the_new_version_at_its_next_transaction(admin, db_url):
    other_store = Store.open(db_url)  # another process, as far as the database can tell
    try:
        other = Desk(other_store, "bo", now=lambda: T0)
        first = other.create("x", priority="P0")
        assert first.sla.first_response.due_at == T0 + timedelta(minutes=15)
        apply.apply(admin.store, rules(FAST_P0), actor="root", now=T0)
        made = other.create("y", priority="P0")  # no restart, no reload: the newest version
        assert made.sla.first_response.due_at == T0 + timedelta(minutes=5)
        assert other.policy.version == 1
    finally:
        other_store.close()


def test_a_desk_given_rules_keeps_them_whatever_the_store_says(admin):
    pinned = Desk(admin.store, "root", now=lambda: T0, rules=DEFAULT.sla)
    apply.apply(admin.store, rules(FAST_P0), actor="root", now=T0)
    assert pinned.create("x", priority="P0").sla.first_response.due_at == T0 + timedelta(minutes=15)


def test_the_feed_reports_a_desk_level_policy_change(admin):
    feed = Feed(admin.store)
    try:
        apply.apply(admin.store, rules(FAST_P0), actor="root", now=T0)

        def heard() -> bool:  # PostgreSQL's NOTIFY reaches the listener a moment later
            assert feed.poll() == []
            return bool(feed.desk_kinds)

        wait_for("policy change in the feed", heard)
        assert feed.desk_kinds == {"policy"}
        assert feed.poll() == [] and feed.desk_kinds == set()
    finally:
        feed.close()


def test_a_local_file_is_imported_once_then_must_match(admin):
    told = apply.adopt_local(
        admin.store, rules(FAST_P0), source="/home/ana/deskline.toml", handle="root", now=T0
    )
    assert told == (
        "imported the desk's policy from /home/ana/deskline.toml as version 1; "
        "change it with `deskline policy apply`"
    )
    assert load(admin.store).version == 1
    # the same policy: silent; another one: one clear line naming the file
    assert apply.adopt_local(admin.store, rules(FAST_P0), source="f", handle="bo", now=T0) is None
    with pytest.raises(ConfigError) as error:
        apply.adopt_local(admin.store, Rules(), source="/tmp/x.toml", handle="bo", now=T0)
    assert str(error.value) == (
        "/tmp/x.toml: its policy sections differ from the desk's policy (version 1, in the "
        "database): remove them from the file, or make them the desk's with "
        "`deskline policy apply /tmp/x.toml`"
    )
    assert [p.version for p in load_history(admin.store)] == [1]


WATCHED = """
[sla.P0]
first_response = "{first}"
resolution = "2h"
calendar = "always"

[alerts]
sweep = "30s"
lease = "2m"
"""


def test_a_policy_applied_while_a_watcher_runs_moves_its_next_wake_up_at_once(admin, db_url):
    """Frozen clock: the watcher's wake-up is the at-risk rung (80% of first response);
    the sweep is 30 s, so only following the change feed can move it within seconds."""
    apply.apply(admin.store, rules(WATCHED.format(first="15m")), actor="root", now=T0)
    admin.create("Checkout down", priority="P0")
    clock = FrozenClock(T0)
    watched = Desk(Store.open(db_url), "root", now=clock)
    watcher = SlaWatcher(watched.store, watched, now=clock, holder="test-watcher")

    def delay() -> float | None:
        armed = watcher.armed_at
        return None if armed is None else (armed - datetime.now(UTC)).total_seconds()

    async def until(check, timeout: float) -> None:
        end = time.monotonic() + timeout
        while not check():
            assert time.monotonic() < end, "the watcher did not re-arm in time"
            await asyncio.sleep(0.05)

    async def scenario() -> tuple[float, float]:
        watcher.start(AsyncIOScheduler(timezone=UTC), follow=True)
        try:
            await until(lambda: delay() is not None, 10)
            before = delay()
            assert before is not None
            await asyncio.to_thread(
                apply.apply, admin.store, rules(WATCHED.format(first="5m")), actor="root", now=T0
            )
            started = time.monotonic()
            await until(lambda: (delay() or 1e9) < 400, 3)
            assert time.monotonic() - started < 3
            after = delay()
            assert after is not None
            return before, after
        finally:
            await asyncio.to_thread(watcher.stop)

    try:
        before, after = asyncio.run(scenario())
    finally:
        watched.store.close()
    assert 12 * 60 - 5 < before <= 12 * 60  # at risk: 80% of 15 min
    assert 4 * 60 - 5 < after <= 4 * 60  # 80% of 5 min
    assert watched.policy.version == 2
