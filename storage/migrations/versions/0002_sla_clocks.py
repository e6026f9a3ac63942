"""sla clocks on tickets

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("first_response_due_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("resolution_due_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("pause_credit_seconds", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_ticket_next_check_at"), ["next_check_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_next_check_at"))
        batch_op.drop_column("next_check_at")
        batch_op.drop_column("pause_credit_seconds")
        batch_op.drop_column("paused_at")
        batch_op.drop_column("resolution_due_at")
        batch_op.drop_column("first_response_due_at")
