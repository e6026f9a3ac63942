"""dashboard indexes: tickets by when their clocks stopped and fell due, open ones by load

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# What the dashboard's trends read (storage.dashboard): the tickets whose first response or
# resolution came in the last 14 days (SLA met per day) and those whose clocks fell due in
# the last 24 hours (breaches per hour). Without these, the one read of them walked the
# whole desk, every ticket ever closed included: at a million tickets the larger part of
# ``dashboard --once``. And the open tickets counted by priority and by assignee (the open
# figures, every agent's load) from an index alone, not each ticket's row fetched.
INDEXES = {
    "ix_ticket_first_response_at": ("ticket", ["first_response_at"]),
    "ix_ticket_resolved_at": ("ticket", ["resolved_at"]),
    "ix_ticket_first_response_due_at": ("ticket", ["first_response_due_at"]),
    "ix_ticket_resolution_due_at": ("ticket", ["resolution_due_at"]),
    "ix_ticket_status_load": ("ticket", ["status", "priority", "assignee_id"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
