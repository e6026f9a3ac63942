"""A client's alerts: each delivery claimed by exactly one window, acknowledgements kept per
recipient; on a frozen clock, on both backends."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from deskline.core.alerts.inbox import Inbox
from deskline.core.alerts.watcher import SlaWatcher
from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.storage.models import Alert

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)  # a Thursday
AT_15 = T0 + timedelta(minutes=15)


@pytest.fixture
def ana(desk) -> Desk:
    """Ana's desk at 15 minutes, once a P0 created at 0 has breached: a watcher fired its
    at-risk and breach alerts, to her and to Dee, the director."""
    Roster(desk.store).add("dee", name="Dee Director", role="director")
    Desk(desk.store, "ana", now=lambda: T0).create("x", priority="P0")
    mine = Desk(desk.store, "ana", now=lambda: AT_15)
    SlaWatcher(desk.store, mine, now=mine.now, holder="inbox-test").run_due()
    return mine


def alerts(desk: Desk) -> list[Alert]:
    with desk.store.read() as s:
        return list(s.exec(select(Alert).order_by(Alert.id)).all())


def test_each_recipient_is_told_once_even_with_two_windows_open(ana):
    windows = [Inbox(ana.store, "ana", now=ana.now), Inbox(ana.store, "ana", now=ana.now)]
    got: list[list[int]] = [[], []]

    def claim(i: int) -> None:
        got[i] = [item.alert_id for item in windows[i].claim()]

    threads = [threading.Thread(target=claim, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got[0] + got[1]) == sorted(a.id for a in alerts(ana))  # at risk + breach
    assert not set(got[0]) & set(got[1])
    assert windows[0].claim() == [] and windows[1].claim() == []


def test_acknowledging_is_recorded_for_me_only(ana):
    mine = Inbox(ana.store, "ana", now=ana.now).recent()
    assert [i.rung for i in mine] == ["breach", "at_risk"]  # newest first
    assert Inbox(ana.store, "dee", now=ana.now).acknowledge(mine[0].delivery_id) is False
    assert Inbox(ana.store, "ana", now=ana.now).acknowledge(mine[0].delivery_id) is True
    again = Inbox(ana.store, "ana", now=ana.now).recent()
    assert again[0].acknowledged_at == AT_15 and again[1].acknowledged_at is None
