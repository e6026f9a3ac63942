"""The watcher sends webhook and email deliveries to real loopback servers; a channel that
fails is recorded on its Delivery row and leaves the others delivered."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from deskline.core.alerts.ladder import AlertRules, EmailSettings, WebhookSettings
from deskline.core.alerts.watcher import SlaWatcher
from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.storage.models import Delivery

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def hook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    got: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            got.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hooks/desk", got
    server.shutdown()


class Mailbox:
    def __init__(self) -> None:
        self.rcpt: list[list[str]] = []
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.rcpt.append(list(envelope.rcpt_tos))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Mailbox]]:
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, box
    controller.stop()


@pytest.fixture
def staff(desk) -> Desk:
    roster = Roster(desk.store)
    roster.add("dee", name="Dee Director", role="director", email="dee@example.com")
    return Desk(desk.store, "ana", now=lambda: T0)


def deliveries(desk: Desk) -> dict[tuple[str, str], tuple[str, str | None]]:
    with desk.store.read() as s:
        rows = s.exec(select(Delivery)).all()
    return {(d.recipient, d.channel): (d.status, d.detail) for d in rows}


def test_a_breach_goes_to_the_webhook_and_by_email(staff, hook, smtp):
    url, posts = hook
    port, box = smtp
    staff.create("Checkout down", priority="P0")
    rules = AlertRules(
        webhook=WebhookSettings(url=url, levels=frozenset({3})),
        email=EmailSettings(host="127.0.0.1", port=port, starttls=False, levels=frozenset({3})),
    )
    watcher = SlaWatcher(staff.store, staff, rules, now=lambda: T0 + timedelta(minutes=15))
    watcher.run_due()
    watcher.flush()
    assert [p["ticket"] for p in posts] == ["T-1"]  # the breach only: level 3
    assert "T-1 breached" in posts[0]["text"] and posts[0]["level"] == 3
    assert box.rcpt == [["dee@example.com"]]  # the only recipient with an address
    got = deliveries(staff)
    assert got[("webhook", "webhook")] == ("delivered", None)
    assert got[("dee", "email")] == ("delivered", None)
    watcher.stop()


def test_a_failing_channel_is_recorded_and_the_others_still_deliver(staff, hook, smtp):
    url, posts = hook
    port, box = smtp
    staff.create("Checkout down", priority="P0")
    dead = f"http://127.0.0.1:{free_port()}/nobody-listens"
    rules = AlertRules(
        webhook=WebhookSettings(url=dead, levels=frozenset({3}), timeout=1, retries=0),
        email=EmailSettings(host="127.0.0.1", port=port, starttls=False, levels=frozenset({3})),
    )
    told: list[tuple[str, str]] = []
    watcher = SlaWatcher(
        staff.store,
        staff,
        rules,
        now=lambda: T0 + timedelta(minutes=15),
        on_event=lambda kind, line: told.append((kind, line)),
    )
    fired = watcher.run_due()
    watcher.flush()
    assert [f.rung for f in fired] == ["at_risk", "breach"]
    # the person running the watcher hears of it, once
    failures = [line for kind, line in told if kind == "failure"]
    assert len(failures) == 1 and failures[0].startswith("webhook delivery failed: ")
    assert ("lease", "firing alerts for this database") in told
    got = deliveries(staff)
    assert got[("webhook", "webhook")] == ("pending", None)  # tried again later, not lost
    with staff.store.read() as s:
        hook_row = s.exec(select(Delivery).where(Delivery.channel == "webhook")).one()
    assert hook_row.attempts == 1 and "127.0.0.1" in (hook_row.last_error or "")
    assert hook_row.next_attempt_at is not None
    assert got[("dee", "email")] == ("delivered", None)
    assert box.rcpt == [["dee@example.com"]]
    assert got[("ana", "app")][0] == "pending"  # in-app deliveries wait for ana's client
    watcher.stop()


def test_a_missing_smtp_password_fails_that_delivery_only(staff, hook, smtp, monkeypatch):
    url, posts = hook
    port, _ = smtp
    monkeypatch.delenv("DESKLINE_TEST_SMTP_PASSWORD", raising=False)
    staff.create("Checkout down", priority="P0")
    rules = AlertRules(
        webhook=WebhookSettings(url=url, levels=frozenset({3})),
        email=EmailSettings(
            host="127.0.0.1",
            port=port,
            starttls=False,
            user="desk",
            password_env="DESKLINE_TEST_SMTP_PASSWORD",
            levels=frozenset({3}),
        ),
    )
    watcher = SlaWatcher(staff.store, staff, rules, now=lambda: T0 + timedelta(minutes=15))
    watcher.run_due()
    watcher.flush()
    got = deliveries(staff)
    status, detail = got[("dee", "email")]
    assert status == "failed" and "DESKLINE_TEST_SMTP_PASSWORD" in (detail or "")
    assert got[("webhook", "webhook")] == ("delivered", None) and len(posts) == 1
    watcher.stop()
