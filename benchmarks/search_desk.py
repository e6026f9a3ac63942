"""Desks of many tickets with comments, built fast, for the search benchmarks
(``bench_search.py``, ``bench_search_typing.py``).

A desk is made at the newest schema by ``Store.open``, then filled set-based: the index's
triggers and the secondary indexes of ``ticket``, ``comment`` and ``ticket_text`` set aside,
tickets and comments loaded (SQLite: one executemany per batch; PostgreSQL: COPY), the index
filled by the statement migration 0011 fills an existing desk with, then the indexes and
triggers made again and the tables analysed. What is searched is what a desk upgraded to
the index holds; the triggers are in place for what follows.

Text: titles, descriptions and comments drawn from a pool of mixed English and Chinese
lines (mostly filler, sometimes an issue: "printer", "打印机", "退款" each in about one
ticket in ten), two comments per ticket on average, every status; open tickets have
running clocks (due times spread over the next days), so the queue's order means something.

``--keep DIR`` (in the scripts) keeps SQLite desks as DIR/desk-N.db and PostgreSQL desks as
schemas ``bench_N`` of the benchmark's database, and reuses one that is complete.
"""

from __future__ import annotations

import importlib.util
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, text

from deskline.storage import bulk
from deskline.storage.migrate import MIGRATIONS
from deskline.storage.models import Agent, KeyCounter, Team
from deskline.storage.store import Store

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
ME = "ana"
BATCH = 50_000
POOL = 20_000  # distinct lines written
ENGLISH = (
    "printer not working on floor 3",
    "VPN drops every ten minutes",
    "Outlook asks for the password again",
    "laptop very slow since the update",
    "cannot connect to the Wi-Fi",
    "ERP report shows error 0x80070005",
    "double payment taken at checkout",
    "need access to the sales mailbox",
    "invoice address is wrong",
    "new starter needs an account on Monday",
)
CHINESE = (
    "打印机卡纸，换纸也没用",
    "退款一周了还没到账",
    "账号被锁定，登录不了",
    "邮件发不出去",
    "无线网络很慢",
    "报表系统一直报错",
    "更新后 VPN 连不上",
    "会议室投影仪打不开",
    "发票抬头开错了",
    "申请开通共享盘权限",
)
FILLER = (
    "thanks",
    "please check",
    "any update?",
    "we restarted it",
    "谢谢",
    "麻烦尽快处理",
    "客户在催",
    "已经重启过了",
    "see the screenshot",
    "still happening",
)
STATUSES = ("new", "assigned", "in_progress", "pending", "resolved", "closed", "closed")
OPEN = {"new", "assigned", "in_progress"}
TICKET_COLUMNS = (
    "id",
    "number",
    "title",
    "description",
    "priority",
    "status",
    "channel",
    "tags",
    "team_id",
    "assignee_id",
    "created_at",
    "updated_at",
    "resolution_due_at",
    "next_due_at",
    "at_risk_at",
    "escalation_level",
    "reopen_count",
    "version",
    "pause_credit_seconds",
)
COMMENT_COLUMNS = ("ticket_id", "kind", "body", "created_at")


def _index_migration() -> Any:
    """Migration 0011's module: the index's triggers and the statement that fills it."""
    path = next((MIGRATIONS / "versions").glob("0011_*.py"))
    spec = importlib.util.spec_from_file_location("search_index_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


INDEX = _index_migration()


def sentence(rng: random.Random) -> str:
    """A line of what customers and agents write: mostly filler, sometimes an issue."""
    words = [rng.choice(FILLER) for _ in range(rng.randint(2, 6))]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words) + 1), rng.choice(ENGLISH + CHINESE))
    return " ".join(words)


def rows(tickets: int) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """(tickets, comments) a batch at a time, as tuples in TICKET_COLUMNS/COMMENT_COLUMNS
    order; the same for a size on either backend. Numbers grow with creation time."""
    rng = random.Random(tickets)
    pool = [sentence(rng) for _ in range(POOL)]
    titles = ENGLISH + CHINESE
    start = NOW - timedelta(days=365 * 3)
    step = (NOW - start) / tickets
    batch: list[tuple[Any, ...]] = []
    notes: list[tuple[Any, ...]] = []
    for number in range(1, tickets + 1):
        made = start + step * number
        status = rng.choice(STATUSES)
        due = NOW + timedelta(minutes=rng.randrange(-600, 60 * 24 * 5)) if status in OPEN else None
        batch.append(
            (
                number,
                number,
                rng.choice(titles),
                rng.choice(pool),
                rng.choice(("P0", "P1", "P2", "P2", "P3")),
                status,
                "email",
                rng.choice(("", "", "vpn", "printer", "billing")),
                1,
                1 if status != "new" and rng.random() < 0.05 else None,
                made,
                made,
                due,
                due,
                None if due is None else due - timedelta(hours=2),
                0,
                0,
                1,
                0,
            )
        )
        for _ in range(rng.choice((0, 1, 2, 3, 4))):
            notes.append((number, "note", rng.choice(pool), made))
        if len(batch) == BATCH:
            yield batch, notes
            batch, notes = [], []
    if batch:
        yield batch, notes


def pg_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


