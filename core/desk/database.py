"""The desk's database as the screens and the command line see it: opened at the newest
schema (a SQLite file is copied aside before an upgrade), its schema version, backups, and
where deskline keeps its files. The one door from the tui to the store."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from deskline.storage import migrate
from deskline.storage.engine import StoreError, data_dir, resolve_url, sqlite_path
from deskline.storage.store import Store

__all__ = [
    "Schema",
    "Store",
    "StoreError",
    "backup",
    "build_whole",
    "demo_file",
    "unfinished_builds",
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


def sqlite_file(db: str) -> Path | None:
    """The SQLite file a ``--db`` path or URL names; None for PostgreSQL or in memory."""
    return sqlite_path(resolve_url(db))


def ticket_count(store: Store) -> int:
    from deskline.storage import queries  # the ORM's queries: not for opening a store

    with store.read() as s:
        return queries.ticket_count(s)


PART = ".part-"  # a file being built: ``demo.db.part-PID``


def build_whole(path: Path, make: Callable[[Path], None]) -> None:
    """Make the SQLite file ``path`` all or nothing: ``make`` fills a file of its own beside
    it (closing every store it opened), which becomes ``path`` in one rename once whole.
    Killed before, it leaves only that file, which ``unfinished_builds`` finds."""
    part = path.with_name(f"{path.name}{PART}{os.getpid()}")
    for leftover in _files_of(part):
        leftover.unlink()
    try:
        make(part)
        with sqlite3.connect(part) as conn:  # fold the write-ahead log into the file itself
            conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
    except BaseException:  # stopped (ctrl+c) or failed: no half file stays behind
        for leftover in _files_of(part):
            leftover.unlink(missing_ok=True)
        raise
    os.replace(part, path)


def unfinished_builds(path: Path) -> list[Path]:
    """The files of builds of ``path`` whose process is gone (killed), removed; returned
    so the caller can say so."""
    gone = []
    for part in path.parent.glob(f"{path.name}{PART}*"):
        pid = part.name.rpartition(PART)[2].partition("-")[0]
        if not pid.isdigit() or not _running(int(pid)):
            part.unlink(missing_ok=True)
            gone.append(part)
    return gone


def _files_of(db: Path) -> list[Path]:
    return [
        f
        for f in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"))
        if f.exists()
    ]


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid != os.getpid()
