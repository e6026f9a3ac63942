"""search index without its tsvector: PostgreSQL's ``ticket_text.doc`` and its GIN index go

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04

Search reads ``ticket_text.body`` through its trigram index (``storage.search``); the
``simple`` tsvector ``doc`` that 0011 made beside it, and ``ix_ticket_text_doc`` on it,
were never read, yet every ticket made, edited or given a comment had the server work
out that tsvector again and rewrite its GIN entries (the larger part of an import's time
on PostgreSQL). SQLite's index (FTS5) has no such column: nothing changes there.
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

DOC = """ALTER TABLE ticket_text ADD COLUMN doc tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple'::regconfig, title), 'A')
  || setweight(to_tsvector('simple'::regconfig, description || ' ' || comments), 'B')
) STORED"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # the index goes with its column; a table rewrite is not needed to drop one
        bind.exec_driver_sql("ALTER TABLE ticket_text DROP COLUMN IF EXISTS doc")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql(DOC)  # worked out again for every row (a rewrite of the table)
        bind.exec_driver_sql("CREATE INDEX ix_ticket_text_doc ON ticket_text USING gin (doc)")
