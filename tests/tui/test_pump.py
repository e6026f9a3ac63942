"""The change pump: one feed connection per app, and a change committed elsewhere reaches the
workspace, the alert inbox and the in-app watcher within a second; a feed that fails is
told once, and the changes come again once it is back."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import tomllib
from datetime import UTC, datetime, timedelta

import pytest
from conftest import FrozenClock, workers_done

from deskline.core.alerts.ladder import AlertRules
from deskline.core.alerts.watcher import SlaWatcher
from deskline.core.config.settings import parse_desk_config
from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.storage import changes
from deskline.storage.store import Store
from deskline.tui.workspace.app import DesklineApp
from deskline.tui.workspace.queue import QueueView

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
# Sweeps far apart: within a second only the pump's nudge can make the watcher look.
SLOW_SWEEPS = parse_desk_config(tomllib.loads('[alerts]\nsweep = "60s"\nlease = "120s"\n'))


@pytest.fixture
def clock() -> FrozenClock:
    clock = FrozenClock(T0)
    clock.at(13)  # a P0 made now is at risk at once (80 % of its 15 min gone)
    return clock


@pytest.fixture
def ana(desk, clock, monkeypatch) -> Desk:
    for name in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    ana = Desk(desk.store, "ana", now=clock)
    clock.t = T0
    ana.create("Printer jam on floor 3", priority="P3")
    clock.at(13)
    return ana


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def until(pilot, condition, timeout: float) -> float:
    """Seconds until the condition held; fails after ``timeout``."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    while not condition():
        assert loop.time() - began < timeout, f"not within {timeout} s"
        await pilot.pause(0.02)
    return loop.time() - began


async def settled(pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await workers_done(pilot.app)


def priority_shown(app, number: int) -> str | None:
    ticket = app.screen.query_one(QueueView).tickets.get(number)
    return ticket.priority if ticket else None


def watchers_made(monkeypatch) -> list[object]:
    """Every change watcher made from now on (each holds a connection of its own)."""
    made: list[object] = []
    real = changes.ChangeWatcher.__init__

    def counted(self, store) -> None:
        made.append(self)
        real(self, store)

    monkeypatch.setattr(changes.ChangeWatcher, "__init__", counted)
    return made


async def test_one_feed_and_a_change_elsewhere_reaches_queue_and_watcher_within_a_second(
    ana, clock, db_url, monkeypatch
):
    made = watchers_made(monkeypatch)
    ana = Desk(ana.store, "ana", now=clock, alerts=SLOW_SWEEPS.alerts)  # pinned rules
    app = DesklineApp(ana, SLOW_SWEEPS, alerts=True)
    assert app.alerts is not None and app.alerts.watcher.rules.sweep == timedelta(seconds=60)
    other = Desk(Store.open(db_url), "bo", now=clock)  # another engine: another process
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await settled(pilot)
            await until(pilot, lambda: app.alerts.watcher.leader, timeout=5)
            assert priority_shown(app, 1) == "P3"
            await pilot.pause(0.3)
            assert not any("T-1" in t for t in toasts(app))  # nothing due as a P3
            committed = time.monotonic()
            await asyncio.to_thread(other.change_priority, "T-1", "P0")
            # The workspace shows it, and the app's watcher fires the rung it brought due
            # at once (its sweep is a minute away): the inbox toasts it.
            await until(pilot, lambda: priority_shown(app, 1) == "P0", timeout=1)
            await until(pilot, lambda: any("T-1 at risk" in t for t in toasts(app)), timeout=1)
            assert time.monotonic() - committed < 1.0
            assert len(made) == 1  # one feed connection for the workspace, inbox and watcher
    finally:
        other.store.close()


async def test_an_alert_fired_by_another_watcher_reaches_the_inbox_through_the_pump(
    ana, clock, db_url
):
    headless = SlaWatcher(Store.open(db_url), ana, AlertRules(lease=timedelta(hours=1)), now=clock)
    headless._hold_lease(clock.t)  # a `deskline watch` elsewhere holds the lease
    app = DesklineApp(ana, alerts=True)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await settled(pilot)
            await pilot.pause(0.3)
            assert not app.alerts.watcher.leader  # stands by: it is not nudged into firing
            ana.change_priority("T-1", "P0")
            await pilot.pause(0.6)
            assert not any("T-1" in t for t in toasts(app))  # no one fired yet
            committed = time.monotonic()
            assert "at_risk" in [f.rung for f in await asyncio.to_thread(headless.run_due)]
            await until(pilot, lambda: any("T-1 at risk" in t for t in toasts(app)), timeout=1)
            assert time.monotonic() - committed < 1.0  # the inbox's own look is a minute away
    finally:
        headless.release()
        headless.store.close()


async def test_a_feed_that_fails_is_told_once_and_its_changes_come_when_it_is_back(
    clock, sqlite_url
):
    store = Store.open(sqlite_url)
    Roster(store).add("ana", name="Ana Silva", role="supervisor", team="Service Desk")
    ana = Desk(store, "ana", now=clock)
    ana.create("Printer jam on floor 3", priority="P3")
    path = sqlite_url.removeprefix("sqlite:///")
    app = DesklineApp(ana)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        with sqlite3.connect(path) as conn:  # the feed's table goes away under the app
            conn.execute('ALTER TABLE "change" RENAME TO change_away')
        await until(pilot, lambda: any("cannot read changes" in t for t in toasts(app)), 2)
        await pilot.pause(1.6)  # three more looks, each failing
        told = [t for t in toasts(app) if "cannot read changes" in t]
        assert len(told) == 1, told
        with sqlite3.connect(path) as conn:
            conn.execute('ALTER TABLE change_away RENAME TO "change"')
        other = Desk(Store.open(sqlite_url), "ana", now=clock)  # another engine
        other.change_priority("T-1", "P1")
        other.store.close()
        await until(pilot, lambda: priority_shown(app, 1) == "P1", timeout=2)
    store.close()
