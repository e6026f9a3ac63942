"""Bulk work in the workspace: space and V mark tickets (shown in their rows), B acts on all
of them, each its own change; what core refused is listed with its reason and stays marked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import settle

from deskline.core.desk.tickets import Desk
from deskline.tui.workspace.app import DesklineApp
from deskline.tui.workspace.bulk import BulkReport
from deskline.tui.workspace.dialogs import Choose, TextEntry
from deskline.tui.workspace.queue import QueueView

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def ana(desk) -> Desk:
    ana = Desk(desk.store, "ana", now=lambda: NOW)
    for title, priority in (("Down", "P0"), ("VPN", "P1"), ("Printer", "P2"), ("Mouse", "P3")):
        ana.create(title, priority=priority)
    return ana


def queue(app) -> QueueView:
    return app.screen.query_one(QueueView)


def row(app, index: int) -> str:
    return queue(app).render_line(index).text


async def test_space_and_v_mark_rows_and_the_header_counts_them(ana):
    app = DesklineApp(ana)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert queue(app).numbers == [1, 2, 3, 4]
        assert "✓" not in row(app, 0)  # no mark column while nothing is marked
        await pilot.press("space")  # T-1 marked, the cursor moves on
        await settle(pilot)
        assert queue(app).marked == {1} and queue(app).cursor == 1
        assert "✓ T-1" in row(app, 0) and "✓" not in row(app, 1)
        await pilot.press("j", "j", "V")  # from T-1 to T-4
        await settle(pilot)
        assert queue(app).marked == {1, 2, 3, 4}
        assert "4 marked" in str(app.screen.query_one("#view-name").render())
        await pilot.press("k", "space")  # T-3 unmarked
        await settle(pilot)
        assert queue(app).marked == {1, 2, 4}


async def test_b_applies_to_every_marked_ticket_and_lists_the_refused(ana):
    app = DesklineApp(ana)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "space")  # T-1, T-2, T-3
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, Choose)
        await pilot.press("down", "down", "enter")  # change priority
        await settle(pilot)
        await pilot.press("enter")  # P0
        await settle(pilot)
        assert isinstance(app.screen, TextEntry)  # and why
        await pilot.press(*"outage", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BulkReport)
        refused = [(o.key, o.refused) for o in app.screen.report.refused]
        assert refused == [("T-1", "T-1 is already P0")]
        await pilot.press("escape")
        await settle(pilot)
        assert queue(app).marked == {1}  # the refused stay marked
    assert [ana.get(k).priority for k in ("T-1", "T-2", "T-3", "T-4")] == ["P0", "P0", "P0", "P3"]
    assert ana.get("T-2").events[-1].reason == "outage"


async def test_bulk_tags_and_clear(ana):
    app = DesklineApp(ana)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "B")
        await settle(pilot)
        await pilot.press("down", "down", "down", "enter", *"+seen -x", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, BulkReport)
        assert queue(app).marked == set()
        assert any("tags +seen -x: 2 of 2" in str(n.message) for n in app._notifications)
        await pilot.press("B")  # nothing marked: it says how to mark
        await settle(pilot)
        assert not isinstance(app.screen, Choose)
    assert ana.get("T-1").tags == ("seen",) and ana.get("T-3").tags == ()
