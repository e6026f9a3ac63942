"""Shared fixtures: real SQLite files and the real PostgreSQL server, one fresh database each."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis.configuration import set_hypothesis_home_dir
from sqlalchemy import create_engine, text

from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.storage.store import Store

# What the suite leaves behind goes to the temporary directory, never into the checkout: the
# snapshot report of a failed snapshot, and hypothesis's examples database.
LEFTOVERS = Path(tempfile.gettempdir()) / "deskline-tests"
set_hypothesis_home_dir(LEFTOVERS / "hypothesis")


def pytest_configure(config: pytest.Config) -> None:
    if getattr(config.option, "snapshot_report", None) == "snapshot_report.html":
        config.option.snapshot_report = str(LEFTOVERS / "snapshot_report.html")


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


# -- the demo desk, frozen (snapshots) ------------------------------------------------------

DEMO_NOW = datetime(2026, 4, 2, 6, 30, tzinfo=UTC)  # a Thursday, 14:30 in Shanghai
DEMO_ME = "ana.demo"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """The demo desk at DEMO_NOW with DEMO_ME in it, made once per test module (TZ=UTC)."""
    from deskline.core.demo import fill
    from deskline.core.sla.defaults import default_rules

    os.environ["TZ"] = "UTC"
    time.tzset()
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = Store.open(str(path))
    fill(store, now=DEMO_NOW, me=DEMO_ME, rules=default_rules())
    store.close()
    return path


@pytest.fixture
def demo_copy(demo_file, tmp_path, monkeypatch) -> Path:
    """A copy of the demo desk of the test's own, to change at will."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    copy = tmp_path / "demo.db"
    shutil.copy(demo_file, copy)
    return copy


# -- a real terminal ---------------------------------------------------------------------


@pytest.fixture
def tmux(require):
    """``(run, deskline)``: tmux on a server of the test's own, and the installed command."""
    exe = shutil.which("tmux")
    require("tmux", exe is not None)
    deskline = shutil.which("deskline")
    require("the installed deskline command (pip install -e .)", deskline is not None)
    socket = f"deskline-test-{uuid.uuid4().hex[:8]}"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([exe, "-L", socket, *args], capture_output=True, text=True)

    yield run, deskline
    run("kill-server")


def poll(predicate, timeout: float = 20.0, every: float = 0.1):
    """The predicate's first true value within ``timeout`` (else its last value)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return predicate()


class FrozenClock:
    """A clock a test moves by hand: ``clock.t = ...`` or ``clock.at(minutes after t0)``."""

    def __init__(self, t0: datetime) -> None:
        self.t0 = self.t = t0

    def __call__(self) -> datetime:
        return self.t

    def at(self, minutes: float) -> datetime:
        self.t = self.t0 + timedelta(minutes=minutes)
        return self.t


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


# -- a desktop of the test's own: D-Bus session, Xvfb display, dunst ---------------------


def no_desktop_session(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(name, raising=False)


def wait_for(what: str, ready, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {timeout:g} s")
        time.sleep(0.05)


@dataclass
class DesktopSession:
    """A private D-Bus session bus, and optionally an X display with dunst on it."""

    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, *command: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            command,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    def has_owner(self, name: str) -> bool:
        done = subprocess.run(
            [
                "dbus-send",
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                f"string:{name}",
            ],
            env=self.env,
            capture_output=True,
            text=True,
        )
        return "boolean true" in done.stdout

    def close(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout:
                process.stdout.close()


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[DesktopSession]:
    """A session bus of the test's own, set in the environment, with no notification daemon."""
    need_tool("dbus-daemon")
    need_tool("dbus-send")
    no_desktop_session(monkeypatch)
    session = DesktopSession(env=dict(os.environ))
    try:
        daemon = session.start("dbus-daemon", "--session", "--nofork", "--print-address=1")
        assert daemon.stdout is not None
        address = daemon.stdout.readline().decode().strip()
        assert address, "dbus-daemon printed no address"
        session.env["DBUS_SESSION_BUS_ADDRESS"] = address
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        yield session
    finally:
        session.close()


@pytest.fixture
def desktop(bus: DesktopSession, monkeypatch: pytest.MonkeyPatch) -> DesktopSession:
    """The bus plus an Xvfb display running the dunst notification daemon."""
    for tool in ("Xvfb", "dunst", "dunstctl", "notify-send"):
        need_tool(tool)
    xvfb = bus.start("Xvfb", "-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "800x600x24")
    assert xvfb.stdout is not None
    display = f":{xvfb.stdout.readline().decode().strip()}"
    assert display != ":", "Xvfb printed no display number"
    bus.env["DISPLAY"] = display
    monkeypatch.setenv("DISPLAY", display)
    bus.start("dunst")
    wait_for("dunst on the bus", lambda: bus.has_owner("org.freedesktop.Notifications"))
    return bus


@pytest.fixture
def secret_service(bus: DesktopSession, tmp_path_factory) -> DesktopSession:
    """The bus plus gnome-keyring's Secret Service, its login keyring made and unlocked
    (with a password of the test's own, from stdin: no prompt), in a home of its own."""
    need_tool("gnome-keyring-daemon")
    home = tmp_path_factory.mktemp("keyring-home")
    runtime = tmp_path_factory.mktemp("keyring-run")
    runtime.chmod(0o700)
    env = {**bus.env, "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime)}
    daemon = subprocess.Popen(
        ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    bus.processes.append(daemon)
    assert daemon.stdin is not None
    daemon.stdin.write(b"test-login-keyring")
    daemon.stdin.close()
    wait_for("the Secret Service on the bus", lambda: bus.has_owner("org.freedesktop.secrets"))
    return bus


def dunst_history(session: DesktopSession, timeout: float = 10.0) -> list[dict[str, Any]]:
    """What dunst has shown, read back once it has shown something."""
    deadline = time.monotonic() + timeout
    while True:
        subprocess.run(["dunstctl", "close-all"], env=session.env, check=True)
        history = subprocess.run(
            ["dunstctl", "history"], env=session.env, check=True, capture_output=True, text=True
        )
        shown = [
            {key: value["data"] for key, value in notification.items()}
            for notification in json.loads(history.stdout)["data"][0]
        ]
        if shown or time.monotonic() > deadline:
            return shown
        time.sleep(0.05)


async def workers_done(app) -> None:
    """Wait for the app's workers to finish, but for the pollers that run as long as it does
    (the change feed, my alerts)."""
    from textual.worker import WorkerCancelled

    from deskline.tui.pace import POLLERS

    # An exclusive worker replaced by a newer one ends cancelled: that is not a failure,
    # and the newer one may have started meanwhile, so look again until none is running.
    while finite := [w for w in app.workers if w.group not in POLLERS and not w.is_finished]:
        for worker in finite:
            try:
                await worker.wait()
            except WorkerCancelled:
                pass


async def settle(pilot) -> None:
    """Let a pilot's app finish what its keys started: messages, the detail that follows the
    cursor once it rests, and the workers that read and write."""
    for _ in range(3):
        await pilot.pause()
        while getattr(pilot.app.screen, "_detail_timer", None) is not None:
            await pilot.pause(0.05)
        await workers_done(pilot.app)
    await pilot.pause()
