"""archive: closed tickets past the desk's age are archived (``ticket.archived_at``)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

LIVE = "archived_at IS NULL"
INDEXES = {
    "ix_ticket_assignee_live": ["assignee_id", "next_due_at"],
    "ix_ticket_closed_live": ["closed_at"],
}


def upgrade() -> None:
    # A column added, nothing rebuilt: on SQLite an ALTER TABLE ADD COLUMN keeps the table,
    # its triggers (the search index's, 0011) and every event's reference to it as they are.
    op.add_column("ticket", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    # Partial indexes, archived tickets left out. An agent's own queue by next due time:
    # the index on assignee_id alone holds every ticket they ever had, the archive's too,
    # and "My tickets" read them all. What the nightly run reads: live closed tickets by
    # when they closed, so the run costs what the live desk holds, never the archive.
    for name, columns in INDEXES.items():
        op.create_index(
            name, "ticket", columns, sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE)
        )


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="ticket")
    # SQLite drops a column in place (3.35+): no rebuild, so the search triggers stay.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE ticket DROP COLUMN archived_at")
    else:
        op.drop_column("ticket", "archived_at")
