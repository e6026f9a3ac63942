"""What-if: every ticket of a period played through its recorded history under the current
policy and a proposed one, side by side. The same SLA clocks (``core.sla``) and alert ladder
(``core.alerts.ladder``) as the live desk; nothing is written.

The alerts a policy would have fired are the ladder's marks of each stretch of a ticket's
history (between two of its events nothing changes): a mark whose moment falls within the
stretch fires once (its dedupe key, as the watcher's). The recorded events stay as they
were, the watcher's own steps (hand-backs, automatic closes) included.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from deskline.core.alerts.ladder import DIRECTORS, RUNGS, SUPERVISORS, TARGET, Ladder, Mark
from deskline.core.metrics import engine
from deskline.core.metrics.engine import Measures, Period
from deskline.core.metrics.history import (
    Change,
    Played,
    State,
    TicketHistory,
    ladder_facts_of,
    play,
)
from deskline.core.policy.book import Policy, Rules
from deskline.core.sla.clocks import SlaClock

PRE_BREACH = ("warning", "at_risk")
ACT_WITHIN = timedelta(minutes=15)  # a warning with less time than this left is too late


@dataclass(frozen=True)
class Fired:
    """An alert a policy fires in the replay."""

    ticket: int  # number
    rung: str
    threshold: str
    clock: str | None
    at: datetime  # its moment
    recipients: tuple[str, ...]
    too_late: bool = False
    fired_at: datetime | None = None  # later than ``at`` when it fires late
    mark: Mark | None = field(default=None, compare=False, repr=False)  # the ladder's own
    escalated_to: str | None = field(default=None, compare=False)  # whom an escalation named

    def key(self) -> tuple[int, str, str, str | None, datetime]:
        return (self.ticket, self.rung, self.threshold, self.clock, self.at)


class People:
    """Who hears of a rung, as the watcher decides it, from the roster as it is now:
    (handle, role, team) rows."""

    def __init__(self, roster: Iterable[tuple[str, str, str | None]]) -> None:
        self.roster = list(roster)

    def supervisors(self, team: str | None) -> list[str]:
        sup = [(h, t) for h, role, t in self.roster if role == "supervisor"]
        return [h for h, t in sup if t == team] or [h for h, _ in sup]

    def directors(self) -> list[str]:
        return [h for h, role, _ in self.roster if role == "director"]

    def target(self, to: str | None, team: str | None) -> list[str]:
        if not to:
            return []
        kind, _, name = to.partition(":")
        if kind == "role":
            return self.directors() if name == "director" else self.supervisors(team)
        if kind == "team":
            return [h for h, role, t in self.roster if role == "supervisor" and t == name]
        return [to]

    def for_rung(
        self, rung: str, assignee: str | None, team: str | None, to: str | None
    ) -> tuple[str, ...]:
        audience = RUNGS[rung].audience
        found: list[str] = []
        if TARGET in audience:
            found += self.target(to, team)
        if "assignee" in audience and assignee:
            found.append(assignee)
        if SUPERVISORS in audience or ("assignee" in audience and not assignee):
            found += self.supervisors(team)
        if DIRECTORS in audience:
            found += self.directors()
        if audience and not found:
            found = [h for h, role, _ in self.roster if role == "admin"]
        return tuple(dict.fromkeys(found))


class Versions:
    """A policy over time: each version from the instant it was applied on, the first one
    also before it (a desk runs on the built-in defaults until it pins them as version 1)."""

    def __init__(self, spans: Sequence[tuple[datetime | None, Rules]]) -> None:
        if not spans:
            raise ValueError("a policy over time needs one version at least")
        later = [(at, rules) for at, rules in spans[1:] if at is not None]
        self.spans = [spans[0], *later]  # (applied at, rules), oldest first
        self._starts = [at for at, _ in later]
        self._ladders: dict[int, Ladder] = {}
        self.changes: list[Change] = [(at, rules.sla) for at, rules in later]

    @classmethod
    def of(cls, rules: Rules | Versions) -> Versions:
        return rules if isinstance(rules, Versions) else cls([(None, rules)])

    @classmethod
    def applied(cls, history: Sequence[Policy]) -> Versions:
        """The desk's stored versions as it applied them."""
        return cls([(p.applied_at, p.rules) for p in history])

    def at(self, when: datetime) -> Rules:
        """The rules in force at ``when``."""
        return self.spans[bisect_right(self._starts, when)][1]

    def ladder(self, rules: Rules) -> Ladder:
        found = self._ladders.get(id(rules))
        if found is None:
            found = self._ladders[id(rules)] = Ladder(rules.alerts)
        return found


