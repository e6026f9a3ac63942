"""A breach reaches a real desktop: the watcher fires it, my client claims the desktop
delivery and shows it through the D-Bus notification daemon (dunst under Xvfb)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import DesktopSession, dunst_history
from sqlmodel import select

from deskline.core.alerts.channels import DesktopChannel
from deskline.core.alerts.inbox import Inbox
from deskline.core.alerts.watcher import SlaWatcher
from deskline.core.desk.tickets import Desk
from deskline.storage.models import Delivery

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


@pytest.mark.integration
def test_a_breach_becomes_a_desktop_notification_naming_ticket_and_level(
    store, desktop: DesktopSession
):
    from deskline.core.roster.agents import Roster

    Roster(store).add("ana", name="Ana Silva", role="supervisor", team="Service Desk")
    at_15 = T0 + timedelta(minutes=15)
    ana = Desk(store, "ana", now=lambda: T0)
    ana.create("Checkout down for everyone", priority="P0")
    SlaWatcher(store, ana, now=lambda: at_15).run_due()

    channel = DesktopChannel(timeout=10)
    assert channel.check() is None
    shown = Inbox(store, "ana", now=lambda: at_15).deliver_desktop(channel)
    # at risk came due 3 min before this pass: late, so it waits in the alert centre
    assert [item.rung for item in shown] == ["breach"]
    seen = dunst_history(desktop)
    assert [n["summary"] for n in seen] == ["T-1 breached — level 3 (first response)"]
    assert "Checkout down for everyone" in seen[0]["body"]
    with store.read() as s:
        desktop_rows = s.exec(select(Delivery).where(Delivery.channel == "desktop")).all()
    assert {(d.recipient, d.status) for d in desktop_rows} >= {("ana", "delivered")}
    assert Inbox(store, "ana", now=lambda: at_15).deliver_desktop(channel) == []  # once


HOSTILE_TITLE = 'Refund <b>now</b> & <a href="https://evil.example">pay</a> <img src="x">'


def test_markup_in_customer_text_reaches_the_notification_server_escaped():
    """The boundary: dunst and other servers read <b>, <i>, <a href>, <img> in the text."""
    from deskline.core.alerts.channels import Notice

    notice = Notice.compose(
        ticket="T-1",
        title=HOSTILE_TITLE,
        rung="breach",
        level=3,
        clock="first_response",
        due_at=T0,
        fired_at=T0,
        notes=["to <i>x</i>"],
    )
    spec = DesktopChannel().spec(notice)
    for field in ("title", "message", "ticker"):
        assert "<" not in spec[field] and ">" not in spec[field]
    assert "Refund &lt;b&gt;now&lt;/b&gt; &amp; &lt;a href=" in spec["message"]
    assert "&lt;i&gt;x&lt;/i&gt;" in spec["title"]


@pytest.mark.integration
def test_markup_in_a_title_reaches_dunst_as_text(store, desktop: DesktopSession):
    from deskline.core.roster.agents import Roster

    Roster(store).add("ana", name="Ana Silva", role="supervisor", team="Service Desk")
    at_15 = T0 + timedelta(minutes=15)
    ana = Desk(store, "ana", now=lambda: T0)
    ana.create(HOSTILE_TITLE, priority="P0")
    SlaWatcher(store, ana, now=lambda: at_15).run_due()
    shown = Inbox(store, "ana", now=lambda: at_15).deliver_desktop(DesktopChannel(timeout=10))
    assert [item.rung for item in shown] == ["breach"]
    seen = dunst_history(desktop)
    # what dunst received: entities, which it shows as the characters, never as markup
    assert "Refund &lt;b&gt;now&lt;/b&gt; &amp; &lt;a href=" in seen[0]["body"]
    assert "<a " not in seen[0]["body"] and "<img" not in seen[0]["body"]
