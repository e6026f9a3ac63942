"""Human-readable output of the command line (Rich); times shown in local time.

A terminal gets tables fitted to its width: the key, the priority, the status and the handles
keep their full width; what gives way is text (titles, customers, names, skills), and only a
terminal too narrow even for those wraps the lines. A pipe or a file has no width, so its rows
are printed whole.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from deskline.core.desk.views import AgentView, TicketView
from deskline.core.inert import visible
from deskline.core.language import N_, _, ngettext
from deskline.core.sla.clocks import ClockState, SlaRules, leads_text
from deskline.themes.palette import SLA_LOOK, sla_style
from deskline.tui.language import status_word
from deskline.tui.times import countdown, local

# Markup and emoji codes off: the text printed is the desk's data, never instructions to Rich;
# every stored string also goes through ``visible`` (core.inert) on its way out.
console = Console(highlight=False, markup=False, emoji=False)

GAP = 2  # the cells between two columns (Rich's padding of one each side)
# Headers, said in the current language where a table is printed (terminal cells measured).
TICKET_COLUMNS = (N_("SLA"), N_("KEY"), N_("PRI"), N_("STATUS"), N_("ASSIGNEE"))
TICKET_COLUMNS += (N_("CUSTOMER"), N_("TITLE"))
CUSTOMER_WIDTH = 16  # on a terminal; the title gets the rest
LEAST_TITLE = 10  # the title's cells on a terminal too narrow for the rest
LEAST_CUSTOMER = 4  # fewer, and a narrow terminal shows no customer column


# Where a line of wide text may break: between two wide (CJK) characters, or at a space.
_PIECES = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|\s+"
)


def wrap_cells(text: str, width: int, indent: str = "  ") -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells, the later ones indented:
    textwrap's lines for narrow text, and for text with wide characters (two cells each,
    where textwrap counts one) lines cut by cells, between characters or at spaces."""
    if cell_len(text) == len(text):
        return textwrap.wrap(text, width, subsequent_indent=indent)
    lines: list[str] = []
    line = ""
    for piece in _PIECES.findall(text):
        room = width - (cell_len(indent) if lines else 0)
        if line and cell_len(line + piece.rstrip()) > room:
            lines.append(line.rstrip())
            line = "" if piece.isspace() else piece
        else:
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return [(indent if i else "") + line for i, line in enumerate(lines)]


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
        console.print(_("no tickets match"))
        return
    rows = [
        (
            sla_cell(t, colours),
            t.key,
            t.priority,
            _("archived") if t.archived_at else status_word(t.status),
            visible(t.assignee or ""),
            visible(f"{t.customer} ★" if t.vip else (t.customer or "")),
            visible(t.title),
        )
        for t in tickets
    ]
    headers = tuple(_(column) for column in TICKET_COLUMNS)
    widest = [max(cell_len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    widths = ticket_widths(widest, console.width if console.is_terminal else None)
    table = Table(box=None, pad_edge=False, header_style="bold")
    shown = [i for i, width in enumerate(widths) if width]
    for i in shown:
        table.add_column(headers[i], no_wrap=True, overflow="ellipsis", width=widths[i])
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
        return Text(f"{glyph} {state_word(reading.state.value)}", style=style)
    return Text(f"{glyph} {countdown(reading.remaining_seconds)}", style=style)


def ticket_detail(t: TicketView) -> None:
    console.print(
        Text.assemble((f"{t.key} ", "bold"), (f"[{t.priority}] ", "bold"), visible(t.title))
    )
    customer = (t.customer or "—") + (_(" (VIP)") if t.vip else "")
    status = status_word(t.status)
    if t.archived_at is not None:
        status += _(", archived {when} (read-only until reopened)").format(
            when=local(t.archived_at)
        )
    impact = _("{count} users").format(count=t.impact) if t.impact else "—"
    facts = [
        (_("status"), status),
        (_("assignee"), t.assignee or "—"),
        (_("team"), t.team or "—"),
        (_("customer"), customer),
        (_("category"), t.category or "—"),
        (_("channel"), t.channel),
        (_("tags"), ", ".join(t.tags) or "—"),
        (_("impact"), impact),
        (_("created"), local(t.created_at)),
        (_("first response"), local(t.first_response_at)),
        (_("resolved"), local(t.resolved_at)),
        (_("closed"), local(t.closed_at)),
        (_("escalation"), str(t.escalation_level)),
        (_("reopened"), f"{t.reopen_count}×" if t.reopen_count else _("never")),
        (_("version"), str(t.version)),
    ]
    if t.requester:  # who asks, whom else the mail goes to, and what else they have open
        facts.insert(4, (_("requester"), t.requester))
        if t.cc:
            facts.insert(5, (_("cc"), ", ".join(t.cc)))
        if t.requester_open:
            facts.insert(5, (_("their open"), "; ".join(t.requester_open)))
    if t.links:
        facts.append((_("links"), ", ".join(t.links)))
    if t.external_id:  # its id in the desk it came from: what its old mails and links name
        facts.append((_("imported as"), t.external_id))
    if t.sla is not None:
        for name, reading in (
            (_("SLA first response"), t.sla.first_response),
            (_("SLA resolution"), t.sla.resolution),
        ):
            glyph = SLA_LOOK[reading.state.value].glyph
            said = _("{glyph} {state}, due {at}, {left}, {percent} used").format(
                glyph=glyph,
                state=state_word(reading.state.value),
                at=local(reading.due_at),
                left=clock_left(reading),
                percent=f"{reading.percent_used:g}%",
            )
            facts.append((name, said))
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
        console.print(Text(_("Conversation"), style="bold"))
        for c in t.comments:
            style = "yellow" if c.kind == "note" else ""
            said = _(COMMENT_LINES[c.kind]).format(
                when=local(c.created_at), author=c.author or "deskline"
            )
            console.print(Text(visible(said), style="dim"))
            _indented(visible(c.body), style)
    if t.events:
        console.print()
        console.print(Text(_("History"), style="bold"))
        for e in t.events:
            change = _change_text(e.old, e.new)
            why = f" — {e.reason}" if e.reason else ""
            console.print(
                Text(visible(f"{local(e.at)}  {e.actor or 'deskline'} {e.kind}{change}{why}"))
            )


def _indented(body: str, style: str) -> None:
    """Every line of a comment's body two cells in under its heading, those Rich wraps
    too (each line padded alone: no trailing spaces up to the widest line)."""
    for line in body.split("\n"):
        if line:
            console.print(Padding(Text(line, style=style), (0, 0, 0, 2), expand=False))
        else:
            console.print()  # Padding prints nothing for an empty line


# A comment's heading line by its kind.
COMMENT_LINES = {
    "reply": N_("{when}  {author} · reply"),
    "note": N_("{when}  {author} · internal note"),
    "system": N_("{when}  {author} · system"),
}


def clock_left(reading: Any) -> str:
    """``0:25:10 left``, ``0:04:01 over``, or ``stopped`` for a met or missed clock."""
    if reading.state in (ClockState.MET, ClockState.MISSED):
        return _("stopped")
    said = _("{time} over") if reading.remaining_seconds < 0 else _("{time} left")
    return said.format(time=countdown(abs(reading.remaining_seconds)))


def state_word(state: str) -> str:
    """An SLA clock's state as a person reads it: ``at_risk`` is "at risk" (即将超时)."""
    look = SLA_LOOK.get(state)
    return _(look.word) if look else state.replace("_", " ")


def _shown(key: str, value: Any) -> str:
    """A value of a change, said as the rest of ``show`` says it: a status in words, a
    time in local time."""
    if value is None or value == "":
        return "—"
    if key == "status":
        return status_word(str(value))
    if key.endswith("_at") and isinstance(value, str):  # a time field (first_response_at)
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            return value  # text that only starts like a time
        if at.tzinfo is not None:  # a stored moment (UTC): said in local time
            return local(at)
    return str(value)


def _change_text(old: dict | None, new: dict | None) -> str:
    keys = [k for k in (new or {}) if k in (old or {})]
    parts = [
        f"{k}: {_shown(k, (old or {}).get(k))} → {_shown(k, (new or {}).get(k))}" for k in keys
    ]
    return f" ({'; '.join(parts)})" if parts else ""


AGENT_COLUMNS = (N_("HANDLE"), N_("NAME"), N_("ROLE"), N_("TEAM"), N_("SKILLS"))
AGENT_COLUMNS += (N_("ON DUTY"), N_("OPEN"), N_("CAP"))
LEAST_TEXT = 5  # a name, team or skills column's cells on a narrow terminal (it wraps)
LEAST_ROLE = 5  # "supe…"


def agent_widths(
    widest: Sequence[int], room: int | None, headers: Sequence[str] = AGENT_COLUMNS
) -> list[int]:
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
    shown = (headers[1], headers[3], headers[4])  # the name's, the team's, the skills'
    shares = [min(width, cell_len(header)) for width, header in zip(text, shown, strict=True)]
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
            _("yes") if a.on_duty else _("no"),
            "" if a.active is None else f"{a.active}/{a.max_active}",
            _("default") if a.cap is None else str(a.cap),
        )
        for a in agents
    ]
    headers = [_(column) for column in AGENT_COLUMNS]
    widest = [
        max(cell_len(cell) for cell in [header, *(row[i] for row in rows)])
        for i, header in enumerate(headers)
    ]
    widths = agent_widths(widest, console.width if console.is_terminal else None, headers)
    table = Table(box=None, pad_edge=False, header_style="bold")
    for i, (header, width) in enumerate(zip(headers, widths, strict=True)):
        if i in (1, 3, 4):  # the name, the team, the skills: they wrap
            table.add_column(header, width=width, overflow="fold")
        else:
            table.add_column(header, width=width, no_wrap=True, overflow="ellipsis")
    for row in rows:
        table.add_row(*row)
    print_whole(table, sum(widths) + GAP * (len(widths) - 1))


