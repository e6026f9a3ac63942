"""Surge detection: a burst of P0 tickets in one team. Pure: arrivals and ``now`` are arguments.

A surge begins when more than ``more_than`` P0 tickets arrive in a team within ``within``,
and lasts until ``within`` passes without another P0 there; it fires once, when it
begins. Delivering the alert (to the team's supervisors and the director) is the alert
engine's job: this module only decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from deskline.core.clock import iso
from deskline.core.language import _


@dataclass(frozen=True)
class SurgeRule:
    """``[surge]`` in deskline.toml (default: more than 3 P0 tickets within 10 minutes)."""

    enabled: bool = True
    more_than: int = 3
    within: timedelta = timedelta(minutes=10)


@dataclass(frozen=True)
class SurgeCheck:
    """What one P0 arrival means: a new surge (``fires``), part of one going on, or neither."""

    fires: bool
    continues: bool
    count: int  # P0 arrivals in the window ending now, this one included


def ongoing(last_p0_at: datetime | None, now: datetime, rule: SurgeRule) -> bool:
    """Whether a surge whose newest P0 arrived at ``last_p0_at`` is still going on at ``now``."""
    return last_p0_at is not None and now - last_p0_at < rule.within


def check(
    arrivals: Sequence[datetime],
    now: datetime,
    rule: SurgeRule,
    *,
    surge_last_p0_at: datetime | None = None,
) -> SurgeCheck:
    """A P0 ticket arrived at ``now``; ``arrivals`` are the team's P0 arrival times (this one
    included; older ones are ignored), ``surge_last_p0_at`` the newest P0 of the team's
    latest surge, if it had one."""
    count = sum(1 for t in arrivals if now - rule.within < t <= now)
    if not rule.enabled:
        return SurgeCheck(fires=False, continues=False, count=count)
    if ongoing(surge_last_p0_at, now, rule):
        return SurgeCheck(fires=False, continues=True, count=count)
    return SurgeCheck(fires=count > rule.more_than, continues=False, count=count)


@dataclass(frozen=True)
class SurgeView:
    """A surge as the CLI, the JSON and the dashboard show it."""

    team: str | None
    began_with: str  # key of the P0 ticket that began it
    started_at: datetime
    last_p0_at: datetime
    p0_count: int
    more_than: int
    within: timedelta
    recipients: tuple[str, ...]
    alerted_at: datetime | None
    active: bool  # still going on at the moment it was read

    @classmethod
    def from_row(cls, surge: Any, team: str | None, number: int, *, now: datetime) -> SurgeView:
        """From a row of ``storage.workload.surges``."""
        within = timedelta(seconds=surge.within_seconds)
        return cls(
            team=team,
            began_with=f"T-{number}",
            started_at=surge.started_at,
            last_p0_at=surge.last_p0_at,
            p0_count=surge.p0_count,
            more_than=surge.more_than,
            within=within,
            recipients=tuple(surge.recipients),
            alerted_at=surge.alerted_at,
            active=now - surge.last_p0_at < within,
        )

    def banner(self) -> str:
        """One line for the dashboard, times local."""
        minutes = max(1, round(self.within.total_seconds() / 60))
        return _(
            "SURGE · {team}: {count} P0 tickets within {minutes} min"
            " (since {since}, began with {first})"
        ).format(
            team=self.team or _("no team"),
            count=self.p0_count,
            minutes=minutes,
            since=f"{self.started_at.astimezone():%H:%M}",
            first=self.began_with,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "began_with": self.began_with,
            "started_at": iso(self.started_at),
            "last_p0_at": iso(self.last_p0_at),
            "p0_count": self.p0_count,
            "more_than": self.more_than,
            "within_seconds": int(self.within.total_seconds()),
            "recipients": list(self.recipients),
            "alerted_at": iso(self.alerted_at),
            "active": self.active,
        }
