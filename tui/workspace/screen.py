"""The agent's workspace: queue on the left, ticket detail and SLA countdowns on the right."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from deskline.core.desk import edits, fields, saved_views, workflow
from deskline.core.desk.catalog import Catalog
from deskline.core.desk.edits import Edit
from deskline.core.desk.queue import Queue, QueueCounts
from deskline.core.desk.views import AgentView, TicketView
from deskline.core.desk.workflow import Status
from deskline.core.errors import DesklineError, Said, StaleEdit
from deskline.core.inert import visible
from deskline.core.language import N_, _
from deskline.themes.palette import SLA_LOOK
from deskline.tui.language import priority_word, speak_bindings, status_word
from deskline.tui.pump import ChangePump
from deskline.tui.workspace import countdown, edit_form
from deskline.tui.workspace.articles import ArticleKeeper
from deskline.tui.workspace.bulk import BulkFlow
from deskline.tui.workspace.compose import Composed, ComposeText
from deskline.tui.workspace.countdown import CountdownPane
from deskline.tui.workspace.detail import DetailPane
from deskline.tui.workspace.dialogs import Choose, EscalateForm, QuickCreate, TextEntry
from deskline.tui.workspace.edit_form import EditForm
from deskline.tui.workspace.presence import PresenceKeeper
from deskline.tui.workspace.queue import QueueView
from deskline.tui.workspace.typing import KeysFooter, Narrowings, SearchBox

TICK_SECONDS = 1.0
COUNTS_SECONDS = 10.0
FREEZE_SECONDS = 5.0
FULL_PASS_SECONDS = 3600.0  # what was set aside is looked at again at most this often,
QUIET_SECONDS = 60.0  # and only when the cursor has rested this long on the workspace
WRITE_SECONDS = 2.0  # an own write whose change the pump has not brought by then reloads
HEAD = 100  # a new view shows its first this many tickets at once (a search a window), then all
FULL_READ_QUICK = 0.03  # seconds: when a whole view reads slower, its head shows first
DETAIL_DELAY = 0.1  # moving fast, the detail follows once the keys rest this long
HEAD_PAINTED_WAIT = 0.25  # seconds the rest of a view waits at most for its head drawn
TYPING_REST = 0.5  # typing a search, the detail and the footer (a layout pass each) wait longer
# What each key asks of my role on the selected ticket (core's Desk.allowed decides).
NEEDS = {
    "take": "take",
    "assign": "assign",
    "status": "work",
    "priority": "work",
    "reply": "work",
    "note": "work",
    "escalate": "work",
    "reopen": "work",
    "edit": "edit",
    "merge": "work",
}


def field_of(error: DesklineError) -> str | None:
    """The form field an error is about: the one its command-line option names (``--to``
    is the escalate dialog's ``to``); None when it names none."""
    for part in error.parts:
        if isinstance(part, Said) and part.cli.startswith("--"):
            return part.cli[2:].split(" ")[0].replace("-", "_") or None
    return None


class HeaderBar(Static):
    DEFAULT_CSS = """
    HeaderBar { dock: top; height: 1; background: $primary-background; color: $text;
                padding: 0 1; }
    """


class WorkspaceScreen(Screen[None]):
    """Where agents spend their day; every action is a key away."""

    DEFAULT_CSS = """
    #panes { height: 1fr; }
    #queue-pane { width: 55%; min-width: 40; border-right: solid $primary-background; }
    #right { width: 1fr; }
    #filter { dock: bottom; display: none; border: none; height: 1; padding: 0 1; }
    #filter.visible { display: block; }
    #view-name { height: 1; background: $boost; padding: 0 1; text-style: bold; }
    QueueView.away { text-opacity: 55%; }
    """

    BINDINGS = [
        Binding("ctrl+t", "quick_create", N_("New"), id="quick_create", tooltip=N_("Quick create")),
        Binding("t", "take", N_("Take"), id="take", tooltip=N_("Assign to me and start")),
        Binding("a", "assign", N_("Assign"), id="assign"),
        Binding("s", "status", N_("Status"), id="status"),
        Binding("p", "priority", N_("Priority"), id="priority"),
        Binding("r", "reply", N_("Reply"), id="reply", tooltip=N_("Public reply to the customer")),
        Binding("n", "note", N_("Note"), id="note", tooltip=N_("Internal note")),
        Binding("e", "escalate", N_("Escalate"), id="escalate"),
        Binding("o", "reopen", N_("Reopen"), id="reopen"),
        Binding(
            "E", "edit", N_("Edit"), id="edit", tooltip=N_("Title, description, category, tags")
        ),
        Binding(
            "M",
            "merge",
            N_("Merge"),
            id="merge",
            tooltip=N_("Merge into another ticket"),
            show=False,
        ),
        Binding(
            "slash", "filter", N_("Search"), id="filter", tooltip=N_("Search the view as you type")
        ),
        Binding(
            "colon",
            "go_to",
            N_("Go to"),
            id="go_to",
            tooltip=N_("Go to a ticket by its key"),
            show=False,
        ),
        Binding("v", "views", N_("Views"), id="views", tooltip=N_("Saved views")),
        Binding(
            "B",
            "bulk",
            N_("Bulk"),
            id="bulk",
            tooltip=N_("Act on the marked tickets (space, V)"),
            show=False,
        ),
        Binding("enter", "focus_detail", N_("Detail"), id="focus_detail", show=False),
        Binding("escape", "focus_queue", N_("Queue"), id="focus_queue", show=False),
        Binding("question_mark", "help", N_("Help"), id="help"),
    ]

    # What the thread workers bring back: the UI never waits on the store.

    @dataclass
    class QueueLoaded(Message, bubble=False):
        """A view's numbers in queue order and its first window's tickets; not ``complete``:
        the head of a big view, the rest follows."""

        numbers: list[int]
        first: list[TicketView]
        complete: bool = True
        view: str | None = None  # what was read (complete ones)
        text: str = ""
        seen: int | None = None  # the changes the pump had brought when it was read
        painted: threading.Event | None = None  # set once shown (a head: the rest waits)

    @dataclass
    class SearchRefused(Message, bubble=False):
        """What is typed in the search box is not a query (yet): why, for the header."""

        reason: str

    @dataclass
    class ViewsLoaded(Message, bubble=False):
        """My saved views (queue name -> title), read for the views picker."""

        titles: dict[str, str]
        dialog: Choose | None = None

    @dataclass
    class WindowLoaded(Message, bubble=False):
        """The tickets of rows that came into view."""

        tickets: list[TicketView]

    @dataclass
    class DetailLoaded(Message, bubble=False):
        """The selected ticket, read whole (None: nothing selected)."""

        ticket: TicketView | None

    @dataclass
    class CountsLoaded(Message, bubble=False):
        """The header counts and the next deadlines across the queue."""

        counts: QueueCounts
        upcoming: list[TicketView]

    @dataclass
    class AgentsLoaded(Message, bubble=False):
        """The agents the open assign dialog offers."""

        dialog: Choose
        agents: list[AgentView]

    @dataclass
    class CatalogLoaded(Message, bubble=False):
        """The categories and customers the open quick create dialog suggests."""

        dialog: QuickCreate | EditForm
        catalog: Catalog

    @dataclass
    class MacroFilled(Message, bubble=False):
        """A macro's text, filled in for the ticket the open reply or note dialog is on."""

        dialog: ComposeText
        name: str
        text: str

    class MeKnown(Message, bubble=False):
        """My role and team are read: the keys on offer follow them."""

    @dataclass
    class Written(Message, bubble=False):
        """A use case succeeded: ``ticket`` as it is now."""

        what: str
        ticket: TicketView

    @dataclass
    class Reached(Message, bubble=False):
        """A ticket gone to by its key, as it is now."""

        ticket: TicketView

    @dataclass
    class Refused(Message, bubble=False):
        """A use case refused (an illegal move, bad input): one line why."""

        what: str
        reason: str
        again: Callable[[], None] | None = None  # the dialog opened again with what was typed

    @dataclass
    class Stale(Message, bubble=False):
        """Someone else changed the ticket first: what it is now, and the way to try again."""

        reason: str
        fresh: TicketView | None
        retry: Callable[[], None] | None

    def __init__(self, queue: Queue, views_titles: dict[str, str], pump: ChangePump) -> None:
        super().__init__()
        speak_bindings(self)
        self.queue = queue
        self.pump = pump
        self.desk = queue.desk
        self.view_name = "mine"
        self.views_titles = views_titles
        self.filter_text = ""
        self.search_error: str | None = None  # why the text typed is no query
        self.built_in = dict(views_titles)  # the views every desk has, before my own
        self.counts: QueueCounts | None = None
        self.upcoming: list[TicketView] = []
        self.detail: TicketView | None = None
        self._loaded_once = False
        self._want_select: int | None = None
        # the ticket to select was created here: outside the view, the detail shows it
        self._want_new: TicketView | None = None
        self._to_top = False  # a view chosen: its first (most urgent) row is selected
        self._counts_timer: Timer | None = None
        self._detail_timer: Timer | None = None
        self._moved_at = 0.0  # when the cursor last moved (monotonic seconds)
        self._full_pass_at = time.monotonic()  # when the collector last looked at everything
        self._complete = True  # the queue shows every ticket of the view, not just its head
        self._full_read: dict[str, float] = {}  # seconds the last whole read of each view took
        self._step: tuple[tuple[int, int], tuple[str, str, datetime] | None] | None = None
        # Held, not queried: worker threads and late callbacks may use it while closing.
        self.queue_view = QueueView(
            self.desk.read_sla, self.desk.opens_at, self.desk.now, self.desk.on_business_time
        )
        self._changes_seen = 0  # how many times the pump brought changes
        # The view's rows as last read whole, unsearched: (view, changes seen then, numbers);
        # words typed narrow them (Queue.narrowed) until the pump brings a change.
        self._held: tuple[str, int, list[int]] | None = None
        self.narrowings = Narrowings(queue)  # what the words typed in them found
        self._asked_for: tuple[str, str] | None = None  # the view and text last loaded
        self._shown_for: tuple[str, str] | None = None  # ... and last shown whole
        self._detail_coming: int | None = None  # the ticket whose detail is being read
        # Gone to by its key, outside the view: (that ticket, the row the cursor rests on);
        # the detail keeps it until the cursor moves to another row.
        self._pinned: tuple[int, int] | None = None
        self._me_known = False  # my role read: until then every key shows (core decides)
        self._offered = frozenset(NEEDS)  # the ticket keys the footer shows now
        self.presence = PresenceKeeper(self)  # who else has the detail's ticket open
        self.articles = ArticleKeeper(self)  # the knowledge base's, beside an open ticket

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield HeaderBar(id="bar")
        with Horizontal(id="panes"):
            with Vertical(id="queue-pane"):
                yield Static(id="view-name")
                yield self.queue_view
                yield SearchBox(
                    placeholder=_(
                        'search: words, "a phrase", status: tag: assignee:me is:breached'
                    ),
                    id="filter",
                )
            with Vertical(id="right"):
                yield DetailPane()
                yield CountdownPane(id="countdown")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.queue_view.focus()
        self.show_header()
        self.load_queue(quick=True)
        self.load_counts()
        self.set_interval(TICK_SECONDS, self.tick)
        self.set_interval(FREEZE_SECONDS, self.set_aside)
        self.pump.changed.subscribe(self, self.apply_changes)
        self.read_me()
        self.read_views()
        self.presence.start()

    @work(thread=True, group="me")
    def read_me(self) -> None:
        self.desk.whoami()  # my role and team, kept by the desk for Desk.allowed
        self.post_message(self.MeKnown())

    @on(MeKnown)
    def me_known(self) -> None:
        self._me_known = True
        self.sync_keys()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys for what my role may not do on the selected ticket are hidden (footer, help,
        palette); core refuses them anyway (a race shows its reason as a toast)."""
        return self.offers(action)

    def offers(self, action: str) -> bool:
        need = NEEDS.get(action)
        if need is None or not self._me_known or (ticket := self._under()) is None:
            return True
        return need in self.desk.allowed(ticket)

    def on_key(self, event: events.Key) -> None:
        """A key for what my role may not do on the selected ticket is hidden, not dead: it
        says why, in core's words (a hidden binding leaves its key to come here)."""
        if not self._me_known or (ticket := self._under()) is None:
            return
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            need = NEEDS.get(binding.action)
            if need is None or self.offers(binding.action):
                continue
            event.stop()
            if (why := self.desk.refusal(ticket, need)) is not None:
                self.notify(
                    visible(self.said(why)),
                    title=_("not yours to do"),
                    severity="warning",
                    markup=False,
                )
            return

    def sync_keys(self) -> None:
        """Show the keys the selected ticket allows, redrawing the footer only on a change;
        not while a search is typed (the keys go to the box): once they rest, or it closes."""
        if self.typing():
            return
        offered = frozenset(a for a in NEEDS if self.offers(a))
        if offered != self._offered:
            self._offered = offered
            self.refresh_bindings()

    def set_aside(self) -> None:
        """Keep what outlived a few seconds (modules, mappers, styles, cached rows) out of the
        collector's full passes, which at a million tickets pause a key for 0.1-0.2 s.

        Garbage is collected first, so none is set aside with it: that pass looks only at
        what came since the last one. What was set aside and dropped later (a dialog, rows
        of an old view) goes in a full pass once an hour, while the cursor rests and no
        dialog is open, for a workspace that stays open for days."""
        now = time.monotonic()
        if (
            now - self._full_pass_at >= FULL_PASS_SECONDS
            and now - self._moved_at >= QUIET_SECONDS
            and self.app.screen is self
            and not self.typing()
        ):
            self._full_pass_at = now
            gc.unfreeze()
        gc.collect()
        gc.freeze()

    def show_header(self) -> None:
        me = self.desk.actor
        where = self.desk.store.short_name
        counts = ""
        if self.counts is not None:
            c = self.counts
            risk, breach = SLA_LOOK["at_risk"].glyph, SLA_LOOK["breached"].glyph
            counts = " · " + _("{count} open").format(count=c.open)
            counts += f" · {risk} " + _("{count} at risk").format(count=c.at_risk)
            counts += f" · {breach} " + _("{count} breached").format(count=c.breached)
        # One line each, always: no layout pass for new text.
        for bar in self.query("#bar").results(HeaderBar):  # none while closing
            bar.update(Content(visible(f"{me} @ {where}{counts}")), layout=False)
        view = self.views_titles.get(self.view_name, self.view_name)
        shown = f"{len(self.queue_view.numbers)}{'' if self._complete else '+'}"
        filtered = _(" · search “{text}”").format(text=self.filter_text) if self.filter_text else ""
        if self.queue_view.marked:
            count = len(self.queue_view.marked)
            filtered += _(" · {count} marked (B acts)").format(count=count)
        line = f"{view} ({shown}){filtered}"
        if self._pinned is not None and self.detail and self.detail.number == self._pinned[0]:
            said = _("showing {key}, not in this view: j/k back")
            line = f"{line} · {said.format(key=self.detail.key)}"
        if self.search_error:  # what is typed is no query yet: say why, first
            line = f"⚠ {self.search_error}"
        for name in self.query("#view-name").results(Static):
            name.update(Content(visible(line)), layout=False)

    # -- loading (threads; the UI never waits on the store) --------------------------

    def load_queue(self, select: int | None = None, *, quick: bool = False) -> None:
        """Read the queue again; ``select`` survives a newer reload replacing this one.

        ``quick`` (a new view or filter): show the view's head as soon as it is read, then
        all of it; a reload of the same view waits for all of it, so nothing jumps."""
        if select:
            self._want_select = select
        self._asked_for = (self.view_name, self.filter_text)
        self._load_queue(self.view_name, self.filter_text, quick)

    @work(thread=True, exclusive=True, group="queue")
    def _load_queue(self, view: str, text: str, quick: bool) -> None:
        worker = get_current_worker()  # a newer load cancels this one: it shows nothing
        try:
            self._read_queue(view, text, quick)
        except DesklineError as exc:  # a query typed halfway: the rows stay, the header says
            if not worker.is_cancelled:
                self.post_message(self.SearchRefused(self.said(exc)))

    def _read_queue(self, view: str, text: str, quick: bool) -> None:
        worker = get_current_worker()
        window = max(self.size.height, 24)
        first: list[TicketView] | None = None
        if quick:
            seen = self._changes_seen
            # text typed: the rows that show first (a rare word's are far apart: each
            # row more read costs), else a few pages
            most = window if text else HEAD
            head = self._numbers(view, text, most)
            first = self._window_tickets(head[:window])
            if worker.is_cancelled:
                return
            if len(head) < most:  # that was all of it
                loaded = self.QueueLoaded(head, first, view=view, text=text, seen=seen)
                self.post_message(loaded)
                return
            # a big view (or one not read yet), or text typed (the whole of one text may
            # read fast and of the next slow): its head now, the rest next
            if text or self._full_read.get(view, float("inf")) > FULL_READ_QUICK:
                painted = threading.Event()
                self.post_message(
                    self.QueueLoaded(head, first, complete=False, seen=seen, painted=painted)
                )
                # the rest once the head is on screen: read beside it, it would slow the
                # frame that shows it (two cores, one of them drawing)
                painted.wait(HEAD_PAINTED_WAIT)
            if worker.is_cancelled:  # a key typed since: its query runs, not the rest of this
                return
        began = time.monotonic()
        numbers = self._numbers(view, text, None)
        self._full_read[view] = time.monotonic() - began
        if first is None:
            first = self.desk.tickets(numbers[:window])
        if not worker.is_cancelled:
            self.post_message(self.QueueLoaded(numbers, first, view=view, text=text))

    def _window_tickets(self, numbers: list[int]) -> list[TicketView]:
        """The tickets of these rows (in a worker): the ones the queue holds already (a
        change elsewhere drops them there), the others read."""
        held = self.queue_view.tickets
        known = [held.get(n) for n in numbers]
        missing = [n for n, ticket in zip(numbers, known, strict=True) if ticket is None]
        read = {t.number: t for t in self.desk.tickets(missing)} if missing else {}
        return [t if t is not None else read[n] for n, t in zip(numbers, known, strict=True)]

    def _numbers(self, view: str, text: str, limit: int | None) -> list[int]:
        """The view's numbers searched with ``text`` (in a worker): words alone narrow the
        view's rows as held (no sort of every match), anything else asks the store."""
        seen = self._changes_seen
        if not text:
            numbers = self.queue.numbers(view, limit=limit)
            if limit is None:
                self._held = (view, seen, numbers)
            return numbers
        if self.queue.narrowable(view):
            held = self._held
            if held is None or held[:2] != (view, seen):  # changed since: read once again
                held = (view, seen, self.queue.numbers(view))
                self._held = held
            found = self.narrowings.numbers(view, held[2], text, limit)
            if found is not None:
                return found
        return self.queue.numbers(view, text, limit)

    @on(SearchRefused)
    def search_refused(self, message: SearchRefused) -> None:
        self.search_error = message.reason
        self.show_header()

    @on(QueueLoaded)
    def queue_loaded(self, message: QueueLoaded) -> None:
        self.search_error = None
        if message.view is not None:
            self._shown_for = (message.view, message.text)
        first = message.first
        if message.seen is not None and message.seen != self._changes_seen:
            first = []  # read before a change came: the rows shown ask for their tickets
        self.show_queue(message.numbers, first, message.complete)
        if message.painted is not None:
            self.call_after_refresh(message.painted.set)
        self.sync_keys()

    def show_queue(
        self, numbers: list[int], first: list[TicketView], complete: bool = True
    ) -> None:
        self._complete = complete
        if not complete:  # the head of a new view or filter; the rest follows
            self.queue_view.show_tickets(first)
            top = numbers[0] if self._to_top and numbers else None
            self._to_top = self._to_top and not numbers  # the rest keeps the row then chosen
            self.queue_view.show_numbers(numbers, select=top)
            self.show_header()
            return
        select, self._want_select = self._want_select, None
        made, self._want_new = self._want_new, None
        if select and select not in numbers:
            # changed out of this view (resolved, say): the view stays as it is; one made
            # here that is not in it shows on the right, and the toast says where it is
            if made is not None and made.number == select:
                self.show_outside(made)
            select = None
        if select and self._pinned is not None:
            self.pin(None)  # the ticket held in the detail came into the view: select it
        if self._to_top and numbers:
            self._to_top = False
            select = select or numbers[0]
        if self.view_name != "open" and not numbers and not self._loaded_once:
            # Nothing of mine yet: show all open tickets.
            self.view_name, self.filter_text = "open", ""
            for box in self.query("#filter").results(Input):
                box.value = ""
                box.remove_class("visible")  # no search left to show: the box closes
                if box.has_focus:
                    self.queue_view.focus()
            self.load_queue(select, quick=True)
            return
        if not self._loaded_once:  # what was made to start lives as long as the app
            self.call_after_refresh(self.set_aside)
        self._loaded_once = True
        self.queue_view.show_tickets(first)
        self.queue_view.show_numbers(numbers, select=select)
        self.show_header()
        if select:  # changed by us: its detail is read again (a move follows by Selected)
            self.load_detail(self.queue_view.selected_number)

    @on(QueueView.WindowNeeded)
    def fetch_window(self, event: QueueView.WindowNeeded) -> None:
        self.load_window(event.numbers)

    @work(thread=True, group="window")
    def load_window(self, numbers: list[int]) -> None:
        self.post_message(self.WindowLoaded(self.desk.tickets(numbers)))

    @on(WindowLoaded)
    def window_loaded(self, message: WindowLoaded) -> None:
        self.queue_view.show_tickets(message.tickets)
        self.sync_keys()

    @on(QueueView.Selected)
    def selected(self, event: QueueView.Selected) -> None:
        """The detail (and its clocks) follow the cursor: at once after a rest, and only
        once the keys rest while it moves fast (drawing it costs a layout pass)."""
        if event.number != self.queue_view.selected_number:
            return  # the cursor left it before this came: the event for where it is follows
        if self._pinned is not None:
            if event.number == self._pinned[1]:
                return  # the row under the cursor changed, the cursor did not move
            self.pin(None)
        self.sync_keys()
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        resting = time.monotonic() - self._moved_at >= DETAIL_DELAY
        typing = self.typing()
        self._moved_at = time.monotonic()
        if self._detail_of(event.number):
            return
        if resting and not typing:
            self.load_detail(event.number)
        else:  # while a search is typed, the detail waits for a longer pause
            rest = TYPING_REST if typing else DETAIL_DELAY
            self._detail_timer = self.set_timer(rest, self._detail_after_moves)

    def typing(self) -> bool:
        """Whether the search box has the keys."""
        return any(box.has_focus for box in self.query("#filter").results(Input))

    def _detail_after_moves(self) -> None:
        self._detail_timer = None
        self.sync_keys()
        if self._pinned is not None:
            return  # a ticket gone to holds the detail until the cursor moves
        number = self.queue_view.selected_number
        if not self._detail_of(number):
            self.load_detail(number)

    def _detail_of(self, number: int) -> bool:
        """Whether the detail shows this ticket, or a read of it is on its way."""
        shown = self.detail is not None and self.detail.number == number
        return shown or self._detail_coming == number

    def load_detail(self, number: int) -> None:
        """Read the ticket whole, in a thread (a newer read replaces this one)."""
        self._detail_coming = number
        self._read_detail(number)

    @work(thread=True, exclusive=True, group="detail")
    def _read_detail(self, number: int) -> None:
        ticket = self.desk.get(str(number)) if number else None
        if not get_current_worker().is_cancelled:
            self.post_message(self.DetailLoaded(ticket))

    @on(DetailLoaded)
    def detail_loaded(self, message: DetailLoaded) -> None:
        number = message.ticket.number if message.ticket else 0
        if self._detail_coming == number:
            self._detail_coming = None
        if self._pinned is not None and number != self._pinned[0]:
            return  # read for the cursor's row before a ticket was gone to: it stays
        self.show_detail(message.ticket)

    def show_detail(self, ticket: TicketView | None) -> None:
        self.detail = ticket
        self.sync_keys()
        for pane in self.query(DetailPane).results(DetailPane):  # none while closing
            pane.show(ticket)
        if self._pinned is not None:
            self.show_header()  # says which ticket, outside the view, the detail holds
        self.show_countdown()
        self.presence.shown(ticket.number if ticket else None)
        self.articles.shown(ticket)

    @work(thread=True, exclusive=True, group="counts")
    def load_counts(self) -> None:
        """The header counts and the next deadlines across the queue, on their own timer
        and on changes, never per key."""
        counts = self.queue.counts()
        upcoming = self.desk.tickets(self.queue.numbers("open", limit=5))
        self.post_message(self.CountsLoaded(counts, upcoming))

    @on(CountsLoaded)
    def counts_loaded(self, message: CountsLoaded) -> None:
        self.upcoming = message.upcoming
        self.show_countdown()
        self.counts = message.counts
        self.show_header()
        if self._counts_timer is not None:
            self._counts_timer.stop()
        # the next count after this one finished: slow counts never pile up
        self._counts_timer = self.set_timer(COUNTS_SECONDS, self.load_counts)

    # -- changes, made elsewhere or here ---------------------------------------------------

    def apply_changes(self, numbers: list[int]) -> None:
        """The pump brought changed tickets: the queue, the detail and the counts are read
        again, once, whoever made the change (the app's own writes come this way too)."""
        self._changes_seen += 1
        self.queue_view.forget(numbers)
        self.load_queue()  # the order may have changed; the selection stays put
        # A ticket we wrote is selected once the queue is in, and its detail read then.
        if self._want_select is None and self.detail is not None and self.detail.number in numbers:
            self.load_detail(self.detail.number)
        self.load_counts()

    # -- the clock ---------------------------------------------------------------------

    def tick(self) -> None:
        self.queue_view.tick(self.desk.now())
        self.show_countdown()

    def show_countdown(self) -> None:
        now = self.desk.now()
        ticket = self.detail
        reading = self.desk.read_sla(ticket, now) if ticket else None
        step = self._next_step(ticket, now) if ticket else None
        upcoming = [
            (t, self.desk.read_sla(t, now), self.queue_view.clock_mark(t, now))
            for t in self.upcoming
        ]
        for pane in self.query(CountdownPane).results(CountdownPane):  # none while closing
            opens = self.desk.opens_at(ticket, now) if ticket else None
            business = self.desk.on_business_time(ticket) if ticket else False
            content = countdown.describe(
                now, ticket, reading, step, upcoming, self.app.theme_variables, opens, business
            )
            pane.update(content, layout=False)

    def _next_step(self, ticket: TicketView, now: datetime) -> tuple[str, str, datetime] | None:
        """The ticket's next threshold, worked out again only once it passed (or the ticket
        changed), not every second."""
        key = (ticket.number, ticket.version)
        if (
            self._step is None
            or self._step[0] != key
            or (self._step[1] is not None and self._step[1][2] <= now)
        ):
            self._step = (key, self.desk.next_step(ticket, now))
        return self._step[1]

    # -- acting on the selected ticket -------------------------------------------------

    def _under(self) -> TicketView | None:
        # The ticket under the cursor, even while its detail is still on its way; a detail
        # of a ticket that left the view (resolved, say) stays what the keys act on.
        ticket, under = self.detail, self.queue_view.selected
        if under is not None and (ticket is None or ticket.number in self.queue_view.numbers):
            ticket = under if ticket is None or ticket.number != under.number else ticket
        return ticket

    def _selected(self) -> TicketView | None:
        ticket = self._under()
        if ticket is None:
            self.notify(_("no ticket selected"), severity="warning")
        return ticket

    @work(thread=True, group="act")
    def act(
        self,
        what: str,
        change: Callable[[], TicketView],
        retry: Callable[[], None] | None = None,
        refused: str | None = None,
        again: Callable[[str | None], None] | None = None,
    ) -> None:
        """Run one Desk use case; errors become a toast (titled ``refused``, else ``what``),
        a stale edit reloads and retries. ``again``: the dialog opened once more after a
        refusal, with what was typed, on the field the error names (None: none)."""
        try:
            ticket = change()
        except StaleEdit as exc:
            # show what changed, then offer the typed text again
            fresh = self.desk.get(self.detail.key) if self.detail is not None else None
            self.post_message(self.Stale(str(exc), fresh, retry))
            return
        except DesklineError as exc:
            field = field_of(exc)
            reopen = (lambda: again(field)) if again is not None else None
            self.post_message(self.Refused(refused or what, self.said(exc), reopen))
            return
        self.post_message(self.Written(what, ticket))

    @on(Written)
    def written(self, message: Written) -> None:
        """Not read again here: the pump brings the change (as it does anyone's) and it is
        read once then; asked to look now, it shows at once."""
        ticket = message.ticket
        self.notify(visible(f"{ticket.key}: {message.what}"), timeout=3, markup=False)
        if self._pinned is not None and ticket.number not in self.queue_view.numbers:
            # held outside the view, no queue reload selects it: shown as it is now, so the
            # next key carries its new version
            self.pin(ticket.number)
            self.show_detail(ticket)
        self._want_select = ticket.number
        self._want_new = ticket if message.what == _("created") else None
        self.pump.look_now()
        seen = self._changes_seen
        self.set_timer(WRITE_SECONDS, lambda: self._unless_changes_came(seen))

    def _unless_changes_came(self, seen: int) -> None:
        # The pump could not read the feed (it says so): read the queue here instead.
        if self._changes_seen == seen:
            self.load_queue()
            self.load_counts()

    @on(Refused)
    def refused(self, message: Refused) -> None:
        self.notify(
            visible(message.reason), title=visible(message.what), severity="error", markup=False
        )
        if message.again is not None:
            message.again()

    @on(Stale)
    def stale(self, message: Stale) -> None:
        self.notify(visible(message.reason), title=_("Stale edit"), severity="error", markup=False)
        if message.fresh is not None:
            self.show_detail(message.fresh)
        self.load_queue()
        if message.retry is not None:
            message.retry()

    def said(self, error: DesklineError) -> str:
        """A refusal in the workspace's words: the field to fill in or the key to press, where
        the command line names an option or a command."""
        return self.app.in_app(error)  # type: ignore[attr-defined,no-any-return]

    def action_take(self) -> None:
        if not (t := self._selected()):
            return

        def take() -> TicketView:
            return self.desk.take(t.key, expected_version=t.version)

        self.act(_("taken"), take, refused=_("take refused"))

    def action_assign(self) -> None:
        if not (t := self._selected()):
            return

        def chosen(handle: str | None) -> None:
            if handle:
                self.act(
                    _("assigned to {handle}").format(handle=handle),
                    lambda: self.desk.assign(t.key, handle, expected_version=t.version),
                )

        # Open at once, so what is typed goes to it; the agents follow from a thread.
        dialog = Choose(_("Assign {key} to").format(key=t.key), None, typed=True)
        self.app.push_screen(dialog, chosen)
        self.read_agents(dialog)

    @work(thread=True, group="choices")
    def read_agents(self, dialog: Choose) -> None:
        self.post_message(self.AgentsLoaded(dialog, self.app.roster()))  # type: ignore[attr-defined]

    @on(AgentsLoaded)
    def agents_loaded(self, message: AgentsLoaded) -> None:
        agents = message.agents
        message.dialog.fill(
            [(a.handle, f"{a.handle} — {a.name} ({a.team or _('no team')})") for a in agents]
        )

    def action_status(self) -> None:
        if not (t := self._selected()):
            return
        moves = workflow.next_statuses(Status(t.status))
        if not moves:
            said = _("{key} is {status}: reopen it (o) to work on it")
            self.notify(said.format(key=t.key, status=status_word(t.status)), severity="warning")
            return
        choices = [(s.value, status_word(s.value)) for s in moves]

        def chosen(status: str | None) -> None:
            if status == Status.RESOLVED.value:
                self.ask_resolution(t)
            elif status:
                self.act(
                    _("now {status}").format(status=status_word(status)),
                    lambda: self.desk.transition(t.key, status, expected_version=t.version),
                )

        shown = status_word(t.status)
        self.app.push_screen(Choose(f"{t.key}: {shown} →", choices), chosen)

    def ask_resolution(self, t: TicketView, typed: str = "") -> None:
        def save(note: str | None) -> None:
            if note:
                self.act(
                    _("resolved"),
                    lambda: self.desk.transition(
                        t.key, "resolved", reason=note, expected_version=t.version
                    ),
                    retry=lambda: self.ask_resolution(self.detail or t, note),
                )

        self.app.push_screen(
            TextEntry(_("Resolve {key}: the solution").format(key=t.key), value=typed), save
        )

    def action_priority(self) -> None:
        if not (t := self._selected()):
            return
        choices = [(p, f"{p} {priority_word(p)}") for p in fields.PRIORITIES if p != t.priority]

        def chosen(priority: str | None) -> None:
            if priority:
                self.ask_priority_reason(t, priority)

        title = _("{key}: priority {priority} →").format(key=t.key, priority=t.priority)
        self.app.push_screen(Choose(title, choices), chosen)

    def ask_priority_reason(self, t: TicketView, priority: str, typed: str = "") -> None:
        """Why the priority moves: it changes the SLA targets, so the timeline says why."""

        def save(reason: str | None) -> None:
            if reason:
                self.act(
                    _("priority {priority}").format(priority=priority),
                    lambda: self.desk.change_priority(
                        t.key, priority, reason=reason, expected_version=t.version
                    ),
                    retry=lambda: self.ask_priority_reason(self.detail or t, priority, reason),
                )

        title = _("{key}: priority {old} → {new}, because").format(
            key=t.key, old=t.priority, new=priority
        )
        self.app.push_screen(TextEntry(title, value=typed), save)

    def _text_action(self, kind: str, typed: str = "", macro: str | None = None) -> None:
        if not (t := self._selected()):
            return
        use_case = self.desk.reply if kind == "reply" else self.desk.note
        title = (
            _("Reply to {key} (the customer sees this)")
            if kind == "reply"
            else _("Internal note on {key}")
        ).format(key=t.key)
        canned = [m for m in self.desk.policy.macros if m.kind == kind]

        def save(done: Composed | None) -> None:
            self.presence.write(None)
            if done is None:
                return
            text, name = done.text, done.macro
            # A macro's field changes are checked against the ticket as shown; comments
            # never conflict with others.
            sets = any(m.name == name and m.sets() for m in canned)
            version = t.version if sets else None

            def change() -> TicketView:
                if name is None:
                    return use_case(t.key, text)
                return self.desk.apply_macro(t.key, name, text=text, expected_version=version)

            self.act(
                (_("reply added") if kind == "reply" else _("note added"))
                + (_(" (macro {name})").format(name=name) if name else ""),
                change,
                retry=lambda: self._text_action(kind, text, name),
                refused=_("reply refused") if kind == "reply" else _("note refused"),
            )

        found = self.articles.of(t.number)
        dialog = ComposeText(title, value=typed, macros=canned, macro=macro, articles=found)
        dialog.on_macro = lambda box, name: self.fill_macro(box, t.key, name)
        self.app.push_screen(dialog, save)
        self.presence.write(t.number, kind)

    @work(thread=True, group="choices")
    def fill_macro(self, dialog: ComposeText, key: str, name: str) -> None:
        try:
            text = self.desk.fill_macro(key, name)
        except DesklineError as exc:
            self.post_message(self.Refused(_("macro"), self.said(exc)))
            return
        self.post_message(self.MacroFilled(dialog, name, text))

    @on(MacroFilled)
    def macro_filled(self, message: MacroFilled) -> None:
        message.dialog.insert_macro(message.name, message.text)

    def action_reply(self) -> None:
        self._text_action("reply")

    def action_note(self) -> None:
        self._text_action("note")

    def action_escalate(
        self, typed: dict[str, str] | None = None, field: str | None = None
    ) -> None:
        if not (t := self._selected()):
            return

        def save(values: dict[str, str] | None) -> None:
            if values:
                self.act(
                    _("escalated"),
                    lambda: self.desk.escalate(t.key, **values, expected_version=t.version),
                    retry=lambda: self.action_escalate(values),
                    refused=_("escalate refused"),
                    again=lambda field: self.action_escalate(values, field),
                )

        title = _("Escalate {key}").format(key=t.key)
        self.app.push_screen(EscalateForm(title, typed, focus=field), save)

    def action_reopen(self) -> None:
        if not (t := self._selected()):
            return
        if Status(t.status) not in workflow.REOPENABLE:  # core says why not: no reason asked
            self.act(_("reopened"), lambda: self.desk.reopen(t.key, expected_version=t.version))
            return
        self.ask_reopen_reason(t)

    def ask_reopen_reason(self, t: TicketView, typed: str = "") -> None:
        """Why it comes back (the customer wrote again, the fix did not hold): the timeline
        says, as for a priority change."""

        def save(reason: str | None) -> None:
            if reason:
                self.act(
                    _("reopened"),
                    lambda: self.desk.reopen(t.key, reason=reason, expected_version=t.version),
                    retry=lambda: self.ask_reopen_reason(self.detail or t, reason),
                    refused=_("reopen refused"),
                )

        title = _("Reopen {key} ({status}), because").format(
            key=t.key, status=status_word(t.status)
        )
        self.app.push_screen(TextEntry(title, value=typed), save)

    def action_merge(self, typed: str = "") -> None:
        """Merge the selected ticket into another (asked for by its key): that one carries
        on with the conversation, this one closes pointing to it."""
        if not (t := self._selected()):
            return

        def chosen(target: str | None) -> None:
            if target and target.strip():
                self.act(
                    _("merge of {key}").format(key=t.key),
                    lambda: self.desk.merge(t.key, target.strip(), expected_version=t.version),
                    retry=lambda: self.action_merge(target),
                    refused=_("merge refused"),
                    again=lambda _field: self.action_merge(target),
                )

        title = _("Merge {key} into which ticket? (it closes; its comments go there)")
        title = title.format(key=t.key)
        self.app.push_screen(TextEntry(title, value=typed, placeholder="T-1"), chosen)

    def action_quick_create(self) -> None:
        def save(values: dict[str, Any] | None) -> None:
            if values:
                self.act(_("created"), lambda: self.desk.create(**values))

        # Open at once (a caller is waiting); the suggestions follow from a thread.
        dialog = QuickCreate(templates=self.app.templates())  # type: ignore[attr-defined]
        self.app.push_screen(dialog, save)
        self.read_catalog(dialog)

    def action_edit(self) -> None:
        if t := self._selected():
            self.open_edit(t)

    def open_edit(
        self, t: TicketView, typed: dict[str, str] | None = None, seen: TicketView | None = None
    ) -> None:
        """The edit dialog over ``t``; ``typed``: what was typed over ``seen``, an older
        version of it, kept (a stale edit whose fields someone else changed too)."""
        changed = edit_form.changed_between(seen, t) if seen is not None else ()

        def save(edit: Edit | None) -> None:
            if edit is None:
                return

            def change() -> TicketView:
                try:
                    return self.desk.edit(t.key, edit, expected_version=t.version)
                except StaleEdit:
                    # changed meanwhile: mine goes on top unless we both changed a field
                    fresh = self.desk.get(t.key)
                    if edits.clashes(edit.checked(), t, fresh):
                        raise
                    return self.desk.edit(t.key, edit, expected_version=fresh.version)

            sent = dialog.sent
            self.act(
                _("edited"),
                change,
                retry=lambda: self.open_edit(self.detail or t, sent, seen=t),
                refused=_("edit refused"),
            )

        dialog = EditForm(t, typed=typed, changed=changed)
        self.app.push_screen(dialog, save)
        self.read_catalog(dialog)

    @work(thread=True, group="choices")
    def read_catalog(self, dialog: QuickCreate | EditForm) -> None:
        self.post_message(self.CatalogLoaded(dialog, self.app.catalog()))  # type: ignore[attr-defined]

    @on(CatalogLoaded)
    def catalog_loaded(self, message: CatalogLoaded) -> None:
        message.dialog.suggest(message.catalog.categories, message.catalog.customers)

    # -- finding tickets ---------------------------------------------------------------

    def action_go_to(self) -> None:
        def chosen(key: str | None) -> None:
            if key:
                self.go_to(key)

        self.app.push_screen(TextEntry(_("Go to ticket"), placeholder="T-42"), chosen)

    def go_to(self, key: str) -> None:
        """Select ``key`` in the queue; a ticket this view does not hold (resolved, say, or
        another team's) shows in the detail pane, where the keys act on it."""
        self._go_to(key)

    @work(thread=True, exclusive=True, group="go_to")
    def _go_to(self, key: str) -> None:
        try:
            ticket = self.desk.get(key)
        except DesklineError as exc:
            self.post_message(self.Refused(_("go to"), self.said(exc)))
            return
        self.post_message(self.Reached(ticket))

    @on(Reached)
    def reached(self, message: Reached) -> None:
        ticket = message.ticket
        if ticket.number in self.queue_view.numbers:
            self.pin(None)
            self.queue_view.select_number(ticket.number)
            return
        self.show_outside(ticket)

    def show_outside(self, ticket: TicketView) -> None:
        """Hold ``ticket``, one this view does not show, in the detail; the toast says so,
        and in which view an open one is."""
        self.pin(ticket.number)
        self.show_detail(ticket)
        view = self.views_titles.get(self.view_name, self.view_name)
        status = status_word(ticket.status)
        if Status(ticket.status) in workflow.OPEN and self.view_name != "open":
            said = _("{key} ({status}) is in {where}, not in {view}: shown on the right")
            where = self.views_titles.get("open", "open")
            said = said.format(key=ticket.key, status=status, where=where, view=view)
        else:
            said = _("{key} ({status}) is not in {view}: shown on the right")
            said = said.format(key=ticket.key, status=status, view=view)
        self.notify(visible(said), timeout=4, markup=False)

    def pin(self, number: int | None) -> None:
        """Hold the detail on ticket ``number``, one outside the view (None: let it follow the
        cursor again). While it is held the queue is dimmed and its header says so, so the
        highlighted row is not taken for the ticket the keys act on; j/k go back to it."""
        if number is None:
            self._pinned = None
        else:
            under = self._pinned[1] if self._pinned else self.queue_view.selected_number
            self._pinned = (number, under)
        self.queue_view.set_class(number is not None, "away")
        self.show_header()

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("visible")
        box.focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        text = event.value.strip()
        if (self.view_name, text) == self._asked_for and self.filter_text == text:
            # the same search (a space typed): what is shown, or on its way, answers it
            if self._shown_for == self._asked_for and self.search_error is None:
                self.show_queue(self.queue_view.numbers, [], self._complete)
            return
        self.filter_text = text
        self.load_queue(quick=True)

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        self.queue_view.focus()
        self.call_after_refresh(self.sync_keys)

    def action_focus_queue(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus:
            box.value = ""
            box.remove_class("visible")
        self.queue_view.focus()
        self.call_after_refresh(self.sync_keys)

    def action_views(self) -> None:
        choices = list(self.views_titles.items())
        dialog = Choose(_("Saved views"), choices)
        self.app.push_screen(dialog, self.show_view)
        self.read_views(dialog)  # my own, read again: saved elsewhere meanwhile

    def show_view(self, name: str | None) -> None:
        """Show the view ``name`` (built in, or saved: ``Queue.read_searches``)."""
        if name and name in self.views_titles:
            self.view_name = name
            self._to_top = True  # not the row index of the view before: its first row
            self.load_queue(quick=True)

    @work(thread=True, group="views")
    def read_views(self, dialog: Choose | None = None) -> None:
        self.post_message(self.ViewsLoaded(self.queue.read_searches(), dialog))

    @on(ViewsLoaded)
    def views_loaded(self, message: ViewsLoaded) -> None:
        self.views_titles = {**self.built_in, **message.titles}
        if message.dialog is not None:
            message.dialog.fill(list(self.views_titles.items()))
        self.show_header()

    def action_save_view(self) -> None:
        """Save what the queue shows now (its view narrowed by the search typed) as a view
        of my own; shown in `v` and the palette."""
        view, text = self.view_name, self.filter_text

        def chosen(name: str | None) -> None:
            if name:
                self._save_view(name, view, text)

        shown = self.views_titles.get(view, view) + (f" · “{text}”" if text else "")
        title = _("Save {view} as the view").format(view=shown)
        self.app.push_screen(TextEntry(title, placeholder=_("name")), chosen)

    @work(thread=True, group="act")
    def _save_view(self, name: str, view: str, text: str) -> None:
        query = " ".join(q for q in (self.queue.query_of(view), text) if q)
        try:
            # in the order it was shown in: a queue most urgent first, not by relevance
            saved = saved_views.save(self.desk, name, query, sort=self.queue.order_of(view))
        except DesklineError as exc:
            self.post_message(self.Refused(_("save view"), self.said(exc)))
            return
        self.post_message(self.ViewsLoaded(self.queue.read_searches()))
        self.app.call_from_thread(
            self.notify,
            visible(_("saved view {name}: press v").format(name=saved.name)),
            markup=False,
        )

    @on(QueueView.Marked)
    def marks_changed(self) -> None:
        self.show_header()  # "3 marked (B acts)"

    def action_bulk(self) -> None:
        numbers = self.queue_view.marked_in_order
        if not numbers:
            said = _("mark tickets first: space marks one, V a range")
            self.notify(said, severity="warning")
            return
        BulkFlow(self, numbers).start()

    def action_focus_detail(self) -> None:
        self.query_one(DetailPane).focus()

    def action_help(self) -> None:
        self.app.action_help()  # type: ignore[attr-defined]
