"""The workspace driven by its keys, each checked against the store."""

from __future__ import annotations

import gc
import io
import weakref
from datetime import UTC, datetime, timedelta

import pytest
from conftest import workers_done
from rich.console import Console
from textual import events
from textual.widgets import Input, Select

from deskline.core.desk.queue import Queue, QueueCounts
from deskline.core.desk.templates import Template
from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.core.roster.customers import Customers
from deskline.core.sla.clocks import ClockState
from deskline.tui.help import HelpScreen
from deskline.tui.keys import REMAPPABLE
from deskline.tui.workspace.app import DesklineApp
from deskline.tui.workspace.compose import ComposeText
from deskline.tui.workspace.countdown import CountdownPane
from deskline.tui.workspace.detail import DetailPane
from deskline.tui.workspace.dialogs import Choose, EscalateForm, QuickCreate, TextEntry
from deskline.tui.workspace.queue import QueueView
from deskline.tui.workspace.screen import (
    DETAIL_DELAY,
    FULL_PASS_SECONDS,
    QUIET_SECONDS,
    WorkspaceScreen,
)

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def ana(desk) -> Desk:
    ana = Desk(desk.store, "ana", now=lambda: NOW)
    ana.create("Printer jam on floor 3", priority="P3", customer="Initech", tags=["printer"])
    ana.create("Site down for everyone", priority="P0", customer="Globex", vip=True)
    ana.create("VPN 连不上 after update", priority="P1", customer="蓝鲸游戏")
    return ana


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        # the detail follows a fast-moving cursor once the keys rest
        while getattr(pilot.app.screen, "_detail_timer", None) is not None:
            await pilot.pause(DETAIL_DELAY / 2)
        await workers_done(pilot.app)
    await pilot.pause()


def queue(app) -> QueueView:
    return app.screen.query_one(QueueView)


def keys_of(app) -> list[str]:
    return [f"T-{n}" for n in queue(app).numbers]


async def open_app(ana, size=(100, 30)):
    app = DesklineApp(ana)
    return app, app.run_test(size=size)


async def select(pilot, key: str) -> None:
    view = queue(pilot.app)
    view.cursor = view.numbers.index(int(key[2:]))
    await settle(pilot)
    assert pilot.app.screen.detail.key == key


async def test_opens_on_all_open_when_i_hold_nothing_sorted_by_urgency(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WorkspaceScreen)
        assert app.screen.view_name == "open"
        assert keys_of(app) == ["T-2", "T-3", "T-1"]
        assert app.screen.detail.key == "T-2"


