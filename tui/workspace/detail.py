"""The ticket detail pane: every field, the conversation and the audit timeline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from deskline.core.desk.views import TicketView
from deskline.core.inert import visible
from deskline.core.language import N_, _
from deskline.themes.palette import colour_of
from deskline.tui.language import channel_word, link_word, speak_bindings, status_word
from deskline.tui.times import local

KIND_LABEL = {
    "reply": N_("reply"),
    "note": N_("internal note"),
    "system": N_("system"),
    "customer": N_("from the customer"),
}
# The timeline's events said as words (the stored kind stays as it is: its key).
EVENT_WORDS = {
    "created": N_("created"),
    "triaged": N_("triaged"),
    "assigned": N_("assigned"),
    "taken": N_("taken"),
    "status": N_("status"),
    "reply": N_("reply"),
    "note": N_("note"),
    "edited": N_("edited"),
    "priority": N_("priority"),
    "tags": N_("tags"),
    "escalated": N_("escalated"),
    "restored": N_("restored"),
    "reopened": N_("reopened"),
    "customer_reply": N_("customer replied"),
    "merged": N_("merged"),
    "merged_in": N_("merged in"),
    "linked": N_("linked"),
    "unlinked": N_("unlinked"),
    "handed_back": N_("handed back"),
    "auto_closed": N_("closed automatically"),
}
# The fields an event changed, by their keys.
FIELD_WORDS = {
    "status": N_("status"),
    "priority": N_("priority"),
    "assignee": N_("assignee"),
    "team": N_("team"),
    "tags": N_("tags"),
    "title": N_("title"),
    "description": N_("description"),
    "category": N_("category"),
    "customer": N_("customer"),
    "channel": N_("channel"),
    "escalation_level": N_("escalation"),
}


def _word(table: Mapping[str, str], key: str) -> str:
    word = table.get(key)
    return _(word) if word else key.replace("_", " ")


_FIELD_ORDER = {key: i for i, key in enumerate(FIELD_WORDS)}


def _field_order(key: str) -> tuple[int, str]:
    return (_FIELD_ORDER.get(key, len(_FIELD_ORDER)), key)


def _change(key: str, old: object, new: object) -> str:
    """One field an event changed, ``status new → in progress``: statuses said as words."""

    def said(value: object) -> str:
        if not value:
            return "—"
        return status_word(str(value)) if key == "status" else str(value)

    return f"{_word(FIELD_WORDS, key)} {said(old)} → {said(new)}"


def describe(t: TicketView, colours: Mapping[str, str]) -> RenderableType:
    """All of a ticket, as the detail pane shows it, in the theme's ``colours``."""
    note = Style(color=colour_of(colours, "warning"))
    reply = Style(color=colour_of(colours, "primary"))
    head = Text.assemble((f"{t.key} ", "bold"), (f"{t.priority} ", "bold"), visible(t.title))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    customer = (t.customer or "—") + (" ★ VIP" if t.vip else "")
    status = status_word(t.status)
    if t.archived_at is not None:
        status += _(", archived {at} (read-only)").format(at=local(t.archived_at))
    level = _("level {level}").format(level=t.escalation_level)
    for name, label, value in (
        ("status", _("status"), status),
        ("assignee", _("assignee"), t.assignee or "— " + _("unassigned")),
        ("team", _("team"), t.team or "—"),
        ("customer", _("customer"), customer),
        ("category", _("category"), t.category or "—"),
        ("channel", _("channel"), channel_word(t.channel)),
        ("tags", _("tags"), ", ".join(t.tags) or "—"),
        ("created", _("created"), local(t.created_at)),
        ("escalation", _("escalation"), level if t.escalation_level else _("none")),
        ("reopened", _("reopened"), f"{t.reopen_count}×" if t.reopen_count else _("never")),
    ):
        grid.add_row(label, Text(visible(value)))  # a Text: a str cell would be read as markup
        if name == "customer" and t.requester:
            grid.add_row(_("requester"), Text(visible(t.requester)))
            if t.cc:
                grid.add_row("cc", Text(visible(", ".join(t.cc))))
            if t.requester_open:
                grid.add_row(_("their open"), Text(visible("\n".join(t.requester_open))))
    if t.links:
        grid.add_row(_("links"), Text(visible(", ".join(link_word(x) for x in t.links))))
    parts: list[RenderableType] = [head, grid]
    if t.description:
        parts += [Text(""), Text(visible(t.description))]
    if t.comments:
        parts += [Text(""), Text(_("Conversation"), style="bold underline")]
        for c in t.comments:
            internal = c.kind == "note"
            label = _word(KIND_LABEL, c.kind)
            marker = "▌" if internal else "│"
            parts.append(
                Text.assemble(
                    (f"{marker} ", note if internal else reply),
                    (
                        visible(
                            f"{local(c.created_at)} {c.author or _nobody(c.kind, t)} · {label}"
                        ),
                        "dim",
                    ),
                )
            )
            body_style = note + Style(italic=True) if internal else ""
            parts.append(Text(visible(f"{marker} {c.body}"), style=body_style))
    if t.events:
        parts += [Text(""), Text(_("Timeline"), style="bold underline")]
        for e in t.events:
            change = ""
            if e.old and e.new:
                # in one order whatever the store kept (an imported or demo event's fields
                # come sorted by name): FIELD_WORDS's, then by name
                keys = sorted((k for k in e.new if k in e.old), key=_field_order)
                change = "; ".join(_change(k, e.old[k], e.new[k]) for k in keys)
            why = f" — {e.reason}" if e.reason else ""
            parts.append(
                Text.assemble(
                    (f"{local(e.at)} ", "dim"),
                    (visible(f"{e.actor or 'deskline'} "), ""),
                    (_word(EVENT_WORDS, e.kind), "bold"),
                    (visible(f" {change}") if change else "", ""),
                    (visible(why), "italic"),
                )
            )
    return Group(*parts)


