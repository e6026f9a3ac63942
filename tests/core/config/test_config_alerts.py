"""``[alerts]`` on its own: what config show writes reads back the same through tomllib,
rungs turned off and both channels included."""

from __future__ import annotations

import tomllib
from datetime import timedelta

from deskline.core.alerts.ladder import AlertRules
from deskline.core.config.alerts import parse_alerts, to_toml
from deskline.core.config.reader import Reader

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


def test_bell_and_desktop_are_personal_now_and_say_where_they_went():
    import pytest

    from deskline.core.config.reader import ConfigError

    for key, value in (("bell", "false"), ("desktop", "[3]")):
        with pytest.raises(ConfigError, match=rf"alerts\.{key}: .*move it to \[notify\] {key}"):
            parse_alerts(READ, tomllib.loads(f"[alerts]\n{key} = {value}\n"))
