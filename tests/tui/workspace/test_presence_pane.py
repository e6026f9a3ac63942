"""The collision hint in the detail pane: who else has the ticket open or is writing on it;
and my own presence, writing a reply, as the others see it."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import settle
from textual.widgets import Static

from deskline.core.desk.tickets import Desk
from deskline.tui.workspace.app import DesklineApp

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


def hint(app) -> Static:
    return app.screen.query_one("#detail-presence", Static)


async def test_the_detail_says_who_else_is_here_and_they_see_me_writing(desk, store):
    ana = Desk(store, "ana", now=lambda: NOW)
    bo = Desk(store, "bo", now=lambda: NOW)
    ana.create("Printer jam")
    app = DesklineApp(ana)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.detail.key == "T-1"
        assert not hint(app).has_class("here")  # nobody else yet
        assert bo.here("T-1", "reply") == [("ana", "viewing")]
        app.screen.presence.renew()  # what its timer does every few seconds
        await settle(pilot)
        assert hint(app).has_class("here")
        assert str(hint(app).render()) == "also here: bo is writing a reply"
        await pilot.press("r", *"on it")
        await settle(pilot)
        assert bo.here("T-1") == [("ana", "reply")]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert bo.here("T-1") == [("ana", "viewing")]
