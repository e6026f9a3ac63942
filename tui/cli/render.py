"""Human-readable output of the command line (Rich); times shown in local time.

A terminal gets tables fitted to its width: the key, the priority, the status and the handles
keep their full width; what gives way is text (titles, customers, names, skills), and only a
terminal too narrow even for those wraps the lines. A pipe or a file has no width, so its rows
are printed whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from deskline.core.desk.views import AgentView, TicketView
from deskline.core.inert import visible
from deskline.core.sla.clocks import ClockState, SlaRules, leads_text
from deskline.themes.palette import SLA_LOOK, sla_style
from deskline.tui.times import countdown, local

# Markup and emoji codes off: the text printed is the desk's data, never instructions to Rich;
# every stored string also goes through ``visible`` (core.inert) on its way out.
console = Console(highlight=False, markup=False, emoji=False)

GAP = 2  # the cells between two columns (Rich's padding of one each side)
TICKET_COLUMNS = ("SLA", "KEY", "PRI", "STATUS", "ASSIGNEE", "CUSTOMER", "TITLE")
CUSTOMER_WIDTH = 16  # on a terminal; the title gets the rest
LEAST_TITLE = 10  # the title's cells on a terminal too narrow for the rest
LEAST_CUSTOMER = 4  # fewer, and a narrow terminal shows no customer column


def print_whole(table: Table, width: int) -> None:
    """Print ``table``, ``width`` cells wide, on a console at least that wide: when the
    terminal is narrower it wraps the lines, but Rich drops no column."""
    if console.is_terminal and width <= console.width:
        console.print(table)
        return
    wide = Console(
        file=console.file,
        width=width,
        highlight=False,
        markup=False,
        emoji=False,
        force_terminal=console.is_terminal,
        color_system=console.color_system,  # type: ignore[arg-type]
    )
    wide.print(table)


def ticket_widths(widest: Sequence[int], room: int | None) -> list[int]:
    """Each column's width: its widest cell; on a terminal ``room`` cells wide, the customer
    (at most 16) and the title share what the other columns leave, the title keeping at
    least 10 cells. A customer with fewer than 4 cells left gets none (0: not shown)."""
    if room is None:
        return list(widest)
    *fixed, customer, title = widest
    left = room - sum(fixed) - GAP * (len(widest) - 1)
    customer = min(customer, CUSTOMER_WIDTH, max(left - LEAST_TITLE, 0))
    if customer < LEAST_CUSTOMER:
        customer, left = 0, left + GAP  # the column goes, and the gap before it
    title = min(title, max(left - customer, LEAST_TITLE))
    return [*fixed, customer, title]


def ticket_table(tickets: Sequence[TicketView], colours: Mapping[str, str]) -> None:
    """The queue as a table; ``colours`` are the theme's (``Look.colours``)."""
    if not tickets:
        console.print("no tickets match")
        return
    rows = [
        (
            sla_cell(t, colours),
            t.key,
            t.priority,
            "archived" if t.archived_at else t.status,
            visible(t.assignee or ""),
            visible(f"{t.customer} ★" if t.vip else (t.customer or "")),
            visible(t.title),
        )
        for t in tickets
    ]
    widest = [
        max(cell_len(str(row[i])) for row in [TICKET_COLUMNS, *rows])
        for i in range(len(TICKET_COLUMNS))
    ]
    widths = ticket_widths(widest, console.width if console.is_terminal else None)
    table = Table(box=None, pad_edge=False, header_style="bold")
    shown = [i for i, width in enumerate(widths) if width]
    for i in shown:
        table.add_column(TICKET_COLUMNS[i], no_wrap=True, overflow="ellipsis", width=widths[i])
    for row in rows:
        table.add_row(*(row[i] for i in shown))
    print_whole(table, sum(widths) + GAP * (len(shown) - 1))


def sla_cell(t: TicketView, colours: Mapping[str, str]) -> Text:
    """Glyph and colour (never colour alone) and the countdown of the most urgent clock."""
    if t.sla is None:
        return Text("")
    _, reading = t.sla.most_urgent()
    glyph, style = SLA_LOOK[reading.state.value].glyph, sla_style(colours, reading.state.value)
    if reading.state in (ClockState.MET, ClockState.MISSED):
        return Text(f"{glyph} {reading.state.value}", style=style)
    return Text(f"{glyph} {countdown(reading.remaining_seconds)}", style=style)


