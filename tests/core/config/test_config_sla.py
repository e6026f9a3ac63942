"""``[calendars]`` and ``[sla]`` on their own: what config show writes reads back the same,
through tomllib, and an empty file is the defaults."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta

from deskline.core.config.reader import Reader
from deskline.core.config.sla import parse_sla, to_toml
from deskline.core.sla.defaults import default_rules

READ = Reader("deskline.toml")

UNUSUAL = """
[calendars.california]
timezone = "America/Los_Angeles"
hours = { mon = ["08:00-12:00", "12:30-17:00"], sat = ["10:00-14:00"] }
holidays = [2026-12-24]
holiday_country = "US"
holiday_subdiv = "CA"

[sla]
warning_leads = ["1h1m1s", "45s"]
at_risk_percent = 50.5
pause_on = ["pending", "new"]
on_reopen = "restart"
note_counts_as_response = true

[sla.P0]
first_response = "5m"
resolution = "1h"

[sla.P2]
first_response = "2bd"
resolution = "1bd4h"
calendar = "california"

[[sla.policies]]
name = "Phone after hours"
channel = "phone"
category = "Network/VPN"
calendar = "california"
factor = 2
P3 = { resolution = "10bd", calendar = "always" }
"""


def test_an_unusual_sla_reads_back_the_same_through_tomllib():
    rules = parse_sla(READ, tomllib.loads(UNUSUAL))
    california = rules.calendars["california"]
    assert (california.holiday_country, california.holiday_subdiv) == ("US", "CA")
    assert california.holidays == frozenset({date(2026, 12, 24)})
    assert rules.warning_leads == (timedelta(seconds=3661), timedelta(seconds=45))
    assert rules.pause_on == {"pending", "new"}
    assert str(rules.targets["P2"].resolution) == "1bd4h"
    (policy,) = rules.policies
    assert (policy.factor, policy.calendar, policy.category) == (2, "california", "Network/VPN")
    written = to_toml(rules)
    assert set(tomllib.loads(written)) == {"calendars", "sla"}
    assert parse_sla(READ, tomllib.loads(written)) == rules


def test_an_empty_file_is_the_default_sla_and_writes_it_out():
    assert parse_sla(READ, {}) == default_rules()
    assert parse_sla(READ, tomllib.loads(to_toml(default_rules()))) == default_rules()
