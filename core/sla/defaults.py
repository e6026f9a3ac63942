"""The SLA a desk gets when deskline.toml says nothing: the targets of the design and the
two calendars every desk has ("always", and "business" in the machine's timezone)."""

from __future__ import annotations

from deskline.core.clock import local_timezone
from deskline.core.sla.calendar import BusinessCalendar, parse_duration
from deskline.core.sla.clocks import SlaRules, Target

DEFAULT_TARGETS = {
    "P0": ("15m", "2h", "always"),
    "P1": ("30m", "4h", "always"),
    "P2": ("1h", "24h", "business"),
    "P3": ("4h", "3bd", "business"),
}


def default_calendars() -> dict[str, BusinessCalendar]:
    """The calendars "always" (24x7, UTC) and "business" (weekdays 09-18, machine's zone)."""
    return {
        "always": BusinessCalendar.always(),
        "business": BusinessCalendar.weekdays(local_timezone()),
    }


def default_rules() -> SlaRules:
    """The design's targets per priority, on the default calendars."""
    targets = {
        p: Target(parse_duration(fr), parse_duration(res), cal)
        for p, (fr, res, cal) in DEFAULT_TARGETS.items()
    }
    return SlaRules(targets=targets, calendars=default_calendars())
