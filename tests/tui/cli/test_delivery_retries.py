"""Deliveries that reach their target, real processes on the real clock, SQLite and
PostgreSQL: a webhook that hangs, then answers 500, then 429 with Retry-After, then recovers
gets every breach exactly once, in firing order, across a kill -9 of the watcher and a
restart, while other alerts keep firing within a second of their moment; and
``alerts deliveries [--failed] [--json]``, ``alerts resend``."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from processes import deskline
from sqlmodel import select
from test_alert_feed import Feed

from deskline.storage.models import Delivery
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

[alerts.webhook]
url = "{url}"
levels = [3]
timeout = 1
retries = 0

[alerts.delivery]
first_retry = "1s"
max_retry = "2s"
give_up_after = "1h"
"""


class Hook:
    """A loopback webhook in one of its moods: hang, 500, 429 (Retry-After: 1), 404, ok."""

    def __init__(self) -> None:
        self.mood = "ok"
        self.seen: list[str] = []  # the mood each request met
        self.taken: list[tuple[str, str]] = []  # (ticket and rung, Idempotency-Key): 200
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                mood = hook.mood
                hook.seen.append(mood)
                if mood == "hang":
                    time.sleep(2.5)  # past the sender's timeout: it gives up, no answer
                    self.close_connection = True
                    return
                code = {"500": 500, "429": 429, "404": 404}.get(mood, 200)
                if code == 200:  # kept before the answer: the sender sees it after
                    what = f"{body['ticket']} {body['rung']}"
                    hook.taken.append((what, self.headers["Idempotency-Key"]))
                self.send_response(code)
                if code == 429:
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/desk"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, mood: str, count: int = 1, timeout: float = 30.0) -> None:
        deadline = time.time() + timeout
        while self.seen.count(mood) < count:
            assert time.time() < deadline, f"no {mood} request; seen {self.seen}"
            time.sleep(0.05)


@pytest.fixture
def hook() -> Iterator[Hook]:
    made = Hook()
    yield made
    made.server.shutdown()


@pytest.fixture
def env(tmp_path, db_url, hook) -> dict[str, str]:
    (tmp_path / "deskline.toml").write_text(CONFIG.format(url=hook.url), encoding="utf-8")
    env = dict(os.environ)
    env.update(
        DESKLINE_DB=db_url,
        DESKLINE_CONFIG=str(tmp_path / "deskline.toml"),
        DESKLINE_AS="ana",
        TZ="UTC",
    )
    env.pop("DESKLINE_NOW", None)
    return env


def lateness(lines: list[dict[str, Any]]) -> list[float]:
    """Seconds from each alert's moment to its firing."""
    return [
        (
            datetime.fromisoformat(line["fired_at"]) - datetime.fromisoformat(line["at"])
        ).total_seconds()
        for line in lines
    ]


def webhook_rows(db_url: str) -> list[Delivery]:
    store = Store.open(db_url)
    try:
        with store.read() as s:
            return list(
                s.exec(select(Delivery).where(Delivery.channel == "webhook").order_by(Delivery.id))
            )
    finally:
        store.close()


def breaches(feed: Feed) -> int:
    return sum(1 for line in feed.lines if line["rung"] == "breach")


