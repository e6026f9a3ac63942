"""The Feed on SQLite files and PostgreSQL: which tickets changed since the last look."""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import pytest

from deskline.core.desk.feed import Feed
from deskline.core.desk.tickets import Desk
from deskline.storage.store import Store


def number(key: str) -> int:
    return int(key.removeprefix("T-"))


@pytest.fixture
def other(db_url, desk):
    """A second client of the same database: its own Store, engine and connections."""
    store = Store.open(db_url)
    yield Desk(store, "bo")
    store.close()


@pytest.fixture
def feed(store, desk):
    feed = Feed(store)
    yield feed
    feed.close()


def test_a_feed_starts_at_now_and_reports_nothing_until_something_changes(desk, store):
    desk.create("before the feed")
    feed = Feed(store)
    assert feed.poll() == []
    feed.close()


def test_poll_returns_each_changed_ticket_once_in_order_of_first_change(feed, desk, other):
    a, b, c = (desk.create(t).key for t in ("a", "b", "c"))
    assert feed.poll() == [number(a), number(b), number(c)]
    other.take(b)
    other.note(b, "looking")
    desk.reply(a, "on it")
    other.note(b, "still looking")
    assert feed.poll() == [number(b), number(a)]
    assert feed.poll() == []


def test_a_poll_reads_past_a_full_page(feed, desk, monkeypatch):
    monkeypatch.setattr("deskline.core.desk.feed.PAGE", 2)
    keys = [desk.create(str(i)).key for i in range(5)]
    assert feed.poll() == [number(k) for k in keys]
    assert feed.poll() == []


def test_two_feeds_each_see_every_change(store, desk, other):
    mine, theirs = Feed(store), Feed(other.store)
    key = other.create("seen by both").key
    assert mine.poll() == [number(key)] == theirs.poll()
    mine.close()
    theirs.close()


def test_a_ticket_created_by_another_process_is_reported_within_two_seconds(
    db_url, feed, require, tmp_path
):
    exe = shutil.which("deskline")
    require("the deskline command (pip install -e .)", exe is not None)
    assert exe is not None
    result = subprocess.run(
        [exe, "--db", db_url, "--as", "ana", "new", "--title", "x", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,  # no deskline.toml from the working directory
    )
    assert result.returncode == 0, result.stderr
    created = number(json.loads(result.stdout)["key"])
    deadline = time.monotonic() + 2.0
    changed: list[int] = []
    while not changed and time.monotonic() < deadline:
        changed = feed.poll()
        time.sleep(0.02)
    assert changed == [created]
