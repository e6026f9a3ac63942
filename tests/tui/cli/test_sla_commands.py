"""``deskline sla due`` on configured calendars, and the SLA clocks ``show`` reads at a
frozen now."""

from __future__ import annotations

import json

import pytest
from in_process import SLA_CONFIG, run


@pytest.fixture
def config_file(tmp_path, monkeypatch, capsys):
    """A local file with policy sections, imported as the desk's policy on first use."""
    path = tmp_path / "deskline.toml"
    path.write_text(SLA_CONFIG)
    code, _, err = run(monkeypatch, capsys, "--config", str(path), "sla", "recompute")
    assert code == 0 and f"imported the desk's policy from {path} as version 1" in err
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
