"""The dashboard and the alert engine: it runs a watcher, toasts the supervisor's alerts
(the bell for a breach), and shows a surge banner until the surge subsides."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
from conftest import FrozenClock as Clock
from conftest import workers_done
from textual.widgets import Static

from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.tui.dashboard.app import DashboardApp

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def ana(desk, clock, monkeypatch) -> Desk:
    for name in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    Roster(desk.store).add("dee", name="Dee Director", role="director")
    return Desk(desk.store, "ana", now=clock)


async def until(pilot, condition, timeout: float = 8.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await pilot.pause(0.05)


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def banner(app) -> Static:
    return app.screen.query_one("#surge", Static)


async def test_the_dashboard_fires_and_shows_the_supervisors_alerts(ana, clock):
    ana.create("Checkout down for everyone", priority="P0")
    clock.t = T0 + timedelta(minutes=15)
    app = DashboardApp(ana, alerts=True)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: any("T-1 breached" in t for t in toasts(app)))
        assert rings
        assert app.alerts is not None and app.alerts.watcher.leader  # none was running


async def test_a_surge_shows_a_banner_until_it_subsides(ana, clock):
    for minute in range(4):  # more than 3 P0 tickets within 10 minutes (the default rule)
        clock.t = T0 + timedelta(minutes=minute)
        ana.create(f"Outage {minute}", priority="P0")
    app = DashboardApp(ana)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: banner(app).has_class("-on"))
        text = str(banner(app).render())
        assert "SURGE · Service Desk: 4 P0 tickets within 10 min" in text
        assert "since 08:03, began with T-4" in text  # the P0 that tipped it over
        clock.t = T0 + timedelta(minutes=3 + 10, seconds=1)  # ten minutes without a P0
        await until(pilot, lambda: not banner(app).has_class("-on"), timeout=4)


async def test_no_surge_no_banner(ana, clock):
    ana.create("One outage", priority="P0")
    app = DashboardApp(ana)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        await workers_done(app)
        assert not banner(app).has_class("-on")


async def test_one_pump_brings_changes_to_the_board_and_a_note_moves_nothing(ana, clock, db_url):
    """The dashboard and its alerts share one feed connection; a change elsewhere comes back
    as messages from the dashboard's workers: the board read again, a figure moved or not."""
    from deskline.core.dashboard.board import Board
    from deskline.storage import changes
    from deskline.storage.store import Store
    from deskline.tui.dashboard.screen import DashboardScreen as Screen

    ana.create("Checkout down for everyone", priority="P0")
    ana.create("A question", priority="P3")
    made: list[object] = []
    real = changes.ChangeWatcher.__init__

    def counted(self, store) -> None:
        made.append(self)
        real(self, store)

    heard: list[object] = []
    other = Desk(Store.open(db_url), "dee", now=clock)  # another engine: another process
    app = DashboardApp(ana, alerts=True)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(changes.ChangeWatcher, "__init__", counted)
            async with app.run_test(size=(120, 40), message_hook=heard.append) as pilot:
                await until(pilot, lambda: any(isinstance(m, Screen.Loaded) for m in heard))
                [loaded] = [m for m in heard if isinstance(m, Screen.Loaded)]
                assert loaded.teams == Board(ana).teams() == ["Service Desk"]
                await pilot.pause(0.5)
                await workers_done(app)
                mark = len(heard)
                other.note("T-2", "a note moves no figure")
                await pilot.pause(1.5)
                assert not [m for m in heard[mark:] if isinstance(m, Screen.Reread)]
                open_before = app.screen_figures().counters.open
                other.take("T-2")
                other.transition("T-2", "resolved", reason="answered")
                await until(pilot, lambda: app.screen_figures().counters.open < open_before, 2)
                assert [m for m in heard[mark:] if isinstance(m, Screen.Reread) and m.moved]
                assert len(made) == 1  # the board's changes and my alerts: one feed
    finally:
        other.store.close()


async def test_enter_opens_the_ticket_its_worker_read(ana, clock):
    from deskline.tui.dashboard.screen import DashboardScreen as Screen
    from deskline.tui.dashboard.ticket import TicketScreen

    ana.create("Checkout down for everyone", priority="P0")
    clock.t = T0 + timedelta(hours=3)  # breached: in the first list
    heard: list[object] = []
    app = DashboardApp(ana)
    async with app.run_test(size=(120, 40), message_hook=heard.append) as pilot:
        await until(pilot, lambda: app.screen_figures() is not None)
        await workers_done(app)
        app.screen.query_one("#breached-list").focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen))
        [read] = [m for m in heard if isinstance(m, Screen.TicketRead)]
        assert read.ticket.key == "T-1" and app.screen.ticket is read.ticket