async def test_j_and_k_move_the_selection_and_the_detail_follows(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert app.screen.detail.key == "T-3"
        await pilot.press("down", "k")
        await settle(pilot)
        assert app.screen.detail.key == "T-3"


async def test_t_takes_the_selected_ticket(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
    t = ana.get("T-2")
    assert (t.assignee, t.status) == ("ana", "in_progress")


async def test_a_assigns_with_completion_over_agents(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, Choose)
        await pilot.press("b", "o", "enter")
        await settle(pilot)
    assert ana.get("T-2").assignee == "bo"


async def test_s_offers_only_legal_next_statuses(ana):
    ana.take("T-2")
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await select(pilot, "T-2")
        await pilot.press("s")
        await settle(pilot)
        offered = [app.screen.choices[i][0] for i in range(len(app.screen.choices))]
        assert offered == ["pending", "resolved", "assigned"]
        assert app.screen.heading == "T-2: in progress →"  # words, as beside it
        await pilot.press("enter")  # pending
        await settle(pilot)
    assert ana.get("T-2").status == "pending"


async def test_s_resolved_asks_for_the_solution(ana):
    ana.take("T-2")
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await select(pilot, "T-2")
        await pilot.press("s", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TextEntry)
        await pilot.press(*"restarted the pool", "enter")
        await settle(pilot)
    t = ana.get("T-2")
    assert t.status == "resolved" and t.events[-1].reason == "restarted the pool"


async def test_p_changes_priority(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await select(pilot, "T-1")
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("enter")  # the first other priority: P0
        await settle(pilot)
        assert isinstance(app.screen, TextEntry)  # and why
        assert app.screen.heading == "T-1: priority P3 → P0, because"
        await pilot.press(*"whole floor affected", "enter")
        await settle(pilot)
    t = ana.get("T-1")
    assert t.priority == "P0" and t.events[-1].reason == "whole floor affected"


@pytest.mark.parametrize(("key", "kind"), [("r", "reply"), ("n", "note")])
async def test_r_replies_and_n_notes(ana, key, kind):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, ComposeText)
        await pilot.press(*"we are on it", "enter", *"second line", "ctrl+s")
        await settle(pilot)
    comment = ana.get("T-2").comments[-1]
    assert (comment.kind, comment.body) == (kind, "we are on it\nsecond line")


async def test_e_escalates_with_all_three_answers(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, EscalateForm)
        await pilot.press(*"VIP down", "enter", *"restarted", "enter", *"DBA", "enter")
        await settle(pilot)
        assert isinstance(app.screen, EscalateForm)  # whom to tell: empty is the next role up
        await pilot.press("enter")
        await settle(pilot)
    t = ana.get("T-2")
    assert t.escalation_level == 1 and t.events[-1].new["help_needed"] == "DBA"
    assert t.escalated_to == "role:director"  # ana is a supervisor


def paste_and_enter(app, *texts: str) -> None:
    """Each text pasted, then enter, all at once: as a terminal sends a paste and a key."""
    for text in texts:
        if text:
            app.post_message(events.Paste(text))
        app.post_message(events.Key("enter", None))


async def test_e_keeps_each_answer_in_its_field_when_pastes_and_enters_come_at_once(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EscalateForm)
        paste_and_enter(app, "VIP down\nsince 9", "restarted twice", "DBA", "bo")
        await settle(pilot)
        assert not isinstance(app.screen, EscalateForm)
    t = ana.get("T-2")
    last = t.events[-1]
    assert last.reason == "VIP down since 9"  # a pasted line break stays in its field
    assert (last.new["progress"], last.new["help_needed"]) == ("restarted twice", "DBA")
    assert t.escalated_to == "bo"


async def test_e_an_empty_answer_is_asked_for_when_saving(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        paste_and_enter(app, "VIP down", "", "DBA", "")  # progress left empty
        await settle(pilot)
        assert app.screen is form and app.focused is form.query_one("#progress", Input)
        assert any("all three are needed" in str(n.message) for n in app._notifications)
        paste_and_enter(app, "restarted", "", "")  # enter moves on; the last one saves
        await settle(pilot)
        assert app.screen is not form
    last = ana.get("T-2").events[-1]
    assert (last.reason, last.new["progress"], last.new["help_needed"]) == (
        "VIP down",
        "restarted",
        "DBA",
    )


async def test_e_escalates_to_the_target_typed(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press(*"VIP down", "enter", *"restarted", "enter", *"DBA", "enter")
        await pilot.press(*"bo", "enter")
        await settle(pilot)
    assert ana.get("T-2").escalated_to == "bo"


async def test_o_reopens(ana):
    ana.take("T-1")
    ana.transition("T-1", "resolved", reason="fixed")
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        app.screen.view_name = "open"
        app.screen.detail = ana.get("T-1")  # a resolved ticket is not in an open view
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, TextEntry)  # why, first: the timeline says it
        assert app.screen.heading == "Reopen T-1 (resolved), because"
        await pilot.press(*"the fix did not hold", "enter")
        await settle(pilot)
    assert ana.get("T-1").status == "in_progress"
    assert ana.get("T-1").events[-1].reason == "the fix did not hold"


async def test_slash_filters_as_you_type_and_escape_clears(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("slash", *"globex")
        await settle(pilot)
        assert keys_of(app) == ["T-2"]
        await pilot.press("ctrl+u", *"printer")  # a tag and a title word
        await settle(pilot)
        assert keys_of(app) == ["T-1"]
        await pilot.press("escape")
        await settle(pilot)
        assert keys_of(app) == ["T-2", "T-3", "T-1"]


async def test_v_switches_saved_views(ana):
    ana.assign("T-3", "ana")
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        assert app.screen.view_name == "mine" and keys_of(app) == ["T-3"]
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # unassigned
        await settle(pilot)
        assert app.screen.view_name == "unassigned" and keys_of(app) == ["T-2", "T-1"]


async def test_the_detail_scrolls_with_j_k_and_starts_at_the_top_of_each_ticket(ana):
    long = "\n".join(f"line {n} of what the customer wrote" for n in range(80))
    ana.create("A very long story", priority="P0", description=long)  # T-4, first in queue
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await select(pilot, "T-4")
        pane = app.screen.query_one(DetailPane)
        await pilot.press("enter", *"jjjjjjjjjj")  # focus the detail, read on
        await settle(pilot)
        assert pane.has_focus and pane.scroll_y >= 5
        await pilot.press("k")
        await settle(pilot)
        assert pane.scroll_y >= 4
        await pilot.press("escape", "j")  # back to the queue: the next ticket
        await settle(pilot)
        assert app.screen.detail.key != "T-4" and pane.scroll_y == 0


def pane_text(pane) -> str:
    console = Console(width=60, record=True, file=io.StringIO())
    console.print(pane.content)
    return console.export_text()


async def test_a_business_time_clock_before_opening_is_marked_as_waiting(ana):
    # 08:00 UTC on a Thursday: the business calendar (P2/P3) opens at 09:00
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        view = queue(app)
        assert "☾" in view._clock[1].plain  # T-1, P3: its time left waits for the opening
        assert "☾" not in view._clock[2].plain  # T-2, P0: 24x7, running
        await select(pilot, "T-1")
        pane = app.screen.query_one(CountdownPane)
        await settle(pilot)
        assert "closed until 09:00: business time waits" in pane_text(pane)
        await select(pilot, "T-2")
        await settle(pilot)
        assert "closed until" not in pane_text(pane)


async def test_business_time_is_marked_and_the_queue_is_in_real_due_order(desk):
    # Thursday 17:30 UTC: the business calendar (P2, P3) is open until 18:00
    at = NOW.replace(hour=17, minute=30)
    ana = Desk(desk.store, "ana", now=lambda: at)
    ana.create("Printer offline", priority="P2")  # 1 h business time: due Friday 09:30
    ana.create("Mail slow", priority="P1")  # 24x7
    ana.reply("T-2", "looking")  # its resolution leads: 4 h, due 21:30 today
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        view = queue(app)
        cells = {n: view._clock[n].plain.strip() for n in (1, 2)}
        assert cells == {1: "● 1:00:00☀", 2: "● 4:00:00"}
        assert keys_of(app) == ["T-2", "T-1"]  # 21:30 today before Friday 09:30
        await select(pilot, "T-1")
        shown = pane_text(app.screen.query_one(CountdownPane))
        assert "1:00:00☀ left" in shown and "business time: it counts in business hours" in shown
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        legend = dict(app.screen.legend)
        assert "counts in business hours only" in legend["1:45:10☀"]
        assert "waits" in legend["1:00:00☾"]


async def test_a_ticket_gone_to_stays_in_the_detail_while_others_change(ana, store):
    ana.take("T-1")
    ana.transition("T-1", "resolved", reason="fixed")  # in no open view
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("colon", *"T-1", "enter")
        await settle(pilot)
        assert app.screen.detail.key == "T-1"
        under = queue(app).selected_number
        bo = Desk(store, "bo", now=lambda: NOW)
        bo.note(f"T-{under}", "ping")  # the row under the cursor changes elsewhere
        bo.note("T-1", "reopened soon?")  # and the ticket gone to
        for _ in range(4):
            await pilot.pause(0.3)
            await settle(pilot)
        assert app.screen.detail.key == "T-1"
        assert [c.body for c in app.screen.detail.comments][-1] == "reopened soon?"
        await pilot.press("j")  # moving on: the detail follows the cursor again
        await settle(pilot)
        assert app.screen.detail.number == queue(app).selected_number != 1


async def test_resolving_keeps_my_view_and_my_filter(ana):
    for key in ("T-1", "T-2", "T-3"):
        ana.take(key)
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        assert app.screen.view_name == "mine"
        await pilot.press("slash", "d")  # Site down, VPN ... update: two of mine
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert keys_of(app) == ["T-2", "T-3"]
        await select(pilot, "T-2")
        await pilot.press("s", "down", "enter", *"restarted it", "enter")
        await settle(pilot)
        assert ana.get("T-2").status == "resolved"
        assert (app.screen.view_name, app.screen.filter_text) == ("mine", "d")
        assert keys_of(app) == ["T-3"] and app.screen.detail.key == "T-3"


async def test_ctrl_t_creates_and_selects_the_new_ticket(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, QuickCreate)
        await pilot.press(*"Caller cannot print", "enter")
        await settle(pilot)
        assert app.screen.detail.key == "T-4"
    assert ana.get("T-4").title == "Caller cannot print"


async def test_quick_create_completes_a_half_typed_customer_instead_of_a_new_one(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, QuickCreate)
        await pilot.press(*"Invoice is wrong")
        dialog.query_one("#customer", Input).focus()
        await pilot.press(*"glo", "enter")  # the field suggests Globex
        await settle(pilot)
        assert app.screen is dialog and dialog.query_one("#customer", Input).value == "Globex"
        assert any("customer completed to Globex" in n.message for n in app._notifications)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, QuickCreate)
    assert ana.get("T-4").customer == "Globex"
    assert sorted(c.name for c in Customers(ana.store).list()) == ["Globex", "Initech", "蓝鲸游戏"]


async def test_a_template_needing_a_field_says_so_in_words_and_goes_there(ana):
    templates = (Template("incident", required=("customer",)),)
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        dialog = QuickCreate(customers=["Globex"], templates=templates)
        await app.push_screen(dialog)
        await settle(pilot)
        dialog.query_one("#template", Select).value = "incident"
        await settle(pilot)
        dialog.query_one("#title", Input).focus()
        await pilot.press(*"Checkout down", "enter")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert "template 'incident' needs customer: fill them in" in said
        assert not any("--customer" in m for m in said)
        assert app.focused is dialog.query_one("#customer", Input)


async def test_tab_after_picking_a_template_goes_to_the_title(ana):
    templates = (Template("bug", title_prefix="[Bug] ", category="Software/Bug"),)
    app, running = await open_app(ana, size=(80, 24))
    async with running as pilot:
        await settle(pilot)
        app.templates = lambda: templates  # as the desk's policy would have them
        await pilot.press("ctrl+t")
        await settle(pilot)
        dialog = app.screen
        await pilot.press("shift+tab")  # from the title up to the template picker
        assert app.focused is dialog.query_one("#template", Select)
        await pilot.press("enter", "down", "enter")  # open it, pick "bug"
        await settle(pilot)
        await pilot.press("tab", *"Save fails")
        await settle(pilot)
        assert dialog.query_one("#title", Input).value == "[Bug] Save fails"
        await pilot.press("enter")
        await settle(pilot)
    t = ana.get("T-4")
    assert (t.title, t.category) == ("[Bug] Save fails", "Software/Bug")


async def test_enter_focuses_detail_and_escape_returns(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("enter")
        assert app.focused is app.screen.query_one(DetailPane)
        await pilot.press("escape")
        assert app.focused is queue(app)


async def test_question_mark_shows_every_key(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        described = {d for _, d in app.screen.keys}
        assert set(REMAPPABLE.values()) <= described  # every key of the workspace
        assert ("t", "take") in app.screen.keys
        await pilot.press("escape")
        assert isinstance(app.screen, WorkspaceScreen)


async def test_q_quits(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("q")
    assert app.return_code == 0


class _Cycle:
    """Garbage only the collector can free: it refers to itself."""

    def __init__(self) -> None:
        self.me = self


async def test_what_is_set_aside_from_the_collector_is_not_garbage_kept_for_days(ana):
    """The workspace keeps long-lived objects out of the collector's full passes (quick keys
    at a million tickets); garbage must not be kept with them for the life of the app."""
    app, running = await open_app(ana)
    try:
        async with running as pilot:
            await settle(pilot)
            screen = app.screen
            dropped = _Cycle()
            gone = weakref.ref(dropped)
            del dropped
            screen.set_aside()
            assert gone() is None  # collected first, not set aside with what lives
            kept = _Cycle()
            later = weakref.ref(kept)
            screen.set_aside()  # alive now: set aside
            del kept
            screen.set_aside()
            assert later() is not None  # the short passes do not look at what was set aside
            await pilot.press("j")
            await settle(pilot)
            screen._full_pass_at -= FULL_PASS_SECONDS  # an hour is up, but the cursor moved
            screen.set_aside()
            assert later() is not None
            screen._moved_at -= QUIET_SECONDS  # and now it rests: everything is looked at
            screen.set_aside()
            assert later() is None
    finally:
        gc.unfreeze()


async def test_illegal_action_is_a_toast_and_changes_nothing(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("o")  # reopen an open ticket
        await settle(pilot)
        assert any("cannot reopen T-2" in n.message for n in app._notifications)
    assert ana.get("T-2").version == 1


async def test_a_comment_never_conflicts_with_another_comment(ana, store):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await select(pilot, "T-2")
        Desk(store, "bo", now=lambda: NOW).note("T-2", "bo was here")  # behind the app's back
        await pilot.press("r", *"my answer", "ctrl+s")
        await settle(pilot)
        assert not any("changed by someone else" in n.message for n in app._notifications)
        assert not isinstance(app.screen, ComposeText)
    bodies = [c.body for c in ana.get("T-2").comments]
    assert bodies == ["bo was here", "my answer"]


async def test_stale_edit_reloads_and_keeps_what_was_typed(ana, store):
    ana.take("T-2")
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await select(pilot, "T-2")
        Desk(store, "bo", now=lambda: NOW).change_priority("T-2", "P1")  # a field, behind
        await pilot.press("s", "down", "enter", *"half a solution", "enter")
        await settle(pilot)
        assert any("changed by someone else" in n.message for n in app._notifications)
        assert isinstance(app.screen, TextEntry)
        assert app.screen.query_one(Input).value == "half a solution"
        await pilot.press("enter")  # again, on the reloaded ticket
        await settle(pilot)
    t = ana.get("T-2")
    assert t.status == "resolved" and t.events[-1].reason == "half a solution"


async def test_changes_from_another_process_show_within_two_seconds(ana, db_url):
    import asyncio
    import time

    from deskline.storage.store import Store

    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("j")  # select T-3; it must stay selected
        await settle(pilot)
        other = Desk(Store.open(db_url), "bo", now=lambda: NOW)  # a second engine
        started = time.monotonic()
        other.create("Checkout down again", priority="P0", customer="Globex")
        other.change_priority("T-1", "P0")
        while time.monotonic() - started < 2.0:
            await asyncio.sleep(0.1)
            if "T-4" in keys_of(app) and queue(app).tickets.get(1, None) is not None:
                if queue(app).tickets[1].priority == "P0":
                    break
        assert "T-4" in keys_of(app) and queue(app).tickets[1].priority == "P0"
        assert time.monotonic() - started < 2.0
        assert app.screen.detail.key == "T-3"
        other.store.close()


async def test_ctrl_t_leaves_the_priority_to_triage_unless_chosen(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t", *"Checkout down for everyone", "enter")
        await settle(pilot)
    assert ana.get("T-4").priority == "P0"  # "down" and "everyone": triage's suggestion


async def test_keys_act_on_the_ticket_under_the_cursor_before_its_detail_arrives(ana):
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "t")  # moving fast: the detail waits, the keys do not
        await settle(pilot)
        assert app.screen.detail.key == "T-1"
    assert ana.get("T-1").assignee == "ana"
    assert ana.get("T-3").assignee is None


def _oracle(desk: Desk) -> tuple[list[int], QueueCounts, set[int], set[int]]:
    """The queue as every ticket's own clocks read it: order, counts, breached, at risk."""
    tickets = desk.list()  # every open ticket, ordered by the due-time expression
    state = {t.number: t.sla.most_urgent()[1].state for t in tickets if t.sla}
    breached = {n for n, s in state.items() if s == ClockState.BREACHED}
    at_risk = {n for n, s in state.items() if s == ClockState.AT_RISK}
    counts = QueueCounts(len(tickets), len(at_risk), len(breached))
    return [t.number for t in tickets], counts, breached, at_risk


def test_queue_order_and_counts_from_stored_instants_match_the_clocks(desk):
    clock = {"now": NOW}
    ana = Desk(desk.store, "ana", now=lambda: clock["now"])
    for title, priority in [("a", "P3"), ("b", "P0"), ("c", "P1"), ("d", "P2"), ("e", "P0")]:
        ana.create(title, priority=priority)
    ana.create("f", priority="P1")
    ana.take("T-2")
    ana.reply("T-2", "looking")  # first response given: the resolution clock leads
    ana.take("T-3")
    ana.transition("T-3", "pending")  # paused, its first response still running
    ana.take("T-4")
    ana.reply("T-4", "on it")
    ana.transition("T-4", "pending")  # paused, no clock running
    ana.take("T-6")
    ana.transition("T-6", "resolved", reason="done")  # finished: out of the open views
    queue = Queue(ana)
    seen: set[str] = set()
    for minutes in (0, 13, 16, 25, 50, 200, 3000):
        clock["now"] = NOW + timedelta(minutes=minutes)
        order, counts, breached, at_risk = _oracle(ana)
        seen |= {"at risk"} if at_risk else set()
        seen |= {"breached"} if breached else set()
        assert queue.numbers("open") == order, minutes
        assert queue.counts() == counts, minutes
        assert set(queue.numbers("breached")) == breached, minutes
        assert set(queue.numbers("at_risk")) == breached | at_risk, minutes
        assert queue.numbers("open", limit=3) == order[:3], minutes
    assert seen == {"at risk", "breached"}  # the instants were crossed, not just met


def test_a_desk_without_stored_at_risk_instants_still_counts_right(desk):
    """A desk upgraded from before the queue marks, until `sla recompute` stores them."""
    from sqlalchemy import update

    from deskline.storage.models import Ticket

    clock = {"now": NOW}
    ana = Desk(desk.store, "ana", now=lambda: clock["now"])
    for priority in ("P0", "P1", "P2", "P0"):
        ana.create(f"{priority} ticket", priority=priority)
    with desk.store.write() as s:
        s.execute(update(Ticket).values(at_risk_at=None))
    queue = Queue(ana)
    clock["now"] = NOW + timedelta(minutes=13)  # both P0 at risk, nothing breached yet
    order, counts, breached, at_risk = _oracle(ana)
    assert counts == QueueCounts(4, 2, 0)
    assert queue.counts() == counts
    assert set(queue.numbers("at_risk")) == at_risk
    Roster(desk.store).add("ada", role="admin")  # only an admin recomputes
    assert Desk(desk.store, "ada", now=ana.now).recompute_sla() == 4  # the missing instants
    assert queue.counts() == counts


async def test_a_quick_create_outside_the_view_stays_in_the_view_and_says_where(ana):
    """The new ticket is not in My tickets searched: the view and its search stay (it
    switched to All open), the detail shows the new ticket and the toast says where it is."""
    ana.take("T-1")
    app, running = await open_app(ana)
    async with running as pilot:
        await settle(pilot)
        await pilot.press("slash", *"jam", "enter")
        await settle(pilot)
        box = app.screen.query_one("#filter", Input)
        assert keys_of(app) == ["T-1"] and box.display
        await pilot.press("ctrl+t", *"Caller cannot print", "enter")
        await settle(pilot)
        assert app.screen.view_name == "mine" and app.screen.detail.key == "T-4"
        assert keys_of(app) == ["T-1"] and (box.value, box.display) == ("jam", True)
        said = [str(n.message) for n in app._notifications]
        assert "T-4 (new) is in All open, not in My tickets: shown on the right" in said
