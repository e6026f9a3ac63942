"""The import's texts made fast (``bulk.Times``, the events' JSON put together by hand) are
the very texts the slow, general ways make: stored times, ISO times, JSON sides and the
audit chain's hashes over them."""

from __future__ import annotations

import csv
import json
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import text

from deskline.core import clock
from deskline.core.desk.tickets import Desk
from deskline.core.desk.trail import verify
from deskline.core.roster.agents import Roster
from deskline.core.transfer import presets
from deskline.core.transfer.load import Importer, Options
from deskline.storage.bulk import Times

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_times_are_written_as_isoformat_and_the_column_type_write_them():
    times, rng = Times("sqlite"), random.Random(7)
    start = datetime(1, 1, 1, tzinfo=UTC)
    east = timezone(timedelta(hours=5, minutes=30))
    for _ in range(20_000):
        at = start + timedelta(
            seconds=rng.randint(0, 3_155_000_000 * 20), microseconds=rng.choice((0, 1, 999_999))
        )
        for value in (at, at.astimezone(east)):
            naive = value.astimezone(UTC).replace(tzinfo=None)  # as the column type stores it
            assert times.stored(value) == naive.isoformat(" ", "microseconds")
            assert times.iso(value) == value.isoformat()
            assert times.iso_z(value) == clock.iso(value)
    assert times.stored(None) is None
    assert Times("postgresql").stored(start) is start  # the driver takes the time itself


HOSTILE = [
    'Quotes " and \\ backslashes \\" end',
    "Ünïcödé 中文 🙂 and a bell \x07 and \x1b[31mred",
    "Line\u2028separator and\ttab",  # made one line by the import: still JSON-escaped
]


def test_hostile_subjects_and_ids_are_encoded_and_chained_as_the_desk_does(store, tmp_path):
    Roster(store).add("ada", name="Ada Admin", role="admin", team="Service Desk")
    desk = Desk(store, "ada", now=lambda: NOW)
    path = Path(tmp_path / "t.csv")
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["external_id", "subject", "status", "priority", "created_at", "solved_at"])
        for i, subject in enumerate(HOSTILE):
            w.writerow([f'ext "{i}" é\\', subject, "resolved", "P2", "2026-10-01 09:00", ""])
    options = Options(path, "csv", presets.PRESETS["deskline"])
    assert Importer(desk, options, now=lambda: NOW, batch=2).run().created == 3
    with store.read() as s:
        found = s.execute(text("SELECT new FROM event WHERE kind = 'created' ORDER BY id"))
        sides = [json.loads(v) if isinstance(v, str) else v for (v,) in found]
    assert [side["external_id"] for side in sides] == [f'ext "{i}" é\\' for i in range(3)]
    assert sides[0]["title"] == HOSTILE[0]
    keys = {"title", "status", "priority", "external_id", "imported"}
    assert all(set(side) == keys for side in sides)
    # every hash recomputed from the stored values (``encoded``) is the one the import made
    assert verify(store).holds
