"""``dashboard --once`` reads the figures straight from the store, streamed, keeping only the
counts and the lists' first entries: the same figures a loaded, tracking Board gives."""

from __future__ import annotations

from datetime import timedelta

import pytest
from busy_desk import T0, busy_desk, utc

from deskline.core.dashboard.board import Board
from deskline.storage import reads


@pytest.fixture(autouse=True)
def _utc(monkeypatch):
    with utc(monkeypatch):
        yield


@pytest.fixture
def busy(store):
    return busy_desk(store)


def shown(figures):
    data = figures.to_json()
    del data["generated_at"]
    return data


@pytest.mark.parametrize("limit", [3, 50])
@pytest.mark.parametrize("hours", [2, 6, 30])
def test_streamed_once_gives_what_the_loaded_board_gives(busy, monkeypatch, limit, hours):
    desk, clock = busy
    clock.at = T0 + timedelta(hours=hours)
    monkeypatch.setattr(reads, "BATCH", 2)  # many fetches (a server-side cursor on PostgreSQL)
    tracked = Board(desk)
    tracked.load()
    expected = shown(tracked.figures(clock.at, limit=limit))
    assert shown(Board(desk).once(clock.at, limit=limit)) == expected
    c = expected["counters"]
    if hours == 6:  # the lists are longer than the small limit: the cut is tested
        assert c["breached"] > 3 and len(expected["breached"]) == min(limit, c["breached"])


def test_once_of_one_team(busy):
    desk, clock = busy
    clock.at = T0 + timedelta(hours=6)
    tracked = Board(desk, "Service Desk")
    tracked.load()
    assert shown(Board(desk, "Service Desk").once(clock.at)) == shown(tracked.figures(clock.at))


@pytest.mark.parametrize("minutes", [0, 25, 95, 200, 370])
def test_once_counts_warnings_and_clocks_without_a_stored_at_risk_instant(busy, minutes):
    """Breached and at-risk tickets are counted from their stored instants, the others'
    clocks read: a warning (in business time) and a ticket whose at-risk instant is not
    stored (a desk upgraded before ``sla recompute``) are in the at-risk list all the same."""
    from sqlalchemy import update

    from deskline.storage.models import Ticket

    desk, clock = busy
    with desk.store.write() as s:  # half the tickets lose their stored at-risk instant
        s.execute(update(Ticket).where(Ticket.number % 2 == 0).values(at_risk_at=None))
    clock.at = T0 + timedelta(minutes=minutes)
    tracked = Board(desk)
    tracked.load()
    expected = shown(tracked.figures(clock.at, limit=3))
    assert shown(Board(desk).once(clock.at, limit=3)) == expected
    if minutes == 95:  # the cases are there: something in each list
        assert expected["counters"]["at_risk"] and expected["counters"]["breached"]