def alerts_of(
    ticket: TicketHistory,
    rules: Rules | Versions,
    until: datetime,
    people: People,
    *,
    act_within: timedelta = ACT_WITHIN,
) -> tuple[Played, list[Fired]]:
    """``ticket`` played under ``rules`` (one policy, or a desk's versions as it applied
    them) up to ``until``, and the alerts its ladder fires."""
    versions = Versions.of(rules)
    fired: list[Fired] = []
    keys: set[str] = set()
    last: list[Any] = [None, None, None, []]  # ladder, facts, clock and their marks

    def segment(state: State, clock: SlaClock, start: datetime, end: datetime) -> None:
        now = versions.at(start)
        if not now.alerts.enabled:
            return
        ladder = versions.ladder(now)
        sla = clock if state.status != "closed" else None
        facts = ladder_facts_of(ticket, state)
        if last[0] is not ladder or last[1] != facts or last[2] is not sla:
            # most events (a note, a reply) change neither: the marks of the stretch before
            last[:] = [ladder, facts, sla, ladder.marks(facts, sla)]
        for mark in last[3]:
            if mark.at > end:
                break
            if mark.rung == "surge":
                continue  # a desk's, not a ticket's
            key = mark.key(ticket.id)
            if key in keys:
                continue
            keys.add(key)
            recipients = people.for_rung(mark.rung, state.assignee, ticket.team, state.escalated_to)
            fired.append(
                Fired(
                    ticket.number,
                    mark.rung,
                    mark.threshold,
                    mark.clock,
                    mark.at,
                    recipients,
                    _too_late(mark, act_within),
                    max(mark.at, start),  # a mark already past when the stretch began: late
                    mark,
                    state.escalated_to,
                )
            )

    first = versions.at(ticket.created_at).sla
    played = play(ticket, first, until, on_segment=segment, changes=versions.changes)
    return played, fired


def _too_late(mark: Mark, act_within: timedelta) -> bool:
    """A pre-breach warning with less than ``act_within`` left before the breach (or none:
    held by quiet hours past it)."""
    return mark.rung in PRE_BREACH and mark.clock is not None and mark.base - mark.at < act_within


@dataclass
class Side:
    """One policy's replay."""

    name: str
    version: int | None
    measures: Measures
    alerts: int = 0
    too_late: int = 0
    by_rung: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    per_person_day: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    fired: list[Fired] = field(default_factory=list)

    def add(self, items: list[Fired], keep: bool) -> None:
        p = self.measures.period
        for f in items:
            when = f.fired_at or f.at
            if not p.holds(when):
                continue
            self.alerts += 1
            self.too_late += f.too_late
            self.by_rung[f.rung] += 1
            day = p.day(when)
            for person in f.recipients:
                self.per_person_day[(person, day)] += 1
            if keep:
                self.fired.append(f)

    def to_json(self) -> dict[str, Any]:
        rows = {t.name: t.to_json() for t in engine.tables(self.measures, by=("priority", "team"))}
        per_day = sorted(self.per_person_day.items(), key=lambda kv: (kv[0][0], kv[0][1]))
        busiest = max(self.per_person_day.values(), default=0)
        people = {person for person, _ in self.per_person_day}
        days = {day for _, day in self.per_person_day}
        return {
            "policy": self.name,
            "version": self.version,
            "summary": rows["summary"][0],
            "by_priority": rows["by_priority"],
            "by_team": rows["by_team"],
            "breaches": rows["summary"][0]["breaches"],
            "alerts": self.alerts,
            "alerts_by_rung": dict(sorted(self.by_rung.items())),
            "alerts_per_person_day": [
                {"person": person, "day": day, "alerts": n} for (person, day), n in per_day
            ],
            "busiest_person_day": busiest,
            "mean_per_person_day": round(
                sum(self.per_person_day.values()) / (len(people) * len(days)), 1
            )
            if people
            else None,
            "too_late_warnings": self.too_late,
        }


def replay(
    histories: Iterable[TicketHistory],
    current: tuple[str, int | None, Rules | Versions],
    proposed: tuple[str, int | None, Rules | Versions],
    period: Period,
    people: People,
    *,
    keep: bool = False,
) -> tuple[Side, Side]:
    """Both policies over the same tickets; ``keep``: keep every alert fired (tests)."""
    sides = (
        Side(current[0], current[1], Measures(period)),
        Side(proposed[0], proposed[1], Measures(period)),
    )
    for ticket in histories:
        for side, (_, _, rules) in zip(sides, (current, proposed), strict=True):
            played, fired = alerts_of(ticket, rules, period.end, people)
            engine.measure(played, side.measures)
            side.add(fired, keep)
    return sides
