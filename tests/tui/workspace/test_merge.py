"""M merges the selected ticket into another, asked for by its key; the detail pane shows
the links of the ticket it carries on in."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from conftest import settle
from rich.console import Console

from deskline.core.desk.tickets import Desk
from deskline.tui.workspace.app import DesklineApp
from deskline.tui.workspace.detail import DetailPane, describe
from deskline.tui.workspace.dialogs import TextEntry

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


def detail_text(app) -> str:
    """What the detail pane shows, as plain text."""
    out = io.StringIO()
    pane = app.screen.query_one(DetailPane)
    Console(file=out, width=80).print(describe(pane.ticket, app.theme_variables))
    return out.getvalue()


async def test_m_merges_into_the_key_typed_and_the_detail_shows_the_link(desk):
    ana = Desk(desk.store, "ana", now=lambda: NOW)
    ana.create("Double payment", priority="P0")  # T-1, first in the queue
    ana.create("Double payment again", priority="P3")
    ana.note("T-1", "first words")
    app = DesklineApp(ana)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.detail.key == "T-1"
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, TextEntry)
        await pilot.press(*"T-1", "enter")  # itself: refused, a toast, nothing written
        await settle(pilot)
        assert any("cannot be merged into itself" in str(n.message) for n in app._notifications)
        assert isinstance(app.screen, TextEntry)  # open again with the key typed: fix it
        await pilot.press("backspace", "2", "enter")
        await settle(pilot)
        assert app.screen.detail.key == "T-2"
        assert "merged from T-1" in detail_text(app)
    assert ana.get("T-1").status == "closed"
    assert [c.body for c in ana.get("T-2").comments][0] == "first words"
