"""Human-readable output of the command line (Rich); times shown in local time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from deskline.core.desk.views import AgentView, TicketView
from deskline.core.sla.clocks import ClockState, SlaRules, leads_text
from deskline.themes.builtin import BUILT_IN, DEFAULT_THEME, variables_of
from deskline.themes.palette import SLA_LOOK, sla_style

console = Console(highlight=False)


def local(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "—"


def local_short(value: datetime, now: datetime) -> str:
    """Local time, with the date only when it is not today."""
    here, today = value.astimezone(), now.astimezone()
    return here.strftime("%H:%M" if here.date() == today.date() else "%m-%d %H:%M")


def ticket_table(tickets: Sequence[TicketView]) -> None:
    if not tickets:
        console.print("no tickets match")
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    rows = [
        (
            sla_cell(t),
            t.key,
            t.priority,
            t.status,
            t.assignee or "",
            f"{t.customer} ★" if t.vip else (t.customer or ""),
            t.title,
        )
        for t in tickets
    ]
    headers = ("SLA", "KEY", "PRI", "STATUS", "ASSIGNEE", "CUSTOMER", "TITLE")
    for i, column in enumerate(headers):
        # Fixed columns keep their full width; customer and title share what is left.
        widest = max(cell_len(str(row[i])) for row in [headers, *rows])
        flexible = column in ("CUSTOMER", "TITLE")
        table.add_column(
            column,
            no_wrap=True,
            overflow="ellipsis",
            min_width=None if flexible else widest,
            max_width=16 if column == "CUSTOMER" else None,
        )
    for row in rows:
        table.add_row(*row)
    console.print(table)


# The theme's colours for the SLA cells (the CLI sets the one chosen in the config or --theme).
colours: dict[str, str] = variables_of(BUILT_IN[DEFAULT_THEME])


def countdown(seconds: int) -> str:
    """``1:45:10`` left, ``-0:12:07`` overdue; days when long."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:  # past a day the seconds do not matter, and the cell stays narrow
        return f"{sign}{days}d{hours:02}h{minutes:02}m"
    return f"{sign}{hours}:{minutes:02}:{secs:02}"


def sla_cell(t: TicketView) -> Text:
    """Glyph and colour (never colour alone) and the countdown of the most urgent clock."""
    if t.sla is None:
        return Text("")
    _, reading = t.sla.most_urgent()
    glyph, style = SLA_LOOK[reading.state.value].glyph, sla_style(colours, reading.state.value)
    if reading.state in (ClockState.MET, ClockState.MISSED):
        return Text(f"{glyph} {reading.state.value}", style=style)
    return Text(f"{glyph} {countdown(reading.remaining_seconds)}", style=style)


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
        ("impact", f"{t.impact} users" if t.impact else "—"),
        ("created", local(t.created_at)),
        ("first response", local(t.first_response_at)),
        ("resolved", local(t.resolved_at)),
        ("closed", local(t.closed_at)),
        ("escalation", str(t.escalation_level)),
        ("reopened", f"{t.reopen_count}×" if t.reopen_count else "never"),
        ("version", str(t.version)),
    ]
    if t.sla is not None:
        for name, reading in (
            ("first response", t.sla.first_response),
            ("resolution", t.sla.resolution),
        ):
            glyph = SLA_LOOK[reading.state.value].glyph
            facts.append(
                (
                    f"SLA {name}",
                    f"{glyph} {reading.state.value}, due {local(reading.due_at)}, "
                    f"{clock_left(reading)}, {reading.percent_used:g}% used",
                )
            )
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


def clock_left(reading: Any) -> str:
    """``0:25:10 left``, ``0:04:01 over``, or ``stopped`` for a met or missed clock."""
    if reading.state in (ClockState.MET, ClockState.MISSED):
        return "stopped"
    word = "over" if reading.remaining_seconds < 0 else "left"
    return f"{countdown(abs(reading.remaining_seconds))} {word}"


def _shown(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def _change_text(old: dict | None, new: dict | None) -> str:
    keys = [k for k in (new or {}) if k in (old or {})]
    parts = [f"{k}: {_shown((old or {}).get(k))} → {_shown((new or {}).get(k))}" for k in keys]
    return f" ({'; '.join(parts)})" if parts else ""


def agent_table(agents: Sequence[AgentView]) -> None:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("HANDLE", "NAME", "ROLE", "TEAM", "SKILLS", "ON DUTY", "OPEN", "CAP"):
        table.add_column(column)
    for a in agents:
        table.add_row(
            a.handle,
            a.name,
            a.role,
            a.team or "",
            ", ".join(a.skills),
            "yes" if a.on_duty else "no",
            "" if a.active is None else f"{a.active}/{a.max_active}",
            "default" if a.cap is None else str(a.cap),
        )
    console.print(table)


def policy_table(rules: SlaRules) -> None:
    """The effective SLA targets: the base table, then each policy's, first match wins."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("POLICY", "WHEN", "PRI", "FIRST RESPONSE", "RESOLUTION", "CALENDAR"):
        table.add_column(column)
    for priority, target in rules.targets.items():
        table.add_row(
            "default",
            "",
            priority,
            str(target.first_response),
            str(target.resolution),
            target.calendar,
        )
    for policy in rules.policies:
        when = (
            ", ".join(
                f"{k}={getattr(policy, k)}"
                for k in ("tier", "category", "channel")
                if getattr(policy, k) is not None
            )
            or "always"
        )
        for priority in rules.targets:
            target = rules.target_for(
                priority, tier=policy.tier, category=policy.category, channel=policy.channel
            )
            table.add_row(
                policy.name,
                when,
                priority,
                str(target.first_response),
                str(target.resolution),
                target.calendar,
            )
            when = ""
    console.print(table)
    leads = leads_text(rules.warning_leads) or "none"
    console.print(
        f"warnings {leads} before due · at risk at {rules.at_risk_percent:g}% · "
        f"paused in {', '.join(sorted(rules.pause_on)) or 'nothing'} · "
        f"on reopen {rules.on_reopen} · notes count as response: "
        f"{'yes' if rules.note_counts_as_response else 'no'}"
    )
    for name, calendar in rules.calendars.items():
        if calendar.is_always_open:
            hours = "24x7"
        else:
            hours = "; ".join(f"{d} {', '.join(w)}" for d, w in calendar.weekly_hours().items())
        extra = []
        if calendar.holidays:
            extra.append(f"{len(calendar.holidays)} holiday(s)")
        if calendar.holiday_country:
            extra.append(f"holidays of {calendar.holiday_country}")
        more = f" · {', '.join(extra)}" if extra else ""
        console.print(f"calendar {name}: {calendar.timezone} · {hours}{more}")
