"""the desk's policy in the database, agents bound to database logins, an append-only and
hash-chained audit trail, manual escalation targets, held (quiet-hours) alerts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.AutoString)
from alembic import op

from deskline.storage.chain import event_hash

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

APPEND_ONLY = "the audit trail is append-only: events cannot be changed or removed"

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER event_no_update BEFORE UPDATE ON event
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    f"""CREATE TRIGGER event_no_delete BEFORE DELETE ON event
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
]
POSTGRES_TRIGGERS = [
    f"""CREATE FUNCTION event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$""",
    """CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event
        FOR EACH ROW EXECUTE FUNCTION event_append_only()""",
    """CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event
        FOR EACH STATEMENT EXECUTE FUNCTION event_append_only()""",
]


def _chain_existing_events() -> None:
    """Hash the events already there, chain by chain, in id order."""
    conn = op.get_bind()
    event = sa.table(
        "event",
        sa.column("id", sa.Integer),
        sa.column("ticket_id", sa.Integer),
        sa.column("actor_id", sa.Integer),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("kind", sa.String),
        sa.column("old", sa.JSON),
        sa.column("new", sa.JSON),
        sa.column("reason", sa.String),
        sa.column("login", sa.String),
        sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String),
    )
    last: dict[int | None, str] = {}
    updates: list[dict[str, object]] = []
    rows = conn.execute(sa.select(event).order_by(event.c.id))
    for row in rows:
        prev = last.get(row.ticket_id)
        digest = event_hash(
            prev,
            ticket_id=row.ticket_id,
            actor_id=row.actor_id,
            at=row.at,
            kind=row.kind,
            old=row.old,
            new=row.new,
            reason=row.reason,
            login=row.login,
        )
        last[row.ticket_id] = digest
        updates.append({"eid": row.id, "prev": prev, "digest": digest})
    if updates:
        stmt = (
            event.update()
            .where(event.c.id == sa.bindparam("eid"))
            .values(prev_hash=sa.bindparam("prev"), hash=sa.bindparam("digest"))
        )
        for start in range(0, len(updates), 5000):
            conn.execute(stmt, updates[start : start + 5000])


def upgrade() -> None:
    op.create_table(
        "policy",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("version"),
    )
    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("db_role", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("notify", sa.JSON(), nullable=True))
        batch_op.create_unique_constraint("uq_agent_db_role", ["db_role"])
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("escalated_to", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held", sa.Boolean(), server_default="0", nullable=False))
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.alter_column("ticket_id", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.alter_column("ticket_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("login", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(
            sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    _chain_existing_events()
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER event_no_truncate ON event")
        op.execute("DROP TRIGGER event_append_only ON event")
        op.execute("DROP FUNCTION event_append_only()")
    else:
        op.execute("DROP TRIGGER event_no_delete")
        op.execute("DROP TRIGGER event_no_update")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("login")
        batch_op.alter_column("ticket_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.alter_column("ticket_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_column("held")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("escalated_to")
        batch_op.drop_column("escalated_at")
    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.drop_constraint("uq_agent_db_role", type_="unique")
        batch_op.drop_column("notify")
        batch_op.drop_column("db_role")
    op.drop_table("policy")
