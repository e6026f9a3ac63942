"""Schema migrations (Alembic) and backups of the SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from deskline.storage.engine import StoreError, sqlite_path

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser treats % as interpolation; URLs carry %-escapes (passwords, options).
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def _scripts() -> ScriptDirectory:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None
    return head


def _known_revisions() -> set[str]:
    return {script.revision for script in _scripts().walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` in one transaction."""
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


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
    head = head_revision()
    current = current_revision(engine)
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
