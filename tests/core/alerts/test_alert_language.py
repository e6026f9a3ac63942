"""One alert, each person's language: who chose zh_CN (``me notify --language``) reads its
toast, desktop notification and email in Chinese, the others in English; the record (the
stored summary, the feed, the webhook's JSON) stays in English."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from conftest import DesktopSession, dunst_history
from test_watcher_channels import hook as webhook_server  # noqa: F401  (fixtures)
from test_watcher_channels import smtp  # noqa: F401

from deskline.core.alerts import preferences
from deskline.core.alerts.channels import HELD, DesktopChannel, Note, Notice
from deskline.core.alerts.inbox import IN_APP, Inbox, notice_of
from deskline.core.alerts.ladder import AlertRules, EmailSettings, WebhookSettings
from deskline.core.alerts.watcher import SlaWatcher
from deskline.core.desk.tickets import Desk
from deskline.core.errors import InvalidInput
from deskline.core.language import SOURCE, language, speaking, use
from deskline.core.roster.agents import Roster

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
AT_15 = T0 + timedelta(minutes=15)  # the P0's first response is breached
ENGLISH = "T-1 breached — level 3 (first response)"
CHINESE = "T-1 已超时 — 3 级（首次响应）"


@pytest.fixture
def staff(store) -> Desk:
    """ana, a supervisor reading Chinese; dee, a director reading English (both with mail)."""
    roster = Roster(store)
    roster.add("ana", name="安娜", role="supervisor", team="Service Desk", email="ana@example.com")
    roster.add("dee", name="Dee Director", role="director", email="dee@example.com")
    preferences.change(store, "ana", by="ana", language=preferences.parse_language("zh_CN.UTF-8"))
    desk = Desk(store, "ana", now=lambda: T0)
    desk.create("结账页面全部无法打开", priority="P0")
    return desk


def test_each_person_reads_the_same_toast_in_their_own_language(staff):
    SlaWatcher(staff.store, staff, now=lambda: AT_15).run_due()
    ana = Inbox(staff.store, "ana", now=lambda: AT_15).claim(IN_APP)
    dee = Inbox(staff.store, "dee", now=lambda: AT_15).claim(IN_APP)
    breach_ana = next(i for i in ana if i.rung == "breach")
    breach_dee = next(i for i in dee if i.rung == "breach")
    assert breach_ana.alert_id == breach_dee.alert_id  # one alert
    assert breach_ana.summary == CHINESE
    assert breach_ana.notice.body.splitlines()[1].startswith("首次响应已于 ")
    assert "已通知：ana, dee" in breach_ana.notice.body
    assert breach_dee.summary == ENGLISH
    assert "Told: ana, dee" in breach_dee.notice.body
    # the record and the JSON (alerts mine --json): English, whoever reads it
    assert breach_ana.to_json()["summary"] == ENGLISH and breach_ana.to_json()["rung"] == "breach"
    assert breach_ana.to_json() == {**breach_dee.to_json(), "acknowledged": False}
    recent = Inbox(staff.store, "dee").recent()
    assert [i.summary for i in recent if i.rung == "breach"] == [ENGLISH]


def test_the_record_stays_english_when_the_watcher_runs_in_a_chinese_app(staff):
    use("zh_CN")
    try:
        fired = SlaWatcher(staff.store, staff, now=lambda: AT_15).run_due()
    finally:
        use(SOURCE)
    assert ENGLISH in [f.notice.summary for f in fired]
    dee = Inbox(staff.store, "dee", now=lambda: AT_15).claim(IN_APP)
    assert ENGLISH in [i.summary for i in dee]


def test_without_a_choice_an_inbox_speaks_its_apps_language(staff):
    preferences.change(staff.store, "ana", by="ana", language=None)
    SlaWatcher(staff.store, staff, now=lambda: AT_15).run_due()
    zh = Inbox(staff.store, "dee", now=lambda: AT_15, language=language("zh_CN"))
    assert CHINESE in [i.summary for i in zh.claim(IN_APP)]
    assert ENGLISH in [i.summary for i in Inbox(staff.store, "ana").recent()]


def test_an_alert_email_is_in_its_recipients_language_and_the_webhook_in_english(
    staff,
    smtp,  # noqa: F811
    webhook_server,  # noqa: F811  (the fixture imported above)
):
    port, box = smtp
    url, posts = webhook_server
    rules = AlertRules(
        webhook=WebhookSettings(url=url, levels=frozenset({3})),
        email=EmailSettings(host="127.0.0.1", port=port, starttls=False, levels=frozenset({3})),
    )
    watcher = SlaWatcher(staff.store, staff, rules, now=lambda: AT_15)
    watcher.run_due()
    watcher.flush()
    watcher.stop()
    by_rcpt = {m["To"]: m for m in box.messages}
    assert set(by_rcpt) == {"ana@example.com", "dee@example.com"}
    assert by_rcpt["ana@example.com"]["Subject"] == CHINESE
    assert "结账页面全部无法打开" in by_rcpt["ana@example.com"].get_content()
    assert "首次响应已于" in by_rcpt["ana@example.com"].get_content()
    assert by_rcpt["dee@example.com"]["Subject"] == ENGLISH
    assert "First response was due" in by_rcpt["dee@example.com"].get_content()
    (posted,) = posts
    assert posted["summary"] == ENGLISH and posted["rung"] == "breach"
    assert set(posted) >= {"text", "ticket", "level", "severity", "clock", "recipients"}


@pytest.mark.integration
def test_a_desktop_notification_is_in_its_readers_language(staff, desktop: DesktopSession):
    SlaWatcher(staff.store, staff, now=lambda: AT_15).run_due()
    channel = DesktopChannel(timeout=10)
    shown = Inbox(staff.store, "ana", now=lambda: AT_15).deliver_desktop(channel)
    assert [item.rung for item in shown] == ["breach"]
    seen = dunst_history(desktop)
    assert [n["summary"] for n in seen] == [CHINESE]
    assert "结账页面全部无法打开" in seen[0]["body"] and "已通知" in seen[0]["body"]
    shown = Inbox(staff.store, "dee", now=lambda: AT_15).deliver_desktop(channel)
    assert [n["summary"] for n in dunst_history(desktop)][:2].count(ENGLISH) == 1


def test_a_stored_note_is_read_back_and_said_in_another_language():
    """The summary is stored in English with its notes; each reader hears the notes too."""
    told = Notice.compose(
        ticket="T-7",
        title="VPN",
        rung="at_risk",
        level=2,
        clock="resolution",
        due_at=T0,
        fired_at=T0 - timedelta(minutes=5),
        notes=[Note.of(HELD, time="22:00")],
        language=SOURCE,
    )
    assert told.summary == "T-7 at risk — level 2 (resolution); held from 22:00 (quiet hours)"
    alert = SimpleNamespace(
        rung="at_risk",
        level=2,
        clock="resolution",
        due_at=T0,
        at=T0,
        fired_at=T0 - timedelta(minutes=5),
        late=False,
        recipients=["ana"],
        summary=told.summary,
    )
    zh = notice_of(alert, 7, "VPN", "zh_CN")
    assert zh.summary == "T-7 即将超时 — 2 级（解决时限）；自 22:00 起暂缓（免打扰时段）"
    assert zh.body.splitlines()[-2:] == ["自 22:00 起暂缓（免打扰时段）", "已通知：ana"]
    assert notice_of(alert, 7, "VPN").summary == told.summary  # English by default
    unknown = SimpleNamespace(**{**vars(alert), "summary": told.summary + "; a note of old"})
    assert notice_of(unknown, 7, "VPN", "zh_CN").summary.endswith("（免打扰时段）；a note of old")


def test_a_language_set_in_one_thread_is_not_anothers():
    said: dict[str, str] = {}

    def speak(code: str) -> None:
        with speaking(code):
            said[code] = Notice.compose(
                ticket="T-1",
                title="",
                rung="breach",
                level=3,
                clock=None,
                due_at=None,
                fired_at=T0,
            ).summary

    threads = [threading.Thread(target=speak, args=(c,)) for c in ("zh_CN", "en")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert said == {"zh_CN": "T-1 已超时 — 3 级", "en": "T-1 breached — level 3"}


def test_an_unknown_alert_language_is_one_clear_error(staff):
    with pytest.raises(InvalidInput, match="--language xx: deskline speaks en, zh_CN"):
        preferences.parse_language("xx")
    assert preferences.show(staff.store, "ana").language == "zh_CN"
    assert preferences.show(staff.store, "ana").to_json()["language"] == "zh_CN"
    assert preferences.show(staff.store, "dee").to_json()["language"] is None
