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


def test_a_desktop_notification_that_timed_out_is_tried_again_then_failed(ana):
    """A notification server that does not answer in time (a real child process past its
    timeout): tried again 30 s later, three times in all, then recorded as failed."""
    from deskline.core.alerts.channels import DesktopChannel
    from deskline.storage.models import Delivery

    clock = {"t": AT_15}
    inbox = Inbox(ana.store, "ana", now=lambda: clock["t"])
    hanging = DesktopChannel(timeout=0.001)  # the child cannot even start in that time

    def breach_row() -> Delivery:
        with ana.store.read() as s:
            rows = s.exec(select(Delivery).where(Delivery.channel == "desktop")).all()
            ids = {a.id for a in alerts(ana) if a.rung == "breach"}
            return next(d for d in rows if d.recipient == "ana" and d.alert_id in ids)

    assert inbox.deliver_desktop(hanging) == []
    row = breach_row()
    assert (row.status, row.attempts) == ("pending", 1) and "timed out" in (row.last_error or "")
    assert inbox.deliver_desktop(hanging) == [] and breach_row().attempts == 1  # not yet due
    clock["t"] += timedelta(seconds=30)
    inbox.deliver_desktop(hanging)
    assert (breach_row().status, breach_row().attempts) == ("pending", 2)
    clock["t"] += timedelta(seconds=30)
    inbox.deliver_desktop(hanging)
    row = breach_row()
    assert row.status == "failed" and "timed out" in (row.detail or "")
