"""report indexes: tickets by when they last changed, alerts by when they fired

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# What a report of a period reads (storage.history): the tickets changed since its start
# and the alerts fired in it. Without these, both reads walked the whole desk, so a week's
# report grew with the desk's age, not with the week.
INDEXES = {
    "ix_ticket_updated_at": ("ticket", ["updated_at"]),
    "ix_alert_fired_at": ("alert", ["fired_at"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
