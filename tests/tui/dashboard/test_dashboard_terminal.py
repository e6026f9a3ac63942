"""End to end in a real terminal: the dashboard at 80×24 in tmux sees a breach made by another
process within two seconds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from datetime import UTC, datetime, timedelta

from conftest import poll as wait_for


def breached_counter(screen: str) -> int | None:
    found = re.search(r"Breached \((\d+)\)", screen)  # the breached list's title
    return int(found.group(1)) if found else None


def test_a_breach_made_elsewhere_shows_within_two_seconds(tmux, tmp_path):
    run, deskline = tmux
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "DESKLINE_AS": "root",
        "TERM": "xterm-256color",
    }
    env.pop("DESKLINE_NOW", None)
    # This test reads the layout: alert toasts (the demo desk's backlog) would cover part of
    # it. The dashboard's alerts have tests of their own (test_dashboard_alerts.py).
    config = tmp_path / "config" / "deskline"
    config.mkdir(parents=True)
    (config / "deskline.toml").write_text("[alerts]\nenabled = false\n", encoding="utf-8")
    filled = subprocess.run(
        [deskline, "demo", "--no-open", "--tickets", "40"], env=env, capture_output=True, text=True
    )
    assert filled.returncode == 0, filled.stderr
    db = filled.stdout.strip().removeprefix("demo database: ")
    # A ticket that becomes breached when made P0: open, not paused, not yet breached, and
    # created more than two hours ago (a P0 must be resolved within two).
    listed = subprocess.run(
        [deskline, "--db", db, "list", "--json"], env=env, capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    old = datetime.now(UTC) - timedelta(hours=3)
    victims = [
        t
        for t in json.loads(listed.stdout)
        if t["priority"] != "P0"
        and t["status"] != "pending"
        and datetime.fromisoformat(t["created_at"].replace("Z", "+00:00")) < old
        and "breached" not in (t["sla"]["first_response"]["state"], t["sla"]["resolution"]["state"])
    ]
    assert victims, "the demo desk has no old, calm, open ticket"
    victim = victims[0]["key"]

    started = run(
        "new-session",
        "-d",
        "-s",
        "dash",
        "-x",
        "80",
        "-y",
        "24",
        "-e",
        f"XDG_DATA_HOME={env['XDG_DATA_HOME']}",
        "-e",
        f"XDG_CONFIG_HOME={env['XDG_CONFIG_HOME']}",
        "-e",
        "DESKLINE_AS=root",
        f"{deskline} --db {db} dashboard; echo dashboard-exited-$?; sleep 30",
    )
    assert started.returncode == 0, started.stderr

    def screen() -> str:
        return run("capture-pane", "-p", "-t", "dash").stdout

    before = wait_for(lambda: breached_counter(screen()) is not None and screen())
    assert before, screen()
    count = breached_counter(before)
    assert count is not None
    # Every part of the screen is there at 80×24.
    for part in (
        "BREACHED",
        "AT RISK",
        "OPEN",
        "UNASSIGNED",
        "MET TODAY",
        "P0",
        "P3",
        "Breached (",
        "At risk (",
        "Agent load",
        "SLA met per day",
        "Breaches per hour",
    ):
        assert part in before, (part, before)

    changed = subprocess.run(
        [
            deskline,
            "--db",
            db,
            "--as",
            "maria.garcia",
            "priority",
            victim,
            "P0",
            "--reason",
            "whole office down",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert changed.returncode == 0, changed.stderr
    at = time.monotonic()
    after = wait_for(lambda: (breached_counter(screen()) or 0) > count, timeout=2.0, every=0.05)
    took = time.monotonic() - at
    assert after, f"still {breached_counter(screen())} after {took:.1f}s:\n{screen()}"
    assert victim in screen()  # in the breached list too

    run("send-keys", "-t", "dash", "q")
    assert wait_for(lambda: "dashboard-exited-0" in screen(), timeout=10), screen()
