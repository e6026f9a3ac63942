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
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deskline.core.language import N_, _

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
# Instants are kept as their offset from the epoch: exact to the microsecond, quick to
# compare and to make from a datetime or turn back into one; business time is a timedelta.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_LAST_ORDINAL = date.max.toordinal()
_ONE_US = timedelta(microseconds=1)
_ONE_SECOND = timedelta(seconds=1)
_ZERO = timedelta(0)
# Every calendar has open time each week, so only a broken one could stay shut this long.
_MAX_CLOSED_DAYS = 3_660
# A span can lie ten closed years after an instant only if it opens more than this much
# later (local dates run at most two days apart from UTC ones).
_FAR = timedelta(days=_MAX_CLOSED_DAYS - 2)
# Open spans are laid out a stretch of dates at a time; about 55 years of them are kept.
_STRETCH_DAYS = 128
_MAX_STRETCHES = 20_000 // _STRETCH_DAYS

# A window is (start, end) in seconds since local midnight; end may be 24:00.
Window = tuple[int, int]
WeekHours = tuple[tuple[Window, ...], ...]
Span = tuple[timedelta, timedelta]  # [start, end), as offsets from the epoch


class DurationError(ValueError):
    """A duration text or value that cannot be used."""


class CalendarError(ValueError):
    """A business calendar configured with a value that cannot be used."""


# --- durations ---------------------------------------------------------------

