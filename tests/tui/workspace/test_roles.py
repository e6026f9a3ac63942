"""The workspace offers only what my role allows on the selected ticket (core decides), and
an action refused by a race is a toast, never a traceback."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import workers_done

from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.tui.workspace.app import DesklineApp
from deskline.tui.workspace.queue import QueueView
from deskline.tui.workspace.screen import DETAIL_DELAY, NEEDS

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        while getattr(pilot.app.screen, "_detail_timer", None) is not None:
            await pilot.pause(DETAIL_DELAY / 2)
        await workers_done(pilot.app)
    await pilot.pause()


async def select(pilot, key: str) -> None:
    view = pilot.app.screen.query_one(QueueView)
    view.cursor = view.numbers.index(int(key[2:]))
    await settle(pilot)
    assert pilot.app.screen.detail.key == key


def offered(app) -> set[str]:
    """The ticket actions whose keys are bound now (footer, help and palette show these)."""
    return {b.binding.id for b in app.screen.active_bindings.values()} & set(NEEDS)


async def test_keys_follow_what_my_role_allows_on_the_selected_ticket(desk, store):
    Roster(store).add("dee", team="Billing")
    Desk(store, "dee", now=lambda: NOW).create("Invoice wrong", priority="P1")  # T-1
    Desk(store, "dee", now=lambda: NOW).take("T-1")  # Billing's, dee holds it
    Desk(store, "ana", now=lambda: NOW).create("Printer jam", priority="P2")  # T-2, queue
    app = DesklineApp(Desk(store, "bo", now=lambda: NOW))  # bo: an agent of Service Desk
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await select(pilot, "T-1")
        assert offered(app) == set()  # another team's ticket someone holds: read only
        await select(pilot, "T-2")
        assert offered(app) == set(NEEDS) - {"assign"}  # take and work, not give away
        await pilot.press("t")
        await settle(pilot)
        assert Desk(store, "bo").get("T-2").assignee == "bo"
        await settle(pilot)
        assert offered(app) == set(NEEDS)  # mine now: I may hand it to a teammate
    assert Desk(store, "bo").get("T-1").version == 2  # untouched: created, taken


async def test_an_action_core_refuses_meanwhile_is_a_toast_and_writes_nothing(desk, store):
    """bo was moved to Billing after the app read his team: the keys still offer a note on
    Service Desk's ticket, and core refuses it (the toast's title says so)."""
    Roster(store).add("ada", role="admin")
    Desk(store, "ana", now=lambda: NOW).create("Printer jam")  # T-1, Service Desk's
    Desk(store, "ana", now=lambda: NOW).take("T-1")
    app = DesklineApp(Desk(store, "bo", now=lambda: NOW))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await select(pilot, "T-1")
        assert "note" in offered(app)
        Roster(store).update("bo", by="ada", team="Billing")  # behind the app's back
        before = Desk(store, "ana").get("T-1").version
        await pilot.press("n", *"hello", "ctrl+s")
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any(m.startswith("only Service Desk's agents, its holder") for m in messages)
        # titled as refused (it said "note added")
        assert [n.title for n in app._notifications if n.severity == "error"] == ["note refused"]
        assert Desk(store, "ana").get("T-1").version == before


async def test_taking_a_ticket_someone_holds_names_the_key_that_steals_it(desk, store):
    """A supervisor's take of a ticket ana holds (the key offered before the app knew):
    refused, saying the workspace's way to take it from her, never `take --steal`."""
    Roster(store).add("sue", role="supervisor", team="Service Desk")
    Desk(store, "ana", now=lambda: NOW).create("Printer jam")  # T-1
    Desk(store, "ana", now=lambda: NOW).take("T-1")
    app = DesklineApp(Desk(store, "sue", now=lambda: NOW))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.screen.show_view("open")
        await settle(pilot)
        await select(pilot, "T-1")
        app.screen.action_take()  # as the key does when offered
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert said == ["T-1 is held by ana: take it from them with assign (a) to yourself"]
    assert Desk(store, "ana").get("T-1").assignee == "ana"
