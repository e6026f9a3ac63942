"""Replies and notes of several lines: ctrl+s sends, escape asks before it throws away what
was typed, ctrl+r fills a macro in and sending it sets what the macro sets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import settle
from textual.widgets import TextArea

from deskline.core.desk.tickets import Desk
from deskline.core.policy import apply
from deskline.core.policy.book import parse_policy_text
from deskline.core.roster.agents import Roster
from deskline.tui.workspace.app import DesklineApp
from deskline.tui.workspace.compose import ComposeText, Discard
from deskline.tui.workspace.dialogs import Choose

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
POLICY = """
[[macro]]
name = "reset"
text = "Hello {customer},\\nyour password is reset ({key})."
status = "pending"
tags = "+password"

[[macro]]
name = "peek"
kind = "note"
text = "looked at {title}"
"""


@pytest.fixture
def ana(desk, store) -> Desk:
    Roster(store).add("root", role="admin")
    apply.apply(store, parse_policy_text(POLICY, "t.toml"), actor="root", now=NOW)
    ana = Desk(store, "ana", now=lambda: NOW)
    ana.create("Locked out", priority="P1", customer="Globex")
    ana.take("T-1")
    return ana


def editor(app) -> TextArea:
    return app.screen.query_one("#body", TextArea)


async def test_ctrl_s_sends_several_lines_and_enter_is_a_new_line(ana):
    app = DesklineApp(ana)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r", *"first", "enter", "enter", *"third")
        await settle(pilot)
        assert isinstance(app.screen, ComposeText)  # enter did not send
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ComposeText)
    assert ana.get("T-1").comments[-1].body == "first\n\nthird"


async def test_escape_asks_before_throwing_away_what_was_typed(ana):
    app = DesklineApp(ana)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"half a thought", "escape")
        await settle(pilot)
        assert isinstance(app.screen, Discard)
        await pilot.press("n")  # no: back to it, the text still there
        await settle(pilot)
        assert isinstance(app.screen, ComposeText)
        assert editor(app).text == "half a thought"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert not isinstance(app.screen, (ComposeText, Discard))
        await pilot.press("n", "escape")  # nothing typed: it just closes
        await settle(pilot)
        assert not isinstance(app.screen, (ComposeText, Discard))
    assert ana.get("T-1").comments == ()


async def test_ctrl_s_on_nothing_warns_and_stays(ana):
    app = DesklineApp(ana)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r", " ", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ComposeText)
        assert any("write something first" in str(n.message) for n in app._notifications)


async def test_ctrl_r_fills_a_macro_in_to_edit_and_sending_sets_its_fields(ana):
    app = DesklineApp(ana)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r", "ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, Choose)
        assert [v for v, _ in app.screen.choices] == ["reset"]  # the reply macros only
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ComposeText)
        assert editor(app).text == "Hello Globex,\nyour password is reset (T-1)."
        assert "also sets status pending, tags +password" in str(
            app.screen.query_one("#macro").render()
        )
        await pilot.press(*" Bye.", "ctrl+s")  # edited before sending
        await settle(pilot)
    t = ana.get("T-1")
    assert t.comments[-1].body == "Hello Globex,\nyour password is reset (T-1). Bye."
    assert t.status == "pending" and "password" in t.tags
    assert [e.kind for e in t.events][-3:] == ["reply", "status", "tags"]


async def test_a_macro_goes_in_below_what_was_typed(ana):
    app = DesklineApp(ana)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"mine", "ctrl+r", "enter")
        await settle(pilot)
        assert editor(app).text == "mine\nlooked at Locked out"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert ana.get("T-1").comments[-1].kind == "note"
