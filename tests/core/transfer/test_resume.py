"""An import killed (-9) at random moments, again and again, then run to its end: the desk
holds exactly what one uninterrupted import makes, row for row and hash for hash."""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from deskline.core.desk.trail import verify
from deskline.core.roster.agents import Roster
from deskline.storage.store import Store

TICKETS = 3000
CHILD = """
import sys
from pathlib import Path
from deskline.core.desk.tickets import Desk
from deskline.core.transfer import presets
from deskline.core.transfer.load import Importer, Options
from deskline.storage.store import Store

store = Store.open(sys.argv[1])
options = Options(Path(sys.argv[2]), "csv", presets.DESKLINE, Path(sys.argv[3]))
print(Importer(Desk(store, "ada"), options, batch=40, comment_batch=300).run().created)
"""
HEADER = (
    "external_id,subject,description,requester_email,customer,status,priority,category,"
    "assignee,created_at,updated_at,first_response_at,solved_at,closed_at"
)


def files(tmp_path: Path) -> tuple[Path, Path]:
    rng = random.Random(11)
    start = datetime(2026, 6, 1, tzinfo=UTC)
    tickets, comments = tmp_path / "t.csv", tmp_path / "c.csv"
    with tickets.open("w", newline="") as tf, comments.open("w", newline="") as cf:
        tw, cw = csv.writer(tf), csv.writer(cf)
        tw.writerow(HEADER.split(","))
        cw.writerow(["external_id", "author", "public", "created_at", "body"])
        for i in range(TICKETS):
            made = start + timedelta(hours=i)
            status = rng.choice(("closed", "resolved", "in_progress", "new"))
            solved = made + timedelta(hours=5) if status in ("closed", "resolved") else None
            closed = made + timedelta(hours=9) if status == "closed" else None

            def at(value: datetime | None) -> str:
                return value.isoformat() if value else ""

            tw.writerow(
                [
                    f"Z-{i}",
                    f"Ticket {i}",
                    "Something broke.",
                    f"p{i % 97}@c{i % 13}.example",
                    f"Customer {i % 13}",
                    status,
                    rng.choice(("P0", "P1", "P2", "P3")),
                    f"Area {i % 5}",
                    "ana" if status != "new" else "",
                    at(made),
                    at(closed or solved or made + timedelta(hours=1)),
                    at(made + timedelta(minutes=30)),
                    at(solved),
                    at(closed),
                ]
            )
            for k in range(3):
                cw.writerow(
                    [
                        f"Z-{i}",
                        "ana",
                        "true" if k else "false",
                        at(made + timedelta(minutes=k)),
                        f"c{k}",
                    ]
                )
    return tickets, comments


def fresh(url: str) -> None:
    store = Store.open(url)
    roster = Roster(store)
    roster.add("ada", name="Ada Admin", role="admin", team="Service Desk")
    roster.add("ana", name="Ana Silva", team="Service Desk")
    store.close()


def start(url: str, tickets: Path, comments: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(tickets), str(comments)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# What the desk holds, by external id (ids from a sequence need not match on PostgreSQL:
# a killed transaction spends them), every time as UTC text.
PICTURE = {
    "ticket": "SELECT external_id, number, title, status, priority, first_response_due_at, "
    "resolution_due_at, next_check_at, next_due_at FROM ticket",
    "comment": "SELECT t.external_id, c.kind, c.body, c.created_at FROM comment c "
    "JOIN ticket t ON t.id = c.ticket_id",
    "event": "SELECT t.external_id, e.kind, e.at, e.reason FROM event e "
    "JOIN ticket t ON t.id = e.ticket_id",
    "alert": "SELECT t.external_id, a.rung, a.threshold, a.at, a.fired_at FROM alert a "
    "JOIN ticket t ON t.id = a.ticket_id",
    "contact": "SELECT c.name, e.address FROM contact c JOIN contact_email e "
    "ON e.contact_id = c.id",
    "change": "SELECT t.external_id, c.kind FROM change c JOIN ticket t ON t.id = c.ticket_id",
}
# SQLite: the search index's rows, as the triggers would have made them (a killed batch's
# tickets are indexed by the run that finishes, once).
SQLITE_INDEX = (
    "SELECT t.external_id, x.title, x.description, x.comments, x.labels FROM ticket_text x "
    "JOIN ticket t ON t.id = x.rowid"
)


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        value = value.astimezone(UTC) if value.tzinfo else value
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def picture(url: str) -> dict[str, list[tuple]]:
    store = Store.open(url)
    asked = dict(PICTURE, index=SQLITE_INDEX) if url.startswith("sqlite") else PICTURE
    with store.read() as s:
        seen = {
            name: sorted(tuple(map(_plain, r)) for r in s.execute(text(sql)))
            for name, sql in asked.items()
        }
    store.close()
    return seen


@pytest.mark.integration
def test_an_import_killed_twenty_times_ends_as_one_that_never_was(sqlite_url, tmp_path):
    killed_mid_way = check_kills(sqlite_url, f"sqlite:///{tmp_path / 'clean.db'}", tmp_path, 20)
    assert killed_mid_way >= 10
    path = sqlite_url.removeprefix("sqlite:///")
    import sqlite3

    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchall() == [("ok",)]


@pytest.mark.integration
def test_an_import_killed_on_postgresql_ends_as_one_that_never_was(pg_url, tmp_path):
    killed_mid_way = check_kills(pg_url, f"sqlite:///{tmp_path / 'clean.db'}", tmp_path, 6)
    assert killed_mid_way >= 3


def under_way(url: str, child: subprocess.Popen[str]) -> None:
    """Until the import has begun (a loaded machine takes seconds just to start Python)."""
    deadline = time.monotonic() + 60
    while _phase(url) in (None, "done") and child.poll() is None:
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)


def _phase(url: str) -> str | None:
    store = Store.open(url)
    with store.read() as s:
        phase = s.execute(text("SELECT phase FROM import_checkpoint")).scalar()
    store.close()
    return phase


def check_kills(url: str, clean: str, tmp_path: Path, kills: int) -> int:
    """Kill the import ``kills`` times at random, finish it, compare with a clean one;
    returns how many kills landed with the import under way."""
    tickets, comments = files(tmp_path)
    # The clean import first, timed from when it is under way: the kills below land at
    # random moments inside that span, however fast this machine imports.
    fresh(clean)
    child = start(clean, tickets, comments)
    under_way(clean, child)
    began = time.monotonic()
    out, err = child.communicate(timeout=300)
    span = time.monotonic() - began
    assert child.returncode == 0 and out.strip() == str(TICKETS), err
    fresh(url)
    rng = random.Random(int(os.environ.get("KILL_SEED", "5")))
    mid_way = 0
    for _ in range(kills):
        child = start(url, tickets, comments)
        under_way(url, child)
        time.sleep(rng.uniform(0.0, span / 10))  # early and often: twenty kills fit in one span
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
        child.communicate()
        phase = _phase(url)
        mid_way += phase in ("tickets", "comments", "index")
        if phase == "done":
            break
    child = start(url, tickets, comments)
    out, err = child.communicate(timeout=300)
    assert child.returncode == 0, err
    got, want = picture(url), picture(clean)
    assert len(got["ticket"]) == TICKETS and len(got["comment"]) == 3 * TICKETS
    for table in PICTURE:
        assert got[table] == want[table], table
    if "index" in got:
        assert len(got["index"]) == TICKETS and got["index"] == want["index"]
    store = Store.open(url)
    assert verify(store).holds
    store.close()
    return mid_way
