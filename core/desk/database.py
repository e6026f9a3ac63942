"""The desk's database as the screens and the command line see it: opened at the newest
schema (a SQLite file is copied aside before an upgrade), its schema version, backups, and
where deskline keeps its files. The one door from the tui to the store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from deskline.storage import migrate, queries
from deskline.storage.engine import StoreError, data_dir
from deskline.storage.store import Store

__all__ = [
    "Schema",
    "Store",
    "StoreError",
    "backup",
    "demo_file",
    "open_store",
    "schema_of",
    "ticket_count",
]


@dataclass(frozen=True)
class Schema:
    """Where a database's schema is, and where this deskline's is."""

    at: str | None
    newest: str


def open_store(db: str | None = None) -> Store:
    """Open ``db`` (a path or URL; default from DESKLINE_DB or the data directory), upgrading
    an older schema; ``store.backup_made`` says where the copy made first went."""
    return Store.open(db)


def schema_of(store: Store) -> Schema:
    return Schema(migrate.current_revision(store.engine), migrate.HEAD_REVISION)


def backup(store: Store) -> Path:
    """Copy a SQLite database to a timestamped file beside it; StoreError for other kinds."""
    return migrate.backup(store.engine)


def demo_file() -> Path:
    """The demo desk's file, in deskline's data directory."""
    return data_dir() / "demo.db"


def ticket_count(store: Store) -> int:
    with store.read() as s:
        return queries.ticket_count(s)
