"""routing and triage: agent caps and round-robin order, ticket impact, P0 surges

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cap", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("last_routed", sa.Integer(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("impact", sqlmodel.sql.sqltypes.AutoString(), nullable=True))

    op.create_table(
        "surge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_p0_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("p0_count", sa.Integer(), nullable=False),
        sa.Column("more_than", sa.Integer(), nullable=False),
        sa.Column("within_seconds", sa.Integer(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("surge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_surge_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("surge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_surge_team_id"))
    op.drop_table("surge")

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("impact")

    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.drop_column("last_routed")
        batch_op.drop_column("cap")
