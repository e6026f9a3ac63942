"""The SLA, config and demo commands, run through the real entry point."""

from __future__ import annotations

import json
import sys

import pytest

from deskline.tui.cli.main import main


def run(monkeypatch, capsys, *args: str, env: dict[str, str] | None = None):
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", ["deskline", *args])
    capsys.readouterr()
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


CONFIG = """
[calendars.support]
timezone = "Asia/Shanghai"
holidays = ["2026-10-01", "2026-10-02"]

[calendars.support.hours]
mon = ["09:00-12:00", "13:00-18:00"]
tue = ["09:00-12:00", "13:00-18:00"]
wed = ["09:00-12:00", "13:00-18:00"]
thu = ["09:00-12:00", "13:00-18:00"]
fri = ["09:00-12:00", "13:00-18:00"]

[sla.P3]
calendar = "support"

[[sla.policies]]
name = "VIP customers"
tier = "vip"
factor = 0.5
"""


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "deskline.toml"
    path.write_text(CONFIG)
    return path


def test_sla_due_on_a_configured_calendar(monkeypatch, capsys, config_file):
    # Friday 15:00 Shanghai + 3 business days = Wednesday 15:00 Shanghai
    code, out, err = run(
        monkeypatch,
        capsys,
        "--config",
        str(config_file),
        "sla",
        "due",
        "--calendar",
        "support",
        "--start",
        "2026-04-03T15:00:00+08:00",
        "--duration",
        "3bd",
    )
    assert (code, out, err) == (0, "2026-04-08T07:00:00Z\n", "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--calendar", "nope", "--start", "2026-04-03T15:00:00Z", "--duration", "1h"),
            "unknown calendar 'nope'; known: always, business, support",
        ),
        (
            ("--calendar", "support", "--start", "2026-04-03 15:00", "--duration", "1h"),
            "has no offset",
        ),
        (("--calendar", "support", "--start", "someday", "--duration", "1h"), "bad time 'someday'"),
        (
            ("--calendar", "support", "--start", "2026-04-03T15:00:00Z", "--duration", "soon"),
            "bad duration 'soon'",
        ),
    ],
)
def test_sla_due_bad_input_is_one_line(monkeypatch, capsys, config_file, args, message):
    code, out, err = run(monkeypatch, capsys, "--config", str(config_file), "sla", "due", *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err


def test_config_check_prints_the_effective_policy_table(monkeypatch, capsys, config_file):
    code, out, err = run(monkeypatch, capsys, "config", "check", str(config_file))
    assert code == 0, err
    assert f"{config_file}: ok" in out
    assert "VIP customers" in out and "1bd" not in out.split("VIP")[0]
    vip_p0 = next(line for line in out.splitlines() if "VIP customers" in line)
    assert "7m30s" in vip_p0 and "1h" in vip_p0


def test_config_check_of_a_bad_file_names_file_key_and_problem(monkeypatch, capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[sla.P2]\ncalendar = "weekdayz"\n')
    code, out, err = run(monkeypatch, capsys, "config", "check", str(bad))
    assert code == 2 and out == ""
    assert err == (
        f"deskline: {bad}: sla.P2.calendar: unknown calendar 'weekdayz'; known: always, business\n"
    )


def test_a_bad_config_stops_every_command_before_it_writes(monkeypatch, capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[sla]\npause_on = ["closed"]\n')
    db = tmp_path / "desk.db"
    code, _, err = run(
        monkeypatch,
        capsys,
        "--db",
        str(db),
        "--config",
        str(bad),
        "--as",
        "root",
        "new",
        "--title",
        "x",
    )
    assert code == 2 and "sla.pause_on" in err
    assert not db.exists()


def test_config_show_is_toml_that_config_check_accepts(monkeypatch, capsys, config_file, tmp_path):
    code, out, _ = run(monkeypatch, capsys, "--config", str(config_file), "config", "show")
    assert code == 0 and "[calendars.support]" in out and 'name = "VIP customers"' in out
    shown = tmp_path / "shown.toml"
    shown.write_text(out)
    assert run(monkeypatch, capsys, "config", "check", str(shown))[0] == 0


def test_config_is_found_through_the_environment(monkeypatch, capsys, config_file):
    code, out, _ = run(
        monkeypatch, capsys, "config", "show", env={"DESKLINE_CONFIG": str(config_file)}
    )
    assert code == 0 and out.startswith(f"# {config_file}")


def test_show_json_reads_the_clocks_at_the_frozen_now(monkeypatch, capsys, tmp_path, config_file):
    db = str(tmp_path / "d.db")
    base = ("--db", db, "--config", str(config_file), "--as", "root")
    env = {"DESKLINE_NOW": "2026-04-03T15:00:00+08:00"}
    code, out, err = run(
        monkeypatch, capsys, *base, "new", "--title", "Invoice copy", "-p", "P3", "--json", env=env
    )
    assert code == 0, err
    sla = json.loads(out)["sla"]
    assert sla["resolution"]["due_at"] == "2026-04-08T07:00:00Z"
    # 4 h from Friday 15:00: three hours on Friday, the fourth on Monday 09:00-10:00
    assert sla["first_response"]["due_at"] == "2026-04-06T02:00:00Z"
    env = {"DESKLINE_NOW": "2026-04-03T17:30:00+08:00"}
    code, out, _ = run(monkeypatch, capsys, *base, "show", "T-1", "--json", env=env)
    first = json.loads(out)["sla"]["first_response"]
    assert first == {
        "due_at": "2026-04-06T02:00:00Z",
        "state": "ok",
        "remaining_seconds": 5400,
        "percent_used": 62.5,
        "paused": False,
    }
    env = {"DESKLINE_NOW": "2026-04-06T09:45:00+08:00"}  # Monday, 15 business minutes left
    code, out, _ = run(monkeypatch, capsys, *base, "show", "T-1", "--json", env=env)
    first = json.loads(out)["sla"]["first_response"]
    assert (first["state"], first["remaining_seconds"]) == ("at_risk", 900)


def test_demo_fills_once_and_reuses(monkeypatch, capsys, tmp_path):
    env = {"DESKLINE_NOW": "2026-04-02T16:30:00+02:00", "DESKLINE_AS": "root"}
    code, out, err = run(monkeypatch, capsys, "demo", "--no-open", "--tickets", "40", env=env)
    assert code == 0, err
    path = out.strip().removeprefix("demo database: ")
    assert path.startswith(str(tmp_path)) and "40 tickets" in err
    code, out2, err2 = run(monkeypatch, capsys, "demo", "--no-open", env=env)
    assert code == 0 and out2 == out and "tickets" not in err2  # reused, not refilled
    code, out3, _ = run(monkeypatch, capsys, "--db", path, "list", "--all", "--json", env=env)
    assert len(json.loads(out3)) == 40
