"""Alerts in the workspace: the app's own watcher fires, my alerts toast (the bell for a
breach), the alert centre lists them and space acknowledges; desktop notifications that
cannot work say so once and leave the screen clean."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import threading
import time
import tomllib
from datetime import UTC, datetime, timedelta

import pytest
from conftest import FrozenClock as Clock
from conftest import need_tool, workers_done
from sqlalchemy import event
from textual.widgets import DataTable

from deskline.core.alerts.inbox import Inbox
from deskline.core.alerts.ladder import AlertRules
from deskline.core.alerts.watcher import SlaWatcher
from deskline.core.config.settings import parse_desk_config
from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.storage.store import Store
from deskline.tui.alerts.centre import AlertCentre
from deskline.tui.workspace.app import DesklineApp
from deskline.tui.workspace.queue import QueueView

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


def make_ana(store: Store, clock: Clock, monkeypatch) -> Desk:
    # No desktop session here: no D-Bus, no display (the app must say so and carry on).
    for name in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    roster = Roster(store)
    if roster.list() == []:
        roster.add("ana", name="Ana Silva", role="supervisor", team="Service Desk")
    ana = Desk(store, "ana", now=clock)
    ana.create("Checkout down for everyone", priority="P0", customer="Globex")
    return ana


@pytest.fixture
def ana(desk, clock, monkeypatch) -> Desk:
    return make_ana(desk.store, clock, monkeypatch)


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def until(pilot, condition, timeout: float = 8.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await pilot.pause(0.05)


async def test_a_breach_toasts_rings_and_is_acknowledged_in_the_alert_centre(ana, clock):
    clock.t = T0 + timedelta(minutes=15)  # the first response is due now
    app = DesklineApp(ana, alerts=True)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: any("breached" in t for t in toasts(app)))
        shown = toasts(app)
        assert any("T-1 breached" in t and "level 3" in t for t in shown)
        assert any("T-1 at risk" in t for t in shown)
        assert rings  # the bell, for the breach
        assert sum("desktop notifications are off" in t for t in shown) == 1
        await pilot.press("exclamation_mark")
        await until(pilot, lambda: isinstance(app.screen, AlertCentre))
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 2)
        await pilot.press("space")
        await until(pilot, lambda: Inbox(ana.store, "ana").recent()[0].acknowledged_at is not None)
        await pilot.press("escape")
    mine = Inbox(ana.store, "ana").recent()
    assert [(i.rung, i.acknowledged_at is not None) for i in mine] == [
        ("breach", True),
        ("at_risk", False),
    ]
    assert not app.alerts.watcher.leader  # the lease was given up on exit


async def test_enter_in_the_alert_centre_opens_the_ticket_even_out_of_the_view(ana, clock):
    ana.create("Printer jam", priority="P3")
    clock.t = T0 + timedelta(minutes=15)  # T-1's first response breaches now
    app = DesklineApp(ana, alerts=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: any("T-1 breached" in t for t in toasts(app)))
        ana.take("T-1")
        ana.transition("T-1", "resolved", reason="restarted")  # out of every open view
        await until(pilot, lambda: pilot.app.screen.queue_view.numbers == [2])
        await pilot.press("exclamation_mark")
        await until(pilot, lambda: isinstance(app.screen, AlertCentre))
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 2)
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, AlertCentre))
        screen = app.screen
        await until(pilot, lambda: screen.detail is not None and screen.detail.key == "T-1")
        await until(pilot, lambda: any("T-1 (resolved) is not in" in t for t in toasts(app)))
        assert screen.detail.key == "T-1" and screen.detail.status == "resolved"
        await pilot.press("colon", *"T-2", "enter")  # and any ticket by its key
        await until(pilot, lambda: screen.detail.key == "T-2")
        assert screen.queue_view.selected_number == 2
        await pilot.press("colon", *"T-99", "enter")
        await until(pilot, lambda: any("no ticket T-99" in t for t in toasts(app)))


async def test_an_alert_fired_by_another_watcher_reaches_the_open_app(ana):
    at_12 = T0 + timedelta(minutes=12)
    headless = SlaWatcher(ana.store, ana, AlertRules(lease=timedelta(hours=1)), now=lambda: at_12)
    headless._hold_lease(T0)  # a `deskline watch` elsewhere holds the lease
    app = DesklineApp(ana, alerts=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.5)
        assert not app.alerts.watcher.leader  # stands by
        assert [f.rung for f in await asyncio.to_thread(headless.run_due)] == ["at_risk"]
        await until(pilot, lambda: any("T-1 at risk" in t for t in toasts(app)), timeout=3)
    headless.release()


def test_desktop_notifications_off_is_one_warning_and_no_stray_text(
    snap_compare, sqlite_url, clock, monkeypatch
):
    # The snapshot shows the reason given when the tools are there but no session bus is:
    # without notify-send the reason is the missing tool (the next test).
    need_tool("notify-send")
    ana = make_ana(Store.open(sqlite_url), clock, monkeypatch)

    async def wait_for_warning(pilot) -> None:
        await until(pilot, lambda: any("desktop notifications" in t for t in toasts(pilot.app)))
        await workers_done(pilot.app)
        await pilot.pause()

    assert os.environ.get("DBUS_SESSION_BUS_ADDRESS") is None
    app = DesklineApp(ana, alerts=True)
    assert snap_compare(app, terminal_size=(100, 28), run_before=wait_for_warning)


async def test_without_notify_send_the_one_warning_names_the_package_to_install(
    sqlite_url, clock, monkeypatch, tmp_path
):
    if importlib.util.find_spec("dbus") is not None:
        pytest.skip("python-dbus is installed: plyer needs no notify-send here")
    ana = make_ana(Store.open(sqlite_url), clock, monkeypatch)
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no notify-send on it
    app = DesklineApp(ana, alerts=True)
    async with app.run_test(size=(100, 28)) as pilot:
        await until(pilot, lambda: any("desktop notifications" in t for t in toasts(pilot.app)))
        await workers_done(pilot.app)
        warnings = [t for t in toasts(app) if "desktop notifications" in t]
    assert warnings == [
        "neither notify-send (libnotify-bin) nor python-dbus is installed: "
        "desktop notifications are off"
    ]


async def test_the_alert_centre_shows_what_its_worker_brought(ana, clock):
    clock.t = T0 + timedelta(minutes=15)
    heard: list[object] = []
    app = DesklineApp(ana, alerts=True)
    async with app.run_test(size=(120, 36), message_hook=heard.append) as pilot:
        await until(pilot, lambda: any("breached" in t for t in toasts(app)))
        await pilot.press("exclamation_mark")
        await until(pilot, lambda: any(isinstance(m, AlertCentre.Loaded) for m in heard))
        [loaded] = [m for m in heard if isinstance(m, AlertCentre.Loaded)]
        assert [item.rung for item in loaded.items] == ["breach", "at_risk"]
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2


async def test_a_local_write_rearms_the_apps_watcher_at_once_off_the_event_loop(ana, clock):
    """Made P0 in the app, a ticket 13 minutes old is at risk now: the watcher is nudged by
    the change (its sweep is a minute away) and fires in its own threads."""
    config = parse_desk_config(tomllib.loads('[alerts]\nsweep = "60s"\nlease = "120s"\n'))
    clock.t = T0
    ana.create("Printer jam on floor 3", priority="P3")  # T-2
    clock.t = T0 + timedelta(minutes=13)
    app = DesklineApp(ana, config, alerts=True)
    loop_thread = threading.get_ident()
    on_loop: list[str] = []

    def before(conn, cursor, statement, *args) -> None:
        if threading.get_ident() == loop_thread:
            on_loop.append(statement)

    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.alerts.watcher.leader)
        await workers_done(app)
        view = app.screen.query_one(QueueView)
        await until(pilot, lambda: 2 in view.numbers)
        view.cursor = view.numbers.index(2)
        await until(pilot, lambda: app.screen.detail is not None and app.screen.detail.number == 2)
        await pilot.pause(0.3)
        assert not any("T-2" in t for t in toasts(app))
        event.listen(ana.store.engine, "before_cursor_execute", before)
        try:
            began = asyncio.get_running_loop().time()
            await pilot.press("p", "enter", *"all users", "enter")  # P0, and why
            # Well before the sweep a minute away (a bound loose enough for a loaded machine)
            await until(pilot, lambda: any("T-2 at risk" in t for t in toasts(app)), timeout=10)
            assert asyncio.get_running_loop().time() - began < 10.0
        finally:
            event.remove(ana.store.engine, "before_cursor_execute", before)
    assert on_loop == []
    assert ana.get("T-2").priority == "P0"
