"""full-text search of tickets (titles, descriptions, comments) kept by triggers, and
saved views of one's own

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

The index (``ticket_text``, one row per ticket; see ``storage.search``) is filled here for
the tickets a desk already has. SQLite: an FTS5 table with the trigram tokenizer. PostgreSQL:
a table with a ``pg_trgm`` GIN index and a ``simple`` tsvector; without the extension (a
login that may not create it) the same table is searched without that index.

A later batch migration that recreates ``ticket`` or ``comment`` on SQLite drops their
triggers with the old table: it must run ``create_triggers`` again.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString

# What a ticket is also found by: its key, tags and customer's name (as the queue's old
# filter found it), of the ticket row ``t``.
LABELS = (
    "'T-' || {t}.number || ' ' || replace({t}.tags, ',', ' ') || ' ' || "
    "coalesce((SELECT name FROM customer WHERE id = {t}.customer_id), '')"
)
# SQLite: every text in the index ends with a line break, so any two characters found in
# it begin one of its trigrams (``storage.search`` finds two-character words by them).
END = " || char(10)"

# name -> what it does, after the change named in it
SQLITE_TRIGGERS = {
    "ticket_text_made": f"""AFTER INSERT ON ticket BEGIN
  INSERT INTO ticket_text (rowid, title, description, comments, labels)
  VALUES (new.id, new.title{END}, new.description{END}, '', {LABELS.format(t="new")}{END});
END""",
    "ticket_text_edited": f"""AFTER UPDATE OF title, description, tags, customer_id ON ticket
BEGIN
  UPDATE ticket_text SET title = new.title{END}, description = new.description{END},
    labels = {LABELS.format(t="new")}{END}
  WHERE rowid = new.id;
END""",
    "ticket_text_gone": """AFTER DELETE ON ticket BEGIN
  DELETE FROM ticket_text WHERE rowid = old.id;
END""",
    "ticket_text_comment": """AFTER INSERT ON comment BEGIN
  UPDATE ticket_text SET comments = comments || new.body || char(10)
  WHERE rowid = new.ticket_id;
END""",
    # moved (a merge) or changed: both tickets' comments are read again
    "ticket_text_comment_moved": """AFTER UPDATE OF ticket_id, body ON comment BEGIN
  UPDATE ticket_text SET comments = (
    SELECT coalesce(group_concat(body || char(10), ''), '') FROM comment
    WHERE ticket_id = ticket_text.rowid
  ) WHERE rowid IN (old.ticket_id, new.ticket_id);
END""",
    "ticket_text_comment_gone": """AFTER DELETE ON comment BEGIN
  UPDATE ticket_text SET comments = (
    SELECT coalesce(group_concat(body || char(10), ''), '') FROM comment
    WHERE ticket_id = ticket_text.rowid
  ) WHERE rowid = old.ticket_id;
END""",
}

SQLITE_FILL = f"""
INSERT INTO ticket_text (rowid, title, description, comments, labels)
SELECT t.id, t.title{END}, t.description{END}, coalesce(
  (SELECT group_concat(c.body || char(10), '') FROM comment c WHERE c.ticket_id = t.id), ''),
  {LABELS.format(t="t")}{END}
FROM ticket t
"""

PG_TABLE = """
CREATE TABLE ticket_text (
  ticket_id integer PRIMARY KEY REFERENCES ticket (id) ON DELETE CASCADE,
  title text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  comments text NOT NULL DEFAULT '',
  labels text NOT NULL DEFAULT '',
  body text GENERATED ALWAYS AS (
    title || E'\\n' || description || E'\\n' || comments || E'\\n' || labels
  ) STORED,
  doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, title), 'A')
    || setweight(to_tsvector('simple'::regconfig, description || ' ' || comments), 'B')
  ) STORED
)
"""

PG_TRIGGERS = (
    f"""CREATE FUNCTION ticket_text_of_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ticket_text (ticket_id, title, description, labels)
  VALUES (NEW.id, NEW.title, NEW.description, {LABELS.format(t="NEW")})
  ON CONFLICT (ticket_id) DO UPDATE
  SET title = EXCLUDED.title, description = EXCLUDED.description, labels = EXCLUDED.labels;
  RETURN NULL;
