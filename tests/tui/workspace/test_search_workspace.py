"""The workspace's edit dialog, search as you type, and saved views, driven by their keys
and checked against the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from test_workspace import NOW, keys_of, open_app, select, settle
from textual.widgets import Input, Static, TextArea

from deskline.core.desk import saved_views
from deskline.core.desk.edits import Edit
from deskline.core.desk.tickets import Desk
from deskline.tui.workspace.dialogs import Choose, TextEntry
from deskline.tui.workspace.edit_form import EditForm


@pytest.fixture
def ana(desk) -> Desk:
    ana = Desk(desk.store, "ana", now=lambda: NOW)
    ana.create("Printer jam on floor 3", priority="P3", customer="Initech", tags=["printer"])
    ana.create("Site down for everyone", priority="P0", customer="Globex", vip=True)
    ana.create("VPN 连不上 after update", priority="P1", customer="蓝鲸游戏")
    ana.note("T-1", "客户要求退款")
    return ana


async def in_open_view(pilot, key: str) -> None:
    """The workspace settled on All open, with ``key`` selected."""
    await settle(pilot)
    pilot.app.screen.show_view("open")
    await settle(pilot)
    await select(pilot, key)


def header(app) -> str:
    return str(app.screen.query_one("#view-name", Static).render())


async def test_E_edits_the_selected_ticket_and_sends_only_what_changed(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await in_open_view(pilot, "T-1")
        await pilot.press("E")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EditForm)
        assert form.query_one("#edit-title", Input).value == "Printer jam on floor 3"
        await pilot.press(*" again", "tab", "tab", "tab", *", 急", "enter")
        await settle(pilot)
    ticket = ana.get("T-1")
    assert ticket.title == "Printer jam on floor 3 again" and ticket.tags == ("printer", "急")
    edited = ticket.events[-1]
    assert edited.kind == "edited" and set(edited.new) == {"title", "tags"}


async def test_E_edits_the_description_on_several_lines_and_ctrl_s_saves(ana):
    ana.edit("T-1", Edit(description="Paper jams\n\ton tray 2"))
    app, running = await open_app(ana)
    async with running as pilot:
        await in_open_view(pilot, "T-1")
        await pilot.press("E", "tab")
        await settle(pilot)
        text = app.screen.query_one("#edit-description", TextArea)
        assert app.focused is text and text.text == "Paper jams\n\ton tray 2"
        text.move_cursor(text.document.end)
        await pilot.press("enter", *"since Monday", "enter")  # enter: a new line, no save
        await settle(pilot)
        assert isinstance(app.screen, EditForm)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, EditForm)
    ticket = ana.get("T-1")
    assert ticket.description == "Paper jams\n\ton tray 2\nsince Monday"
    assert set(ticket.events[-1].new) == {"description"}


async def test_a_hostile_description_is_inert_in_the_editor_and_kept_when_untouched(ana):
    ana.edit("T-1", Edit(description="see \x1b[2J\u202eevil\nline two"))
    app, running = await open_app(ana)
    async with running as pilot:
        await in_open_view(pilot, "T-1")
        await pilot.press("E")
        await settle(pilot)
        shown = app.screen.query_one("#edit-description", TextArea).text
        assert shown == "see \\x1b[2J\\u202eevil\nline two"
        await pilot.press(*" again", "enter")  # the title only
        await settle(pilot)
    ticket = ana.get("T-1")
    assert ticket.description == "see \x1b[2J\u202eevil\nline two"
    assert set(ticket.events[-1].new) == {"title"}


async def test_an_edit_to_an_unknown_customer_is_a_toast_and_writes_nothing(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await in_open_view(pilot, "T-2")
        version = ana.get("T-2").version
        await pilot.press("E", "tab", "tab", "tab", "tab", "ctrl+u", *"Nobody Inc", "enter")
        await settle(pilot)
        assert any("no customer 'Nobody Inc'" in str(n.message) for n in app._notifications)
    assert ana.get("T-2").version == version


async def test_slash_searches_comments_and_chinese_within_the_view(ana):
    ana.take("T-1")
    ana.transition("T-1", "resolved", reason="refunded")
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        app.screen.show_view("open")
        await settle(pilot)
        await pilot.press("slash", *"退款")  # a comment of a resolved ticket: not open
        await settle(pilot)
        assert keys_of(app) == []
        await pilot.press(*" status:resolved")  # a status typed replaces the view's
        await settle(pilot)
        assert keys_of(app) == ["T-1"]
        await pilot.press("ctrl+u", *"连不上")
        await settle(pilot)
        assert keys_of(app) == ["T-3"]
        await pilot.press(*" status:nope")
        await settle(pilot)
        assert "unknown status 'nope'" in header(app) and keys_of(app) == ["T-3"]


async def test_v_shows_my_saved_views_and_the_palette_saves_one(ana):
    saved_views.save(ana, "vpn", "vpn", sort="newest")
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, Choose)
        assert ("mine:vpn", "vpn") in dialog.choices
        await pilot.press("end", "enter")
        await settle(pilot)
        assert app.screen.view_name == "mine:vpn" and keys_of(app) == ["T-3"]
        app.screen.show_view("all")
        await settle(pilot)
        await pilot.press("slash", *"site", "enter")
        await settle(pilot)
        app.screen.action_save_view()
        await settle(pilot)
        assert isinstance(app.screen, TextEntry)
        await pilot.press(*"sites", "enter")
        await settle(pilot)
    mine = {v.name: v.query for v in saved_views.views(ana)}
    assert mine == {"vpn": "vpn", "sites": "site"}


async def test_a_view_saved_from_a_queue_keeps_the_order_it_was_shown_in(ana):
    # All open searched shows its matches most urgent first: saved, the view keeps that
    # order (it was saved by relevance, and the urgent ticket fell below a better match)
    ana.create("Printer offline, printer printer", priority="P3", customer="Initech")
    ana.create("Printer smoking", priority="P0", customer="Globex")
    app, running = await open_app(ana)
    async with running as pilot:
        await in_open_view(pilot, "T-1")
        await pilot.press("slash", *"printer", "enter")
        await settle(pilot)
        shown = keys_of(app)
        assert shown[0] == "T-5"  # the P0 first, as the queue orders
        app.screen.action_save_view()
        await settle(pilot)
        await pilot.press(*"printers", "enter")
        await settle(pilot)
        app.screen.show_view("mine:printers")
        await settle(pilot)
        assert keys_of(app) == shown
    saved = {v.name: v for v in saved_views.views(ana)}["printers"]
    assert saved.query == "is:open printer" and saved.sort == "due"
