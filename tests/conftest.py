"""Shared fixtures: real SQLite files and the real PostgreSQL server, one fresh database each."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from core.agents import Roster
from core.desk import Desk
from storage.store import Store

PG_URL = os.environ.get("DESKLINE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE = os.environ.get("DESKLINE_REQUIRE_INTEGRATION") == "1"


def need(what: str, available: bool) -> None:
    """Skip a test whose tool or service is missing; fail under DESKLINE_REQUIRE_INTEGRATION=1."""
    if available:
        return
    if REQUIRE:
        pytest.fail(f"{what} is required (DESKLINE_REQUIRE_INTEGRATION=1) but not available")
    pytest.skip(f"{what} is not available")


def need_tool(name: str) -> str:
    path = shutil.which(name)
    need(f"the {name} command", path is not None)
    assert path is not None
    return path


_pg_ok: bool | None = None


def postgres_available() -> bool:
    global _pg_ok
    if _pg_ok is None:
        try:
            engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
            with engine.connect():
                pass
            engine.dispose()
            _pg_ok = True
        except Exception:
            _pg_ok = False
    return _pg_ok


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL to an empty PostgreSQL schema of its own, dropped afterwards."""
    need(f"PostgreSQL at {PG_URL}", postgres_available())
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'deskline.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    """Each test that uses it runs on a fresh SQLite file and on a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url) -> Iterator[Store]:
    store = Store.open(db_url)
    yield store
    store.close()


@pytest.fixture
def desk(store) -> Desk:
    """A desk with two agents, acting as ``ana`` (a supervisor of Service Desk)."""
    roster = Roster(store)
    roster.add("ana", name="Ana Silva", role="supervisor", team="Service Desk")
    roster.add("bo", name="Bo Wang", team="Service Desk")
    return Desk(store, "ana")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path) -> None:
    """No test reads the developer's own database, config or identity."""
    for name in ("DESKLINE_DB", "DESKLINE_CONFIG", "DESKLINE_AS", "DESKLINE_NOW"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture
def require():
    """``require(what, available)``: skip, or fail under DESKLINE_REQUIRE_INTEGRATION=1."""
    return need
