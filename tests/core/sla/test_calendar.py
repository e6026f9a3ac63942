"""Business calendar and duration arithmetic, by hand and against a slow oracle."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays as holiday_tables
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from deskline.core.sla.calendar import (
    WEEKDAYS,
    BusinessCalendar,
    CalendarError,
    Duration,
    DurationError,
    parse_duration,
)

WORKWEEK = ("mon", "tue", "wed", "thu", "fri")
LUNCH_BREAK = ["09:00-12:00", "13:00-18:00"]
ALL_DAY = {day: ["00:00-24:00"] for day in WEEKDAYS}

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def local(
    zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0, *rest: int
) -> datetime:
    """A wall-clock time in zone (the earlier one, when clocks fall back)."""
    second, microsecond = (*rest, 0, 0)[:2]
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=zone)


def shanghai_support() -> BusinessCalendar:
    return BusinessCalendar("Asia/Shanghai", {day: LUNCH_BREAK for day in WORKWEEK})


# --- durations ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", Duration(seconds=90)),
        ("15m", Duration(seconds=900)),
        ("2h", Duration(seconds=7200)),
        ("1h30m", Duration(seconds=5400)),
        ("1h30m15s", Duration(seconds=5415)),
        ("3bd", Duration(business_days=3)),
        ("1bd4h", Duration(seconds=14400, business_days=1)),
        (" 2H ", Duration(seconds=7200)),
    ],
)
def test_parse_duration_reads_each_unit(text: str, expected: Duration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (Duration(seconds=90), "1m30s"),
        (Duration(seconds=5400), "1h30m"),
        (Duration(seconds=86400), "24h"),
        (Duration(business_days=3), "3bd"),
        (Duration(seconds=14400, business_days=1), "1bd4h"),
        (Duration(), "0s"),
    ],
)
def test_duration_prints_its_canonical_text(duration: Duration, text: str) -> None:
    assert str(duration) == text


@given(st.integers(0, 10**6), st.integers(0, 50))
def test_duration_text_round_trips(seconds: int, business_days: int) -> None:
    assume(seconds or business_days)
    duration = Duration(seconds=seconds, business_days=business_days)
    assert parse_duration(str(duration)) == duration


@pytest.mark.parametrize("text", ["", "abc", "5x", "h", "-1h", "1.5h", "30m1h", "2 h", "bd"])
def test_unreadable_duration_says_how_to_write_one(text: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse_duration(text)
    assert str(caught.value) == (
        f"bad duration {text!r}: use a number with s, m, h or bd, like 90s, 15m, 2h, 1h30m or 3bd"
    )


@pytest.mark.parametrize("text", ["0h", "0s", "0bd0h"])
def test_zero_duration_is_refused_as_not_more_than_zero(text: str) -> None:
    with pytest.raises(DurationError, match=rf"^bad duration '{text}': it must be more than zero"):
        parse_duration(text)


def test_negative_duration_value_is_refused() -> None:
    with pytest.raises(DurationError, match="neither part can be negative"):
        Duration(seconds=-1)


def test_duration_error_is_a_value_error() -> None:
    assert issubclass(DurationError, ValueError)
    assert issubclass(CalendarError, ValueError)


# --- configuration errors ----------------------------------------------------


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"timezone": "Mars/Olympus"},
            "unknown timezone 'Mars/Olympus': use an IANA name, like 'Asia/Shanghai',"
            " 'Europe/Berlin' or 'UTC'",
        ),
        (
            {"hours": "always"},
            "bad hours 'always': use \"24x7\" or a table of weekday windows,"
            ' like { mon = ["09:00-12:00", "13:00-18:00"] }',
        ),
        (
            {"hours": {"mon": ["9-17"]}},
            'bad hours window \'9-17\' for mon: use "HH:MM-HH:MM", like "09:00-18:00"',
        ),
        (
            {"hours": {"mon": ["09:00-24:30"]}},
            "bad hours window '09:00-24:30' for mon: times run from 00:00 to 24:00;"
            ' use "HH:MM-HH:MM", like "09:00-18:00"',
        ),
        (
            {"hours": {"mon": ["18:00-09:00"]}},
            "bad hours window '18:00-09:00' for mon: it must end after it starts"
            " (to run past midnight, end it at 24:00 and open the next day at 00:00)",
        ),
        (
            {"hours": {"tue": ["09:00-09:00"]}},
            "bad hours window '09:00-09:00' for tue: it must end after it starts",
        ),
        (
            {"hours": {"wed": ["13:00-18:00", "09:00-13:30"]}},
            "hours for wed overlap: '09:00-13:30' and '13:00-18:00';"
            " make each window end before the next starts",
        ),
        (
            {"hours": {"monday": ["09:00-18:00"]}},
            "unknown weekday 'monday' in hours: use mon, tue, wed, thu, fri, sat or sun",
        ),
        (
            {"hours": {"mon": [], "sat": []}},
            'hours has no open time: give at least one window, or use "24x7"',
        ),
        (
            {"hours": {"mon": ["09:00-18:00"]}, "holidays": ["2026-13-01"]},
            "bad holiday '2026-13-01': use an ISO date, like 2026-10-01",
        ),
        (
            {"hours": {"mon": ["09:00-18:00"]}, "holiday_country": "XX"},
            "unknown holiday_country 'XX': use a country code the holidays package knows,"
            " like 'CN', 'US' or 'DE'",
        ),
        (
            {"hours": {"mon": ["09:00-18:00"]}, "holiday_country": "US", "holiday_subdiv": "ZZ"},
            "unknown holiday_subdiv 'ZZ' for US: use one of",
        ),
        (
            {"hours": {"mon": ["09:00-18:00"]}, "holiday_subdiv": "CA"},
            "holiday_subdiv 'CA' needs a holiday_country, like 'US' with 'CA'",
        ),
        (
            {"hours": "24x7", "holidays": ["2026-10-01"]},
            'hours "24x7" is always open, so holidays cannot apply',
        ),
    ],
)
def test_bad_calendar_config_names_the_bad_value(config: dict[str, object], message: str) -> None:
    with pytest.raises(CalendarError) as caught:
        BusinessCalendar(**config)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_naive_datetime_is_refused() -> None:
    calendar = BusinessCalendar.weekdays("Europe/Berlin")
    naive = datetime(2026, 6, 15, 10, 0)
    for call in (
        lambda: calendar.is_open(naive),
        lambda: calendar.next_open(naive),
        lambda: calendar.add(naive, timedelta(hours=1)),
        lambda: calendar.between(naive, utc(2026, 6, 16)),
    ):
        with pytest.raises(ValueError, match="naive datetime 2026-06-15T10:00:00"):
            call()


def test_calendars_with_the_same_config_are_equal_and_hashable() -> None:
    one = BusinessCalendar("Asia/Shanghai", {"mon": LUNCH_BREAK}, holidays=["2026-10-01"])
    two = BusinessCalendar(
        "Asia/Shanghai", {"mon": list(reversed(LUNCH_BREAK))}, [date(2026, 10, 1)]
    )
    assert one == two and hash(one) == hash(two)
    assert len({one, two, BusinessCalendar.always()}) == 2


def test_weekly_hours_give_back_the_config_text() -> None:
    calendar = BusinessCalendar("Asia/Shanghai", {"tue": ["13:00-18:00", "9:00-12:00"]})
    assert calendar.weekly_hours() == {"tue": ["09:00-12:00", "13:00-18:00"]}
    assert BusinessCalendar.always().weekly_hours() == ALL_DAY
    assert BusinessCalendar.always().is_always_open
    assert not calendar.is_always_open


def test_repr_reads_like_the_config() -> None:
    calendar = BusinessCalendar("Asia/Shanghai", {"mon": LUNCH_BREAK}, holidays=["2026-10-01"])
    assert repr(calendar) == (
        "BusinessCalendar(timezone='Asia/Shanghai',"
        " hours={'mon': ['09:00-12:00', '13:00-18:00']}, holidays=['2026-10-01'],"
        " holiday_country=None, holiday_subdiv=None)"
    )


# --- business time by hand ---------------------------------------------------


def test_start_outside_hours_begins_at_next_opening() -> None:
    calendar = BusinessCalendar.weekdays("Europe/Berlin")
    saturday = local(BERLIN, 2026, 6, 13, 10, 0)
    assert calendar.add(saturday, parse_duration("1h")) == utc(2026, 6, 15, 8, 0)
    early_monday = local(BERLIN, 2026, 6, 15, 6, 12)
    assert calendar.add(early_monday, timedelta(minutes=15)) == utc(2026, 6, 15, 7, 15)
    assert calendar.next_open(saturday) == utc(2026, 6, 15, 7, 0)


def test_next_open_of_an_open_instant_is_itself_in_utc() -> None:
    calendar = BusinessCalendar.weekdays("Europe/Berlin")
    t = local(BERLIN, 2026, 6, 15, 10, 0, 7)
    assert calendar.is_open(t)
    assert calendar.next_open(t) == t
    assert calendar.next_open(t).tzinfo is UTC


def test_closing_instant_is_closed_and_opening_instant_is_open() -> None:
    calendar = BusinessCalendar.weekdays("Europe/Berlin")
    assert calendar.is_open(local(BERLIN, 2026, 6, 15, 9, 0))
    assert not calendar.is_open(local(BERLIN, 2026, 6, 15, 18, 0))
    assert calendar.is_open(local(BERLIN, 2026, 6, 15, 17, 59, 59))


def test_deadline_landing_exactly_on_closing_time_is_that_closing_time() -> None:
    calendar = shanghai_support()
    assert calendar.add(local(SHANGHAI, 2026, 6, 15, 17, 0), "1h") == local(
        SHANGHAI, 2026, 6, 15, 18, 0
    )
    assert calendar.add(local(SHANGHAI, 2026, 6, 15, 11, 0), "1h") == local(
        SHANGHAI, 2026, 6, 15, 12, 0
    )


def test_one_second_past_closing_time_runs_into_the_next_opening() -> None:
    calendar = shanghai_support()
    due = calendar.add(local(SHANGHAI, 2026, 6, 15, 17, 0), "1h1s")
    assert due == local(SHANGHAI, 2026, 6, 16, 9, 0, 1)


def test_lunch_break_is_skipped() -> None:
    calendar = shanghai_support()
    due = calendar.add(local(SHANGHAI, 2026, 6, 15, 11, 30), "1h")
    assert due == utc(2026, 6, 15, 5, 30)  # 13:30 in Shanghai
    assert not calendar.is_open(local(SHANGHAI, 2026, 6, 15, 12, 30))


def test_listed_holiday_is_skipped() -> None:
    calendar = BusinessCalendar(
        "Asia/Shanghai", {day: LUNCH_BREAK for day in WORKWEEK}, holidays=["2026-06-16"]
    )
    due = calendar.add(local(SHANGHAI, 2026, 6, 15, 17, 0), "2h")
    assert due == local(SHANGHAI, 2026, 6, 17, 10, 0)
    assert not calendar.is_open(local(SHANGHAI, 2026, 6, 16, 10, 0))


def test_country_holiday_is_skipped() -> None:
    calendar = BusinessCalendar(
        "Asia/Shanghai", {day: LUNCH_BREAK for day in WORKWEEK}, holiday_country="CN"
    )
    national_day = local(SHANGHAI, 2026, 10, 1, 10, 0)
    assert not calendar.is_open(national_day)
    # China's National Day week runs 1-7 October 2026.
    assert calendar.add(local(SHANGHAI, 2026, 9, 30, 17, 30), "1h") == local(
        SHANGHAI, 2026, 10, 8, 9, 30
    )


def test_business_days_keep_the_position_over_a_weekend() -> None:
    calendar = BusinessCalendar.weekdays("Europe/Berlin")
    thursday = local(BERLIN, 2026, 6, 11, 15, 30)
    assert calendar.add(thursday, "3bd") == local(BERLIN, 2026, 6, 16, 15, 30)
    saturday = local(BERLIN, 2026, 6, 13, 15, 30)
    assert calendar.add(saturday, "3bd") == local(BERLIN, 2026, 6, 18, 9, 0)


def test_business_days_keep_the_business_position_across_a_lunch_break() -> None:
    calendar = shanghai_support()
    friday_afternoon = local(SHANGHAI, 2026, 6, 12, 14, 0)  # four business hours into the day
    assert calendar.add(friday_afternoon, "3bd") == local(SHANGHAI, 2026, 6, 17, 14, 0)
    at_lunch = local(SHANGHAI, 2026, 6, 12, 12, 30)  # waits for 13:00, three hours in
    assert calendar.add(at_lunch, "1bd") == local(SHANGHAI, 2026, 6, 15, 13, 0)


def test_business_days_clamp_to_the_close_of_a_shorter_day() -> None:
    hours = {day: ["09:00-18:00"] for day in ("mon", "tue", "wed", "thu")} | {
        "fri": ["09:00-13:00"]
    }
    calendar = BusinessCalendar("Europe/Berlin", hours)
    assert calendar.add(local(BERLIN, 2026, 6, 15, 16, 0), "4bd") == local(BERLIN, 2026, 6, 19, 13)


def test_business_days_skip_holidays() -> None:
    calendar = BusinessCalendar.weekdays("Europe/Berlin")
    with_holiday = BusinessCalendar(
        "Europe/Berlin", {day: ["09:00-18:00"] for day in WORKWEEK}, holidays=[date(2026, 6, 15)]
    )
    friday = local(BERLIN, 2026, 6, 12, 11, 0)
    assert calendar.add(friday, "1bd") == local(BERLIN, 2026, 6, 15, 11, 0)
    assert with_holiday.add(friday, "1bd") == local(BERLIN, 2026, 6, 16, 11, 0)


def test_mixed_duration_adds_business_days_then_time() -> None:
    calendar = BusinessCalendar.weekdays("Europe/Berlin")
    friday = local(BERLIN, 2026, 6, 12, 16, 0)
    assert calendar.add(friday, "1bd4h") == local(BERLIN, 2026, 6, 16, 11, 0)


def test_between_counts_business_time_and_is_negative_backwards() -> None:
    calendar = shanghai_support()
    a = local(SHANGHAI, 2026, 6, 12, 11, 0)
    b = local(SHANGHAI, 2026, 6, 15, 10, 0)
    assert calendar.between(a, b) == timedelta(hours=7)
    assert calendar.between(b, a) == -timedelta(hours=7)
    assert calendar.between(a, a) == timedelta(0)


def test_huge_duration_is_quick_and_exact() -> None:
    calendar = shanghai_support()
    start = local(SHANGHAI, 2026, 1, 5, 9, 0)  # a Monday opening
    # 1000 h is 125 working days of 8 h: 25 full weeks, ending at Friday's close.
    assert calendar.add(start, "1000h") == local(SHANGHAI, 2026, 6, 26, 18, 0)
    assert calendar.between(start, local(SHANGHAI, 2026, 6, 26, 18, 0)) == timedelta(hours=1000)


def test_always_open_calendar_is_real_elapsed_time() -> None:
    calendar = BusinessCalendar.always()
    t = local(BERLIN, 2026, 3, 28, 12, 0).astimezone(UTC)  # UTC, so + is real elapsed time
    assert calendar.is_open(t)
    assert calendar.next_open(t) == t
    assert calendar.add(t, "1000h") == t + timedelta(hours=1000)
    assert calendar.add(t, "3bd") == t + timedelta(days=3)
    assert calendar.between(t, t + timedelta(hours=30, seconds=5)) == timedelta(hours=30, seconds=5)


def test_24x7_in_a_dst_zone_is_still_real_elapsed_time() -> None:
    calendar = BusinessCalendar("Europe/Berlin", "24x7")
    t = local(BERLIN, 2026, 3, 28, 12, 0)
    assert calendar.add(t, "24h") == t.astimezone(UTC) + timedelta(hours=24)
    assert calendar.between(t, local(BERLIN, 2026, 3, 29, 12, 0)) == timedelta(hours=23)


def test_berlin_spring_forward_day_is_23_business_hours() -> None:
    calendar = BusinessCalendar("Europe/Berlin", ALL_DAY)
    saturday_noon = local(BERLIN, 2026, 3, 28, 12, 0)  # 11:00 UTC
    assert calendar.add(saturday_noon, "24h") == utc(2026, 3, 29, 11, 0)  # 13:00 CEST
    assert calendar.between(utc(2026, 3, 28, 23), utc(2026, 3, 29, 22)) == timedelta(hours=23)
    # Three business days later is Tuesday noon by the wall clock, 71 h of real time.
    assert calendar.add(saturday_noon, "3bd") == utc(2026, 3, 31, 10, 0)


def test_berlin_spring_forward_window_shrinks_by_the_lost_hour() -> None:
    calendar = BusinessCalendar("Europe/Berlin", {"sun": ["01:00-04:00"], "mon": ["09:00-10:00"]})
    opening = utc(2026, 3, 29, 0, 0)  # 01:00 CET
    assert calendar.add(opening, "2h") == utc(2026, 3, 29, 2, 0)  # 04:00 CEST, the close
    assert calendar.add(opening, "2h30m") == utc(2026, 3, 30, 7, 30)  # Monday 09:30 CEST


def test_window_opening_inside_the_spring_forward_gap_opens_at_the_jump() -> None:
    calendar = BusinessCalendar("Europe/Berlin", {"sun": ["02:30-04:00"]})
    assert calendar.next_open(utc(2026, 3, 28, 23, 0)) == utc(2026, 3, 29, 1, 0)  # 03:00 CEST
    assert calendar.between(utc(2026, 3, 28, 23), utc(2026, 3, 29, 23)) == timedelta(hours=1)


def test_berlin_fall_back_window_grows_by_the_repeated_hour() -> None:
    calendar = BusinessCalendar("Europe/Berlin", {"sun": ["01:00-04:00"]})
    opening = utc(2026, 10, 24, 23, 0)  # 01:00 CEST
    assert calendar.next_open(utc(2026, 10, 24, 20, 0)) == opening
    assert calendar.add(opening, "4h") == utc(2026, 10, 25, 3, 0)  # 04:00 CET, the close
    assert calendar.add(opening, "4h1s") == utc(2026, 11, 1, 0, 0, 1)  # next Sunday 01:00 CET


def test_window_closing_inside_the_repeated_hour_does_not_reopen() -> None:
    calendar = BusinessCalendar("Europe/Berlin", {"sun": ["01:00-02:30"]})
    assert calendar.between(utc(2026, 10, 24, 22), utc(2026, 10, 25, 5)) == timedelta(hours=1.5)
    assert not calendar.is_open(utc(2026, 10, 25, 1, 15))  # 02:15 CET, the second time round


def test_new_york_spring_forward_and_fall_back_give_exact_utc() -> None:
    calendar = BusinessCalendar("America/New_York", ALL_DAY)
    saturday_noon = local(NEW_YORK, 2026, 3, 7, 12, 0)  # 17:00 UTC
    assert calendar.add(saturday_noon, "24h") == utc(2026, 3, 8, 17, 0)  # 13:00 EDT
    sunday_early = BusinessCalendar("America/New_York", {"sun": ["01:30-02:30"]})
    # On 1 November 2026 01:30 EDT is 05:30 UTC and 02:30 EST is 07:30 UTC.
    assert sunday_early.next_open(utc(2026, 11, 1)) == utc(2026, 11, 1, 5, 30)
    assert sunday_early.add(utc(2026, 11, 1), "90m") == utc(2026, 11, 1, 7, 0)
    assert sunday_early.add(utc(2026, 11, 1), "2h") == utc(2026, 11, 1, 7, 30)


def test_new_york_weekday_deadline_across_the_dst_weekend() -> None:
    calendar = BusinessCalendar.weekdays("America/New_York")
    friday = local(NEW_YORK, 2026, 3, 6, 17, 0)  # 22:00 UTC, EST
    assert calendar.add(friday, "2h") == utc(2026, 3, 9, 14, 0)  # Monday 10:00 EDT


def test_lord_howe_half_hour_shift_spring_forward() -> None:
    calendar = BusinessCalendar("Australia/Lord_Howe", {"sun": ["01:00-04:00"]})
    opening = local(LORD_HOWE, 2026, 10, 4, 1, 0)  # 14:30 UTC on the 3rd, +10:30
    assert opening == utc(2026, 10, 3, 14, 30)
    assert calendar.between(opening, opening + timedelta(hours=5)) == timedelta(hours=2.5)
    assert calendar.add(opening, "2h30m") == utc(2026, 10, 3, 17, 0)  # 04:00 +11:00


def test_lord_howe_half_hour_shift_fall_back() -> None:
    calendar = BusinessCalendar("Australia/Lord_Howe", {"sun": ["01:00-04:00"]})
    opening = utc(2026, 4, 4, 14, 0)  # 01:00 +11:00
    assert calendar.add(opening, "3h30m") == utc(2026, 4, 4, 17, 30)  # 04:00 +10:30
    all_day = BusinessCalendar("Australia/Lord_Howe", ALL_DAY)
    midnight = local(LORD_HOWE, 2026, 4, 5, 0, 0)
    assert all_day.between(midnight, local(LORD_HOWE, 2026, 4, 6, 0, 0)) == timedelta(hours=24.5)


def test_results_are_utc_whatever_the_input_offset() -> None:
    calendar = shanghai_support()
    due = calendar.add(local(NEW_YORK, 2026, 6, 14, 22, 0), "1h")  # Monday 10:00 in Shanghai
    assert due.tzinfo is UTC
    assert due == local(SHANGHAI, 2026, 6, 15, 11, 0)


def test_add_accepts_timedelta_text_and_duration_alike() -> None:
    calendar = shanghai_support()
    start = local(SHANGHAI, 2026, 6, 15, 10, 0)
    expected = local(SHANGHAI, 2026, 6, 15, 14, 30)
    assert calendar.add(start, timedelta(hours=3, minutes=30)) == expected
    assert calendar.add(start, "3h30m") == expected
    assert calendar.add(start, Duration(seconds=12600)) == expected


def test_add_keeps_microseconds() -> None:
    calendar = shanghai_support()
    start = local(SHANGHAI, 2026, 6, 15, 11, 59, 59, 250_000)
    assert calendar.add(start, timedelta(seconds=1)) == local(
        SHANGHAI, 2026, 6, 15, 13, 0, 0, 250_000
    )


def test_negative_timedelta_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot add a negative duration"):
        shanghai_support().add(utc(2026, 6, 15), timedelta(seconds=-1))


def test_business_time_over_decades_is_exact() -> None:
    calendar = BusinessCalendar("UTC", ALL_DAY)  # open all the time, one span per day
    a, b = utc(1990, 3, 4, 5, 6, 7), utc(2047, 7, 8, 9, 10, 11)  # more than the cache holds
    assert calendar.between(a, b) == b - a
    assert calendar.between(b, a) == a - b
    assert calendar.add(a, b - a) == b


def shut_for(days: int) -> BusinessCalendar:
    """Open every day, but for `days` holidays in a row from Monday 5 January 2026."""
    shut = [date(2026, 1, 5) + timedelta(days=n) for n in range(days)]
    return BusinessCalendar("UTC", {day: ["09:00-17:00"] for day in WEEKDAYS}, holidays=shut)


def test_a_calendar_shut_for_ten_years_is_refused() -> None:
    calendar = shut_for(3661)
    sunday_close = utc(2026, 1, 4, 17)
    for call in (
        lambda: calendar.add(sunday_close, "1h"),
        lambda: calendar.add(sunday_close, "1bd"),
        lambda: calendar.next_open(sunday_close),
        lambda: calendar.is_open(utc(2026, 1, 5, 10)),
        lambda: calendar.between(sunday_close, utc(2036, 1, 10)),
    ):
        with pytest.raises(CalendarError, match="has no open time for ten years"):
            call()


def test_closed_days_are_counted_from_the_start_date() -> None:
    reopening = utc(2036, 1, 13, 9)  # the day after 3660 holidays from 5 January 2026
    assert shut_for(3660).next_open(utc(2026, 1, 4, 17)) == reopening
    assert shut_for(3661).next_open(utc(2026, 1, 6, 10)) == reopening + timedelta(days=1)


# --- against a slow, obviously-correct oracle --------------------------------

ZONES = ["America/New_York", "Europe/Berlin", "Asia/Shanghai", "Australia/Lord_Howe", "UTC"]
MINUTE = timedelta(minutes=1)
YEAR_START = utc(2026, 1, 1)


@cache
def transitions(zone: str) -> tuple[datetime, ...]:
    """The UTC instants of 2026 at which the zone's offset changes (to the half hour)."""
    tz, found = ZoneInfo(zone), []
    t, offset = YEAR_START, YEAR_START.astimezone(tz).utcoffset()
    while t.year == 2026:
        t += timedelta(minutes=30)
        if t.astimezone(tz).utcoffset() != offset:
            found.append(t)
            offset = t.astimezone(tz).utcoffset()
    return tuple(found)


