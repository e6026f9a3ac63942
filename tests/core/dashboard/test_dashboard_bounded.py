"""The live board holds counts and each list's first tickets, not the open tickets: its
lists and counts equal what reading every open ticket's clocks gives, at each instant the
clock alone moves them, while it keeps at most ``LIST_LIMIT`` tickets a list."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from busy_desk import busy_desk, utc

from deskline.core.dashboard import board as board_module
from deskline.core.dashboard.board import AT_RISK, HORIZON, OPEN, Board
from deskline.core.desk.facts import clock_facts
from deskline.core.desk.tickets import Desk
from deskline.core.sla.clocks import ClockState, SlaClock
from deskline.storage import dashboard as queries

LIMIT = 3


@pytest.fixture(autouse=True)
def _utc(monkeypatch):
    with utc(monkeypatch):
        yield


@pytest.fixture
def busy(store):
    return busy_desk(store)


@pytest.fixture
def cut(busy, monkeypatch):
    """The busy desk (busy_desk), its lists cut at three."""
    monkeypatch.setattr(board_module, "LIST_LIMIT", LIMIT)
    return busy


def every_clock(desk: Desk, now: datetime) -> dict[str, object]:
    """The lists as reading every open ticket's clocks gives them: counts, the strip,
    breaches per agent, and each list's first keys (most overdue / least time left)."""
    with desk.store.read() as s:
        rows = queries.clock_rows(s, statuses=OPEN, due_before=now + HORIZON)
    lists: dict[str, list[tuple[datetime, int]]] = {"breached": [], "at_risk": []}
    strip: dict[str, list[int]] = {p: [0, 0] for p in ("P0", "P1", "P2", "P3")}
    agents: dict[str, int] = {}
    for row in rows:
        _, reading = (
            SlaClock(desk.rules, clock_facts(row, row.tier, row.category)).read(now).most_urgent()
        )
        if reading.state == ClockState.BREACHED:
            lists["breached"].append((reading.due_at, row.number))
            strip[row.priority][1] += 1
            if row.assignee:
                agents[row.assignee] = agents.get(row.assignee, 0) + 1
        elif reading.state in AT_RISK:
            lists["at_risk"].append((reading.due_at, row.number))
            strip[row.priority][0] += 1
    return {
        "breached": len(lists["breached"]),
        "at_risk": len(lists["at_risk"]),
        "strip": strip,
        "agents": agents,
        "breached_keys": [f"T-{n}" for _, n in sorted(lists["breached"])[:LIMIT]],
        "at_risk_keys": [f"T-{n}" for _, n in sorted(lists["at_risk"])[:LIMIT]],
    }


def shown(board: Board, now: datetime) -> dict[str, object]:
    f = board.figures(now)
    return {
        "breached": f.counters.breached,
        "at_risk": f.counters.at_risk,
        "strip": {p.priority: [p.at_risk, p.breached] for p in f.priorities},
        "agents": {a.handle: a.breaches for a in f.agents if a.breaches},
        "breached_keys": [e.key for e in f.breached],
        "at_risk_keys": [e.key for e in f.at_risk],
    }


def test_lists_equal_every_clock_read_as_time_goes_by_holding_only_their_heads(cut):
    desk, clock = cut
    board = Board(desk)
    board.load()
    now, seen, steps = clock.at, set(), 0
    end = now + timedelta(hours=30)
    while now < end and steps < 60:
        expected = every_clock(desk, now)
        assert shown(board, now) == expected, now
        seen.add((expected["breached"] > LIMIT, expected["at_risk"] > 0))
        # held: at most LIMIT tickets a list, whatever the counts
        kept = board._lists.tally.kept
        assert all(len(heap) <= LIMIT for heap in kept.values())
        following = board.next_change(now)
        assert following is not None and following > now
        # just before the next change nothing moved; at it, it may
        before = following - timedelta(seconds=1)
        if before > now:
            assert shown(board, before) == every_clock(desk, before), before
        now, steps = following, steps + 1
        clock.at = now
        if board.reload_due(now):
            board.load()
        elif board.recount_due(now) or board.new_breach():  # as the screen does
            board.recount()
    # the cases were there: a list longer than its cut, and tickets at risk
    assert (True, True) in seen or (True, False) in seen
    assert any(at_risk for _, at_risk in seen)


@pytest.mark.parametrize("hours", [1, 3, 7])
def test_once_equals_every_clock_read(cut, hours):
    desk, clock = cut
    clock.at = clock.at + timedelta(hours=hours) - timedelta(hours=4)
    got = Board(desk).once(clock.at, limit=LIMIT)
    expected = every_clock(desk, clock.at)
    assert (got.counters.breached, got.counters.at_risk) == (
        expected["breached"],
        expected["at_risk"],
    )
    assert [e.key for e in got.breached] == expected["breached_keys"]
    assert [e.key for e in got.at_risk] == expected["at_risk_keys"]


def test_signatures_are_two_flat_arrays_not_a_dict_of_rows(cut):
    """What tells a note from a change that counts is held as 17 bytes a ticket."""
    desk, _ = cut
    board = Board(desk)
    board.load()
    held = board._signatures
    assert len(held._numbers) == len(held._hashes) == len(held._p0) == 14
    assert held._numbers.itemsize == held._hashes.itemsize == 8
    desk.note("T-1", "still looking")
    assert not board.changed([1])
    desk.change_priority("T-2", "P3", reason="not urgent")
    assert board.changed([2])
