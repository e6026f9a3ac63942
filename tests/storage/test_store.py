"""The store on a real SQLite file and on the real PostgreSQL server (each test runs on both)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from deskline.storage import queries
from deskline.storage.engine import StoreError, resolve_url
from deskline.storage.models import Ticket
from deskline.storage.store import Store

NOW = datetime(2026, 4, 2, 14, 30, tzinfo=UTC)


def add_ticket(store: Store, title: str = "t") -> int:
    with store.write() as s:
        number = queries.next_ticket_number(s)
        s.add(Ticket(number=number, title=title, created_at=NOW, updated_at=NOW))
    return number


def test_times_come_back_as_the_same_utc_instant(store):
    cest = timezone(timedelta(hours=2))
    with store.write() as s:
        s.add(
            Ticket(
                number=1,
                title="t",
                created_at=datetime(2026, 4, 2, 16, 30, tzinfo=cest),
                updated_at=NOW,
            )
        )
    with store.read() as s:
        t = s.exec(select(Ticket)).one()
    assert t.created_at == NOW and t.created_at.tzinfo == UTC


def test_naive_times_are_refused(store):
    with pytest.raises(StatementError, match="naive datetime"):
        with store.write() as s:
            s.add(Ticket(number=1, title="t", created_at=datetime(2026, 4, 2), updated_at=NOW))


def test_ticket_numbers_stay_unique_under_concurrent_writers(store):
    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = list(pool.map(lambda i: add_ticket(store, f"t{i}"), range(30)))
    assert sorted(numbers) == list(range(1, 31))


def test_version_counts_up_on_every_change(store):
    add_ticket(store)
    for expected in (2, 3):
        with store.write() as s:
            t = queries.ticket_by_number(s, 1)
            t.title += "!"
        assert t.version == expected


def test_merging_an_edit_made_on_an_old_copy_is_a_stale_edit(store):
    add_ticket(store)
    with store.read() as s:
        old_copy = queries.ticket_by_number(s, 1)
    with store.write() as s:
        queries.ticket_by_number(s, 1).title = "changed by someone else"
    old_copy.title = "my edit"
    with pytest.raises(StaleDataError):
        with store.write() as s:
            s.merge(old_copy)
    with store.read() as s:
        assert queries.ticket_by_number(s, 1).title == "changed by someone else"


def test_two_postgres_sessions_updating_the_same_version_lose_nothing(pg_url):
    """The second writer's UPDATE ... WHERE version = 1 matches no row: StaleDataError.
    (SQLite writers never interleave like this: BEGIN IMMEDIATE serialises them.)"""
    store = Store.open(pg_url)
    add_ticket(store)
    first, second = Session(store.engine), Session(store.engine)
    a = first.exec(select(Ticket)).one()
    b = second.exec(select(Ticket)).one()
    a.title = "first"
    first.commit()
    b.title = "second"
    with pytest.raises(StaleDataError):
        second.commit()
    second.rollback()
    first.close(), second.close()
    with store.read() as s:
        assert s.exec(select(Ticket)).one().title == "first"
    store.close()


def test_sqlite_connections_get_wal_busy_timeout_foreign_keys_and_normal_sync(sqlite_url):
    store = Store.open(sqlite_url)
    with store.read() as s:
        pragma = {
            name: s.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
        }
    assert pragma == {
        "journal_mode": "wal",
        "busy_timeout": 10000,
        "foreign_keys": 1,
        "synchronous": 1,
    }


def test_sqlite_writer_waits_for_the_lock_instead_of_failing(sqlite_url):
    """With BEGIN IMMEDIATE a second writer queues behind the first (busy timeout), and a
    reader is never blocked by a writer (WAL)."""
    store = Store.open(sqlite_url)
    add_ticket(store)
    holding = threading.Event()

    def slow_writer() -> None:
        with store.write() as s:
            queries.ticket_by_number(s, 1).title = "slow"
            holding.set()
            time.sleep(0.6)

    thread = threading.Thread(target=slow_writer)
    thread.start()
    holding.wait()
    started = time.monotonic()
    with store.read() as s:  # not blocked
        assert queries.ticket_by_number(s, 1).title == "t"
    assert time.monotonic() - started < 0.5
    with store.write() as s:  # waits for the slow writer, then succeeds
        queries.ticket_by_number(s, 1).title += " then fast"
    thread.join()
    with store.read() as s:
        assert queries.ticket_by_number(s, 1).title == "slow then fast"


def test_foreign_keys_are_enforced(store):
    with pytest.raises(Exception, match="(?i)foreign key"):
        with store.write() as s:
            s.add(Ticket(number=1, title="t", assignee_id=999, created_at=NOW, updated_at=NOW))


def test_database_urls_and_paths(tmp_path, monkeypatch):
    assert resolve_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("DESKLINE_DB", str(tmp_path / "env.db"))
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.delenv("DESKLINE_DB")
    assert resolve_url(None).endswith("/deskline/deskline.db")


def test_unreachable_database_is_one_clear_error(tmp_path):
    with pytest.raises(StoreError, match="folder .* does not exist"):
        Store.open(str(tmp_path / "missing" / "x.db"))
    with pytest.raises(StoreError, match="cannot open database .*Connection refused"):
        Store.open("postgresql+psycopg://postgres@127.0.0.1:1/none")
