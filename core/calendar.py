"""Business calendars and durations: when a desk is open, and business-time arithmetic.

Pure: never reads the clock, the environment or the database. Instants go in as
timezone-aware datetimes and come out as UTC.

How wall-clock hours meet daylight saving: each window boundary (say 09:00 on a
date) becomes the first instant at which the local wall clock reads that time.
When clocks fall back, that is the first of the two readings, and a window stays
one unbroken stretch of real time. When clocks spring forward over the boundary,
it is the instant of the jump (the first wall time that exists after it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holiday_tables

__all__ = [
    "BusinessCalendar",
    "CalendarError",
    "Duration",
    "DurationError",
    "parse_duration",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS = "24x7"

_DAY_SECONDS = 86_400
_US = 1_000_000  # instants and lengths are kept as integer microseconds since the epoch
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_ONE_DAY = timedelta(days=1)
# Every calendar has open time each week, so only a broken one could stay shut this long.
_MAX_CLOSED_DAYS = 3_660
_DAY_CACHE_SIZE = 20_000

# A window is (start, end) in seconds since local midnight; end may be 24:00.
Window = tuple[int, int]
WeekHours = tuple[tuple[Window, ...], ...]
Span = tuple[int, int]  # [start, end) in epoch microseconds


class DurationError(ValueError):
    """A duration text or value that cannot be used."""


class CalendarError(ValueError):
    """A business calendar configured with a value that cannot be used."""


# --- durations ---------------------------------------------------------------

_DURATION_RE = re.compile(r"(?:(\d+)bd)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_DURATION_HINT = "use a number with s, m, h or bd, like 90s, 15m, 2h, 1h30m or 3bd"


@dataclass(frozen=True, slots=True)
class Duration:
    """A span of business time: whole business days first, then business seconds."""

    seconds: int = 0
    business_days: int = 0

    def __post_init__(self) -> None:
        if self.seconds < 0 or self.business_days < 0:
            raise DurationError(
                f"bad duration (seconds={self.seconds}, business_days={self.business_days}):"
                " neither part can be negative"
            )

    def __str__(self) -> str:
        hours, rest = divmod(self.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        parts = [
            f"{value}{unit}"
            for value, unit in (
                (self.business_days, "bd"),
                (hours, "h"),
                (minutes, "m"),
                (seconds, "s"),
            )
            if value
        ]
        return "".join(parts) or "0s"


@lru_cache(maxsize=256)
def parse_duration(text: str) -> Duration:
    """Read "90s", "15m", "2h", "1h30m", "3bd" or "1bd4h" as a positive Duration."""
    match = _DURATION_RE.fullmatch(text.strip().lower()) if isinstance(text, str) else None
    if match is None or not any(match.groups()):
        raise DurationError(f"bad duration {text!r}: {_DURATION_HINT}")
    days, hours, minutes, seconds = (int(group or 0) for group in match.groups())
    duration = Duration(seconds=hours * 3600 + minutes * 60 + seconds, business_days=days)
    if not (duration.seconds or duration.business_days):
        raise DurationError(f"bad duration {text!r}: it must be more than zero; {_DURATION_HINT}")
    return duration


# --- reading the configuration -----------------------------------------------

_WINDOW_RE = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_WINDOW_HINT = 'use "HH:MM-HH:MM", like "09:00-18:00"'


def _parse_window(text: object, day: str) -> Window:
    match = _WINDOW_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise CalendarError(f"bad hours window {text!r} for {day}: {_WINDOW_HINT}")
    start_h, start_m, end_h, end_m = (int(group) for group in match.groups())
    start, end = start_h * 3600 + start_m * 60, end_h * 3600 + end_m * 60
    if start_h > 23 or start_m > 59 or end_m > 59 or end > _DAY_SECONDS:
        raise CalendarError(
            f"bad hours window {text!r} for {day}: times run from 00:00 to 24:00; {_WINDOW_HINT}"
        )
    if end <= start:
        raise CalendarError(
            f"bad hours window {text!r} for {day}: it must end after it starts"
            " (to run past midnight, end it at 24:00 and open the next day at 00:00)"
        )
    return start, end


def _format_window(window: Window) -> str:
    (sh, sm), (eh, em) = (divmod(edge // 60, 60) for edge in window)
    return f"{sh:02d}:{sm:02d}-{eh:02d}:{em:02d}"


def _parse_hours(hours: object) -> WeekHours:
    if isinstance(hours, str):
        if hours.strip().lower() == ALWAYS:
            return (((0, _DAY_SECONDS),),) * 7
        raise CalendarError(
            f'bad hours {hours!r}: use "24x7" or a table of weekday windows,'
            ' like { mon = ["09:00-12:00", "13:00-18:00"] }'
        )
    if not isinstance(hours, Mapping):
        raise CalendarError(
            f'bad hours {hours!r}: use "24x7" or a table of weekday windows,'
            ' like { mon = ["09:00-18:00"] }'
        )
    week: list[tuple[Window, ...]] = [()] * 7
    for name, texts in hours.items():
        day = name.strip().lower() if isinstance(name, str) else name
        if day not in WEEKDAYS:
            raise CalendarError(
                f"unknown weekday {name!r} in hours: use mon, tue, wed, thu, fri, sat or sun"
            )
        # A lone string is one window, not a sequence of characters.
        items: Sequence[object] = [texts] if isinstance(texts, str) else list(texts)
        windows = sorted(_parse_window(text, day) for text in items)
        for before, after in zip(windows, windows[1:], strict=False):
            if after[0] < before[1]:
                raise CalendarError(
                    f"hours for {day} overlap: {_format_window(before)!r} and"
                    f" {_format_window(after)!r}; make each window end before the next starts"
                )
        week[WEEKDAYS.index(day)] = tuple(windows)
    if not any(week):
        raise CalendarError('hours has no open time: give at least one window, or use "24x7"')
    return tuple(week)


def _parse_holiday(value: object) -> date:
    # A datetime is a date too, but not a whole day.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CalendarError(f"bad holiday {value!r}: use an ISO date, like 2026-10-01")


def _load_zone(name: object) -> ZoneInfo:
    hint = "use an IANA name, like 'Asia/Shanghai', 'Europe/Berlin' or 'UTC'"
    if not isinstance(name, str) or not name.strip():
        raise CalendarError(f"unknown timezone {name!r}: {hint}")
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarError(f"unknown timezone {name!r}: {hint}") from None


def _check_country(country: str | None, subdiv: str | None) -> None:
    if country is None:
        if subdiv is not None:
            raise CalendarError(
                f"holiday_subdiv {subdiv!r} needs a holiday_country, like 'US' with 'CA'"
            )
        return
    try:
        holiday_tables.country_holidays(country, years=())
    except NotImplementedError:
        raise CalendarError(
            f"unknown holiday_country {country!r}: use a country code the holidays package"
            " knows, like 'CN', 'US' or 'DE'"
        ) from None
    try:
        holiday_tables.country_holidays(country, subdiv=subdiv, years=())
    except NotImplementedError:
        known = holiday_tables.list_supported_countries().get(country, [])
        hint = f"use one of {', '.join(known)}" if known else f"{country} has no subdivisions"
        raise CalendarError(f"unknown holiday_subdiv {subdiv!r} for {country}: {hint}") from None


# --- the calendar ------------------------------------------------------------


def _utc_us(t: datetime) -> int:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"naive datetime {t.isoformat()}: pass a timezone-aware datetime")
    return (t - _EPOCH) // _ONE_US


def _from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


@dataclass(frozen=True, slots=True, init=False)
class BusinessCalendar:
    """When a desk is open: a timezone, weekly hours and holidays."""

    timezone: str
    hours: WeekHours | Literal["24x7"]
    holidays: frozenset[date]
    holiday_country: str | None
    holiday_subdiv: str | None
    _zone: ZoneInfo = field(compare=False, repr=False)
    _week: WeekHours = field(compare=False, repr=False)
    _days: dict[date, tuple[Span, ...]] = field(compare=False, repr=False)
    _country_years: dict[int, frozenset[date]] = field(compare=False, repr=False)

    def __init__(
        self,
        timezone: str = "UTC",
        hours: str | Mapping[str, Sequence[str] | str] = ALWAYS,
        holidays: Iterable[date | str] = (),
        holiday_country: str | None = None,
        holiday_subdiv: str | None = None,
    ) -> None:
        zone = _load_zone(timezone)
        week = _parse_hours(hours)
        always = isinstance(hours, str)
        if isinstance(holidays, str):  # one date, not a sequence of characters
            holidays = [holidays]
        dates = frozenset(_parse_holiday(value) for value in holidays)
        _check_country(holiday_country, holiday_subdiv)
        if always and (dates or holiday_country):
            raise CalendarError(
                'hours "24x7" is always open, so holidays cannot apply: drop the holidays,'
                ' or give weekly hours such as { mon = ["00:00-24:00"], ... }'
            )
        init = object.__setattr__  # the dataclass is frozen
        init(self, "timezone", timezone.strip())
        init(self, "hours", ALWAYS if always else week)
        init(self, "holidays", dates)
        init(self, "holiday_country", holiday_country)
        init(self, "holiday_subdiv", holiday_subdiv)
        init(self, "_zone", zone)
        init(self, "_week", week)
        init(self, "_days", {})
        init(self, "_country_years", {})

    def __repr__(self) -> str:
        hours = ALWAYS if self.is_always_open else self.weekly_hours()
        return (
            f"BusinessCalendar(timezone={self.timezone!r}, hours={hours!r},"
            f" holidays={sorted(day.isoformat() for day in self.holidays)!r},"
            f" holiday_country={self.holiday_country!r}, holiday_subdiv={self.holiday_subdiv!r})"
        )

    @classmethod
    def always(cls) -> BusinessCalendar:
        """Open around the clock, in UTC: business time is real elapsed time."""
        return cls("UTC", ALWAYS)

    @classmethod
    def weekdays(cls, timezone: str) -> BusinessCalendar:
        """Open Monday to Friday, 09:00 to 18:00 local time."""
        return cls(timezone, {day: ["09:00-18:00"] for day in WEEKDAYS[:5]})

    @property
    def is_always_open(self) -> bool:
        """Whether the calendar is "24x7"."""
        return self.hours == ALWAYS

    def weekly_hours(self) -> dict[str, list[str]]:
        """The open windows per weekday as config text, closed days left out."""
        return {
            name: [_format_window(window) for window in windows]
            for name, windows in zip(WEEKDAYS, self._week, strict=True)
            if windows
        }

    # --- questions -----------------------------------------------------------

    def is_open(self, t: datetime) -> bool:
        """Whether the desk is open at t (a window includes its opening, not its close)."""
        now = _utc_us(t)
        if self.is_always_open:
            return True
        _, start, _ = next(self._spans_from(self._local_date(t), now))
        return start <= now

    def next_open(self, t: datetime) -> datetime:
        """t itself when open, else the next opening, in UTC."""
        now = _utc_us(t)
        if self.is_always_open:
            return t.astimezone(UTC)
        _, start, _ = next(self._spans_from(self._local_date(t), now))
        return _from_us(max(start, now))

    def add(self, start: datetime, duration: Duration | timedelta | str) -> datetime:
        """The instant `duration` of business time after start (business days first), in UTC."""
        now = _utc_us(start)
        if isinstance(duration, str):
            duration = parse_duration(duration)
        if isinstance(duration, timedelta):
            if duration < timedelta(0):
                raise ValueError(f"cannot add a negative duration ({duration})")
            days, amount = 0, duration // _ONE_US
        else:
            days, amount = duration.business_days, duration.seconds * _US
        day = self._local_date(start)
        if days:
            day, now = self._add_business_days(day, now, days)
            if not amount:
                return _from_us(now)  # may be a close, which _add_time would move past
        if self.is_always_open:
            return _from_us(now + amount)
        return _from_us(self._add_time(day, now, amount))

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Business time from a to b; negative when b is before a."""
        start, end = _utc_us(a), _utc_us(b)
        if end < start:
            return -self.between(b, a)
        if self.is_always_open:
            return timedelta(microseconds=end - start)
        total = 0
        for _, span_start, span_end in self._spans_from(self._local_date(a), start):
            if span_start >= end:
                break
            total += min(span_end, end) - max(span_start, start)
        return timedelta(microseconds=total)

    # --- walking the open spans ----------------------------------------------

    def _local_date(self, t: datetime) -> date:
        return t.astimezone(self._zone).date()

    def _spans_from(self, day: date, now: int) -> Iterator[tuple[date, int, int]]:
        """The open spans (with their local day) that end after `now`, from `day` on.

        `day` must be no later than the local date of `now`; any earlier day is fine.
        """
        closed = 0
        while True:
            spans = self._day(day)
            for start, end in spans:
                if end > now:
                    yield day, start, end
            closed = 0 if spans else closed + 1
            if closed > _MAX_CLOSED_DAYS:
                raise CalendarError(f"calendar {self!r} has no open time for ten years")
            day += _ONE_DAY

    def _add_time(self, day: date, now: int, amount: int) -> int:
        for _, start, end in self._spans_from(day, now):
            start = max(start, now)
            if amount <= end - start:
                return start + amount  # landing exactly on a close stays at that close
            amount -= end - start
        raise AssertionError("unreachable: _spans_from never ends")

    def _add_business_days(self, day: date, now: int, days: int) -> tuple[date, int]:
        """Keep the business-time position within the working day, `days` working days on."""
        day, start, _ = next(self._spans_from(day, now))
        now = max(start, now)
        position = sum(min(end, now) - begin for begin, end in self._day(day) if begin < now)
        closed = 0
        while days:
            day += _ONE_DAY
            if self._day(day):
                days, closed = days - 1, 0
            else:
                closed += 1
                if closed > _MAX_CLOSED_DAYS:
                    raise CalendarError(f"calendar {self!r} has no open time for ten years")
        spans = self._day(day)
        # A position at the end of a window maps to the next window's opening: the start
        # it was measured from was an open instant, never a closing one.
        for start, end in spans:
            if position < end - start:
                return day, start + position
            position -= end - start
        return day, spans[-1][1]  # a shorter day: its close

    def _day(self, day: date) -> tuple[Span, ...]:
        """The open spans of one local date, in epoch microseconds, cached."""
        spans = self._days.get(day)
        if spans is None:
            if len(self._days) >= _DAY_CACHE_SIZE:
                self._days.clear()
            windows = () if self._is_holiday(day) else self._week[day.weekday()]
            edges = ((self._wall_instant(day, s), self._wall_instant(day, e)) for s, e in windows)
            # A window wholly inside a spring-forward gap never happens that day.
            spans = self._days[day] = tuple((s, e) for s, e in edges if e > s)
        return spans

    def _is_holiday(self, day: date) -> bool:
        if day in self.holidays:
            return True
        if self.holiday_country is None:
            return False
        table = self._country_years.get(day.year)
        if table is None:
            found = holiday_tables.country_holidays(
                self.holiday_country, subdiv=self.holiday_subdiv, years=day.year
            )
            table = self._country_years[day.year] = frozenset(found)
        return day in table

    def _wall_instant(self, day: date, seconds: int) -> int:
        """The first instant (epoch µs) at which the local wall clock reads day + seconds."""
        wall = datetime.combine(day, time()) + timedelta(seconds=seconds)
        instant = wall.replace(tzinfo=self._zone).astimezone(UTC)  # fold=0: first reading
        if instant.astimezone(self._zone).replace(tzinfo=None) == wall:
            return (instant - _EPOCH) // _ONE_US
        # The wall time falls in a spring-forward gap: find the jump, to the second.
        low = (wall.replace(tzinfo=self._zone, fold=1).astimezone(UTC) - _EPOCH) // _ONE_US
        high = (instant - _EPOCH) // _ONE_US
        while high - low > _US:
            middle = low + (high - low) // (2 * _US) * _US
            if _from_us(middle).astimezone(self._zone).replace(tzinfo=None) >= wall:
                high = middle
            else:
                low = middle
        return high