_DURATION_RE = re.compile(r"(?:(\d+)bd)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_DURATION_HINT = N_("use a number with s, m, h or bd, like 90s, 15m, 2h, 1h30m or 3bd")


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
        raise DurationError(
            _("bad duration {text}: {hint}").format(text=repr(text), hint=_(_DURATION_HINT))
        )
    days, hours, minutes, seconds = (int(group or 0) for group in match.groups())
    duration = Duration(seconds=hours * 3600 + minutes * 60 + seconds, business_days=days)
    if not (duration.seconds or duration.business_days):
        raise DurationError(
            _("bad duration {text}: it must be more than zero; {hint}").format(
                text=repr(text), hint=_(_DURATION_HINT)
            )
        )
    return duration


# --- reading the configuration -----------------------------------------------

_WINDOW_RE = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_WINDOW_HINT = N_('use "HH:MM-HH:MM", like "09:00-18:00"')


def _parse_window(text: object, day: str) -> Window:
    match = _WINDOW_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise CalendarError(
            _("bad hours window {text} for {day}: {hint}").format(
                text=repr(text), day=day, hint=_(_WINDOW_HINT)
            )
        )
    start_h, start_m, end_h, end_m = (int(group) for group in match.groups())
    start, end = start_h * 3600 + start_m * 60, end_h * 3600 + end_m * 60
    if start_h > 23 or start_m > 59 or end_m > 59 or end > _DAY_SECONDS:
        raise CalendarError(
            _("bad hours window {text} for {day}: times run from 00:00 to 24:00; {hint}").format(
                text=repr(text), day=day, hint=_(_WINDOW_HINT)
            )
        )
    if end <= start:
        raise CalendarError(
            _(
                "bad hours window {text} for {day}: it must end after it starts"
                " (to run past midnight, end it at 24:00 and open the next day at 00:00)"
            ).format(text=repr(text), day=day)
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
            _(
                'bad hours {hours}: use "24x7" or a table of weekday windows,'
                ' like {{ mon = ["09:00-12:00", "13:00-18:00"] }}'
            ).format(hours=repr(hours))
        )
    if not isinstance(hours, Mapping):
        raise CalendarError(
            _(
                'bad hours {hours}: use "24x7" or a table of weekday windows,'
                ' like {{ mon = ["09:00-18:00"] }}'
            ).format(hours=repr(hours))
        )
    week: list[tuple[Window, ...]] = [()] * 7
    for name, texts in hours.items():
        day = name.strip().lower() if isinstance(name, str) else name
        if day not in WEEKDAYS:
            raise CalendarError(
                _(
                    "unknown weekday {name} in hours: use mon, tue, wed, thu, fri, sat or sun"
                ).format(name=repr(name))
            )
        # A lone string is one window, not a sequence of characters.
        items: Sequence[object] = [texts] if isinstance(texts, str) else list(texts)
        windows = sorted(_parse_window(text, day) for text in items)
        for before, after in zip(windows, windows[1:], strict=False):
            if after[0] < before[1]:
                raise CalendarError(
                    _(
                        "hours for {day} overlap: {before} and {after}; make each window end "
                        "before the next starts"
                    ).format(
                        day=day,
                        before=repr(_format_window(before)),
                        after=repr(_format_window(after)),
                    )
                )
        week[WEEKDAYS.index(day)] = tuple(windows)
    if not any(week):
        raise CalendarError(_('hours has no open time: give at least one window, or use "24x7"'))
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
    raise CalendarError(
        _("bad holiday {value}: use an ISO date, like 2026-10-01").format(value=repr(value))
    )


def _load_zone(name: object) -> ZoneInfo:
    unknown = _(
        "unknown timezone {name}: use an IANA name, like 'Asia/Shanghai', 'Europe/Berlin' or 'UTC'"
    ).format(name=repr(name))
    if not isinstance(name, str) or not name.strip():
        raise CalendarError(unknown)
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarError(unknown) from None


def _check_country(country: str | None, subdiv: str | None) -> None:
    if country is None:
        if subdiv is not None:
            raise CalendarError(
                _("holiday_subdiv {subdiv} needs a holiday_country, like 'US' with 'CA'").format(
                    subdiv=repr(subdiv)
                )
            )
        return
    import holidays as holiday_tables  # here: the package costs ~25 ms to import

    try:
        holiday_tables.country_holidays(country, years=())
    except NotImplementedError:
        raise CalendarError(
            _(
                "unknown holiday_country {country}: use a country code the holidays package"
                " knows, like 'CN', 'US' or 'DE'"
            ).format(country=repr(country))
        ) from None
    try:
        holiday_tables.country_holidays(country, subdiv=subdiv, years=())
    except NotImplementedError:
        known = holiday_tables.list_supported_countries().get(country, [])
        if known:
            hint = _("use one of {known}").format(known=", ".join(known))
        else:
            hint = _("{country} has no subdivisions").format(country=country)
        raise CalendarError(
            _("unknown holiday_subdiv {subdiv} for {country}: {hint}").format(
                subdiv=repr(subdiv), country=country, hint=hint
            )
        ) from None


# --- the calendar ------------------------------------------------------------


def _since_epoch(t: datetime) -> timedelta:
    """The instant t as its offset from the epoch; a naive t is refused."""
    if t.tzinfo is not UTC and t.utcoffset() is None:
        raise ValueError(f"naive datetime {t.isoformat()}: pass a timezone-aware datetime")
    offset = t - _EPOCH
    return offset if offset.__class__ is timedelta else _whole_us(offset)


def _whole_us(delta: timedelta) -> timedelta:
    """A plain timedelta, cut to the microsecond (a subclass may hold nanoseconds)."""
    return _ONE_US * (delta // _ONE_US)


@lru_cache(maxsize=1024)
def _seconds(seconds: int) -> timedelta:
    # Making a timedelta is slow, and durations repeat: one per SLA target and pause credit.
    return timedelta(seconds=seconds)


@dataclass(frozen=True, slots=True)
class _Stretch:
    """The open spans of consecutive local dates, flat and sorted, for bisecting.

    Spans follow one another without overlapping, so `starts` and `ends` are both
    sorted; `before` is the running business time, so any business time is a difference.
    """

    starts: list[timedelta]  # openings
    ends: list[timedelta]  # closes
    before: list[timedelta]  # business time in the stretch before each span, then its total
    open_days: list[int]  # the ordinals of the dates with open time
    day_starts: list[int]  # the index of each open date's first span, then len(starts)
    last: bool  # it ends with the last date a datetime can hold

    def day_of(self, index: int) -> int:
        """The ordinal of the date span `index` belongs to."""
        return self.open_days[bisect_right(self.day_starts, index) - 1]


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
    _always: bool = field(compare=False, repr=False)
    _stretches: dict[int, _Stretch] = field(compare=False, repr=False)
    _shut_stretches: set[int] = field(compare=False, repr=False)  # keys of those with no open time
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
                _(
                    'hours "24x7" is always open, so holidays cannot apply: drop the holidays,'
                    ' or give weekly hours such as { mon = ["00:00-24:00"], ... }'
                )
            )
        init = object.__setattr__  # the dataclass is frozen
        init(self, "timezone", timezone.strip())
        init(self, "hours", ALWAYS if always else week)
        init(self, "holidays", dates)
        init(self, "holiday_country", holiday_country)
        init(self, "holiday_subdiv", holiday_subdiv)
        init(self, "_zone", zone)
        init(self, "_week", week)
        init(self, "_always", always)
        init(self, "_stretches", {})
        init(self, "_shut_stretches", set())
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
        return self._always

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
        now = _since_epoch(t)
        if self._always:
            return True
        _, stretch, index, _ = self._locate(now)
        if stretch.starts[index] - now > _FAR:
            self._check_open_within(t, stretch.day_of(index))
        return stretch.starts[index] <= now

    def next_open(self, t: datetime) -> datetime:
        """t itself when open, else the next opening, in UTC."""
        now = _since_epoch(t)
        if self._always:
            return t.astimezone(UTC)
        _, stretch, index, _ = self._locate(now)
        if stretch.starts[index] - now > _FAR:
            self._check_open_within(t, stretch.day_of(index))
        return _EPOCH + max(stretch.starts[index], now)

    def add(self, start: datetime, duration: Duration | timedelta | str) -> datetime:
        """The instant `duration` of business time after start (business days first), in UTC."""
        now = origin = _since_epoch(start)
        if isinstance(duration, str):
            duration = parse_duration(duration)
        if isinstance(duration, timedelta):
            if duration < _ZERO:
                raise ValueError(f"cannot add a negative duration ({duration})")
            days = 0
            amount = duration if duration.__class__ is timedelta else _whole_us(duration)
        else:
            days, amount = duration.business_days, _seconds(duration.seconds)
        if days:
            now, stretch, index = self._add_business_days(now, days)
            if not amount:
                if stretch.starts[index] - origin > _FAR:
                    self._check_open_within(start, stretch.day_of(index))
                return _EPOCH + now  # may be a close, which _add_time would move past
        if self._always:
            return _EPOCH + (now + amount)
        now, stretch, index = self._add_time(now, amount)
        if stretch.starts[index] - origin > _FAR:
            self._check_open_within(start, stretch.day_of(index))
        return _EPOCH + now

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Business time from a to b; negative when b is before a."""
        start, end = _since_epoch(a), _since_epoch(b)
        backwards = end < start
        if backwards:  # count forwards from the earlier instant, then turn the sign
            a, start, end = b, end, start
        if self._always:
            return start - end if backwards else end - start
        key, _, _, done = self._locate(start)
        last_key, last, index, total = self._locate(end)
        total -= done
        while key < last_key:  # whole stretches in between
            total += self._stretch(key).before[-1]
            key += 1
        # Only when the span after the last one counted could open ten years on is a
        # closer look needed.
        if index + 1 == len(last.starts) or last.starts[index + 1] - start > _FAR:
            self._check_counting_to(a, start, end, (last_key, last, index))
        return -total if backwards else total

    # --- walking the open spans ----------------------------------------------

    def _locate(self, now: timedelta) -> tuple[int, _Stretch, int, timedelta]:
        """The first open span to end after `now`, and the stretch's business time before now.

        The span comes as its stretch's key, the stretch and its index there.
        """
        # Start a day before the UTC date: a local date is never further behind (offsets
        # stay under 24 h), and every span of an earlier local date has closed by now.
        key = (now.days + _EPOCH_ORDINAL - 1) // _STRETCH_DAYS
        stretch = self._stretches.get(key) or self._stretch(key)
        index = bisect_right(stretch.ends, now)
        while index == len(stretch.ends):
            key, stretch = self._next(key, stretch)
            index = bisect_right(stretch.ends, now)
        opening, done = stretch.starts[index], stretch.before[index]
        return key, stretch, index, (done + (now - opening) if now > opening else done)

    def _next(self, key: int, stretch: _Stretch) -> tuple[int, _Stretch]:
        """The stretch after `stretch`, whose key is `key`."""
        if stretch.last:
            raise OverflowError("date value out of range")
        return key + 1, self._stretch(key + 1)

    def _add_time(self, now: timedelta, amount: timedelta) -> tuple[timedelta, _Stretch, int]:
        """`amount` of business time after now, with the span it lands in."""
        key, stretch, index, target = self._locate(now)
        target += amount
        # The first span that reaches the target: landing exactly on a close stays at that close.
        index = bisect_left(stretch.before, target, index + 1) - 1
        while index + 1 == len(stretch.before):
            target -= stretch.before[-1]
            key, stretch = self._next(key, stretch)
            index = bisect_left(stretch.before, target, 1) - 1
        return stretch.starts[index] + (target - stretch.before[index]), stretch, index

    def _add_business_days(self, now: timedelta, days: int) -> tuple[timedelta, _Stretch, int]:
        """Keep the business-time position within the working day, `days` working days on.

        Also gives the first span of that working day.
        """
        key, stretch, index, done = self._locate(now)
        day = bisect_right(stretch.day_starts, index) - 1
        position = done - stretch.before[stretch.day_starts[day]]
        day += days
        while day >= len(stretch.open_days):
            day -= len(stretch.open_days)
            key, stretch = self._next(key, stretch)
        first, end = stretch.day_starts[day], stretch.day_starts[day + 1]
        target = stretch.before[first] + position
        # A position at the end of a window maps to the next window's opening: the start
        # it was measured from was an open instant, never a closing one.
        index = bisect_right(stretch.before, target, first + 1, end + 1) - 1
        if index == end:
            return stretch.ends[end - 1], stretch, first  # a shorter day: its close
        return stretch.starts[index] + (target - stretch.before[index]), stretch, first

    # --- the ten-year guard --------------------------------------------------

    def _check_counting_to(
        self, t: datetime, now: timedelta, end: timedelta, last: tuple[int, _Stretch, int]
    ) -> None:
        """Raise as a walk from t adding up business time to `end` would, on ten closed years.

        That walk stops at the first span opening at or after `end`; `last` is the first
        span to close after it (its stretch's key, the stretch, its index).
        """
        key, stretch, index = last
        if stretch.starts[index] < end:
            index += 1
            while index == len(stretch.starts):
                key, stretch = self._next(key, stretch)
                index = 0
        if stretch.starts[index] - now > _FAR:
            self._check_open_within(t, stretch.day_of(index))

    def _check_open_within(self, t: datetime, last: int) -> None:
        """Raise, as a date-by-date walk would, on ten closed years from t's date to `last`."""
        if not self._shut_stretches:
            return  # every stretch laid out has open time, so no closed run is that long
        previous = self._local_date(t).toordinal() - 1
        for key in range(previous // _STRETCH_DAYS, last // _STRETCH_DAYS + 1):
            for day in self._stretch(key).open_days:
                if previous < day <= last:
                    if day - previous - 1 > _MAX_CLOSED_DAYS:
                        raise CalendarError(f"calendar {self!r} has no open time for ten years")
                    previous = day

    # --- laying out the open spans -------------------------------------------

    def _local_date(self, t: datetime) -> date:
        return t.astimezone(self._zone).date()

    def _stretch(self, key: int) -> _Stretch:
        """The stretch of dates with ordinals from key * _STRETCH_DAYS on, cached."""
        stretch = self._stretches.get(key)
        if stretch is None:
            if len(self._stretches) >= _MAX_STRETCHES:
                self._stretches.clear()
            stretch = self._stretches[key] = self._lay_out(key)
            if not stretch.starts:
                self._shut_stretches.add(key)
        return stretch

    def _lay_out(self, key: int) -> _Stretch:
        """The open spans of one stretch of dates, as far as datetimes reach."""
        first = max(key * _STRETCH_DAYS, 1)
        end = min((key + 1) * _STRETCH_DAYS, _LAST_ORDINAL + 1)
        starts: list[timedelta] = []
        ends: list[timedelta] = []
        before = [_ZERO]
        open_days: list[int] = []
        day_starts: list[int] = []
        for ordinal in range(first, end):
            spans = self._day(date.fromordinal(ordinal))
            if spans:
                open_days.append(ordinal)
                day_starts.append(len(starts))
            for span_start, span_end in spans:
                starts.append(span_start)
                ends.append(span_end)
                before.append(before[-1] + (span_end - span_start))
        day_starts.append(len(starts))
        return _Stretch(starts, ends, before, open_days, day_starts, end > _LAST_ORDINAL)

    def _day(self, day: date) -> tuple[Span, ...]:
        """The open spans of one local date."""
        windows = () if self._is_holiday(day) else self._week[day.weekday()]
        try:
            edges = [(self._wall_instant(day, s), self._wall_instant(day, e)) for s, e in windows]
        except OverflowError:  # a time a datetime cannot hold, at either end of the calendar
            return ()
        # A window wholly inside a spring-forward gap never happens that day.
        return tuple((s, e) for s, e in edges if e > s)

    def _is_holiday(self, day: date) -> bool:
        if day in self.holidays:
            return True
        if self.holiday_country is None:
            return False
        table = self._country_years.get(day.year)
        if table is None:
            import holidays as holiday_tables  # here: only a country's calendar needs it

            found = holiday_tables.country_holidays(
                self.holiday_country, subdiv=self.holiday_subdiv, years=day.year
            )
            table = self._country_years[day.year] = frozenset(found)
        return day in table

    def _wall_instant(self, day: date, seconds: int) -> timedelta:
        """The first instant at which the local wall clock reads day + seconds."""
        # Datetimes in one zone compare by wall clock, whatever their fold.
        wall = datetime.combine(day, time(), self._zone) + timedelta(seconds=seconds)
        instant = wall.astimezone(UTC)  # fold=0: the first reading
        if instant.astimezone(self._zone) == wall:
            return instant - _EPOCH
        # The wall time falls in a spring-forward gap: find the jump, to the second.
        low, high = wall.replace(fold=1).astimezone(UTC), instant
        while high - low > _ONE_SECOND:
            middle = low + (high - low) // (2 * _ONE_SECOND) * _ONE_SECOND
            if middle.astimezone(self._zone) >= wall:
                high = middle
            else:
                low = middle
        return high - _EPOCH
