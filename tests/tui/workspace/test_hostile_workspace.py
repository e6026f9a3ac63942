"""Hostile text in the workspace: the queue, the detail pane and the toasts draw it as plain
text (controls as escapes, markup as written), never as escape codes or markup."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hostile import CORPUS, leaks
from test_workspace import queue, select, settle

from deskline.core.desk.tickets import Desk
from deskline.tui.workspace.app import DesklineApp

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def ana(desk) -> Desk:
    ana = Desk(desk.store, "ana", now=lambda: NOW)
    for text in CORPUS.values():
        t = ana.create(text, priority="P2", customer=text, description=text, tags=["x"])
        ana.note(t.key, text)
    return ana


def screen_text(app) -> str:
    """What the terminal would show, cell by cell (styles left out)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def test_queue_and_detail_show_the_literal_text(ana):
    app = DesklineApp(ana)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        assert len(queue(app).numbers) == len(CORPUS)
        for number, text in enumerate(CORPUS.values(), start=1):
            await select(pilot, f"T-{number}")
            shown = screen_text(app)
            assert not leaks(shown), (text, [line for line in shown.splitlines() if leaks(line)])
            if text.isprintable():  # markup: as written, in the queue and the detail pane
                assert shown.count(text) >= 3, shown  # queue row, detail title, description
        await select(pilot, "T-9")
        assert "[link=file:///etc/passwd]x[/] link markup" in screen_text(app)
        await select(pilot, "T-1")
        assert "\\x1b[2J\\x1b[H clear" in screen_text(app)


async def test_a_toast_shows_markup_and_controls_as_text(ana):
    app = DesklineApp(ana)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.refused(
            type(screen).Refused("[bold red]x markup", "\x1b]0;pwned\x07 [@click=app.quit]x[/]")
        )
        await pilot.pause()
        await pilot.pause(0.3)
        shown = screen_text(app)
        assert not leaks(shown)
        assert "\\x1b]0;pwned\\x07" in shown and "[@click=app.quit]x[/]" in shown
        assert "[bold red]x markup" in shown
