"""Delivery channels: a real desktop notification (D-Bus, Xvfb, dunst), a loopback webhook
server, a loopback SMTP server (aiosmtpd), and one failing channel leaving the others."""

from __future__ import annotations

import email
import email.policy
import json
import os
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from conftest import DesktopSession as Session
from conftest import dunst_history as _dunst_history
from conftest import need_tool
from conftest import no_desktop_session as _no_session
from conftest import wait_for as _wait_for

from deskline.core.alerts.channels import (
    DeliveryFailed,
    DesktopChannel,
    EmailChannel,
    Notice,
    WebhookChannel,
    deliver_all,
)

NOW = datetime(2026, 4, 2, 14, 30, tzinfo=UTC)
TITLE = "VPN 断线 every 10 min"


def breach(ticket: str = "T-12", late: bool = False) -> Notice:
    return Notice.compose(
        ticket=ticket,
        title=TITLE,
        rung="breach",
        level=3,
        clock="first_response",
        due_at=NOW,
        fired_at=NOW + timedelta(milliseconds=250),
        late=late,
        recipients=("bo", "ana", "dora"),
    )


# -- the notice ----------------------------------------------------------------------


def test_breach_notice_names_ticket_level_clock_and_who_is_told() -> None:
    notice = breach()
    assert notice.summary == "T-12 breached — level 3 (first response)"
    assert notice.severity == "error"
    lines = notice.body.splitlines()
    assert lines[0] == TITLE
    assert lines[1].startswith("First response was due ")
    assert lines[-1] == "Told: bo, ana, dora"


def test_warning_notice_says_how_long_is_left_and_late_ones_say_so() -> None:
    warning = Notice.compose(
        ticket="T-7",
        title="Printer",
        rung="warning",
        level=0,
        clock="resolution",
        due_at=NOW + timedelta(minutes=30),
        fired_at=NOW,
        late=True,
    )
    assert warning.summary == "T-7 due in 30 min — warning (resolution) [late]"
    assert warning.severity == "information"
    assert "Late: " in warning.body
    unassigned = Notice.compose(
        ticket="T-8", title="x", rung="unassigned", level=1, clock=None, due_at=None, fired_at=NOW
    )
    assert unassigned.summary == "T-8 still unassigned — level 1"
    assert unassigned.severity == "warning"
    surge = Notice.compose(
        ticket="T-9", title="Surge", rung="surge", level=2, clock=None, due_at=NOW, fired_at=NOW
    )
    assert surge.summary == "T-9 began a surge of P0 tickets — level 2"
    assert surge.body.splitlines()[1].startswith("Alert time ")


def test_notice_json_is_plain_json_with_utc_iso_times() -> None:
    data = json.loads(json.dumps(breach(late=True).to_json()))
    assert data["ticket"] == "T-12"
    assert data["level"] == 3
    assert data["clock"] == "first_response"
    assert data["due_at"] == "2026-04-02T14:30:00Z"
    assert data["fired_at"] == "2026-04-02T14:30:00.250Z"
    assert data["late"] is True
    assert data["recipients"] == ["bo", "ana", "dora"]
    assert datetime.fromisoformat(data["fired_at"]) - NOW == timedelta(milliseconds=250)


def test_notice_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Notice.compose(
            ticket="T-1",
            title="x",
            rung="breach",
            level=3,
            clock="resolution",
            due_at=datetime(2026, 4, 2, 14, 30),
            fired_at=NOW,
        )


# -- desktop -------------------------------------------------------------------------


@pytest.mark.integration
def test_breach_shows_a_desktop_notification_naming_ticket_and_level(desktop: Session) -> None:
    channel = DesktopChannel(timeout=10)
    assert channel.check() is None
    channel.send(breach("T-4711"))

    shown = _dunst_history(desktop)
    assert len(shown) == 1
    assert shown[0]["summary"] == "T-4711 breached — level 3 (first response)"
    assert TITLE in shown[0]["body"]
    assert "Told: bo, ana, dora" in shown[0]["body"]
    assert shown[0]["appname"] == "deskline"