END $$""",
    """CREATE TRIGGER ticket_text_made
  AFTER INSERT OR UPDATE OF title, description, tags, customer_id ON ticket
  FOR EACH ROW EXECUTE FUNCTION ticket_text_of_ticket()""",
    """CREATE FUNCTION ticket_text_of_comment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE ticket_text SET comments = comments || E'\\n' || NEW.body
    WHERE ticket_id = NEW.ticket_id;
  ELSE  -- moved (a merge), changed or removed: both tickets' comments are read again
    UPDATE ticket_text x SET comments = coalesce(
      (SELECT string_agg(c.body, E'\\n' ORDER BY c.id) FROM comment c
       WHERE c.ticket_id = x.ticket_id), '')
    WHERE x.ticket_id IN (OLD.ticket_id, CASE WHEN TG_OP = 'UPDATE' THEN NEW.ticket_id END);
  END IF;
  RETURN NULL;
END $$""",
    """CREATE TRIGGER ticket_text_comment AFTER INSERT OR DELETE OR UPDATE OF ticket_id, body
  ON comment FOR EACH ROW EXECUTE FUNCTION ticket_text_of_comment()""",
)

PG_FILL = f"""
INSERT INTO ticket_text (ticket_id, title, description, comments, labels)
SELECT t.id, t.title, t.description, coalesce(
  (SELECT string_agg(c.body, E'\\n' ORDER BY c.id) FROM comment c WHERE c.ticket_id = t.id), ''),
  {LABELS.format(t="t")}
FROM ticket t
"""


def create_triggers(bind: sa.engine.Connection) -> None:
    """The SQLite triggers that keep the index, made (again: idempotent)."""
    if bind.dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
            bind.exec_driver_sql(f"CREATE TRIGGER {name} {body}")


def _pg_trigram(bind: sa.engine.Connection) -> str | None:
    """The schema pg_trgm is in (made now if this login may), or None without it."""
    found = bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    ).scalar()
    if found is None:
        try:
            with bind.begin_nested():
                bind.exec_driver_sql("CREATE EXTENSION pg_trgm")
        except sa.exc.DBAPIError:
            return None  # searched by a scan of ticket_text (correct, slower)
        return _pg_trigram(bind)
    return str(found)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql(
            "CREATE VIRTUAL TABLE ticket_text USING fts5("
            "title, description, comments, labels, tokenize = 'trigram')"
        )
        bind.exec_driver_sql(  # its trigrams, for two-character words
            "CREATE VIRTUAL TABLE ticket_text_terms USING fts5vocab(ticket_text, 'row')"
        )
        create_triggers(bind)
        bind.exec_driver_sql(SQLITE_FILL)
    else:
        bind.exec_driver_sql(PG_TABLE)
        for statement in PG_TRIGGERS:
            bind.exec_driver_sql(statement)
        bind.exec_driver_sql(PG_FILL)
        bind.exec_driver_sql("CREATE INDEX ix_ticket_text_doc ON ticket_text USING gin (doc)")
        schema = _pg_trigram(bind)
        if schema is not None:
            bind.exec_driver_sql(
                "CREATE INDEX ix_ticket_text_trigram ON ticket_text "
                f'USING gin (body "{schema}".gin_trgm_ops)'
            )
    op.create_table(
        "saved_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", TEXT(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("query", TEXT(), nullable=False),
        sa.Column("sort", TEXT(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id", "name"),
    )


def downgrade() -> None:
    op.drop_table("saved_view")
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        bind.exec_driver_sql("DROP TABLE ticket_text_terms")
        bind.exec_driver_sql("DROP TABLE ticket_text")
    else:
        bind.exec_driver_sql("DROP TABLE ticket_text")
        bind.exec_driver_sql("DROP FUNCTION ticket_text_of_ticket, ticket_text_of_comment CASCADE")
