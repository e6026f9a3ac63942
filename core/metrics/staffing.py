"""Staffing by Erlang C: how many agents each hour of the week needs to answer a target share
of tickets within a target wait, from the arrival rate and the handle time. Pure."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from deskline.core.language import _
from deskline.core.sla.calendar import parse_duration

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TARGET = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*in\s*(\S+)\s*$")


@dataclass(frozen=True)
class Target:
    share: float  # 0..1 of tickets ...
    within: timedelta  # ... taken up within this wait

    def __str__(self) -> str:
        minutes = int(self.within.total_seconds() // 60)
        return f"{self.share * 100:g}% in {minutes}m"


def parse_target(text: str) -> Target:
    """``80% in 30m`` (any duration deskline reads: 90s, 15m, 1h)."""
    found = _TARGET.match(text)
    if found is None:
        raise ValueError(_('--target {text}: write it like "80% in 30m"').format(text=repr(text)))
    share = float(found.group(1)) / 100
    if not 0 < share < 1:
        raise ValueError(
            _("--target {text}: the share must be above 0% and below 100%").format(text=repr(text))
        )
    duration = parse_duration(found.group(2))
    if duration.business_days:
        raise ValueError(_("--target {text}: give the wait in s, m or h").format(text=repr(text)))
    return Target(share, timedelta(seconds=duration.seconds))


def erlang_c(traffic: float, agents: int) -> float:
    """The probability a ticket waits at all, with ``traffic`` erlangs offered to ``agents``
    (1.0 when the agents cannot keep up: agents <= traffic)."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    b = 1.0  # Erlang B by its recursion, stable for any size
    for n in range(1, agents + 1):
        b = traffic * b / (n + traffic * b)
    return agents * b / (agents - traffic * (1 - b))


def service_level(traffic: float, agents: int, handle: timedelta, within: timedelta) -> float:
    """The share of tickets taken up within ``within``."""
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    waits = erlang_c(traffic, agents)
    return 1 - waits * math.exp(-(agents - traffic) * within / handle)


def agents_needed(per_hour: float, handle: timedelta, target: Target) -> int:
    """The fewest agents meeting ``target`` with ``per_hour`` arrivals of ``handle`` each."""
    if per_hour <= 0 or handle <= timedelta(0):
        return 0
    traffic = per_hour * handle / timedelta(hours=1)
    agents = max(1, math.floor(traffic) + 1)
    while service_level(traffic, agents, handle, target.within) < target.share:
        agents += 1
    return agents


def arrivals_per_hour_of_week(
    created: Iterable[datetime], zone: tzinfo, weeks: float
) -> list[float]:
    """The mean arrivals in each of the week's 168 hours (Monday 00:00 first) over ``weeks``."""
    counts = [0] * 168
    for at in created:
        local = at.astimezone(zone)
        counts[local.weekday() * 24 + local.hour] += 1
    return [c / weeks for c in counts]


def hour_name(index: int) -> str:
    return f"{WEEKDAYS[index // 24]} {index % 24:02d}:00"
