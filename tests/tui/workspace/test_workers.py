"""What the workspace's thread workers bring back, as messages (seen with ``message_hook``);
the app's own write read once, through the change pump; no store read on the event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event
from test_workspace import keys_of, settle
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Input, OptionList

from deskline.core.desk.tickets import Desk
from deskline.tui.workspace.app import DesklineApp
from deskline.tui.workspace.dialogs import Choose, QuickCreate
from deskline.tui.workspace.screen import WorkspaceScreen

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
Screen = WorkspaceScreen


@pytest.fixture
def ana(desk) -> Desk:
    ana = Desk(desk.store, "ana", now=lambda: NOW)
    ana.create("Printer jam on floor 3", priority="P3", customer="Initech", category="Printing")
    ana.create("Site down for everyone", priority="P0", customer="Globex", vip=True)
    ana.create("VPN 连不上 after update", priority="P1", customer="蓝鲸游戏")
    return ana


class Heard:
    """Every message the app dispatched, in order (``run_test(message_hook=heard)``)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def __call__(self, message: Message) -> None:
        self.messages.append(message)

    def of(self, kind: type[Message]) -> list:
        return [m for m in self.messages if isinstance(m, kind)]

    def since(self, mark: int, kind: type[Message]) -> list:
        return [m for m in self.messages[mark:] if isinstance(m, kind)]


async def test_opening_the_workers_bring_queue_window_detail_and_counts_as_messages(ana):
    heard = Heard()
    app = DesklineApp(ana)
    async with app.run_test(size=(100, 30), message_hook=heard) as pilot:
        await settle(pilot)
        done = [m for m in heard.of(Screen.QueueLoaded) if m.complete]
        # Nothing of mine: the view falls back to all open, read again.
        assert [m.numbers for m in done] == [[], [2, 3, 1]]
        assert [t.key for t in done[-1].first] == ["T-2", "T-3", "T-1"]
        # the empty view's none, then the first ticket of all open
        *_, detail = heard.of(Screen.DetailLoaded)
        assert detail.ticket is not None and detail.ticket.key == "T-2"
        assert detail.ticket.events  # read whole, with its history
        [counts] = heard.of(Screen.CountsLoaded)
        assert counts.counts.open == 3 and counts.upcoming[0].key == "T-2"
        assert app.screen.detail.key == "T-2"
        assert "3 open" in str(app.screen.query_one("#bar").render())


async def test_a_row_coming_into_view_is_fetched_by_a_worker_and_brought_as_a_message(ana):
    for n in range(40):
        ana.create(f"Filler {n}", priority="P3")
    heard = Heard()
    app = DesklineApp(ana)
    async with app.run_test(size=(100, 20), message_hook=heard) as pilot:
        await settle(pilot)
        mark = len(heard.messages)
        await pilot.press("G")  # the last row: not in the first window
        await settle(pilot)
        fetched = [t.number for m in heard.since(mark, Screen.WindowLoaded) for t in m.tickets]
        assert app.screen.queue_view.selected_number in fetched
        assert app.screen.detail.number == app.screen.queue_view.selected_number


