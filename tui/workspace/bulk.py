"""Bulk work in the workspace: the tickets marked in the queue (space, V) get one action
(assign, status, priority, tag, macro), each ticket its own change made by core in a thread;
what was refused is listed with its reason, and stays marked to try again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from deskline.core.desk import bulk, fields, macros, workflow
from deskline.core.desk.bulk import Report
from deskline.core.inert import visible
from deskline.core.language import N_, _
from deskline.tui.language import priority_word, speak_bindings, status_word
from deskline.tui.workspace.dialogs import DIALOG_CSS, Choose, TextEntry


class Workspace(Protocol):
    """What bulk work needs of the workspace screen (which imports this module)."""

    desk: Any  # the Desk
    queue_view: Any  # the QueueView, whose marks these are
    pump: Any  # the ChangePump, told to look once the changes are in

    @property
    def app(self) -> Any: ...

    def notify(self, message: str, **options: Any) -> None: ...

    def run_worker(self, work: Callable[[], None], **options: Any) -> Any: ...


ACTIONS = (
    ("assign", N_("assign to an agent")),
    ("status", N_("change status")),
    ("priority", N_("change priority")),
    ("tag", N_("add or remove tags")),
    ("macro", N_("apply a macro")),
    ("clear", N_("clear the marks")),
)


def summary(what: str, report: Report) -> str:
    """One line, in the workspace's language: how many got ``what``, how many were refused."""
    line = _("{what}: {done} of {count} ticket(s)").format(
        what=what, done=len(report.applied), count=len(report.outcomes)
    )
    if report.refused:
        line += _(", {count} refused").format(count=len(report.refused))
    return line


