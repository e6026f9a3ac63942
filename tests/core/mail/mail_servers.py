"""Real mail servers on loopback for the mail tests: aiosmtpd (SMTP), and the desk set up
with a mailbox in its policy."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from deskline.core.config.mail import Mailbox, MailRules
from deskline.core.policy import apply
from deskline.core.policy.book import Rules
from deskline.core.roster.agents import Roster
from deskline.storage.store import Store

ADDRESS = "support@desk.example"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpInbox:
    """An aiosmtpd handler keeping what it was given."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self) -> list[EmailMessage]:
        found = []
        for envelope in self.envelopes:
            parsed = email.message_from_bytes(
                envelope.original_content, policy=email.policy.default
            )
            assert isinstance(parsed, EmailMessage)
            found.append(parsed)
        return found


class Smtp:
    """A loopback SMTP server that can be stopped and started again on the same port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.inbox = SmtpInbox()
        self.controller: Controller | None = None

    def start(self) -> Smtp:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def mailbox(smtp_port: int | None = None, imap_port: int | None = None, **more: Any) -> Mailbox:
    given: dict[str, Any] = {"name": "support", "address": ADDRESS, "team": "Service Desk"}
    if smtp_port is not None:
        given.update(smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_tls="none")
    if imap_port is not None:
        given.update(
            imap_host="127.0.0.1",
            imap_port=imap_port,
            imap_tls="none",
            user="support",
            password_env="DESKLINE_TEST_MAIL_PASSWORD",
        )
    given.update(more)
    return Mailbox(**given)


def with_mailbox(store: Store, box: Mailbox, now: datetime) -> None:
    """The desk's policy gets this mailbox (applied by an admin ``ada``, added here)."""
    roster = Roster(store)
    if "ada" not in {a.handle for a in roster.list()}:
        roster.add("ada", name="Ada", role="admin")
    apply.apply(store, Rules(mail=MailRules((box,))), actor="ada", now=now)
