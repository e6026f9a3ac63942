"""Alembic migrations on SQLite files and PostgreSQL: create, upgrade with backup, refuse."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, inspect, text

from deskline.storage.engine import StoreError, make_engine
from deskline.storage.migrate import (
    HEAD_REVISION,
    backup,
    current_revision,
    ensure_schema,
    head_revision,
    migration_scripts,
    upgrade,
)
from deskline.storage.store import Store

FIRST = "0001"


def test_an_empty_database_is_created_at_head(db_url):
    store = Store.open(db_url)
    assert current_revision(store.engine) == head_revision()
    tables = set(inspect(store.engine).get_table_names())
    assert {"agent", "team", "customer", "category", "ticket", "comment", "event"} <= tables
    assert store.backup_made is None
    store.close()


def test_migrations_form_one_line_from_the_first_revision():
    revisions = list(migration_scripts().walk_revisions())
    assert revisions[-1].revision == FIRST and revisions[-1].down_revision is None
    assert len(migration_scripts().get_heads()) == 1


def test_the_head_known_without_alembic_is_alembics_own_head():
    """Opening a store compares the stored version with HEAD_REVISION, not Alembic's scripts:
    a new migration whose revision is not written there would never be run."""
    assert HEAD_REVISION == head_revision()


def test_opening_a_store_at_head_loads_no_alembic(tmp_path):
    Store.open(str(tmp_path / "made.db")).close()  # created: Alembic ran
    probe = (
        "import sys; from deskline.storage.store import Store; "
        f"Store.open({str(tmp_path / 'made.db')!r}); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_database_at_the_first_revision_upgrades_and_keeps_its_rows(db_url):
    engine = make_engine(db_url)
    upgrade(engine, FIRST)
    now = datetime(2026, 4, 2, 14, 30, tzinfo=UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO agent (handle, name, role, skills, on_duty, max_active) "
                "VALUES ('ana', 'Ana', 'agent', '', true, 10)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO ticket (number, title, description, priority, status, channel, tags, "
                "created_at, updated_at, escalation_level, reopen_count, version) VALUES "
                "(1, 'kept', '', 'P1', 'new', 'web', '', :t, :t, 0, 0, 1)"
            ),
            {"t": now},
        )
        conn.execute(text("UPDATE key_counter SET value = 1"))
    engine.dispose()

    store = Store.open(db_url)
    assert current_revision(store.engine) == head_revision()
    with store.read() as s:
        title = s.execute(text("SELECT title FROM ticket WHERE number = 1")).scalar_one()
        handle = s.execute(text("SELECT handle FROM agent")).scalar_one()
    assert (title, handle) == ("kept", "ana")
    if store.backend == "sqlite" and head_revision() != FIRST:
        assert store.backup_made is not None and store.backup_made.exists()
    store.close()


def test_upgrading_a_sqlite_file_copies_it_aside_first(tmp_path):
    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, FIRST)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO team (name) VALUES ('Billing')"))
    engine.dispose()
    with engine.begin() as conn:  # pretend it is older than head, whatever head is
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": FIRST})
    if head_revision() == FIRST:
        pytest.fail("needs a second revision to test the upgrade path")
    saved = ensure_schema(make_engine(f"sqlite:///{path}"))
    assert saved is not None and saved.parent == tmp_path
    assert saved.name.startswith("old.db.pre-upgrade-")
    rows = sqlite3.connect(saved).execute("SELECT name FROM team").fetchall()
    assert rows == [("Billing",)]


def test_backup_is_a_consistent_copy(tmp_path):
    store = Store.open(str(tmp_path / "live.db"))
    with store.write() as s:
        s.execute(text("INSERT INTO team (name) VALUES ('Platform')"))
    copy = backup(store.engine)
    assert copy.name.startswith("live.db.backup-")
    assert sqlite3.connect(copy).execute("SELECT name FROM team").fetchall() == [("Platform",)]


def test_backup_of_postgres_points_to_its_own_tools(pg_url):
    store = Store.open(pg_url)
    with pytest.raises(StoreError, match="pg_dump"):
        backup(store.engine)
    store.close()


def test_a_database_from_a_newer_deskline_is_refused(db_url):
    store = Store.open(db_url)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="9999, unknown to this deskline"):
        Store.open(db_url)
    store.close()


def test_a_foreign_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE invoices (id INTEGER)").connection.commit()
    with pytest.raises(StoreError, match="holds tables but no deskline schema"):
        Store.open(str(path))


def test_the_tables_in_code_match_the_newest_migration(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    from deskline.storage.search import is_index_table

    def modelled(name, kind, _parent) -> bool:  # the search index is made outside the models
        return not (kind == "table" and is_index_table(name))

    store = Store.open(db_url)
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": False, "include_name": modelled}
        )
        diff = compare_metadata(ctx, SQLModel.metadata)
    store.close()
    assert diff == []


def test_0009_keeps_pending_deliveries_due_now_with_no_attempt(db_url):
    """A desk upgraded with deliveries still pending: each is due at once (no next attempt),
    none tried yet, so the first watcher of the new version sends them."""
    engine = make_engine(db_url)
    upgrade(engine, "0008")
    at = datetime(2026, 4, 2, 14, 30, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO alert (id, dedupe_key, rung, threshold, level, at, fired_at, late, "
                "held, recipients, summary) VALUES "
                "(1, 'k', 'breach', 'breach', 3, :t, :t, false, false, '[]', 'T-1 breached')"
            ),
            {"t": at},
        )
        conn.execute(
            text(
                "INSERT INTO delivery (alert_id, recipient, channel, status) VALUES "
                "(1, 'webhook', 'webhook', 'pending'), (1, 'ana', 'app', 'delivered')"
            )
        )
    engine.dispose()
    store = Store.open(db_url)
    try:
        with store.read() as s:
            rows = s.execute(
                text(
                    "SELECT channel, status, attempts, next_attempt_at, last_error, queued_at "
                    "FROM delivery ORDER BY id"
                )
            ).all()
        assert [tuple(r) for r in rows] == [
            ("webhook", "pending", 0, None, None, None),
            ("app", "delivered", 0, None, None, None),
        ]
        indexes = {i["name"] for i in inspect(store.engine).get_indexes("delivery")}
        assert "ix_delivery_outbound" in indexes
    finally:
        store.close()


def _with_a_ticket(db_url: str, revision: str, status: str, description: str = "") -> Engine:
    """A database at ``revision`` holding one ticket, T-1 'printer jams' (closed: closed
    at its making)."""
    engine = make_engine(db_url)
    upgrade(engine, revision)
    at = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ticket (number, title, description, priority, status, channel, tags, "
                "created_at, updated_at, closed_at, pause_credit_seconds, escalation_level, "
                "reopen_count, version) VALUES "
                "(1, 'printer jams', :d, 'P2', :s, 'web', '', :t, :t, :c, 0, 0, 0, 1)"
            ),
            {"t": at, "d": description, "s": status, "c": at if status == "closed" else None},
        )
    return engine


def test_0015_upgrades_a_desk_with_tickets_to_none_archived_and_downgrades(db_url):
    """The archive's column comes in empty (nothing archived by the upgrade) with its index,
    the tickets and their search index as they were; going back to 0014 drops both and
    leaves the search triggers working."""
    from alembic import command

    from deskline.storage.migrate import alembic_config

    engine = _with_a_ticket(db_url, "0014", "closed")
    engine.dispose()

    store = Store.open(db_url)
    try:
        assert current_revision(store.engine) == head_revision()
        with store.read() as s:
            kept = s.execute(text("SELECT title, archived_at FROM ticket")).one()
        assert tuple(kept) == ("printer jams", None)
        indexes = {i["name"] for i in inspect(store.engine).get_indexes("ticket")}
        assert "ix_ticket_closed_live" in indexes
    finally:
        store.close()

    with engine.connect() as conn, conn.begin():
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0014")
    columns = {c["name"] for c in inspect(engine).get_columns("ticket")}
    indexes = {i["name"] for i in inspect(engine).get_indexes("ticket")}
    assert "archived_at" not in columns and "ix_ticket_closed_live" not in indexes
    with engine.begin() as conn:  # the search index still follows the ticket
        conn.execute(text("UPDATE ticket SET title = 'scanner jams' WHERE number = 1"))
        table = "ticket_text"
        found = conn.execute(text(f"SELECT count(*) FROM {table} WHERE title LIKE '%scanner%'"))
        assert found.scalar_one() == 1
    engine.dispose()


def test_0016_indexes_tickets_by_change_and_alerts_by_firing_and_downgrades(db_url):
    """A period's report reads tickets changed since its start and alerts fired in it: 0016
    indexes both columns on a desk that has rows, and going back to 0015 drops them."""
    from alembic import command

    from deskline.storage.migrate import alembic_config

    engine = _with_a_ticket(db_url, "0015", "open")
    engine.dispose()

    def indexes(table: str) -> set[str]:
        return {i["name"] for i in inspect(engine).get_indexes(table)}

    store = Store.open(db_url)
    try:
        assert current_revision(store.engine) == head_revision()
        with store.read() as s:
            assert s.execute(text("SELECT title FROM ticket")).scalar_one() == "printer jams"
    finally:
        store.close()
    assert "ix_ticket_updated_at" in indexes("ticket")
    assert "ix_alert_fired_at" in indexes("alert")

    with engine.connect() as conn, conn.begin():
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0015")
    assert "ix_ticket_updated_at" not in indexes("ticket")
    assert "ix_alert_fired_at" not in indexes("alert")
    engine.dispose()


def test_0017_takes_the_unread_tsvector_from_the_search_index_and_gives_it_back(db_url):
    """PostgreSQL: ``ticket_text.doc`` and its GIN index go (search never read them), the
    rows and the trigram index stay; going back to 0016 makes them again, worked out for
    every row. SQLite's index has no such column: searched as before either way."""
    from alembic import command

    from deskline.storage.migrate import alembic_config

    engine = _with_a_ticket(db_url, "0016", "new", "paper tray")
    postgres = engine.dialect.name == "postgresql"

    def shape() -> tuple[set[str], set[str]]:
        if not postgres:
            return set(), set()
        found = inspect(engine)
        found.clear_cache()
        columns = {c["name"] for c in found.get_columns("ticket_text")}
        return columns, {i["name"] for i in found.get_indexes("ticket_text")}

    columns, indexes = shape()
    assert ("doc" in columns and "ix_ticket_text_doc" in indexes) == postgres
    upgrade(engine, "0017")
    columns, indexes = shape()
    assert "doc" not in columns and "ix_ticket_text_doc" not in indexes
    assert ("body" in columns and "ix_ticket_text_trigram" in indexes) == postgres
    with engine.begin() as conn:
        like = "body" if postgres else "title"
        found = conn.execute(text(f"SELECT count(*) FROM ticket_text WHERE {like} LIKE '%jams%'"))
        assert found.scalar_one() == 1
    with engine.connect() as conn, conn.begin():
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0016")
    columns, indexes = shape()
    assert ("doc" in columns and "ix_ticket_text_doc" in indexes) == postgres
    if postgres:
        with engine.begin() as conn:
            found = conn.execute(text("SELECT doc FROM ticket_text")).scalar_one()
            assert "'printer':1A" in found and "'tray':4B" in found
    engine.dispose()


