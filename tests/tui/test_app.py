"""The app as it stands: a live read-only queue that opens, moves and quits from the keyboard."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import DataTable

from core.desk import Desk
from tui.app import DesklineApp

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


async def test_queue_shows_open_tickets_most_urgent_first_and_keys_work(desk):
    ana = Desk(desk.store, "ana", now=lambda: NOW)
    ana.create("Printer jam", priority="P3")
    ana.create("Site down", priority="P0", customer="Globex", vip=True)
    done = ana.create("Old question").key
    ana.take(done)
    ana.transition(done, "resolved", reason="answered")
    app = DesklineApp(ana)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.query_one("#queue", DataTable)
        assert table.row_count == 2
        assert [table.get_row_at(i)[1] for i in range(2)] == ["T-2", "T-1"]
        assert "Globex ★" in table.get_row_at(0)
        assert "2 open" in app.sub_title
        await pilot.press("j")
        assert table.cursor_row == 1
        await pilot.press("k")
        assert table.cursor_row == 0
        ana.create("Another", priority="P1")
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.row_count == 3
        await pilot.press("q")
    assert app.return_code == 0
