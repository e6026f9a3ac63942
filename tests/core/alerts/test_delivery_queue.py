"""The delivery queue against a real loopback webhook, both backends, on a clock moved by
hand: a failed delivery waits its backoff (or the target's Retry-After), is retried until
its give-up age, then is marked failed and the desk's admins are told once; a failed one
is resent; a refusal (404) fails at once; a lane keeps firing order."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from conftest import FrozenClock
from sqlmodel import select

from deskline.core.alerts import outbound
from deskline.core.alerts.channels import retry_after_seconds
from deskline.core.alerts.ladder import AlertRules, DeliverySettings, WebhookSettings
from deskline.core.alerts.watcher import SlaWatcher
from deskline.core.desk.tickets import Desk
from deskline.core.errors import Forbidden, Refused
from deskline.core.roster.agents import Roster
from deskline.storage.models import Alert, Delivery

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


class Hook:
    """A webhook whose answer the test sets: ``status`` (and ``retry_after``); it keeps the
    posts it answered 2xx, and counts every request."""

    def __init__(self) -> None:
        self.status = 204
        self.retry_after: str | None = None
        self.taken: list[dict[str, Any]] = []
        self.keys: list[str] = []
        self.requests = 0
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                hook.requests += 1
                if hook.status < 300:  # kept before the answer: the sender sees it after
                    hook.taken.append(body)
                    hook.keys.append(self.headers["Idempotency-Key"])
                self.send_response(hook.status)
                if hook.retry_after is not None:
                    self.send_header("Retry-After", hook.retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/desk"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hook() -> Iterator[Hook]:
    made = Hook()
    yield made
    made.server.shutdown()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def staff(desk, clock) -> Desk:
    Roster(desk.store).add("ada", name="Ada Admin", role="admin")
    return Desk(desk.store, "ana", now=clock)


def rules_for(hook: Hook, **delivery: Any) -> AlertRules:
    settings = DeliverySettings(
        **{
            "give_up_after": timedelta(minutes=10),
            "first_retry": timedelta(seconds=5),
            "max_retry": timedelta(seconds=40),
            **delivery,
        }
    )
    return AlertRules(
        webhook=WebhookSettings(url=hook.url, levels=frozenset({3}), timeout=1, retries=0),
        delivery=settings,
    )


def told_failures(told: list[tuple[str, str]]) -> list[str]:
    return [line for kind, line in told if kind == "failure"]


def webhook_row(store) -> Delivery:
    with store.read() as s:
        return s.exec(select(Delivery).where(Delivery.channel == "webhook")).one()


def test_backoff_doubles_up_to_its_cap():
    rules = AlertRules(delivery=DeliverySettings(first_retry=timedelta(seconds=5)))
    waits = [outbound.backoff(rules, n).total_seconds() for n in (1, 2, 3, 4, 9, 60)]
    assert waits == [5, 10, 20, 40, 900, 900]  # max_retry 15 min


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert retry_after_seconds(format_datetime(now - timedelta(hours=1), usegmt=True), now) == 0
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None, now) is None


def test_a_failing_webhook_is_retried_then_given_up_and_the_admins_told_once(staff, hook, clock):
    hook.status = 500
    staff.create("Checkout down", priority="P0")
    told: list[tuple[str, str]] = []
    watcher = SlaWatcher(
        staff.store,
        staff,
        rules_for(hook),
        now=clock,
        on_event=lambda kind, line: told.append((kind, line)),
    )
    clock.at(15)  # the breach
    watcher.run_due()
    watcher.flush()
    row = webhook_row(staff.store)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == clock.t + timedelta(seconds=5)
    assert "HTTP 500" in (row.last_error or "")
    watcher.deliver()  # not due yet: nothing sent
    watcher.flush()
    assert hook.requests == 1
    clock.t += timedelta(seconds=5)
    watcher.deliver()
    watcher.flush()
    assert webhook_row(staff.store).attempts == 2 and hook.requests == 2
    assert webhook_row(staff.store).next_attempt_at == clock.t + timedelta(seconds=10)

    clock.t = T0 + timedelta(minutes=15 + 10)  # the give-up age: the last attempt
    for _ in range(2):  # told once however often the queue is looked at
        watcher.deliver()
        watcher.flush()
    row = webhook_row(staff.store)
    assert row.status == "failed" and row.attempts == 3
    assert row.detail and row.detail.startswith("gave up after 3 attempts: webhook")
    gave_up = [line for line in told_failures(told) if line.startswith("gave up")]
    assert len(gave_up) == 1 and "127.0.0.1" in gave_up[0] and "/hooks/desk" not in gave_up[0]
    with staff.store.read() as s:
        notes = s.exec(select(Alert).where(Alert.rung == "delivery_failed")).all()
        assert len(notes) == 1 and notes[0].recipients == ["ada"]
        assert "T-1 breached" in notes[0].summary and "not delivered by webhook" in notes[0].summary
        to = s.exec(select(Delivery).where(Delivery.alert_id == notes[0].id)).all()
        assert [(d.recipient, d.channel, d.status) for d in to] == [("ada", "app", "pending")]
    assert hook.requests == 3

    # resent by a supervisor; refused for an agent; the endpoint back: delivered once
    with pytest.raises(Forbidden):
        outbound.resend(staff.store, "bo", [row.id], clock.t)
    assert outbound.resend(staff.store, "ana", [row.id], clock.t) == 1
    with pytest.raises(Refused):
        outbound.resend(staff.store, "ana", [row.id], clock.t)  # pending now, not failed
    hook.status = 204
    watcher.deliver()
    watcher.flush()
    assert webhook_row(staff.store).status == "delivered"
    assert [p["ticket"] for p in hook.taken] == ["T-1"]
    assert hook.keys == [f"deskline-delivery-{row.id}"]
    watcher.stop()


def test_retry_after_is_honoured_and_a_refusal_fails_at_once(staff, hook, clock):
    hook.status, hook.retry_after = 429, "30"
    staff.create("Checkout down", priority="P0")
    watcher = SlaWatcher(staff.store, staff, rules_for(hook), now=clock)
    clock.at(15)
    watcher.run_due()
    watcher.flush()
    row = webhook_row(staff.store)
    assert row.status == "pending" and row.next_attempt_at == clock.t + timedelta(seconds=30)
    hook.status, hook.retry_after = 404, None
    clock.t += timedelta(seconds=30)
    watcher.deliver()
    watcher.flush()
    row = webhook_row(staff.store)
    assert row.status == "failed" and row.attempts == 2 and "HTTP 404" in (row.detail or "")
    views = outbound.list_deliveries(staff.store, watcher.rules, "ana", failed=True)
    assert [(v.id, v.channel, v.target, v.ticket, v.attempts) for v in views] == [
        (row.id, "webhook", f"http://127.0.0.1:{hook.server.server_port}", "T-1", 2)
    ]
    with pytest.raises(Forbidden):
        outbound.list_deliveries(staff.store, watcher.rules, "bo")
    watcher.stop()


def test_a_lane_keeps_firing_order_while_its_head_waits(staff, hook, clock):
    """A later alert never overtakes an earlier one waiting for its retry."""
    hook.status = 503
    for n in range(3):
        staff.create(f"Outage {n}", priority="P0")
    watcher = SlaWatcher(staff.store, staff, rules_for(hook), now=clock)
    clock.at(15)
    watcher.run_due()
    watcher.flush()
    assert hook.requests == 1  # the head only; the others wait behind it
    hook.status = 204
    clock.t += timedelta(seconds=5)
    watcher.deliver()
    watcher.flush()
    assert [p["ticket"] for p in hook.taken] == ["T-1", "T-2", "T-3"]
    with staff.store.read() as s:
        rows = s.exec(select(Delivery).where(Delivery.channel == "webhook")).all()
    assert {d.status for d in rows} == {"delivered"}
    watcher.stop()
