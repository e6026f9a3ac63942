"""The store: an engine with its schema ensured, and the two kinds of transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from deskline.storage.engine import (
    StoreError,
    data_dir,
    default_url,
    make_engine,
    read_connection,
    read_session,
    resolve_url,
    write_session,
)
from deskline.storage.migrate import ensure_schema

if TYPE_CHECKING:
    from sqlmodel import Session


class Store:
    """One database, SQLite or PostgreSQL, at the newest schema."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.backup_made: Path | None = None

    @classmethod
    def open(cls, db: str | None = None, *, migrate: bool = True) -> Store:
        """Open ``db`` (path or URL; default from DESKLINE_DB or the data directory)."""
        url = resolve_url(db)
        if url == default_url():  # the first run on a machine: make deskline's own folder
            data_dir().mkdir(parents=True, exist_ok=True)
        store = cls(url)
        if migrate:
            try:
                store.backup_made = ensure_schema(store.engine)
            except DBAPIError as exc:  # not a database, no such schema, unreachable, ...
                raise StoreError(
                    f"cannot open database {store.display_url}: {_reason(exc)}"
                ) from None
        return store

    @property
    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def short_name(self) -> str:
        """The file name of a SQLite database, else host/database, for headers."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite":
            return (url.database or ":memory:").rsplit("/", 1)[-1]
        return f"{url.host or 'localhost'}/{url.database}"

    @property
    def backend(self) -> str:
        return self.engine.url.get_backend_name()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A writing transaction (takes the write lock at once on SQLite)."""
        try:
            with write_session(self.engine) as session:
                yield session
        except OperationalError as exc:
            raise StoreError(f"database {self.display_url}: {_reason(exc)}") from None
        except ProgrammingError as exc:
            if getattr(exc.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
                raise
            raise StoreError(
                f"database {self.display_url}: {_reason(exc)} for this login (an admin's "
                "`deskline db grant` gives each role what its work writes)"
            ) from None

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with read_session(self.engine) as session:
                yield session
        except OperationalError as exc:
            raise StoreError(f"database {self.display_url}: {_reason(exc)}") from None

    @contextmanager
    def read_rows(self) -> Iterator[Connection]:
        """A reading transaction without the ORM: Core statements on ``storage.tables``
        (the command line's read path, which then loads no SQLModel)."""
        try:
            with read_connection(self.engine) as conn:
                yield conn
        except OperationalError as exc:
            raise StoreError(f"database {self.display_url}: {_reason(exc)}") from None

    def close(self) -> None:
        self.engine.dispose()


INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL: the login's role may not do this


def _reason(exc: DBAPIError) -> str:
    """The driver's own words, first line only."""
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