def open_desk(backend: str, tickets: int, *, keep: Path | None, pg: str) -> tuple[Store, float]:
    """The desk of ``tickets`` tickets on ``backend``, and the seconds it took to build
    (0 when a kept one was reused). Without ``keep``, a temporary one (see ``discard``)."""
    if backend == "sqlite":
        folder = keep or Path(TEMP.name)
        path = folder / f"desk-{tickets}.db"
        if keep is not None and _complete_sqlite(path, tickets):
            return Store.open(str(path)), 0.0
        for stale in folder.glob(f"desk-{tickets}.db*"):
            stale.unlink()
        url = str(path)
    else:
        schema = f"bench_{tickets}" if keep is not None else f"bench_tmp_{tickets}"
        admin = create_engine(pg)
        with admin.begin() as conn:  # the extension outside the desks' schemas, dropped
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
            found = conn.execute(
                text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"),
                {"s": schema},
            ).scalar()
            if found and keep is not None:
                url = pg_url(pg, schema)
                store = Store.open(url)
                with store.read() as s:
                    have = s.execute(text("SELECT count(*) FROM ticket")).scalar_one()
                if have == tickets:
                    admin.dispose()
                    return store, 0.0
                store.close()
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        url = pg_url(pg, schema)
    began = time.perf_counter()
    store = Store.open(url)
    fill(store, tickets)
    return store, time.perf_counter() - began


def discard(store: Store, backend: str, *, keep: Path | None, pg: str) -> None:
    """Close the desk; a temporary one is removed."""
    schema = None
    if backend == "postgresql" and keep is None:
        with store.read() as s:
            schema = s.execute(text("SELECT current_schema()")).scalar_one()
    store.close()
    if schema is not None:
        admin = create_engine(pg)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class _Temp:
    """A temporary folder for SQLite desks, made when first asked for."""

    def __init__(self) -> None:
        self._folder: Any = None

    @property
    def name(self) -> str:
        if self._folder is None:
            import tempfile

            self._folder = tempfile.TemporaryDirectory(prefix="bench-search-")
        return str(self._folder.name)


TEMP = _Temp()


def _complete_sqlite(path: Path, tickets: int) -> bool:
    if not path.exists():
        return False
    store = Store.open(str(path))
    try:
        with store.read() as s:
            return bool(s.execute(text("SELECT count(*) FROM ticket")).scalar_one() == tickets)
    finally:
        store.close()


def fill(store: Store, tickets: int) -> None:
    """The desk's team, agent, tickets and comments, and the index, set-based."""
    sqlite = store.engine.dialect.name == "sqlite"
    with store.write() as s:
        conn = s.connection()
        bulk.insert_rows(s, Team.__table__, [{"id": 1, "name": "Service Desk"}])
        agent = {
            "id": 1,
            "handle": ME,
            "name": "Ana",
            "role": "agent",
            "team_id": 1,
            "skills": "",
            "on_duty": True,
            "max_active": 10,
            "last_routed": 0,
        }
        bulk.insert_rows(s, Agent.__table__, [agent])
        indexes = _set_aside(conn, sqlite)
        raw = conn.connection.dbapi_connection
        assert raw is not None
        for batch, notes in rows(tickets):
            if sqlite:
                _sqlite_load(raw, "ticket", TICKET_COLUMNS, batch)
                _sqlite_load(raw, "comment", COMMENT_COLUMNS, notes)
            else:
                _pg_copy(raw, "ticket", TICKET_COLUMNS, batch)
                _pg_copy(raw, "comment", COMMENT_COLUMNS, notes)
        for ddl in indexes:  # before the fill, which reads each ticket's comments by them
            conn.exec_driver_sql(ddl)
        conn.exec_driver_sql(INDEX.SQLITE_FILL if sqlite else INDEX.PG_FILL)
        if sqlite:
            INDEX.create_triggers(conn)
        else:
            conn.exec_driver_sql("ALTER TABLE ticket ENABLE TRIGGER USER")
            conn.exec_driver_sql("ALTER TABLE comment ENABLE TRIGGER USER")
        counter = KeyCounter.__table__  # type: ignore[attr-defined]
        conn.execute(counter.update().where(counter.c.name == "ticket").values(value=tickets))
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


TABLES = ("ticket", "comment", "ticket_text")


def _set_aside(conn: Any, sqlite: bool) -> list[str]:
    """Drop the index's triggers and the secondary indexes (not those behind a key or a
    unique constraint) of the tables filled; returns the DDL that makes the indexes again."""
    if sqlite:
        for name in INDEX.SQLITE_TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
        found = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN {TABLES}"
        ).all()
    else:
        conn.exec_driver_sql("ALTER TABLE ticket DISABLE TRIGGER USER")
        conn.exec_driver_sql("ALTER TABLE comment DISABLE TRIGGER USER")
        found = conn.exec_driver_sql(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() "
            f"AND i.tablename IN {TABLES} AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname)"
        ).all()
    for name, _ in found:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [ddl for _, ddl in found]


def _sqlite_time(value: datetime | None) -> str | None:
    return None if value is None else value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_load(
    raw: Any, table: str, names: tuple[str, ...], batch: list[tuple[Any, ...]]
) -> None:
    times = [i for i, n in enumerate(names) if n.endswith("_at")]
    values = []
    for row in batch:
        fixed = list(row)
        for i in times:
            fixed[i] = _sqlite_time(fixed[i])
        values.append(fixed)
    marks = ", ".join("?" * len(names))
    raw.cursor().executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", values)


def _pg_copy(raw: Any, table: str, names: tuple[str, ...], batch: list[tuple[Any, ...]]) -> None:
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        for row in batch:
            copy.write_row(row)