def ticket_detail(t: TicketView) -> None:
    console.print(
        Text.assemble((f"{t.key} ", "bold"), (f"[{t.priority}] ", "bold"), visible(t.title))
    )
    customer = (t.customer or "—") + (" (VIP)" if t.vip else "")
    status = t.status
    if t.archived_at is not None:
        status += f", archived {local(t.archived_at)} (read-only until reopened)"
    facts = [
        ("status", status),
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
    if t.requester:  # who asks, whom else the mail goes to, and what else they have open
        facts.insert(4, ("requester", t.requester))
        if t.cc:
            facts.insert(5, ("cc", ", ".join(t.cc)))
        if t.requester_open:
            facts.insert(5, ("their open", "; ".join(t.requester_open)))
    if t.links:
        facts.append(("links", ", ".join(t.links)))
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
        grid.add_row(name, Text(visible(value)))  # customer text: never markup, no escapes
    console.print(grid)
    if t.description:
        console.print()
        console.print(Text(visible(t.description)))
    if t.comments:
        console.print()
        console.print(Text("Conversation", style="bold"))
        for c in t.comments:
            label = {"reply": "reply", "note": "internal note", "system": "system"}[c.kind]
            style = "yellow" if c.kind == "note" else ""
            console.print(
                Text(
                    visible(f"{local(c.created_at)}  {c.author or 'deskline'} · {label}"),
                    style="dim",
                )
            )
            console.print(Text(visible(f"  {c.body}"), style=style))
    if t.events:
        console.print()
        console.print(Text("History", style="bold"))
        for e in t.events:
            change = _change_text(e.old, e.new)
            why = f" — {e.reason}" if e.reason else ""
            console.print(
                Text(visible(f"{local(e.at)}  {e.actor or 'deskline'} {e.kind}{change}{why}"))
            )


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


AGENT_COLUMNS = ("HANDLE", "NAME", "ROLE", "TEAM", "SKILLS", "ON DUTY", "OPEN", "CAP")
LEAST_TEXT = 5  # a name, team or skills column's cells on a narrow terminal (it wraps)
LEAST_ROLE = 5  # "supe…"


def agent_widths(widest: Sequence[int], room: int | None) -> list[int]:
    """Each column's width: its widest cell; on a terminal ``room`` cells wide, the handle,
    duty, load and cap keep theirs, the role is cut only when the name, team and skills
    would get fewer than 5 cells each, and those three share the rest (they wrap)."""
    if room is None:
        return list(widest)
    handle, name, role, team, skills, duty, load, cap = widest
    left = room - handle - duty - load - cap - GAP * (len(widest) - 1)
    role = min(role, max(LEAST_ROLE, left - 3 * LEAST_TEXT))
    left -= role
    text = [name, team, skills]
    # each starts at its header (a header is one word: it is never folded), then the cells
    # left are handed out one at a time to those still narrower than their widest cell
    shares = [
        min(width, cell_len(header))
        for width, header in zip(text, ("NAME", "TEAM", "SKILLS"), strict=True)
    ]
    spare = left - sum(shares)
    while spare > 0 and any(share < width for share, width in zip(shares, text, strict=True)):
        for i, width in enumerate(text):
            if spare > 0 and shares[i] < width:
                shares[i] += 1
                spare -= 1
    return [handle, shares[0], role, shares[1], shares[2], duty, load, cap]


def agent_table(agents: Sequence[AgentView]) -> None:
    """The roster as a table: handles, duty, load and cap whole; on a terminal the names,
    teams and skills wrap (and the role is cut when it must) to fit its width."""
    rows = [
        (
            visible(a.handle),
            visible(a.name),
            a.role,
            visible(a.team or ""),
            visible(", ".join(a.skills)),
            "yes" if a.on_duty else "no",
            "" if a.active is None else f"{a.active}/{a.max_active}",
            "default" if a.cap is None else str(a.cap),
        )
        for a in agents
    ]
    widest = [
        max(cell_len(cell) for cell in [column, *(row[i] for row in rows)])
        for i, column in enumerate(AGENT_COLUMNS)
    ]
    widths = agent_widths(widest, console.width if console.is_terminal else None)
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column, width in zip(AGENT_COLUMNS, widths, strict=True):
        if column in ("NAME", "TEAM", "SKILLS"):
            table.add_column(column, width=width, overflow="fold")
        else:
            table.add_column(column, width=width, no_wrap=True, overflow="ellipsis")
    for row in rows:
        table.add_row(*row)
    print_whole(table, sum(widths) + GAP * (len(widths) - 1))


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
