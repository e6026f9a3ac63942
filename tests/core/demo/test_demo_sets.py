"""The demo written as sets (``core.demo.sets``) is the desk the Desk writes for the same seed
and time (``through_desk``): the same tickets, events (hash for hash), comments, alerts,
surges, customers, categories and search index, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

import deskline.core.demo as demo
from deskline.core.demo import DemoSummary, fill
from deskline.core.demo.plan import plan_tickets
from deskline.core.desk.search import search
from deskline.core.desk.tickets import Desk
from deskline.core.desk.trail import verify
from deskline.storage import bulk
from deskline.storage.store import Store

NOW = datetime(2026, 4, 2, 8, 30, tzinfo=UTC)
TICKETS = 200
TABLES = {
    "ticket": bulk.TICKETS,
    "comment": bulk.COMMENTS,
    "event": bulk.EVENTS,
    "alert": bulk.ALERTS,
    "surge": bulk.SURGES,
    "customer": bulk.CUSTOMERS,
    "category": bulk.CATEGORIES,
}
WORDS = ("invoice", "VPN", "打印机", "password", "T-7", "refund")


def _bursting(*args: Any) -> list[Any]:
    """The demo's plans with every P0 ticket come in within a quarter of an hour, six hours
    ago: a surge or two (and P0s counted in one going on) for both ways to write."""
    plans = plan_tickets(*args)
    p0 = [p for p in plans if p.priority == "P0"]
    burst = {
        p.index: NOW - timedelta(hours=6) + i * timedelta(seconds=50) for i, p in enumerate(p0)
    }
    return [replace(p, created_at=burst[p.index]) if p.index in burst else p for p in plans]


def _fill(
    url: str, *, through_desk: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[Store, DemoSummary]:
    store = Store.open(url)
    with monkeypatch.context() as m:
        m.setattr(demo, "plan_tickets", _bursting)
        summary = fill(store, now=NOW, tickets=TICKETS, me="alice", through_desk=through_desk)
    return store, summary


def _tables(store: Store) -> dict[str, list[dict[str, Any]]]:
    with store.read() as s:
        conn = s.connection()
        return {
            name: [dict(r) for r in conn.execute(select(t).order_by(t.c.id)).mappings()]
            for name, t in TABLES.items()
        }


def _searched(store: Store) -> dict[str, list[str]]:
    desk = Desk(store, "amy.chen", now=lambda: NOW)
    return {word: [v.key for v in search(desk, word, limit=None)] for word in WORDS}


@pytest.fixture(scope="module")
def by_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Any, Any]]:
    """The demo played through the Desk, on SQLite (made once: it takes a while)."""
    path = tmp_path_factory.mktemp("by-desk") / "demo.db"
    with pytest.MonkeyPatch.context() as m:
        store, summary = _fill(str(path), through_desk=True, monkeypatch=m)
    yield store, _tables(store), summary
    store.close()


def _versions(desk: dict[str, Any], sets: dict[str, Any]) -> None:
    """A ticket's version is its optimistic lock (``Desk`` counts the flushes of its changes,
    autoflushes among them): as sets, one for its making and one a change after, and never
    more than the Desk's."""
    changes: dict[int, int] = {}
    for e in sets["event"]:
        if e["ticket_id"] is not None and e["kind"] not in ("created", "triaged", "surge"):
            changes[e["ticket_id"]] = changes.get(e["ticket_id"], 0) + 1
    for a, b in zip(desk["ticket"], sets["ticket"], strict=True):
        assert b.pop("version") == 1 + changes.get(b["id"], 0) <= a.pop("version"), b["id"]


def test_the_demo_as_sets_is_the_desk_the_desk_writes(by_desk, tmp_path, monkeypatch):
    desk_store, desk, told = by_desk
    store, summary = _fill(str(tmp_path / "sets.db"), through_desk=False, monkeypatch=monkeypatch)
    assert summary == told  # counted from what it wrote, as the Desk's desk reads back
    sets = _tables(store)
    assert sets["surge"] and sets["alert"] and len(sets["ticket"]) == TICKETS  # all exercised
    desk = {name: [dict(r) for r in rows] for name, rows in desk.items()}
    _versions(desk, sets)
    for name in TABLES:
        assert sets[name] == desk[name], name
    with store.read() as s, desk_store.read() as d:
        index = "SELECT rowid, * FROM ticket_text ORDER BY rowid"
        assert s.execute(text(index)).all() == d.execute(text(index)).all()
    assert _searched(store) == _searched(desk_store)
    assert verify(store).holds
    store.close()


def test_on_postgresql_too(by_desk, pg_url, monkeypatch):
    """The same desk but for who wrote it (the PostgreSQL login is in every event, so in
    its hash): the chains hold, and search finds what it finds on the Desk's."""
    desk_store, desk, told = by_desk
    store, summary = _fill(pg_url, through_desk=False, monkeypatch=monkeypatch)
    assert summary == told
    sets = _tables(store)
    desk = {name: [dict(r) for r in rows] for name, rows in desk.items()}
    _versions(desk, sets)
    for a, b in zip(desk["event"], sets["event"], strict=True):
        for key in ("login", "prev_hash", "hash"):
            del a[key], b[key]
    for name in TABLES:
        assert sets[name] == desk[name], name
    assert _searched(store) == _searched(desk_store)
    assert verify(store).holds
    with store.write() as s:  # the id sequences moved past the rows given their ids
        new = s.execute(text("SELECT nextval(pg_get_serial_sequence('ticket', 'id'))")).scalar()
        assert new == len(sets["ticket"]) + 1
    store.close()


def test_the_bar_is_told_as_batches_go_in(tmp_path):
    seen: list[tuple[int, int]] = []
    fill(
        Store.open(str(tmp_path / "bar.db")),
        now=NOW,
        tickets=30,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[0] == (0, 30) and seen[-1] == (30, 30)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_sets_of_a_big_desk_cost_little_each(tmp_path: Path):
    """Guard against a step that grows with the desk (the dealing was quadratic once): 2,000
    tickets may not take twenty times the CPU of 400 (linear: five)."""
    import time

    def cpu(n: int) -> float:
        t0 = time.process_time()
        fill(Store.open(str(tmp_path / f"d{n}.db")), now=NOW, tickets=n)
        return time.process_time() - t0

    cpu(50)  # imports and caches warmed
    assert cpu(2000) < 20 * cpu(400)
