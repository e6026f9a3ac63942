"""``deskline watch`` as a real process on the real clock, ``deskline alerts``, and ``[alerts]``
mistakes: restarts fire missed alerts once (late), two watchers fire each alert once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from processes import deskline

CONFIG = """
[sla.P0]
first_response = "3s"
resolution = "2h"
calendar = "always"

[alerts]
sweep = "1s"
lease = "3s"
late_after = "1s"
"""


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    (tmp_path / "deskline.toml").write_text(CONFIG, encoding="utf-8")
    env = dict(os.environ)
    env.update(
        DESKLINE_DB=str(tmp_path / "desk.db"),
        DESKLINE_CONFIG=str(tmp_path / "deskline.toml"),
        DESKLINE_AS="ana",
        TZ="UTC",
    )
    env.pop("DESKLINE_NOW", None)
    return env


class Watch:
    """A running ``deskline watch --jsonl``, its lines collected as they come."""

    def __init__(self, env: dict[str, str]) -> None:
        self.lines: list[dict[str, Any]] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "deskline", "watch", "--jsonl"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(json.loads(line))

    def wait_for(self, condition, timeout: float = 15.0) -> None:
        deadline = time.time() + timeout
        while not condition(self.lines):
            assert self.process.poll() is None, self.process.stderr.read()  # type: ignore[union-attr]
            assert time.time() < deadline, f"timed out; got {self.lines}"
            time.sleep(0.05)

    def stop(self) -> str:
        self.process.terminate()
        _, err = self.process.communicate(timeout=15)
        return err


def breaches(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["rung"] == "breach"]


def test_watch_prints_each_breach_as_one_json_line_when_it_comes_due(env):
    deskline(env, "agents", "list")  # the first user: ana becomes the desk's admin
    watch = Watch(env)
    try:
        deskline(env, "new", "--title", "Checkout down", "-p", "P0")
        watch.wait_for(lambda lines: breaches(lines))
    finally:
        err = watch.stop()
    line = breaches(watch.lines)[0]
    assert {"ticket", "clock", "level", "due_at", "fired_at", "late", "recipients"} <= set(line)
    assert (line["ticket"], line["clock"], line["level"], line["late"]) == (
        "T-1",
        "first_response",
        3,
        False,
    )
    assert line["recipients"] == ["ana"]  # no assignee, supervisor or director: the admin
    assert "Traceback" not in err


def test_alerts_missed_while_stopped_fire_once_on_start_marked_late(env):
    deskline(env, "agents", "list")
    deskline(env, "new", "--title", "Nobody watching", "-p", "P0")
    time.sleep(4.5)  # the 3 s first response passes while no watcher runs
    first = deskline(env, "watch", "--once", "--jsonl").stdout.splitlines()
    fired = [json.loads(line) for line in first]
    assert sorted(f["rung"] for f in fired) == ["at_risk", "breach"]
    assert all(f["late"] for f in fired)
    assert deskline(env, "watch", "--once", "--jsonl").stdout == ""  # exactly once


def test_two_watchers_on_one_database_print_each_alert_once(env):
    deskline(env, "agents", "list")
    one, two = Watch(env), Watch(env)
    try:
        for n in range(4):
            deskline(env, "new", "--title", f"Outage {n}", "-p", "P0")
        for watch in (one, two):
            watch.wait_for(lambda lines: True, timeout=1)
        deadline = time.time() + 20
        while min(len(breaches(w.lines)) for w in (one, two)) < 4 and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)  # anything fired twice would show up by now
    finally:
        one.stop()
        two.stop()
    for watch in (one, two):  # each prints the desk's feed: every alert, once
        keys = [(line["ticket"], line["rung"], line["clock"]) for line in watch.lines]
        assert len(breaches(watch.lines)) == 4
        assert len(keys) == len(set(keys))
    assert [line["id"] for line in one.lines] == [line["id"] for line in two.lines]


def test_alerts_lists_mine_and_ack_records_it(env):
    deskline(env, "agents", "list")
    deskline(env, "new", "--title", "Down", "-p", "P0")
    time.sleep(3.5)
    deskline(env, "watch", "--once")
    mine = json.loads(deskline(env, "alerts", "--json").stdout)
    assert [a["rung"] for a in mine] == ["breach", "at_risk"] or [a["rung"] for a in mine] == [
        "at_risk",
        "breach",
    ]
    assert not any(a["acknowledged"] for a in mine)
    ack = deskline(env, "alerts", "ack", str(mine[0]["id"]))
    assert ack.stdout.strip() == "acknowledged 1 alert"
    rest = deskline(env, "alerts", "ack", "--all")
    assert rest.stdout.strip() == "acknowledged 1 alert"  # the other one
    assert deskline(env, "alerts", "ack", "--all").stdout.strip() == "acknowledged 0 alerts"
    again = json.loads(deskline(env, "alerts", "--json").stdout)
    assert all(a["acknowledged"] for a in again)
    bad = deskline(env, "alerts", "ack", "9999", check=False)
    assert bad.returncode == 1
    assert bad.stderr.strip() == "deskline: no alert 9999 for you: see `deskline alerts` for yours"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[alerts]\nunassigned_after = "soon"\n', "alerts.unassigned_after: bad duration"),
        ("[alerts]\ndesktop = [3]\n", "alerts.desktop: is a person's own setting now"),
        ("[notify]\ndesktop = [4]\n", "notify.desktop: must be a list of alert levels"),
        ('[alerts.webhook]\nurl = "ftp://x"\n', "alerts.webhook.url: must be an http"),
        ('[alerts.email]\nhost = "h"\npassword = "x"\n', "never put a password in the file"),
        ('[alerts]\nsweep = "20s"\nlease = "10s"\n', "alerts.lease: must be longer"),
        ("[alerts]\nbeep = true\n", "alerts.beep: unknown key"),
        ('[alerts.email]\nhost = "h"\nuser = "u"\n', "alerts.email.user: needs password_env"),
        ('[alerts.email]\nhost = "h"\nsender = "nobody"\n', "must be an email address"),
    ],
)
def test_a_bad_alerts_section_is_one_line_and_exit_2(env, tmp_path: Path, text, problem):
    (tmp_path / "deskline.toml").write_text(text, encoding="utf-8")
    done = deskline(env, "watch", "--once", check=False)
    assert done.returncode == 2
    assert problem in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_watch_is_a_service_it_needs_no_agent_and_adds_none(env):
    env = dict(env, DESKLINE_AS="nobody-here")
    done = deskline(env, "watch", "--once")
    assert done.returncode == 0 and "first use" not in done.stderr
    listed = deskline(env, "agents", "list", "--json")
    assert json.loads(listed.stdout) == []  # the watcher enrolled nobody


def test_a_once_run_cut_short_by_its_reader_leaves_the_lease(env):
    deskline(env, "agents", "list")
    for n in range(3):
        deskline(env, "new", "--title", f"Down {n}", "-p", "P0")
    time.sleep(3.5)
    cut = subprocess.run(
        f"{sys.executable} -m deskline watch --once | head -1",
        shell=True,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert cut.stdout.count("\n") == 1
    after = deskline(env, "watch", "--once")
    assert "another watcher holds" not in after.stderr  # the cut run gave the lease back


def test_watch_writes_its_log_to_the_file_given(env, tmp_path: Path):
    deskline(env, "new", "--title", "Checkout is down", "-p", "P0")
    time.sleep(3.5)  # the 3 s first response is breached: alerts are due
    log = tmp_path / "watch.log"
    done = deskline(env, "-v", "watch", "--once", "--log-file", str(log))
    lines = log.read_text(encoding="utf-8").splitlines()
    fired = [line for line in lines if " INFO deskline.tui.cli.alerts: fired: " in line]
    assert any("T-1" in line and "breach" in line.lower() for line in fired), lines
    assert lines[0].startswith("20") and " INFO " in lines[0]  # dated, levelled lines
    assert " INFO " not in done.stderr  # the log went to the file, not to stderr
    assert done.stdout.count("T-1") == len(fired)  # each alert printed as it was logged


def test_a_log_file_that_cannot_be_written_is_one_line_and_exit_2(env, tmp_path: Path):
    done = deskline(
        env, "watch", "--once", "--log-file", str(tmp_path / "no" / "x.log"), check=False
    )
    assert done.returncode == 2
    assert (
        done.stderr.startswith("deskline: cannot write the log to ")
        and done.stderr.count("\n") == 1
    )
