"""deskline.toml: defaults, discovery, and one clear error per kind of mistake."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from deskline.core.config.reader import ConfigError, Reader
from deskline.core.config.settings import find_config, load_config
from deskline.core.config.sla import parse_sla, to_toml
from deskline.core.sla.defaults import default_rules

GOOD = """
[calendars.support]
timezone = "Asia/Shanghai"
hours = { mon = ["09:00-12:00", "13:00-18:00"], tue = ["09:00-12:00", "13:00-18:00"] }
holidays = ["2026-10-01", 2026-10-02]
holiday_country = "CN"

[calendars.always]
hours = "24x7"

[sla]
warning_leads = ["30m", "2h"]
at_risk_percent = 75
pause_on = ["pending"]
on_reopen = "restart"
note_counts_as_response = true

[sla.P0]
first_response = "15m"
resolution = "2h"
calendar = "always"

[sla.P3]
resolution = "5bd"
calendar = "support"

[[sla.policies]]
name = "VIP"
tier = "vip"
factor = 0.5

[[sla.policies]]
name = "Phone"
channel = "phone"
P1 = { first_response = "10m" }
"""


def test_no_file_gives_the_design_defaults():
    r = default_rules()
    got = {p: (str(t.first_response), str(t.resolution), t.calendar) for p, t in r.targets.items()}
    assert got == {
        "P0": ("15m", "2h", "always"),
        "P1": ("30m", "4h", "always"),
        "P2": ("1h", "24h", "business"),
        "P3": ("4h", "3bd", "business"),
    }
    assert r.pause_on == {"pending"} and r.on_reopen == "resume"
    assert r.calendars["business"].weekly_hours()["mon"] == ["09:00-18:00"]
    assert "sat" not in r.calendars["business"].weekly_hours()


def test_a_full_file_is_read():
    r = parse_sla(Reader("deskline.toml"), tomllib.loads(GOOD))
    assert [int(x.total_seconds()) for x in r.warning_leads] == [7200, 1800]
    assert r.at_risk_percent == 75 and r.on_reopen == "restart" and r.note_counts_as_response
    assert str(r.targets["P3"].resolution) == "5bd" and str(r.targets["P3"].first_response) == "4h"
    assert r.calendars["support"].holiday_country == "CN"
    assert [p.name for p in r.policies] == ["VIP", "Phone"]
    assert str(r.target_for("P1", channel="phone").first_response) == "10m"


def test_show_writes_toml_that_reads_back_the_same():
    r = parse_sla(Reader("deskline.toml"), tomllib.loads(GOOD))
    again = parse_sla(Reader("deskline.toml"), tomllib.loads(to_toml(r)))
    assert again == r


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[sla.P3]\ncalendar = "suport"', "sla.P3.calendar: unknown calendar 'suport'; known:"),
        ('[calendars.x]\nhours = { mon = ["9-17"] }', "calendars.x:"),
        ('[calendars.x]\nhours = { mon = ["09:00-12:00", "11:00-14:00"] }', "overlap"),
        ('[calendars.x]\nhours = { mon = ["18:00-09:00"] }', "calendars.x:"),
        ('[calendars.x]\ntimezone = "Mars/Olympus"\nhours = "24x7"', "Mars/Olympus"),
        ('[calendars.x]\ntimezone = "UTC"', "calendars.x: needs hours"),
        ('[sla.P1]\nresolution = "4 hours"', "sla.P1.resolution: bad duration '4 hours'"),
        ("[sla.P1]\nresolution = 4", "sla.P1.resolution: must be a duration text"),
        ('[sla]\nwarning_leads = ["1bd"]', "a warning lead is hours or minutes"),
        ("[sla]\nat_risk_percent = 180", "sla.at_risk_percent: must be a number above 0"),
        ('[sla]\npause_on = ["closed"]', "sla.pause_on: 'closed' is not an open status"),
        ('[sla]\non_reopen = "again"', 'sla.on_reopen: must be "resume" or "restart"'),
        ('[sla]\nnote_counts_as_response = "yes"', "must be true or false"),
        ('[sla.P5]\nresolution = "1h"', "sla.P5: unknown key"),
        ('[sla.P1]\nresolve = "1h"', "sla.P1.resolve: unknown key"),
        ("[slas]\nx = 1", "slas: unknown key; expected one of calendars, sla"),
        ('[[sla.policies]]\ntier = "vip"', "sla.policies[0]: needs a name"),
        ('[[sla.policies]]\nname = "x"\ntier = "gold"', "sla.policies[0].tier: must be"),
        ('[[sla.policies]]\nname = "x"\nfactor = 0', "sla.policies[0].factor: must be"),
        ('[[sla.policies]]\nname = "x"\nchannel = "fax"', "sla.policies[0].channel: bad channel"),
    ],
)
def test_each_mistake_is_one_clear_error_naming_file_key_and_problem(tmp_path, text, message):
    path = tmp_path / "deskline.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(str(path))
    assert str(err.value).startswith(f"{path}: ")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_an_inline_table_over_several_lines_gets_a_hint(tmp_path):
    path = tmp_path / "deskline.toml"
    path.write_text('[calendars.s]\nhours = { mon = ["09:00-12:00"],\n  tue = ["09:00-12:00"] }\n')
    with pytest.raises(ConfigError, match="must stay on one line.*calendars.NAME.hours"):
        load_config(str(path))


def test_broken_toml_names_the_file(tmp_path):
    path = tmp_path / "deskline.toml"
    path.write_text("[sla\n")
    with pytest.raises(ConfigError, match=f"{path}: not valid TOML"):
        load_config(str(path))


def test_discovery_order(tmp_path, monkeypatch):
    here, env_file = tmp_path / "cwd", tmp_path / "env.toml"
    here.mkdir()
    monkeypatch.chdir(here)
    assert find_config() is None
    user = tmp_path / "xdg-config" / "deskline" / "deskline.toml"
    user.parent.mkdir(parents=True)
    user.write_text("")
    assert find_config() == user
    (here / "deskline.toml").write_text("")
    assert find_config() == user  # never the working directory: two folders, one desk
    env_file.write_text("")
    monkeypatch.setenv("DESKLINE_CONFIG", str(env_file))
    assert find_config() == env_file
    assert find_config(str(user)) == user
    with pytest.raises(ConfigError, match="--config: config file .*nope.toml not found"):
        find_config(str(tmp_path / "nope.toml"))
    monkeypatch.setenv("DESKLINE_CONFIG", str(tmp_path / "gone.toml"))
    with pytest.raises(ConfigError, match="DESKLINE_CONFIG: config file .*gone.toml not found"):
        find_config()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[sla.P2]\nfirst_response = "5h"\nresolution = "1h"',
            "sla.P2: first_response 5h is longer than resolution 1h",
        ),
        (
            '[[sla.policies]]\nname = "x"\ntier = "vip"\nfactor = 0.00001',
            "sla.policies[0].P0: first_response comes to 0s",
        ),
        ('[sla.P3]\nresolution = "5000bd"', "sla.P3.resolution: 5000bd is too long"),
        ('[sla.P3]\nresolution = "99999999h"', "is too long"),
    ],
)
def test_targets_that_cannot_work_are_refused(tmp_path, text, message):
    path = tmp_path / "deskline.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_config(str(path))


HOLIDAY_CHECK = """
import sys
from datetime import UTC, datetime

from deskline.core.config.settings import load_config

calendar = load_config(sys.argv[1]).sla.calendars["support"]
calendar.add(datetime(2026, 10, 1, 9, tzinfo=UTC), "3bd")
print("holidays" in sys.modules)
"""


@pytest.mark.parametrize(
    ("country", "imported"), [("", "False"), ('holiday_country = "CN"', "True")]
)
def test_the_holiday_tables_are_imported_only_for_a_calendar_with_a_country(
    tmp_path, country, imported
):
    """The holidays package costs ~25 ms: a command whose calendars name no country skips it."""
    path = tmp_path / "deskline.toml"
    path.write_text(f'[calendars.support]\nhours = {{ mon = ["09:00-18:00"] }}\n{country}\n')
    run = subprocess.run(
        [sys.executable, "-c", HOLIDAY_CHECK, str(path)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == imported
