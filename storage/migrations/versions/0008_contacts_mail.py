"""customers as people and mail: contacts and their addresses, a ticket's requester and
CCs, every mail message received or sent (unique Message-ID), the outbox

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("name", TEXT(), nullable=False),
        sa.Column("phone", TEXT(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_contact_customer_id", "contact", ["customer_id"])
    op.create_table(
        "contact_email",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("address", TEXT(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("address"),
    )
    op.create_index("ix_contact_email_contact_id", "contact_email", ["contact_id"])
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requester_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_ticket_requester_id", ["requester_id"])
        batch_op.create_foreign_key("fk_ticket_requester_id", "contact", ["requester_id"], ["id"])
    op.create_table(
        "ticket_cc",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("ticket_id", "contact_id"),
    )
    op.create_table(
        "mail_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", TEXT(), nullable=False),
        sa.Column("direction", TEXT(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("mailbox", TEXT(), nullable=True),
        sa.Column("sender", TEXT(), nullable=True),
        sa.Column("subject", TEXT(), nullable=False),
        sa.Column("note", TEXT(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comment.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )
    op.create_index("ix_mail_message_ticket_id", "mail_message", ["ticket_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mail_message_id", sa.Integer(), nullable=False),
        sa.Column("mailbox", TEXT(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("raw", TEXT(), nullable=False),
        sa.Column("status", TEXT(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detail", TEXT(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["mail_message_id"], ["mail_message.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mail_message_id"),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_try_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_mail_message_ticket_id", table_name="mail_message")
    op.drop_table("mail_message")
    op.drop_table("ticket_cc")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_constraint("fk_ticket_requester_id", type_="foreignkey")
        batch_op.drop_index("ix_ticket_requester_id")
        batch_op.drop_column("requester_id")
    op.drop_index("ix_contact_email_contact_id", table_name="contact_email")
    op.drop_table("contact_email")
    op.drop_index("ix_contact_customer_id", table_name="contact")
    op.drop_table("contact")
