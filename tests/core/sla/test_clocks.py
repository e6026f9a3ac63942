"""SLA clocks, by hand, one test per semantic rule (pure: no database, no real clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deskline.core.config.reader import Reader
from deskline.core.config.sla import parse_sla
from deskline.core.sla.calendar import BusinessCalendar, parse_duration
from deskline.core.sla.clocks import ClockFacts, ClockState, SlaClock, SlaRules, Target, scale

SHANGHAI = BusinessCalendar(
    "Asia/Shanghai",
    {d: ["09:00-12:00", "13:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
    holidays=["2026-10-01", "2026-10-02"],
)


def rules(**options) -> SlaRules:
    targets = {
        "P0": Target(parse_duration("15m"), parse_duration("2h"), "always"),
        "P1": Target(parse_duration("30m"), parse_duration("4h"), "always"),
        "P2": Target(parse_duration("1h"), parse_duration("24h"), "support"),
        "P3": Target(parse_duration("4h"), parse_duration("3bd"), "support"),
    }
    calendars = {"always": BusinessCalendar.always(), "support": SHANGHAI}
    return SlaRules(targets=targets, calendars=calendars, **options)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def cst(*args: int) -> datetime:  # Asia/Shanghai wall time (UTC+8), as UTC
    return datetime(*args, tzinfo=UTC) - timedelta(hours=8)


def clock(priority="P0", created=utc(2026, 4, 2, 8, 0), r=None, **facts) -> SlaClock:
    return SlaClock(r or rules(), ClockFacts(created_at=created, priority=priority, **facts))


def test_due_times_follow_the_priority_table_on_24x7():
    c = clock("P0")
    assert c.first_response_due() == utc(2026, 4, 2, 8, 15)
    assert c.resolution_due() == utc(2026, 4, 2, 10, 0)


def test_start_outside_hours_begins_at_next_opening():
    # Thursday 20:00 Shanghai: the P2 first response (1h) is due Friday 10:00.
    c = clock("P2", created=cst(2026, 4, 2, 20, 0))
    assert c.first_response_due() == cst(2026, 4, 3, 10, 0)


def test_lunch_break_does_not_count():
    c = clock("P2", created=cst(2026, 4, 2, 11, 30))
    assert c.first_response_due() == cst(2026, 4, 2, 13, 30)


def test_deadline_on_closing_time_is_that_closing_time():
    c = clock("P2", created=cst(2026, 4, 2, 17, 0))
    assert c.first_response_due() == cst(2026, 4, 2, 18, 0)


def test_holidays_are_skipped():
    # Wednesday 2026-09-30 17:30 + 1h: Thu and Fri are holidays, then the weekend.
    c = clock("P2", created=cst(2026, 9, 30, 17, 30))
    assert c.first_response_due() == cst(2026, 10, 5, 9, 30)


def test_three_business_days_over_a_weekend_keep_the_time_of_day():
    c = clock("P3", created=cst(2026, 4, 3, 15, 0))  # a Friday
    assert c.resolution_due() == cst(2026, 4, 8, 15, 0)  # Wednesday


def test_states_along_a_p0_resolution_clock():
    c = clock("P0", created=utc(2026, 4, 2, 8, 0))  # 2 h target, leads 1 h and 30 min
    seen = {
        minutes: c.read(utc(2026, 4, 2, 8, 0) + timedelta(minutes=minutes)).resolution
        for minutes in (0, 59, 60, 90, 95, 96, 119, 120, 150)
    }
    assert {m: r.state.value for m, r in seen.items()} == {
        0: "ok",
        59: "ok",
        60: "warning",
        90: "warning",
        95: "warning",
        96: "at_risk",
        119: "at_risk",
        120: "breached",
        150: "breached",
    }
    assert seen[150].remaining_seconds == -30 * 60
    assert seen[60].percent_used == 50.0 and seen[150].percent_used == 125.0


def test_warning_leads_longer_than_the_target_are_ignored():
    c = clock("P0")  # first response 15 min: no 1 h or 30 min warning
    assert c.read(utc(2026, 4, 2, 8, 1)).first_response.state == ClockState.OK
    assert c.read(utc(2026, 4, 2, 8, 12)).first_response.state == ClockState.AT_RISK


def test_remaining_and_percent_are_business_time():
    c = clock("P2", created=cst(2026, 4, 2, 11, 30))  # due 13:30, lunch in between
    reading = c.read(cst(2026, 4, 2, 12, 30)).first_response
    assert reading.remaining_seconds == 30 * 60 and reading.percent_used == 50.0


def test_first_response_met_or_missed_by_the_reply_time():
    met = clock("P0", first_response_at=utc(2026, 4, 2, 8, 10)).read(utc(2026, 4, 2, 9, 0))
    assert met.first_response.state == ClockState.MET
    late = clock("P0", first_response_at=utc(2026, 4, 2, 8, 20)).read(utc(2026, 4, 2, 9, 0))
    assert late.first_response.state == ClockState.MISSED
    assert late.first_response.remaining_seconds == -5 * 60


def test_paused_clock_freezes_and_credit_moves_the_due_time_later():
    created = utc(2026, 4, 2, 8, 0)
    paused = clock("P0", created=created, paused_at=utc(2026, 4, 2, 9, 0))
    reading = paused.read(utc(2026, 4, 2, 12, 0)).resolution  # long past the 10:00 due
    assert (reading.state, reading.paused, reading.remaining_seconds) == (
        ClockState.PAUSED,
        True,
        3600,
    )
    resumed = clock("P0", created=created, pause_credit_seconds=3 * 3600)
    assert resumed.resolution_due() == utc(2026, 4, 2, 13, 0)
    assert resumed.read(utc(2026, 4, 2, 12, 0)).resolution.remaining_seconds == 3600


def test_pause_credit_is_business_time():
    c = clock("P2", created=cst(2026, 4, 2, 9, 0))
    # paused Thursday 17:00 to Friday 10:00: one business hour + one business hour
    assert c.credit_until(cst(2026, 4, 2, 17, 0), cst(2026, 4, 3, 10, 0)) == 2 * 3600


def test_resolution_met_or_missed_counts_credit():
    c = clock("P0", resolved_at=utc(2026, 4, 2, 10, 30), pause_credit_seconds=3600)
    assert c.read(utc(2026, 4, 3)).resolution.state == ClockState.MET
    c = clock("P0", resolved_at=utc(2026, 4, 2, 10, 30))
    assert c.read(utc(2026, 4, 3)).resolution.state == ClockState.MISSED


def test_priority_change_recomputes_from_creation_keeping_credit():
    created = utc(2026, 4, 2, 8, 0)
    p1 = clock("P1", created=created, pause_credit_seconds=600)
    p0 = clock("P0", created=created, pause_credit_seconds=600)
    assert p1.resolution_due() == utc(2026, 4, 2, 12, 10)
    assert p0.resolution_due() == utc(2026, 4, 2, 10, 10)


def test_thresholds_in_order_and_next_one_after_now():
    c = clock("P0", created=utc(2026, 4, 2, 8, 0))
    names = [(clk, name, at.strftime("%H:%M:%S")) for clk, name, at in c.thresholds()]
    assert names == [
        ("first_response", "at_risk", "08:12:00"),
        ("first_response", "breach", "08:15:00"),
        ("resolution", "warning:3600", "09:00:00"),
        ("resolution", "warning:1800", "09:30:00"),
        ("resolution", "at_risk", "09:36:00"),
        ("resolution", "breach", "10:00:00"),
    ]
    assert c.next_threshold(utc(2026, 4, 2, 8, 12)) == utc(2026, 4, 2, 8, 15)
    assert c.next_threshold(utc(2026, 4, 2, 10, 0)) is None


def test_no_thresholds_for_stopped_or_paused_clocks():
    c = clock("P0", first_response_at=utc(2026, 4, 2, 8, 5), paused_at=utc(2026, 4, 2, 8, 30))
    assert c.thresholds() == []
    assert c.next_threshold(utc(2026, 4, 2, 8, 31)) is None


def test_policy_first_match_wins_and_vip_gets_half_the_time():
    r = parse_sla(
        Reader("deskline.toml"),
        {
            "calendars": {
                "support": {"timezone": "Asia/Shanghai", "hours": {"mon": ["09:00-18:00"]}}
            },
            "sla": {
                "policies": [
                    {"name": "VIP", "tier": "vip", "factor": 0.5},
                    {"name": "Security", "category": "Security", "P2": {"first_response": "10m"}},
                ]
            },
        },
    )
    created = utc(2026, 4, 2, 8, 0)
    vip = SlaClock(r, ClockFacts(created, "P0", tier="vip", category="Security/Phishing"))
    assert vip.first_response_due() == created + timedelta(minutes=7, seconds=30)
    assert vip.resolution_due() == created + timedelta(hours=1)
    sec = r.target_for("P2", category="Security/Phishing")
    assert str(sec.first_response) == "10m" and str(sec.resolution) == "24h"
    assert r.target_for("P2", category="Securityish").first_response == parse_duration("1h")


def test_business_days_scale_to_whole_days_rounding_up():
    assert scale(parse_duration("3bd"), 0.5) == parse_duration("2bd")
    assert scale(parse_duration("1bd"), 0.25) == parse_duration("1bd")
    assert scale(parse_duration("1h30m"), 0.5) == parse_duration("45m")


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_dst_change_inside_a_24x7_clock_is_real_elapsed_time(zone):
    always = BusinessCalendar(zone, "24x7")
    r = SlaRules(
        targets={"P0": Target(parse_duration("15m"), parse_duration("2h"), "a")},
        calendars={"a": always},
    )
    c = SlaClock(r, ClockFacts(utc(2026, 3, 29, 0, 30), "P0"))
    assert c.resolution_due() == utc(2026, 3, 29, 2, 30)


def test_resolving_without_a_reply_stops_the_first_response_clock_too():
    c = clock("P0", resolved_at=utc(2026, 4, 2, 8, 10))
    later = c.read(utc(2026, 12, 30)).first_response
    assert (later.state, later.remaining_seconds) == (ClockState.MET, 300)
    assert [name for clk, name, _ in c.thresholds() if clk == "first_response"] == []
    late = clock("P0", resolved_at=utc(2026, 4, 2, 9, 0)).read(utc(2026, 12, 30))
    assert late.first_response.state == ClockState.MISSED


def test_a_now_before_creation_has_used_nothing():
    reading = clock("P0").read(utc(2026, 4, 1)).resolution
    assert reading.percent_used == 0.0 and reading.state == ClockState.OK