async def wait_quiet(pilot, seconds: float) -> None:
    """Let the pump look a few times: a second reload would have come by then."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        await pilot.pause(0.1)
    await settle(pilot)


@pytest.mark.parametrize("keys", [("t",), ("r", *"on it", "ctrl+s")], ids=["take", "reply"])
async def test_the_apps_own_write_reads_queue_detail_and_counts_once(ana, keys):
    heard = Heard()
    app = DesklineApp(ana)
    async with app.run_test(size=(100, 30), message_hook=heard) as pilot:
        await settle(pilot)
        await wait_quiet(pilot, 0.3)
        mark = len(heard.messages)
        await pilot.press(*keys)
        await wait_quiet(pilot, 1.5)  # three looks of the pump
        [written] = heard.since(mark, Screen.Written)
        assert written.ticket.key == "T-2"
        queues = [m for m in heard.since(mark, Screen.QueueLoaded) if m.complete]
        assert len(queues) == 1, "the queue was read more than once"
        [detail] = heard.since(mark, Screen.DetailLoaded)
        assert detail.ticket.version == written.ticket.version  # the ticket as written
        assert len(heard.since(mark, Screen.CountsLoaded)) == 1
        assert app.screen.detail.key == "T-2"
        assert app.screen.queue_view.tickets[2].version == written.ticket.version


async def test_a_new_ticket_is_selected_once_the_pump_brings_it(ana):
    heard = Heard()
    app = DesklineApp(ana)
    async with app.run_test(size=(100, 30), message_hook=heard) as pilot:
        await settle(pilot)
        mark = len(heard.messages)
        await pilot.press("ctrl+t", *"Caller cannot print", "enter")
        await wait_quiet(pilot, 1.0)
        assert app.screen.detail.key == "T-4"
        assert "T-4" in keys_of(app)
        assert len([m for m in heard.since(mark, Screen.QueueLoaded) if m.complete]) == 1
        [detail] = heard.since(mark, Screen.DetailLoaded)  # read once, though the cursor moved
        assert detail.ticket.key == "T-4"


async def test_a_assigns_from_agents_read_while_the_dialog_opens(ana):
    heard = Heard()
    app = DesklineApp(ana)
    async with app.run_test(size=(100, 30), message_hook=heard) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        [loaded] = heard.of(Screen.AgentsLoaded)
        assert [a.handle for a in loaded.agents] == ["ana", "bo"]
        assert loaded.dialog is app.screen and isinstance(app.screen, Choose)
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels == ["ana — Ana Silva (Service Desk)", "bo — Bo Wang (Service Desk)"]
        await pilot.press("b", "o", "enter")
        await settle(pilot)
    assert ana.get("T-2").assignee == "bo"


async def test_ctrl_t_suggests_categories_and_customers_read_while_it_opens(ana):
    heard = Heard()
    app = DesklineApp(ana)
    async with app.run_test(size=(100, 30), message_hook=heard) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        [loaded] = heard.of(Screen.CatalogLoaded)
        assert loaded.catalog.categories == ["Printing"]
        assert loaded.catalog.customers == ["Globex", "Initech", "蓝鲸游戏"]
        dialog = app.screen
        assert isinstance(dialog, QuickCreate) and loaded.dialog is dialog
        for name, typed, offered in [("category", "pri", "Printing"), ("customer", "gl", "Globex")]:
            suggester = dialog.query_one(f"#{name}", Input).suggester
            assert suggester is not None
            assert await suggester.get_suggestion(typed) == offered


class ChooseLater(App[None]):
    """A bare app holding an agent picker whose choices are still on their way."""

    def __init__(self) -> None:
        super().__init__()
        self.answer: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.dialog = Choose("Assign T-1 to", None, typed=True)
        self.push_screen(self.dialog, self.answer.append)


async def test_an_enter_typed_before_the_agents_arrive_is_answered_when_they_do():
    app = ChooseLater()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("b", "o", "enter")
        await pilot.pause()
        assert app.answer == [] and app.screen is app.dialog  # no agents yet: it waits
        app.dialog.fill([("ana", "ana — Ana Silva"), ("bo", "bo — Bo Wang")])
        await pilot.pause()
        assert app.answer == ["bo"]


@contextmanager
def queries_on_this_thread(store) -> Iterator[list[str]]:
    """The SQL statements the store runs on the calling thread (here: the event loop)."""
    loop_thread = threading.get_ident()
    seen: list[str] = []

    def before(conn, cursor, statement, *args) -> None:
        if threading.get_ident() == loop_thread:
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", before)


async def test_no_key_reads_the_store_on_the_event_loop(ana):
    app = DesklineApp(ana, alerts=True)
    with queries_on_this_thread(ana.store) as on_loop:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            for keys in [
                ("j", "k"),
                ("a", "escape"),
                ("ctrl+t", "escape"),
                ("t",),
                ("r", *"on it", "ctrl+s"),
                ("slash", *"vpn", "escape"),
                ("v", "escape"),
                ("exclamation_mark", "escape"),
            ]:
                await pilot.press(*keys)
                await settle(pilot)
            await wait_quiet(pilot, 0.6)
            seen = list(on_loop)
    assert seen == []


async def test_agents_arriving_after_the_dialog_closed_are_dropped():
    app = ChooseLater()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.answer == [None] and app.screen is not app.dialog
        app.dialog.fill([("bo", "bo — Bo Wang")])  # no error, no answer
        await pilot.pause()
        assert app.answer == [None]
