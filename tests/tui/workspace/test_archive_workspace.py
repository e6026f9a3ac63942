"""An archived ticket in the workspace: out of the open queue, found again with
``is:archived`` typed after ``/``, shown as archived, and a note on it refused with a toast
that writes nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from test_merge import detail_text
from test_workspace import NOW, keys_of, open_app, settle

from deskline.core.desk import archive
from deskline.core.desk.tickets import Desk


async def test_an_archived_ticket_is_found_with_is_archived_shown_so_and_read_only(desk):
    then = Desk(desk.store, "ana", now=lambda: NOW - timedelta(days=100))
    then.create("Printer jams on floor 3", priority="P3")  # T-1
    then.take("T-1")
    then.transition("T-1", "resolved", reason="new roller")
    then.transition("T-1", "closed")
    ana = Desk(desk.store, "ana", now=lambda: NOW)
    ana.create("Printer out of toner", priority="P3")  # T-2
    assert archive.run(ana).archived == 1
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        app.screen.show_view("open")
        await settle(pilot)
        assert keys_of(app) == ["T-2"]
        await pilot.press("slash", *"printer is:archived", "enter")
        await settle(pilot)
        assert keys_of(app) == ["T-1"]
        assert app.screen.detail.key == "T-1"
        shown = " ".join(detail_text(app).split())
        assert "status closed, archived" in shown and "(read-only)" in shown
        await pilot.press("n", *"still jams", "ctrl+s")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert "T-1 is archived; reopen it to change it" in said
    assert [c.kind for c in ana.get("T-1").comments] == []
