"""Mail out: a public reply reaches the requester's mailbox (a real SMTP server on loopback)
once, with threading headers, also when the server was down for a while."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from mail_servers import ADDRESS, Smtp, mailbox, with_mailbox
from sqlmodel import select

from deskline.core.desk.tickets import Desk
from deskline.core.mail.outgoing import Sender
from deskline.storage.models import Outbox

START = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC)  # the desk wrote its rows at the real time

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def smtp():
    server = Smtp().start()
    yield server
    server.stop()


def test_a_reply_is_mailed_once_with_threading_headers(desk: Desk, smtp: Smtp) -> None:
    with_mailbox(desk.store, mailbox(smtp_port=smtp.port), START)
    ticket = desk.create("Printer on fire", requester="li@acme.example", cc=["boss@acme.example"])
    desk.reply(ticket.key, "We are on it.")
    desk.reply(ticket.key, "Fixed: new toner <b>now</b>.")
    sender = Sender(desk.store)
    assert sender.send_due().sent == 2
    assert sender.send_due().sent == 0  # nothing is sent twice
    first, second = smtp.inbox.messages()
    assert [e.rcpt_tos for e in smtp.inbox.envelopes] == [
        ["li@acme.example", "boss@acme.example"]
    ] * 2
    assert first["Subject"] == f"Re: [{ticket.key}] Printer on fire"
    assert ADDRESS in first["From"] and "li@acme.example" in first["To"]
    assert first["Cc"] == "boss@acme.example"
    first_id = first["Message-ID"]
    assert first_id.startswith(f"<{ticket.key}.") and first_id.endswith("@desk.example>")
    assert first["In-Reply-To"] is None
    assert second["In-Reply-To"] == first_id
    assert second["References"] == first_id
    assert second.get_content().rstrip() == "Fixed: new toner <b>now</b>."  # plain, as written
    events = [e for e in desk.get(ticket.key).events if e.kind == "reply"]
    assert events[0].new is not None and events[0].new["mail"] == first_id.strip("<>")


def test_no_requester_or_no_mailbox_queues_nothing(desk: Desk, smtp: Smtp) -> None:
    plain = desk.create("No one to mail", requester="li@acme.example")
    desk.reply(plain.key, "Nobody hears this: no mailbox yet")
    with_mailbox(desk.store, mailbox(smtp_port=smtp.port), START)
    nobody = desk.create("Walk-in")
    desk.reply(nobody.key, "Said at the desk")
    assert Sender(desk.store).send_due().sent == 0
    assert smtp.inbox.envelopes == []


def test_smtp_down_for_a_while_then_up_delivers_once(desk: Desk) -> None:
    server = Smtp()  # not started: its port refuses
    with_mailbox(desk.store, mailbox(smtp_port=server.port), START)
    ticket = desk.create("VPN down", requester="li@acme.example")
    desk.reply(ticket.key, "Looking into it.")
    clock = Clock()
    sender = Sender(desk.store, now=clock, timeout=2)
    down = sender.send_due()
    assert (down.sent, down.retrying) == (0, 1)
    assert "127.0.0.1" in down.reasons[0]
    assert sender.send_due().sent == 0  # not due again yet
    clock.at += timedelta(minutes=2)
    assert sender.send_due().retrying == 1  # still down: tried again, later
    server.start()
    try:
        assert sender.send_due().sent == 0  # its retry is not due yet
        clock.at += timedelta(hours=2)
        assert sender.send_due().sent == 1
        clock.at += timedelta(hours=2)
        assert sender.send_due().sent == 0
    finally:
        server.stop()
    assert len(server.inbox.envelopes) == 1
    with desk.store.read() as s:
        [row] = s.exec(select(Outbox)).all()
        assert (row.status, row.attempts) == ("sent", 3)


def test_a_claimed_row_is_not_taken_by_a_second_sender(desk: Desk, smtp: Smtp) -> None:
    """One sender holds a row (killed mid-send, say): another leaves it until the claim lapses."""
    from deskline.storage import mail as rows

    with_mailbox(desk.store, mailbox(smtp_port=smtp.port), START)
    ticket = desk.create("Two senders", requester="li@acme.example")
    desk.reply(ticket.key, "Once only.")
    now = datetime.now(UTC)
    with desk.store.write() as s:
        assert len(rows.claim(s, now, timedelta(minutes=5))) == 1  # the first, then gone
    assert Sender(desk.store).send_due().sent == 0
    clock = Clock()
    clock.at += timedelta(minutes=6)
    assert Sender(desk.store, now=clock).send_due().sent == 1
    assert len(smtp.inbox.envelopes) == 1
