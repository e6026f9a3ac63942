"""``deskline dashboard --once``: the same figures printed once (Rich, or JSON) for cron mail
and monitoring checks. Colour only on a terminal and without NO_COLOR (Rich decides)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from deskline.core.dashboard.figures import Entry, Figures
from deskline.core.inert import visible
from deskline.core.language import N_, _
from deskline.themes.palette import SLA_LOOK, priority_style
from deskline.tui.dashboard.look import state_label, state_style
from deskline.tui.times import countdown, local

SPARKS = " ▁▂▃▄▅▆▇█"
WIDTHS = {"SLA": 10, "KEY": 7, "PRI": 3, "LEFT": 10, "ASSIGNEE": 10}  # the title gives way
HEADS = {  # the columns' heads, said in the current language
    "SLA": N_("SLA"),
    "KEY": N_("KEY"),
    "PRI": N_("PRI"),
    "LEFT": N_("LEFT"),
    "ASSIGNEE": N_("ASSIGNEE"),
    "TITLE": N_("TITLE"),
}
AGENT_HEADS = (N_("AGENT"), N_("ACTIVE"), N_("CAP"), N_("OPEN"), N_("BREACHED"))


def exit_code(figures: Figures) -> int:
    """0 when nothing is breached, 2 when something is."""
    return 2 if figures.counters.breached else 0


def print_figures(
    figures: Figures, colours: Mapping[str, str], console: Console | None = None
) -> None:
    # NO_COLOR: no escape codes at all (Rich alone would keep bold); not a terminal: the same.
    console = console or Console(
        highlight=False,
        markup=False,
        emoji=False,
        color_system=None if os.environ.get("NO_COLOR") else "auto",
    )
    f, c = figures, figures.counters

    def label(state: str, text: str) -> Text:
        return Text(f"{SLA_LOOK[state].glyph} {text}", style=state_style(colours, state))

    console.print(
        Text.assemble(
            (_("deskline dashboard"), "bold"),
            visible(f" · {f.team or _('all teams')} · {local(f.now)}"),
        )
    )
    for surge in f.surges:
        console.print(label("at_risk", visible(surge.banner())))
    attainment = c.attainment
    today = (
        _("no clock finished today")
        if attainment is None
        else _("{percent}% met today ({met} of {finished})").format(
            percent=f"{attainment:.0f}", met=c.met_today, finished=c.finished_today
        )
    )
    summary = Text("  ").join(
        [
            label(
                "breached" if c.breached else "ok", _("{count} breached").format(count=c.breached)
            ),
            label("at_risk" if c.at_risk else "ok", _("{count} at risk").format(count=c.at_risk)),
            Text(_("{count} open").format(count=c.open)),
            label(
                "warning" if c.unassigned else "ok",
                _("{count} unassigned").format(count=c.unassigned),
            ),
            label("met" if attainment is None or attainment >= 95 else "missed", today),
        ]
    )
    console.print(summary)
    strip = Text("  ")
    for i, p in enumerate(f.priorities):
        if i:
            strip.append(" │ ")
        strip.append(p.priority, priority_style(colours, p.priority))
        strip.append(_(" {count} open ").format(count=p.open))
        strip.append(f"{SLA_LOOK['at_risk'].glyph}{p.at_risk} ")
        strip.append(f"{SLA_LOOK['breached'].glyph}{p.breached}")
    console.print(strip)
    _entries(
        console,
        colours,
        _("Breached ({count}), most overdue first").format(count=c.breached),
        f.breached,
    )
    _entries(
        console,
        colours,
        _("At risk ({count}), least time left first").format(count=c.at_risk),
        f.at_risk,
    )
    console.print()
    console.print(Text(_("Agent load (active / cap)"), style="bold"))
    agents = Table(box=None, pad_edge=False, header_style="bold")
    for column in AGENT_HEADS:
        agents.add_column(_(column))
    for a in f.agents:
        agents.add_row(
            Text(visible(a.handle)), str(a.active), str(a.cap), str(a.open), str(a.breaches)
        )
    console.print(agents if f.agents else Text(_("nobody on duty")))
    console.print()
    days = [d.percent for d in f.attainment]
    known = [p for p in days if p is not None]
    worst = (
        _("  lowest {lowest}%, today {today}%").format(
            lowest=f"{min(known):.0f}", today=f"{days[-1] or 0:.0f}"
        )
        if known
        else ""
    )
    console.print(
        Text.assemble(
            (_("SLA met per day, 14 days: "), "bold"), _spark([p or 0 for p in days], 100), worst
        )
    )
    counts = [h.count for h in f.breaches_per_hour]
    console.print(
        Text.assemble(
            (_("Breaches per hour, 24 h:  "), "bold"),
            _spark(counts, max([1, *counts])),
            _("  {count} in all").format(count=sum(counts)),
        )
    )


def _entries(
    console: Console, colours: Mapping[str, str], title: str, entries: Sequence[Entry]
) -> None:
    console.print()
    console.print(Text(title, style="bold"))
    if not entries:
        console.print(_("  none"))
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column, head in HEADS.items():
        table.add_column(
            _(head),
            no_wrap=True,
            overflow="ellipsis",
            min_width=WIDTHS.get(column),
            max_width=14 if column == "ASSIGNEE" else None,
        )
    for e in entries:
        state = e.reading.state.value
        style = state_style(colours, state)
        table.add_row(
            Text(state_label(state), style=style),
            e.key,
            Text(e.priority, style=priority_style(colours, e.priority)),
            Text(countdown(e.reading.remaining_seconds), style=style),
            Text(visible(e.assignee or _("unassigned"))),
            Text(visible(e.title)),
        )
    console.print(table)


def _spark(values: Sequence[float], top: float) -> str:
    steps = len(SPARKS) - 1
    return "".join(SPARKS[min(steps, round(steps * v / top))] if top else " " for v in values)