@pytest.mark.integration
def test_desktop_without_a_session_fails_quietly(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    need_tool("notify-send")
    _no_session(monkeypatch)
    channel = DesktopChannel(timeout=10)
    assert channel.check() == (
        "no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set): desktop notifications are off"
    )
    with pytest.raises(DeliveryFailed) as failed:
        channel.send(breach())
    assert str(failed.value).startswith("desktop notification failed: ")
    assert "D-Bus" in str(failed.value)
    assert "\n" not in str(failed.value)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


@pytest.mark.integration
def test_desktop_without_a_notification_daemon_fails_with_the_reason(
    bus: Session, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    need_tool("notify-send")
    channel = DesktopChannel(timeout=10)
    assert channel.check() is None  # a bus is there; only sending can tell nobody listens
    with pytest.raises(DeliveryFailed, match="^desktop notification failed: notify-send: "):
        channel.send(breach())
    assert capfd.readouterr() == ("", "")


@pytest.mark.integration
def test_desktop_check_names_a_bus_that_is_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    need_tool("notify-send")
    _no_session(monkeypatch)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus,guid=0")
    assert DesktopChannel().check() == (
        "the D-Bus session bus at /nonexistent/bus is gone: desktop notifications are off"
    )


def test_a_hung_desktop_backend_is_ended_at_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    # A notify-send that never answers (as one waiting on a stuck D-Bus activation).
    pid_file = tmp_path / "pid"
    fake = tmp_path / "bin" / "notify-send"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\necho $$ > {pid_file}\necho stuck >&2\nexec sleep 60\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:abstract=/tmp/none")

    started = time.monotonic()
    with pytest.raises(DeliveryFailed, match=r"^desktop notification timed out after 3 s$"):
        DesktopChannel(timeout=3).send(breach())
    assert time.monotonic() - started < 8
    assert capfd.readouterr() == ("", "")
    pid = int(pid_file.read_text())
    status = Path(f"/proc/{pid}/status")

    def gone() -> bool:  # a killed process may linger a moment, or as a zombie nobody reaps
        try:
            return "\nState:\tZ" in status.read_text()
        except FileNotFoundError:
            return True

    _wait_for("end of the stuck notify-send", gone, timeout=3)


# -- webhook -------------------------------------------------------------------------


@dataclass
class Hook:
    url: str
    answers: list[int]  # status codes to answer in turn; 200 once they run out
    requests: list[dict[str, Any]] = field(default_factory=list)
    stall: float = 0.0
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hook]:
    """A loopback HTTP server standing in for a chat's incoming webhook."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            state.requests.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": self.rfile.read(length),
                }
            )
            if state.stall:
                state.release.wait(state.stall)
            code = state.answers.pop(0) if state.answers else 200
            self.send_response(code)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state = Hook(url=f"http://127.0.0.1:{server.server_port}/hooks/s3cr3t-token", answers=[])
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_webhook_posts_text_and_structured_fields(hook: Hook) -> None:
    WebhookChannel(hook.url).send(breach())

    [request] = hook.requests
    assert request["path"] == "/hooks/s3cr3t-token"
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    sent = json.loads(request["body"].decode("utf-8"))
    assert sent["text"].startswith("T-12 breached — level 3 (first response)\n")
    assert TITLE in sent["text"]
    assert sent["ticket"] == "T-12"
    assert sent["level"] == 3
    assert sent["rung"] == "breach"
    assert sent["clock"] == "first_response"
    assert sent["due_at"] == "2026-04-02T14:30:00Z"
    assert sent["fired_at"] == "2026-04-02T14:30:00.250Z"
    assert sent["late"] is False
    assert sent["recipients"] == ["bo", "ana", "dora"]


def test_webhook_retries_a_server_error_then_delivers(hook: Hook) -> None:
    hook.answers = [500, 503]
    WebhookChannel(hook.url, retries=3, backoff=0.01).send(breach())
    assert len(hook.requests) == 3


def test_webhook_does_not_retry_a_client_error_and_keeps_its_url_secret(hook: Hook) -> None:
    hook.answers = [400]
    with pytest.raises(DeliveryFailed) as failed:
        WebhookChannel(hook.url, retries=3, backoff=0.01).send(breach())
    assert len(hook.requests) == 1
    assert "HTTP 400" in str(failed.value)
    assert "s3cr3t" not in str(failed.value)


def test_webhook_gives_up_after_its_retries(hook: Hook) -> None:
    hook.answers = [500] * 10
    with pytest.raises(DeliveryFailed, match=r"failed after 3 tries: HTTP 500"):
        WebhookChannel(hook.url, retries=2, backoff=0.01).send(breach())
    assert len(hook.requests) == 3


def test_webhook_that_never_answers_fails_within_bounded_time(hook: Hook) -> None:
    hook.stall = 30
    started = time.monotonic()
    with pytest.raises(DeliveryFailed, match=r"failed after 2 tries: no answer within 0.3 s"):
        WebhookChannel(hook.url, timeout=0.3, retries=1, backoff=0.05).send(breach())
    assert time.monotonic() - started < 3
    assert len(hook.requests) == 2


def test_webhook_to_a_closed_port_fails_with_the_reason() -> None:
    url = f"http://127.0.0.1:{closed_port()}/hook"
    with pytest.raises(DeliveryFailed, match="Connection refused"):
        WebhookChannel(url, retries=1, backoff=0.01).send(breach())


def test_webhook_refuses_a_url_that_is_not_http() -> None:
    with pytest.raises(DeliveryFailed, match="must start with http:// or https://"):
        WebhookChannel("file:///etc/passwd").send(breach())


# -- email ---------------------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler keeping what it was given."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.tls: list[bool] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        self.tls.append(session.ssl is not None)
        return "250 OK"

    def message(self, index: int = 0) -> email.message.EmailMessage:
        raw = self.envelopes[index].original_content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        return parsed


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A plain loopback SMTP server."""
    inbox = Inbox()
    port = closed_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def tls_smtp(tmp_path: Path) -> Iterator[tuple[Inbox, int, Path, list[str]]]:
    """A loopback SMTP server that requires STARTTLS (self-signed) before AUTH."""
    openssl = need_tool("openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        + ["-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", str(key)]
        + ["-out", str(cert), "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[str] = []

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> Any:
        ok = auth.login == b"deskline" and auth.password == b"pa55 word"
        if ok:
            logins.append(auth.login.decode())
        return AuthResult(success=ok, handled=False)  # False: the server answers 535

    inbox = Inbox()
    port = closed_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    )
    controller.start()
    yield inbox, port, cert, logins
    controller.stop()


def test_email_arrives_with_subject_body_and_recipients(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    channel = EmailChannel("127.0.0.1", port, starttls=False, sender="alerts@desk.example")
    channel.send(breach(), ["bo@desk.example", "ana@desk.example"])

    [envelope] = inbox.envelopes
    assert envelope.mail_from == "alerts@desk.example"
    assert envelope.rcpt_tos == ["bo@desk.example", "ana@desk.example"]
    message = inbox.message()
    assert message["Subject"] == "T-12 breached — level 3 (first response)"
    assert message["To"] == "bo@desk.example, ana@desk.example"
    assert message["X-Deskline-Ticket"] == "T-12"
    text = message.get_content().replace("\r\n", "\n")
    assert text.startswith("T-12 breached — level 3 (first response)\n\n" + TITLE)
    assert "Told: bo, ana, dora" in text


def test_email_over_starttls_logs_in_with_the_password_from_the_environment(
    tls_smtp: tuple[Inbox, int, Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port, cert, logins = tls_smtp
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test's self-signed server
    monkeypatch.setenv("DESKLINE_SMTP_PASSWORD", "pa55 word")
    channel = EmailChannel(
        "127.0.0.1", port, starttls=True, user="deskline", password_env="DESKLINE_SMTP_PASSWORD"
    )
    channel.send(breach(), ["bo@desk.example"])
    assert logins == ["deskline"]
    assert inbox.tls == [True]
    assert inbox.message()["Subject"].startswith("T-12 breached")


def test_email_with_a_wrong_password_is_refused(
    tls_smtp: tuple[Inbox, int, Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port, cert, _ = tls_smtp
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    monkeypatch.setenv("SMTP_PW", "guess")
    channel = EmailChannel("127.0.0.1", port, user="deskline", password_env="SMTP_PW")
    with pytest.raises(DeliveryFailed, match="refused the login of deskline: 535"):
        channel.send(breach(), ["bo@desk.example"])
    assert inbox.envelopes == []


def test_email_to_a_server_with_an_untrusted_certificate_is_not_sent(
    tls_smtp: tuple[Inbox, int, Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port, _, _ = tls_smtp
    monkeypatch.setenv("SMTP_PW", "pa55 word")
    channel = EmailChannel("127.0.0.1", port, user="deskline", password_env="SMTP_PW")
    with pytest.raises(DeliveryFailed, match="TLS with 127.0.0.1:.* failed: .*certificate"):
        channel.send(breach(), ["bo@desk.example"])
    assert inbox.envelopes == []


def test_email_needing_starttls_from_a_server_without_it_is_not_sent(
    smtp: tuple[Inbox, int],
) -> None:
    inbox, port = smtp
    with pytest.raises(DeliveryFailed, match="does not offer STARTTLS"):
        EmailChannel("127.0.0.1", port, starttls=True).send(breach(), ["bo@desk.example"])
    assert inbox.envelopes == []


def test_email_with_its_password_variable_unset_names_the_variable(
    smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port = smtp
    monkeypatch.delenv("DESKLINE_SMTP_PASSWORD", raising=False)
    channel = EmailChannel(
        "127.0.0.1", port, starttls=False, user="deskline", password_env="DESKLINE_SMTP_PASSWORD"
    )
    with pytest.raises(DeliveryFailed) as failed:
        channel.send(breach(), ["bo@desk.example"])
    assert str(failed.value) == (
        "email: the environment variable DESKLINE_SMTP_PASSWORD "
        "(SMTP password for deskline) is not set"
    )
    assert inbox.envelopes == []


def test_email_to_nobody_is_a_failure_not_a_silent_success(smtp: tuple[Inbox, int]) -> None:
    _, port = smtp
    with pytest.raises(DeliveryFailed, match="no recipient address"):
        EmailChannel("127.0.0.1", port, starttls=False).send(breach(), [])


# -- all together --------------------------------------------------------------------


def test_a_failing_channel_leaves_the_others_delivered(hook: Hook, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    notice = breach()
    broken = WebhookChannel(f"http://127.0.0.1:{closed_port()}/hook", retries=1, backoff=0.01)
    working = WebhookChannel(hook.url)
    mail = EmailChannel("127.0.0.1", port, starttls=False)

    def buggy() -> None:
        raise KeyError("recipient")

    outcome = deliver_all(
        notice,
        [
            ("webhook:broken", lambda: broken.send(notice)),
            ("bug", buggy),
            ("email", lambda: mail.send(notice, ["bo@desk.example"])),
            ("webhook", lambda: working.send(notice)),
        ],
    )
    assert list(outcome) == ["webhook:broken", "bug", "email", "webhook"]
    assert outcome["email"] is None
    assert outcome["webhook"] is None
    assert outcome["webhook:broken"] is not None
    assert "failed after 2 tries" in outcome["webhook:broken"]
    assert outcome["bug"] == "bug failed on T-12: KeyError: 'recipient'"
    assert len(inbox.envelopes) == 1
    assert len(hook.requests) == 1


def test_a_slow_channel_does_not_hold_up_the_others(hook: Hook) -> None:
    notice = breach()
    order: list[str] = []
    hold = threading.Event()

    def slow() -> None:
        hold.wait(5)
        order.append("slow")

    def fast() -> None:
        WebhookChannel(hook.url).send(notice)
        order.append("fast")
        hold.set()

    outcome = deliver_all(notice, [("slow", slow), ("fast", fast)])
    assert outcome == {"slow": None, "fast": None}
    assert order == ["fast", "slow"]


def test_email_logs_in_with_the_password_from_the_keyring(
    tls_smtp: tuple[Inbox, int, Path, list[str]], monkeypatch: pytest.MonkeyPatch, secret_service
) -> None:
    from deskline.core.mail.secret import store_password

    inbox, port, cert, logins = tls_smtp
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    monkeypatch.delenv("DESKLINE_SMTP_PASSWORD", raising=False)
    channel = EmailChannel(
        "127.0.0.1",
        port,
        user="deskline",
        password_keyring="deskline-test/smtp",
        keyring_hint="deskline mail password support --smtp",
    )
    with pytest.raises(DeliveryFailed) as failed:  # nothing kept yet
        channel.send(breach(), ["bo@desk.example"])
    assert str(failed.value) == (
        "email: SMTP user deskline: the keyring has no entry deskline-test/smtp: "
        "store it with deskline mail password support --smtp"
    )
    store_password("deskline-test/smtp", "pa55 word", "smtp")
    channel.send(breach(), ["bo@desk.example"])
    assert logins == ["deskline"] and inbox.tls == [True]
