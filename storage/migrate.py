"""Schema migrations (Alembic) and backups of the SQLite file.

Opening a database at the newest schema is the common case, so it is answered without
Alembic: the stored ``alembic_version`` is read with one query and compared with
``HEAD_REVISION`` (tests/storage/test_migrations.py holds it equal to Alembic's own head).
Alembic is loaded only when a schema must be created or upgraded.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from deskline.storage.engine import StoreError, sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD_REVISION = "0018"  # the newest file in migrations/versions
VERSION_TABLE = "alembic_version"


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # Alembic loads only to change a schema

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser treats % as interpolation; URLs carry %-escapes (passwords, options).
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def migration_scripts() -> ScriptDirectory:
    """The migration files, as Alembic reads them (loads Alembic)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def head_revision() -> str:
    """The newest revision as Alembic reads it from the migration files."""
    head = migration_scripts().get_current_head()
    assert head is not None
    return head


def _known_revisions() -> set[str]:
    return {script.revision for script in migration_scripts().walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database (None when it has none)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        found = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(found) > 1:
        raise StoreError(f"database holds several schema versions ({', '.join(found)})")
    return found[0] if found else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` in one transaction."""
    from alembic import command

    cfg = alembic_config(engine)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        # A batch migration on SQLite recreates a table (copy, drop, rename); with foreign
        # keys on, dropping a table other rows refer to fails (0007 recreates agent, which
        # every event refers to). Off around the migration (outside its transaction: the
        # pragma is a no-op inside one), and every reference checked before it commits.
        raw = conn.connection.dbapi_connection if sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise StoreError("the schema upgrade would leave rows referring to none")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def backup(engine: Engine, label: str = "backup") -> Path:
    """Copy the SQLite file to a timestamped file beside it; consistent even while in use."""
    path = sqlite_path(str(engine.url))
    if path is None:
        raise StoreError(
            f"backups are for SQLite files; back up {engine.url.get_backend_name()} "
            "with its own tools (pg_dump)"
        )
    if not path.exists():
        raise StoreError(f"cannot back up {path}: no such file")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.{label}-{stamp}")
    src = sqlite3.connect(path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def ensure_schema(engine: Engine) -> Path | None:
    """Bring the database to the newest schema; returns the backup made first, if any.

    An empty database is created at head. An older one is copied aside (SQLite)
    and upgraded. One written by a newer deskline is refused rather than guessed at.
    """
    current = current_revision(engine)
    if current == HEAD_REVISION:
        return None
    head = head_revision()
    if current == head:
        return None
    if current is None:
        if inspect(engine).get_table_names():
            raise StoreError(
                f"{engine.url.render_as_string()} holds tables but no deskline schema "
                "version; point --db at a deskline database or an empty one"
            )
        upgrade(engine)
        return None
    if current not in _known_revisions():
        raise StoreError(
            f"database is at schema revision {current}, unknown to this deskline "
            "(written by a newer version?); upgrade deskline"
        )
    saved = backup(engine, "pre-upgrade") if sqlite_path(str(engine.url)) else None
    upgrade(engine)
    return saved
