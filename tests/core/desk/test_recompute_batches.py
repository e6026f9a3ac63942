"""``sla recompute`` replans the open tickets a batch at a time: batches of two give what one
batch gives (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.core.sla.calendar import parse_duration
from deskline.core.sla.clocks import Target
from deskline.core.sla.defaults import default_rules
from deskline.storage import reads, tables

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
SCHEDULE = ("first_response_due_at", "resolution_due_at", "next_check_at", "next_due_at")


def schedules(desk: Desk) -> list[tuple]:
    columns = [tables.ticket.c.number, *(tables.ticket.c[name] for name in SCHEDULE)]
    with desk.store.read_rows() as conn:
        return [tuple(r) for r in conn.execute(select(*columns).order_by(tables.ticket.c.number))]


@pytest.mark.parametrize("batch", [2, 500])
def test_recompute_in_batches_moves_every_open_ticket(desk, monkeypatch, batch):
    monkeypatch.setattr(reads, "BATCH", batch)
    maker = Desk(desk.store, "ana", now=lambda: T0)
    for n in range(7):
        made = maker.create(f"Outage {n}", priority="P0" if n % 2 else "P1")
        if n == 3:
            maker.take(made.key)
            maker.transition(made.key, "resolved", reason="ok")  # finished: left alone
    rules = default_rules()
    slower = {**rules.targets, "P0": Target(parse_duration("30m"), parse_duration("4h"), "always")}
    Roster(desk.store).add("ada", role="admin")
    admin = Desk(desk.store, "ada", now=lambda: T0, rules=replace(rules, targets=slower))
    assert admin.recompute_sla() == 2  # the open P0 tickets: T-2 and T-6 (T-4 is resolved)
    moved = {row[0]: row for row in schedules(admin)}
    for number in (2, 6):
        assert moved[number][2] == T0 + timedelta(hours=4)  # the new resolution target
    assert admin.recompute_sla() == 0


def test_recompute_commits_each_batch_and_a_rerun_finishes(desk, monkeypatch):
    """A batch is one transaction: stopped at the second batch, the first stays stored and
    the second is not half-written; run again, it finishes."""
    from deskline.core.policy import replan as replan_module  # recompute imports it when run

    monkeypatch.setattr(reads, "BATCH", 2)
    maker = Desk(desk.store, "ana", now=lambda: T0)
    for n in range(4):
        maker.create(f"Outage {n}", priority="P0")
    rules = default_rules()
    slower = {**rules.targets, "P0": Target(parse_duration("30m"), parse_duration("4h"), "always")}
    Roster(desk.store).add("ada", role="admin")
    admin = Desk(desk.store, "ada", now=lambda: T0, rules=replace(rules, targets=slower))
    real, calls = replan_module.replan_batch, []

    def stops_at_the_second(*args):
        calls.append(args[-1])
        found = real(*args)
        if len(calls) == 2:
            raise RuntimeError("killed")
        return found

    monkeypatch.setattr(replan_module, "replan_batch", stops_at_the_second)
    with pytest.raises(RuntimeError, match="killed"):
        admin.recompute_sla()
    resolution = {row[0]: row[2] for row in schedules(admin)}
    assert [resolution[n] == T0 + timedelta(hours=4) for n in (1, 2, 3, 4)] == [
        True,
        True,
        False,
        False,
    ]
    monkeypatch.setattr(replan_module, "replan_batch", real)
    assert admin.recompute_sla() == 2  # the two the stopped run left
    assert all(row[2] == T0 + timedelta(hours=4) for row in schedules(admin))
