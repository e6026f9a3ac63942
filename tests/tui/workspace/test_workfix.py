"""What a new user found in the workspace (after issue 16): a ticket gone to with ``:``
outside the view, refusals in dialogs, stale edits, keys my role may not use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import settle

from deskline.core.desk.edits import Edit, clashes
from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.core.sla.clocks import ClockReading, ClockState
from deskline.tui.alerts.in_app import title_of
from deskline.tui.workspace.app import DesklineApp
from deskline.tui.workspace.countdown import clock_lines
from deskline.tui.workspace.dialogs import Choose, EscalateForm, TextEntry
from deskline.tui.workspace.edit_form import EditForm
from deskline.tui.workspace.queue import QueueView
from deskline.tui.workspace.wording import raw_states_said

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def ana(desk) -> Desk:
    ana = Desk(desk.store, "ana", now=lambda: NOW)
    ana.create("Printer jam on floor 3", priority="P3", customer="Initech")  # T-1
    ana.create("Site down for everyone", priority="P2", customer="Globex")  # T-2
    ana.create("VPN after update", priority="P2", customer="Globex")  # T-3
    ana.take("T-1")  # mine: My tickets holds T-1 only
    return ana


def queue(app) -> QueueView:
    return app.screen.query_one(QueueView)


def toasts(app) -> list[tuple[str, str]]:
    return [(str(n.title), str(n.message)) for n in app._notifications]


async def go_to(pilot, key: str) -> None:
    await pilot.press("colon", *key, "enter")
    await settle(pilot)
    assert pilot.app.screen.detail.key == key


async def test_my_change_to_a_ticket_gone_to_outside_the_view_shows_and_the_next_is_not_stale(
    ana,
):
    app = DesklineApp(ana)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.screen.view_name == "mine" and queue(app).numbers == [1]
        await go_to(pilot, "T-2")
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, Choose) and "priority P2 →" in app.screen.heading
        await pilot.press("enter")  # P0, the first choice
        await settle(pilot)
        await pilot.press(*"first change", "enter")
        await settle(pilot)
        assert ana.get("T-2").priority == "P0"
        assert app.screen.detail.priority == "P0"
        assert app.screen.detail.version == ana.get("T-2").version
        await pilot.press("p")
        await settle(pilot)
        assert "priority P0 →" in app.screen.heading
        await pilot.press("enter", *"second change", "enter")  # P1
        await settle(pilot)
        assert ana.get("T-2").priority == "P1"
        assert not [t for t in toasts(app) if t[0] == "Stale edit"]
        await pilot.press("n", *"looked at it", "ctrl+s")
        await settle(pilot)
        assert [c.body for c in app.screen.detail.comments][-1] == "looked at it"


async def test_merging_a_ticket_gone_to_shows_the_survivor_outside_the_view(ana):
    app = DesklineApp(ana)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await go_to(pilot, "T-3")
        await pilot.press("M", *"T-2", "enter")
        await settle(pilot)
        assert ana.get("T-3").status == "closed"
        assert app.screen.detail.key == "T-2"
        assert app.screen.detail.version == ana.get("T-2").version


async def test_a_ticket_gone_to_outside_the_view_dims_the_queue_and_j_returns(ana):
    ana.create("Mail slow", priority="P2")  # T-4
    ana.take("T-4")
    app = DesklineApp(ana)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert queue(app).numbers == [1, 4] or queue(app).numbers == [4, 1]
        await go_to(pilot, "T-2")
        assert queue(app).has_class("away")
        assert "showing T-2, not in this view" in str(app.screen.query_one("#view-name").render())
        await pilot.press("s")
        await settle(pilot)
        assert app.screen.heading.startswith("T-2:")  # what the header said the keys act on
        await pilot.press("escape")
        await pilot.press("j")
        await settle(pilot)
        assert not queue(app).has_class("away")
        assert app.screen.detail.number == queue(app).selected_number
        await go_to(pilot, "T-1")  # in the view: the cursor moves there
        assert queue(app).selected_number == 1 and not queue(app).has_class("away")


async def test_an_escalation_refused_opens_the_form_again_with_what_was_typed(ana):
    app = DesklineApp(ana)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        before = ana.get("T-1").version
        await pilot.press("e")
        await settle(pilot)
        for text in ("stuck", "tried", "advice", "nobody"):
            await pilot.press(*text, "enter")
        await settle(pilot)
        assert ana.get("T-1").version == before  # nothing escalated
        assert isinstance(app.screen, EscalateForm)
        typed = {f: app.screen.query_one(f"#{f}").value for f in ("reason", "to")}
        assert typed == {"reason": "stuck", "to": "nobody"}
        assert app.screen.focused.id == "to"
        titles = [t for t, m in toasts(app) if "no agent 'nobody'" in m]
        assert titles == ["escalate refused"]
        app.screen.query_one("#to").value = ""
        await pilot.press("enter")  # the next role up
        await settle(pilot)
        assert not isinstance(app.screen, EscalateForm)
        assert ana.get("T-1").version > before


async def test_a_merge_into_itself_keeps_the_dialog_with_the_key_typed(ana):
    app = DesklineApp(ana)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("M", *"T-1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TextEntry)
        assert app.screen.query_one("#entry").value == "T-1"
        assert [t for t, m in toasts(app) if "into itself" in m] == ["merge refused"]


async def test_an_edit_made_stale_by_a_change_to_other_fields_goes_on_top(ana, store):
    app = DesklineApp(ana)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, EditForm)
        await pilot.press(*" (again)")
        Desk(store, "bo", now=lambda: NOW).edit("T-1", Edit(tags=("+amy",)))  # meanwhile
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, EditForm)
        now = ana.get("T-1")
        assert (now.title, now.tags) == ("Printer jam on floor 3 (again)", ("amy",))
        assert not [t for t, _ in toasts(app) if t == "Stale edit"]


async def test_an_edit_of_a_field_changed_meanwhile_comes_back_with_what_i_typed(ana, store):
    app = DesklineApp(ana)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        await pilot.press(*" (again)")
        Desk(store, "bo", now=lambda: NOW).edit("T-1", Edit(title="Printer jam, floor 3"))
        await pilot.press("enter")
        await settle(pilot)
        assert [t for t, _ in toasts(app) if t == "Stale edit"] == ["Stale edit"]
        assert isinstance(app.screen, EditForm)
        form = app.screen
        assert form.query_one("#edit-title").value == "Printer jam on floor 3 (again)"
        said = str(form.query_one(".changed").render())
        assert "changed meanwhile by someone else: title" in said
        assert ana.get("T-1").title == "Printer jam, floor 3"
        await pilot.press("enter")  # mine, knowingly, over theirs
        await settle(pilot)
        assert ana.get("T-1").title == "Printer jam on floor 3 (again)"


def test_an_edit_clashes_only_on_a_field_both_changed(ana, store):
    seen = ana.get("T-1")
    Desk(store, "bo", now=lambda: NOW).edit("T-1", Edit(tags=("+amy",)))
    now = ana.get("T-1")
    assert clashes(Edit(title="New title"), seen, now) == ()
    assert clashes(Edit(tags=("+vip",)), seen, now) == ()  # another tag: both kept
    assert clashes(Edit(tags=("-amy",)), seen, now) == ("tags",)
    assert clashes(Edit(title="x", channel="email"), seen, ana.get("T-1")) == ()


async def test_a_key_my_role_may_not_use_here_says_why(desk, store):
    Roster(store).add("dee", team="Billing")
    dee = Desk(store, "dee", now=lambda: NOW)
    dee.create("Invoice wrong", priority="P1")  # T-1, Billing's, nobody holds it
    Desk(store, "ana", now=lambda: NOW).create("Printer jam", priority="P2")  # T-2
    app = DesklineApp(Desk(store, "bo", now=lambda: NOW))  # an agent of Service Desk
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = queue(app)
        view.cursor = view.numbers.index(1)
        await settle(pilot)
        assert app.screen.detail.key == "T-1" and app.screen.detail.team == "Billing"
        for key in ("t", "s", "a"):
            await pilot.press(key)
            await settle(pilot)
            assert type(app.screen).__name__ == "WorkspaceScreen"  # no dialog opened
        said = [(t, m) for t, m in toasts(app) if t == "not yours to do"]
        assert len(said) == 3, toasts(app)
        assert all("Billing" in m and "you (bo) are agent" in m for _, m in said), said
    assert dee.get("T-1").version == 1


def test_an_overdue_clock_says_over_without_a_minus():
    reading = ClockReading(NOW - timedelta(seconds=569), ClockState.BREACHED, -569, 110.0, False)
    first = clock_lines("resolution", reading, NOW, {})[0].plain
    assert "0:09:29 over" in first and "-0:09:29" not in first


def test_a_reminder_toast_is_not_titled_twice():
    assert title_of(0) == "Reminder"
    assert title_of(2) == "Alert · level 2"


def test_a_raw_state_name_is_said_as_the_workspace_shows_it():
    said = raw_states_said("T-263 is already yours and in_progress")
    assert said == "T-263 is already yours and in progress"


async def test_take_refused_says_the_status_word_and_is_titled_refused(ana):
    app = DesklineApp(ana)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("t")  # T-1 is mine and in progress already
        await settle(pilot)
        assert ("take refused", "T-1 is already yours and in progress") in toasts(app)


async def test_no_match_in_the_assign_dialog_is_titled_as_the_dialog(ana):
    app = DesklineApp(ana)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"ghost", "enter")
        await settle(pilot)
        assert ("Assign T-1 to", "no match for 'ghost'") in toasts(app)


async def test_another_view_starts_on_its_first_row(ana):
    app = DesklineApp(ana)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.screen.show_view("open")
        await settle(pilot)
        await pilot.press("G")  # the last of three
        await settle(pilot)
        assert queue(app).cursor == 2
        await pilot.press("v")
        await settle(pilot)
        app.screen.dismiss("unassigned")
        await settle(pilot)
        assert app.screen.view_name == "unassigned" and len(queue(app).numbers) == 2
        assert queue(app).cursor == 0
        assert app.screen.detail.number == queue(app).numbers[0]
