"""The files that came with a ticket's mail: listed without their bytes, read one at a time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from deskline.storage.models import Attachment, MailMessage

ATTACHMENTS: Any = Attachment.__table__  # type: ignore[attr-defined]


def add(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(insert(ATTACHMENTS), list(rows))


def of_ticket(session: Session, ticket_id: int) -> list[tuple[Any, ...]]:
    """(id, filename, content_type, size, sha256, kept, at, sender) for each of the ticket's
    files, oldest first; ``kept``: whether its bytes are stored."""
    stmt = (
        sa_select(
            ATTACHMENTS.c.id,
            ATTACHMENTS.c.filename,
            ATTACHMENTS.c.content_type,
            ATTACHMENTS.c.size,
            ATTACHMENTS.c.sha256,
            ATTACHMENTS.c.data.is_not(None),
            ATTACHMENTS.c.at,
            col(MailMessage.sender),
        )
        .outerjoin(MailMessage, col(MailMessage.id) == ATTACHMENTS.c.mail_message_id)
        .where(ATTACHMENTS.c.ticket_id == ticket_id)
        .order_by(ATTACHMENTS.c.id)
    )
    return [tuple(row) for row in session.execute(stmt)]


def data(session: Session, attachment_id: int) -> bytes | None:
    stmt = sa_select(ATTACHMENTS.c.data).where(ATTACHMENTS.c.id == attachment_id)
    return session.execute(stmt).scalar_one_or_none()
