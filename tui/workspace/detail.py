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
from deskline.themes.palette import colour_of
from deskline.tui.times import local

KIND_LABEL = {
    "reply": "reply",
    "note": "internal note",
    "system": "system",
    "customer": "from the customer",
}


def describe(t: TicketView, colours: Mapping[str, str]) -> RenderableType:
    """All of a ticket, as the detail pane shows it, in the theme's ``colours``."""
    note = Style(color=colour_of(colours, "warning"))
    reply = Style(color=colour_of(colours, "primary"))
    head = Text.assemble((f"{t.key} ", "bold"), (f"{t.priority} ", "bold"), visible(t.title))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    customer = (t.customer or "—") + (" ★ VIP" if t.vip else "")
    status = t.status.replace("_", " ")
    if t.archived_at is not None:
        status += f", archived {local(t.archived_at)} (read-only)"
    for name, value in (
        ("status", status),
        ("assignee", t.assignee or "— unassigned"),
        ("team", t.team or "—"),
        ("customer", customer),
        ("category", t.category or "—"),
        ("channel", t.channel),
        ("tags", ", ".join(t.tags) or "—"),
        ("created", local(t.created_at)),
        ("escalation", f"level {t.escalation_level}" if t.escalation_level else "none"),
        ("reopened", f"{t.reopen_count}×" if t.reopen_count else "never"),
    ):
        grid.add_row(name, Text(visible(value)))  # a Text: a str cell would be read as markup
        if name == "customer" and t.requester:
            grid.add_row("requester", Text(visible(t.requester)))
            if t.cc:
                grid.add_row("cc", Text(visible(", ".join(t.cc))))
            if t.requester_open:
                grid.add_row("their open", Text(visible("\n".join(t.requester_open))))
    if t.links:
        grid.add_row("links", Text(visible(", ".join(t.links))))
    parts: list[RenderableType] = [head, grid]
    if t.description:
        parts += [Text(""), Text(visible(t.description))]
    if t.comments:
        parts += [Text(""), Text("Conversation", style="bold underline")]
        for c in t.comments:
            internal = c.kind == "note"
            label = KIND_LABEL.get(c.kind, c.kind)
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
        parts += [Text(""), Text("Timeline", style="bold underline")]
        for e in t.events:
            change = ""
            if e.old and e.new:
                keys = [k for k in e.new if k in e.old]
                change = "; ".join(f"{k} {e.old[k] or '—'} → {e.new[k] or '—'}" for k in keys)
            why = f" — {e.reason}" if e.reason else ""
            parts.append(
                Text.assemble(
                    (f"{local(e.at)} ", "dim"),
                    (visible(f"{e.actor or 'deskline'} "), ""),
                    (e.kind, "bold"),
                    (visible(f" {change}") if change else "", ""),
                    (visible(why), "italic"),
                )
            )
    return Group(*parts)


def _nobody(kind: str, t: TicketView) -> str:
    """Who wrote a comment with no agent: the requester when it came from them."""
    return (t.requester or "the customer") if kind == "customer" else "deskline"


class DetailPane(VerticalScroll, can_focus=True):
    """The selected ticket; scrolls with the keys when focused (enter from the queue), and
    starts at its top whenever another ticket comes in."""

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
    ]

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
        yield Static("No ticket selected", id="detail-body")

    ticket: TicketView | None = None

    def on_mount(self) -> None:
        # Another theme: draw the same ticket again in its colours.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show(self.ticket))

    def show_presence(self, line: str) -> None:
        """Who else has this ticket open or is writing on it ("": nobody, no line)."""
        box = self.query_one("#detail-presence", Static)
        box.update(Text(visible(f"also here: {line}") if line else ""))
        box.set_class(bool(line), "here")

    def show_articles(self, lines: Sequence[str]) -> None:
        """The knowledge base's articles the ticket resembles, a line each (none: no
        section); the lines are inert already, and never read as markup."""
        box = self.query_one("#detail-articles", Static)
        heading = Text("Knowledge base", style="bold underline")
        box.update(Text("\n").join([heading, *(Text(f"  {x}") for x in lines)]) if lines else "")
        box.set_class(bool(lines), "found")

    def show(self, ticket: TicketView | None) -> None:
        if ticket is None or self.ticket is None or ticket.number != self.ticket.number:
            self.scroll_home(animate=False)  # another ticket: its title in view
        self.ticket = ticket
        body = self.query_one("#detail-body", Static)
        colours = self.app.theme_variables
        body.update(describe(ticket, colours) if ticket else "No ticket selected")
