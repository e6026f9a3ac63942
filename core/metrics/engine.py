"""The desk's numbers over a period, from the audit history: pure functions of the tickets'
histories, the period and the policy (see the README's definitions table).

Every ticket is played through its history (``history.play``) under the policy, and its
SLA clocks are the desk's own ``SlaClock`` read at the period's end: the attainment here is
the share of clocks whose state is ``met`` among those that stopped in the period.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from functools import cached_property
from typing import Any

from deskline.core.language import N_, _
from deskline.core.metrics import stats
from deskline.core.metrics.history import (
    FINISHED,
    OPEN,
    Played,
    TicketHistory,
    business,
    play,
    time_in,
)
from deskline.core.sla.clocks import FIRST_RESPONSE, RESOLUTION, ClockState, SlaRules

DIMENSIONS = ("day", "week", "team", "agent", "priority", "category", "channel", "tier")
# Figures whose tickets can be listed (``--tickets NAME``).
DRILLS = (
    "created",
    "solved",
    "responded",
    "reopened",
    "met",
    "missed",
    "breaches",
    "backlog",
)
# Timed figures: each has a business-time and a calendar-time form, in seconds.
TIMED = ("first_response", "resolution", "requester_wait", "agent_wait")
WAITING = ("pending",)  # the requester's turn
WORKING = ("new", "assigned", "in_progress")  # the desk's turn
NONE = "(none)"
MOMENT = timedelta(microseconds=1)  # a day's end less this is still that day
OTHER = "(other)"


@dataclass(frozen=True)
class Period:
    """[start, end) (start None: since the beginning), days read in ``zone``."""

    start: datetime | None
    end: datetime
    zone: tzinfo

    def holds(self, at: datetime | None) -> bool:
        return at is not None and at < self.end and (self.start is None or at >= self.start)

    def day(self, at: datetime) -> str:
        i = self._day_index(at)
        return self.named_days[i][1] if i is not None else _day_of(at, self.zone)

    def week(self, at: datetime) -> str:
        i = self._day_index(at)
        return self.named_days[i][2] if i is not None else _week_of(at, self.zone)

    def day_and_week(self, at: datetime) -> tuple[str, str]:
        i = self._day_index(at)
        if i is None:
            return _day_of(at, self.zone), _week_of(at, self.zone)
        _end, day, week = self.named_days[i]
        return day, week

    def day_ends(self) -> list[datetime]:
        """The end of every local day of the period (the period's end for the last)."""
        return [end for end, _day, _week in self.named_days]

    def _day_index(self, at: datetime) -> int | None:
        """Which of the period's days ``at`` falls in (None: outside the period): looked up
        among the days' ends, worked out once a period, not read on the clock each time (a
        report asks for the day of every figure of every ticket)."""
        if self.start is None or not self.start <= at < self.end:
            return None
        return bisect_right(self._inner_ends, at)

    @cached_property
    def named_days(self) -> tuple[tuple[datetime, str, str], ...]:
        """(end, day, week) of every local day of the period, the day and week named as
        ``_day_of`` and ``_week_of`` name the instant just before that end."""
        return tuple(
            (end, _day_of(end - MOMENT, self.zone), _week_of(end - MOMENT, self.zone))
            for end in self._ends()
        )

    @cached_property
    def _inner_ends(self) -> list[datetime]:
        return [end for end, _day, _week in self.named_days[:-1]]

    def _ends(self) -> list[datetime]:
        if self.start is None:
            return [self.end]
        ends: list[datetime] = []
        local = self.start.astimezone(self.zone)
        day = local.date()
        while True:
            day += timedelta(days=1)
            end = datetime(day.year, day.month, day.day, tzinfo=self.zone)
            if end >= self.end:
                ends.append(self.end)
                return ends
            ends.append(end)


def _day_of(at: datetime, zone: tzinfo) -> str:
    return at.astimezone(zone).date().isoformat()


def _week_of(at: datetime, zone: tzinfo) -> str:
    local = at.astimezone(zone).date()
    return (local - timedelta(days=local.weekday())).isoformat()


@dataclass
class Group:
    """The figures of one group (a day, a team, an agent, ...): its counts, and its timed
    figures, its own and those of the cells linked to it (``parts``: kept where they are,
    not copied into each of the groups a cell belongs to)."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    timed: dict[str, array[float]] = field(default_factory=lambda: defaultdict(lambda: array("d")))
    parts: list[Group] = field(default_factory=list)

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] += n

    def value(self, name: str, seconds: float) -> None:
        self.timed[name].append(seconds)

    def merge(self, other: Group) -> None:
        for name, n in other.counts.items():
            self.counts[name] += n
        for name, values in other.timed.items():
            self.timed[name].extend(values)
        self.parts.extend(other.parts)

    def link(self, cell: Group) -> None:
        """``cell``'s counts added, its timed figures read from where they are."""
        for name, n in cell.counts.items():
            self.counts[name] += n
        self.parts.append(cell)

    def values(self, name: str) -> array[float]:
        """Every figure ``name`` of the group: its own and its parts'."""
        own = self.timed.get(name)
        if not self.parts:
            return own if own is not None else array("d")
        found = array("d", own if own is not None else ())
        for part in self.parts:
            more = part.values(name)
            if more:
                found.extend(more)
        return found

    def row(self) -> dict[str, Any]:
        c = self.counts
        row: dict[str, Any] = {
            "created": c["created"],
            "solved": c["solved"],
            "reopened": c["reopened"],
            "reopen_rate": stats.ratio(c["reopened"], c["solved"]),
            "first_response_met": c["fr_met"],
            "first_response_finished": c["fr_finished"],
            "first_response_attainment": stats.ratio(c["fr_met"], c["fr_finished"]),
            "resolution_met": c["res_met"],
            "resolution_finished": c["res_finished"],
            "resolution_attainment": stats.ratio(c["res_met"], c["res_finished"]),
            "breaches": c["breaches"],
            "backlog": c["backlog"],
        }
        for name in (*(f"{t}_{k}" for t in TIMED for k in ("business", "calendar")), "backlog_age"):
            mean, median, p90 = stats.summary(self.values(name))
            row[f"{name}_mean"] = _round(mean)
            row[f"{name}_median"] = _round(median)
            row[f"{name}_p90"] = _round(p90)
        return row


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


FIXED = ("team", "agent", "priority", "category", "channel", "tier")  # a ticket's own groups
CELLS = 4096  # cells kept, beyond which their figures are copied to the groups

# A cell: the figures of the tickets of one team, agent, priority, category, channel and
# tier on one day (and its week; None for what counts on no day, the backlog).
CellKey = tuple[str, str, str, str, str, str, str | None, str | None]


@dataclass
class Measures:
    """What the engine gathers, group by group, as tickets stream past.

    A figure goes first into its cell (one array for a figure of a ticket, not one for each
    of the eight groups it counts in). When the groups are read, each cell is linked to
    its groups, its figures staying where they are (the report keeps each figure once);
    when there are many cells, their figures are copied to the groups and they go."""

    period: Period
    drill: str | None = None
    _total: Group = field(default_factory=Group)
    _groups: dict[str, dict[str, Group]] = field(
        default_factory=lambda: {d: defaultdict(Group) for d in DIMENSIONS}
    )
    backlog_by_day: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    tickets: list[dict[str, Any]] = field(default_factory=list)  # the drill-down's
    alerts_by_rung: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    alerts_by_person: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    alerts_by_person_day: dict[tuple[str, str], int] = field(
        default_factory=lambda: defaultdict(int)
    )
    seen: int = 0
    cells: dict[CellKey, Group] = field(default_factory=dict)

    @property
    def total(self) -> Group:
        self.fold()
        return self._total

    @property
    def groups(self) -> dict[str, dict[str, Group]]:
        self.fold()
        return self._groups

    def cell(self, key: CellKey) -> Group:
        found = self.cells.get(key)
        if found is None:
            found = self.cells[key] = Group()
        return found

    def fold(self, *, copy: bool = False) -> None:
        """Every cell linked to each group it belongs to (``copy``: its figures copied
        there, and the cell let go), the cells emptied."""
        groups = self._groups
        for key, cell in self.cells.items():
            targets = [
                self._total,
                *(groups[dim][label] for dim, label in zip(FIXED, key[:6], strict=True)),
            ]
            day, week = key[6], key[7]
            if day is not None and week is not None:
                targets += [groups["day"][day], groups["week"][week]]
            for g in targets:
                if copy:
                    g.merge(cell)
                else:
                    g.link(cell)
        self.cells.clear()


def measure(played: Played, m: Measures) -> None:
    """Add one played ticket's figures (``play`` up to the period's end) to ``m``."""
    p, t, s, sla = m.period, played.ticket, played.state, played.sla
    m.seen += 1
    if len(m.cells) >= CELLS:  # between two tickets: none holds a cell it will add to
        m.fold(copy=True)
    labels = (
        t.team or NONE,
        s.assignee or NONE,
        s.priority,
        t.category or NONE,
        t.channel,
        t.tier or "standard",
    )
    dated: dict[str, Group] = {}

    def cell(at: datetime) -> Group:
        day, week = p.day_and_week(at)
        found = dated.get(day)
        if found is None:
            found = dated[day] = m.cell((*labels, day, week))
        return found

    def add(name: str, at: datetime, n: int = 1) -> None:
        cell(at).counts[name] += n

    def value(name: str, at: datetime, seconds: float) -> None:
        cell(at).timed[name].append(seconds)

    drilled: list[str] = []
    created = t.created_at
    if p.holds(created):
        add("created", created)
        drilled.append("created")
    fr = s.first_response_at
    if p.holds(fr):
        assert fr is not None
        value("first_response_business", fr, business(sla, created, fr))
        value("first_response_calendar", fr, (fr - created).total_seconds())
        drilled.append("responded")
    solved = s.resolved_at if s.status in FINISHED else None
    if p.holds(solved):
        assert solved is not None
        add("solved", solved)
        drilled.append("solved")
        used = business(sla, created, solved) - s.pause_credit_seconds
        value("resolution_business", solved, max(0.0, used))
        value("resolution_calendar", solved, (solved - created).total_seconds())
        for name, statuses in (("requester_wait", WAITING), ("agent_wait", WORKING)):
            value(f"{name}_business", solved, time_in(played, statuses, business_time=True))
            value(f"{name}_calendar", solved, time_in(played, statuses, business_time=False))
        if s.reopens:
            add("reopened", solved)
            drilled.append("reopened")
    for clock, short in ((FIRST_RESPONSE, "fr"), (RESOLUTION, "res")):
        reading = sla.read_clock(clock, p.end)
        stopped = (fr or s.resolved_at) if clock == FIRST_RESPONSE else s.resolved_at
        if reading.state in (ClockState.MET, ClockState.MISSED) and p.holds(stopped):
            assert stopped is not None
            add(f"{short}_finished", stopped)
            if reading.state == ClockState.MET:
                add(f"{short}_met", stopped)
                drilled.append("met")
            else:
                drilled.append("missed")
        due = reading.due_at
        if p.holds(due) and (stopped is None or stopped > due) and not reading.paused:
            add("breaches", due)
            drilled.append("breaches")
    if s.status in OPEN:
        undated = m.cell((*labels, None, None))
        undated.add("backlog")
        undated.value("backlog_age", (p.end - created).total_seconds())
        drilled.append("backlog")
    for end, day, _week in p.named_days:
        if _open_at(played, end):
            m.backlog_by_day[day] += 1
    if m.drill is not None and m.drill in drilled:
        m.tickets.append(_ticket_line(played, m.drill, p))


def _open_at(played: Played, at: datetime) -> bool:
    if played.ticket.created_at >= at:
        return False
    for status, start, end in played.stretches:
        if start < at <= end:
            return status in OPEN
    return played.state.status in OPEN


def _ticket_line(played: Played, drill: str, p: Period) -> dict[str, Any]:
    s, sla = played.state, played.sla
    read = sla.read(p.end)
    return {
        "key": played.ticket.key,
        "title": played.ticket.title,
        "priority": s.priority,
        "status": s.status,
        "team": played.ticket.team,
        "assignee": s.assignee,
        "created_at": played.ticket.created_at,
        "first_response": read.first_response.state.value,
        "resolution": read.resolution.state.value,
        "figure": drill,
    }


def count_alert(m: Measures, fired_at: datetime, rung: str, recipients: Iterable[str]) -> None:
    """One alert fired in the period (from the alert table, or a replay's)."""
    m.alerts_by_rung[rung] += 1
    day = m.period.day(fired_at)
    for person in recipients:
        m.alerts_by_person[person] += 1
        m.alerts_by_person_day[(person, day)] += 1


def gather(
    histories: Iterable[TicketHistory], rules: SlaRules, period: Period, drill: str | None = None
) -> Measures:
    """Every ticket's figures under ``rules`` over ``period``."""
    m = Measures(period, drill)
    for ticket in histories:
        measure(play(ticket, rules, period.end), m)
    return m


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def to_json(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


GROUP_COLUMNS = tuple(Group().row())
# The human forms' title of each grouping's table (its name, ``by_day``, is the machines').
BY_TITLES = {
    "day": N_("By day"),
    "week": N_("By week"),
    "team": N_("By team"),
    "agent": N_("By agent"),
    "priority": N_("By priority"),
    "category": N_("By category"),
    "channel": N_("By channel"),
    "tier": N_("By tier"),
}


def tables(m: Measures, *, top: int = 10, by: tuple[str, ...] = DIMENSIONS) -> list[Table]:
    """The report's tables: the summary, one per grouping, backlog per day and alerts."""
    out = [_group_table("summary", _("Summary"), {"all": m.total})]
    for dim in by:
        groups = dict(m.groups[dim])
        if dim == "category":
            groups = _top(groups, top)
        if dim == "day":  # a day's backlog: open at its end
            for day in _days(m.period):
                groups.setdefault(day, Group()).counts["backlog"] = m.backlog_by_day.get(day, 0)
        if dim == "week":  # a week's backlog: open at its end (its last day in the period)
            for end in m.period.day_ends():
                week, day = m.period.week(end - MOMENT), m.period.day(end - MOMENT)
                groups.setdefault(week, Group()).counts["backlog"] = m.backlog_by_day.get(day, 0)
        if dim in ("day", "week", "priority"):  # time order; P0 to P3
            groups = dict(sorted(groups.items()))
        else:  # the busiest first; the rest of the categories last
            groups = dict(sorted(groups.items(), key=lambda kv: (kv[0] == OTHER, *_busy(kv))))
        title = _(BY_TITLES[dim]) if dim in BY_TITLES else _("By {dim}").format(dim=dim)
        out.append(_group_table(f"by_{dim}", title, groups))
    out.append(
        Table(
            "backlog_by_day",
            _("Backlog at the end of each day"),
            ("day", "open"),
            tuple((day, m.backlog_by_day.get(day, 0)) for day in _days(m.period)),
        )
    )
    out.append(
        Table(
            "alerts_by_rung",
            _("Alerts fired, by rung"),
            ("rung", "alerts"),
            tuple(sorted(m.alerts_by_rung.items(), key=lambda kv: (-kv[1], kv[0]))),
        )
    )
    out.append(
        Table(
            "alerts_by_person",
            _("Alerts fired, by person"),
            ("person", "alerts", "busiest_day", "busiest_day_alerts"),
            tuple(_people(m)),
        )
    )
    return out


def _days(p: Period) -> list[str]:
    return [p.day(end - MOMENT) for end in p.day_ends()]


def _people(m: Measures) -> list[tuple[Any, ...]]:
    busiest: dict[str, tuple[int, str]] = {}
    for (person, day), n in m.alerts_by_person_day.items():
        if person not in busiest or (n, day) > busiest[person]:
            busiest[person] = (n, day)
    rows = [
        (person, n, busiest[person][1], busiest[person][0])
        for person, n in m.alerts_by_person.items()
    ]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def _busy(item: tuple[str, Group]) -> tuple[int, str]:
    """A group's rank: what happened in it (created, solved, still open), then its name."""
    counts = item[1].counts
    return (-(counts["created"] + counts["solved"] + counts["backlog"]), item[0])


def _top(groups: dict[str, Group], top: int) -> dict[str, Group]:
    ranked = sorted(groups.items(), key=_busy)
    kept = dict(ranked[:top])
    if len(ranked) > top:
        rest = Group()
        for _name, g in ranked[top:]:
            rest.merge(g)
        kept[OTHER] = rest
    return kept


def _group_table(name: str, title: str, groups: dict[str, Group]) -> Table:
    rows = []
    for label, g in groups.items():
        row = g.row()
        rows.append((label, *(row[c] for c in GROUP_COLUMNS)))
    return Table(name, title, ("group", *GROUP_COLUMNS), tuple(rows))
