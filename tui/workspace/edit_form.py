"""The edit dialog (``E``): the selected ticket's title, description (several lines, as the
reply editor), category, tags, customer and channel, given back as an Edit of what was
changed only."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Select, TextArea

from deskline.core.desk import fields
from deskline.core.desk.edits import Edit
from deskline.core.desk.views import TicketView
from deskline.core.inert import one_line, visible
from deskline.core.language import N_, _
from deskline.tui.language import channel_word, speak_bindings
from deskline.tui.workspace.dialogs import DIALOG_CSS

TEXTS = ("title", "description", "category", "tags", "customer")


def shown(ticket: TicketView) -> dict[str, str]:
    """What the fields start with: the ticket's text made inert (a customer's words), on one
    line (the description keeps its lines); a field left as it was is not sent back."""
    return {
        "title": one_line(ticket.title),
        "description": visible(ticket.description),
        "category": one_line(ticket.category or ""),
        "tags": one_line(", ".join(ticket.tags)),
        "customer": one_line(ticket.customer or ""),
    }


def changed_between(seen: TicketView, now: TicketView) -> tuple[str, ...]:
    """The fields of the form whose text differs between two versions of a ticket."""
    before, after = shown(seen), shown(now)
    found = [name for name in TEXTS if before[name] != after[name]]
    return (*found, "channel") if seen.channel != now.channel else tuple(found)


def edit_of(before: dict[str, str], after: dict[str, str], channels: tuple[str, str]) -> Edit:
    """The Edit of the fields whose text changed (tags: what was added and removed)."""
    changed = {name: after[name] for name in TEXTS if after[name].strip() != before[name].strip()}
    tags: list[str] = []
    if "tags" in changed:
        old = [t.strip().lower() for t in before["tags"].split(",") if t.strip()]
        new = [t.strip().lower() for t in after["tags"].split(",") if t.strip()]
        tags = [f"-{t}" for t in old if t not in new] + [f"+{t}" for t in new if t not in old]
    return Edit(
        title=changed.get("title"),
        description=changed.get("description"),
        category=changed.get("category"),
        tags=tuple(tags),
        customer=changed.get("customer"),
        channel=channels[1] if channels[1] != channels[0] else None,
    )


class EditForm(ModalScreen[Edit | None]):
    """Edit a ticket's fields; enter saves what changed (in the description enter is a new
    line: ctrl+s saves there, and anywhere); category and customer: ones the desk has,
    suggested as typed; empty: none."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="EditForm")
        + """
    EditForm > Vertical { width: 76; }
    EditForm Horizontal { height: 1; }
    EditForm Horizontal.text { height: 5; margin: 1 0; }
    EditForm Label.field { width: 10; color: $text-muted; }
    EditForm Input, EditForm Select, EditForm TextArea, EditForm .hint { width: 1fr; }
    EditForm TextArea { height: 5; }
    EditForm .changed { color: $warning; margin-bottom: 1; }
    """
    )
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="edit.save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel"),
    ]
    PROMPTS = {
        "title": N_("title"),
        "description": N_("text"),
        "category": N_("category"),
        "tags": N_("tags"),
        "customer": N_("customer"),
    }

    def __init__(
        self,
        ticket: TicketView,
        categories: Sequence[str] = (),
        customers: Sequence[str] = (),
        *,
        typed: dict[str, str] | None = None,
        changed: Sequence[str] = (),
    ) -> None:
        """``typed``: what was typed before over an older version of ``ticket`` (a stale
        edit opens the form again with it, over the ticket as it is now); ``changed``: the
        fields someone else changed meanwhile, said above the form."""
        super().__init__()
        speak_bindings(self)
        self.ticket = ticket
        self.before = shown(ticket)
        self.start = {**self.before, **(typed or {})}
        self.changed = tuple(changed)
        self.categories, self.customers = list(categories), list(customers)
        self.sent: dict[str, str] = {}  # what was typed when it saved (all fields, channel too)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Edit {key}").format(key=self.ticket.key), classes="title")
            if self.changed:
                words = ", ".join(_(self.PROMPTS.get(name, N_("channel"))) for name in self.changed)
                said = _("changed meanwhile by someone else: {fields}; what you typed is kept")
                yield Label(said.format(fields=words), classes="changed", markup=False)
            for name, prompt in self.PROMPTS.items():
                if name == "description":
                    with Horizontal(classes="text"):
                        yield Label(_(prompt), classes="field")
                        yield TextArea(
                            self.start[name],
                            soft_wrap=True,
                            compact=True,
                            id=f"edit-{name}",
                        )
                    continue
                with Horizontal():
                    yield Label(_(prompt), classes="field")
                    yield Input(
                        value=self.start[name],
                        compact=True,
                        select_on_focus=False,  # the cursor at the end: add to the text
                        id=f"edit-{name}",
                    )
            with Horizontal():
                yield Label(_("channel"), classes="field")
                yield Select(
                    [(channel_word(c), c) for c in fields.CHANNELS],
                    value=self.start.get("channel", self.ticket.channel),
                    allow_blank=False,
                    compact=True,
                    id="edit-channel",
                )
            yield Label(
                _(
                    "enter saves (in the text a new line: ctrl+s saves) · tab moves · tags: "
                    "comma-separated · empty category or customer: none · esc cancels"
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.suggest(self.categories, self.customers)
        self.query_one("#edit-title", Input).focus()

    def suggest(self, categories: Sequence[str], customers: Sequence[str]) -> None:
        """What the category and customer fields suggest, read meanwhile."""
        self.categories, self.customers = list(categories), list(customers)
        for name, values in (("category", self.categories), ("customer", self.customers)):
            for box in self.query(f"#edit-{name}").results(Input):  # none once it closed
                box.suggester = SuggestFromList(values, case_sensitive=False)

    def typed(self) -> dict[str, str]:
        """Each text field as it is now (the description with its lines)."""
        after = {
            name: self.query_one(f"#edit-{name}", Input).value
            for name in TEXTS
            if name != "description"
        }
        after["description"] = self.query_one("#edit-description", TextArea).text
        return after

    @on(Input.Submitted)
    def action_save(self) -> None:
        after = self.typed()
        channel = str(self.query_one("#edit-channel", Select).value)
        edit = edit_of(self.before, after, (self.ticket.channel, channel))
        self.sent = {**after, "channel": channel}
        if edit.is_empty():
            said = _("nothing changed: edit a field, or esc to cancel")
            self.notify(said, severity="warning")
            return
        self.dismiss(edit)

    def action_cancel(self) -> None:
        self.dismiss(None)
