"""The one way times are written: UTC ISO-8601 with a Z, to the second, or with milliseconds
when a measured time has any."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from deskline.core.clock import iso

AT = datetime(2026, 4, 2, 8, 0, 5, 123456, tzinfo=UTC)


def test_to_the_second_drops_the_fraction():
    assert iso(AT) == "2026-04-02T08:00:05Z"
    assert iso(AT.replace(microsecond=0)) == "2026-04-02T08:00:05Z"


def test_milliseconds_only_when_there_are_any():
    assert iso(AT, milliseconds=True) == "2026-04-02T08:00:05.123Z"
    assert iso(AT.replace(microsecond=0), milliseconds=True) == "2026-04-02T08:00:05Z"


def test_an_aware_time_elsewhere_is_written_as_the_same_instant_in_utc():
    shanghai = datetime(2026, 4, 2, 16, 30, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert iso(shanghai) == "2026-04-02T08:30:01Z"
    minus = datetime(2026, 4, 2, 3, 30, 1, 250000, tzinfo=timezone(timedelta(hours=-5)))
    assert iso(minus, milliseconds=True) == "2026-04-02T08:30:01.250Z"


def test_none_stays_none():
    assert iso(None) is None
    assert iso(None, milliseconds=True) is None


@given(st.datetimes(timezones=st.just(UTC)))
def test_the_same_text_as_the_helpers_it_replaced(value):
    """Byte for byte what the JSON carried before there was one helper (UTC times)."""
    seconds = value.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    spec = "milliseconds" if value.microsecond else "seconds"
    measured = value.isoformat(timespec=spec).replace("+00:00", "Z")
    assert iso(value) == seconds
    assert iso(value, milliseconds=True) == measured
