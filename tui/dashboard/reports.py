"""The reports screen over the dashboard (``r``): a day's or a week's numbers, grouped by the
key chosen; read in a thread worker, nothing changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from deskline.core.errors import DesklineError
from deskline.core.language import N_, _
from deskline.tui.language import speak_bindings
from deskline.tui.workspace.wording import without_keys

if TYPE_CHECKING:
    from deskline.core.desk.tickets import Desk
    from deskline.core.metrics.report import Report

GROUPINGS = ("priority", "team", "agent", "category", "channel", "tier", "day")
KINDS = ("daily", "weekly")
GROUPING_WORDS = {
    "priority": N_("priority"),
    "team": N_("team"),
    "agent": N_("agent"),
    "category": N_("category"),
    "channel": N_("channel"),
    "tier": N_("tier"),
    "day": N_("day"),
}


class ReportsScreen(ModalScreen[None]):
    """`d` yesterday, `w` last week, `g` the next grouping; `esc` closes."""

    DEFAULT_CSS = """
    ReportsScreen { align: center middle; }
    ReportsScreen > Vertical { width: 120; max-width: 98%; height: 90%;
                               border: thick $accent; background: $surface; padding: 0 1; }
    ReportsScreen #report-title { height: auto; }
    ReportsScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape,q", "close", N_("Close"), id="dashboard.reports.close"),
        Binding("d", "kind('daily')", N_("Day"), id="dashboard.reports.daily"),
        Binding("w", "kind('weekly')", N_("Week"), id="dashboard.reports.weekly"),
        Binding("g", "next_grouping", N_("Group"), id="dashboard.reports.group"),
    ]

    @dataclass
    class Built(Message, bubble=False):
        report: Report

    @dataclass
    class Failed(Message, bubble=False):
        reason: str

    def __init__(self, desk: Desk, team: str | None) -> None:
        super().__init__()
        speak_bindings(self)
        self.desk = desk
        self.team = team
        self.kind = "daily"
        self.grouping = "priority"
        self.report: Report | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("reading…"), id="report-title")
            yield DataTable(zebra_stripes=True, cursor_type="row")

    def on_mount(self) -> None:
        self.build()

    @work(thread=True, exclusive=True, group="report")
    def build(self) -> None:
        from deskline.core.metrics import report

        try:
            policy = self.desk.refresh_policy()
            built = report.build(
                self.desk.store,
                self.desk.actor,
                policy.sla,
                policy.version,
                kind=self.kind,
                now=self.desk.now(),
                zone=report.zone_named(None),
                team=self.team,
            )
        except DesklineError as exc:
            self.post_message(self.Failed(without_keys(exc)))
            return
        self.post_message(self.Built(built))

    @on(Built)
    def built(self, message: Built) -> None:
        self.report = message.report
        self.show()

    @on(Failed)
    def failed(self, message: Failed) -> None:
        self.query_one("#report-title", Static).update(Text(message.reason))

    def show(self) -> None:
        from deskline.core.metrics.formats import shown, title_of

        if self.report is None:
            return
        name = f"by_{self.grouping}"
        tables = {t.name: t for t in self.report.tables}
        table = tables.get(name) or tables["by_priority"]
        title = Text(title_of(self.report))
        keys = _("d day, w week, g grouping ({grouping}), esc close").format(
            grouping=_(GROUPING_WORDS[self.grouping])
        )
        title.append(f"\n{table.title} — {keys}")
        self.query_one("#report-title", Static).update(title)
        grid = self.query_one(DataTable)
        grid.clear(columns=True)
        heads, rows = shown(tables["summary"])
        grid.add_columns(*heads)
        for row in shown(tables["summary"])[1] + shown(table)[1]:
            grid.add_row(*(Text(cell) for cell in row))  # Text: a name is never markup

    def action_close(self) -> None:
        self.dismiss()

    def action_kind(self, kind: str) -> None:
        if kind != self.kind:
            self.kind = kind
            self.query_one("#report-title", Static).update(_("reading…"))
            self.build()

    def action_next_grouping(self) -> None:
        groupings = [g for g in GROUPINGS if g != "day" or self.kind == "weekly"]
        i = groupings.index(self.grouping) if self.grouping in groupings else -1
        self.grouping = groupings[(i + 1) % len(groupings)]
        self.show()
