"""Snapshots of every workspace screen, on the demo desk with a frozen clock (stable SVGs)."""

from __future__ import annotations

import pytest
from conftest import DEMO_ME, DEMO_NOW, workers_done
from textual.widgets import Input, TextArea

from deskline.core.desk.templates import Template
from deskline.core.desk.tickets import Desk
from deskline.core.sla.defaults import default_rules
from deskline.storage.store import Store
from deskline.tui.workspace.app import DesklineApp
from deskline.tui.workspace.dialogs import QuickCreate

NOW, ME = DEMO_NOW, DEMO_ME


@pytest.fixture
def app(demo_copy) -> DesklineApp:
    desk = Desk(Store.open(str(demo_copy)), ME, now=lambda: NOW, rules=default_rules())
    return DesklineApp(desk)


async def settled(pilot) -> None:
    for _ in range(4):
        await pilot.pause()
        # the detail and the footer follow the selection once the keys rest
        while getattr(pilot.app.screen, "_detail_timer", None) is not None:
            await pilot.pause(0.05)
        await workers_done(pilot.app)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_workspace_at_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled)


def test_workspace_at_160x48(snap_compare, app):
    assert snap_compare(app, terminal_size=(160, 48), run_before=settled)


def test_quick_create_modal(snap_compare, app):
    async def open_modal(pilot) -> None:
        await settled(pilot)
        await pilot.press("ctrl+t", *"Caller: printer on fire")
        await settled(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_modal)


def test_quick_create_with_a_template_fits_80x24_with_its_hint(snap_compare, app):
    templates = (
        Template("bug", title_prefix="[Bug] ", category="Software/Bug", priority="P2"),
        Template("incident", priority="P1"),
    )

    async def pick(pilot) -> None:
        await settled(pilot)
        await pilot.app.push_screen(QuickCreate(customers=["Globex"], templates=templates))
        await settled(pilot)
        await pilot.press("shift+tab", "enter", "down", "enter", "tab", *"Save fails")
        await settled(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=pick)


def test_escalate_form_fits_80x24_with_its_hint(snap_compare, app):
    async def escalate(pilot) -> None:
        await settled(pilot)
        await pilot.press("e", *"VIP down", "enter", *"restarted twice")
        await settled(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=escalate)


def test_help_screen(snap_compare, app):
    async def open_help(pilot) -> None:
        await settled(pilot)
        await pilot.press("question_mark")
        await settled(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_help)


def test_error_toast(snap_compare, app):
    async def refuse(pilot) -> None:
        await settled(pilot)
        await pilot.press("o")  # reopening an open ticket is refused
        await settled(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=refuse)


def test_edit_dialog_fits_80x24(snap_compare, app):
    async def open_edit(pilot) -> None:
        await settled(pilot)
        await pilot.press("E")
        await settled(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_edit)


def test_search_as_you_type_in_chinese(snap_compare, app):
    async def search(pilot) -> None:
        await settled(pilot)
        pilot.app.screen.show_view("all")  # every ticket, closed too
        await settled(pilot)
        await pilot.press("slash", *"退款")
        await settled(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=search)


def test_reply_editor_with_several_lines(snap_compare, app):
    async def write(pilot) -> None:
        await settled(pilot)
        await pilot.press("r", *"Hello,", "enter", "enter", *"we are on it.")
        await settled(pilot)
        for box in pilot.app.screen.query(TextArea):
            box.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=write)


def test_marked_rows_and_the_bulk_menu(snap_compare, app):
    async def mark(pilot) -> None:
        await settled(pilot)
        await pilot.press("space", "j", "V", "B")
        await settled(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=mark)