@cache
def country_days(country: str, year: int) -> frozenset[date]:
    return frozenset(holiday_tables.country_holidays(country, years=year))


@dataclass(frozen=True)
class Oracle:
    """Steps through time a minute at a time, asking the wall clock whether the desk is open.

    A window follows the wall clock, but once the wall clock has shown a time it is
    taken as passed: when clocks fall back, the repeated hour counts as still after
    it (as if the clock stood still). So each minute is judged by the latest wall
    time yet shown. Windows, starts and DST changes all fall on whole minutes.
    """

    zone: str
    week: tuple[tuple[tuple[int, int], ...], ...]  # minutes since midnight, Monday first
    holidays: frozenset[date]
    country: str | None

    def open_on(self, wall: datetime) -> date | None:
        """The local date whose window holds this wall time, or None when closed."""
        day = wall.date()
        if day in self.holidays or (self.country and day in country_days(self.country, day.year)):
            return None
        minute = wall.hour * 60 + wall.minute
        return day if any(a <= minute < b for a, b in self.week[day.weekday()]) else None

    def minutes(self, start: datetime) -> Iterator[tuple[datetime, date | None]]:
        """Each minute from start: its UTC start and the date it is open for (None: closed)."""
        # Step in UTC: adding a minute to a zoned datetime would step the wall clock.
        tz, t = ZoneInfo(self.zone), start.astimezone(UTC) - timedelta(hours=3)
        latest = t.astimezone(tz).replace(tzinfo=None)
        while True:
            latest = max(latest, t.astimezone(tz).replace(tzinfo=None))
            if t >= start:
                yield t, self.open_on(latest)
            t += MINUTE

    def add(self, start: datetime, seconds: int) -> datetime:
        """Count open minutes; the rest of a minute goes into the next open one."""
        whole, rest = divmod(seconds, 60)
        for t, day in self.minutes(start):
            if day is None:
                continue
            if whole == 0:
                return t + timedelta(seconds=rest)
            whole -= 1
            if whole == 0 and rest == 0:
                return t + MINUTE
        raise AssertionError("unreachable")

    def add_business_days(self, start: datetime, count: int) -> datetime:
        """As far into the count-th later working day as the opening was into its own."""
        opening, first_day = next((t, day) for t, day in self.minutes(start) if day)
        position = 0  # open minutes of that day before the opening
        for t, day in self.minutes(opening - timedelta(hours=26)):
            if t >= opening:
                break
            position += day == first_day
        later_days: list[date] = []
        target: list[datetime] = []  # the open minutes of the working day we are after
        for t, day in self.minutes(opening):
            if day is None or day == first_day:
                continue
            if not later_days or day != later_days[-1]:
                later_days.append(day)
            if len(later_days) > count:
                break
            if len(later_days) == count:
                target.append(t)
        return target[position] if position < len(target) else target[-1] + MINUTE