def test_0018_indexes_the_instants_the_dashboard_trends_read_and_downgrades(db_url):
    """The dashboard's trends read tickets by when their clocks stopped (first response,
    resolution) and fell due, its open figures count them by status, priority and assignee:
    0018 indexes them on a desk that has rows, the rows as they were, and going back to
    0017 drops them."""
    from alembic import command

    from deskline.storage.migrate import alembic_config

    engine = _with_a_ticket(db_url, "0017", "open")
    engine.dispose()
    added = {
        "ix_ticket_first_response_at",
        "ix_ticket_resolved_at",
        "ix_ticket_first_response_due_at",
        "ix_ticket_resolution_due_at",
        "ix_ticket_status_load",
    }

    def indexes() -> set[str]:
        return {i["name"] for i in inspect(engine).get_indexes("ticket")}

    assert not added & indexes()
    store = Store.open(db_url)
    try:
        assert current_revision(store.engine) == head_revision()
        with store.read() as s:
            assert s.execute(text("SELECT title FROM ticket")).scalar_one() == "printer jams"
    finally:
        store.close()
    assert added <= indexes()

    with engine.connect() as conn, conn.begin():
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0017")
    assert not added & indexes()
    assert "ix_ticket_updated_at" in indexes()  # 0016's stays
    engine.dispose()
