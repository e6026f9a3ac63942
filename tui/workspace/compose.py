"""Writing a reply or a note: a multi-line editor, ctrl+s (or ctrl+enter, where the terminal
sends it) to send, ctrl+r for a canned reply (a macro of the desk's policy), ctrl+k for the
text of a knowledge base article the ticket resembles, and escape that asks before it throws
away what was typed: nothing a person wrote is lost silently."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from deskline.core.desk.macros import Macro
from deskline.core.inert import one_line, visible
from deskline.core.kb.articles import ArticleView
from deskline.core.language import N_, _
from deskline.tui.language import speak_bindings
from deskline.tui.workspace.dialogs import DIALOG_CSS, Choose


@dataclass(frozen=True)
class Composed:
    """What was written, and the macro it started from (its status, priority and tags are
    set with it), if any."""

    text: str
    macro: str | None = None


class Discard(ModalScreen[bool]):
    """Throw away what was typed? (y or enter: yes; n or escape: back to it)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="Discard") + "Discard > Vertical { width: 50; }"
    BINDINGS = [
        Binding("y,enter", "answer(True)", N_("Discard"), show=False),
        Binding("n,escape", "answer(False)", N_("Keep writing"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        speak_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Discard what you typed?"), classes="title")
            yield Label(_("y discards · n or esc goes back to it"), classes="hint")

    def action_answer(self, discard: bool) -> None:
        self.dismiss(discard)


class ComposeText(ModalScreen[Composed | None]):
    """A reply or a note, several lines long; ``macros``: the canned ones ctrl+r offers
    (their text is filled in for this ticket by ``insert_macro``, asked for by the screen
    through ``on_macro``); ``articles``: the knowledge base's ones ctrl+k offers (read with
    the detail, so their text is here already)."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ComposeText")
        + """
    ComposeText > Vertical { width: 76; }
    ComposeText TextArea { height: 10; max-height: 50vh; }
    ComposeText #macro { color: $text-accent; height: auto; }
    """
    )
    BINDINGS = [
        Binding("ctrl+s,ctrl+enter", "send", N_("Send"), id="compose.send", priority=True),
        Binding("ctrl+r", "macros", N_("Macros"), id="compose.macros", priority=True),
        Binding("ctrl+k", "articles", N_("Articles"), id="compose.articles", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel"),
    ]

    def __init__(
        self,
        title: str,
        *,
        value: str = "",
        macros: Sequence[Macro] = (),
        macro: str | None = None,
        articles: Sequence[ArticleView] = (),
    ) -> None:
        super().__init__()
        speak_bindings(self)
        self.heading = title
        self.value = value
        self.macros = list(macros)
        self.articles = list(articles)
        self.macro: str | None = macro  # the macro the text came from (sets fields too)
        # Set by the screen: called with (this dialog, a macro's name) to fill its text in.
        self.on_macro: Callable[[ComposeText, str], None] | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.heading, classes="title", markup=False)
            yield TextArea(self.value, id="body", soft_wrap=True, show_line_numbers=False)
            yield Label("", id="macro")
            more = (_(" · ctrl+r macros") if self.macros else "") + (
                _(" · ctrl+k articles") if self.articles else ""
            )
            hint = _("ctrl+s sends · enter is a new line{more} · esc cancels").format(more=more)
            yield Label(hint, classes="hint", markup=False)

    def on_mount(self) -> None:
        body = self.query_one("#body", TextArea)
        body.focus()
        body.move_cursor(body.document.end)
        self.show_macro()

    @property
    def text(self) -> str:
        return self.query_one("#body", TextArea).text

    def show_macro(self) -> None:
        label = self.query_one("#macro", Label)
        found = next((m for m in self.macros if m.name == self.macro), None)
        if found is None:
            label.update("")
            label.display = False
            return
        sets = found.sets()
        line = _("macro {name}").format(name=found.name) + (
            _(": also sets {changes}").format(changes=sets) if sets else ""
        )
        label.update(Content(visible(line)))
        label.display = True

    def action_send(self) -> None:
        if not self.text.strip():
            self.notify(_("write something first, or esc to cancel"), severity="warning")
            return
        self.dismiss(Composed(self.text, self.macro))

    def action_macros(self) -> None:
        if not self.macros:
            said = _("no macros: the desk's policy has no [[macro]] of this kind")
            self.notify(said, timeout=4, markup=False)
            return
        choices = [(m.name, f"{m.name}  {m.sets()}".strip()) for m in self.macros]

        def chosen(name: str | None) -> None:
            if name and self.on_macro is not None:
                self.on_macro(self, name)

        self.app.push_screen(Choose(_("Macros"), choices, typed=True), chosen)

    def action_articles(self) -> None:
        if not self.articles:
            self.notify(_("no published article resembles this ticket"), timeout=4)
            return
        choices = [(a.key, one_line(f"{a.key}  {a.title}")) for a in self.articles]

        def chosen(key: str | None) -> None:
            found = next((a for a in self.articles if a.key == key), None)
            if found is not None and self.is_attached:
                self.put_in(found.body.strip())

        self.app.push_screen(Choose(_("Knowledge base"), choices, typed=True), chosen)

    def insert_macro(self, name: str, text: str) -> None:
        """A macro's text, filled in for this ticket (see ``put_in``)."""
        if not self.is_attached:
            return
        self.put_in(text)
        self.macro = name
        self.show_macro()

    def put_in(self, text: str) -> None:
        """``text`` replaces an empty editor, else goes in at the cursor, on a line of its
        own (what was typed stays)."""
        body = self.query_one("#body", TextArea)
        if body.text.strip():
            row, column = body.cursor_location
            before = body.document.get_line(row)[:column]
            body.insert(("\n" if before.strip() else "") + text)
        else:
            body.load_text(text)
            body.move_cursor(body.document.end)
        body.focus()

    @on(TextArea.Changed, "#body")
    def edited(self) -> None:
        """Emptied: it no longer comes from a macro."""
        if self.macro is not None and not self.text.strip():
            self.macro = None
            self.show_macro()

    def action_cancel(self) -> None:
        if not self.text.strip():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(Discard(), answered)
