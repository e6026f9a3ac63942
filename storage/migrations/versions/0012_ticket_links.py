"""ticket links: related tickets and merges (a merged ticket points to the one it went into);
presence: who has a ticket open or is writing on it (short leases)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "ticket_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("kind", TEXT(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["agent.id"]),
        sa.ForeignKeyConstraint(["other_id"], ["ticket.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id", "other_id", name="uq_ticket_link_pair"),
    )
    op.create_index("ix_ticket_link_ticket_id", "ticket_link", ["ticket_id"])
    op.create_index("ix_ticket_link_other_id", "ticket_link", ["other_id"])
    op.create_table(
        "presence",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("state", TEXT(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("ticket_id", "agent_id"),
    )
    op.create_index("ix_presence_expires_at", "presence", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_presence_expires_at", table_name="presence")
    op.drop_table("presence")
    op.drop_index("ix_ticket_link_other_id", table_name="ticket_link")
    op.drop_index("ix_ticket_link_ticket_id", table_name="ticket_link")
    op.drop_table("ticket_link")