POLICY_COLUMNS = (N_("POLICY"), N_("WHEN"), N_("PRI"), N_("FIRST RESPONSE"), N_("RESOLUTION"))
POLICY_COLUMNS += (N_("CALENDAR"),)


def policy_table(rules: SlaRules) -> None:
    """The effective SLA targets: the base table, then each policy's, first match wins."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in POLICY_COLUMNS:
        table.add_column(_(column))
    for priority, target in rules.targets.items():
        table.add_row(
            _("default"),
            "",
            priority,
            str(target.first_response),
            str(target.resolution),
            target.calendar,
        )
    for policy in rules.policies:
        when = ", ".join(
            f"{k}={getattr(policy, k)}"
            for k in ("tier", "category", "channel")
            if getattr(policy, k) is not None
        ) or _("always")
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
    leads = leads_text(rules.warning_leads) or _("none")
    console.print(
        _(
            "warnings {leads} before due · at risk at {percent} · paused in {paused} · "
            "on reopen {on_reopen} · notes count as response: {notes}"
        ).format(
            leads=leads,
            percent=f"{rules.at_risk_percent:g}%",
            paused=", ".join(sorted(rules.pause_on)) or _("nothing"),
            on_reopen=rules.on_reopen,
            notes=_("yes") if rules.note_counts_as_response else _("no"),
        )
    )
    for name, calendar in rules.calendars.items():
        if calendar.is_always_open:
            hours = "24x7"
        else:
            hours = "; ".join(f"{d} {', '.join(w)}" for d, w in calendar.weekly_hours().items())
        extra = []
        if calendar.holidays:
            count = len(calendar.holidays)
            extra.append(ngettext("{count} holiday", "{count} holidays", count).format(count=count))
        if calendar.holiday_country:
            extra.append(_("holidays of {country}").format(country=calendar.holiday_country))
        more = f" · {', '.join(extra)}" if extra else ""
        said = _("calendar {name}: {zone} · {hours}{more}")
        console.print(said.format(name=name, zone=calendar.timezone, hours=hours, more=more))
