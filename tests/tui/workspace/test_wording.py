"""Refusals in the workspace speak its words: the field to fill in, the key to press (as
bound now), never a command-line option or command (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from test_keys import config
from test_search_workspace import in_open_view
from test_workspace import NOW, open_app, settle
from textual.widgets import Checkbox, Input

from deskline.core.desk.tickets import Desk
from deskline.tui.workspace.app import DesklineApp
from deskline.tui.workspace.dialogs import QuickCreate


@pytest.fixture
def ana(desk) -> Desk:
    ana = Desk(desk.store, "ana", now=lambda: NOW)
    ana.create("Printer jam on floor 3", priority="P3")
    return ana


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def no_cli_words(said: list[str]) -> bool:
    return not any("--" in line or "deskline " in line for line in said)


async def test_a_vip_without_a_customer_is_told_to_fill_in_the_customer(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t", *"Caller angry")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, QuickCreate)
        dialog.query_one("#vip", Checkbox).value = True
        dialog.query_one("#title", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        said = toasts(app)
        assert "VIP needs a customer: a VIP is a customer" in said and no_cli_words(said)
    assert [t.key for t in ana.list()] == ["T-1"]


async def test_a_resolution_without_its_solution_asks_for_it_in_words(ana):
    ana.take("T-1")
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        # a refusal of core's coming back through the app (the dialog itself insists first)
        app.screen.act("resolved", lambda: ana.transition("T-1", "resolved", reason=" "))
        await settle(pilot)
        said = toasts(app)
        assert "resolving T-1 needs a solution note: write what fixed it" in said
        assert no_cli_words(said)
    assert ana.get("T-1").status == "in_progress"


async def test_a_move_needing_an_assignee_names_the_keys_as_remapped(ana):
    app = DesklineApp(ana, config('[keys]\ntake = "x"\n'))
    async with app.run_test(size=(100, 30)) as pilot:
        await in_open_view(pilot, "T-1")
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("enter")  # new → in progress, and nobody holds it
        await settle(pilot)
        said = toasts(app)
        assert "T-1 has no assignee: assign (a) or take (x) first" in said
        assert no_cli_words(said)
    assert ana.get("T-1").status == "new"


async def test_a_key_with_no_ticket_and_an_unknown_customer_say_no_command(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("colon", *"T-99", "enter")
        await settle(pilot)
        await in_open_view(pilot, "T-1")
        await pilot.press("E", "tab", "tab", "tab", "tab", *"Nobody Inc", "enter")
        await settle(pilot)
        said = toasts(app)
        assert "no ticket T-99: check the key" in said
        assert "no customer 'Nobody Inc': pick one the field suggests" in said
        assert no_cli_words(said)
