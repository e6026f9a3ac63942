"""queue order: each ticket's next due instant (indexed) and when it turns at risk

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The earliest due time of the clocks that run: first response until answered or resolved,
# resolution until resolved and while not paused. From the stored due times, so existing
# tickets sort right at once; at_risk_at needs the calendars and is filled in by the next
# change to a ticket or by `deskline sla recompute` (until then the counts work it out).
NEXT_DUE = """
UPDATE ticket SET next_due_at = CASE
    WHEN resolved_at IS NOT NULL OR status IN ('resolved', 'closed') THEN NULL
    WHEN first_response_at IS NULL AND paused_at IS NULL THEN
        CASE WHEN first_response_due_at < resolution_due_at
             THEN first_response_due_at ELSE resolution_due_at END
    WHEN first_response_at IS NULL THEN first_response_due_at
    WHEN paused_at IS NULL THEN resolution_due_at
    ELSE NULL
END
"""


def upgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("at_risk_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_ticket_queue", ["next_due_at", "number", "paused_at", "at_risk_at"], unique=False
        )
    op.execute(NEXT_DUE)


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_queue")
        batch_op.drop_column("at_risk_at")
        batch_op.drop_column("next_due_at")
