"""Mail messages received and sent, by Message-ID, and the outbox of messages to send."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, col

from deskline.storage.models import MailMessage, Outbox, Ticket


def known(session: Session, message_id: str) -> MailMessage | None:
    stmt = sa_select(MailMessage).where(col(MailMessage.message_id) == message_id)
    return session.execute(stmt).scalars().first()


def ticket_of(session: Session, message_ids: Sequence[str]) -> Ticket | None:
    """The ticket of the newest of these Message-IDs the desk received or sent."""
    if not message_ids:
        return None
    stmt = (
        sa_select(Ticket)
        .join(MailMessage, col(MailMessage.ticket_id) == Ticket.id)
        .where(col(MailMessage.message_id).in_(list(message_ids)))
        .order_by(col(MailMessage.id).desc())
        .limit(1)
    )
    return session.execute(stmt).scalars().first()


def thread(session: Session, ticket_id: int) -> list[str]:
    """The Message-IDs of a ticket's conversation, oldest first (ignored ones left out)."""
    stmt = (
        sa_select(col(MailMessage.message_id))
        .where(col(MailMessage.ticket_id) == ticket_id, col(MailMessage.direction) != "ignored")
        .order_by(col(MailMessage.id))
    )
    return list(session.execute(stmt).scalars())


def first_mailbox(session: Session, ticket_id: int) -> str | None:
    """The mailbox a ticket's mail first came through."""
    stmt = (
        sa_select(col(MailMessage.mailbox))
        .where(col(MailMessage.ticket_id) == ticket_id, col(MailMessage.direction) == "in")
        .order_by(col(MailMessage.id))
        .limit(1)
    )
    return session.execute(stmt).scalar_one_or_none()


def add(session: Session, **values: Any) -> MailMessage:
    row = MailMessage(**values)
    session.add(row)
    session.flush()
    return row


def queue(
    session: Session,
    message: MailMessage,
    mailbox: str,
    recipients: list[str],
    raw: str,
    now: datetime,
) -> Outbox:
    assert message.id is not None
    row = Outbox(
        mail_message_id=message.id, mailbox=mailbox, recipients=recipients, raw=raw, next_try_at=now
    )
    session.add(row)
    session.flush()
    return row


def claim(session: Session, now: datetime, lease: timedelta, limit: int = 50) -> list[Outbox]:
    """Take the outbox rows due now: each is claimed by one sender until ``now + lease`` (one
    UPDATE decides, so two senders never both take a row)."""
    due = (
        sa_select(col(Outbox.id))
        .where(
            col(Outbox.status) == "pending",
            col(Outbox.next_try_at) <= now,
            (col(Outbox.claimed_until).is_(None)) | (col(Outbox.claimed_until) < now),
        )
        .order_by(col(Outbox.id))
        .limit(limit)
    )
    ids = list(session.execute(due).scalars())
    if not ids:
        return []
    stmt = (
        update(Outbox)
        .where(
            col(Outbox.id).in_(ids),
            col(Outbox.status) == "pending",
            (col(Outbox.claimed_until).is_(None)) | (col(Outbox.claimed_until) < now),
        )
        .values(claimed_until=now + lease, attempts=col(Outbox.attempts) + 1)
        .returning(col(Outbox.id))
    )
    claimed = list(session.execute(stmt).scalars())
    stmt2 = sa_select(Outbox).where(col(Outbox.id).in_(claimed)).order_by(col(Outbox.id))
    return list(session.execute(stmt2).scalars())


def finish(
    session: Session,
    outbox_id: int,
    *,
    sent_at: datetime | None = None,
    retry_at: datetime | None = None,
    detail: str | None = None,
) -> None:
    """A claimed row sent (``sent_at``), to try again (``retry_at``), or given up (neither)."""
    values: dict[str, Any] = {"claimed_until": None, "detail": detail}
    if sent_at is not None:
        values.update(status="sent", sent_at=sent_at)
    elif retry_at is not None:
        values.update(next_try_at=retry_at)
    else:
        values.update(status="failed")
    session.execute(update(Outbox).where(col(Outbox.id) == outbox_id).values(**values))


def outbox(session: Session, ticket_id: int | None = None) -> list[Any]:
    """(Outbox, MailMessage) rows, oldest first."""
    stmt = sa_select(Outbox, MailMessage).join(
        MailMessage, col(Outbox.mail_message_id) == MailMessage.id
    )
    if ticket_id is not None:
        stmt = stmt.where(col(MailMessage.ticket_id) == ticket_id)
    return list(session.execute(stmt.order_by(col(Outbox.id))).all())
