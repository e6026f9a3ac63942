"""Hostile text in what deskline sends on: the webhook body (a real loopback HTTP server) and
the email (a real loopback SMTP server, aiosmtpd) carry it without control characters; the
desktop notification shows them as escapes."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from hostile import CORPUS, FORBIDDEN

from deskline.core.alerts.channels import DesktopChannel, EmailChannel, Notice, WebhookChannel

NOW = datetime(2026, 4, 2, 14, 30, tzinfo=UTC)
TITLE = " ".join(CORPUS.values())


def notice() -> Notice:
    return Notice.compose(
        ticket="T-12",
        title=TITLE,
        rung="breach",
        level=3,
        clock="first_response",
        due_at=NOW,
        fired_at=NOW + timedelta(milliseconds=250),
        late=False,
        recipients=("bo", "ana"),
    )


def controls_in(text: str) -> list[str]:
    return [repr(c) for c in FORBIDDEN if c in text]


def test_the_webhook_body_carries_the_text_without_controls():
    bodies: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bodies.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        WebhookChannel(f"http://127.0.0.1:{server.server_port}/hook").send(notice())
    finally:
        server.shutdown()
        server.server_close()
    [body] = bodies
    sent = json.loads(body.decode("utf-8"))
    for field in ("text", "title", "body", "summary"):
        assert not controls_in(sent[field]), (field, sent[field])
        assert "\\u001b" not in body.decode()  # not even escaped in the JSON
    assert "[link=file:///etc/passwd]x[/] link markup" in sent["title"]
    assert "]0;pwned title" in sent["text"]


def test_the_email_carries_the_text_without_controls():
    received: list[bytes] = []

    class Inbox:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(envelope.original_content)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        EmailChannel("127.0.0.1", port, starttls=False, sender="alerts@desk.example").send(
            notice(), ["bo@desk.example"]
        )
    finally:
        controller.stop()
    [raw] = received
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_content()
    assert not controls_in(body) and not controls_in(str(message["Subject"]))
    assert "invoice gpj.exe" in body and "[bold red]x markup" in body


def test_the_desktop_notification_shows_controls_as_escapes():
    spec = DesktopChannel().spec(notice())
    for field in ("title", "message", "ticker"):
        assert not controls_in(spec[field])
    assert "\\x1b]0;pwned\\x07 title" in spec["message"]
