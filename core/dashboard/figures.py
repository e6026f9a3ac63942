"""What the breach dashboard shows at one instant: counters, the breached and at-risk
lists, agent load and the trends, each with its stable JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from deskline.core.clock import iso
from deskline.core.routing.surge import SurgeView
from deskline.core.sla.clocks import ClockReading, SlaClock


@dataclass(frozen=True)
class Counters:
    breached: int
    at_risk: int  # at or past the warning threshold, not breached
    open: int
    unassigned: int
    met_today: int  # clocks that stopped today in time ...
    finished_today: int  # ... of all that stopped today

    @property
    def attainment(self) -> float | None:
        """Percent of today's finished clocks that were met; None when none finished."""
        return 100.0 * self.met_today / self.finished_today if self.finished_today else None


@dataclass(frozen=True)
class PriorityLine:
    priority: str
    open: int
    at_risk: int
    breached: int


@dataclass(frozen=True)
class Entry:
    """A ticket in the breached or at-risk list, with the clock that put it there."""

    number: int
    priority: str
    title: str
    assignee: str | None
    clock: str  # first_response or resolution
    reading: ClockReading
    sla: SlaClock = field(repr=False, compare=False)

    @property
    def key(self) -> str:
        return f"T-{self.number}"

    def read(self, now: datetime) -> ClockReading:
        """The same clock at ``now`` (for countdowns ticking without the store)."""
        return self.sla.read_clock(self.clock, now)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "priority": self.priority,
            "title": self.title,
            "assignee": self.assignee,
            "clock": self.clock,
            "state": self.reading.state.value,
            "due_at": iso(self.reading.due_at),
            "remaining_seconds": self.reading.remaining_seconds,
        }


@dataclass(frozen=True)
class AgentLoad:
    handle: str
    name: str
    role: str
    open: int  # open tickets held, any priority
    active: int  # held tickets of the priorities the cap counts
    cap: int
    breaches: int  # held tickets breached now

    @property
    def load(self) -> float:
        return self.active / self.cap if self.cap else float(self.active > 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "handle": self.handle,
            "name": self.name,
            "role": self.role,
            "open": self.open,
            "active": self.active,
            "cap": self.cap,
            "breaches": self.breaches,
            "load_percent": round(100 * self.load, 1),
        }


@dataclass(frozen=True)
class DayAttainment:
    day: date  # local date
    met: int
    finished: int

    @property
    def percent(self) -> float | None:
        return 100.0 * self.met / self.finished if self.finished else None


@dataclass(frozen=True)
class HourBreaches:
    start: datetime  # UTC start of the local hour
    count: int


@dataclass(frozen=True)
class Figures:
    """Everything the dashboard shows, at one instant."""

    now: datetime
    team: str | None
    counters: Counters
    priorities: tuple[PriorityLine, ...]
    breached: tuple[Entry, ...]  # most overdue first (at most LIST_LIMIT)
    at_risk: tuple[Entry, ...]  # least time left first (at most LIST_LIMIT)
    agents: tuple[AgentLoad, ...]  # most loaded first
    attainment: tuple[DayAttainment, ...]  # oldest day first, today last
    breaches_per_hour: tuple[HourBreaches, ...]  # oldest hour first, this hour last
    # surges going on (``figures_once``; the live screen follows them on its own)
    surges: tuple[SurgeView, ...] = ()

    def to_json(self) -> dict[str, Any]:
        c = self.counters
        attainment = c.attainment
        return {
            "generated_at": iso(self.now),
            "team": self.team,
            "counters": {
                "breached": c.breached,
                "at_risk": c.at_risk,
                "open": c.open,
                "unassigned": c.unassigned,
                "attainment_today": None if attainment is None else round(attainment, 1),
                "met_today": c.met_today,
                "finished_today": c.finished_today,
            },
            "priorities": {
                p.priority: {"open": p.open, "at_risk": p.at_risk, "breached": p.breached}
                for p in self.priorities
            },
            "breached": [e.to_json() for e in self.breached],
            "at_risk": [e.to_json() for e in self.at_risk],
            "agents": [a.to_json() for a in self.agents],
            "trend": {
                "attainment": [
                    {
                        "date": d.day.isoformat(),
                        "met": d.met,
                        "finished": d.finished,
                        "percent": None if d.percent is None else round(d.percent, 1),
                    }
                    for d in self.attainment
                ],
                "breaches_per_hour": [
                    {"hour": iso(h.start), "count": h.count} for h in self.breaches_per_hour
                ],
            },
            "surges": [v.to_json() for v in self.surges],
        }
