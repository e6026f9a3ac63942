"""Human-readable output of the command line (Rich); times shown in local time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text

from core.views import AgentView, TicketView

console = Console(highlight=False)


def local(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "—"


def ticket_table(tickets: Sequence[TicketView]) -> None:
    if not tickets:
        console.print("no tickets match")
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("KEY", "PRI", "STATUS", "ASSIGNEE", "CUSTOMER", "TITLE"):
        table.add_column(column, no_wrap=column != "TITLE", overflow="ellipsis")
    for t in tickets:
        customer = f"{t.customer} ★" if t.vip else (t.customer or "")
        table.add_row(t.key, t.priority, t.status, t.assignee or "", customer, t.title)
    console.print(table)


def ticket_detail(t: TicketView) -> None:
    console.print(Text.assemble((f"{t.key} ", "bold"), (f"[{t.priority}] ", "bold"), t.title))
    customer = (t.customer or "—") + (" (VIP)" if t.vip else "")
    facts = [
        ("status", t.status),
        ("assignee", t.assignee or "—"),
        ("team", t.team or "—"),
        ("customer", customer),
        ("category", t.category or "—"),
        ("channel", t.channel),
        ("tags", ", ".join(t.tags) or "—"),
        ("created", local(t.created_at)),
        ("first response", local(t.first_response_at)),
        ("resolved", local(t.resolved_at)),
        ("closed", local(t.closed_at)),
        ("escalation", str(t.escalation_level)),
        ("reopened", f"{t.reopen_count}x"),
        ("version", str(t.version)),
    ]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column()
    for name, value in facts:
        grid.add_row(name, value)
    console.print(grid)
    if t.description:
        console.print()
        console.print(t.description)
    if t.comments:
        console.print()
        console.print(Text("Conversation", style="bold"))
        for c in t.comments:
            label = {"reply": "reply", "note": "internal note", "system": "system"}[c.kind]
            style = "yellow" if c.kind == "note" else ""
            console.print(
                Text(f"{local(c.created_at)}  {c.author or 'deskline'} · {label}", style="dim")
            )
            console.print(Text(f"  {c.body}", style=style))
    if t.events:
        console.print()
        console.print(Text("History", style="bold"))
        for e in t.events:
            change = _change_text(e.old, e.new)
            why = f" — {e.reason}" if e.reason else ""
            console.print(f"{local(e.at)}  {e.actor or 'deskline'} {e.kind}{change}{why}")


def _change_text(old: dict | None, new: dict | None) -> str:
    keys = [k for k in (new or {}) if k in (old or {})]
    parts = [f"{k}: {(old or {}).get(k) or '—'} → {(new or {}).get(k) or '—'}" for k in keys]
    return f" ({'; '.join(parts)})" if parts else ""


def agent_table(agents: Sequence[AgentView]) -> None:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("HANDLE", "NAME", "ROLE", "TEAM", "SKILLS", "ON DUTY"):
        table.add_column(column)
    for a in agents:
        table.add_row(
            a.handle,
            a.name,
            a.role,
            a.team or "",
            ", ".join(a.skills),
            "yes" if a.on_duty else "no",
        )
    console.print(table)
