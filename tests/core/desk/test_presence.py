"""Presence: a short lease on the ticket one has open (and whether one is writing on it);
the others see it until it lapses; it is no change to the ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import FrozenClock

from deskline.core.desk.tickets import PRESENCE_SECONDS, Desk
from deskline.core.errors import InvalidInput, NotFound

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


def test_others_see_who_has_it_open_until_the_lease_lapses(desk, store, clock):
    ana, bo = Desk(store, "ana", now=clock), Desk(store, "bo", now=clock)
    ana.create("one")
    ana.create("two")
    version = ana.get("T-1").version
    assert ana.here("T-1") == []  # nobody else
    assert bo.here("T-1", "reply") == [("ana", "viewing")]
    assert ana.here("T-1") == [("bo", "reply")]
    clock.t = T0 + timedelta(seconds=PRESENCE_SECONDS - 1)
    assert ana.here("T-1") == [("bo", "reply")]
    clock.t = T0 + timedelta(seconds=PRESENCE_SECONDS)
    assert ana.here("T-1") == []  # bo's lease lapsed: gone, by time alone
    bo.here("T-1")
    bo.here("T-2")  # one ticket open at a time
    assert ana.here("T-1") == []
    assert ana.here("T-2") == [("bo", "viewing")]
    bo.away()
    assert ana.here("T-2") == []
    assert ana.get("T-1").version == version  # no change to the ticket
    assert [e.kind for e in ana.get("T-1").events] == ["created"]


def test_a_bad_state_or_key_is_refused(desk):
    desk.create("one")
    with pytest.raises(InvalidInput, match="presence 'typing'"):
        desk.here("T-1", "typing")
    with pytest.raises(NotFound, match="no ticket T-7"):
        desk.here("T-7")
