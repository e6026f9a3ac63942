"""What the dashboard's tests share (imported: ``from busy_desk import ...``): a clock to
set, the machine's zone as UTC, a busy desk."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.storage.store import Store

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)  # a Thursday; P0/P1 clocks run 24x7


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@contextmanager
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's zone is UTC inside (the dashboard's days and hours are local)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def busy_desk(store: Store) -> tuple[Desk, Clock]:
    """Fourteen open tickets, P0 to P3, some answered, some assigned, made 20 minutes
    apart: by T0+6h several are breached and several at risk, in both lists more than 3."""
    roster = Roster(store)
    roster.add("ana", name="Ana Silva", role="supervisor", team="Service Desk")
    roster.add("bo", name="Bo Wang", team="Service Desk")
    clock = Clock(T0)
    desk = Desk(store, "ana", now=clock)
    for n in range(14):
        made = desk.create(f"Trouble {n}", priority=f"P{n % 4}")
        if n % 3 == 0:
            desk.assign(made.key, "bo")
        if n % 2 == 0:
            desk.reply(made.key, "looking")
        clock.at += timedelta(minutes=20)
    return desk, clock
