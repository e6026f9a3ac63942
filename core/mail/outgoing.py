"""Mail to the customer: a public reply becomes an outbox row in the reply's own transaction
(``queue_reply``), and a sender (``Sender``) delivers the rows over SMTP with retry.

Each row is claimed by one sender at a time (``storage.mail.claim``) and marked sent in the
transaction after the SMTP server accepted it, so a reply is never lost and two senders
never send it both. The one gap SMTP leaves: a sender killed after the server accepted a
message and before its row is marked sends it again once its claim lapses; it carries the
same Message-ID, so the customer's mail client shows it once.

A message's Message-ID is scoped to the ticket (``<T-12.345@desk.example>``, 345 the
comment), its subject carries the key (``[T-12]``), and ``In-Reply-To``/``References``
name the conversation so far, so the customer's answer threads back.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any

from sqlmodel import Session

from deskline.core import clock
from deskline.core.alerts.channels import DeliveryFailed, EmailChannel
from deskline.core.config.mail import Mailbox, MailRules
from deskline.core.policy.book import PolicyBook
from deskline.storage import contacts as contact_rows
from deskline.storage import mail as rows
from deskline.storage.models import Comment, Contact, Team, Ticket
from deskline.storage.store import Store

LEASE = timedelta(minutes=5)  # a claimed row waits this long for its sender
FIRST_RETRY = timedelta(seconds=30)  # then doubling ...
LAST_RETRY = timedelta(hours=1)  # ... up to this
GIVE_UP_AFTER = 30  # attempts (about a day)


def subject_of(ticket: Ticket, *, reply: bool = True) -> str:
    return f"{'Re: ' if reply else ''}[{ticket.key}] {ticket.title}"


def _addresses(session: Session, contact: Contact) -> list[str]:
    assert contact.id is not None
    return contact_rows.addresses(session, [contact.id])[contact.id]


def queue_reply(
    session: Session, ticket: Ticket, comment: Comment, rules: MailRules, now: datetime
) -> str | None:
    """The reply's message, queued in the outbox (in the reply's transaction) when the ticket
    has a requester with an address and the desk a mailbox to send from; returns its
    Message-ID (None: nothing to send)."""
    return _queue(session, ticket, comment.body, rules, now, comment.id)


def queue_acknowledgement(
    session: Session, ticket: Ticket, rules: MailRules, now: datetime
) -> str | None:
    """The policy's acknowledgement of a ticket that came by mail (``[mail] acknowledge``),
    queued in the creating transaction; None when the policy has none."""
    if rules.acknowledge is None:
        return None
    requester = session.get(Contact, ticket.requester_id) if ticket.requester_id else None
    body = rules.acknowledge.format(
        key=ticket.key, title=ticket.title, name=requester.name if requester else ""
    )
    return _queue(session, ticket, body, rules, now, None)


def _queue(
    session: Session,
    ticket: Ticket,
    body: str,
    rules: MailRules,
    now: datetime,
    comment_id: int | None,
) -> str | None:
    assert ticket.id is not None
    requester = session.get(Contact, ticket.requester_id) if ticket.requester_id else None
    to = _addresses(session, requester)[:1] if requester is not None else []
    if not to:
        return None
    box = rules.named(rows.first_mailbox(session, ticket.id))
    if box is None or box.smtp_host is None:
        team = session.get(Team, ticket.team_id) if ticket.team_id else None
        box = rules.for_team(team.name if team else None)
    if box is None:
        return None
    cc = [a for c in contact_rows.ccs(session, ticket.id) for a in _addresses(session, c)[:1]]
    cc = [a for a in dict.fromkeys(cc) if a not in to]
    thread = rows.thread(session, ticket.id)
    message_id = f"{ticket.key}.{comment_id if comment_id is not None else 'ack'}@{box.domain}"
    message = EmailMessage()
    message["From"] = formataddr((box.name, box.address))
    message["To"] = formataddr((requester.name if requester else "", to[0]))
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject_of(ticket)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<{message_id}>"
    if thread:
        message["In-Reply-To"] = f"<{thread[-1]}>"
        message["References"] = " ".join(f"<{m}>" for m in thread[-20:])
    # An acknowledgement is automatic (RFC 3834): the customer's auto-reply must not answer.
    message["Auto-Submitted"] = "no" if comment_id is not None else "auto-replied"
    message["X-Deskline-Ticket"] = ticket.key
    message.set_content(body + "\n")
    stored = rows.add(
        session,
        message_id=message_id,
        direction="out",
        ticket_id=ticket.id,
        comment_id=comment_id,
        mailbox=box.name,
        sender=box.address,
        subject=str(message["Subject"]),
        at=now,
    )
    rows.queue(session, stored, box.name, [*to, *cc], message.as_string(), now)
    return message_id


@dataclass(frozen=True)
class Sent:
    """What one pass of the sender did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    reasons: tuple[str, ...] = ()


