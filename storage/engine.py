"""One engine factory from a URL, with the connection settings each backend needs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_dir
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from deskline.storage.errors import StoreError

if TYPE_CHECKING:  # the ORM loads for the sessions only, not for Core reads
    from sqlmodel import Session

BUSY_TIMEOUT_MS = 10_000
_WRITE = "deskline_write"


def data_dir() -> Path:
    """Where deskline keeps its files when no other place is given."""
    return Path(user_data_dir("deskline", appauthor=False))


def default_url() -> str:
    return f"sqlite:///{data_dir() / 'deskline.db'}"


def resolve_url(db: str | None = None) -> str:
    """A database given as a path or any SQLAlchemy URL; else DESKLINE_DB; else the default."""
    db = db or os.environ.get("DESKLINE_DB") or None
    if db is None:
        return default_url()
    if "://" not in db:
        return f"sqlite:///{Path(db).expanduser().resolve()}"
    if db.startswith("postgresql://") or db.startswith("postgres://"):
        # Plain postgresql:// would pick psycopg2, which deskline does not ship.
        db = "postgresql+psycopg://" + db.split("://", 1)[1]
    try:
        make_url(db)
    except ArgumentError as exc:
        raise StoreError(f"bad database URL {db!r}: {exc}") from None
    return db


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other backends and in-memory databases."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and write transactions
    that take the lock up front (BEGIN IMMEDIATE)."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        try:
            return create_engine(url, pool_pre_ping=True)
        except (ImportError, NoSuchModuleError) as exc:  # a backend deskline does not ship
            raise StoreError(
                f"unsupported database URL {u.render_as_string()}: use a SQLite file path or "
                f"postgresql+psycopg://… ({exc})"
            ) from None
    path = sqlite_path(url)
    if path is not None:
        if not path.parent.exists():
            raise StoreError(f"cannot open database {path}: folder {path.parent} does not exist")
        if path.is_dir():
            raise StoreError(f"cannot open database {path}: it is a folder; name a file in it")
        if not path.exists():
            # On one machine the file's permissions are the boundary: a new desk is its
            # owner's only (SQLite gives its -wal and -shm files the same mode).
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:  # made meanwhile by another process
                pass
            except OSError as exc:
                raise StoreError(f"cannot create database {path}: {exc.strerror}") from None
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A deferred transaction that later writes fails at once with "database is
        # locked", whatever the busy timeout; a writer must take the lock first.
        if conn.get_execution_options().get(_WRITE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One writing transaction: committed on success, rolled back on any error."""
    from sqlmodel import Session

    with Session(engine.execution_options(**{_WRITE: True}), expire_on_commit=False) as s:
        with s.begin():
            yield s


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A reading transaction, never holding the write lock."""
    from sqlmodel import Session

    with Session(engine, expire_on_commit=False) as s:
        with s.begin():
            yield s


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A reading transaction on a Core connection: what the command line's reads use, with
    no ORM to load (``storage.tables``)."""
    with engine.connect() as conn:
        with conn.begin():
            yield conn