def test_a_hanging_failing_throttling_webhook_gets_each_breach_once_in_order(env, db_url, hook):
    deskline(env, "agents", "list")  # ana: the desk's admin
    hook.mood = "hang"
    first = Feed(env)
    second: Feed | None = None
    try:
        first.wait_for(lambda f: any("firing alerts" in line for line in f.err))
        deskline(env, "new", "--title", "Checkout down", "-p", "P0")
        first.wait_for(lambda f: breaches(f) == 1)
        hook.wait_for("hang")
        # T-1's delivery hangs; alerts due meanwhile still fire on time
        for n in (2, 3):
            deskline(env, "new", "--title", f"Outage {n}", "-p", "P0")
        first.wait_for(lambda f: breaches(f) == 3)
        hook.wait_for("hang", 2)  # tried again after its backoff
        hook.mood = "500"
        hook.wait_for("500")
        first.kill()  # mid-retry, without a word
        seen = first.ids()
        hook.mood = "429"
        second = Feed(env, "--since", str(seen[-1]))  # waits out the dead one's lease
        second.wait_for(lambda f: any("firing alerts" in line for line in f.err))
        deskline(env, "new", "--title", "Outage 4", "-p", "P0")
        second.wait_for(lambda f: breaches(f) == 1)
        hook.wait_for("429")
        hook.mood = "ok"
        deadline = time.time() + 40
        while len(hook.taken) < len(webhook_rows(db_url)) or len(hook.taken) < 4:
            assert time.time() < deadline, f"delivered {hook.taken}; seen {hook.seen}"
            time.sleep(0.1)
        time.sleep(2)  # anything sent twice would show by now
        lines = first.lines + second.lines
        assert [line["id"] for line in lines] == sorted({line["id"] for line in lines})
        assert max(lateness(lines)) < 1.0, lateness(lines)  # fired within 1 s, all along
        rows = webhook_rows(db_url)  # level 3: the breaches, and the surge of 4 P0 tickets
        taken = [what for what, _ in hook.taken]
        assert [w for w in taken if w.endswith("breach")] == [f"T-{n} breach" for n in (1, 2, 3, 4)]
        assert [r.status for r in rows] == ["delivered"] * len(rows)
        # each once, in firing order (delivery ids follow the alerts' firing)
        assert [key for _, key in hook.taken] == [f"deskline-delivery-{r.id}" for r in rows]
        assert rows[0].attempts >= 4  # hung, hung, 500, 429 at least, then delivered
        assert {"hang", "500", "429"} <= set(hook.seen[: hook.seen.index("ok")])
        said = "".join(first.err + second.err)
        assert "webhook delivery failed" in said and "Traceback" not in said
    finally:
        first.stop()
        if second is not None:
            second.stop()


def test_failed_deliveries_are_listed_and_resent(env, db_url, hook):
    """A refusal (404) fails at once and is told once; listed with --failed --json, resent
    by ID (an agent may not), and delivered by the next pass once the target takes it."""
    deskline(env, "agents", "list")  # ana: the desk's admin
    deskline(env, "agents", "add", "bo", "--name", "Bo")
    deskline(env, "new", "--title", "Checkout down", "-p", "P0")
    time.sleep(2.2)  # the breach is due
    hook.mood = "404"
    done = deskline(env, "watch", "--once")
    assert done.stderr.count("gave up on the webhook delivery") == 1
    assert "HTTP 404" in done.stderr and "/hooks/desk" not in done.stderr
    failed = json.loads(deskline(env, "alerts", "deliveries", "--failed", "--json").stdout)
    assert [(d["channel"], d["status"], d["ticket"], d["attempts"]) for d in failed] == [
        ("webhook", "failed", "T-1", 1)
    ]
    assert failed[0]["target"] == hook.url.rsplit("/hooks", 1)[0]  # the path is a secret
    assert "HTTP 404" in failed[0]["last_error"] and failed[0]["next_attempt_at"] is None
    mine = json.loads(deskline(env, "alerts", "--json").stdout)  # ana's alert centre
    assert [a["rung"] for a in mine if a["rung"] == "delivery_failed"] == ["delivery_failed"]
    human = deskline(env, "alerts", "deliveries").stdout
    assert "failed" in human and "HTTP 404" in human and "T-1" in human

    as_bo = dict(env, DESKLINE_AS="bo")
    denied = deskline(as_bo, "alerts", "resend", str(failed[0]["id"]), check=False)
    assert denied.returncode == 1 and "only a supervisor, director or admin" in denied.stderr
    assert denied.stderr.count("\n") == 1
    assert deskline(env, "alerts", "resend", str(failed[0]["id"])).stdout == (
        "queued 1 delivery again\n"
    )
    again = deskline(env, "alerts", "resend", str(failed[0]["id"]), check=False)
    assert again.returncode == 1 and "is pending, not failed" in again.stderr
    unknown = deskline(env, "alerts", "resend", "999999", check=False)
    assert unknown.returncode == 1 and unknown.stderr.startswith("deskline: no webhook or email")
    hook.mood = "ok"
    deskline(env, "watch", "--once")
    assert [what for what, _ in hook.taken] == ["T-1 breach"]
    assert [r.status for r in webhook_rows(db_url)] == ["delivered"]
    assert json.loads(deskline(env, "alerts", "deliveries", "--failed", "--json").stdout) == []
