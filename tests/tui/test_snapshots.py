"""Snapshots of every workspace screen, on the demo desk with a frozen clock (stable SVGs)."""

from __future__ import annotations

import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Input

from core.config import default_rules
from core.demo import fill
from core.desk import Desk
from storage.store import Store
from tui.app import DesklineApp

NOW = datetime(2026, 4, 2, 6, 30, tzinfo=UTC)  # a Thursday, 14:30 in Shanghai
ME = "ana.demo"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    os.environ["TZ"] = "UTC"
    time.tzset()
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = Store.open(str(path))
    fill(store, now=NOW, me=ME, rules=default_rules())
    store.close()
    return path


@pytest.fixture
def app(demo_file, tmp_path, monkeypatch) -> DesklineApp:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    copy = tmp_path / "demo.db"
    shutil.copy(demo_file, copy)
    desk = Desk(Store.open(str(copy)), ME, now=lambda: NOW, rules=default_rules())
    return DesklineApp(desk)


async def settled(pilot) -> None:
    for _ in range(4):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_workspace_at_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled)


def test_workspace_at_160x48(snap_compare, app):
    assert snap_compare(app, terminal_size=(160, 48), run_before=settled)


def test_quick_create_modal(snap_compare, app):
    async def open_modal(pilot) -> None:
        await settled(pilot)
        await pilot.press("ctrl+t", *"Caller: printer on fire")
        await settled(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_modal)


def test_help_screen(snap_compare, app):
    async def open_help(pilot) -> None:
        await settled(pilot)
        await pilot.press("question_mark")
        await settled(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_help)


def test_error_toast(snap_compare, app):
    async def refuse(pilot) -> None:
        await settled(pilot)
        await pilot.press("o")  # reopening an open ticket is refused
        await settled(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=refuse)
