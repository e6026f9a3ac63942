"""``deskline watch --jsonl`` as a feed of the alert table, real processes on the real clock,
SQLite and PostgreSQL: a watcher standing by prints every alert once, across a lease change
(the holder killed) nothing is printed twice or skipped, and ``--since ID`` resumes; and the
commands of the alert policy: ``escalate --to``, ``me notify``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import pytest
from processes import deskline
from sqlmodel import select

from deskline.core.desk.tickets import Desk
from deskline.storage.models import Alert
from deskline.storage.store import Store

CONFIG = """
[sla.P0]
first_response = "2s"
resolution = "2h"
calendar = "always"

[alerts]
sweep = "1s"
lease = "3s"
late_after = "1s"
"""


@pytest.fixture
def env(tmp_path, db_url) -> dict[str, str]:
    (tmp_path / "deskline.toml").write_text(CONFIG, encoding="utf-8")
    env = dict(os.environ)
    env.update(
        DESKLINE_DB=db_url,
        DESKLINE_CONFIG=str(tmp_path / "deskline.toml"),
        DESKLINE_AS="ana",
        TZ="UTC",
    )
    env.pop("DESKLINE_NOW", None)
    return env


class Feed:
    """A running ``deskline watch --jsonl [...]``: its JSON lines and its stderr as they come."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.lines: list[dict[str, Any]] = []
        self.err: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "deskline", "watch", "--jsonl", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for stream, into in ((self.process.stdout, None), (self.process.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, into), daemon=True).start()

    def _read(self, stream: Any, into: list[str] | None) -> None:
        for line in stream:
            if into is None:
                self.lines.append(json.loads(line))
            else:
                into.append(line)

    def ids(self) -> list[int]:
        return [line["id"] for line in self.lines]

    def wait_for(self, condition, timeout: float = 30.0) -> None:
        deadline = time.time() + timeout
        while not condition(self):
            assert self.process.poll() is None, "".join(self.err)
            assert time.time() < deadline, f"timed out; got {self.ids()} {''.join(self.err)}"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=15)


def stored_ids(db_url: str) -> list[int]:
    store = Store.open(db_url)
    try:
        with store.read() as s:
            return [a.id for a in s.exec(select(Alert).order_by(Alert.id)).all()]
    finally:
        store.close()


def breaches(feed: Feed) -> int:
    return sum(1 for line in feed.lines if line["rung"] == "breach")


def test_a_standby_feed_prints_each_alert_once_across_a_lease_change(env, db_url):
    deskline(env, "agents", "list")  # the first user: ana becomes the desk's admin
    holder = Feed(env)
    holder.wait_for(lambda f: any("firing alerts" in line for line in f.err))
    standby = Feed(env)
    standby.wait_for(lambda f: any("standing by" in line for line in f.err))
    try:
        for n in range(2):
            deskline(env, "new", "--title", f"Outage {n}", "-p", "P0")
        for feed in (holder, standby):
            feed.wait_for(lambda f: breaches(f) == 2)
        assert standby.ids() == holder.ids()  # standing by, it printed all of them
        holder.kill()  # the lease holder dies without a word
        for n in range(2, 4):
            deskline(env, "new", "--title", f"Outage {n}", "-p", "P0")
        standby.wait_for(lambda f: any("firing alerts" in line for line in f.err))
        standby.wait_for(lambda f: breaches(f) == 4)
        time.sleep(1.5)  # anything printed twice would show by now
        everything = stored_ids(db_url)
        assert standby.ids() == everything  # each once, in order, none skipped
        assert holder.ids() == everything[: len(holder.ids())]
        resumed = deskline(env, "watch", "--once", "--jsonl", "--since", str(holder.ids()[-1]))
        again = [json.loads(line)["id"] for line in resumed.stdout.splitlines()]
        assert again == everything[len(holder.ids()) :]
    finally:
        holder.stop()
        standby.stop()


def test_a_consumer_killed_mid_burst_resumes_with_since_and_misses_nothing(env, db_url):
    """kill -9 of ``watch --jsonl`` while a burst of alerts is printed; started again with
    the last id it printed, the union of both runs is every alert row, none twice."""
    deskline(env, "new", "--title", "Outage", "-p", "P0")  # ana enrolled, the policy read
    store = Store.open(db_url)
    try:
        desk = Desk(store, "ana")
        for n in range(119):
            desk.create(f"Outage {n}", priority="P0")  # at risk, then breached, within 2 s
    finally:
        store.close()
    first = Feed(env)
    first.wait_for(lambda f: len(f.lines) >= 30, timeout=60)
    first.kill()  # mid-burst: rows committed that it never printed
    seen = first.ids()
    assert len(seen) == len(set(seen))
    again = Feed(env, "--since", str(seen[-1]))  # waits out the dead one's lease, then fires
    try:
        again.wait_for(lambda f: len(seen) + len(f.lines) >= 240, timeout=90)
        time.sleep(1.5)  # anything printed twice would show by now
        everything = stored_ids(db_url)
        assert len(everything) >= 240  # the burst: an at-risk and a breach for each ticket
        assert seen + again.ids() == everything  # each once, in order, none lost
    finally:
        again.stop()


def test_since_needs_jsonl(env):
    done = deskline(env, "watch", "--once", "--since", "3", check=False)
    assert done.returncode == 2
    assert (
        done.stderr
        == "deskline: --since goes with --jsonl: it resumes the JSON feed after that alert id\n"
    )


def test_escalate_to_a_target_and_an_unknown_one(env, db_url):
    deskline(env, "new", "--title", "Stuck", "-p", "P3")  # the first user: ana, the admin
    deskline(env, "agents", "add", "dee", "--name", "Dee", "--role", "director")
    args = ("escalate", "T-1", "--reason", "r", "--progress", "p", "--help-needed", "h")
    bad = deskline(env, *args, "--to", "zed", check=False)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1
    assert bad.stderr.startswith("deskline: --to zed: no agent 'zed'")
    assert json.loads(deskline(env, "show", "T-1", "--json").stdout)["escalation_level"] == 0
    done = deskline(env, *args, "--to", "dee")
    assert done.stdout.strip().endswith("escalated to level 1 (dee)")
    fired = deskline(env, "watch", "--once", "--jsonl").stdout.splitlines()
    escalated = [json.loads(line) for line in fired if '"escalated"' in line]
    assert [(e["rung"], e["recipients"]) for e in escalated] == [("escalated", ["dee"])]
    mine = json.loads(deskline(dict(env, DESKLINE_AS="dee"), "alerts", "--json").stdout)
    assert [a["rung"] for a in mine] == ["escalated"]


def test_me_notify_shows_and_sets_my_own_preferences(env):
    deskline(env, "me", "notify")  # the first user: ana, the admin
    deskline(env, "agents", "add", "bo", "--name", "Bo")
    shown = json.loads(deskline(env, "me", "notify", "--json").stdout)
    assert shown["channels"] == ["app", "desktop", "email"] and shown["quiet"] is None
    set_ = deskline(env, "me", "notify", "--channels", "app,desktop", "--quiet", "22:00-07:00")
    assert set_.stdout.strip() == "ana: channels app, desktop; quiet hours 22:00-07:00 (UTC)"
    bo = dict(env, DESKLINE_AS="bo")
    refused = deskline(bo, "me", "notify", "--agent", "ana", "--quiet", "off", check=False)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "deskline: only ana or an admin can change ana's notification preferences"
    )
    bad = deskline(env, "me", "notify", "--channels", "sms", check=False)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert json.loads(deskline(env, "me", "notify", "--json").stdout)["quiet"] == "22:00-07:00"
