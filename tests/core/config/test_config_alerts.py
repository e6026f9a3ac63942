"""``[alerts]`` on its own: what config show writes reads back the same through tomllib,
rungs turned off and both channels included."""

from __future__ import annotations

import tomllib
from datetime import timedelta

import pytest

from deskline.core.alerts.ladder import AlertRules, QuietHours
from deskline.core.config.alerts import parse_alerts, to_toml
from deskline.core.config.reader import ConfigError, Reader

READ = Reader("deskline.toml")

UNUSUAL = """
[alerts]
enabled = false
unassigned_after = false
not_started_after = "1h1m1s"
pending_close_after = "90m"
hand_back = false
late_after = "30s"
sweep = "20s"
lease = "2m"

[alerts.webhook]
url = "https://chat.example.com/hooks/abc"
levels = [1, 2, 3]
timeout = 0.5
retries = 0

[alerts.email]
host = "smtp.example.com"
port = 2525
starttls = false
user = "desk"
password_env = "DESK_SMTP_PASSWORD"
sender = "desk@example.com"
levels = [3]
"""


def test_unusual_alerts_read_back_the_same_through_tomllib():
    rules = parse_alerts(READ, tomllib.loads(UNUSUAL))
    assert rules.unassigned_after is None
    assert rules.not_started_after == timedelta(seconds=3661)
    assert rules.webhook is not None and rules.webhook.retries == 0
    assert rules.email is not None and rules.email.password_env == "DESK_SMTP_PASSWORD"
    written = to_toml(rules)
    assert "unassigned_after = false" in written.splitlines()
    assert set(tomllib.loads(written)) == {"alerts"}
    assert parse_alerts(READ, tomllib.loads(written)) == rules


def test_no_alerts_section_is_the_defaults_and_writes_them_out():
    assert parse_alerts(READ, {}) == AlertRules()
    assert parse_alerts(READ, tomllib.loads(to_toml(AlertRules()))) == AlertRules()


def test_quiet_hours_are_on_unless_turned_off_and_the_choice_reads_back():
    assert AlertRules().quiet == QuietHours()  # P2/P3 reminders wait for the opening
    off = parse_alerts(READ, tomllib.loads("[alerts.quiet]\nenabled = false\n"))
    assert off.quiet is None
    assert "[alerts.quiet]\nenabled = false" in to_toml(off)
    assert parse_alerts(READ, tomllib.loads(to_toml(off))) == off
    only_p3 = parse_alerts(READ, tomllib.loads('[alerts.quiet]\npriorities = ["P3"]\n'))
    assert only_p3.quiet == QuietHours(priorities=frozenset({"P3"}))
    with pytest.raises(ConfigError, match="alerts.quiet.enabled"):
        parse_alerts(READ, tomllib.loads('[alerts.quiet]\nenabled = "no"\n'))


def test_bell_and_desktop_are_personal_now_and_say_where_they_went():
    import pytest

    for key, value in (("bell", "false"), ("desktop", "[3]")):
        with pytest.raises(ConfigError, match=rf"alerts\.{key}: .*move it to \[notify\] {key}"):
            parse_alerts(READ, tomllib.loads(f"[alerts]\n{key} = {value}\n"))


def test_delivery_retries_read_back_and_config_check_refuses_bad_ones(tmp_path):
    rules = parse_alerts(
        READ,
        tomllib.loads(
            '[alerts.delivery]\ngive_up_after = "2h"\nfirst_retry = "10s"\n'
            'max_retry = "5m"\nworkers = 2\n'
        ),
    )
    assert rules.delivery.give_up_after == timedelta(hours=2) and rules.delivery.workers == 2
    assert parse_alerts(READ, tomllib.loads(to_toml(rules))) == rules
    for bad, where in (
        ('give_up_after = "0s"', "alerts.delivery.give_up_after: bad duration"),
        ('give_up_after = "soon"', "alerts.delivery.give_up_after"),
        ("workers = 0", "alerts.delivery.workers"),
        ('first_retry = "10m"\nmax_retry = "1m"', "alerts.delivery.max_retry: must be at least"),
        ("retry = 3", "alerts.delivery.retry: unknown key"),
    ):
        with pytest.raises(ConfigError, match=where.replace(".", r"\.")):
            parse_alerts(READ, tomllib.loads(f"[alerts.delivery]\n{bad}\n"))
    # and as a person meets it: one line from `config check`, exit 1
    import os
    import subprocess
    import sys

    path = tmp_path / "deskline.toml"
    path.write_text('[alerts.delivery]\ngive_up_after = "0s"\n', encoding="utf-8")
    env = dict(os.environ, DESKLINE_CONFIG=str(path), DESKLINE_DB=str(tmp_path / "d.db"))
    done = subprocess.run(
        [sys.executable, "-m", "deskline", "config", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "alerts.delivery.give_up_after" in done.stderr
    assert "Traceback" not in done.stderr