class BulkReport(ModalScreen[None]):
    """What a bulk action refused: each key with its reason."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="BulkReport")
        + "BulkReport VerticalScroll { height: auto; max-height: 14; }"
    )
    BINDINGS = [Binding("escape,enter", "close", N_("Close"), id="dialog.cancel")]

    def __init__(self, what: str, report: Report) -> None:
        super().__init__()
        speak_bindings(self)
        self.what = what
        self.report = report

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(visible(summary(self.what, self.report))), classes="title")
            with VerticalScroll():
                for outcome in self.report.refused:
                    why = outcome.refused
                    if outcome.error is not None:
                        why = self.app.in_app(outcome.error).replace("\n", " ")  # type: ignore[attr-defined]
                    line = f"{outcome.key}  {why}"
                    yield Static(Content(visible(line)), classes="refused")
            yield Label(_("the refused stay marked · enter or esc closes"), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)


class BulkFlow:
    """The dialogs of one bulk action on the screen's marked tickets, then the changes."""

    def __init__(self, screen: Workspace, numbers: Sequence[int]) -> None:
        self.screen = screen
        self.desk = screen.desk
        self.keys = [f"T-{n}" for n in numbers]

    def start(self) -> None:
        title = _("{count} marked: do what?").format(count=len(self.keys))
        actions = [(action, _(label)) for action, label in ACTIONS]
        self.screen.app.push_screen(Choose(title, actions), self.chosen)

    def chosen(self, action: str | None) -> None:
        if action == "clear":
            self.screen.queue_view.set_marks(set())
        elif action is not None:
            getattr(self, f"ask_{action}")()

    def ask(self, title: str, choices: Sequence[tuple[str, str]], then: Callable[[str], None]):
        def chosen(value: str | None) -> None:
            if value:
                then(value)

        typed = len(choices) > 6
        self.screen.app.push_screen(Choose(title, choices, typed=typed), chosen)

    def why(self, title: str, then: Callable[[str], None]) -> None:
        def given(reason: str | None) -> None:
            if reason and reason.strip():
                then(reason.strip())

        self.screen.app.push_screen(TextEntry(title), given)

    def ask_assign(self) -> None:
        app = self.screen.app

        def chosen(handle: str | None) -> None:
            if handle:
                what = _("assigned to {handle}").format(handle=handle)
                self.run(what, lambda key: self.desk.assign(key, handle))

        # Open at once, so what is typed goes to it; the agents follow from a thread.
        dialog = Choose(_("Assign {count} to").format(count=len(self.keys)), None, typed=True)
        app.push_screen(dialog, chosen)

        def read() -> None:
            agents = app.roster()  # type: ignore[attr-defined]
            nobody = _("no team")
            choices = [(a.handle, f"{a.handle} — {a.name} ({a.team or nobody})") for a in agents]
            app.call_from_thread(dialog.fill, choices)

        self.screen.run_worker(read, thread=True, group="choices")

    def ask_status(self) -> None:
        choices = [(s.value, status_word(s.value)) for s in workflow.Status]

        def to(status: str) -> None:
            def move(reason: str | None) -> None:
                self.run(
                    _("now {status}").format(status=status_word(status)),
                    lambda key: self.desk.transition(key, status, reason=reason),
                )

            if status == workflow.Status.RESOLVED.value:
                self.why(_("Resolve {count}: the solution").format(count=len(self.keys)), move)
            else:
                move(None)

        self.ask(_("{count} tickets →").format(count=len(self.keys)), choices, to)

    def ask_priority(self) -> None:
        choices = [(p, f"{p} {priority_word(p)}") for p in fields.PRIORITIES]

        def to(priority: str) -> None:
            self.why(
                _("{count} tickets → {priority}, because").format(
                    count=len(self.keys), priority=priority
                ),
                lambda reason: self.run(
                    _("priority {priority}").format(priority=priority),
                    lambda key: self.desk.change_priority(key, priority, reason=reason),
                ),
            )

        self.ask(_("Priority of {count} →").format(count=len(self.keys)), choices, to)

    def ask_tag(self) -> None:
        def given(words: str | None) -> None:
            if not words or not words.strip():
                return
            try:
                add, remove = macros.tag_changes(words.split())
            except ValueError as exc:
                self.screen.notify(visible(str(exc)), severity="error", markup=False)
                return
            said = " ".join([*(f"+{t}" for t in add), *(f"-{t}" for t in remove)])
            what = _("tags {changes}").format(changes=said)
            self.run(what, lambda key: self.desk.tag(key, add, remove))

        title = _("Tags of {count}").format(count=len(self.keys))
        entry = TextEntry(title, placeholder="+billing -new")
        self.screen.app.push_screen(entry, given)

    def ask_macro(self) -> None:
        found = self.desk.policy.macros
        if not found:
            said = _("no macros: the desk's policy has no [[macro]]")
            self.screen.notify(said, timeout=4, markup=False)
            return
        choices = [(m.name, f"{m.name}  ({m.kind}) {m.sets()}".strip()) for m in found]
        self.ask(
            _("Macro for {count}").format(count=len(self.keys)),
            choices,
            lambda name: self.run(
                _("macro {name}").format(name=name), lambda key: self.desk.apply_macro(key, name)
            ),
        )

    def run(self, what: str, change: Callable[[str], object]) -> None:
        """Each change in a thread of its own, the report shown when all are done."""
        screen = self.screen

        def work() -> None:
            report = bulk.each(self.keys, change)
            screen.app.call_from_thread(self.done, what, report)

        screen.run_worker(work, thread=True, group="bulk", name=f"bulk {what}")

    def done(self, what: str, report: Report) -> None:
        screen = self.screen
        refused = {fields.ticket_number(o.key) for o in report.refused if _is_key(o.key)}
        screen.queue_view.set_marks(refused)
        screen.pump.look_now()
        if report.refused:
            screen.app.push_screen(BulkReport(what, report))
        else:
            screen.notify(visible(summary(what, report)), timeout=4, markup=False)


def _is_key(key: str) -> bool:
    return bool(bulk.KEY.match(key))