def retry_after(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


def channel_of(box: Mailbox, timeout: float = 10.0) -> EmailChannel:
    """The SMTP channel of a mailbox (the alerts' email channel, with its error messages)."""
    assert box.smtp_host is not None
    # The login: smtp_user, else the mailbox's user, but over TLS only (never a password in
    # the clear unless smtp_user says so).
    login = box.smtp_user or (box.user if box.smtp_tls != "none" else None)
    env, entry = box.smtp_password
    return EmailChannel(
        box.smtp_host,
        box.smtp_port,
        starttls=box.smtp_tls == "starttls",
        user=login,
        password_env=env if login else None,
        password_keyring=entry if login else None,
        keyring_hint=f"deskline mail password {box.name} --smtp",
        sender=box.address,
        timeout=timeout,
        tls=box.smtp_tls == "ssl",
    )


class Sender:
    """Delivers the outbox: ``send_due`` once (``deskline mail send``, after a reply, or the
    mail service's loop)."""

    def __init__(
        self, store: Store, *, now: Callable[[], datetime] = clock.now, timeout: float = 10.0
    ) -> None:
        self.store = store
        self.now = now
        self.timeout = timeout
        self.book = PolicyBook()

    def send_due(self) -> Sent:
        with self.store.write() as s:
            rules = self.book.check(s).mail
            claimed = rows.claim(s, self.now(), LEASE)
            work = [(r.id, r.mailbox, list(r.recipients), r.raw, r.attempts) for r in claimed]
        sent = retrying = failed = 0
        reasons: list[str] = []
        for outbox_id, mailbox, recipients, raw, attempts in work:
            assert outbox_id is not None
            box = rules.named(mailbox)
            try:
                if box is None or box.smtp_host is None:
                    raise DeliveryFailed(f"mailbox {mailbox!r} is no longer in the policy's [mail]")
                message = email.message_from_string(raw, policy=email.policy.default)
                assert isinstance(message, EmailMessage)
                channel_of(box, self.timeout).send_message(message, recipients)
            except DeliveryFailed as exc:
                reasons.append(str(exc))
                give_up = attempts >= GIVE_UP_AFTER
                retry = None if give_up else self.now() + retry_after(attempts)
                with self.store.write() as s:
                    rows.finish(s, outbox_id, retry_at=retry, detail=str(exc))
                failed += give_up
                retrying += not give_up
                continue
            with self.store.write() as s:
                rows.finish(s, outbox_id, sent_at=self.now())
            sent += 1
        return Sent(sent, retrying, failed, tuple(reasons))


def outbox(store: Store) -> list[dict[str, Any]]:
    """Every outbox row, oldest first, as ``mail outbox`` shows it."""
    with store.read() as s:
        found = rows.outbox(s)
        keys = {}
        for _, m in found:
            ticket = s.get(Ticket, m.ticket_id) if m.ticket_id else None
            keys[m.ticket_id] = ticket.key if ticket else None
        return [
            {
                "ticket": keys.get(m.ticket_id),
                "message_id": m.message_id,
                "mailbox": o.mailbox,
                "to": list(o.recipients),
                "status": o.status,
                "attempts": o.attempts,
                "next_try_at": clock.iso(o.next_try_at) if o.status == "pending" else None,
                "sent_at": clock.iso(o.sent_at),
                "detail": o.detail,
            }
            for o, m in found
        ]
