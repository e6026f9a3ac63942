"""The breach dashboard's screen: counters, priority strip, lists, agent load and trends.

What drives a repaint, and nothing else:
- the app's change pump (it looks every ``refresh`` seconds, a no-op when nothing was
  committed): the changed tickets and the database's counts are read again;
- a clock passing a threshold (the board knows the next instant): the lists are read
  again then, in a worker, and the counters move;
- the once-a-second tick: only the countdown cells of the visible list rows.
All of it pauses while a modal (help, a ticket) is open, and catches up when it closes.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from deskline.core.dashboard.board import Board, active_surges
from deskline.core.dashboard.figures import Figures
from deskline.core.desk.views import TicketView
from deskline.core.errors import DesklineError
from deskline.core.inert import visible
from deskline.core.language import N_, _
from deskline.core.language.dates import time_and_day
from deskline.core.routing.surge import SurgeView
from deskline.themes.palette import SLA_LOOK
from deskline.tui.dashboard.look import STATE_CSS
from deskline.tui.dashboard.ticket import TicketScreen
from deskline.tui.dashboard.widgets import (
    AgentLoadPane,
    AttainmentChart,
    BreachChart,
    CounterTile,
    PriorityStrip,
    TicketList,
)
from deskline.tui.language import speak_bindings
from deskline.tui.pace import give_back_memory
from deskline.tui.pump import ChangePump
from deskline.tui.workspace.wording import without_keys

TICK_SECONDS = 1.0
TRIM_SECONDS = 60.0  # freed memory goes back to the system this often
ATTAINMENT_GOAL = 95.0  # percent met today that reads as fine


class DashboardScreen(Screen[None]):
    SCOPED_CSS = False  # the breakpoint classes (-wide, -tall) are on the screen itself
    DEFAULT_CSS = (
        """
    DashboardScreen { layout: vertical; }
    #title { height: 1; background: $primary-background; padding: 0 1; }
    #surge { height: auto; display: none; background: $error; color: $text; padding: 0 1;
             text-style: bold; }
    #surge.-on { display: block; }
    #counters { height: 5; }
    #middle { height: 1fr; }
    .box { border: round $panel; border-title-color: $text; height: 1fr; padding: 0 1; }
    #trends { height: 7; }
    DashboardScreen.-tall #trends { height: 16; }
    /* Narrow: the lists take the width, agent load sits beside the charts. */
    #load-box { width: 1fr; display: none; }
    #load-box-narrow { width: 30; height: 1fr; }
    DashboardScreen.-wide #load-box { display: block; }
    DashboardScreen.-wide #load-box-narrow { display: none; }
    """
        + STATE_CSS
    )

    BINDINGS = [
        Binding(
            "t", "next_team", N_("Team"), id="dashboard.team", tooltip=N_("Show the next team")
        ),
        Binding("question_mark", "help", N_("Help"), id="dashboard.help"),
        # Listed in help (?), not the footer, which keeps to the breach view's own keys.
        Binding("r", "reports", N_("Reports"), id="dashboard.reports", show=False),
    ]

    # What the thread workers bring back: the UI never waits on the store.

    @dataclass
    class Loaded(Message, bubble=False):
        """The board was read whole; the teams there are to switch to."""

        teams: list[str]

    @dataclass
    class Reread(Message, bubble=False):
        """Changed tickets were read again: whether a figure moved, whether a P0 did."""

        moved: bool
        p0_moved: bool = False

    @dataclass
    class SurgesRead(Message, bubble=False):
        """The surges going on now."""

        surges: Sequence[SurgeView]

    @dataclass
    class TicketRead(Message, bubble=False):
        """The ticket to open, read whole."""

        ticket: TicketView

    @dataclass
    class Failed(Message, bubble=False):
        """A read was refused (a team that went away, say): one line why."""

        reason: str

    def __init__(self, board: Board, pump: ChangePump) -> None:
        super().__init__()
        speak_bindings(self)
        self.board = board
        self.desk = board.desk
        self.pump = pump
        self.figures: Figures | None = None
        self._frozen = False
        self._box_titles: dict[str, str] = {}
        self._lists: list[TicketList] = []
        self.teams: list[str | None] = [None]
        self._next_change: datetime | None = None  # the next instant a counter moves by itself
        self._pending: set[int] = set()  # changed while paused
        self._missed = False
        self._surge_ends: datetime | None = None  # when the surge shown subsides
        self._surge_text = ""

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield Static(id="surge")
        with Horizontal(id="counters"):
            yield CounterTile(_("BREACHED"), id="breached")
            yield CounterTile(_("AT RISK"), id="at-risk")
            yield CounterTile(_("OPEN"), id="open")
            yield CounterTile(_("UNASSIGNED"), id="unassigned")
            yield CounterTile(_("MET TODAY"), id="attainment")
        yield PriorityStrip(id="strip")
        with Horizontal(id="middle"):
            with Vertical(id="breached-box", classes="box"):
                yield TicketList(_("nothing breached"), id="breached-list")
            with Vertical(id="at-risk-box", classes="box"):
                yield TicketList(_("nothing at risk"), id="at-risk-list")
            with Vertical(id="load-box", classes="box"):
                yield AgentLoadPane(id="load")
        with Horizontal(id="trends"):
            yield AttainmentChart(id="attainment-chart")
            yield BreachChart(id="breach-chart")
            with Vertical(id="load-box-narrow", classes="box"):
                yield AgentLoadPane(id="load-narrow")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#breached-box").border_title = _("Breached · most overdue first")
        self.query_one("#at-risk-box").border_title = _("At risk · least time left first")
        for box in self.query("#load-box, #load-box-narrow"):
            box.border_title = _("Agent load · active / cap")
        self.show_title()
        self._lists = list(self.query(TicketList).results(TicketList))  # ticked each second
        self.query_one("#breached-list").focus()
        self.load()
        self.set_interval(TICK_SECONDS, self.tick)
        self.set_interval(TRIM_SECONDS, give_back_memory)
        self.pump.changed.subscribe(self, self._changes)

    @property
    def paused(self) -> bool:
        return self.app.screen is not self

    def show_title(self) -> None:
        team = self.board.team or _("all teams")
        where = self.desk.store.short_name
        title = _("deskline dashboard · {team} · {agent} @ {desk}").format(
            team=team, agent=self.desk.actor, desk=where
        )
        if self.figures is not None:
            when = time_and_day(self.figures.now)
            title = _("{title} · as of {when}").format(title=title, when=when)
        self.query_one("#title", Static).update(
            Content(visible(title)) + _(" · read-only"),
            layout=False,  # one line, full width: no new layout each time it changes
        )

    # -- reading the store (threads) ----------------------------------------------------

    @work(thread=True, exclusive=True, group="board")
    def load(self) -> None:
        try:
            self.board.load(signatures=False)  # the figures first,
            teams = self.board.teams()
        except DesklineError as exc:
            self.post_message(self.Failed(without_keys(exc)))
            return
        self.post_message(self.Loaded(teams))
        self.board.remember()  # then what tells a note from a change that counts

    @work(thread=True, exclusive=True, group="advance")
    def advance(self) -> None:
        """The lists read again: the clock moved a count."""
        self.board.advance(self.desk.now())
        self.post_message(self.Reread(moved=True))

    @on(Failed)
    def failed(self, message: Failed) -> None:
        self.notify(visible(message.reason), severity="error", markup=False)

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        self.teams = [None, *message.teams]
        self.recompute()
        self.check_surges()
        shown = getattr(self.app, "figures_shown", None)
        if shown is not None:
            shown()  # the app's watcher waits for the first figures
        if not self._frozen:
            # What stays for the screen's life (the widgets, the first clocks) is set aside
            # from the collector's passes, once: it sits there for days.
            self._frozen = True
            gc.collect()
            gc.freeze()

    @work(thread=True, exclusive=True, group="surge")
    def check_surges(self) -> None:
        """The surges going on now (of this team, or any): a banner until they subside."""
        try:
            views = active_surges(self.desk, self.board.team)
        except DesklineError:
            return
        self.post_message(self.SurgesRead(views))

    @on(SurgesRead)
    def show_surges(self, message: SurgesRead) -> None:
        views = message.surges
        self._surge_ends = min((v.last_p0_at + v.within for v in views), default=None)
        text = "\n".join(f"{SLA_LOOK['at_risk'].glyph} {v.banner()}" for v in views)
        if text == self._surge_text:  # the usual case: nothing to repaint (nor lay out)
            return
        self._surge_text = text
        banner = self.query_one("#surge", Static)
        banner.update(Content(visible(text)))  # team names are data, never markup
        banner.set_class(bool(views), "-on")

    @work(thread=True, exclusive=True, group="board")
    def reread(self, numbers: list[int]) -> None:
        moved = self.board.changed(numbers)  # a note or a tag moves no figure
        p0_moved = self.board.p0_moved()  # a P0 may begin (or feed) a surge
        if moved or p0_moved:
            self.post_message(self.Reread(moved, p0_moved))

    @work(thread=True, exclusive=True, group="recount")
    def recount(self) -> None:
        self.board.recount()
        self.post_message(self.Reread(moved=True))

    @on(Reread)
    def reread_done(self, message: Reread) -> None:
        if message.moved:
            self.recompute()
        if message.p0_moved:
            self.check_surges()

    def _changes(self, numbers: list[int]) -> None:
        self._pending.update(numbers)
        if not self.paused:
            self._catch_up()

    def _catch_up(self) -> None:
        numbers, self._pending = sorted(self._pending), set()
        if numbers:
            self.reread(numbers)
        elif self._missed:
            self.recompute()
        self._missed = False

    def on_screen_resume(self) -> None:
        self._catch_up()

    # -- figures (in memory) --------------------------------------------------------------

    def recompute(self) -> None:
        """Figures at this instant, shown; only widgets whose content changed repaint."""
        now = self.desk.now()
        try:
            figures = self.board.figures(now)
        except RuntimeError:  # not loaded yet (a team switch in progress)
            return
        self.figures = figures
        self._next_change = self.board.next_change(now)
        if self.board.new_breach() or self.board.recount_due(now):
            self.recount()  # the hourly trend gained one, or a new hour began
        with self.app.batch_update():
            self.show(figures)

    def show(self, f: Figures) -> None:
        c = f.counters
        self.query_one("#breached", CounterTile).show(
            str(c.breached), "breached" if c.breached else "ok"
        )
        self.query_one("#at-risk", CounterTile).show(
            str(c.at_risk), "at_risk" if c.at_risk else "ok"
        )
        inside = f"{SLA_LOOK['breached'].glyph}{c.breached} {SLA_LOOK['at_risk'].glyph}{c.at_risk}"
        self.query_one("#open", CounterTile).show(str(c.open), None, inside)
        self.query_one("#unassigned", CounterTile).show(
            str(c.unassigned), "warning" if c.unassigned else "ok"
        )
        attainment = c.attainment
        if attainment is None:
            self.query_one("#attainment", CounterTile).show("--", "ok")
        else:
            state = (
                "met"
                if attainment >= ATTAINMENT_GOAL
                else "warning"
                if attainment >= 80
                else "missed"
            )
            self.query_one("#attainment", CounterTile).show(f"{attainment:.0f}", state)
        self.query_one(PriorityStrip).show(f.priorities)
        self.query_one("#breached-list", TicketList).show(f.breached)
        self.query_one("#at-risk-list", TicketList).show(f.at_risk)
        self._title_box(
            "#breached-box",
            _("Breached ({count}) · most overdue first").format(count=c.breached),
        )
        self._title_box(
            "#at-risk-box",
            _("At risk ({count}) · least time left first").format(count=c.at_risk),
        )
        for pane in self.query(AgentLoadPane).results(AgentLoadPane):
            pane.show(f.agents)
        self.query_one(AttainmentChart).show(f.attainment)
        self.query_one(BreachChart).show(f.breaches_per_hour)
        self.show_title()

    def _title_box(self, selector: str, title: str) -> None:
        if self._box_titles.get(selector) != title:  # setting it repaints the whole box
            self._box_titles[selector] = title
            self.query_one(selector).border_title = title

    def tick(self) -> None:
        if self.paused:
            self._missed = True
            return
        now = self.desk.now()
        if self._surge_ends is not None and now >= self._surge_ends:
            self._surge_ends = None
            self.check_surges()  # it subsided (or a newer P0 keeps it going)
        if self._next_change is not None and now >= self._next_change:
            self._next_change = None  # until the read below brings the next one
            if self.board.reload_due(now):
                self.load()
            elif self.board.advance_due(now):
                self.advance()
            else:
                self.recompute()
            return
        for lst in self._lists:
            lst.tick(now)

    # -- keys ------------------------------------------------------------------------------

    def action_next_team(self) -> None:
        i = self.teams.index(self.board.team) if self.board.team in self.teams else 0
        team = self.teams[(i + 1) % len(self.teams)]
        self.board = Board(self.desk, team)
        self.show_title()
        self.load()
        self.notify(_("showing {team}").format(team=team or _("all teams")), timeout=2)

    def action_help(self) -> None:
        self.app.action_help()  # type: ignore[attr-defined]

    def action_reports(self) -> None:
        from deskline.tui.dashboard.reports import ReportsScreen

        self.app.push_screen(ReportsScreen(self.desk, self.board.team))

    @on(TicketList.Opened)
    def open_ticket(self, event: TicketList.Opened) -> None:
        self.fetch_ticket(event.number)

    @work(thread=True, exclusive=True, group="ticket")
    def fetch_ticket(self, number: int) -> None:
        try:
            ticket = self.desk.get(f"T-{number}")
        except DesklineError as exc:
            self.post_message(self.Failed(without_keys(exc)))
            return
        self.post_message(self.TicketRead(ticket))

    @on(TicketRead)
    def ticket_read(self, message: TicketRead) -> None:
        self.app.push_screen(TicketScreen(message.ticket))
