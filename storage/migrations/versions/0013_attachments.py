"""attachments: the files that come with mail, kept whole up to the desk's size limit

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("mail_message_id", sa.Integer(), nullable=True),
        sa.Column("filename", TEXT(), nullable=False),
        sa.Column("content_type", TEXT(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", TEXT(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["mail_message_id"], ["mail_message.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_attachment_ticket_id", "attachment", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_attachment_ticket_id", table_name="attachment")
    op.drop_table("attachment")
