"""import and export: a ticket's id in the desk it came from (unique), and each import's
checkpoint, so an import stopped anywhere continues where its last batch committed

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    # A new column of NULLs: every ticket already there is one made here, and NULLs are
    # distinct under a unique constraint, so the upgrade is safe on a desk with data.
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", TEXT(), nullable=True))
        batch_op.create_unique_constraint("uq_ticket_external_id", ["external_id"])
    op.create_table(
        "import_checkpoint",
        sa.Column("source", TEXT(), nullable=False),
        sa.Column("name", TEXT(), nullable=False),
        sa.Column("phase", TEXT(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("base_id", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("existing", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source"),
    )


def downgrade() -> None:
    op.drop_table("import_checkpoint")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_constraint("uq_ticket_external_id", type_="unique")
        batch_op.drop_column("external_id")
