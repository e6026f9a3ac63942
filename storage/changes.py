"""The change feed: what every client reads to see changes made by the others.

Each writing use case appends its change rows (``record``) in its own transaction, so a
row exists exactly when the change is committed. Ids grow in commit order, so a client
remembers the newest id it has seen (its position) and asks for what came after it
(``changes_since``). ``ChangeWatcher`` tells cheaply *whether* to ask:

- SQLite: ``PRAGMA data_version`` on a connection of its own, kept outside any
  transaction. It changes when any *other* connection commits to the file: other
  processes, and this process's own Store too (its pooled connections are other
  connections to the watcher's). Only then is the newest id read.
- PostgreSQL: ``LISTEN deskline_changes`` on a connection of its own (autocommit);
  ``record`` issues ``pg_notify`` in the writing transaction, so the notification is
  delivered on commit, and never for a rollback. Only then is the newest id read. If
  the listening connection cannot be had or breaks, every poll reads the newest id
  until it is back.
- Anything else (or an in-memory SQLite database): every poll reads the newest id.
"""

from __future__ import annotations

import select
import sqlite3
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from sqlalchemy import insert, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func

from deskline.storage.engine import sqlite_path
from deskline.storage.models import Change, Ticket
from deskline.storage.store import Store

CHANNEL = "deskline_changes"
RETRY_LISTEN_SECONDS = 5.0
RECHECK_SECONDS = 30.0


class TicketChange(NamedTuple):
    """One row of the feed: its id (the position after reading it), the ticket (None: a
    change to the desk itself, e.g. kind "policy"), the kind."""

    id: int
    number: int | None
    kind: str


def record(session: Session, ticket_ids: Sequence[int | None], kind: str, at: datetime) -> None:
    """Append one change row per ticket to the feed, in the caller's transaction (one insert);
    a ticket id None is a change to the desk itself (a new policy version).

    Call it as the transaction's last step. On PostgreSQL the feed's table lock is held
    from here to commit, so ids are handed out in commit order and a reader's position
    never skips a row that commits later; on SQLite the write lock already does that.
    """
    rows = [{"ticket_id": t, "at": at, "kind": kind} for t in ticket_ids]
    if not rows:
        return
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # EXCLUSIVE lets readers of the feed through but no other writer.
        session.execute(text("LOCK TABLE change IN EXCLUSIVE MODE"))
    session.execute(insert(Change), rows)
    if postgres:
        # The payload names the schema: one database may hold several desks.
        session.execute(sa_select(func.pg_notify(CHANNEL, func.current_schema())))


def latest_change_id(session: Session) -> int:
    """The feed's position now: the newest change id, 0 for an empty feed."""
    return int(session.execute(sa_select(func.max(col(Change.id)))).scalar_one() or 0)


def changes_since(session: Session, after_id: int, limit: int = 500) -> list[TicketChange]:
    """The changes after ``after_id``, oldest first, at most ``limit`` of them."""
    stmt = (
        sa_select(col(Change.id), col(Ticket.number), col(Change.kind))
        .outerjoin(Ticket, col(Change.ticket_id) == col(Ticket.id))
        .where(col(Change.id) > after_id)
        .order_by(col(Change.id))
        .limit(limit)
    )
    return [TicketChange(*row) for row in session.execute(stmt).all()]


class _Signal(Protocol):
    """A cheap sign that the feed may have grown; the newest id is read only after one."""

    def fired(self) -> bool: ...

    def close(self) -> None: ...


class ChangeWatcher:
    """Says whether the feed grew since the last poll; cheap when it did not.

    Poll it from one thread at a time (a worker thread is fine: it may be another thread
    than the one that made it). It counts every committed change, this process's own
    included.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._signal = _signal_for(store)
        self._unread = False  # the signal fired but reading the feed failed
        # After the signal is set up, so a commit in between is seen by the first poll.
        self.position = self._latest()

    def poll(self) -> bool:
        """True when changes were committed since the last poll (or since the watcher began)."""
        with self._lock:
            if not self._signal.fired() and not self._unread:
                return False
            self._unread = True  # until the read below succeeds: an error must not lose it
            latest = self._latest()
            self._unread = False
            if latest <= self.position:
                return False
            self.position = latest
            return True

    def close(self) -> None:
        with self._lock:
            self._signal.close()

    def _latest(self) -> int:
        with self.store.read() as s:
            return latest_change_id(s)


def _signal_for(store: Store) -> _Signal:
    if store.backend == "postgresql":
        return _Notifications(store)
    path = sqlite_path(store.url)
    if path is not None:
        return _DataVersion(str(path))
    return _Always()


class _Always:
    """No cheap signal: read the newest id every time."""

    def fired(self) -> bool:
        return True

    def close(self) -> None:
        pass


class _DataVersion:
    """SQLite's data_version on a connection of its own, which never opens a transaction
    (so it never holds back a WAL checkpoint) and never writes (so every commit to the
    file is another connection's and moves the number)."""

    def __init__(self, path: str) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._version = self._read()

    def _read(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchall()[0][0])

    def fired(self) -> bool:
        version = self._read()
        if version == self._version:
            return False
        self._version = version
        return True

    def close(self) -> None:
        self._conn.close()


class _Notifications:
    """LISTEN on a dedicated autocommit connection; falls back to polling while it is down.

    Notifications name their schema; those of other desks in the same database (other
    schemas) are ignored. It also fires every ``RECHECK_SECONDS`` on its own, so a
    connection that died without a word (a dropped network path) delays changes by that
    much at worst, never forever.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._error: Any = store.engine.dialect.loaded_dbapi.Error
        self._conn: Any = None
        self._schema = ""
        self._retry_at = 0.0
        self._recheck_at = time.monotonic() + RECHECK_SECONDS
        self._listen()

    def _listen(self) -> None:
        dialect = self._store.engine.dialect
        cargs, cparams = dialect.create_connect_args(self._store.engine.url)
        conn: Any = None
        try:
            conn = dialect.connect(*cargs, **cparams)
            conn.autocommit = True
            self._schema = conn.execute("SELECT current_schema()").fetchone()[0]
            conn.execute(f"LISTEN {CHANNEL}")  # the last statement this connection runs
        except self._error:  # the server is unreachable now: poll, and try again later
            if conn is not None:
                conn.close()
            self._retry_at = time.monotonic() + RETRY_LISTEN_SECONDS
            return
        self._conn = conn

    def fired(self) -> bool:
        now = time.monotonic()
        if self._conn is None:
            if now >= self._retry_at:
                self._listen()  # notifications sent while down are lost: read anyway
            return True
        if now >= self._recheck_at:
            self._recheck_at = now + RECHECK_SECONDS
            return True
        try:
            # Nothing runs on this connection but LISTEN, so whatever arrives after it is
            # on the socket: an empty socket means no notification, without a round trip.
            ready, _, _ = select.select([self._conn.fileno()], [], [], 0)
            if not ready:
                return False
            notes = list(self._conn.notifies(timeout=0))
            # No notification at all: the server's last words before it drops us; look.
            return not notes or any(n.payload == self._schema for n in notes)
        except (OSError, ValueError, self._error):
            # The connection broke: read the newest id until it is back.
            self.close()
            self._retry_at = now
            return True

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
