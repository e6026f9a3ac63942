"""``deskline report``: the desk's numbers over a day, a week or a range, for the one asking
(an agent their own, a supervisor their team's, directors and admins all)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from deskline.core import clock
from deskline.core.errors import InvalidInput, NotFound
from deskline.core.language import _
from deskline.core.metrics import engine, reader, replay, staffing, stats
from deskline.core.metrics.engine import Measures, Period, Table
from deskline.core.metrics.history import play, time_in
from deskline.core.policy.book import Policy, Rules, read_history
from deskline.core.roster import access, permissions
from deskline.core.sla.clocks import SlaRules
from deskline.storage import queries
from deskline.storage.store import Store

KINDS = ("daily", "weekly", "range")


@dataclass(frozen=True)
class Scope:
    team: str | None
    agent: str | None

    def text(self) -> str:
        """The scope as the human forms say it (the JSON has its team and agent)."""
        if self.agent:
            return _("agent {handle}").format(handle=self.agent)
        if self.team:
            return _("team {team}").format(team=self.team)
        return _("the whole desk")


@dataclass(frozen=True)
class Report:
    kind: str
    period: Period
    scope: Scope
    policy_version: int
    generated_at: datetime
    tables: tuple[Table, ...]
    drill: str | None = None
    tickets: tuple[dict[str, Any], ...] = field(default=())

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        names = ", ".join(t.name for t in self.tables)
        raise InvalidInput(
            _("no table {name} in a report: the tables are {names}").format(
                name=repr(name), names=names
            )
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "from": clock.iso(self.period.start),
            "to": clock.iso(self.period.end),
            "team": self.scope.team,
            "agent": self.scope.agent,
            "policy_version": self.policy_version,
            "generated_at": clock.iso(self.generated_at),
            "tables": {t.name: t.to_json() for t in self.tables},
        }
        if self.drill is not None:
            out["tickets"] = [{**t, "created_at": clock.iso(t["created_at"])} for t in self.tickets]
        return out


def zone_named(name: str | None) -> tzinfo:
    try:
        return ZoneInfo(name or clock.local_timezone())
    except (KeyError, ValueError):
        raise InvalidInput(
            _("--tz {name}: not a timezone; use an IANA name like Europe/Paris").format(name=name)
        ) from None


def _day_or_instant(text: str, zone: tzinfo, what: str, *, end: bool) -> datetime:
    """A date (a whole local day: its start, or for an end the next day's start) or an ISO
    instant with an offset."""
    text = text.strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        try:
            return clock.parse_instant(text)
        except clock.ClockError:
            raise InvalidInput(
                _(
                    "{option} {text}: give a date (2026-04-01) or a time with an offset "
                    "(2026-04-01T09:00:00+02:00)"
                ).format(option=what, text=repr(text))
            ) from None
    if end:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def period_of(kind: str, now: datetime, zone: tzinfo, start: str | None, end: str | None) -> Period:
    """The period of a report: ``daily`` the day of ``start`` (default: yesterday),
    ``weekly`` the Monday-to-Sunday week holding ``start`` (default: last week), ``range``
    from ``start`` to ``end`` (dates are whole days, ``end`` included)."""
    if kind not in KINDS:
        raise InvalidInput(
            _("unknown report {kind}: use daily, weekly or range").format(kind=repr(kind))
        )
    today = now.astimezone(zone).date()
    if kind == "range":
        if start is None or end is None:
            raise InvalidInput(_("a range report needs --from and --to"))
        a = _day_or_instant(start, zone, "--from", end=False)
        b = _day_or_instant(end, zone, "--to", end=True)
        if b <= a:
            raise InvalidInput(
                _("--to {end} is not after --from {start}").format(end=end, start=start)
            )
        return Period(a, b, zone)
    if end is not None:
        raise InvalidInput(
            _("--to goes with a range report, not {kind} (give --from)").format(kind=kind)
        )
    first = _day_or_instant(start, zone, "--from", end=False) if start else None
    day = first.astimezone(zone).date() if first else today - timedelta(days=1)
    if kind == "weekly":
        if first is None:  # last week: the Monday before this week's
            day = today - timedelta(days=today.weekday() + 7)
        day -= timedelta(days=day.weekday())
        length = 7
    else:
        length = 1
    a = datetime(day.year, day.month, day.day, tzinfo=zone)
    later = day + timedelta(days=length)
    return Period(a, datetime(later.year, later.month, later.day, tzinfo=zone), zone)


def scope_for(store: Store, handle: str, team: str | None, agent: str | None) -> Scope:
    """What the one asking may see: their default scope filled in, then checked (Forbidden)."""
    with store.read() as s:
        me = queries.agent_by_handle(s, handle)
        if me is None:
            raise NotFound(
                _("no agent {handle}: see `deskline agents list`").format(handle=repr(handle))
            )
        actor = access.person(s, me)
        if team is None and agent is None:
            team, agent = permissions.report_scope(actor)
        target = None
        if agent is not None:
            found = queries.agent_by_handle(s, agent)
            if found is None:
                raise NotFound(
                    _("--agent {handle}: no such agent; see `deskline agents list`").format(
                        handle=agent
                    )
                )
            target = access.person(s, found)
        if team is not None and queries.team_named(s, team) is None:
            raise NotFound(
                _("--team {team}: no such team; see `deskline agents list`").format(team=team)
            )
    access.require(permissions.may_report(actor, team, target))
    return Scope(team, agent)


def measure_store(
    store: Store,
    rules: SlaRules,
    period: Period,
    scope: Scope,
    drill: str | None = None,
) -> Measures:
    """The engine over the store's tickets in scope, streamed, and the alerts fired."""
    if drill is not None and drill not in engine.DRILLS:
        raise InvalidInput(
            _("--tickets {drill}: use one of {known}").format(
                drill=drill, known=", ".join(engine.DRILLS)
            )
        )
    m = Measures(period, drill)
    with store.read() as s, reader.streaming():
        for ticket in reader.histories(
            s, since=period.start, until=period.end, team=scope.team, agent=scope.agent
        ):
            engine.measure(play(ticket, rules, period.end), m)
        for fired_at, rung, _level, recipients, _number, _team in reader.alerts(
            s, since=period.start, until=period.end, team=scope.team
        ):
            if scope.agent is not None:
                if scope.agent not in recipients:
                    continue
                recipients = [scope.agent]
            engine.count_alert(m, fired_at, rung, recipients)
    return m


def build(
    store: Store,
    handle: str,
    rules: SlaRules,
    policy_version: int,
    *,
    kind: str,
    now: datetime,
    zone: tzinfo,
    start: str | None = None,
    end: str | None = None,
    team: str | None = None,
    agent: str | None = None,
    drill: str | None = None,
    top: int = 10,
) -> Report:
    period = period_of(kind, now, zone, start, end)
    if period.start is not None and period.start >= now:
        raise InvalidInput(
            _("the period begins after now ({now}): nothing to count yet").format(
                now=clock.iso(now)
            )
        )
    period = Period(period.start, min(period.end, now), period.zone)
    scope = scope_for(store, handle, team, agent)
    m = measure_store(store, rules, period, scope, drill)
    by: tuple[str, ...] = ("team", "agent", "priority", "category", "channel", "tier")
    if kind != "daily":
        by = ("day", "week", *by)
    return Report(
        kind,
        period,
        scope,
        policy_version,
        now,
        tuple(engine.tables(m, top=top, by=by)),
        drill,
        tuple(m.tickets),
    )


def replay_period(
    now: datetime, zone: tzinfo, start: str | None, end: str | None, days: int = 30
) -> Period:
    """The replay's period: ``start`` to ``end`` (dates whole days), default the last
    ``days`` days up to now."""
    if start is None and end is None:
        return Period(now - timedelta(days=days), now, zone)
    if start is None or end is None:
        raise InvalidInput(_("give both --from and --to, or neither (the last 30 days)"))
    p = period_of("range", now, zone, start, end)
    return Period(p.start, min(p.end, now), zone)


def what_if(
    store: Store,
    handle: str,
    current: Policy,
    proposed: Rules,
    source: str,
    period: Period,
    *,
    team: str | None = None,
    agent: str | None = None,
    keep: bool = False,
) -> tuple[Scope, replay.Side, replay.Side]:
    """Every ticket of the period under the desk's policy and ``proposed``; reads only."""
    scope = scope_for(store, handle, team, agent)
    with store.read() as s, reader.streaming():
        people = replay.People(reader.roster(s))
        name, versions = _as_applied(read_history(s), current, period)
        histories = reader.histories(
            s, since=period.start, until=period.end, team=scope.team, agent=scope.agent
        )
        now_side, new_side = replay.replay(
            histories,
            (name, current.version, versions),
            (source, None, proposed),
            period,
            people,
            keep=keep,
        )
    return scope, now_side, new_side


def _as_applied(
    history: list[Policy], current: Policy, period: Period
) -> tuple[str, replay.Versions | Rules]:
    """The desk's policy as it ran: its stored versions, each from when it was applied (the
    due times of open tickets were worked out again then), named by the versions in force
    during the period. A desk whose policy is not its stored one (pinned) runs on that."""
    if not history or history[-1].version != current.version:
        return f"version {current.version}", current.rules
    versions = replay.Versions.applied(history)
    shown = [p.version for i, p in enumerate(history) if _in_force(history, i, period)]
    if len(shown) == 1:
        return f"version {shown[0]}", versions
    return f"versions {shown[0]}-{shown[-1]} as applied", versions


def _in_force(history: list[Policy], i: int, period: Period) -> bool:
    """Whether version ``i`` ruled at some instant of the period (the first one also rules
    before it was applied)."""
    ends = history[i + 1].applied_at if i + 1 < len(history) else None
    starts = history[i].applied_at if i > 0 else None
    after_start = period.start is None or ends is None or ends > period.start
    return after_start and (starts is None or starts < period.end)


@dataclass(frozen=True)
class Staffing:
    scope: Scope
    target: staffing.Target
    weeks: int
    handle_seconds: float
    measured: int  # solved tickets the handle time was measured on
    needed: tuple[int, ...]  # per hour of the week, Monday 00:00 first
    arrivals: tuple[float, ...]
    on_duty: int

    def to_json(self) -> dict[str, Any]:
        return {
            "team": self.scope.team,
            "target": str(self.target),
            "weeks": self.weeks,
            "handle_seconds": round(self.handle_seconds, 1),
            "handle_measured_on": self.measured,
            "on_duty_now": self.on_duty,
            "hours": [
                {"hour": staffing.hour_name(i), "arrivals": round(a, 2), "agents": n}
                for i, (a, n) in enumerate(zip(self.arrivals, self.needed, strict=True))
            ],
        }


def staffing_of(
    store: Store,
    handle: str,
    target: staffing.Target,
    *,
    now: datetime,
    zone: tzinfo,
    team: str | None = None,
    weeks: int = 4,
    rules: SlaRules,
    handle_time: timedelta | None = None,
) -> Staffing:
    """Agents needed per hour of the week from the last ``weeks`` weeks: the arrival rate,
    and the handle time (given, else measured as the median time solved tickets spent in
    progress: the desk records no time actually worked, so this is an upper bound)."""
    scope = scope_for(store, handle, team, None)
    since = now - timedelta(weeks=weeks)
    created: list[datetime] = []
    working: list[float] = []
    with store.read() as s:
        for ticket in reader.histories(
            s, since=since, until=now, team=scope.team, agent=scope.agent
        ):
            if ticket.created_at < since:
                continue
            created.append(ticket.created_at)
            played = play(ticket, rules, now)
            if played.state.status in ("resolved", "closed"):
                working.append(time_in(played, ("in_progress",), business_time=False))
        on_duty = reader.on_duty(s, scope.team)
    if handle_time is None:
        handle_time = timedelta(seconds=max(60.0, stats.median(working) or 1800.0))
    arrivals = staffing.arrivals_per_hour_of_week(created, zone, weeks)
    needed = tuple(staffing.agents_needed(a, handle_time, target) for a in arrivals)
    seconds = handle_time.total_seconds()
    return Staffing(scope, target, weeks, seconds, len(working), needed, tuple(arrivals), on_duty)
