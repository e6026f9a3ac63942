"""The small modal dialogs of the workspace: pick one, type a text, escalate, quick create."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from deskline.core.desk import fields
from deskline.core.desk.templates import Draft, Template, TemplateNeeds, apply
from deskline.core.errors import DesklineError
from deskline.core.inert import visible
from deskline.core.language import N_, _
from deskline.tui.language import channel_word, speak_bindings

AUTO = "auto"  # the quick-create priority that lets triage decide

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 70; max-width: 95%; height: auto; max-height: 90%;
    border: thick $accent; background: $surface; padding: 0 1;
}}
{name} .title {{ text-style: bold; width: 1fr; margin-bottom: 1; }}
{name} .hint {{ color: $text-muted; margin-top: 1; }}
{name} Input, {name} Select {{ margin-bottom: 0; }}
"""


def option(value: str, label: str) -> Option:
    """A choice whose label (names, teams: data) is plain text, never markup."""
    return Option(Content(visible(label)), id=value)


class Choose(ModalScreen[str | None]):
    """Pick one of a few choices (status, priority, view, agent), optionally filtering by typing.

    ``choices`` None: they are being read; it opens at once and takes what is typed, and
    ``fill`` brings them (an enter typed before then is answered then)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="Choose")
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel")]

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[str, str]] | None,
        *,
        typed: bool = False,
        hint: str = N_("enter chooses · esc cancels"),
    ) -> None:
        super().__init__()
        speak_bindings(self)
        self.heading = title
        self.choices = list(choices or ())  # (value, label)
        self.filled = choices is not None
        self.typed = typed
        self.hint = _(hint)
        self._entered: str | None = None  # enter pressed on this text before the choices came

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.heading, classes="title", markup=False)
            if self.typed:
                yield Input(
                    placeholder=_("type to narrow, enter takes the first"),
                    suggester=SuggestFromList([v for v, _ in self.choices], case_sensitive=False),
                    id="choose-filter",
                )
            yield OptionList(*[option(value, label) for value, label in self.choices])
            yield Label(self.hint, classes="hint", markup=False)

    def on_mount(self) -> None:
        if self.typed:
            self.query_one("#choose-filter", Input).focus()
        else:
            self.query_one(OptionList).focus()

    def fill(self, choices: Sequence[tuple[str, str]]) -> None:
        """The choices, read meanwhile; narrowed by what was typed so far."""
        if not self.is_attached:  # cancelled before they came
            return
        self.choices, self.filled = list(choices), True
        typed = ""
        if self.typed:
            box = self.query_one("#choose-filter", Input)
            box.suggester = SuggestFromList([v for v, _ in self.choices], case_sensitive=False)
            typed = box.value
        self.narrow_to(typed)
        if self._entered is not None:
            self.take(self._entered)

    @on(Input.Changed, "#choose-filter")
    def narrow(self, event: Input.Changed) -> None:
        self.narrow_to(event.value)

    def narrow_to(self, text: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        words = text.lower().split()
        options.add_options(
            option(value, label)
            for value, label in self.choices
            if all(w in f"{value} {label}".lower() for w in words)
        )
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#choose-filter")
    def take_first(self, event: Input.Submitted) -> None:
        self.take(event.value)

    def take(self, value: str) -> None:
        if not self.filled:
            self._entered = value
            return
        self._entered = None
        options = self.query_one(OptionList)
        exact = [v for v, _ in self.choices if v.lower() == value.strip().lower()]
        if exact:
            self.dismiss(exact[0])
        elif options.option_count:
            index = options.highlighted or 0
            self.dismiss(options.get_option_at_index(index).id)
        else:
            said = _("no match for {typed}").format(typed=repr(value))
            # titled as the dialog, so it is not taken for someone else's toast
            self.notify(visible(said), title=self.heading, severity="warning", markup=False)

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextEntry(ModalScreen[str | None]):
    """One line of text: a reply, a note, a reason. What was typed can be given back."""

    DEFAULT_CSS = DIALOG_CSS.format(name="TextEntry")
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel")]

    def __init__(self, title: str, *, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        speak_bindings(self)
        self.heading = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.heading, classes="title", markup=False)
            yield Input(value=self.value, placeholder=self.placeholder, id="entry")
            yield Label(_("enter saves · esc cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#entry", Input).focus()

    @on(Input.Submitted, "#entry")
    def save(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.notify(_("write something first, or esc to cancel"), severity="warning")
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FormField(Input):
    """A one-line answer of a form. A paste keeps every line of it here, on one line (an
    Input keeps its first line only), so nothing pasted is lost or lands in another field."""

    def _on_paste(self, event: events.Paste) -> None:
        line = " ".join(part.strip() for part in event.text.splitlines() if part.strip())
        if line:
            if self.selection.is_empty:
                self.insert_text_at_cursor(line)
            else:
                self.replace(line, *self.selection)
        event.stop()
        event.prevent_default()  # not Input's own handler too


class EscalateForm(ModalScreen[dict[str, str] | None]):
    """Why escalate, what was done so far, what help is needed (all three required), and
    whom to tell (empty: the next role up).

    Enter moves on to the next field at once, in the order the keys came: it is a priority
    binding, so the app runs it before it hands the next key or paste to a field, and
    whatever follows it goes to the next field however fast it comes (a paste, then enter,
    then more). Enter on the last field saves, once each field has taken what was sent to it,
    or goes back to the first answer missing."""

    # compact fields, a line each under its question: the form and its hint fit 80x24
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="EscalateForm") + "EscalateForm FormField { margin-bottom: 1; }"
    )
    BINDINGS = [
        Binding("enter", "next_field", N_("Next"), id="escalate.next", show=False, priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel"),
    ]
    FIELDS = (
        ("reason", N_("Why escalate?")),
        ("progress", N_("What has been done so far?")),
        ("help_needed", N_("What help is needed?")),
    )
    TARGET = ("to", N_("Tell whom? handle, team:NAME, role:director (empty: the next role up)"))

    def __init__(
        self, title: str, values: dict[str, str] | None = None, *, focus: str | None = None
    ) -> None:
        """``values``: what was typed before (a refusal opens the form again with it), and
        ``focus`` the field the refusal was about."""
        super().__init__()
        speak_bindings(self)
        self.heading = title
        self.values = values or {}
        self.start = focus

    def on_mount(self) -> None:
        names = [name for name, _ in (*self.FIELDS, self.TARGET)]
        if self.start in names:
            self.set_focus(self.query_one(f"#{self.start}", FormField))

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.heading, classes="title", markup=False)
            for name, prompt in (*self.FIELDS, self.TARGET):
                yield Label(_(prompt), markup=False)
                yield FormField(value=self.values.get(name) or "", compact=True, id=name)
            hint = _("enter moves on and saves on the last field · esc cancels")
            yield Label(hint, classes="hint")

    def action_next_field(self) -> None:
        fields = list(self.query(FormField))
        here = self.focused
        if here in fields and here is not fields[-1]:
            self.set_focus(fields[fields.index(here) + 1])  # now: the next key goes there
            return
        self._once_taken(fields, self._save)

    def _once_taken(self, fields: list[FormField], then: Callable[[], None]) -> None:
        """``then``, after each field handled the keys and pastes already sent to it."""
        if not fields:
            then()
            return
        fields[0].call_later(self._once_taken, fields[1:], then)

    def _save(self) -> None:
        if not self.is_attached:
            return
        values = {name: self.query_one(f"#{name}", Input).value for name, _ in self.FIELDS}
        missing = [name for name, value in values.items() if not value.strip()]
        if missing:
            self.set_focus(self.query_one(f"#{missing[0]}", Input))
            self.notify(_("all three are needed"), severity="warning")
            return
        target = self.query_one(f"#{self.TARGET[0]}", Input).value.strip()
        self.dismiss(dict(values, to=target) if target else values)

    def action_cancel(self) -> None:
        self.dismiss(None)


class QuickCreate(ModalScreen[dict[str, Any] | None]):
    """A new ticket from a phone call or a chat: title and enter is enough."""

    # One line a field, each named on its left (compact widgets, as the edit dialog's), so
    # the whole form and its hint fit 80x24 with a template picker too.
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="QuickCreate")
        + """
    QuickCreate > Vertical { width: 76; }
    QuickCreate Horizontal { height: 1; margin-bottom: 1; }
    QuickCreate Label.field { width: 10; color: $text-muted; }
    QuickCreate Label.beside { width: 9; padding-left: 1; color: $text-muted; }
    QuickCreate Input, QuickCreate Select { width: 1fr; }
    QuickCreate Checkbox { width: auto; margin-left: 1; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel")]

    def __init__(
        self,
        *,
        categories: Sequence[str] = (),
        customers: Sequence[str] = (),
        templates: Sequence[Template] = (),
    ) -> None:
        """``categories`` and ``customers`` are suggested as typed (or later: ``suggest``)."""
        super().__init__()
        speak_bindings(self)
        self.categories = list(categories)
        self.customers = list(customers)
        self.templates = {t.name: t for t in templates}

    def suggest(self, categories: Sequence[str], customers: Sequence[str]) -> None:
        """What the category and customer fields suggest, read meanwhile."""
        self.categories, self.customers = list(categories), list(customers)
        for name, values in (("category", self.categories), ("customer", self.customers)):
            for box in self.query(f"#{name}").results(Input):  # none once it closed
                box.suggester = SuggestFromList(values, case_sensitive=False)

    def compose(self) -> ComposeResult:
        def named(text: str, classes: str = "field") -> Label:
            return Label(text, classes=classes, markup=False)

        def suggesting(name: str, placeholder: str, values: Sequence[str]) -> Input:
            suggester = SuggestFromList(values, case_sensitive=False)
            return Input(placeholder=placeholder, suggester=suggester, compact=True, id=name)

        with Vertical():
            yield Label(_("New ticket"), classes="title")
            if self.templates:
                with Horizontal():
                    yield named(_("template"))
                    yield Select(
                        [(name, name) for name in self.templates],
                        prompt=_("none"),
                        compact=True,
                        id="template",
                    )
            with Horizontal():
                yield named(_("title"))
                # the cursor after a template's prefix, not all of it selected to type over
                yield Input(
                    placeholder=_("required"), compact=True, select_on_focus=False, id="title"
                )
            with Horizontal():
                yield named(_("priority"))
                yield Select(
                    [(_("by triage"), AUTO), *[(p, p) for p in fields.PRIORITIES]],
                    value=AUTO,
                    allow_blank=False,
                    compact=True,
                    id="priority",
                )
                yield named(_("channel"), "beside")
                yield Select(
                    [(channel_word(c), c) for c in fields.CHANNELS],
                    value="phone",
                    allow_blank=False,
                    compact=True,
                    id="channel",
                )
            with Horizontal():
                yield named(_("category"))
                yield suggesting("category", _("e.g. Account/Login/Locked"), self.categories)
            with Horizontal():
                yield named(_("customer"))
                yield suggesting("customer", _("a known one is suggested"), self.customers)
                yield Checkbox("VIP", compact=True, id="vip")
            with Horizontal():
                yield named(_("text"))
                yield Input(placeholder=_("description"), compact=True, id="description")
            yield Label(_("enter creates · tab moves · esc cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    @on(Select.Changed, "#template")
    def fill_from_template(self, event: Select.Changed) -> None:
        template = self.templates.get(str(event.value))
        if not template:
            return
        title = self.query_one("#title", Input)
        prefix = template.title_prefix
        if prefix and not title.value.startswith(prefix):
            title.value = prefix + title.value
        if template.category:
            self.query_one("#category", Input).value = template.category
        if template.description:
            self.query_one("#description", Input).value = template.description
        if template.priority:
            self.query_one("#priority", Select).value = template.priority
        if template.channel:
            self.query_one("#channel", Select).value = template.channel
        # Focus stays on the picker, where the agent is: tab goes on to the title, next.
        title.cursor_position = len(title.value)

    def _complete_half_typed(self) -> bool:
        """A customer or category typed in part, that the field suggests whole ("Glo" for
        Globex): completed to the suggestion instead of saved as a new one (True: enter
        again creates)."""
        for name, known in (("customer", self.customers), ("category", self.categories)):
            box = self.query_one(f"#{name}", Input)
            typed = box.value.strip()
            if not typed or any(k.casefold() == typed.casefold() for k in known):
                continue
            whole = next((k for k in known if k.casefold().startswith(typed.casefold())), None)
            if whole is not None:
                box.value = whole
                box.cursor_position = len(whole)
                said = _("{field} completed to {whole}: enter again creates")
                field = _("customer") if name == "customer" else _("category")
                self.notify(visible(said.format(field=field, whole=whole)), timeout=4, markup=False)
                return True
        return False

    @on(Input.Submitted)
    def create(self) -> None:
        if self._complete_half_typed():
            return
        title = self.query_one("#title", Input).value
        if not title.strip():
            self.query_one("#title", Input).focus()
            self.notify(_("a ticket needs a title"), severity="warning")
            return
        text = {
            n: self.query_one(f"#{n}", Input).value.strip()
            for n in ("category", "customer", "description")
        }
        priority = str(self.query_one("#priority", Select).value)
        draft = Draft(
            title=title,
            priority=None if priority == AUTO else priority,  # None: triage decides
            category=text["category"] or None,
            customer=text["customer"] or None,
            channel=str(self.query_one("#channel", Select).value),
            description=text["description"],
        )
        if self.templates:
            template = self.templates.get(str(self.query_one("#template", Select).value))
            if template is not None:
                try:
                    draft = apply(template, draft)  # presets, tags and required fields
                except TemplateNeeds as exc:
                    said = self.app.in_app(exc)  # type: ignore[attr-defined]
                    self.notify(visible(said), severity="warning", markup=False)
                    for box in self.query(f"#{exc.missing[0]}").results(Input):
                        box.focus()
                    return
                except DesklineError as exc:
                    said = self.app.in_app(exc)  # type: ignore[attr-defined]
                    self.notify(visible(said), severity="warning", markup=False)
                    return
        self.dismiss(
            {
                "title": draft.title,
                "priority": draft.priority,
                "channel": draft.channel or "phone",
                "category": draft.category,
                "customer": draft.customer,
                "vip": self.query_one("#vip", Checkbox).value,
                "description": draft.description,
                "tags": draft.tags,
                "impact": draft.impact,
            }
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