@st.composite
def day_windows(draw: st.DrawFn) -> tuple[tuple[int, int], ...]:
    # Edges near the DST hours of the zones (01:30-03:00) are drawn often on purpose.
    edge = st.one_of(
        st.integers(0, 1440),
        st.sampled_from([0, 60, 90, 105, 120, 135, 150, 165, 180, 540, 720, 780, 1080, 1440]),
    )
    count = draw(st.integers(0, 3))
    edges = sorted(draw(st.lists(edge, min_size=2 * count, max_size=2 * count)))
    return tuple((a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if a < b)


@st.composite
def calendars(draw: st.DrawFn) -> tuple[BusinessCalendar, Oracle]:
    zone = draw(st.sampled_from(ZONES))
    week = tuple(draw(day_windows()) for _ in range(7))
    assume(any(week))
    holidays = frozenset(
        draw(st.lists(st.dates(date(2025, 12, 20), date(2027, 1, 31)), max_size=10))
    )
    country = draw(st.sampled_from([None, None, "US", "DE", "CN"]))
    hours = {
        name: [f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}" for a, b in windows]
        for name, windows in zip(WEEKDAYS, week, strict=True)
    }
    calendar = BusinessCalendar(zone, hours, holidays=holidays, holiday_country=country)
    return calendar, Oracle(zone, week, holidays, country)


def weekly_minutes(oracle: Oracle) -> int:
    return sum(b - a for windows in oracle.week for a, b in windows)


@st.composite
def starts(draw: st.DrawFn, zone: str, *, to_the_second: bool = False) -> datetime:
    """Instants in 2026, often within three days of a DST change; minute-aligned by default."""
    near = transitions(zone)
    if len(near) > 0 and draw(st.booleans()):
        base = draw(st.sampled_from(near)) - timedelta(days=3)
        span = 6 * 24 * 60
    else:
        base, span = YEAR_START, 365 * 24 * 60
    t = base + timedelta(minutes=draw(st.integers(0, span)))
    if to_the_second:
        t += timedelta(seconds=draw(st.integers(0, 59)))
    return t.astimezone(ZoneInfo(zone))


@st.composite
def business_seconds(draw: st.DrawFn, oracle: Oracle) -> int:
    """Up to three days of business time, and no more than about a week and a half of it."""
    most = min(3 * 86_400, weekly_minutes(oracle) * 90)
    return draw(st.integers(0, most))


ORACLE = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ORACLE
@given(st.data())
def test_add_matches_the_minute_by_minute_oracle(data: st.DataObject) -> None:
    calendar, oracle = data.draw(calendars())
    start = data.draw(starts(oracle.zone))
    seconds = data.draw(business_seconds(oracle))
    assert calendar.add(start, timedelta(seconds=seconds)) == oracle.add(start, seconds)


@ORACLE
@given(st.data())
def test_is_open_and_next_open_match_the_oracle(data: st.DataObject) -> None:
    calendar, oracle = data.draw(calendars())
    start = data.draw(starts(oracle.zone))
    _, day = next(oracle.minutes(start))
    assert calendar.is_open(start) == (day is not None)
    assert calendar.next_open(start) == oracle.add(start, 0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_business_days_match_the_oracle(data: st.DataObject) -> None:
    calendar, oracle = data.draw(calendars())
    start = data.draw(starts(oracle.zone))
    count = data.draw(st.integers(1, 3))
    assert calendar.add(start, Duration(business_days=count)) == oracle.add_business_days(
        start, count
    )


PROPERTY = settings(max_examples=200, deadline=None)


@PROPERTY
@given(st.data())
def test_between_undoes_add(data: st.DataObject) -> None:
    calendar, oracle = data.draw(calendars())
    start = data.draw(starts(oracle.zone, to_the_second=True))
    duration = timedelta(seconds=data.draw(st.integers(0, 20 * 86_400)))
    assert calendar.between(start, calendar.add(start, duration)) == duration


@PROPERTY
@given(st.data())
def test_between_adds_up_and_turns_negative_backwards(data: st.DataObject) -> None:
    calendar, oracle = data.draw(calendars())
    a, b, c = sorted(data.draw(starts(oracle.zone, to_the_second=True)) for _ in range(3))
    assert calendar.between(a, c) == calendar.between(a, b) + calendar.between(b, c)
    assert calendar.between(c, a) == -calendar.between(a, c)


durations = st.builds(Duration, seconds=st.integers(0, 5 * 86_400), business_days=st.integers(0, 5))


@PROPERTY
@given(st.data())
def test_add_is_monotonic_in_start(data: st.DataObject) -> None:
    calendar, oracle = data.draw(calendars())
    early, late = sorted(data.draw(starts(oracle.zone, to_the_second=True)) for _ in range(2))
    duration = data.draw(durations)
    assert calendar.add(early, duration) <= calendar.add(late, duration)


@PROPERTY
@given(st.data())
def test_add_is_monotonic_in_duration(data: st.DataObject) -> None:
    calendar, oracle = data.draw(calendars())
    start = data.draw(starts(oracle.zone, to_the_second=True))
    short, extra = data.draw(durations), data.draw(durations)
    long = Duration(short.seconds + extra.seconds, short.business_days + extra.business_days)
    assert calendar.add(start, short) <= calendar.add(start, long)


@PROPERTY
@given(st.data())
def test_mixed_duration_is_business_days_then_time(data: st.DataObject) -> None:
    calendar, oracle = data.draw(calendars())
    start = data.draw(starts(oracle.zone, to_the_second=True))
    duration = data.draw(durations)
    after_days = calendar.add(start, Duration(business_days=duration.business_days))
    # Adding no time would move a deadline clamped to a close on to the next opening.
    expected = (
        calendar.add(after_days, timedelta(seconds=duration.seconds))
        if duration.seconds
        else after_days
    )
    assert calendar.add(start, duration) == expected