def _nobody(kind: str, t: TicketView) -> str:
    """Who wrote a comment with no agent: the requester when it came from them."""
    return (t.requester or _("the customer")) if kind == "customer" else "deskline"


class DetailPane(VerticalScroll, can_focus=True):
    """The selected ticket; scrolls with the keys when focused (enter from the queue), and
    starts at its top whenever another ticket comes in."""

    BINDINGS = [
        Binding("j", "scroll_down", N_("Down"), show=False),
        Binding("k", "scroll_up", N_("Up"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        speak_bindings(self)

    DEFAULT_CSS = """
    DetailPane { height: 1fr; border-top: solid $primary-background; padding: 0 1; }
    DetailPane:focus { border-top: solid $accent; }
    DetailPane .presence { display: none; color: $text-warning; text-style: bold; }
    DetailPane .presence.here { display: block; }
    DetailPane .articles { display: none; margin-bottom: 1; }
    DetailPane .articles.found { display: block; }
    """

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("", id="detail-presence", classes="presence")
        yield Static("", id="detail-articles", classes="articles")
        yield Static(_("No ticket selected"), id="detail-body")

    ticket: TicketView | None = None

    def on_mount(self) -> None:
        # Another theme: draw the same ticket again in its colours.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show(self.ticket))

    def show_presence(self, line: str) -> None:
        """Who else has this ticket open or is writing on it ("": nobody, no line)."""
        box = self.query_one("#detail-presence", Static)
        box.update(Text(visible(_("also here: {who}").format(who=line)) if line else ""))
        box.set_class(bool(line), "here")

    def show_articles(self, lines: Sequence[str]) -> None:
        """The knowledge base's articles the ticket resembles, a line each (none: no
        section); the lines are inert already, and never read as markup."""
        box = self.query_one("#detail-articles", Static)
        heading = Text(_("Knowledge base"), style="bold underline")
        box.update(Text("\n").join([heading, *(Text(f"  {x}") for x in lines)]) if lines else "")
        box.set_class(bool(lines), "found")

    def show(self, ticket: TicketView | None) -> None:
        if ticket is None or self.ticket is None or ticket.number != self.ticket.number:
            self.scroll_home(animate=False)  # another ticket: its title in view
        self.ticket = ticket
        body = self.query_one("#detail-body", Static)
        colours = self.app.theme_variables
        body.update(describe(ticket, colours) if ticket else _("No ticket selected"))
